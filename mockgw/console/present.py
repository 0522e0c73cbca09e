"""Turning handler outputs into what the console's pages show: dates, the resource tree,
a method's execution flow, invoke URLs, key-value text fields."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

METHOD_ORDER = ("ANY", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def when(epoch: float | int | None) -> str:
    """``2026-11-01 12:00:00 UTC`` (epoch seconds; empty for ``None``)."""
    if epoch is None or epoch == "":
        return ""
    return datetime.fromtimestamp(float(epoch), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def when_ms(epoch_ms: int | None) -> str:
    """``12:00:00.123`` (epoch milliseconds): a request's time in the request log."""
    if epoch_ms is None:
        return ""
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def pretty(text: str | bytes | None) -> str:
    """A body for display: JSON indented when it is JSON, else as it is."""
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return text


def method_order(name: str) -> tuple[int, str]:
    return (METHOD_ORDER.index(name) if name in METHOD_ORDER else len(METHOD_ORDER), name)


def status_class(status: int | None) -> str:
    """``ok``, ``client`` or ``server``: how a status is coloured."""
    if status is None:
        return ""
    return "server" if status >= 500 else "client" if status >= 400 else "ok"


def history(deployments: list[dict[str, Any]], current: str | None, key: str
            ) -> list[dict[str, Any]]:
    """Deployments newest first, each marked ``older`` when it came before ``current``
    (pointing the stage at it is a rollback)."""
    made = list(enumerate(deployments))  # the handlers list them in the order made
    made.sort(key=lambda item: (item[1].get("createdDate") or item[1].get("CreatedDate")
                                or 0, item[0]), reverse=True)
    ordered = [found for _, found in made]
    ids = [d[key] for d in ordered]
    at = ids.index(current) if current in ids else len(ids)
    for i, found in enumerate(ordered):
        found["older"] = i > at
    return ordered


# -- the resource tree -----------------------------------------------------------------------

@dataclass
class TreeRow:
    """One resource of the tree, with its depth and its methods in a fixed order."""

    resource: dict[str, Any]
    depth: int
    methods: list[str] = field(default_factory=list)


def resource_tree(resources: list[dict[str, Any]]) -> list[TreeRow]:
    """The resources in tree order (children under their parent, by path part)."""
    children: dict[str | None, list[dict]] = {}
    ids = {r["id"] for r in resources}
    for found in resources:
        parent = found.get("parentId") if found.get("parentId") in ids else None
        children.setdefault(parent, []).append(found)
    rows: list[TreeRow] = []
    stack = [(r, 0) for r in sorted(children.get(None, []), key=_path_key, reverse=True)]
    while stack:
        found, depth = stack.pop()
        methods = sorted(found.get("resourceMethods") or {}, key=method_order)
        rows.append(TreeRow(found, depth, methods))
        stack.extend((child, depth + 1) for child in
                     sorted(children.get(found["id"], []), key=_path_key, reverse=True))
    return rows


def _path_key(found: dict[str, Any]) -> str:
    return found.get("pathPart") or found.get("path") or ""


# -- a method's execution flow ------------------------------------------------------------------

def flow(method: dict[str, Any], *, authorizers: dict[str, dict], validators: dict[str, dict]
         ) -> dict[str, Any]:
    """The four stages of API Gateway's method execution view, for a template: method
    request, integration request, integration response(s), method response(s)."""
    integration = method.get("methodIntegration") or {}
    authorizer = authorizers.get(method.get("authorizerId") or "")
    validator = validators.get(method.get("requestValidatorId") or "")
    return {
        "method_request": {
            "authorization": method.get("authorizationType") or "NONE",
            "authorizer": authorizer,
            "scopes": method.get("authorizationScopes") or [],
            "api_key": bool(method.get("apiKeyRequired")),
            "validator": validator,
            "operation_name": method.get("operationName"),
            "parameters": sorted((method.get("requestParameters") or {}).items()),
            "models": sorted((method.get("requestModels") or {}).items()),
        },
        "integration": integration,
        "integration_request": {
            "parameters": sorted((integration.get("requestParameters") or {}).items()),
            "templates": sorted((integration.get("requestTemplates") or {}).items()),
        },
        "integration_responses": [
            integration["integrationResponses"][key]
            for key in sorted(integration.get("integrationResponses") or {})],
        "method_responses": [
            method["methodResponses"][key] for key in sorted(method.get("methodResponses") or {})],
    }


def backend(integration: dict[str, Any]) -> str:
    """What the integration calls, in a few words."""
    kind = integration.get("type") or "(none)"
    if kind == "MOCK":
        return "Mock: answers from the integration response"
    uri = integration.get("uri") or ""
    if ":lambda:path/" in uri and "/functions/" in uri:
        return "Lambda function " + uri.split("/functions/", 1)[1].removesuffix("/invocations")
    if kind in ("HTTP", "HTTP_PROXY"):
        return f"{integration.get('httpMethod') or ''} {uri}".strip()
    return uri or kind


# -- invoke URLs ------------------------------------------------------------------------------

@dataclass
class InvokeUrl:
    """One way to reach a stage: a label, the URL (or command) and a note."""

    label: str
    url: str
    note: str = ""


def rest_invoke_urls(api_id: str, stage: str, *, region: str, scheme: str, host: str,
                     mappings: list[tuple[str, str]]) -> list[InvokeUrl]:
    """Every form ``mockgw serve`` (and the in-process mock) serves a REST API stage at;
    ``mappings`` are the (domain name, base path) custom domains mapped to the stage."""
    port = _port(host, scheme)
    quoted = quote(stage, safe="")
    urls = [
        InvokeUrl("Host form", f"{scheme}://{api_id}.execute-api.localhost{port}/{quoted}/",
                  f"any Host {api_id}.execute-api.* reaches the API"),
        InvokeUrl("Path form", f"{scheme}://{host}/restapis/{api_id}/{quoted}/_user_request_/"),
        InvokeUrl("LocalStack form", f"{scheme}://{host}/_aws/execute-api/{api_id}/{quoted}/"),
    ]
    urls.extend(_domain_urls(mappings, scheme, host))
    urls.append(InvokeUrl("In-process (mock_apigateway)",
                          f"https://{api_id}.execute-api.{region}.amazonaws.com/{quoted}/",
                          "AWS's own URL, answered by mock_apigateway"))
    return urls


def http_invoke_urls(api_id: str, stage: str, *, region: str, scheme: str, host: str,
                     mappings: list[tuple[str, str]]) -> list[InvokeUrl]:
    """Every form an HTTP API stage is served at (``$default`` at the root)."""
    port = _port(host, scheme)
    quoted = quote(stage, safe="$")
    prefix = "" if stage == "$default" else f"/{quoted}"
    urls = [
        InvokeUrl("Host form", f"{scheme}://{api_id}.execute-api.localhost{port}{prefix}/",
                  f"any Host {api_id}.execute-api.* reaches the API"),
        InvokeUrl("LocalStack form", f"{scheme}://{host}/_aws/execute-api/{api_id}/{quoted}/"),
    ]
    urls.extend(_domain_urls(mappings, scheme, host))
    urls.append(InvokeUrl("In-process (mock_apigateway)",
                          f"https://{api_id}.execute-api.{region}.amazonaws.com{prefix}/",
                          "AWS's own URL, answered by mock_apigateway"))
    return urls


def websocket_urls(api_id: str, stage: str, *, region: str,
                   websocket_url: str | None) -> list[InvokeUrl]:
    """The URLs WebSocket clients connect to (``websocket_url``: the server's base
    WebSocket URL, from the health endpoint, when the server takes WebSocket clients)."""
    quoted = quote(stage, safe="$")
    urls = []
    if websocket_url:
        base = websocket_url.rstrip("/")
        urls.append(InvokeUrl("WebSocket URL", f"{base}/_aws/execute-api/{api_id}/{quoted}"))
        scheme, _, rest = base.partition("://")
        urls.append(InvokeUrl("Host form", f"{scheme}://{api_id}.execute-api.localhost"
                              f"{_port(rest, scheme)}/{quoted}",
                              f"or Host {api_id}.execute-api.localhost"))
    urls.append(InvokeUrl("AWS's URL", f"wss://{api_id}.execute-api.{region}.amazonaws.com/"
                                       f"{quoted}"))
    return urls


def _domain_urls(mappings: list[tuple[str, str]], scheme: str, host: str) -> list[InvokeUrl]:
    found = []
    for domain, base_path in mappings:
        path = "" if base_path in ("", "(none)") else base_path.strip("/") + "/"
        found.append(InvokeUrl(f"Custom domain {domain}",
                               f"curl -H 'Host: {domain}' {scheme}://{host}/{path}",
                               f"https://{domain}/{path} on AWS; here, send Host: {domain}"))
    return found


def _port(host: str, scheme: str) -> str:
    """``:4566`` of ``127.0.0.1:4566`` (empty for the scheme's default port)."""
    _, colon, port = host.rpartition(":")
    if not colon or not port.isdigit() or "]" in port:
        return ""
    if (scheme, port) in (("http", "80"), ("https", "443"), ("ws", "80"), ("wss", "443")):
        return ""
    return f":{port}"


# -- text fields ------------------------------------------------------------------------------

def parse_pairs(text: str, separator: str) -> tuple[dict[str, str], list[str]]:
    """``name<sep>value`` lines as a dict, and the lines that have no separator."""
    found: dict[str, str] = {}
    bad: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition(separator)
        if not sep or not name.strip():
            bad.append(line)
            continue
        found[name.strip()] = value.strip()
    return found, bad

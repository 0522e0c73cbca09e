"""The integration request: parameter mappings, templates and passthrough behaviour."""

from __future__ import annotations

import re

from mockgw.execute.binary import media_type, request_payload
from mockgw.execute.context import IntegrationRequest, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.mapping import apply_mappings, method_request_source
from mockgw.execute.templates import render_request_template

_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
_ILLEGAL_HEADERS = {"content-length", "transfer-encoding", "x-amzn-trace-id",
                    "x-amzn-apigateway-api-id"}
_ILLEGAL_AWS_HEADERS = {"authorization", "connection", "expect", "proxy-authenticate", "te"}
PROXY_TYPES = ("HTTP_PROXY", "AWS_PROXY")


def substitute_stage_variables(text: str, variables: dict[str, str]) -> str:
    """``${stageVariables.name}`` replaced by the stage's value ("" when unset)."""
    return _STAGE_VARIABLE.sub(lambda m: variables.get(m.group(1), ""), text)


def build_integration_request(inv: Invocation) -> None:
    """Map parameters and render the request template into ``inv.integration_request``."""
    integration = inv.integration
    kind = integration.get("type", "MOCK")
    parameters = integration.get("requestParameters")
    mapped = apply_mappings(parameters, "integration.request.",
                            method_request_source(inv)) if parameters else {}
    for location in ("header", "multivalueheader"):
        for name in mapped.get(location, {}):
            illegal = _ILLEGAL_HEADERS | (_ILLEGAL_AWS_HEADERS if kind.startswith("AWS") else set())
            if name.lower() in illegal:
                raise GatewayError("API_CONFIGURATION_ERROR",
                                   log=f"Invalid mapping expression: header {name} is reserved")
    method = integration.get("httpMethod") or "ANY"
    request = IntegrationRequest(method=inv.request.method if method == "ANY" else method,
                                 uri=substitute_stage_variables(integration.get("uri", ""),
                                                                inv.stage_variables))
    request.path = {k: _one(v) for k, v in mapped.get("path", {}).items()}
    request.headers = {k: _one(v) for location in ("header", "multivalueheader")
                       for k, v in mapped.get(location, {}).items()}
    for location in ("querystring", "multivaluequerystring"):
        for name, value in mapped.get(location, {}).items():
            request.query[name] = value if isinstance(value, list) else [value]
    if kind == "AWS_PROXY":  # the Lambda proxy event carries the method request itself
        request.body = inv.request.body
    elif kind == "HTTP_PROXY":
        request.body = request_payload(inv, integration.get("contentHandling"))
    else:
        request.body = _transformed_body(inv, integration)
    overrides = inv.context.get("requestOverride") or {}
    request.headers.update({k: _one(v) for k, v in (overrides.get("header") or {}).items()})
    for name, value in (overrides.get("querystring") or {}).items():
        request.query[name] = value if isinstance(value, list) else [value]
    request.path.update(overrides.get("path") or {})
    inv.integration_request = request


def _one(value: str | list[str]) -> str:
    return ",".join(value) if isinstance(value, list) else value


def _transformed_body(inv: Invocation, integration: dict) -> bytes:
    """The request template for the method request's ``Content-Type`` (``application/json``
    when absent) rendered over the payload, else the payload passed through as
    ``passthroughBehavior`` allows (415 ``Unsupported Media Type`` when it does not)."""
    templates = integration.get("requestTemplates") or {}
    content_type = media_type(inv.request.headers.get("content-type")) or "application/json"
    template = templates.get(content_type)
    if template is None:
        template = templates.get("$default")
    body = request_payload(inv, integration.get("contentHandling"))
    if template is None:
        behavior = integration.get("passthroughBehavior", "WHEN_NO_MATCH")
        if behavior == "NEVER" or (behavior == "WHEN_NO_TEMPLATES" and templates):
            raise GatewayError("UNSUPPORTED_MEDIA_TYPE")
        return body
    return render_request_template(inv, template, body).encode("utf-8")

"""Calling an HTTP API route's integration: Lambda proxies (payload 1.0 and 2.0), HTTP
proxies (internet or VPC link, to the URI) and AWS service integrations
(``IntegrationSubtype``, :mod:`.services`).

HTTP proxies: the URI's ``{name}``/``{name+}`` take the route's path parameters and
``${stageVariables.x}`` the stage's variables; a URI without a path gets the request's
path (after the stage) appended, as the ``$default`` route of AWS's guide shows; the query
string goes along.  The client's headers go along too, except hop-by-hop ones, with
``X-Forwarded-For``/``-Port``/``-Proto``, ``Forwarded`` and ``X-Amzn-Trace-Id`` added;
then ``RequestParameters`` apply.  The backend's answer comes back without its hop-by-hop
headers.  Every integration waits ``TimeoutInMillis``.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from mockgw.execute.context import IntegrationResult
from mockgw.execute.errors import GatewayError
from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.http_api.errors import GATEWAY_TIMEOUT, HttpApiError
from mockgw.execute.http_api.events import event_v1, event_v2, parse_v1, parse_v2
from mockgw.execute.http_api.mapping import map_request
from mockgw.execute.http_api.variables import amzn_trace_id, forwarded_for, forwarded_port
from mockgw.execute.integrations import http, measured
from mockgw.execute.integrations.lambda_ import error_message, invoke_function, route_function
from mockgw.execute.request import substitute_stage_variables

DEFAULT_TIMEOUT_MS = 30000
#: Headers a proxy never passes on (hop by hop, or set by the HTTP client itself).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate",
                        "proxy-authorization", "te", "trailer", "trailers",
                        "transfer-encoding", "upgrade", "host", "content-length", "expect"})
_ADDED = frozenset({"x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "forwarded",
                    "x-amzn-trace-id"})
_BODYLESS = ("GET", "HEAD")
#: Answer headers only the gateway sets (whatever an integration says).
GATEWAY_HEADERS = HOP_BY_HOP | {"date", "apigw-requestid"}
#: ... and, from HTTP backends, the encoding their body no longer has (it is decoded).
_ANSWER_DROPPED = GATEWAY_HEADERS | {"content-encoding"}


def call_integration(inv: HttpApiInvocation) -> None:
    """The pipeline step: call the integration, keep its answer in
    ``inv.integration_result`` (the latency and any error for ``$context``)."""
    integration = inv.integration
    kind = integration.get("IntegrationType")
    with measured(inv):
        if kind == "AWS_PROXY" and integration.get("IntegrationSubtype"):
            from mockgw.execute.http_api.services import call_service

            inv.integration_result = call_service(inv)
        elif kind == "AWS_PROXY":
            inv.integration_result = call_lambda(inv)
        elif kind == "HTTP_PROXY":
            inv.integration_result = call_http(inv)
        else:
            raise GatewayError("INTEGRATION_FAILURE",
                               log=f"Integration type {kind} is not supported by HTTP APIs")


def timeout_of(inv: HttpApiInvocation) -> float:
    return (inv.integration.get("TimeoutInMillis") or DEFAULT_TIMEOUT_MS) / 1000


# -- Lambda ----------------------------------------------------------------------------------

def source_arn(inv: HttpApiInvocation) -> str:
    """The ARN API Gateway invokes functions from: ``.../{api}/{stage}/{METHOD}{path}`` of
    the route (``.../{api}/{stage}/$default`` for the default route)."""
    assert inv.store is not None
    method, _, path = inv.route_key.partition(" ")
    return (f"arn:aws:execute-api:{inv.store.region}:{inv.store.account}:{inv.api_id}/"
            f"{inv.stage_name}/{method}{path}")


def call_lambda(inv: HttpApiInvocation) -> IntegrationResult:
    integration = inv.integration
    account, region, function = route_function(inv, integration.get("IntegrationUri") or "",
                                               source_arn(inv))
    v2 = integration.get("PayloadFormatVersion") == "2.0"
    event = event_v2(inv) if v2 else event_v1(inv)
    result = invoke_function(inv, account, region, function, json.dumps(event).encode(),
                             timeout=timeout_of(inv))
    if result.function_error:
        raise GatewayError("INTEGRATION_FAILURE",
                           log=f"Lambda execution failed with status 200 due to customer "
                               f"function error: {error_message(result.payload)}")
    return parse_v2(result.payload) if v2 else parse_v1(inv, result.payload)


# -- HTTP ------------------------------------------------------------------------------------

def backend_url(inv: HttpApiInvocation, path: str | None) -> str:
    """The URL the request goes to (``path``, from ``overwrite:path``, replaces the URI's
    path)."""
    uri = substitute_stage_variables(inv.integration.get("IntegrationUri") or "",
                                     inv.stage_variables)
    greedy = {part[1:-2] for part in inv.route_key.split("/") if part.endswith("+}")}
    for name, value in inv.path_params.items():
        encoded = quote(value, safe="/" if name in greedy else "")
        uri = uri.replace("{" + name + "+}", encoded).replace("{" + name + "}", encoded)
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GatewayError("INTEGRATION_FAILURE",
                           log="Execution failed due to configuration error: Invalid endpoint "
                               f"address {uri}")
    if path is not None:
        target = path
    elif parts.path in ("", "/"):
        target = inv.path  # as sent, after the stage
    else:
        target = parts.path
    target = quote(target, safe="/%:@!$&'()*+,;=-._~")
    return urlunsplit((parts.scheme, parts.netloc, target, parts.query, ""))


def call_http(inv: HttpApiInvocation) -> IntegrationResult:
    integration = inv.integration
    request = inv.request
    headers = [(k, v) for k, v in request.header_items
               if k.lower() not in HOP_BY_HOP and k.lower() not in _ADDED]
    host = request.headers.get("host", "")
    headers += [("X-Forwarded-For", forwarded_for(inv)),
                ("X-Forwarded-Port", forwarded_port(inv)),
                ("X-Forwarded-Proto", request.scheme),
                ("Forwarded", f"for={inv.request.remote_addr};host={host};"
                              f"proto={request.scheme}"),
                ("X-Amzn-Trace-Id", amzn_trace_id(inv))]
    query = [(name, value) for name, values in request.query.items() for value in values]
    mapped = map_request(inv, headers, query)
    url = backend_url(inv, mapped.path)
    if mapped.query:
        url += ("&" if "?" in url else "?") + urlencode(mapped.query, doseq=True)
    method = integration.get("IntegrationMethod") or "ANY"
    method = request.method if method == "ANY" else method.upper()
    body = None if method in _BODYLESS or not request.body else request.body
    sent = {}
    for name, value in mapped.headers:  # repeated headers go as one, comma joined
        existing = next((k for k in sent if k.lower() == name.lower()), None)
        if existing is None:
            sent[name] = value
        else:
            sent[existing] = f"{sent[existing]},{value}"
    try:
        result = http.send(inv, method, url, sent, body, timeout=timeout_of(inv))
    except GatewayError as error:
        if error.response_type == "INTEGRATION_TIMEOUT":
            raise HttpApiError(GATEWAY_TIMEOUT, "INTEGRATION_TIMEOUT", log=error.log) from None
        raise
    return IntegrationResult(status=result.status, body=result.body,
                             headers=[(k, v) for k, v in result.headers
                                      if k.lower() not in _ANSWER_DROPPED])

"""Calling a WebSocket route's integration, and what comes back from it.

* ``AWS_PROXY`` (Lambda): the WebSocket event (:mod:`.events`); the answer's
  ``statusCode`` decides a ``$connect`` and its ``body`` is the reply of a two-way route.
* ``HTTP_PROXY``: the message (or an empty body) goes to the URI with the integration's
  method; the backend's status and body come back as they are.
* ``HTTP``, ``AWS`` (a Lambda function or an AWS service) and ``MOCK``: the request
  template ``TemplateSelectionExpression`` picks (``$default`` when nothing else fits)
  transforms the message, or it passes through as ``PassthroughBehavior`` allows
  (``CONVERT_TO_BINARY`` base64-decodes it first); the integration response is chosen by
  ``IntegrationResponseKey`` (``/regex/`` patterns, exact keys, ``$default``) against the
  backend's status code (a Lambda function's ``errorMessage``), and its template (chosen by
  its own ``TemplateSelectionExpression``) renders the reply.

Steps shared with REST and HTTP APIs: Lambda invocation (``invoke_function``,
``function_of``, timeouts), the HTTP session (``http.send``), AWS service requests
(``integrations.aws``), VTL templates (``templates.render_request_template`` /
``render_response_template``), parameter mapping values (``vtl.resolve_parameter``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from mockgw import jsonsafe
from mockgw.execute.context import IntegrationRequest, IntegrationResult
from mockgw.execute.errors import GatewayError
from mockgw.execute.integrations import aws, http, measured, mock
from mockgw.execute.integrations.lambda_ import error_message, invoke_function, route_function
from mockgw.execute.request import substitute_stage_variables
from mockgw.execute.templates import render_request_template, render_response_template
from mockgw.execute.websocket.context import CONNECT, MESSAGE, WebSocketInvocation
from mockgw.execute.websocket.events import proxy_event
from mockgw.execute.websocket.selection import Body, evaluate, request_resolver
from mockgw.vtl.parameters import ParameterSource, resolve_parameter

DEFAULT_TIMEOUT_MS = 29000
DEFAULT_KEY = "$default"
_LAMBDA_URI = re.compile(r"^arn:aws[\w-]*:apigateway:[^:]+:lambda:path/")


def call_integration(inv: WebSocketInvocation) -> None:
    """The pipeline step: call the route's integration (none: nothing to do) and keep its
    answer in ``inv.integration_result``."""
    integration = inv.route_integration
    if integration is None:
        return
    kind = integration.get("IntegrationType")
    with measured(inv):
        if kind == "AWS_PROXY":
            inv.integration_result = _call_lambda_proxy(inv)
        elif kind == "HTTP_PROXY":
            inv.integration_result = _call_http(inv, inv.request.body)
        elif kind in ("HTTP", "AWS", "MOCK"):
            inv.integration_result = _call_transformed(inv, kind)
        else:
            raise GatewayError("INTEGRATION_FAILURE",
                               log=f"Integration type {kind} is not supported")


def timeout_of(inv: WebSocketInvocation) -> float:
    return (inv.integration.get("TimeoutInMillis") or DEFAULT_TIMEOUT_MS) / 1000


# -- Lambda ----------------------------------------------------------------------------------

def _function(inv: WebSocketInvocation, uri: str) -> tuple[str, str, str]:
    """``(account, region, function)`` of a Lambda URI, after the permission check."""
    assert inv.store is not None
    source_arn = (f"arn:aws:execute-api:{inv.store.region}:{inv.store.account}:{inv.api_id}/"
                  f"{inv.stage_name}/{inv.route_key}")
    return route_function(inv, uri, source_arn)


def _call_lambda_proxy(inv: WebSocketInvocation) -> IntegrationResult:
    account, region, function = _function(inv, inv.integration.get("IntegrationUri") or "")
    result = invoke_function(inv, account, region, function,
                             json.dumps(proxy_event(inv)).encode(), timeout=timeout_of(inv))
    if result.function_error:
        raise GatewayError("INTEGRATION_FAILURE", status=502,
                           log=f"Lambda execution failed with status 200 due to customer "
                               f"function error: {error_message(result.payload)}")
    return parse_proxy_answer(result.payload)


def parse_proxy_answer(payload: bytes) -> IntegrationResult:
    """A Lambda proxy answer: ``{"statusCode", "headers", "body"}`` (a function that
    returns nothing, or something else than an object, answered 200 with that as the
    body).  A ``statusCode`` that is no HTTP status is AWS's 502."""
    try:
        doc = jsonsafe.loads(payload or b"null")
    except ValueError:
        doc = payload.decode("utf-8", "replace")
    if not isinstance(doc, dict):
        body = b"" if doc is None else (doc if isinstance(doc, str) else json.dumps(doc))
        return IntegrationResult(status=200, body=body.encode() if isinstance(body, str)
                                 else body)
    try:
        status = int(doc.get("statusCode") or 200)
    except (TypeError, ValueError, OverflowError):
        status = 0
    if not 100 <= status <= 599:
        raise GatewayError("INTEGRATION_FAILURE", status=502,
                           log="Execution failed due to configuration error: Malformed Lambda "
                               "proxy response (statusCode)")
    headers = [(str(k), v if isinstance(v, str) else json.dumps(v))
               for k, v in (doc.get("headers") or {}).items()] \
        if isinstance(doc.get("headers"), dict) else []
    body = doc.get("body")
    raw = b"" if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
    if doc.get("isBase64Encoded") and raw:
        try:
            raw = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise GatewayError("INTEGRATION_FAILURE", status=502,
                               log="Malformed Lambda proxy response (body is not base64)") \
                from None
    return IntegrationResult(status=status, headers=headers, body=raw)


# -- HTTP ------------------------------------------------------------------------------------

def _mapped(inv: WebSocketInvocation) -> dict[str, dict[str, str]]:
    """The integration's ``RequestParameters`` (``integration.request.header.x``, ...)
    from ``route.request.*``, ``context.*``, ``stageVariables.*`` and static values."""
    source = ParameterSource(
        prefix="route.request.", querystring=inv.request.query,
        headers={name: [value] for name, value in inv.request.headers.items()},
        body=inv.request.body)
    out: dict[str, dict[str, str]] = {}
    for key, expression in (inv.integration.get("RequestParameters") or {}).items():
        location, _, name = key.removeprefix("integration.request.").partition(".")
        if expression.startswith("route.request.header."):  # headers: any case
            expression = "route.request.header." + expression.split(".", 3)[3].lower()
        try:
            value = resolve_parameter(expression, source, context=inv.context,
                                      stage_variables=inv.stage_variables)
        except ValueError:
            value = None
        if value is not None:
            out.setdefault(location, {})[name] = value if isinstance(value, str) \
                else ",".join(value)
    return out


def _call_http(inv: WebSocketInvocation, body: bytes) -> IntegrationResult:
    uri = substitute_stage_variables(inv.integration.get("IntegrationUri") or "",
                                     inv.stage_variables)
    mapped = _mapped(inv)
    for name, value in mapped.get("path", {}).items():
        uri = uri.replace("{" + name + "}", value)
    if mapped.get("querystring"):
        from urllib.parse import urlencode

        uri += ("&" if "?" in uri else "?") + urlencode(mapped["querystring"])
    headers = {"User-Agent": f"AmazonAPIGateway_{inv.api_id}",
               "Content-Type": "application/json", **mapped.get("header", {})}
    if inv.integration.get("IntegrationType") == "HTTP_PROXY" and inv.event_type == CONNECT:
        skipped = {"host", "connection", "upgrade", "content-length"}
        headers = {**{k: v for k, v in inv.request.headers.items() if k not in skipped},
                   **headers}
    method = (inv.integration.get("IntegrationMethod") or "POST").upper()
    return http.send(inv, method, uri, headers, body if method not in ("GET", "HEAD") else None,
                     timeout=timeout_of(inv))


# -- transformed integrations (HTTP, AWS, MOCK) ----------------------------------------------

def _call_transformed(inv: WebSocketInvocation, kind: str) -> IntegrationResult:
    body = transformed_body(inv)
    if kind == "MOCK":
        return mock.answer(body, json_required=False)
    if kind == "HTTP":
        return _call_http(inv, body)
    uri = inv.integration.get("IntegrationUri") or ""
    if _LAMBDA_URI.match(uri) or (":lambda:" in uri and ":function:" in uri):
        account, region, function = _function(inv, uri)
        result = invoke_function(inv, account, region, function, body, timeout=timeout_of(inv))
        error = error_message(result.payload) if result.function_error else None
        return IntegrationResult(status=200, headers=[("Content-Type", "application/json")],
                                 body=result.payload, error_message=error)
    inv.integration_request = IntegrationRequest(
        method=(inv.integration.get("IntegrationMethod") or "POST").upper(),
        uri=substitute_stage_variables(uri, inv.stage_variables),
        headers=_mapped(inv).get("header", {}), body=body)
    return aws.call(inv)


def transformed_body(inv: WebSocketInvocation) -> bytes:
    """The integration request's body: the template ``TemplateSelectionExpression`` picks
    rendered over the message, else the message as ``PassthroughBehavior`` allows."""
    integration = inv.integration
    templates = integration.get("RequestTemplates") or {}
    body = inv.request.body if inv.event_type == MESSAGE else b""
    if integration.get("ContentHandlingStrategy") == "CONVERT_TO_BINARY" and body:
        try:
            body = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise GatewayError("INTEGRATION_FAILURE",
                               log="Unable to convert the message to binary: not base64") \
                from None
    expression = integration.get("TemplateSelectionExpression") or "\\$default"
    key = evaluate(expression, request_resolver(
        Body(inv.request.body), headers=inv.request.headers, query=inv.request.query,
        context=inv.context))
    template = templates.get(key)
    if template is None:
        template = templates.get(DEFAULT_KEY)
    if template is None:
        behavior = integration.get("PassthroughBehavior") or "WHEN_NO_MATCH"
        if behavior == "NEVER" or (behavior == "WHEN_NO_TEMPLATES" and templates):
            raise GatewayError("UNSUPPORTED_MEDIA_TYPE",
                               log=f"No request template for key {key!r} and passthrough "
                                   f"behavior {behavior}")
        return body
    return render_request_template(inv, template, body).encode("utf-8")


# -- what comes back -------------------------------------------------------------------------

def select_integration_response(inv: WebSocketInvocation,
                                result: IntegrationResult) -> dict[str, Any] | None:
    """The integration response for ``result``: an exact key, then the ``/regex/`` keys
    (whole-value match), then ``$default``."""
    responses = list((inv.integration.get("integrationResponses") or {}).values())
    uri = inv.integration.get("IntegrationUri") or ""
    if inv.integration.get("IntegrationType") == "AWS" and ":lambda:" in uri:
        value = result.error_message or ""
    else:
        value = str(result.status)
    default = None
    for response in responses:
        key = response.get("IntegrationResponseKey") or ""
        if key == DEFAULT_KEY:
            default = response
        elif key == value:
            return response
    for response in responses:
        key = response.get("IntegrationResponseKey") or ""
        if len(key) >= 2 and key.startswith("/") and key.endswith("/"):
            try:
                if re.fullmatch(key[1:-1], value):
                    return response
            except re.error:
                continue
    return default


def integration_answer(inv: WebSocketInvocation) -> bytes | None:
    """What a two-way route sends back: a proxy's body, or a non-proxy integration's
    answer through its integration response (``None``: no integration response fits)."""
    result = inv.integration_result
    if result is None:
        return None
    kind = inv.integration.get("IntegrationType")
    if kind in ("AWS_PROXY", "HTTP_PROXY"):
        return result.body
    selected = select_integration_response(inv, result)
    if selected is None:
        return None
    body = result.body
    templates = selected.get("ResponseTemplates") or {}
    if templates:
        extra = {"integration.response.statuscode": str(result.status)}
        for name, value in result.headers:
            extra[f"integration.response.header.{name}"] = value
            extra[f"integration.response.multivalueheader.{name}"] = value
        expression = selected.get("TemplateSelectionExpression") or "\\$default"
        key = evaluate(expression, request_resolver(
            Body(inv.request.body), headers=inv.request.headers, context=inv.context,
            extra=extra))
        template = templates.get(key, templates.get(DEFAULT_KEY))
        if template is not None:
            body = render_response_template(inv, template, body).encode("utf-8")
    if selected.get("ContentHandlingStrategy") == "CONVERT_TO_TEXT":
        body = base64.b64encode(body)
    return body

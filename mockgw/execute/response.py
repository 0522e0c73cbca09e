"""From the integration's result to the method response, and gateway error answers."""

from __future__ import annotations

import json
import re
from typing import Any

from mockgw.execute.binary import response_payload
from mockgw.execute.context import IntegrationResult, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.executionlog import log_completed, log_method_response
from mockgw.execute.headers import integration_response_headers, sendable
from mockgw.execute.mapping import (
    apply_mappings,
    integration_response_source,
    method_request_source,
)
from mockgw.execute.templates import render_gateway_template, render_response_template
from mockgw.execute.variables import build_context, trace_id
from mockgw.gateway_responses import RESPONSE_TYPES, STATUS_NOT_GIVEN, family
from mockgw.protocol.wire import WireResponse

#: Errors AWS answers with its spaced JSON (``{"message": "..."}``) when not customised.
_SPACED = {"INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "API_CONFIGURATION_ERROR"}
_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'


def proxy_response(inv: Invocation) -> None:
    """Proxy integrations: the backend's status, headers (remapped as AWS does) and body."""
    result = inv.integration_result
    assert result is not None
    kind = inv.integration.get("type", "")
    headers = integration_response_headers(kind, result.headers)
    body = result.body
    if kind == "HTTP_PROXY":  # Lambda proxy responses say themselves whether they are base64
        body = response_payload(inv, body, result.header("content-type"), None)
    inv.response = WireResponse(result.status, headers, body)


def mapped_response(inv: Invocation) -> None:
    """Non-proxy integrations: select an integration response and apply its mappings.

    The body is converted as ``contentHandling`` and the client's ``Accept`` say, then
    rendered by the response template chosen by ``Accept``; the status and headers are the
    integration response's, overridden by ``$context.responseOverride``.
    """
    result = inv.integration_result
    assert result is not None
    selected = select_integration_response(inv.integration, result)
    if selected is None:
        raise GatewayError("API_CONFIGURATION_ERROR",
                           log="Execution failed due to configuration error: No match for "
                               "output mapping and no default output mapping configured. "
                               f"Endpoint Response Status Code: {result.status}")
    parameters = selected.get("responseParameters")
    mapped = apply_mappings(parameters, "method.response.",
                            integration_response_source(inv, result)) if parameters else {}
    headers = {k: ",".join(v) if isinstance(v, list) else v
               for k, v in mapped.get("header", {}).items()}
    body = response_payload(inv, result.body, result.header("content-type"),
                            selected.get("contentHandling"))
    content_type, template = choose_template(selected.get("responseTemplates") or {},
                                             inv.request.headers.get("accept"))
    if template:
        body = render_response_template(inv, template, body).encode("utf-8")
    status = int(selected["statusCode"])
    override = inv.context["responseOverride"]
    if isinstance(override.get("status"), int) and 100 <= override["status"] <= 599:
        status = override["status"]
    headers.update(override.get("header") or {})
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = content_type or "application/json"
    inv.response = WireResponse(status, integration_response_headers(
        inv.integration.get("type", ""), headers.items()), body)


def select_integration_response(integration: dict, result: IntegrationResult) -> dict | None:
    """The integration response whose ``selectionPattern`` matches (whole string), else
    the default one (no pattern)."""
    responses = integration.get("integrationResponses") or {}
    value = result.error_message if result.error_message is not None else str(result.status)
    if integration.get("type") == "AWS" and ":lambda:" in integration.get("uri", ""):
        value = result.error_message or ""
    default = None
    for response in responses.values():
        pattern = response.get("selectionPattern")
        if not pattern:
            default = default or response
            continue
        try:
            if re.fullmatch(pattern, value):
                return response
        except re.error:
            continue
    return default


def choose_template(templates: dict[str, str | None],
                    accept: str | None) -> tuple[str | None, str | None]:
    """The response template for the client's ``Accept`` (its last type), else
    ``application/json``, else the first one."""
    if not templates:
        return None, None
    if accept:
        wanted = accept.split(",")[-1].split(";")[0].strip().lower()
        if wanted in templates:
            return wanted, templates[wanted]
    if "application/json" in templates:
        return "application/json", templates["application/json"]
    first = next(iter(templates))
    return first, templates[first]


# -- gateway responses -----------------------------------------------------------------------

def gateway_error_response(inv: Invocation, error: GatewayError) -> WireResponse:
    """The answer for a gateway error: the API's gateway response for its type (or the
    DEFAULT_4XX/5XX one, or AWS's built-in default), rendered with ``$context.error``."""
    if "requestId" not in inv.context and inv.stage is not None:
        inv.context = build_context(inv)  # the error came before $context was prepared
    inv.context.setdefault("error", {})
    inv.context["error"].update({
        "message": error.message,
        "messageString": json.dumps(error.message),
        "responseType": error.response_type,
    })
    custom = _custom_gateway_response(inv, error)
    headers: dict[str, str] = {}
    status = error.status
    if custom is None:
        body = _builtin_body(error)
    else:
        if not custom.get(STATUS_NOT_GIVEN):
            status = int(custom.get("statusCode") or status)
        templates = custom.get("responseTemplates") or {}
        _, template = choose_template(templates, inv.request.headers.get("accept"))
        body = render_gateway_template(inv, template if template is not None
                                       else _DEFAULT_TEMPLATE).encode("utf-8")
        resolve = method_request_source(inv)
        mapped = apply_mappings(custom.get("responseParameters"), "gatewayresponse.", resolve)
        headers.update({k: ",".join(v) if isinstance(v, list) else v
                        for k, v in mapped.get("header", {}).items()})
    headers.setdefault("Content-Type", "application/json")
    headers.update(error.headers)
    headers["x-amzn-ErrorType"] = error.error_type
    return WireResponse(status, list(headers.items()), body)


def _builtin_body(error: GatewayError) -> bytes:
    if error.response_type == "ACCESS_DENIED":
        return json.dumps({"Message": error.message}, separators=(",", ":")).encode()
    if error.response_type in _SPACED:
        return json.dumps({"message": error.message}).encode()
    return json.dumps({"message": error.message}, separators=(",", ":")).encode()


def _custom_gateway_response(inv: Invocation, error: GatewayError) -> dict[str, Any] | None:
    """The API's own response for the error's type, else its DEFAULT_4XX/5XX."""
    if error.response_type not in RESPONSE_TYPES:  # e.g. FORBIDDEN: no API answers it
        return None
    responses = (inv.snapshot or {}).get("gatewayResponses") or {}
    return responses.get(error.response_type) or responses.get(
        family(error.response_type) or "")


def finish(inv: Invocation) -> None:
    """AWS's headers on every data-plane answer: ``x-amzn-RequestId`` and
    ``x-amz-apigw-id`` always, ``X-Amzn-Trace-Id`` on answers that are not gateway errors
    nor MOCK answers (unless a proxied backend sent its own); then the end of the execution
    log.  Headers no HTTP server may send are renamed first (:func:`headers.sendable`)."""
    response = inv.response
    assert response is not None
    response.headers = sendable(response.headers)
    failed = bool(inv.context.get("error", {}).get("responseType"))
    if not failed:
        mock = ((inv.method or {}).get("methodIntegration") or {}).get("type") == "MOCK"
        if response.header("x-amzn-trace-id") is None and not mock:
            response.headers.append(("X-Amzn-Trace-Id",
                                     inv.context.get("xrayTraceId") or trace_id(inv)))
        log_method_response(inv, response.headers)
    log_completed(inv)
    response.headers.append(("x-amzn-RequestId", inv.request_id))
    response.headers.append(("x-amz-apigw-id", inv.extended_request_id))
    if inv.request.method == "HEAD":
        response.body = b""

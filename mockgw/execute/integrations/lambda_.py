"""Lambda integrations: AWS_PROXY (the proxy event v1.0 and its response format) and AWS
(non-proxy: the request template is the event, errors select integration responses by
``errorMessage``)."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import re
from typing import Any

from mockgw import jsonsafe
from mockgw.errors import ServiceError
from mockgw.execute.binary import accepts_binary, is_binary
from mockgw.execute.context import IntegrationResult, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.headers import method_request_headers
from mockgw.execute.request import substitute_stage_variables
from mockgw.execute.variables import trace_id
from mockgw.runtime import InvokeResult, invoke, may_invoke

_FUNCTION_URI = re.compile(
    r"^arn:aws[a-zA-Z-]*:apigateway:([^:]+):lambda:path/2015-03-31/functions/(.+)/invocations$")
_FUNCTION_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:lambda:([^:]+):(\d{12}):function:(.+)$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_PROXY_KEYS = {"body", "statusCode", "headers", "isBase64Encoded", "multiValueHeaders"}
_CLOUDFRONT_CASED = {"authorization": "Authorization", "user-agent": "User-Agent"}


def is_lambda_uri(uri: str) -> bool:
    return bool(_FUNCTION_URI.match(uri or ""))


def call(inv: Invocation) -> IntegrationResult:
    """Invoke the integration's function; proxy integrations parse its proxy response."""
    assert inv.integration_request is not None and inv.store is not None
    integration = inv.integration
    proxy = integration["type"] == "AWS_PROXY"
    if proxy and (integration.get("httpMethod") or "").upper() != "POST":
        raise GatewayError("INTEGRATION_FAILURE",
                           log="Execution failed due to configuration error: Lambda proxy "
                               "integrations must use the POST integration method")
    target = function_of(inv.integration_request.uri, inv.store.account)
    if target is None:
        raise GatewayError("INTEGRATION_FAILURE",
                           log="Execution failed due to configuration error: Invalid Lambda "
                               f"function ARN in {inv.integration_request.uri}")
    account, region, function = target
    source_arn = (f"arn:aws:execute-api:{inv.store.region}:{inv.store.account}:{inv.api_id}/"
                  f"{inv.stage['stageName']}/{inv.request.method}{inv.resource['path']}")
    if not may_invoke(inv.instance, account, region, function, source_arn=source_arn):
        raise GatewayError("INTEGRATION_FAILURE",
                           log="Execution failed due to configuration error: Invalid "
                               "permissions on Lambda function")
    payload = json.dumps(proxy_event(inv)).encode() if proxy else inv.integration_request.body
    result = invoke_function(inv, account, region, function, payload,
                             timeout=integration.get("timeoutInMillis", 29000) / 1000)
    if proxy:
        if result.function_error:
            raise GatewayError("INTEGRATION_FAILURE", status=502,
                               log=f"Lambda execution failed with status 200 due to customer "
                                   f"function error: {error_message(result.payload)}")
        return parse_proxy_response(inv, result.payload)
    error = error_message(result.payload) if result.function_error else None
    return IntegrationResult(status=200, headers=[("Content-Type", "application/json")],
                             body=result.payload, error_message=error)


def route_function(inv: Invocation, uri: str, source_arn: str) -> tuple[str, str, str]:
    """``(account, region, function)`` an HTTP or WebSocket API's Lambda integration calls
    (``uri`` with its stage variables resolved; a function ARN stands for its invocation
    URI), once API Gateway may invoke it from ``source_arn`` (or the integration has a
    ``CredentialsArn``); else ``INTEGRATION_FAILURE``."""
    assert inv.store is not None
    uri = substitute_stage_variables(uri, inv.stage_variables)
    if uri.startswith("arn:") and ":lambda:" in uri and ":function:" in uri and \
            "/invocations" not in uri:
        region = uri.split(":")[3]
        uri = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{uri}/invocations"
    target = function_of(uri, inv.store.account)
    if target is None:
        raise GatewayError("INTEGRATION_FAILURE",
                           log=f"Execution failed due to configuration error: Invalid Lambda "
                               f"function ARN in {uri}")
    account, region, function = target
    if not inv.integration.get("CredentialsArn") and not may_invoke(
            inv.instance, account, region, function, source_arn=source_arn):
        raise GatewayError("INTEGRATION_FAILURE",
                           log="Execution failed due to configuration error: Invalid "
                               "permissions on Lambda function")
    return target


def function_of(uri: str, account: str) -> tuple[str, str, str] | None:
    """``(account, region, function)`` of a Lambda invocation URI
    (``arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function}/invocations``),
    ``account`` being the caller's unless the function is a full ARN; ``None`` if ``uri``
    is not one."""
    found = _FUNCTION_URI.match(uri or "")
    if found is None:
        return None
    function, region = found.group(2), found.group(1)
    arn = _FUNCTION_ARN.match(function)
    if arn is not None:
        region, account = arn.group(1), arn.group(2)
    return account, region, function


def invoke_function(inv: Invocation, account: str, region: str, function: str,
                    payload: bytes, *, timeout: float) -> InvokeResult:
    """Invoke a function for an integration, waiting at most ``timeout`` seconds: Lambda's
    answer (REST and HTTP APIs alike); ``INTEGRATION_TIMEOUT`` when it is late,
    ``INTEGRATION_FAILURE`` (status 502, or 500 for ``AccessDeniedException``) when
    Lambda refuses the call."""
    pool = inv.instance.service("execute.lambda-calls", _pool_factory)
    future = pool.submit(invoke, inv.instance, account, region, function, payload)
    try:
        return future.result(timeout)
    except concurrent.futures.TimeoutError:
        raise GatewayError("INTEGRATION_TIMEOUT",
                           log="Execution failed due to a timeout error") from None
    except ServiceError as exc:
        status = 500 if exc.code == "AccessDeniedException" else 502
        raise GatewayError("INTEGRATION_FAILURE", status=status,
                           log=f"Lambda invocation failed: {exc.code}: {exc.message}") from None


class _Pool(concurrent.futures.ThreadPoolExecutor):
    def close(self) -> None:
        self.shutdown(wait=False, cancel_futures=True)


def _pool_factory(instance: Any) -> _Pool:
    return _Pool(max_workers=32, thread_name_prefix="mockgw-lambda-call")


def error_message(payload: bytes) -> str:
    try:
        doc = jsonsafe.loads(payload or b"null")
    except ValueError:
        return ""
    message = doc.get("errorMessage") if isinstance(doc, dict) else None
    return message if isinstance(message, str) else ""


# -- the proxy event (payload format 1.0) ----------------------------------------------------

def proxy_event(inv: Invocation) -> dict[str, Any]:
    """The Lambda proxy integration event, as API Gateway REST APIs send it."""
    request = inv.request
    binary = is_binary(inv, request.headers.get("content-type"))
    body: str | None
    if not request.body:
        body = None
    elif binary:
        body = base64.b64encode(request.body).decode()
    else:
        body = request.body.decode("utf-8", "replace")
    return {**request_fields(inv), "body": body, "isBase64Encoded": bool(body) and binary}


def request_fields(inv: Invocation, *, empty: dict | None = None) -> dict[str, Any]:
    """The request as API Gateway's Lambda events carry it (resource, path, method, headers,
    query string, path parameters, stage variables and ``requestContext``); an empty map
    is ``empty`` (``null`` in proxy events, ``{}`` in REQUEST authorizer events)."""
    request = inv.request
    headers: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in _event_headers(inv):
        headers[name] = value
        multi.setdefault(name, []).append(value)
    query = {k: v[-1] for k, v in request.query.items() if v}

    def given(value: dict) -> dict | None:
        return value or (None if empty is None else dict(empty))

    return {
        "resource": inv.resource["path"],
        "path": inv.request.path if inv.target.via_custom_domain else inv.path,
        "httpMethod": request.method,
        "headers": given(headers),
        "multiValueHeaders": given(multi),
        "queryStringParameters": given(query),
        "multiValueQueryStringParameters": given({k: list(v) for k, v in request.query.items()}),
        "pathParameters": given(dict(inv.path_params)),
        "stageVariables": given(dict(inv.stage_variables)),
        "requestContext": request_context(inv),
    }


def _event_headers(inv: Invocation) -> list[tuple[str, str]]:
    items = [(_CLOUDFRONT_CASED.get(name.lower(), name), value)
             for name, value in method_request_headers(inv.request.header_items)]
    present = {k.lower() for k, _ in items}
    extra = [("X-Amzn-Trace-Id", inv.context.get("xrayTraceId") or trace_id(inv)),
             ("X-Forwarded-For", inv.context["identity"]["sourceIp"]),
             ("X-Forwarded-Port", "443" if inv.request.scheme == "https" else "80"),
             ("X-Forwarded-Proto", inv.request.scheme)]
    items.extend((k, v) for k, v in extra if k.lower() not in present)
    return items


def request_context(inv: Invocation) -> dict[str, Any]:
    """``requestContext``: ``$context`` as the proxy event carries it."""
    context = inv.context
    keys = ("accountId", "apiId", "deploymentId", "domainName", "domainPrefix",
            "extendedRequestId", "httpMethod", "path", "protocol", "requestId", "requestTime",
            "requestTimeEpoch", "resourceId", "resourcePath", "stage")
    out = {key: context.get(key) for key in keys}
    identity = {k: v for k, v in context["identity"].items()
                if k not in ("apiKey", "apiKeyId") or v is not None}
    out["identity"] = identity
    if context.get("authorizer"):
        out["authorizer"] = context["authorizer"]
    if inv.is_canary:
        out["isCanaryRequest"] = True
    return out


# -- the proxy response ----------------------------------------------------------------------

def parse_proxy_response(inv: Invocation, payload: bytes, *,
                         decode_base64: bool | None = None) -> IntegrationResult:
    """The function's proxy response (payload format 1.0); anything malformed is AWS's 502.

    A body with ``isBase64Encoded`` is decoded when ``decode_base64`` says so (HTTP APIs
    always decode it), by default when the client ``Accept``s a binary media type (REST)."""
    def malformed(why: str) -> GatewayError:
        return GatewayError("INTEGRATION_FAILURE", status=502,
                            log=f"Execution failed due to configuration error: Malformed "
                                f"Lambda proxy response ({why})")

    try:
        doc = jsonsafe.loads(payload or b"")
    except ValueError:  # TooDeep included
        raise malformed("not JSON") from None
    if not isinstance(doc, dict):
        raise malformed("not an object")
    unknown = set(doc) - _PROXY_KEYS
    if unknown:
        raise malformed(f"unexpected keys {sorted(unknown)}")
    try:
        status = int(doc.get("statusCode") or 200)
    except (TypeError, ValueError, OverflowError):
        raise malformed("statusCode is not a number") from None
    if not 100 <= status <= 599:
        raise malformed(f"statusCode {status} is no HTTP status")
    single = doc.get("headers") or {}
    multi = doc.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not all(
            isinstance(v, (str, bool, int, float)) for v in single.values()):
        raise malformed("headers must map names to strings")
    if not isinstance(multi, dict) or not all(isinstance(v, list) for v in multi.values()):
        raise malformed("multiValueHeaders must map names to lists")
    if not all(_HEADER_NAME.match(name) for name in (*single, *multi)):
        raise malformed("a header name is no HTTP token")
    body = doc.get("body")
    if body is not None and not isinstance(body, str):
        raise malformed("body is not a string")
    headers = _merged_headers(single, multi)
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    raw = b"" if body is None else body.encode()
    if decode_base64 is None:
        decode_base64 = accepts_binary(inv)
    if doc.get("isBase64Encoded") and decode_base64:
        try:
            raw = base64.b64decode(raw)
        except ValueError:
            raise malformed("body is not base64") from None
    return IntegrationResult(status=status, headers=headers, body=raw)


def _merged_headers(single: dict[str, Any], multi: dict[str, list]) -> list[tuple[str, str]]:
    """``headers`` and ``multiValueHeaders`` merged as API Gateway merges them: one header
    line per value, names as ``multiValueHeaders`` spell them, a ``headers`` value after
    the multi values of its name unless it is one of them already."""
    merged: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for name, values in multi.items():
        names.setdefault(name.lower(), name)
        merged.setdefault(name.lower(), []).extend(_text(v) for v in values)
    for name, value in single.items():
        names.setdefault(name.lower(), name)
        values = merged.setdefault(name.lower(), [])
        if _text(value) not in values:
            values.append(_text(value))
    return [(names[key], value) for key, values in merged.items() for value in values]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

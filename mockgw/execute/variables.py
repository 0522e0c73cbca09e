"""``$context`` as API Gateway fills it for a request."""

from __future__ import annotations

from typing import Any

from mockgw.execute.context import Invocation
from mockgw.vtl.parameters import context_value


def build_context(inv: Invocation) -> dict[str, Any]:
    """The ``$context`` map of an invocation (before authorizers add to it)."""
    assert inv.store is not None and inv.stage is not None
    request = inv.request
    headers = request.headers
    stage_name = inv.stage["stageName"]
    domain = inv.target.domain_name or f"{inv.api_id}.execute-api.{inv.store.region}.amazonaws.com"
    source_ip = headers.get("x-forwarded-for", "").split(",")[0].strip() or request.remote_addr
    context: dict[str, Any] = {
        "accountId": inv.store.account,
        "apiId": inv.api_id,
        "deploymentId": inv.deployment_id,
        "domainName": domain,
        "domainPrefix": domain.split(".")[0],
        "extendedRequestId": inv.extended_request_id,
        "httpMethod": request.method,
        "identity": {
            "accountId": None, "apiKey": None, "apiKeyId": None, "caller": None,
            "cognitoAuthenticationProvider": None, "cognitoAuthenticationType": None,
            "cognitoIdentityId": None, "cognitoIdentityPoolId": None, "principalOrgId": None,
            "sourceIp": source_ip, "user": None, "userAgent": headers.get("user-agent"),
            "userArn": None, "accessKey": None,
        },
        "isCanaryRequest": inv.is_canary,
        # the path as sent: on a custom domain it starts with the base path, not the stage
        "path": request.path if inv.target.via_custom_domain else f"/{stage_name}{inv.path}",
        "protocol": "HTTP/1.1",
        "requestId": inv.request_id,
        "requestTime": inv.request_time,
        "requestTimeEpoch": inv.epoch_ms,
        "resourceId": inv.resource["id"] if inv.resource else None,
        "resourcePath": inv.resource["path"] if inv.resource else None,
        "stage": stage_name,
        "requestOverride": {"header": {}, "querystring": {}, "path": {}},
        "responseOverride": {"header": {}, "status": None},
        "error": {},
    }
    if inv.stage.get("tracingEnabled"):
        context["xrayTraceId"] = trace_id(inv)
    return context


def trace_id(inv: Invocation) -> str:
    """An X-Ray trace id (``Root=1-<epoch hex>-<24 hex>``), stable per request."""
    suffix = inv.request_id.replace("-", "")[:24]
    return f"Root=1-{inv.epoch_ms // 1000:08x}-{suffix}"


#: ``context.identity.sourceIp``-style lookups (``None`` when absent).
lookup = context_value

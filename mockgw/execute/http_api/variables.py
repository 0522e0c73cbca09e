"""``$context`` of an HTTP API request (parameter mappings, identity sources, access logs),
and the request as HTTP APIs read it (headers joined with commas, cookies)."""

from __future__ import annotations

import hashlib
from email.utils import formatdate

from mockgw.execute import payload_v2
from mockgw.execute.http_api.context import HttpApiInvocation


def domain_name(inv: HttpApiInvocation) -> str:
    """``$context.domainName``: the Host the client used (without its port) on the host
    forms and custom domains, AWS's own host on the path forms."""
    assert inv.store is not None
    if inv.target.via_custom_domain or (inv.target.stage is None and inv.target.domain_name):
        return inv.target.domain_name
    return f"{inv.api_id}.execute-api.{inv.store.region}.amazonaws.com"


def prepare_context(inv: HttpApiInvocation) -> None:
    """Fill ``$context`` (authorizers add ``authorizer`` and ``identity`` fields)."""
    assert inv.store is not None
    domain = domain_name(inv)
    inv.context = {
        "accountId": inv.store.account,
        "apiId": inv.api_id,
        "domainName": domain,
        "domainPrefix": domain.split(".")[0],
        "extendedRequestId": inv.extended_request_id,
        "httpMethod": inv.request.method,
        "identity": {"sourceIp": source_ip(inv),
                     "userAgent": inv.request.headers.get("user-agent")},
        "path": inv.raw_path,
        "protocol": "HTTP/1.1",
        "requestId": inv.request_id,
        "requestTime": inv.request_time,
        "requestTimeEpoch": inv.epoch_ms,
        "routeKey": inv.route_key,
        "stage": inv.stage_name,
        "error": {},
    }


def source_ip(inv: HttpApiInvocation) -> str:
    """``$context.identity.sourceIp``: the address of the TCP connection."""
    return inv.request.remote_addr


def joined_headers(inv: HttpApiInvocation) -> dict[str, str]:
    """The request's headers, names lower-cased, repeated ones joined with commas."""
    headers: dict[str, str] = {}
    for name, value in inv.request.header_items:
        lower = name.lower()
        headers[lower] = f"{headers[lower]},{value}" if lower in headers else value
    return headers


def joined_query(inv: HttpApiInvocation) -> dict[str, str]:
    """The query string's parameters (decoded), repeated ones joined with commas."""
    return {name: ",".join(values) for name, values in inv.request.query.items()}


def cookies(inv: HttpApiInvocation) -> list[str]:
    """Every cookie of the request's ``Cookie`` headers, in order (a WSGI server joins
    repeated ``Cookie`` headers with commas, which no cookie holds)."""
    return payload_v2.cookies(inv.request.header_items)


def forwarded_for(inv: HttpApiInvocation) -> str:
    """``X-Forwarded-For`` as API Gateway passes it on: the client's own list, then the
    address the request came from."""
    given = inv.request.headers.get("x-forwarded-for")
    return f"{given}, {source_ip(inv)}" if given else source_ip(inv)


def forwarded_port(inv: HttpApiInvocation) -> str:
    return "443" if inv.request.scheme == "https" else "80"


def amzn_trace_id(inv: HttpApiInvocation) -> str:
    """An X-Ray trace id (``Root=1-<epoch hex>-<24 hex>``), stable per request."""
    digest = hashlib.sha1(inv.request_id.encode()).hexdigest()[:24]
    return f"Root=1-{inv.epoch_ms // 1000:08x}-{digest}"


def http_date(epoch_seconds: float) -> str:
    """``Wed, 13 May 2020 04:07:30 GMT``."""
    return formatdate(epoch_seconds, usegmt=True)

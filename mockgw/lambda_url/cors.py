"""CORS of a function URL (its ``Cors`` configuration), as Lambda applies it.

With CORS configured, Lambda answers preflight requests itself (the function is not
invoked) and adds the CORS headers to every response to an allowed origin, replacing any
the function set.  Without it, ``OPTIONS`` requests reach the function like any other.
"""

from __future__ import annotations

from mockgw.protocol.wire import WireRequest, WireResponse

_CORS_HEADERS = ("access-control-allow-origin", "access-control-allow-methods",
                 "access-control-allow-headers", "access-control-expose-headers",
                 "access-control-allow-credentials", "access-control-max-age")


def is_preflight(cors: dict | None, request: WireRequest) -> bool:
    return (bool(cors) and request.method == "OPTIONS" and "origin" in request.headers
            and "access-control-request-method" in request.headers)


def preflight(cors: dict, request: WireRequest) -> WireResponse:
    """The answer to a preflight request."""
    headers = _origin_headers(cors, request.headers["origin"])
    if headers:
        methods = cors.get("AllowMethods") or []
        if methods:
            headers.append(("Access-Control-Allow-Methods", ",".join(methods)))
        allowed = cors.get("AllowHeaders") or []
        if allowed:
            headers.append(("Access-Control-Allow-Headers", ",".join(allowed)))
        if "MaxAge" in cors:
            headers.append(("Access-Control-Max-Age", str(cors["MaxAge"])))
    return WireResponse(200, headers)


def decorate(cors: dict | None, request: WireRequest, response: WireResponse) -> WireResponse:
    """``response`` with the configured CORS headers for the request's origin."""
    origin = request.headers.get("origin")
    if not cors or origin is None:
        return response
    added = _origin_headers(cors, origin)
    if not added:
        return response
    exposed = cors.get("ExposeHeaders") or []
    if exposed:
        added.append(("Access-Control-Expose-Headers", ",".join(exposed)))
    kept = [(k, v) for k, v in response.headers if k.lower() not in _CORS_HEADERS]
    if not any(k.lower() == "vary" for k, _ in kept):
        kept.append(("Vary", "Origin"))
    return WireResponse(response.status, kept + added, response.body)


def _origin_headers(cors: dict, origin: str) -> list[tuple[str, str]]:
    """``Access-Control-Allow-Origin`` (and credentials) for an allowed origin, else none."""
    origins = cors.get("AllowOrigins") or []
    credentials = bool(cors.get("AllowCredentials"))
    if "*" in origins:
        allowed = origin if credentials else "*"
    elif origin.lower() in {o.lower() for o in origins}:
        allowed = origin
    else:
        return []
    headers = [("Access-Control-Allow-Origin", allowed)]
    if credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return headers

"""CORS answered by the gateway, for HTTP APIs with a ``CorsConfiguration``.

As AWS's developer guide says: a preflight (``OPTIONS`` with ``Origin`` and
``Access-Control-Request-Method``) is answered 204 by API Gateway itself, whatever the
routes; other requests with an ``Origin`` get the configured CORS headers on the answer;
CORS headers of the backend are dropped.  An origin (or, for a preflight, a method) the
configuration does not allow gets no CORS headers, so the browser refuses the answer.
``AllowOrigins`` may hold ``*`` or origins with ``*`` wildcards (``https://*.example.com``);
``*`` answers ``access-control-allow-origin: *``, any other match the request's origin.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.protocol.wire import WireResponse


def allowed_origin(cors: dict[str, Any], origin: str) -> str | None:
    """The ``access-control-allow-origin`` value for ``origin`` (``None``: not allowed)."""
    origins = cors.get("AllowOrigins") or []
    if "*" in origins:
        return "*"
    wanted = origin.lower()
    for allowed in origins:
        pattern = allowed.lower()
        if pattern == wanted or ("*" in pattern and fnmatch.fnmatchcase(wanted, pattern)):
            return origin
    return None


def _listed(values: list[str] | None) -> str:
    return ",".join(values or [])


def answer_preflight(inv: HttpApiInvocation) -> None:
    """The pipeline step: answer a CORS preflight (204) when CORS is configured."""
    cors = inv.cors
    headers = inv.request.headers
    if cors is None or inv.request.method != "OPTIONS" or "origin" not in headers or \
            "access-control-request-method" not in headers:
        return
    origin = allowed_origin(cors, headers["origin"])
    method = headers["access-control-request-method"].strip().upper()
    methods = [m.upper() for m in cors.get("AllowMethods") or []]
    inv.preflight_headers = []
    if origin is not None and ("*" in methods or method in methods):
        found = [("access-control-allow-origin", origin)]
        if cors.get("AllowCredentials"):
            found.append(("access-control-allow-credentials", "true"))
        if cors.get("AllowHeaders"):
            found.append(("access-control-allow-headers", _listed(cors["AllowHeaders"])))
        found.append(("access-control-allow-methods", _listed(cors.get("AllowMethods"))))
        if cors.get("ExposeHeaders"):
            found.append(("access-control-expose-headers", _listed(cors["ExposeHeaders"])))
        if cors.get("MaxAge") is not None:
            found.append(("access-control-max-age", str(cors["MaxAge"])))
        inv.preflight_headers = found
    inv.response = WireResponse(204, [], b"")
    inv.answered = True


def apply(inv: HttpApiInvocation, response: WireResponse) -> None:
    """CORS headers on an answer (the backend's own dropped) when CORS is configured."""
    cors = inv.cors
    if cors is None:
        return
    response.headers = [(k, v) for k, v in response.headers
                        if not k.lower().startswith("access-control-")]
    if inv.preflight_headers is not None:
        response.headers.extend(inv.preflight_headers)
        return
    origin_header = inv.request.headers.get("origin")
    origin = allowed_origin(cors, origin_header) if origin_header else None
    if origin is None:
        return
    response.headers.append(("access-control-allow-origin", origin))
    if cors.get("AllowCredentials"):
        response.headers.append(("access-control-allow-credentials", "true"))
    if cors.get("ExposeHeaders"):
        response.headers.append(("access-control-expose-headers",
                                 _listed(cors["ExposeHeaders"])))

"""Who may call the control plane, the Lambda API and ``/_mockgw/*`` from a browser.

mockgw runs user code (Lambda functions) on request, so a web page open in the developer's
browser must not reach it: a cross-site "simple" ``POST`` needs no preflight, and two of
them would create a function and run it.  Browsers mark such requests with an ``Origin``
header (and ``Sec-Fetch-Site``); SDKs and command-line tools send neither.  A browser
request is let through only from an allowed origin:

* an origin on a loopback host (``localhost``, ``*.localhost``, ``127.0.0.0/8``, ``[::1]``),
  any scheme and port: a front end under development, or the web console;
* the server's own origin when it is addressed by an IP address (the console opened at
  ``http://192.168.1.5:4566``) — a DNS name is not trusted this way, or DNS rebinding would
  pass the check;
* an origin listed in the ``allowed_origins`` setting (``*`` allows every origin).

The ``cross_origin_checks`` setting turns the check off.  Allowed origins get CORS headers
(and preflight answers), so browser apps on localhost can use an AWS SDK against mockgw.
The execute-api data plane is not concerned: each API answers with its own CORS rules.

An ``admin_token`` setting, when set, protects ``/_mockgw/*`` entirely: requests must carry
``Authorization: Bearer <token>`` or ``X-Mockgw-Admin-Token: <token>``, or the cookie the web
console's sign-in sets (:data:`ADMIN_COOKIE`, HttpOnly, SameSite=Strict, holding
:func:`admin_cookie_value` of the token, not the token); without it, health answers only
``{"status": "running"}`` (enough for a liveness probe) and everything else 401.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from werkzeug.http import parse_cookie

from mockgw.protocol.wire import WireResponse
from mockgw.settings import Settings

#: The cookie the web console's sign-in sets when an admin token is configured.
ADMIN_COOKIE = "mockgw_admin"


class Request(Protocol):
    """What the checks read of a request: a :class:`~mockgw.protocol.wire.WireRequest`
    or a Flask request (header names are looked up in lowercase)."""

    method: str
    path: str
    scheme: str
    host: str
    headers: Mapping[str, str]


Answer = TypeVar("Answer", bound=Any)  # a WireResponse or a Flask response

#: Response headers a browser may read from a control-plane answer.
_EXPOSED = "x-amzn-RequestId, x-amzn-ErrorType, x-amz-request-id, x-amz-log-result, " \
           "x-amz-function-error, x-amz-executed-version, Date, Content-Length, ETag"
_ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


def _loopback(hostname: str) -> bool:
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _is_ip(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def origin_allowed(origin: str, request: Request, settings: Settings) -> bool:
    """Whether a browser request from ``origin`` may reach mockgw's own endpoints."""
    extra = {o.strip().rstrip("/").lower() for o in settings.allowed_origins.split(",")
             if o.strip()}
    origin = origin.strip().rstrip("/").lower()
    if "*" in extra or origin in extra:
        return True
    if origin == "null":  # sandboxed frames, file:// pages
        return False
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if _loopback(parts.hostname):
        return True
    own = urlsplit(f"{request.scheme}://{request.host.lower()}")
    return (_is_ip(parts.hostname) and parts.hostname == own.hostname
            and (parts.port or _default_port(parts.scheme))
            == (own.port or _default_port(own.scheme)))


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _json(status: int, doc: object, headers: list[tuple[str, str]] = ()) -> WireResponse:
    return WireResponse(status, [("Content-Type", "application/json"), *headers],
                        json.dumps(doc).encode())


def check(request: Request, settings: Settings) -> WireResponse | None:
    """The answer to a browser request that must not reach mockgw (403), to a CORS
    preflight from an allowed origin, or ``None``: the request goes on."""
    if not settings.cross_origin_checks:
        return None
    origin = request.headers.get("origin")
    if origin is None:
        if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
            return _refused("a cross-site request")
        return None
    if not origin_allowed(origin, request, settings):
        return _refused(f"a request from origin {origin}")
    if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
        requested = request.headers.get("access-control-request-headers", "")
        return WireResponse(200, [*cors_headers(origin),
                                  ("Access-Control-Allow-Methods", _ALLOWED_METHODS),
                                  ("Access-Control-Allow-Headers", requested or "*"),
                                  ("Access-Control-Max-Age", "600"),
                                  ("Content-Length", "0")])
    return None


def cors_headers(origin: str) -> list[tuple[str, str]]:
    """The CORS headers an answer to an allowed ``origin`` carries."""
    return [("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Expose-Headers", _EXPOSED),
            ("Vary", "Origin")]


def with_cors(request: Request, response: Answer, settings: Settings) -> Answer:
    """``response`` with CORS headers when it answers an allowed browser origin."""
    origin = request.headers.get("origin")
    if origin is not None and settings.cross_origin_checks:
        response.headers.extend(cors_headers(origin))
    return response


def _refused(what: str) -> WireResponse:
    return _json(403, {
        "__type": "AccessDeniedException",
        "message": f"mockgw refused {what}: browser pages may reach mockgw's control plane, "
                   "Lambda API and admin endpoints only from localhost origins (see the "
                   "allowed_origins and cross_origin_checks settings)"},
        [("x-amzn-ErrorType", "AccessDeniedException")])


def admin_refusal(request: Request, settings: Settings) -> WireResponse | None:
    """The answer to an admin request without the admin token (when one is set), else
    ``None``."""
    token = settings.admin_token
    if not token:
        return None
    given = request.headers.get("x-mockgw-admin-token", "")
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        given = given or authorization[7:].strip()
    if token_matches(given, settings):
        return None
    cookie = parse_cookie(request.headers.get("cookie", "")).get(ADMIN_COOKIE, "")
    if cookie and hmac.compare_digest(cookie.encode(), admin_cookie_value(token).encode()):
        return None
    if request.path == "/_mockgw/health" and request.method in ("GET", "HEAD"):
        return _json(200, {"status": "running"})
    return _json(401, {"message": "The admin endpoints need the admin token: send "
                                  "'Authorization: Bearer <token>' or "
                                  "'X-Mockgw-Admin-Token: <token>'"})


def token_matches(given: str, settings: Settings) -> bool:
    """Whether ``given`` is the admin token (never true when none is set)."""
    token = settings.admin_token
    return bool(token and given) and hmac.compare_digest(given.encode(), token.encode())


def admin_cookie_value(token: str) -> str:
    """What the console's sign-in cookie holds for ``token``: a digest, so the cookie
    cannot be replayed as the token itself."""
    return hmac.new(token.encode(), b"mockgw console sign-in", hashlib.sha256).hexdigest()

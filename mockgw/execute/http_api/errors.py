"""The answers HTTP APIs give themselves: ``{"message": ...}`` with AWS's status and words.

HTTP APIs have no gateway responses to customise: every refusal is a compact JSON
message (``{"message":"Not Found"}``).  Steps shared with REST APIs raise
:class:`~mockgw.execute.errors.GatewayError` with REST's response types; this module
says what HTTP APIs answer for each (:func:`answer_for`).  Steps of HTTP APIs raise
:class:`HttpApiError` for answers of their own.
"""

from __future__ import annotations

import json

from mockgw.execute.errors import GatewayError

NOT_FOUND = (404, "Not Found")
UNAUTHORIZED = (401, "Unauthorized")
FORBIDDEN = (403, "Forbidden")
TOO_MANY_REQUESTS = (429, "Too Many Requests")
INTERNAL_SERVER_ERROR = (500, "Internal Server Error")
SERVICE_UNAVAILABLE = (503, "Service Unavailable")
GATEWAY_TIMEOUT = (504, "Gateway Timeout")
REQUEST_TOO_LARGE = (413, "Request Entity Too Large")

#: A REST response type -> what an HTTP API answers instead.  Types not listed are
#: server-side failures: 500 ``Internal Server Error``.
_BY_TYPE: dict[str, tuple[int, str]] = {
    "RESOURCE_NOT_FOUND": NOT_FOUND,
    "MISSING_AUTHENTICATION_TOKEN": NOT_FOUND,
    "UNAUTHORIZED": UNAUTHORIZED,
    "FORBIDDEN": FORBIDDEN,
    "ACCESS_DENIED": FORBIDDEN,
    "INVALID_API_KEY": FORBIDDEN,
    "WAF_FILTERED": FORBIDDEN,
    "THROTTLED": TOO_MANY_REQUESTS,
    "QUOTA_EXCEEDED": TOO_MANY_REQUESTS,
    "REQUEST_TOO_LARGE": REQUEST_TOO_LARGE,
    "INTEGRATION_TIMEOUT": SERVICE_UNAVAILABLE,
}
#: Types whose own message reaches the client (SigV4's explanations).
_OWN_MESSAGE = {"INVALID_SIGNATURE": 403, "EXPIRED_TOKEN": 403}


class HttpApiError(GatewayError):
    """An answer of an HTTP API itself: ``status`` and ``{"message": message}``.

    ``response_type`` is the kind of refusal (``$context.error.responseType``); extra
    ``headers`` (``www-authenticate``) go with the answer.
    """

    def __init__(self, answer: tuple[int, str], response_type: str, *, log: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        status, message = answer
        super().__init__(response_type, message, status=status, log=log, headers=headers)


def answer_for(error: GatewayError) -> tuple[int, str]:
    """The status and message an HTTP API answers ``error`` with."""
    if isinstance(error, HttpApiError):
        return error.status, error.message or ""
    if error.response_type in _OWN_MESSAGE:
        return _OWN_MESSAGE[error.response_type], error.message or "Forbidden"
    return _BY_TYPE.get(error.response_type, INTERNAL_SERVER_ERROR)


def body(message: str) -> bytes:
    """``{"message":"..."}``, compact, as HTTP APIs write it."""
    return json.dumps({"message": message}, separators=(",", ":")).encode()

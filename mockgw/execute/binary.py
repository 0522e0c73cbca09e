"""Binary payloads: ``binaryMediaTypes`` and ``contentHandling``, as AWS's content type
conversion tables ("Content type conversions in API Gateway") say.

A payload is *binary* when its media type matches one of the API's ``binaryMediaTypes``
(``type/subtype``; ``type/*`` and ``*/*`` are wildcards, ``*/subtype`` matches nothing, as
on AWS); any other payload is *text*, which API Gateway
handles as a UTF-8 string (bytes that are not UTF-8 are replaced).  On the way back, the
client's first ``Accept`` media type decides which form the client wants when the
integration response sets no ``contentHandling``.
"""

from __future__ import annotations

import base64
import binascii

from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError

CONVERT_TO_TEXT = "CONVERT_TO_TEXT"
CONVERT_TO_BINARY = "CONVERT_TO_BINARY"


def media_type(value: str | None) -> str:
    """The bare media type of a ``Content-Type`` (or one ``Accept`` entry), lower-cased."""
    return (value or "").split(";")[0].strip().lower()


def is_binary(inv: Invocation, content_type: str | None) -> bool:
    """Whether a media type is one of the API's ``binaryMediaTypes`` (wildcards allowed)."""
    media = media_type(content_type)
    if not media:
        return False
    kind, _, sub = media.partition("/")
    for entry in (inv.snapshot or {}).get("api", {}).get("binaryMediaTypes") or ():
        want_kind, _, want_sub = entry.split(";")[0].strip().lower().partition("/")
        if want_kind == "*":  # only */* is a wildcard type: */test matches nothing
            if want_sub == "*":
                return True
            continue
        if want_kind == kind and want_sub in ("*", sub):
            return True
    return False


def accepts_binary(inv: Invocation) -> bool:
    """Whether the client's first ``Accept`` media type is binary (AWS honours only the
    first one)."""
    accept = inv.request.headers.get("accept") or ""
    return is_binary(inv, accept.split(",")[0])


def request_payload(inv: Invocation, handling: str | None) -> bytes:
    """The method request body as the integration request carries it.

    A binary body is base64-encoded by ``CONVERT_TO_TEXT`` and passed as it is otherwise; a
    text body is base64-decoded by ``CONVERT_TO_BINARY`` and passed as UTF-8 otherwise.
    """
    body = inv.request.body
    if is_binary(inv, inv.request.headers.get("content-type")):
        return base64.b64encode(body) if handling == CONVERT_TO_TEXT else body
    if handling == CONVERT_TO_BINARY:
        return _decode(body, "request")
    return as_text(body)


def response_payload(inv: Invocation, body: bytes, content_type: str | None,
                     handling: str | None) -> bytes:
    """An integration response body as the method response carries it.

    The target form is ``contentHandling``'s, or else binary when the client's first
    ``Accept`` type is binary and text otherwise: a binary body bound for text is
    base64-encoded, a text body bound for binary is base64-decoded, text stays UTF-8.
    """
    if handling == CONVERT_TO_BINARY:
        wants_binary = True
    elif handling == CONVERT_TO_TEXT:
        wants_binary = False
    else:
        wants_binary = accepts_binary(inv)
    if is_binary(inv, content_type):
        return body if wants_binary else base64.b64encode(body)
    return _decode(body, "response") if wants_binary else as_text(body)


def as_text(body: bytes) -> bytes:
    """``body`` as API Gateway holds a text payload: UTF-8, invalid bytes replaced."""
    return body.decode("utf-8", "replace").encode("utf-8")


def _decode(body: bytes, which: str) -> bytes:
    try:
        return base64.b64decode(body.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise GatewayError("API_CONFIGURATION_ERROR",
                           log=f"Execution failed due to configuration error: Unable to "
                               f"base64-decode the {which} body") from None

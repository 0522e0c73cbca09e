"""Payload compression of REST APIs: compressed method requests decoded, and answers
compressed as the client's ``Accept-Encoding`` asks once the API sets
``minimumCompressionSize`` (the developer guide's "Payload compression for REST APIs").

The content codings are AWS's: ``gzip``, ``deflate`` and ``identity``.

* **Requests.** A method request payload with ``Content-Encoding`` is decoded before
  validation, parameter mappings and templates, whether or not the API compresses answers
  ("By default, API Gateway supports decompression of the method request payload"); every
  integration then sees the payload decoded (an HTTP backend without the
  ``Content-Encoding``, which API Gateway never sends it).  A coding AWS does not support,
  or a payload that is not compressed with the coding named, answers the API's
  ``UNSUPPORTED_MEDIA_TYPE`` gateway response (415 ``Unsupported Media Type``); one that
  decodes to more than API Gateway's 10 MB payload limit, its ``REQUEST_TOO_LARGE`` (413:
  a few kilobytes of gzip must not make the server hold gigabytes).
* **Answers.** The method response payload, after the response template, is compressed
  when the API sets ``minimumCompressionSize``, the payload is at least that many bytes,
  neither the integration response nor the method response has a ``Content-Encoding``
  (the payload is taken as compressed already), and the highest-priority coding of the
  client's ``Accept-Encoding`` (the first of equal ``q``) is ``gzip`` or ``deflate``: no
  header, ``*``, ``identity`` or a coding AWS lacks (``br``) leave it as it is.  Gateway
  errors (not integration responses), answers without a payload (``HEAD``, 1xx, 204, 304,
  an empty body) and TestInvokeMethod's answers are never compressed.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import replace

from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.protocol.wire import BODILESS

#: Codings API Gateway compresses answers with (``identity`` is no compression).
COMPRESSING = ("gzip", "deflate")
SUPPORTED = frozenset({*COMPRESSING, "identity"})
#: API Gateway's payload limit, which a decoded request payload is held to as well.
PAYLOAD_LIMIT = 10 * 1024 * 1024


class TooLarge(ValueError):
    """A payload that decodes to more than the limit."""


def decompress_request(inv: Invocation) -> None:
    """The method request payload decoded as its ``Content-Encoding`` says (a pipeline
    step); ``UNSUPPORTED_MEDIA_TYPE`` when it cannot be."""
    coding = inv.request.headers.get("content-encoding")
    if coding is None or not inv.request.body:  # no payload: nothing to decode
        return
    try:
        body = decode(inv.request.body, coding)
    except TooLarge as exc:
        raise GatewayError("REQUEST_TOO_LARGE", log=f"Unable to decompress the method "
                                                    f"request payload: {exc}") from None
    except ValueError as exc:
        raise GatewayError("UNSUPPORTED_MEDIA_TYPE", log=f"Unable to decompress the method "
                                                         f"request payload: {exc}") from None
    inv.request = replace(inv.request, body=body)


def decode(body: bytes, content_encoding: str, limit: int = PAYLOAD_LIMIT) -> bytes:
    """``body`` with the codings ``content_encoding`` lists undone (the last one applied
    first); :class:`ValueError` for an unsupported coding or a payload not so encoded,
    :class:`TooLarge` for one that decodes to more than ``limit`` bytes."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        if coding not in SUPPORTED:
            raise ValueError(f"unsupported content coding {coding!r}")
        if coding == "gzip":  # one gzip member
            body = _inflate(body, (zlib.MAX_WBITS | 16,), coding, limit)
        elif coding == "deflate":  # the zlib format (RFC 9110), or the raw stream
            body = _inflate(body, (zlib.MAX_WBITS, -zlib.MAX_WBITS), coding, limit)
    return body


def _inflate(body: bytes, formats: tuple[int, ...], coding: str, limit: int) -> bytes:
    """``body`` inflated in the first of ``formats`` (zlib ``wbits``) it is whole in, never
    holding more than ``limit`` bytes of it."""
    for wbits in formats:
        inflater = zlib.decompressobj(wbits)
        try:
            out = inflater.decompress(body, limit + 1)
        except zlib.error:
            continue
        if len(out) > limit:
            raise TooLarge(f"the payload decodes to more than {limit} bytes")
        if inflater.eof and not inflater.unused_data:
            return out
    raise ValueError(f"the payload is not {coding}-compressed")


def compress_response(inv: Invocation) -> None:
    """The method response compressed with the client's coding, when the API compresses
    answers and this one qualifies (the module's docstring says when)."""
    response = inv.response
    minimum = ((inv.snapshot or {}).get("api") or {}).get("minimumCompressionSize")
    if minimum is None or response is None or not response.body \
            or len(response.body) < minimum:
        return
    if inv.request.method == "HEAD" or response.status in BODILESS or response.status < 200:
        return
    if inv.context.get("error", {}).get("responseType"):  # a gateway error
        return
    result = inv.integration_result
    if response.header("content-encoding") is not None or (
            result is not None and result.header("content-encoding") is not None):
        return
    coding = accepted_coding(inv.request.headers.get("accept-encoding"))
    if coding not in COMPRESSING:
        return
    response.body = encode(response.body, coding)
    response.headers.append(("Content-Encoding", coding))


def accepted_coding(accept_encoding: str | None) -> str | None:
    """The highest-priority coding of an ``Accept-Encoding`` (the first of equal ``q``,
    lower-cased), or ``None`` when it names none with ``q`` above 0."""
    best, best_q = None, 0.0
    for entry in (accept_encoding or "").split(","):
        name, *parameters = entry.split(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if 0.0 < q <= 1.0 and q > best_q:
            best, best_q = name, q
    return best


def encode(body: bytes, coding: str) -> bytes:
    """``body`` compressed with ``gzip`` or ``deflate`` (the zlib format)."""
    if coding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    return zlib.compress(body, 6)

"""Lambda's payload format 2.0 as HTTP APIs and function URLs both use it: the request's
headers, cookies and body as the event carries them, and how a function's answer becomes
the HTTP response (AWS's inference rules).

Events: header names lower-cased, repeated headers joined by commas, cookies moved from
``cookie`` to ``cookies``; the body as text when its content type is text (each caller
names its text types), else base64 (``isBase64Encoded``).

Answers: a JSON object with ``statusCode`` is a response (``headers``, ``cookies`` ->
``Set-Cookie``, ``body``, ``isBase64Encoded``; a missing ``Content-Type`` is the caller's
default); any other JSON is a 200 ``application/json`` body (a JSON string its text,
anything else its JSON).  Not JSON, or a malformed response, raises :class:`MalformedAnswer`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any


def joined(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as events carry them: names lower-cased, repeated ones joined with commas,
    without ``cookie`` (its cookies are :func:`cookies`)."""
    headers: dict[str, str] = {}
    for name, value in items:
        lower = name.lower()
        if lower != "cookie":
            headers[lower] = f"{headers[lower]},{value}" if lower in headers else value
    return headers


def cookies(items: Iterable[tuple[str, str]]) -> list[str]:
    """Every cookie of the ``Cookie`` headers, in order (a WSGI server joins repeated
    ``Cookie`` headers with commas, which no cookie holds)."""
    found: list[str] = []
    for name, value in items:
        if name.lower() == "cookie":
            found.extend(part.strip() for part in value.replace(",", ";").split(";")
                         if part.strip())
    return found


def is_text(content_type: str | None, types: Iterable[str],
            suffixes: tuple[str, ...] = ()) -> bool:
    """Whether a body of ``content_type`` reaches the function as text: ``text/*``, one of
    ``types``, or a media type ending with one of ``suffixes`` (``+json``)."""
    media = (content_type or "").split(";")[0].strip().lower()
    return bool(media) and (media.startswith("text/") or media in types
                            or (bool(suffixes) and media.endswith(suffixes)))


def event_body(raw: bytes, text: bool) -> tuple[str | None, bool]:
    """``(body, isBase64Encoded)`` of a request body (``text``: its content type is text;
    a text body that is not UTF-8 goes base64-encoded)."""
    if not raw:
        return None, False
    if text:
        try:
            return raw.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(raw).decode(), True


class MalformedAnswer(ValueError):
    """A function's answer no HTTP response can be made of (the reason is the text)."""


def response(payload: bytes, *, default_content_type: str,
             compact: bool) -> tuple[int, list[tuple[str, str]], bytes]:
    """``(status, headers, body)`` of the HTTP response a function's answer becomes.
    ``compact``: JSON the answer holds is written again compactly (function URLs), else as
    the function wrote it (HTTP APIs)."""
    try:
        doc = json.loads(payload or b"")
    except ValueError:
        raise MalformedAnswer("the answer is not JSON") from None
    if not isinstance(doc, dict) or "statusCode" not in doc:
        if isinstance(doc, str):
            text = doc
        else:
            text = _compact(doc) if compact else payload.decode("utf-8", "replace")
        return 200, [("Content-Type", "application/json")], text.encode()
    status = doc.get("statusCode")
    if isinstance(status, bool) or not isinstance(status, (int, str)) or \
            not str(status).isdigit() or not 100 <= int(status) <= 599:
        raise MalformedAnswer(f"statusCode {status!r} is not an HTTP status code")
    headers: list[tuple[str, str]] = []
    given = doc.get("headers") or {}
    if not isinstance(given, dict):
        raise MalformedAnswer("headers is not an object")
    for name, value in given.items():
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            raise MalformedAnswer(f"header {name} is not a string")
        headers.append((str(name), _scalar(value)))
    given_cookies = doc.get("cookies") or []
    if not isinstance(given_cookies, list) or not all(isinstance(c, str) for c in given_cookies):
        raise MalformedAnswer("cookies is not a list of strings")
    headers.extend(("Set-Cookie", cookie) for cookie in given_cookies)
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", default_content_type))
    body = doc.get("body")
    if body is None:
        raw = b""
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = (_compact(body) if compact else json.dumps(body)).encode()
    if doc.get("isBase64Encoded") is True:
        try:
            raw = base64.b64decode(raw, validate=True)
        except ValueError:
            raise MalformedAnswer("the body is not base64") from None
    return int(status), headers, raw


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

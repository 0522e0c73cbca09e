"""``$util``: the six utility functions API Gateway gives mapping templates."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from mockgw import jsonsafe
from mockgw.vtl.java import from_json, java_str

_SHORT_ESCAPES = {"\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f", "\r": "\\r",
                  "'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/"}


def escape_javascript(text: str) -> str:
    """Java's ``StringEscapeUtils.escapeJavaScript``: quotes (``'`` too), backslash,
    ``/``, control characters, and every non-ASCII UTF-16 unit as ``\\uXXXX``."""
    out = []
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif code < 0x20 or 0x7F < code <= 0xFFFF:
            out.append(f"\\u{code:04X}")
        elif code > 0xFFFF:
            high, low = divmod(code - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04X}\\u{0xDC00 + low:04X}")
        else:
            out.append(char)
    return "".join(out)


class Util:
    """``$util.escapeJavaScript``, ``parseJson``, ``urlEncode``, ``urlDecode``,
    ``base64Encode`` and ``base64Decode`` (strings are UTF-8)."""

    def escapeJavaScript(self, value: Any) -> str | None:  # noqa: N802 - AWS's name
        return None if value is None else escape_javascript(java_str(value))

    def parseJson(self, value: Any) -> Any:  # noqa: N802 - AWS's name
        return from_json(jsonsafe.loads(java_str(value)))

    def urlEncode(self, value: Any) -> str:  # noqa: N802 - AWS's name
        """``URLEncoder.encode(value, "UTF-8")``: spaces as ``+``; only ``.-*_`` kept."""
        return quote_plus(java_str(value), safe="*").replace("~", "%7E")

    def urlDecode(self, value: Any) -> str:  # noqa: N802 - AWS's name
        return unquote_plus(java_str(value))

    def base64Encode(self, value: Any) -> str:  # noqa: N802 - AWS's name
        return base64.b64encode(java_str(value).encode()).decode("ascii")

    def base64Decode(self, value: Any) -> str:  # noqa: N802 - AWS's name
        return base64.b64decode(java_str(value)).decode("utf-8", "replace")

"""JSON for state and recorded calls: plain JSON, with bytes kept as ``{"__bytes__": b64}``."""

from __future__ import annotations

import base64
import json
from typing import Any

from mockgw import jsonsafe

_BYTES = "__bytes__"


def dumps(value: Any) -> str:
    """Compact JSON of a JSON-like value (dicts, lists, str, numbers, bools, None, bytes)."""
    return json.dumps(value, separators=(",", ":"), default=_default)


def loads(text: str | bytes) -> Any:
    """The value :func:`dumps` wrote (bytes come back as bytes), with any lone surrogate
    an older mockgw let in replaced (it could never be answered)."""
    return jsonsafe.clean_tree(jsonsafe.loads(text, object_hook=_object_hook))


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    raise TypeError(f"state must be JSON-like, found {type(value).__name__}")


def _object_hook(doc: dict[str, Any]) -> Any:
    if len(doc) == 1 and _BYTES in doc:
        return base64.b64decode(doc[_BYTES])
    return doc

"""JSON and text from untrusted input, made safe to keep and to answer with.

* :func:`loads` reads JSON like :func:`json.loads`, but a document nested deeper than
  Python can read raises :class:`TooDeep` (a ``ValueError``, like any other malformed
  JSON) instead of ``RecursionError``;
* :func:`clean` replaces lone UTF-16 surrogates (``"\\ud800"``: valid in a JSON string,
  yet no Unicode text) with U+FFFD, so nothing that cannot be encoded as UTF-8 is ever
  stored or serialised; :func:`clean_tree` does it throughout a JSON-like value, without
  recursion.

A leaf module: the protocol layer, the state layer and the data plane all use it.
"""

from __future__ import annotations

import json
import re
from typing import Any

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


class TooDeep(ValueError):
    """JSON nested too deeply to read."""

    def __init__(self) -> None:
        super().__init__("JSON nested too deeply")


def loads(text: str | bytes | bytearray, **kwargs: Any) -> Any:
    """:func:`json.loads`, with :class:`TooDeep` for a document nested too deeply."""
    try:
        return json.loads(text, **kwargs)
    except RecursionError:
        raise TooDeep() from None


def clean(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD."""
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub(REPLACEMENT, text)


def clean_tree(value: Any) -> Any:
    """``value`` (dicts, lists, strings, ...) with :func:`clean` applied to every string,
    keys included; containers are changed in place, walked without recursion."""
    if isinstance(value, str):
        return clean(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                item = node[key]
                if isinstance(item, str):
                    item = clean(item)
                elif isinstance(item, (dict, list)):
                    stack.append(item)
                if isinstance(key, str) and not key.isascii():
                    fixed = clean(key)
                    if fixed != key:
                        del node[key]
                        key = fixed
                node[key] = item
        elif isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str):
                    node[index] = clean(item)
                elif isinstance(item, (dict, list)):
                    stack.append(item)
    return value

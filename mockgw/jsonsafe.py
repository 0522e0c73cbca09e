"""JSON and text from untrusted input, made safe to keep and to answer with.

* :func:`loads` reads JSON like :func:`json.loads`.  A document nested deeper than
  Python's own parser can go (about a thousand levels, less on a deep stack) is read
  again without recursion, up to :data:`MAX_DEPTH` levels (the nesting limit of the JSON
  parser AWS's services use); deeper, it raises :class:`TooDeep`, a ``ValueError`` like
  any other malformed JSON, never ``RecursionError``.
* :func:`clean` replaces lone UTF-16 surrogates (``"\\ud800"``: valid in a JSON string,
  yet no Unicode text) with U+FFFD, so nothing that cannot be encoded as UTF-8 is ever
  stored or serialised; :func:`clean_tree` does it throughout a JSON-like value, without
  recursion.

A leaf module: the protocol layer, the state layer and the data plane all use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json.decoder import JSONDecodeError, scanstring
from typing import Any

#: The deepest nesting read (Jackson's default ``maxNestingDepth``).
MAX_DEPTH = 1000
REPLACEMENT = "\ufffd"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_CONSTANTS = {"true": True, "false": False, "null": None, "NaN": float("nan"),
              "Infinity": float("inf"), "-Infinity": float("-inf")}


class TooDeep(ValueError):
    """JSON nested deeper than :data:`MAX_DEPTH`."""

    def __init__(self) -> None:
        super().__init__(f"JSON nested deeper than {MAX_DEPTH} levels")


def loads(text: str | bytes | bytearray, *, object_hook: Callable[[dict], Any] | None = None,
          deep: bool = True) -> Any:
    """:func:`json.loads` for any nesting up to :data:`MAX_DEPTH` (:class:`TooDeep`
    beyond).  ``deep=False`` refuses (``TooDeep``) what Python's own parser cannot read:
    for documents kept to be walked again later (a policy, a schema)."""
    try:
        return json.loads(text, object_hook=object_hook)
    except RecursionError:
        if not deep:
            raise TooDeep() from None
    if not isinstance(text, str):
        text = bytes(text).decode(json.detect_encoding(text), "surrogatepass")
    if text.startswith("\ufeff"):
        raise JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _Reader(text, object_hook).document()


class _Reader:
    """A JSON reader with an explicit stack instead of recursion."""

    def __init__(self, text: str, object_hook: Callable[[dict], Any] | None) -> None:
        self.text = text
        self.hook = object_hook

    def space(self, pos: int) -> int:
        found = _SPACE.match(self.text, pos)
        assert found is not None
        return found.end()

    def key(self, pos: int) -> tuple[str, int]:
        """The object key at ``pos`` and where its value starts."""
        text = self.text
        if text[pos:pos + 1] != '"':
            raise JSONDecodeError("Expecting property name enclosed in double quotes", text,
                                  pos)
        key, pos = scanstring(text, pos + 1)
        pos = self.space(pos)
        if text[pos:pos + 1] != ":":
            raise JSONDecodeError("Expecting ':' delimiter", text, pos)
        return key, self.space(pos + 1)

    def scalar(self, pos: int) -> tuple[Any, int]:
        text = self.text
        if text[pos:pos + 1] == '"':
            return scanstring(text, pos + 1)
        number = _NUMBER.match(text, pos)
        if number is not None and not text.startswith("-Infinity", pos):
            whole, fraction, exponent = number.groups()
            if fraction or exponent:
                return float(whole + (fraction or "") + (exponent or "")), number.end()
            return int(whole), number.end()
        for word, value in _CONSTANTS.items():
            if text.startswith(word, pos):
                return value, pos + len(word)
        raise JSONDecodeError("Expecting value", text, pos)

    def close(self, container: Any) -> Any:
        return self.hook(container) if self.hook and isinstance(container, dict) else container

    def document(self) -> Any:
        text = self.text
        stack: list[list | dict] = []
        keys: list[str | None] = []
        pos = self.space(0)
        while True:
            opener = text[pos:pos + 1]
            if opener in ("{", "["):
                pos = self.space(pos + 1)
                if text[pos:pos + 1] == ("}" if opener == "{" else "]"):
                    value: Any = self.close({} if opener == "{" else [])
                    pos += 1
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise TooDeep()
                    stack.append({} if opener == "{" else [])
                    key = None
                    if opener == "{":
                        key, pos = self.key(pos)
                    keys.append(key)
                    continue
            else:
                value, pos = self.scalar(pos)
            while True:  # put the value in its container; close the containers that end
                pos = self.space(pos)
                if not stack:
                    if pos != len(text):
                        raise JSONDecodeError("Extra data", text, pos)
                    return value
                parent = stack[-1]
                if isinstance(parent, list):
                    parent.append(value)
                else:
                    parent[keys[-1]] = value  # type: ignore[index]
                mark = text[pos:pos + 1]
                if mark == ",":
                    pos = self.space(pos + 1)
                    if isinstance(parent, dict):
                        keys[-1], pos = self.key(pos)
                    break
                if mark == ("]" if isinstance(parent, list) else "}"):
                    stack.pop()
                    keys.pop()
                    value = self.close(parent)
                    pos += 1
                    continue
                raise JSONDecodeError("Expecting ',' delimiter", text, pos)


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

"""Java semantics for values in mapping templates.

API Gateway runs templates on Apache Velocity 1.7 in Java, so what a template prints and
which methods it can call are Java's: ``true``/``false``, ``1.0E20``, maps as
``{a=1, b=2}``, ``String.replaceAll`` with Java regex replacements. This module gives
plain Python values those semantics: :func:`java_str` is ``toString()``,
:func:`java_method` finds the ``String``/``List``/``Map`` methods templates call.

JSON documents (``$input.path``, ``$util.parseJson``) are held as plain dicts (Java's
``LinkedHashMap``) and :class:`JsonArray` lists, which print as compact JSON the way
API Gateway's JSON library prints its arrays: ``{a=1, b=[{"c":5}]}``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any


class JsonArray(list):
    """A JSON array from a parsed document: prints as compact JSON."""

    def __str__(self) -> str:
        return json_text(self)


class Entry:
    """A ``Map.Entry`` as returned by ``$map.entrySet()``."""

    def __init__(self, key: Any, value: Any) -> None:
        self.key = key
        self.value = value

    def getKey(self) -> Any:  # noqa: N802 - Java name
        return self.key

    def getValue(self) -> Any:  # noqa: N802 - Java name
        return self.value

    def __str__(self) -> str:
        return f"{java_str(self.key)}={java_str(self.value)}"


class EmptyPayload(dict):
    """``$input.path(...)`` of an empty payload, as AWS's engine gives it: an empty object
    (``.size()`` is 0) that prints as, and compares equal to, an empty string (never to
    ``$null``, which only a JSON ``null`` equals)."""


def from_json(value: Any) -> Any:
    """Turn a ``json.loads`` result into template values (arrays become :class:`JsonArray`)."""
    if isinstance(value, dict):
        return {key: from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return JsonArray(from_json(item) for item in value)
    return value


# -- printing ---------------------------------------------------------------------------

def java_str(value: Any) -> str:
    """``String.valueOf(value)`` as Java prints it."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, JsonArray):
        return json_text(value)
    if isinstance(value, EmptyPayload):
        return ""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{java_str(k)}={java_str(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple | range):
        return "[" + ", ".join(java_str(item) for item in value) + "]"
    return str(value)


def java_double(value: float) -> str:
    """``Double.toString``: ``1.0``, ``0.001``, ``1.0E7``, ``1.5E-4``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    digits_text = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) - 1 + exponent
    mantissa = digits_text[0] + "." + (digits_text[1:] or "0")
    return ("-" if sign else "") + f"{mantissa}E{power}"


def json_text(value: Any) -> str:
    """Compact JSON, numbers printed as Java prints them."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json_text(str(k))}:{json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(json_text(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool | int | float):
        return java_str(value)
    return json.dumps(java_str(value), ensure_ascii=False)


# -- operators (Velocity 1.7) -----------------------------------------------------------

def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def truthy(value: Any) -> bool:
    """Velocity 1.7's ``#if``: false only for null and ``false``."""
    return value is not None and value is not False


def equals(left: Any, right: Any) -> bool:
    """Velocity's ``==``: numbers by value, other classes by their ``toString()``."""
    if left is None or right is None:
        return left is None and right is None
    if is_number(left) and is_number(right):
        return left == right
    if type(left) is type(right):
        return left == right
    return java_str(left) == java_str(right)


def compare(operation: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """Velocity's ``<``, ``>``, ...: false unless both sides are numbers."""
    def apply(left: Any, right: Any) -> bool:
        return is_number(left) and is_number(right) and operation(left, right)
    return apply


def add(left: Any, right: Any) -> Any:
    if isinstance(left, str) or isinstance(right, str):
        return java_str(left) + java_str(right)
    return left + right if is_number(left) and is_number(right) else None


def arithmetic(operation: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        return operation(left, right) if is_number(left) and is_number(right) else None
    return apply


def divide(left: Any, right: Any) -> Any:
    """Integer division truncates toward zero; division by zero gives null."""
    if not (is_number(left) and is_number(right)) or right == 0:
        return None
    if isinstance(left, int) and isinstance(right, int):
        quotient = abs(left) // abs(right)
        return quotient if (left < 0) == (right < 0) else -quotient
    return left / right


def modulo(left: Any, right: Any) -> Any:
    """The remainder takes the sign of the dividend, as in Java."""
    if not (is_number(left) and is_number(right)) or right == 0:
        return None
    if isinstance(left, int) and isinstance(right, int):
        return left - right * divide(left, right)
    return math.fmod(left, right)


# -- methods ------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _replacement(template: str) -> Callable[[re.Match[str]], str]:
    """A Java ``Matcher`` replacement string (``$1``, ``${name}``, ``\\$``) as a function."""
    parts: list[str | int] = []
    literal, i = [], 0
    while i < len(template):
        char = template[i]
        if char == "\\" and i + 1 < len(template):
            literal.append(template[i + 1])
            i += 2
        elif char == "$":
            named = re.match(r"\{(\w+)\}|(\d)", template[i + 1:])
            if not named:
                raise ValueError(f"Illegal group reference in {template!r}")
            parts.append("".join(literal))
            literal = []
            parts.append(named.group(1) or int(named.group(2)))
            i += 1 + named.end()
        else:
            literal.append(char)
            i += 1
    parts.append("".join(literal))

    def replace(match: re.Match[str]) -> str:
        return "".join(part if i % 2 == 0 else (match.group(part) or "")
                       for i, part in enumerate(parts))
    return replace


def _split(text: str, pattern: str, limit: int = 0) -> list[str]:
    """``String.split``: a regex; trailing empty strings dropped unless a limit is given."""
    parts, start = [], 0
    for match in _regex(pattern).finditer(text):
        if limit > 0 and len(parts) == limit - 1:
            break
        if match.end() == 0:
            continue
        parts.append(text[start:match.start()])
        start = match.end()
    if not parts:
        return [text]
    parts.append(text[start:])
    if limit == 0:
        while parts and parts[-1] == "":
            parts.pop()
    return parts


def _substring(text: str, begin: int, end: int | None = None) -> str:
    end = len(text) if end is None else end
    if begin < 0 or end > len(text) or begin > end:
        raise IndexError(f"begin {begin}, end {end}, length {len(text)}")
    return text[begin:end]


def _char_at(text: str, index: int) -> str:
    if not 0 <= index < len(text):
        raise IndexError(f"index {index}, length {len(text)}")
    return text[index]


_JAVA_WHITESPACE = "".join(chr(code) for code in range(33))

STRING_METHODS: dict[str, Callable[..., Any]] = {
    "length": len,
    "isEmpty": lambda s: not s,
    "charAt": _char_at,
    "contains": lambda s, part: java_str(part) in s,
    "startsWith": lambda s, prefix, offset=0: s.startswith(java_str(prefix), offset),
    "endsWith": lambda s, suffix: s.endswith(java_str(suffix)),
    "indexOf": lambda s, part, start=0: s.find(java_str(part), start),
    "lastIndexOf": lambda s, part: s.rfind(java_str(part)),
    "substring": _substring,
    "concat": lambda s, other: s + java_str(other),
    "equals": lambda s, other: isinstance(other, str) and s == other,
    "equalsIgnoreCase": lambda s, other: isinstance(other, str) and s.lower() == other.lower(),
    "toLowerCase": str.lower,
    "toUpperCase": str.upper,
    "trim": lambda s: s.strip(_JAVA_WHITESPACE),
    "replace": lambda s, old, new: s.replace(java_str(old), java_str(new)),
    "replaceAll": lambda s, regex, repl: _regex(regex).sub(_replacement(repl), s),
    "replaceFirst": lambda s, regex, repl: _regex(regex).sub(_replacement(repl), s, count=1),
    "matches": lambda s, regex: _regex(regex).fullmatch(s) is not None,
    "split": _split,
    "toString": lambda s: s,
}


def _list_get(items: list, index: int) -> Any:
    if not 0 <= index < len(items):
        raise IndexError(f"Index: {index}, Size: {len(items)}")
    return items[index]


def _list_set(items: list, index: int, value: Any) -> Any:
    previous = _list_get(items, index)
    items[index] = value
    return previous


def _list_add(items: list, *args: Any) -> bool | None:
    if len(args) == 2:
        items.insert(args[0], args[1])
        return None
    items.append(args[0])
    return True


def _list_remove(items: list, target: Any) -> Any:
    """``remove(int index)`` for integers, ``remove(Object)`` otherwise."""
    if is_number(target) and isinstance(target, int):
        _list_get(items, target)
        return items.pop(target)
    if target in items:
        items.remove(target)
        return True
    return False


def _list_add_all(items: list, values: Iterable[Any]) -> bool:
    items.extend(values)
    return True


LIST_METHODS: dict[str, Callable[..., Any]] = {
    "size": len,
    "isEmpty": lambda items: not items,
    "get": _list_get,
    "set": _list_set,
    "add": _list_add,
    "addAll": _list_add_all,
    "remove": _list_remove,
    "contains": lambda items, value: any(equals(item, value) for item in items),
    "indexOf": lambda items, value: next(
        (i for i, item in enumerate(items) if equals(item, value)), -1),
    "subList": lambda items, start, end: list(items[start:end]),
    "clear": list.clear,
    "toString": java_str,
}


def _map_put(mapping: dict, key: Any, value: Any) -> Any:
    previous = mapping.get(key)
    mapping[key] = value
    return previous


def _map_put_all(mapping: dict, values: dict) -> None:
    for key, value in values.items():
        mapping[key] = value


MAP_METHODS: dict[str, Callable[..., Any]] = {
    "size": len,
    "isEmpty": lambda mapping: not mapping,
    "get": lambda mapping, key: mapping.get(key),
    "getOrDefault": lambda mapping, key, default: mapping.get(key, default),
    "containsKey": lambda mapping, key: key in mapping,
    "containsValue": lambda mapping, value: any(equals(v, value) for v in mapping.values()),
    "keySet": lambda mapping: list(mapping),
    "values": lambda mapping: list(mapping.values()),
    "entrySet": lambda mapping: [Entry(key, value) for key, value in mapping.items()],
    "put": _map_put,
    "putAll": _map_put_all,
    "remove": lambda mapping, key: mapping.pop(key, None),
    "clear": dict.clear,
    "toString": java_str,
}

OBJECT_METHODS: dict[str, Callable[..., Any]] = {
    "toString": java_str,
    "equals": equals,
}


def java_method(target: Any, name: str) -> Callable[..., Any] | None:
    """The Java method ``name`` of ``target``'s class, as a function of (target, *args)."""
    if isinstance(target, str):
        table = STRING_METHODS
    elif isinstance(target, list):
        table = LIST_METHODS
    elif isinstance(target, dict):
        table = MAP_METHODS
    elif isinstance(target, bool | int | float):
        table = OBJECT_METHODS
    else:
        return None
    return table.get(name)

"""Selection expressions of WebSocket APIs, evaluated as AWS's guide describes them.

``$request.body.action``, ``${request.body.service}/${request.body.action}``, static text
and ``\\$default`` (an escaped dollar); a path that finds nothing reads as ``""``.  The same
evaluator serves route selection, template selection (integrations and integration
responses) and API key selection; what a variable means is up to the caller's
:class:`Variables`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mockgw import jsonsafe
from mockgw.vtl import jsonpath
from mockgw.vtl.java import java_str

#: ``\$`` | ``${name}`` | ``$name`` (letters, digits and ``._-[]'"``).
_VARIABLE = re.compile(r"\\\$|\$\{([^}]*)\}|\$([A-Za-z][\w.\-\[\]'\"]*)")
_NOT_FOUND = object()

Resolver = Callable[[str], "str | None"]


def evaluate(expression: str, resolve: Resolver) -> str:
    """``expression`` with each variable replaced by ``resolve(name)`` (``name`` without
    the ``$``; ``None`` keeps the text as written: not a variable of this expression)."""
    def substitute(found: re.Match[str]) -> str:
        if found.group(0) == "\\$":
            return "$"
        name = found.group(1) if found.group(1) is not None else found.group(2)
        value = resolve(name)
        return found.group(0) if value is None else value

    return _VARIABLE.sub(substitute, expression)


def references_body(expression: str) -> bool:
    return "request.body" in expression


class Body:
    """A message as selection expressions read it: parsed once, JSON or not."""

    def __init__(self, data: str | bytes) -> None:
        self.data = data
        self._document: Any = _NOT_FOUND

    @property
    def document(self) -> Any:
        """The message as JSON (``None`` when it is not JSON)."""
        if self._document is _NOT_FOUND:
            try:
                self._document = jsonsafe.loads(self.data) if self.data else None
            except ValueError:
                self._document = None
        return self._document

    @property
    def is_json(self) -> bool:
        return isinstance(self.document, (dict, list))

    def value(self, path: str) -> str:
        """``request.body.<path>`` stringified (``""`` when the path finds nothing)."""
        document = self.document
        if not path:
            return self.data if isinstance(self.data, str) else \
                self.data.decode("utf-8", "replace")
        if not isinstance(document, (dict, list)):
            return ""
        try:
            found = jsonpath.find(document, path if path.startswith("$") else f"$.{path}")
        except Exception:  # a path jsonpath cannot read finds nothing
            return ""
        if found is None or found is jsonpath.MISSING:
            return ""
        if isinstance(found, jsonpath.JsonArray) and not found:
            return ""
        return java_str(found)  # lists print as [item1, item2], as AWS's guide says


def request_resolver(body: Body | None, *, headers: dict[str, str] | None = None,
                     query: dict[str, list[str]] | None = None,
                     context: dict[str, Any] | None = None,
                     extra: dict[str, str] | None = None) -> Resolver:
    """Variables of the request: ``request.body.*``, ``request.header.*`` (any case),
    ``request.querystring.*``, ``context.*`` and any ``extra`` names
    (``integration.response.statuscode``)."""
    def resolve(name: str) -> str | None:
        if extra is not None and name in extra:
            return extra[name]
        if name == "request.body" or name.startswith("request.body."):
            return body.value(name[len("request.body."):]) if body is not None else ""
        if name.startswith("request.header."):
            return (headers or {}).get(name[len("request.header."):].lower(), "")
        if name.startswith("request.querystring."):
            values = (query or {}).get(name[len("request.querystring."):])
            return values[-1] if values else ""
        if name.startswith("context."):
            value: Any = context or {}
            for part in name[len("context."):].split("."):
                value = value.get(part) if isinstance(value, dict) else None
            return "" if value is None else java_str(value)
        return None

    return resolve

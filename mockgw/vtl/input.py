"""``$input``: the payload and the method request's parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockgw import jsonsafe
from mockgw.vtl import jsonpath
from mockgw.vtl.java import EmptyPayload, from_json, json_text

PARAMETER_TYPES = ("path", "querystring", "header")


def body_text(body: bytes | str | None) -> str:
    """The payload as text (invalid UTF-8 replaced)."""
    if body is None:
        return ""
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else body


class Input:
    """``$input.body``, ``$input.json(path)``, ``$input.path(path)``, ``$input.params(...)``.

    ``params`` maps ``path``, ``querystring`` and ``header`` to single-valued dicts.
    An empty payload reads as ``{}``; a payload that is not JSON is itself the value of
    ``path('$')`` (a form post: ``$input.path('$').split('&')``, as on AWS), while
    ``json()`` and ``path()`` of any other path fail (the template errors); ``body`` works
    whatever the payload.
    """

    def __init__(self, body: bytes | str | None,
                 params: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._text = body_text(body)
        self._document: Any = None
        self._parsed = False
        self._json: bool | None = None
        params = params or {}
        self._params = {kind: dict(params.get(kind) or {}) for kind in PARAMETER_TYPES}

    @property
    def body(self) -> str:
        return self._text or "{}"

    def _is_json(self) -> bool:
        """Whether the payload parses as JSON (JSON nested too deeply to read counts)."""
        if self._json is None:
            try:
                self._find("$")
                self._json = True
            except jsonsafe.TooDeep:
                self._json = True
            except ValueError:
                self._json = False
        return self._json

    def _find(self, path: Any) -> Any:
        if not self._parsed:
            self._document = jsonsafe.loads(self._text.strip() or "{}")
            self._parsed = True
        return jsonpath.find(self._document, str(path))

    def json(self, path: Any = "$") -> str:
        """The match as JSON text; ``""`` when a definite path matches nothing."""
        value = self._find(path)
        return "" if value is jsonpath.MISSING else json_text(value)

    def path(self, path: Any = "$") -> Any:
        """The match as a new template value (maps, lists, strings, numbers, ``null`` for a
        JSON null); ``""`` if none; :class:`EmptyPayload` when there is no payload at all;
        the payload's text for the root path ``$`` when it is not JSON.

        Each call gives its own copy, so changing one result never changes another.
        """
        if not self._text.strip():
            return EmptyPayload()
        if str(path).strip() == "$" and not self._is_json():
            return self._text
        value = self._find(path)
        return "" if value is jsonpath.MISSING else from_json(value)

    def params(self, name: Any = None) -> Any:
        """All parameters, or the named one from path, querystring, then header (``""``)."""
        if name is None:
            return {kind: dict(values) for kind, values in self._params.items()}
        name = str(name)
        for kind in PARAMETER_TYPES:
            if name in self._params[kind]:
                return self._params[kind][name]
        lowered = name.lower()
        for header, value in self._params["header"].items():
            if header.lower() == lowered:
                return value
        return ""

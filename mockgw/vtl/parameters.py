"""Values of parameter-mapping expressions (``requestParameters`` / ``responseParameters``).

A mapping value is one of ``'static'``, ``context.<path>``, ``stageVariables.<name>``, or
a source under a prefix: ``method.request.`` (``path.X``, ``querystring.X``,
``multivaluequerystring.X``, ``header.X``, ``multivalueheader.X``, ``body``,
``body.<JSONPath>``) or ``integration.response.`` (``header.X``, ``multivalueheader.X``,
``body``, ``body.<JSONPath>``). Parameter and header names match case-sensitively, as
in API Gateway. A value that resolves to nothing (or to ``""``) is ``None``: the target
is left unset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mockgw import jsonsafe
from mockgw.vtl import jsonpath
from mockgw.vtl.input import body_text
from mockgw.vtl.java import java_str, json_text

METHOD_REQUEST = "method.request."
INTEGRATION_RESPONSE = "integration.response."

_JSON_STARTS = ("{", "[", "'", '"')


class InvalidJsonBody(ValueError):
    """The body looks like JSON (starts with ``{``, ``[``, ``'`` or ``"``) but is not.

    API Gateway answers 400 ``Invalid JSON in request body`` for a method request, and
    500 ``Internal server error`` for an integration response.
    """


@dataclass(frozen=True)
class ParameterSource:
    """What a ``method.request.*`` or ``integration.response.*`` expression reads.

    ``querystring`` and ``headers`` are multi-valued, names exactly as received.
    """

    prefix: str = METHOD_REQUEST
    path: Mapping[str, str] = field(default_factory=dict)
    querystring: Mapping[str, Sequence[str]] = field(default_factory=dict)
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    body: bytes | str | None = b""


def _text(value: Any) -> str | None:
    """A mapped value as the string API Gateway sends (objects as compact JSON)."""
    if value is None or value is jsonpath.MISSING:
        return None
    if isinstance(value, dict | list):
        return json_text(value)
    return java_str(value) or None


def body_value(body: bytes | str | None, path: str | None = None) -> str | None:
    """``...body`` (``path`` None) or ``...body.<path>`` (``a.b`` or ``$.a.b``).

    Raises :class:`InvalidJsonBody` for a body that looks like JSON but is not.

    An empty body reads as ``{}``; a body that does not look like JSON has no fields.
    """
    text = body_text(body).strip() or "{}"
    document: Any = {}
    if text.startswith(_JSON_STARTS):
        try:
            document = jsonsafe.loads(text)
        except ValueError as error:  # TooDeep included
            raise InvalidJsonBody(str(error)) from None
    if path is None:
        return text
    return _text(jsonpath.find(document, path if path.startswith("$") else "$." + path))


def _last(values: Sequence[str] | None) -> str | None:
    return (values[-1] or None) if values else None


def context_value(context: Mapping[str, Any], path: str) -> Any:
    """``identity.sourceIp``-style lookups in ``$context`` (``None`` when absent)."""
    value: Any = context
    for name in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def resolve_parameter(expression: str, source: ParameterSource, *,
                      context: Mapping[str, Any] | None = None,
                      stage_variables: Mapping[str, str] | None = None,
                      ) -> str | list[str] | None:
    """The value of one mapping ``expression``; a list only for ``multivaluequerystring``."""
    if len(expression) >= 2 and expression.startswith("'") and expression.endswith("'"):
        return expression[1:-1] or None
    if expression.startswith("context."):
        return _text(context_value(context or {}, expression.removeprefix("context.")))
    if expression.startswith("stageVariables."):
        return _text((stage_variables or {}).get(expression.removeprefix("stageVariables.")))
    if not expression.startswith(source.prefix):
        return None
    location, _, name = expression.removeprefix(source.prefix).partition(".")
    if location == "body":
        return body_value(source.body, name or None)
    if location == "path" and source.prefix == METHOD_REQUEST:
        return _text(source.path.get(name))
    if location == "querystring" and source.prefix == METHOD_REQUEST:
        return _last(source.querystring.get(name))
    if location == "multivaluequerystring" and source.prefix == METHOD_REQUEST:
        return list(source.querystring.get(name) or []) or None
    if location == "header":
        return _last(source.headers.get(name))
    if location == "multivalueheader":
        return ",".join(source.headers.get(name) or []) or None
    return None

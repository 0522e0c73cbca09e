"""Parameter mapping: the expressions of ``requestParameters`` and ``responseParameters``.

Sources API Gateway accepts: ``method.request.{path|querystring|multivaluequerystring|
header|multivalueheader}.NAME``, ``method.request.body`` and ``method.request.body.<JSONPath>``,
``integration.response.{header|multivalueheader}.NAME``, ``integration.response.body`` and
``integration.response.body.<JSONPath>``, ``context.X``, ``stageVariables.X`` and ``'static'``.
An expression that finds nothing leaves its target unset.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jsonpath_ng.ext import parse as parse_jsonpath

from mockgw.execute.context import IntegrationResult, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.variables import lookup

Source = Callable[[str], Any]


def method_request_source(inv: Invocation) -> Callable[[str], str | None]:
    """Resolves ``method.request.*``, ``context.*``, ``stageVariables.*`` and statics."""
    request = inv.request

    def header(name: str, multi: bool) -> str | None:
        values = [v for k, v in request.header_items if k.lower() == name.lower()]
        if not values:
            return None
        return ",".join(values) if multi else values[-1]

    def resolve(expression: str) -> str | None:
        if expression.startswith("method.request."):
            rest = expression[len("method.request."):]
            kind, _, name = rest.partition(".")
            if kind == "path":
                return inv.path_params.get(name)
            if kind == "querystring":
                values = request.query.get(name)
                return values[-1] if values else None
            if kind == "multivaluequerystring":
                values = request.query.get(name)
                return ",".join(values) if values else None
            if kind in ("header", "multivalueheader"):
                return header(name, kind == "multivalueheader")
            if kind == "body":
                return _body_value(request.body, name)
            return None
        return _common(inv, expression)

    return resolve


def integration_response_source(inv: Invocation,
                                result: IntegrationResult) -> Callable[[str], str | None]:
    """Resolves ``integration.response.*`` plus the common sources."""
    def resolve(expression: str) -> str | None:
        if expression.startswith("integration.response."):
            rest = expression[len("integration.response."):]
            kind, _, name = rest.partition(".")
            if kind in ("header", "multivalueheader"):
                values = [v for k, v in result.headers if k.lower() == name.lower()]
                if not values:
                    return None
                return ",".join(values) if kind == "multivalueheader" else values[-1]
            if kind == "body":
                return _body_value(result.body, name)
            return None
        return _common(inv, expression)
    return resolve


def apply_mappings(mappings: dict[str, str] | None, prefix: str,
                   resolve: Callable[[str], str | None]) -> dict[str, dict[str, str]]:
    """``{location: {name: value}}`` for the targets under ``prefix`` (e.g.
    ``integration.request.``) whose source expression found a value."""
    out: dict[str, dict[str, str]] = {}
    for target, expression in (mappings or {}).items():
        if not target.startswith(prefix) or expression is None:
            continue
        location, _, name = target[len(prefix):].partition(".")
        value = resolve(expression.strip())
        if value is not None and value != "":
            out.setdefault(location, {})[name] = value
    return out


def _common(inv: Invocation, expression: str) -> str | None:
    if len(expression) >= 2 and expression[0] == "'" and expression[-1] == "'":
        return expression[1:-1]
    if expression.startswith("context."):
        return _text(lookup(inv.context, expression[len("context."):]))
    if expression.startswith("stageVariables."):
        return inv.stage_variables.get(expression[len("stageVariables."):])
    return None


def _body_value(body: bytes, path: str) -> str | None:
    if not path:
        return body.decode("utf-8", "replace")
    stripped = body.lstrip()
    if not stripped or stripped[:1] not in (b"{", b"[", b"'", b'"'):
        return None
    try:
        doc = json.loads(body)
    except ValueError:
        raise GatewayError("BAD_REQUEST_BODY", "Invalid JSON in request body") from None
    try:
        matches = [m.value for m in parse_jsonpath(path).find(doc)]
    except Exception:  # jsonpath-ng raises lexer, parser and type errors
        return None
    if not matches:
        return None
    return _text(matches[0] if len(matches) == 1 else matches)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)

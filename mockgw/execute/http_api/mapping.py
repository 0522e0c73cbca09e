"""Parameter mapping of HTTP APIs: ``append|overwrite|remove:header.x``,
``append|overwrite|remove:querystring.x`` and ``overwrite:path`` on the request to an
integration; ``append|overwrite|remove:header.x`` and ``overwrite:statuscode`` on the
answer, by the integration's status code.

A value is static text with variables in it: ``$request.header.x``,
``$request.querystring.x``, ``$request.path``, ``$request.path.x``, ``$request.body`` or
``$request.body.<JSONPath>``, ``$response.header.x``, ``$response.body.<JSONPath>``,
``$context.x``, ``$stageVariables.x`` — or the same in braces (``${request.path.id}``),
which lets variables sit next to each other.  Repeated headers and query parameters read
as one value joined with commas; a variable with no value reads as nothing.  Values are
resolved against the request as the client sent it, then the operations apply: removes,
then overwrites, then appends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockgw.execute.context import IntegrationResult
from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.http_api.variables import joined_headers, joined_query
from mockgw.vtl import jsonpath
from mockgw.vtl.parameters import context_value

_NAME = r"[\w!#%&'*+.^`|~-]+"
_VARIABLE = re.compile(
    r"\$\{(?P<braced>[^}]*)\}|\$(?P<bare>"
    rf"request\.(?:header|querystring)\.{_NAME}|request\.path(?:\.[\w.~-]+)?|"
    r"request\.body(?:\.[^\s$,;]+)?|"
    rf"response\.header\.{_NAME}|response\.body(?:\.[^\s$,;]+)?|"
    r"context\.\w+(?:\.[\w-]+)*|stageVariables\.\w+)")
_BODY_LIMIT = 100 * 1024  # AWS truncates the body at 100 KB before a JSONPath


@dataclass(slots=True)
class MappedRequest:
    """The parts of the request to an HTTP backend that mappings change."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)
    path: str | None = None  # ``overwrite:path``: the whole path sent to the backend


def resolve(value: str, inv: HttpApiInvocation,
            result: IntegrationResult | None = None) -> str:
    """``value`` with its variables replaced (a variable with no value by nothing)."""
    if "$" not in value:
        return value
    lookup = _Lookup(inv, result)
    return _VARIABLE.sub(lambda m: lookup(m.group("braced") if m.group("braced") is not None
                                          else m.group("bare")), value)


class _Lookup:
    """Values of mapping variables for one request (and maybe its integration's answer)."""

    def __init__(self, inv: HttpApiInvocation, result: IntegrationResult | None) -> None:
        self.inv, self.result = inv, result
        self._headers: dict[str, str] | None = None

    def __call__(self, expression: str) -> str:
        kind, _, rest = expression.strip().partition(".")
        handler: Callable[[str], Any] | None = getattr(self, f"_{kind}", None)
        if handler is None:
            return ""
        return _text(handler(rest))

    def _request(self, rest: str) -> Any:
        inv = self.inv
        where, _, name = rest.partition(".")
        if where == "header":
            if self._headers is None:
                self._headers = joined_headers(inv)
            return self._headers.get(name.lower())
        if where == "querystring":
            return joined_query(inv).get(name)
        if where == "path":
            return inv.path_params.get(name) if name else inv.api_path
        if where == "body":
            return _body_value(inv.request.body, name)
        return None

    def _response(self, rest: str) -> Any:
        if self.result is None:
            return None
        where, _, name = rest.partition(".")
        if where == "header":
            values = [v for k, v in self.result.headers if k.lower() == name.lower()]
            return ",".join(values) if values else None
        if where == "body":
            return _body_value(self.result.body, name)
        return None

    def _context(self, rest: str) -> Any:
        return context_value(self.inv.context, rest)

    def _stageVariables(self, rest: str) -> Any:  # noqa: N802 (the variable's own name)
        return self.inv.stage_variables.get(rest)


def _body_value(body: bytes, path: str) -> Any:
    if not path:
        return body.decode("utf-8", "replace")
    try:
        document = json.loads(body[:_BODY_LIMIT] or b"null")
    except ValueError:
        return None
    try:
        found = jsonpath.find(document, path if path.startswith("$") else "$." + path)
    except Exception:  # a JSONPath jsonpath-ng cannot parse: no value
        return None
    return None if found is jsonpath.MISSING else found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _operations(parameters: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """``(action, location, name, value)`` in the order they apply."""
    order = {"remove": 0, "overwrite": 1, "append": 2}
    found = []
    for key, value in parameters.items():
        action, _, target = key.partition(":")
        location, _, name = target.partition(".")
        found.append((action, location, name, value))
    return sorted(found, key=lambda op: order.get(op[0], 3))


def map_request(inv: HttpApiInvocation, headers: list[tuple[str, str]],
                query: list[tuple[str, str]]) -> MappedRequest:
    """The integration's ``RequestParameters`` applied to the request's ``headers`` and
    ``query`` (both lists of ``(name, value)``)."""
    mapped = MappedRequest(list(headers), list(query))
    parameters = inv.integration.get("RequestParameters") or {}
    resolved = [(action, location, name, resolve(value or "", inv))
                for action, location, name, value in _operations(parameters)]
    for action, location, name, value in resolved:
        if location == "path":
            if action == "overwrite" and value:
                mapped.path = value if value.startswith("/") else "/" + value
        elif location == "header":
            mapped.headers = _apply(mapped.headers, action, name, value, fold=True)
        elif location == "querystring":
            mapped.query = _apply(mapped.query, action, name, value, fold=False)
    return mapped


def map_response(inv: HttpApiInvocation, result: IntegrationResult) -> IntegrationResult:
    """The integration's ``ResponseParameters`` for the answer's status code applied to
    it (headers and status)."""
    chosen = (inv.integration.get("ResponseParameters") or {}).get(str(result.status))
    if not chosen:
        return result
    status, headers = result.status, list(result.headers)
    resolved = [(action, location, name, resolve(value or "", inv, result))
                for action, location, name, value in _operations(chosen)]
    for action, location, name, value in resolved:
        if location == "statuscode":
            if action == "overwrite" and value.strip().isdigit() and \
                    100 <= int(value) <= 599:
                status = int(value)
        elif location == "header":
            headers = _apply(headers, action, name, value, fold=True)
    return IntegrationResult(status=status, headers=headers, body=result.body,
                             error_message=result.error_message)


def _apply(items: list[tuple[str, str]], action: str, name: str, value: str, *,
           fold: bool) -> list[tuple[str, str]]:
    """One operation on ``(name, value)`` pairs (header names compare case-insensitively,
    query parameter names exactly)."""
    def same(other: str) -> bool:
        return other.lower() == name.lower() if fold else other == name

    if action == "remove":
        return [(k, v) for k, v in items if not same(k)]
    if not value:
        return items
    if action == "overwrite":
        return [(k, v) for k, v in items if not same(k)] + [(name, value)]
    if action == "append":
        last = max((i for i, (k, _) in enumerate(items) if same(k)), default=None)
        if fold and last is not None:  # a repeated header: its last line takes the value
            return [(k, f"{v},{value}") if i == last else (k, v)
                    for i, (k, v) in enumerate(items)]
        return [*items, (name, value)]
    return items

"""The control plane's URL rules: one per operation of the served botocore models.

Each operation's ``http.requestUri`` becomes a werkzeug rule string (``/restapis/
{restapi_id}/resources/{resource_id}`` is ``/restapis/<restapi_id>/resources/
<resource_id>``) with the endpoint ``{service}.{Operation}``; the application adds them to
Flask's url_map, so werkzeug's matcher routes the control plane: literal segments win over
labels, and a label never matches an empty segment.

Operations on the same method and path that differ only by query-string literals
(``POST /restapis`` and ``POST /restapis?mode=import``) get rules of the same path: after
a match, :func:`operation` picks the one whose literals the query holds, the most literals
first.  Labels are matched on the path as sent (``%2F`` stays inside its label) and
percent-decoded by :meth:`Route.label_values`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from werkzeug.routing import Map, Rule

from mockgw.protocol import models

_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")


@dataclass(frozen=True, slots=True)
class Route:
    """One operation's place in the URL space."""

    service: str
    operation: str
    method: str
    rule: str  # the werkzeug rule string
    labels: tuple[tuple[str, str], ...]  # (rule variable, URI label), in path order
    query_literals: tuple[tuple[str, str], ...]  # ("mode", "import"); "" matches any value

    @property
    def endpoint(self) -> str:
        return f"{self.service}.{self.operation}"

    def greedy_rule(self) -> str | None:
        """The rule with its last label taking the rest of the path (``<path:...>``), for
        paths whose ``%2F`` a server already decoded; ``None`` if no label ends it."""
        if not self.labels or not self.rule.endswith(f"<{self.labels[-1][0]}>"):
            return None
        variable = self.labels[-1][0]
        return self.rule[: -len(variable) - 2] + f"<path:{variable}>"

    def label_values(self, matched: Mapping[str, str]) -> dict[str, str]:
        """The URI labels, percent-decoded, from werkzeug's matched rule variables."""
        return {label: unquote(matched[variable]) for variable, label in self.labels
                if variable in matched}

    def fits(self, query: Mapping[str, object]) -> bool:
        """Whether the query string holds every query literal of the operation."""
        for key, value in self.query_literals:
            got = query.get(key)
            if got is None or (value and value not in (got if isinstance(got, list)
                                                       else [got])):
                return False
        return True


def _route(service: str, operation: str, method: str, uri: str) -> Route:
    path, _, query = uri.partition("?")
    labels: list[tuple[str, str]] = []

    def variable(found: re.Match[str]) -> str:
        name = re.sub(r"\W", "_", found.group(1))
        labels.append((name, found.group(1)))
        return f"<path:{name}>" if found.group(2) else f"<{name}>"

    rule = _LABEL.sub(variable, path)
    literals = tuple(tuple(pair.partition("=")[::2]) for pair in query.split("&") if pair)
    return Route(service, operation, method, rule, tuple(labels), literals)


@functools.cache
def routes() -> dict[str, Route]:
    """Every operation of :data:`~mockgw.protocol.models.SERVICES`, by endpoint, in model
    order (the order of the rules in the url_map).

    Read from the models one at a time (:func:`~mockgw.protocol.models.operations`), so
    that a service's full model is kept only once it is called and no two are in memory
    at once (memory that fragments, and stays).
    """
    found: dict[str, Route] = {}
    for service in models.SERVICES:
        operations = models.operations(service)
        for name, operation in operations.items():
            http = operation["http"]
            route = _route(service, name, http["method"], http["requestUri"])
            found[route.endpoint] = route
    return found


@functools.cache
def _siblings() -> dict[tuple[str, str], tuple[Route, ...]]:
    """Routes sharing a method and rule, the most query literals first."""
    groups: dict[tuple[str, str], list[Route]] = {}
    for route in routes().values():
        groups.setdefault((route.method, route.rule), []).append(route)
    return {key: tuple(sorted(group, key=lambda r: -len(r.query_literals)))
            for key, group in groups.items()}


def operation(endpoint: str, query: Mapping[str, object]) -> Route | None:
    """The operation a request matching ``endpoint``'s rule calls, given its query string:
    of the operations sharing that rule, the first whose query literals are all present."""
    route = routes().get(endpoint)
    if route is None:
        return None
    if not route.query_literals and len(_siblings()[(route.method, route.rule)]) == 1:
        return route
    for candidate in _siblings()[(route.method, route.rule)]:
        if candidate.fits(query):
            return candidate
    return None


class OperationRule(Rule):
    """A werkzeug rule whose URL builder is compiled on first use.

    werkzeug generates and compiles Python code to build each rule's URLs (``url_for``);
    the control plane's rules are matched on every request but hardly ever built, and
    compiling builders for all of them would take most of the application's start.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., Any]:
        compiled: list[Callable[..., Any]] = []

        def build(rule: Rule, *args: Any, **kwargs: Any) -> Any:
            if not compiled:
                compiled.append(Rule._compile_builder(rule, append_unknown))
            return compiled[0](rule, *args, **kwargs)

        return build


class UrlMap(Map):
    """A werkzeug map that counts its changes (``version``), so that what paths matched
    can be remembered until a rule is added."""

    version = 0

    def add(self, rulefactory: Any) -> None:
        super().add(rulefactory)
        self.version += 1

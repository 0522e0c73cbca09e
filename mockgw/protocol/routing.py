"""Routing (method, raw path, query) to an operation, from each operation's ``requestUri``.

Every ``http.requestUri`` of the served models is compiled into one trie per HTTP method.
Literal segments win over labels, labels over greedy ``{name+}`` labels, and of the
operations that end at the same node the one whose query-string literals
(``/restapis?mode=import``) are all present and most numerous wins.  Label values are
collected by position, so two operations may name the same position differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from mockgw.protocol.models import service_model

_LABEL = re.compile(r"^\{([^}+]+)(\+?)\}$")


@dataclass(frozen=True, slots=True)
class Route:
    service: str
    operation: str
    labels: tuple[str, ...]  # URI label names in path order
    query_literals: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    label: _Node | None = None
    greedy: list[Route] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)


class Router:
    """A router over the operations of several botocore service models."""

    def __init__(self, services: Iterable[str]) -> None:
        self._tries: dict[str, _Node] = {}
        for service in services:
            model = service_model(service)
            for name in model.operation_names:
                http = model.operation_model(name).http
                self._add(service, name, http["method"], http["requestUri"])

    def _add(self, service: str, operation: str, method: str, uri: str) -> None:
        path, _, query = uri.partition("?")
        literals = tuple(tuple(pair.partition("=")[::2]) for pair in query.split("&") if pair)
        segments = _segments(path)
        names = tuple(m.group(1) for m in map(_LABEL.match, segments) if m)
        route = Route(service, operation, names, literals)
        node = self._tries.setdefault(method, _Node())
        for segment in segments:
            label = _LABEL.match(segment)
            if label is None:
                node = node.literals.setdefault(segment, _Node())
            elif label.group(2):  # greedy: takes the rest of the path
                node.greedy.append(route)
                return
            else:
                node.label = node.label or _Node()
                node = node.label
        node.routes.append(route)

    def match(self, method: str, raw_path: str,
              query: Mapping[str, object]) -> tuple[Route, dict[str, str]] | None:
        """The best operation for a request and its URI labels, percent-decoded."""
        root = self._tries.get(method)
        if root is None:
            return None
        found = _walk(root, _segments(raw_path), 0, [], query)
        if found is None:
            return None
        route, values = found
        labels = zip(route.labels, values, strict=True)
        return route, {name: unquote(value) for name, value in labels}


def _segments(path: str) -> list[str]:
    return path.lstrip("/").split("/") if path not in ("", "/") else []


def _pick(routes: list[Route], query: Mapping[str, object]) -> Route | None:
    best = None
    for route in routes:
        fits = all(_query_has(query, k, v) for k, v in route.query_literals)
        if fits and (best is None or len(route.query_literals) > len(best.query_literals)):
            best = route
    return best


def _query_has(query: Mapping[str, object], key: str, value: str) -> bool:
    if key not in query:
        return False
    got = query[key]
    return not value or value in (got if isinstance(got, list) else [got])


def _walk(node: _Node, segs: list[str], i: int, values: list[str],
          query: Mapping[str, object]) -> tuple[Route, list[str]] | None:
    if i == len(segs):
        route = _pick(node.routes, query)
        return (route, values) if route is not None else None
    seg = segs[i]
    child = node.literals.get(seg)
    if child is not None:
        found = _walk(child, segs, i + 1, values, query)
        if found is not None:
            return found
    if node.label is not None and seg:
        found = _walk(node.label, segs, i + 1, [*values, seg], query)
        if found is not None:
            return found
    if node.greedy:
        route = _pick(node.greedy, query)
        if route is not None:
            return route, [*values, "/".join(segs[i:])]
    return None

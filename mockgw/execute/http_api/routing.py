"""Finding the stage, deployment and route of an HTTP API request.

Stages: on the API's own host a first path segment naming an existing stage selects it,
anything else goes to ``$default`` (AWS's rule); the path forms name the stage.  No such
stage (or a stage never deployed) is 404 ``{"message":"Not Found"}``.

Routes, in AWS's priority: a full match of path and method (literal segments before
``{variables}``; the exact method before ``ANY``), then a route whose greedy
``{proxy+}`` catches the rest (the longest literal prefix first), then ``$default``.
Segments are matched decoded (``%2F`` stays inside its segment) and case-sensitively; one
trailing slash is ignored for matching (``rawPath`` keeps it).  The routes of a deployment
are compiled once (:class:`RouteTable`, cached per deployment).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from mockgw.execute.http_api import APIS
from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.http_api.errors import FORBIDDEN, NOT_FOUND, HttpApiError

DEFAULT = "$default"
ANY = "ANY"

#: A route and the segments of its path (``None`` for ``$default``).
Entry = tuple[dict[str, Any], tuple[str, ...]]


def not_found(why: str) -> HttpApiError:
    return HttpApiError(NOT_FOUND, "RESOURCE_NOT_FOUND", log=why)


def check_endpoint_enabled(inv: HttpApiInvocation) -> None:
    """``DisableExecuteApiEndpoint``: only custom domain names reach the API (403), once
    the setting is deployed ("you must deploy your API for the change to take effect"):
    the stage's deployment decides, the API itself when there is none."""
    if inv.target.via_custom_domain:
        return
    record = _record(inv)
    stage = record["stages"].get(_stage_and_path(inv, record)[0]) or {}
    deployment = record["deployments"].get(stage.get("DeploymentId") or "")
    api = deployment["snapshot"]["api"] if deployment is not None else record["api"]
    if api.get("DisableExecuteApiEndpoint"):
        raise HttpApiError(FORBIDDEN, "FORBIDDEN",
                           log="The default execute-api endpoint is disabled")


def _record(inv: HttpApiInvocation) -> dict[str, Any]:
    assert inv.store is not None
    record = inv.store.tables.get(APIS, {}).get(inv.api_id)
    if record is None:
        raise not_found(f"No HTTP API with id {inv.api_id}")
    return record


def _stage_and_path(inv: HttpApiInvocation, record: dict[str, Any]) -> tuple[str, str]:
    """The stage a request names and the path after it: on the API's own host a first
    segment naming an existing stage, else ``$default``."""
    name, path = inv.target.stage, inv.target.path or "/"
    if name is None:
        first, _, rest = path[1:].partition("/")
        candidate = unquote(first)
        if first and candidate != DEFAULT and candidate in record["stages"]:
            return candidate, "/" + rest
        return DEFAULT, path
    return name, path


def select_stage(inv: HttpApiInvocation) -> None:
    """The stage, its deployment snapshot and stage variables; the paths of the request."""
    record = _record(inv)
    name, path = _stage_and_path(inv, record)
    stage = record["stages"].get(name)
    if stage is None:
        raise not_found(f"No stage {name}")
    deployment = record["deployments"].get(stage.get("DeploymentId") or "")
    if deployment is None:
        raise not_found(f"Stage {name} has no deployment")
    inv.stage, inv.deployment_id = stage, deployment["DeploymentId"]
    inv.snapshot = deployment["snapshot"]
    inv.stage_variables = dict(stage.get("StageVariables") or {})
    inv.path = path
    inv.api_path = unquote(path)
    if inv.target.via_custom_domain:
        inv.raw_path = unquote(inv.request.path)
    else:
        inv.raw_path = inv.api_path if name == DEFAULT else f"/{name}{inv.api_path}"


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    variable: _Node | None = None
    routes: dict[str, Entry] = field(default_factory=dict)  # method -> entry
    greedy: dict[str, Entry] = field(default_factory=dict)  # method -> entry


class RouteTable:
    """The routes of one deployment, compiled for matching."""

    def __init__(self, routes: dict[str, dict[str, Any]]) -> None:
        self.root = _Node()
        self.default: dict[str, Any] | None = None
        for route in routes.values():
            key = route["RouteKey"]
            if key == DEFAULT:
                self.default = route
                continue
            method, _, path = key.partition(" ")
            segments = tuple(s for s in path.split("/") if s)
            node = self.root
            for i, segment in enumerate(segments):
                if segment.startswith("{") and segment.endswith("+}") and \
                        i == len(segments) - 1:
                    node.greedy[method] = (route, segments)
                    break
                if segment.startswith("{") and segment.endswith("}"):
                    node.variable = node.variable or _Node()
                    node = node.variable
                else:
                    node = node.literals.setdefault(segment, _Node())
            else:
                node.routes[method] = (route, segments)

    def match(self, method: str, raw_path: str) -> tuple[dict[str, Any], dict[str, str]] | None:
        """The route for ``method`` and a raw path (after the stage), and its decoded path
        parameters; ``None`` when no route (not even ``$default``) takes the request."""
        path = raw_path[1:] if raw_path.startswith("/") else raw_path
        if path.endswith("/"):
            path = path[:-1]
        segments = [unquote(s) for s in path.split("/")] if path else []
        found = _full(self.root, segments, 0, method) or _greedy(self.root, segments, 0, method)
        if found is not None:
            route, template = found
            return route, _parameters(template, segments)
        if self.default is not None:
            return self.default, {}
        return None


def _pick(entries: dict[str, Entry], method: str) -> Entry | None:
    return entries.get(method) or entries.get(ANY)


def _full(node: _Node, segments: list[str], i: int, method: str) -> Entry | None:
    """A route matching every segment (literals before variables)."""
    if i == len(segments):
        return _pick(node.routes, method)
    segment = segments[i]
    if not segment:
        return None
    child = node.literals.get(segment)
    if child is not None:
        found = _full(child, segments, i + 1, method)
        if found is not None:
            return found
    if node.variable is not None:
        return _full(node.variable, segments, i + 1, method)
    return None


def _greedy(node: _Node, segments: list[str], i: int, method: str) -> Entry | None:
    """A route whose greedy variable takes the rest (the deepest one first)."""
    if i < len(segments) and segments[i]:
        child = node.literals.get(segments[i])
        if child is not None:
            found = _greedy(child, segments, i + 1, method)
            if found is not None:
                return found
        if node.variable is not None:
            found = _greedy(node.variable, segments, i + 1, method)
            if found is not None:
                return found
    if i < len(segments):
        return _pick(node.greedy, method)
    return None


def _parameters(template: tuple[str, ...], segments: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for i, part in enumerate(template):
        if part.startswith("{") and part.endswith("+}"):
            params[part[1:-2]] = "/".join(segments[i:])
        elif part.startswith("{") and part.endswith("}"):
            params[part[1:-1]] = segments[i]
    return params


class RouteTables:
    """Compiled route tables per deployment (snapshots never change)."""

    def __init__(self, instance: Any = None) -> None:
        self._tables: dict[tuple[str, str], tuple[dict, RouteTable]] = {}
        self._lock = threading.Lock()

    def table(self, api_id: str, deployment_id: str, snapshot: dict) -> RouteTable:
        key = (api_id, deployment_id)
        cached = self._tables.get(key)
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        table = RouteTable(snapshot["routes"])
        with self._lock:
            self._tables[key] = (snapshot, table)
        return table


def match_route(inv: HttpApiInvocation) -> None:
    """The route (and its integration) the request goes to; none is 404 ``Not Found``."""
    assert inv.snapshot is not None
    tables = inv.instance.service("execute.http_api.routes", RouteTables)
    found = tables.table(inv.api_id, inv.deployment_id, inv.snapshot).match(
        inv.request.method, inv.path)
    if found is None:
        raise not_found(f"No route matches {inv.request.method} {inv.api_path}")
    route, params = found
    inv.route, inv.route_key, inv.path_params = route, route["RouteKey"], params
    inv.context["routeKey"] = inv.route_key
    target = route.get("Target") or ""
    integration = inv.snapshot["integrations"].get(target.removeprefix("integrations/"))
    if integration is None:
        raise not_found(f"Route {inv.route_key} has no integration")
    inv.route_integration = integration

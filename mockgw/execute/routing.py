"""Finding the API, stage, deployment, resource and method a request is for.

Resources of a deployed snapshot are compiled once into a trie: literal segments win over
``{param}`` segments, which win over a greedy ``{proxy+}``; a trailing slash is ignored
for matching; segments stay percent-encoded, as API Gateway passes them on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mockgw.blocking import WouldBlock
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError

RESTAPIS = "apigateway.restapis"


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    greedy: tuple[str, dict] | None = None
    resource: dict | None = None


class ResourceTree:
    """The resources of one snapshot, ready for matching."""

    def __init__(self, resources: dict[str, dict]) -> None:
        self.root = _Node()
        for res in resources.values():
            node = self.root
            parts = [p for p in res["path"].split("/") if p]
            for part in parts:
                if part.startswith("{") and part.endswith("+}"):
                    node.greedy = (part[1:-2], res)
                    break
                if part.startswith("{") and part.endswith("}"):
                    if node.param is None:
                        node.param = (part[1:-1], _Node())
                    node = node.param[1]
                else:
                    node = node.literals.setdefault(part, _Node())
            else:
                node.resource = res

    def match(self, raw_path: str,
              method: str | None = None) -> tuple[dict, dict[str, str]] | None:
        """The resource for a raw path and its path parameters (values as sent).

        With ``method``, the most specific resource that has that method (or ``ANY``):
        a resource without it gives way to a less specific one that has it, such as a
        sibling ``{proxy+}``, as on AWS.  Empty segments (``//``) are skipped for matching
        but kept in what a greedy ``{proxy+}`` takes.
        """
        path = raw_path[1:] if raw_path.startswith("/") else raw_path
        if path.endswith("/"):
            path = path[:-1]
        segments = path.split("/") if path else []
        first = None
        for found in _walk(self.root, segments, 0, {}):
            methods = found[0].get("resourceMethods") or {}
            if method is None or method in methods or "ANY" in methods:
                return found
            first = first or found
        return first


def _walk(node: _Node, segs: list[str], i: int,
          params: dict[str, str]) -> Iterator[tuple[dict, dict[str, str]]]:
    """Every resource ``segs[i:]`` can reach from ``node``, most specific first (recursion
    as deep as the resource tree, whatever the path)."""
    while i < len(segs) and not segs[i]:  # an empty segment (a doubled slash) matches nothing
        i += 1
    if i == len(segs):
        if node.resource is not None:
            yield node.resource, params
        return
    seg = segs[i]
    child = node.literals.get(seg)
    if child is not None:
        yield from _walk(child, segs, i + 1, params)
    if node.param is not None:
        name, child = node.param
        yield from _walk(child, segs, i + 1, {**params, name: seg})
    if node.greedy is not None:
        name, res = node.greedy
        yield res, {**params, name: "/".join(segs[i:])}


class TreeCache:
    """Compiled resource trees per deployment (snapshots never change)."""

    def __init__(self, instance: Any = None) -> None:
        self._trees: dict[tuple[str, str], tuple[dict, ResourceTree]] = {}
        self._lock = threading.Lock()

    def tree(self, api_id: str, deployment_id: str, snapshot: dict) -> ResourceTree:
        key = (api_id, deployment_id)
        cached = self._trees.get(key)
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        tree = ResourceTree(snapshot["resources"])
        with self._lock:
            self._trees[key] = (snapshot, tree)
        return tree


def find_api(inv: Invocation) -> None:
    """Locate the REST API record across the instance's stores."""
    api_id = inv.target.api_id
    stores = list(inv.instance.backends)
    if inv.target.region:
        stores.sort(key=lambda s: s.region != inv.target.region)
    for store in stores:
        if api_id in store.tables.get(RESTAPIS, {}):
            inv.store, inv.api_id = store, api_id
            return
    raise GatewayError("FORBIDDEN", log=f"No REST API with id {api_id}")


def select_stage(inv: Invocation) -> None:
    """The stage (the first path segment in host forms), its deployment and the canary."""
    assert inv.store is not None
    record = inv.store.tables[RESTAPIS][inv.api_id]
    stage_name = inv.target.stage
    path = inv.target.path
    if stage_name is None:  # host form: /{stage}/{path} (slashes before the stage ignored)
        rest = path.lstrip("/")
        stage_name, _, remainder = rest.partition("/")
        path = "/" + remainder
        from urllib.parse import unquote

        stage_name = unquote(stage_name)
    inv.path = path or "/"
    stage = record["stages"].get(stage_name)
    if stage is None:
        raise GatewayError("MISSING_AUTHENTICATION_TOKEN", log=f"Unknown stage {stage_name}")
    inv.stage = stage
    variables = dict(stage.get("variables") or {})
    deployment_id = stage["deploymentId"]
    canary = stage.get("canarySettings")
    if canary and canary.get("percentTraffic", 0) > 0 and inv.inline:
        raise WouldBlock  # the canary's roll is made once, where the request is answered
    if canary and canary.get("percentTraffic", 0) > 0 and \
            inv.instance.random.random() * 100 < canary["percentTraffic"]:
        inv.is_canary = True
        deployment_id = canary["deploymentId"]
        variables.update(canary.get("stageVariableOverrides") or {})
    deployment = record["deployments"].get(deployment_id)
    if deployment is None:
        raise GatewayError("MISSING_AUTHENTICATION_TOKEN", log="Deployment not found")
    inv.deployment_id = deployment_id
    inv.snapshot = deployment["snapshot"]
    inv.stage_variables = variables


def match_resource(inv: Invocation) -> None:
    """The resource and method; none matching is AWS's Missing Authentication Token."""
    assert inv.snapshot is not None
    trees = inv.instance.service("execute.trees", TreeCache)
    tree = trees.tree(inv.api_id, inv.deployment_id, inv.snapshot)
    found = tree.match(inv.path, inv.request.method)
    if found is None:
        raise GatewayError("MISSING_AUTHENTICATION_TOKEN",
                           log=f"No resource matches path {inv.path}")
    resource, params = found
    methods = resource.get("resourceMethods") or {}
    method = methods.get(inv.request.method) or methods.get("ANY")
    if method is None:
        raise GatewayError("MISSING_AUTHENTICATION_TOKEN",
                           log=f"No method {inv.request.method} on {resource['path']}")
    inv.resource, inv.method, inv.path_params = resource, method, params
    if inv.inline and (method.get("authorizationType") == "CUSTOM"
                       or (method.get("methodIntegration") or {}).get("type") != "MOCK"):
        raise WouldBlock  # a Lambda authorizer or an integration outside the process

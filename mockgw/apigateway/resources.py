"""Resource: create, get, list (``embed=methods``), update (rename, move), delete a
subtree."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.common import copy_out, paginate, resource, rest_api
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException
from mockgw.operations import Call
from mockgw.state.patch import apply_patch, scalar

_PATH_PART = re.compile(r"^(?:[A-Za-z0-9._-]+|\{[A-Za-z0-9._-]+\+?\})$")
_INVALID_PATH_PART = ("Resource's path part only allow a-zA-Z0-9._- and curly braces at the "
                      "beginning and the end and an optional plus sign before the closing "
                      "brace.")


@operation("CreateResource")
def create_resource(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    parent = resource(record, params["parentId"])
    part = params["pathPart"]
    check_child(record, parent, part, exclude=None)
    res_id = call.new_id(6, avoid=record["resources"])
    created = {"id": res_id, "parentId": parent["id"], "pathPart": part,
               "path": join_path(parent["path"], part)}
    record["resources"][res_id] = created
    return render(created, embed=False)


@operation("GetResource")
def get_resource(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    found = resource(record, params["resourceId"])
    return render(found, embed="methods" in (params.get("embed") or []))


@operation("GetResources")
def get_resources(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    embed = "methods" in (params.get("embed") or [])
    items = [render(r, embed=embed) for r in record["resources"].values()]
    return paginate(items, params)


@operation("UpdateResource")
def update_resource(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    current = resource(record, params["resourceId"])
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    if current["path"] == "/":
        for key in ("pathPart", "parentId"):
            if key in updated:
                raise BadRequestException(f"Root resource cannot update its {key}.")
        return render(current, embed=False)
    parent = resource(record, updated["parentId"])
    if updated["parentId"] != current["parentId"] and _is_within(record, parent, current["id"]):
        raise BadRequestException("Resources cannot be cyclical.")
    check_child(record, parent, updated["pathPart"], exclude=current["id"])
    updated["path"] = join_path(parent["path"], updated["pathPart"])
    record["resources"][current["id"]] = updated
    _refresh_paths(record, updated)
    return render(updated, embed=False)


@operation("DeleteResource")
def delete_resource(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    target = resource(record, params["resourceId"])
    if target["path"] == "/":
        raise BadRequestException("Cannot delete root resource")
    doomed = {target["id"]}
    changed = True
    while changed:  # collect the whole subtree
        changed = False
        for res in record["resources"].values():
            if res.get("parentId") in doomed and res["id"] not in doomed:
                doomed.add(res["id"])
                changed = True
    for res_id in doomed:
        del record["resources"][res_id]
    return {}


def render(res: dict, *, embed: bool) -> dict:
    """A resource as GetResource(s) answers: methods in full with ``embed``, else only
    their names."""
    out = {k: v for k, v in res.items() if k != "resourceMethods"}
    methods = res.get("resourceMethods")
    if methods:
        out["resourceMethods"] = copy_out(methods) if embed else {m: {} for m in methods}
    return out


def join_path(parent_path: str, part: str) -> str:
    return f"/{part}" if parent_path == "/" else f"{parent_path}/{part}"


def check_child(record: dict, parent: dict, part: str, *, exclude: str | None) -> None:
    if not part or not _PATH_PART.match(part):
        raise BadRequestException(_INVALID_PATH_PART)
    if parent.get("pathPart", "").endswith("+}"):
        raise BadRequestException(
            f"Cannot create a child of a resource with a greedy path variable: "
            f"{parent['pathPart']}")
    for sibling in record["resources"].values():
        if sibling.get("parentId") != parent["id"] or sibling["id"] == exclude:
            continue
        if sibling["pathPart"] == part:
            raise ConflictException(
                f"Another resource with the same parent already has this name: {part}")
        if part.startswith("{") and sibling["pathPart"].startswith("{"):
            raise BadRequestException(
                f"A sibling ({sibling['pathPart']}) of this resource already has a variable "
                "path part -- only one is allowed")


def _is_within(record: dict, node: dict, ancestor_id: str) -> bool:
    while node is not None:
        if node["id"] == ancestor_id:
            return True
        node = record["resources"].get(node.get("parentId"))
    return False


def _refresh_paths(record: dict, top: dict) -> None:
    children = [r for r in record["resources"].values() if r.get("parentId") == top["id"]]
    for child in children:
        child["path"] = join_path(top["path"], child["pathPart"])
        _refresh_paths(record, child)


_PATCH_PATHS = [scalar("/parentId"), scalar("/pathPart")]

"""Aliases: CreateAlias, GetAlias, UpdateAlias, DeleteAlias and ListAliases.

An alias names one version and, with a routing config, sends a share of invocations to a
second version (``AdditionalVersionWeights``; the runtime picks by weight).
"""

from __future__ import annotations

from typing import Any

from mockgw.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from mockgw.lambda_.common import (
    arn,
    check_revision,
    function_record,
    new_revision,
    page,
    unqualified_ref,
)
from mockgw.lambda_.registry import operation
from mockgw.operations import Call
from mockgw.runtime.functions import LATEST, check_pattern, not_found
from mockgw.state.tree import copy_tree


@operation("CreateAlias")
def create_alias(call: Call, params: dict[str, Any]) -> dict:
    name = unqualified_ref(call, params)
    alias_name = params["Name"]
    check_pattern(alias_name, "Alias", "name")
    found = function_record(call, name, params["FunctionVersion"])
    routing = _routing(call, found, name, params["FunctionVersion"], params.get("RoutingConfig"))
    if alias_name in found["aliases"]:
        raise ResourceConflictException(f"Alias already exists: {arn(call, name, alias_name)}")
    alias = {"AliasArn": arn(call, name, alias_name), "Name": alias_name,
             "FunctionVersion": params["FunctionVersion"],
             "Description": params.get("Description", ""), "RevisionId": new_revision(call)}
    if routing:
        alias["RoutingConfig"] = routing
    found["aliases"][alias_name] = alias
    return copy_tree(alias)


@operation("GetAlias")
def get_alias(call: Call, params: dict[str, Any]) -> dict:
    name = unqualified_ref(call, params)
    return copy_tree(_alias(call, function_record(call, name), name, params["Name"]))


@operation("UpdateAlias")
def update_alias(call: Call, params: dict[str, Any]) -> dict:
    name = unqualified_ref(call, params)
    found = function_record(call, name)
    alias = _alias(call, found, name, params["Name"])
    check_revision(params.get("RevisionId"), alias["RevisionId"])
    version = params.get("FunctionVersion", alias["FunctionVersion"])
    if "RoutingConfig" in params:
        routing = _routing(call, found, name, version, params["RoutingConfig"])
    else:
        routing = _routing(call, found, name, version, alias.get("RoutingConfig"))
    updated = dict(alias, FunctionVersion=version, RevisionId=new_revision(call),
                   Description=params.get("Description", alias["Description"]))
    updated.pop("RoutingConfig", None)
    if routing:
        updated["RoutingConfig"] = routing
    found["aliases"][params["Name"]] = updated
    return copy_tree(updated)


@operation("DeleteAlias")
def delete_alias(call: Call, params: dict[str, Any]) -> None:
    name = unqualified_ref(call, params)
    found = function_record(call, name)
    _alias(call, found, name, params["Name"])
    del found["aliases"][params["Name"]]
    found["policies"].pop(params["Name"], None)


@operation("ListAliases")
def list_aliases(call: Call, params: dict[str, Any]) -> dict:
    name = unqualified_ref(call, params)
    found = function_record(call, name)
    version = params.get("FunctionVersion")
    items = [copy_tree(alias) for _, alias in sorted(found["aliases"].items())
             if version is None or alias["FunctionVersion"] == version]
    return page(items, params, "Aliases")


def _alias(call: Call, found: dict, name: str, alias_name: str) -> dict:
    alias = found["aliases"].get(alias_name)
    if alias is None:
        raise ResourceNotFoundException(
            f"Cannot find alias arn: {arn(call, name, alias_name)}")
    return alias


def _routing(call: Call, found: dict, name: str, version: str,
             routing: dict | None) -> dict | None:
    """Check the alias's version and routing config: the routing config to store, if any."""
    weights = (routing or {}).get("AdditionalVersionWeights", {})
    if len(weights) > 1:
        raise InvalidParameterValueException(
            "Number of items in AdditionalVersionWeights cannot be greater than 1")
    if version != LATEST and version not in found["versions"]:
        raise not_found(call.store, name, version)
    if weights and version == LATEST:
        raise InvalidParameterValueException(
            "$LATEST is not supported for an alias pointing to more than 1 version")
    for other in weights:
        if other == version:
            raise InvalidParameterValueException(
                f"Invalid function version {other}. Function version {other} is already "
                "included in routing configuration.")
        if other not in found["versions"]:
            raise not_found(call.store, name, other)
    return {"AdditionalVersionWeights": dict(weights)} if weights else None

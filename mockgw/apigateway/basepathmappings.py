"""BasePathMapping: map a base path of a custom domain name to a REST API (and stage):
create, get, list, update, delete."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import copy_out, paginate, rest_apis
from mockgw.apigateway.domains import NO_BASE_PATH, domain_record
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.domains import new_api_mapping_id
from mockgw.state.patch import apply_patch, custom, scalar


@operation("CreateBasePathMapping")
def create_base_path_mapping(call: Call, params: dict[str, Any]) -> dict:
    record = domain_record(call, params["domainName"], params.get("domainNameId"))
    mapping = {"basePath": _base_path(params.get("basePath")),
               "restApiId": params["restApiId"]}
    if params.get("stage"):
        mapping["stage"] = params["stage"]
    _check_target(call, mapping)
    if mapping["basePath"] in record["basePathMappings"]:
        raise ConflictException("Base path already exists for this domain name")
    mapping["apiMappingId"] = new_api_mapping_id(call.new_id, record)
    record["basePathMappings"][mapping["basePath"]] = mapping
    return copy_out(mapping)


@operation("GetBasePathMapping")
def get_base_path_mapping(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(_mapping(call, params)[1])


@operation("GetBasePathMappings")
def get_base_path_mappings(call: Call, params: dict[str, Any]) -> dict:
    record = domain_record(call, params["domainName"], params.get("domainNameId"))
    return paginate([copy_out(m) for m in record["basePathMappings"].values()], params)


@operation("UpdateBasePathMapping")
def update_base_path_mapping(call: Call, params: dict[str, Any]) -> dict:
    record, current = _mapping(call, params)
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    updated["basePath"] = _base_path(updated.get("basePath"))
    if not updated.get("stage"):
        updated.pop("stage", None)
    _check_target(call, updated)
    mappings = record["basePathMappings"]
    if updated["basePath"] != current["basePath"] and updated["basePath"] in mappings:
        raise ConflictException("Base path already exists for this domain name")
    del mappings[current["basePath"]]
    mappings[updated["basePath"]] = updated
    return copy_out(updated)


@operation("DeleteBasePathMapping")
def delete_base_path_mapping(call: Call, params: dict[str, Any]) -> dict:
    record, current = _mapping(call, params)
    del record["basePathMappings"][current["basePath"]]
    return {}


def _mapping(call: Call, params: dict[str, Any]) -> tuple[dict, dict]:
    record = domain_record(call, params["domainName"], params.get("domainNameId"))
    found = record["basePathMappings"].get(_base_path(params["basePath"]))
    if found is None:
        raise NotFoundException("Invalid base path mapping identifier specified")
    return record, found


def _base_path(value: str | None) -> str:
    """The stored form of a base path: ``(none)`` for an empty one."""
    if not value or value == NO_BASE_PATH:
        return NO_BASE_PATH
    if "/" in value:
        raise BadRequestException(
            "API Gateway V1 doesn't support the slash character (/) in base path mappings. "
            "To create a multi-level base path mapping, use API Gateway V2.")
    return value


def _check_target(call: Call, mapping: dict) -> None:
    """The mapped REST API, and its stage when one is named, must exist."""
    api = rest_apis(call).get(mapping["restApiId"])
    if api is None:
        raise BadRequestException("Invalid REST API identifier specified")
    if "stage" in mapping and mapping["stage"] not in api["stages"]:
        raise BadRequestException("Invalid stage identifier specified")


def _set_api(mapping: dict, op: str, labels: dict[str, str], value: Any) -> None:
    mapping["restApiId"] = value  # AWS spells the patch path /restapiId


_PATCH_PATHS = [scalar("/basePath"), custom("/restapiId", _set_api), scalar("/stage")]

"""ApiMapping: map a path of a custom domain name to a stage of a REST, HTTP or WebSocket
API: create, get, list, update, delete.

An API mapping is the apigatewayv2 view of a base path mapping (both are the entries of a
domain record's ``basePathMappings``, :mod:`mockgw.state.domains`): the key is the base
path (``(none)`` stored for the empty key), ``restApiId`` the API, ``apiMappingId`` the id
this API names it by.  Unlike the REST API, keys may have several levels
(``orders/v1/items``).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from mockgw.apigatewayv2.common import (
    HTTP,
    WEBSOCKET,
    api_not_found,
    copy_out,
    find_api,
    paginate,
)
from mockgw.apigatewayv2.domainnames import (
    NEEDS_TLS_1_2,
    regional_domain_record,
)
from mockgw.apigatewayv2.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.domains import NO_BASE_PATH, new_api_mapping_id

MAX_KEY_LENGTH = 300
NO_STAGE = "(none)"
_KEY_CHARACTERS = re.compile(r"^[A-Za-z0-9$\-_.+!*'(),/]*$")
MAPPING_NOT_FOUND = "Invalid API mapping identifier specified"
KEY_TAKEN = "ApiMapping key already exists for this domain name"
WEBSOCKET_ALONE = ("A WebSocket API can't be mapped to the same domain name as an HTTP API "
                   "or a REST API")
WEBSOCKET_ONE_LEVEL = "API mappings with multiple levels can't map WebSocket APIs"


def api_mapping(mapping: dict) -> dict:
    """The apigatewayv2 ``ApiMapping`` of a stored mapping.  A REST base path mapping
    without a stage (the stage is the next path segment) shows ``Stage`` as ``(none)``: the
    model requires one (our choice of spelling, after AWS's empty base path)."""
    return {"ApiId": mapping["restApiId"],
            "ApiMappingId": mapping.get("apiMappingId") or _legacy_id(mapping),
            "ApiMappingKey": "" if mapping["basePath"] == NO_BASE_PATH else mapping["basePath"],
            "Stage": mapping.get("stage") or NO_STAGE}


@operation("CreateApiMapping")
def create_api_mapping(call: Call, params: dict[str, Any]) -> dict:
    record = regional_domain_record(call, params["DomainName"])
    key = params.get("ApiMappingKey")
    base_path = NO_BASE_PATH if key is None or not key.strip() else _check_key(key)
    mapping = {"basePath": base_path, "restApiId": params["ApiId"], "stage": params["Stage"]}
    _check_target(call, record, mapping, replacing=None)
    if base_path in record["basePathMappings"]:
        raise ConflictException(KEY_TAKEN)
    mapping["apiMappingId"] = new_api_mapping_id(call.new_id, record)
    record["basePathMappings"][base_path] = mapping
    return api_mapping(mapping)


@operation("GetApiMapping")
def get_api_mapping(call: Call, params: dict[str, Any]) -> dict:
    _, mapping = _mapping(call, params)
    return api_mapping(mapping)


@operation("GetApiMappings")
def get_api_mappings(call: Call, params: dict[str, Any]) -> dict:
    record = regional_domain_record(call, params["DomainName"])
    return paginate([api_mapping(m) for m in record["basePathMappings"].values()], params)


@operation("UpdateApiMapping")
def update_api_mapping(call: Call, params: dict[str, Any]) -> dict:
    record, current = _mapping(call, params)
    updated = copy_out(current)
    updated["restApiId"] = params["ApiId"]
    if params.get("ApiMappingKey") is not None:
        updated["basePath"] = _check_key(params["ApiMappingKey"]) \
            if params["ApiMappingKey"] else NO_BASE_PATH
    if params.get("Stage") == NO_STAGE:
        updated.pop("stage", None)
    elif params.get("Stage") is not None:
        updated["stage"] = params["Stage"]
    _check_target(call, record, updated, replacing=current)
    mappings = record["basePathMappings"]
    if updated["basePath"] != current["basePath"] and updated["basePath"] in mappings:
        raise ConflictException(KEY_TAKEN)
    del mappings[current["basePath"]]
    mappings[updated["basePath"]] = updated
    return api_mapping(updated)


@operation("DeleteApiMapping")
def delete_api_mapping(call: Call, params: dict[str, Any]) -> dict:
    record, mapping = _mapping(call, params)
    del record["basePathMappings"][mapping["basePath"]]
    return {}


def _mapping(call: Call, params: dict[str, Any]) -> tuple[dict, dict]:
    record = regional_domain_record(call, params["DomainName"])
    for mapping in record["basePathMappings"].values():
        if api_mapping(mapping)["ApiMappingId"] == params["ApiMappingId"]:
            return record, mapping
    raise NotFoundException(MAPPING_NOT_FOUND)


def _check_key(key: str) -> str:
    """A non-empty API mapping key as AWS accepts it (its messages, in its order)."""
    if key.endswith("/"):
        raise BadRequestException("API mapping key should not end with a '/'.")
    if key.startswith("/") or "//" in key or not key.strip():
        raise BadRequestException(
            "API mapping key should not start with a '/' or have consecutive '/'s.")
    if not _KEY_CHARACTERS.match(key):
        raise BadRequestException(
            "An API mapping key may contain only letters, numbers and one of $-_.+!*'(), "
            "characters.")
    if len(key) > MAX_KEY_LENGTH:
        raise BadRequestException("ApiMapping key length must be under 300 characters.")
    return key


def _check_target(call: Call, record: dict, mapping: dict, *, replacing: dict | None) -> None:
    """The mapped API and stage must exist, and the domain must be able to serve them."""
    found = find_api(call, mapping["restApiId"])
    if found is None:
        raise BadRequestException(api_not_found(call, mapping["restApiId"]))
    kind, api = found
    stage = mapping.get("stage")  # a REST base path mapping may name none
    if (stage is None and kind != "REST") or (stage is not None and stage not in api["stages"]):
        raise BadRequestException("Invalid stage identifier specified")
    multi_level = "/" in mapping["basePath"]
    if kind == WEBSOCKET and multi_level:
        raise BadRequestException(WEBSOCKET_ONE_LEVEL)
    if (kind == HTTP or multi_level) and \
            record["domain"].get("securityPolicy", "TLS_1_2") != "TLS_1_2":
        raise BadRequestException(NEEDS_TLS_1_2)
    for other in record["basePathMappings"].values():
        if other is replacing:
            continue
        other_api = find_api(call, other["restApiId"])
        if other_api is not None and (other_api[0] == WEBSOCKET) != (kind == WEBSOCKET):
            raise BadRequestException(WEBSOCKET_ALONE)


def _legacy_id(mapping: dict) -> str:
    """An id for a mapping stored before mappings had one (derived, so stable)."""
    return hashlib.sha256(mapping["basePath"].encode()).hexdigest()[:6]

"""ApiKey: create (given or generated value, legacy ``stageKeys``), get, list (name prefix,
customer id, values on request), update, delete."""

from __future__ import annotations

import string
from typing import Any

from mockgw.apigateway.common import check_tags, copy_out, paginate, rest_apis
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import PatchError, apply_patch, custom, scalar, unknown_for_op
from mockgw.state.usageplans import APIKEYS, USAGE, USAGEPLANS

VALUE_LENGTH = 40
MIN_VALUE, MAX_VALUE = 20, 128
MAX_NAME, MAX_DESCRIPTION = 1024, 125000
_VALUE_ALPHABET = string.ascii_letters + string.digits


def api_keys(call: Call) -> dict[str, dict]:
    return call.store.table(APIKEYS)


def api_key(call: Call, key_id: str) -> dict:
    """The record of API key ``key_id``, or AWS's ``NotFoundException``."""
    found = api_keys(call).get(key_id)
    if found is None:
        raise NotFoundException("Invalid API Key identifier specified")
    return found


def render(key: dict, *, value: bool, tags: bool) -> dict:
    """An API key as AWS answers: ``value`` only when asked for, ``tags`` even when empty
    only where AWS always shows them (Get, Update)."""
    drop = {"value"} if not value else set()
    if not tags and not key.get("tags"):
        drop.add("tags")
    return copy_out({k: v for k, v in key.items() if k not in drop})


def check_value(value: str, minimum: int = MIN_VALUE) -> str | None:
    """Why ``value`` cannot be an API key value (``None`` if it can)."""
    if len(value) < minimum:
        return f"API Key value should be at least {minimum} characters"
    if len(value) > MAX_VALUE:
        return f"API Key value exceeds maximum size of {MAX_VALUE} characters"
    return None


def check_fields(key: dict) -> None:
    """AWS's limits on an API key's name, value and description (in AWS's order)."""
    if len(key.get("name") or "") > MAX_NAME:
        raise BadRequestException(
            f"Invalid API Key name, can be at most {MAX_NAME} characters.")
    problem = check_value(key["value"]) if key.get("value") else None
    if problem:
        raise BadRequestException(problem)
    if len(key.get("description") or "") > MAX_DESCRIPTION:
        raise BadRequestException("Invalid API Key description specified.")


def key_with_value(call: Call, value: str) -> dict | None:
    return next((k for k in api_keys(call).values() if k["value"] == value), None)


def new_key(call: Call, value: str | None) -> dict:
    """A fresh key record with a new id and ``value`` (generated when empty)."""
    keys = api_keys(call)
    key_id = call.new_id(10)
    while key_id in keys:
        key_id = call.new_id(10)
    now = call.now()
    return {"id": key_id, "value": value or call.new_id(VALUE_LENGTH, _VALUE_ALPHABET),
            "enabled": False, "createdDate": now, "lastUpdatedDate": now,
            "stageKeys": [], "tags": {}}


@operation("CreateApiKey")
def create_api_key(call: Call, params: dict[str, Any]) -> dict:
    check_fields(params)
    value = params.get("value")
    if value and key_with_value(call, value) is not None:
        raise ConflictException("API Key already exists")
    tags = params.get("tags") or {}
    check_tags(tags)
    stage_keys = [_stage_key(call, s.get("restApiId"), s.get("stageName"))
                  for s in params.get("stageKeys") or ()]
    key = new_key(call, value)
    for member in ("name", "description", "customerId"):
        if params.get(member) is not None and (member != "name" or params[member]):
            key[member] = params[member]
    key["enabled"] = bool(params.get("enabled", False))
    key["stageKeys"] = list(dict.fromkeys(stage_keys))
    key["tags"] = dict(tags)
    api_keys(call)[key["id"]] = key
    return render(key, value=True, tags=False)


@operation("GetApiKey")
def get_api_key(call: Call, params: dict[str, Any]) -> dict:
    return render(api_key(call, params["apiKey"]), value=bool(params.get("includeValue")),
                  tags=True)


@operation("GetApiKeys")
def get_api_keys(call: Call, params: dict[str, Any]) -> dict:
    if (params.get("limit") or 0) < 0:
        return {"items": []}  # AWS answers a negative limit with no keys
    prefix = params.get("nameQuery") or ""
    customer = params.get("customerId")
    show = bool(params.get("includeValues"))
    items = [render(k, value=show, tags=False)
             for _, k in sorted(api_keys(call).items())
             if k.get("name", "").startswith(prefix)
             and (customer is None or k.get("customerId") == customer)]
    return paginate(items, params)


@operation("UpdateApiKey")
def update_api_key(call: Call, params: dict[str, Any]) -> dict:
    current = api_key(call, params["apiKey"])
    paths = _patch_paths(call)
    updated = apply_patch(current, params.get("patchOperations"), paths,
                          unknown_path=unknown_for_op)
    check_fields(updated)
    updated["lastUpdatedDate"] = call.now()
    api_keys(call)[current["id"]] = updated
    return render(updated, value=False, tags=True)


@operation("DeleteApiKey")
def delete_api_key(call: Call, params: dict[str, Any]) -> dict:
    key_id = api_key(call, params["apiKey"])["id"]
    del api_keys(call)[key_id]
    for plan_id, record in call.store.table(USAGEPLANS).items():
        if key_id in record["keys"]:
            record["keys"].remove(key_id)
            call.store.table(USAGE).get(plan_id, {}).pop(key_id, None)
    return {}


# -- helpers ---------------------------------------------------------------------------------

def _stage_key(call: Call, api_id: str | None, stage: str | None) -> str:
    """A legacy ``stageKeys`` entry, ``{restApiId}/{stageName}``, of an existing stage."""
    record = rest_apis(call).get(api_id or "")
    if record is None:
        raise BadRequestException("Invalid REST API identifier specified")
    if stage not in record["stages"]:
        raise BadRequestException("Invalid stage identifier specified")
    return f"{api_id}/{stage}"


def _lenient_boolean(value: Any, path: str) -> bool:
    """AWS takes any text for ``/enabled``: ``true`` (any case) enables, all else disables."""
    return str(value).lower() == "true"


def _patch_paths(call: Call) -> list:
    def stages(key: dict, op: str, labels: dict[str, str], value: Any) -> None:
        api_id, _, stage = (value or "").partition("/")
        if not api_id or not stage:
            raise PatchError("Invalid stage key specified: "
                             "must be of the form {restApiId}/{stageName}")
        entry = _stage_key(call, api_id, stage)
        if op == "add" and entry not in key["stageKeys"]:
            key["stageKeys"].append(entry)
        elif op == "remove" and entry in key["stageKeys"]:
            key["stageKeys"].remove(entry)

    return [  # in the order AWS lists them
        scalar("/description"),
        scalar("/enabled", coerce=_lenient_boolean),
        scalar("/name"),
        scalar("/customerId"),
        custom("/stages", stages, ops=("add", "remove"), value_required=False),
    ]

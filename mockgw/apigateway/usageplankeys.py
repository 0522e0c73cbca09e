"""UsagePlanKey: add an API key to a usage plan, get, list (name prefix), remove."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.apikeys import api_key, api_keys
from mockgw.apigateway.common import paginate
from mockgw.apigateway.registry import operation
from mockgw.apigateway.usageplans import plans_of_key, stage_conflict, usage_plan, usage_plans
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.usageplans import USAGE

KEY_TYPE = "API_KEY"


def render(key: dict) -> dict:
    """An API key as a usage plan key (``id``, ``name``, ``type``, ``value``)."""
    out = {"id": key["id"], "type": KEY_TYPE, "value": key["value"]}
    if "name" in key:
        out["name"] = key["name"]
    return out


@operation("CreateUsagePlanKey")
def create_usage_plan_key(call: Call, params: dict[str, Any]) -> dict:
    record = usage_plan(call, params["usagePlanId"])
    if params["keyType"] != KEY_TYPE:
        raise BadRequestException(
            f"Invalid usage plan key type specified: {params['keyType']}. "
            f"Must be {KEY_TYPE}")
    key = api_key(call, params["keyId"])
    if key["id"] in record["keys"]:
        raise ConflictException("Usage Plan Key already exists")
    conflict = stage_conflict(key["id"], [*plans_of_key(call, key["id"]), record["plan"]])
    if conflict:
        raise ConflictException(conflict)
    record["keys"].append(key["id"])
    return render(key)


@operation("GetUsagePlanKey")
def get_usage_plan_key(call: Call, params: dict[str, Any]) -> dict:
    return render(_member(call, params["usagePlanId"], params["keyId"]))


@operation("GetUsagePlanKeys")
def get_usage_plan_keys(call: Call, params: dict[str, Any]) -> dict:
    record = usage_plans(call).get(params["usagePlanId"])  # AWS lists nothing, no error
    prefix = params.get("nameQuery") or ""
    keys = api_keys(call)
    items = [render(keys[key_id]) for key_id in sorted(record["keys"] if record else ())
             if keys[key_id].get("name", "").startswith(prefix)]
    return paginate(items, params)


@operation("DeleteUsagePlanKey")
def delete_usage_plan_key(call: Call, params: dict[str, Any]) -> dict:
    key = _member(call, params["usagePlanId"], params["keyId"])
    usage_plans(call)[params["usagePlanId"]]["keys"].remove(key["id"])
    call.store.table(USAGE).get(params["usagePlanId"], {}).pop(key["id"], None)
    return {}


def _member(call: Call, plan_id: str, key_id: str) -> dict:
    """API key ``key_id`` of plan ``plan_id``, with AWS's errors for each missing part."""
    record = usage_plan(call, plan_id)
    key = api_key(call, key_id)
    if key_id not in record["keys"]:
        raise NotFoundException("Invalid Usage Plan ID specified")
    return key

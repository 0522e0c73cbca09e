"""Usage: the daily ``[used, remaining]`` log of a usage plan's keys (GetUsage), and a
grant of more (or less) remaining quota to one key (UpdateUsage)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mockgw.apigateway.apikeys import api_key
from mockgw.apigateway.common import paginate
from mockgw.apigateway.registry import operation
from mockgw.apigateway.usageplans import usage_plan
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import PatchError, apply_patch, custom, integer
from mockgw.state.usageplans import (
    DAY_FORMAT,
    USAGE,
    daily_log,
    day_of,
    grant,
    key_usage,
)


@operation("GetUsage")
def get_usage(call: Call, params: dict[str, Any]) -> dict:
    record = usage_plan(call, params["usagePlanId"])
    first = _date(params["startDate"], "startDate")
    last = _date(params["endDate"], "endDate")
    if last < first:
        raise BadRequestException("The endDate must not be before the startDate")
    wanted = params.get("keyId")
    key_ids = [k for k in sorted(record["keys"]) if wanted is None or k == wanted]
    page = paginate(key_ids, params)
    plan = record["plan"]
    out = {"usagePlanId": plan["id"], "startDate": params["startDate"],
           "endDate": params["endDate"],
           "items": {k: daily_log(plan, key_usage(call.store, plan["id"], k), first, last)
                     for k in page["items"]}}
    if "position" in page:
        out["position"] = page["position"]
    return out


@operation("UpdateUsage")
def update_usage(call: Call, params: dict[str, Any]) -> dict:
    record = usage_plan(call, params["usagePlanId"])
    key_id = api_key(call, params["keyId"])["id"]
    if key_id not in record["keys"]:
        raise NotFoundException("Invalid Usage Plan ID specified")
    plan = record["plan"]
    if not plan.get("quota"):
        raise BadRequestException(f"Usage Plan {plan['id']} has no quota to update")
    today = day_of(call.instance.clock())  # the day the data plane counts requests on

    def remaining(usage: dict, op: str, labels: dict[str, str], value: Any) -> None:
        if labels["keyId"] != key_id:
            raise PatchError(f"Invalid patch path /keyId/{labels['keyId']}/remaining")
        grant(plan, usage, today, value)

    usage = apply_patch(key_usage(call.store, plan["id"], key_id),
                        params.get("patchOperations"),
                        [custom("/keyId/{keyId}/remaining", remaining, coerce=integer)])
    call.store.table(USAGE).setdefault(plan["id"], {})[key_id] = usage
    name = today.strftime(DAY_FORMAT)
    return {"usagePlanId": plan["id"], "startDate": name, "endDate": name,
            "items": {key_id: daily_log(plan, usage, today, today)}}


def _date(text: str, member: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, DAY_FORMAT).date()
    except ValueError:
        raise BadRequestException(
            f"Invalid {member} specified: {text}. Must be a date of the form yyyy-MM-dd"
        ) from None

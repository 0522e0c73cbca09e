"""UsagePlan: create (API stages with per-method throttles, throttle, quota), get, list
(by key), update, delete."""

from __future__ import annotations

import re
from typing import Any

from mockgw import jsonsafe
from mockgw.apigateway.common import check_tags, copy_out, paginate, rest_apis
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import (
    PatchError,
    apply_patch,
    custom,
    integer,
    number,
    scalar,
)
from mockgw.state.usageplans import USAGE, USAGEPLANS

PERIODS = ("DAY", "WEEK", "MONTH")
MAX_OFFSET = {"DAY": 0, "WEEK": 6, "MONTH": 27}
_METHOD_THROTTLE = re.compile(
    r"^(?:/.*|\*)/(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|ANY|\*)$")
_NO_PLAN_THROTTLE = ("Can not define fine grain throttling if usage plan throttle is not "
                     "defined.")


def usage_plans(call: Call) -> dict[str, dict]:
    return call.store.table(USAGEPLANS)


def usage_plan(call: Call, plan_id: str) -> dict:
    """The record (``{"plan": ..., "keys": [...]}``) of plan ``plan_id``, or AWS's
    ``NotFoundException``."""
    found = usage_plans(call).get(plan_id)
    if found is None:
        raise NotFoundException("Invalid Usage Plan ID specified")
    return found


def render(plan: dict, *, tags: bool) -> dict:
    """A usage plan as AWS answers: ``tags`` even when empty only where AWS always shows
    them (Get, Update)."""
    return copy_out({k: v for k, v in plan.items()
                     if k != "tags" or tags or plan.get("tags")})


def plans_of_key(call: Call, key_id: str, *, besides: str | None = None) -> list[dict]:
    """The usage plans (UsagePlan fields) API key ``key_id`` is in, but ``besides``."""
    return [r["plan"] for p, r in sorted(usage_plans(call).items())
            if key_id in r["keys"] and p != besides]


def stage_conflict(key_id: str, plans: list[dict]) -> str | None:
    """AWS's refusal when ``plans``, which API key ``key_id`` would be in, share an API
    stage (a key may be in one plan per stage); ``None`` when they do not."""
    seen: dict[tuple[str, str], str] = {}
    for plan in plans:
        for stage in plan["apiStages"]:
            where = (stage["apiId"], stage["stage"])
            if seen.setdefault(where, plan["id"]) != plan["id"]:
                return (f"Usage Plan {plan['id']} cannot be added because API Key {key_id} "
                        f"cannot reference multiple Usage Plans with the same API Stage: "
                        f"{where[0]}:{where[1]}")
    return None


@operation("CreateUsagePlan")
def create_usage_plan(call: Call, params: dict[str, Any]) -> dict:
    plans = usage_plans(call)
    plan_id = call.new_id(6)
    while plan_id in plans:
        plan_id = call.new_id(6)
    tags = params.get("tags") or {}
    check_tags(tags)
    stages: dict[tuple[str, str], dict] = {}
    for given in params.get("apiStages") or ():
        stage = _api_stage(call, plan_id, given.get("apiId"), given.get("stage"))
        if given.get("throttle"):
            stage["throttle"] = _method_throttles(given["throttle"])
        stages[(stage["apiId"], stage["stage"])] = stage
    plan: dict[str, Any] = {"id": plan_id, "name": params["name"],
                            "apiStages": list(stages.values())}
    if params.get("description") is not None:
        plan["description"] = params["description"]
    if params.get("throttle"):
        plan["throttle"] = _throttle(params["throttle"])
    if params.get("quota"):
        plan["quota"] = dict(params["quota"])
    plan["tags"] = dict(tags)
    _settle(plan)
    plans[plan_id] = {"plan": plan, "keys": []}
    return render(plan, tags=False)


@operation("GetUsagePlan")
def get_usage_plan(call: Call, params: dict[str, Any]) -> dict:
    return render(usage_plan(call, params["usagePlanId"])["plan"], tags=True)


@operation("GetUsagePlans")
def get_usage_plans(call: Call, params: dict[str, Any]) -> dict:
    key_id = params.get("keyId")
    items = [render(r["plan"], tags=False) for _, r in sorted(usage_plans(call).items())
             if key_id is None or key_id in r["keys"]]
    return paginate(items, params)


@operation("UpdateUsagePlan")
def update_usage_plan(call: Call, params: dict[str, Any]) -> dict:
    record = usage_plan(call, params["usagePlanId"])
    plan = apply_patch(record["plan"], params.get("patchOperations"),
                       _patch_paths(call, record["plan"]["id"]))
    _settle(plan)
    for key_id in record["keys"]:
        conflict = stage_conflict(key_id, [*plans_of_key(call, key_id, besides=plan["id"]),
                                           plan])
        if conflict:
            raise ConflictException(conflict)
    record["plan"] = plan
    return render(plan, tags=True)


@operation("DeleteUsagePlan")
def delete_usage_plan(call: Call, params: dict[str, Any]) -> dict:
    record = usage_plan(call, params["usagePlanId"])
    plan = record["plan"]
    if plan["apiStages"]:
        first = plan["apiStages"][0]
        raise BadRequestException(
            f"Cannot delete Usage Plan {plan['id']} because there are API Stages associated "
            f"with it, including {first['apiId']}:{first['stage']}")
    del usage_plans(call)[plan["id"]]
    call.store.table(USAGE).pop(plan["id"], None)
    return {}


# -- validation ------------------------------------------------------------------------------

def _api_stage(call: Call, plan_id: str, api_id: str | None, stage: str | None) -> dict:
    """An ``apiStages`` entry for an existing stage of an existing REST API or WebSocket API
    (usage plans meter both)."""
    record = rest_apis(call).get(api_id or "")
    if record is None:
        found = call.store.table("apigatewayv2.apis").get(api_id or "")
        if found is not None and found["api"]["ProtocolType"] == "WEBSOCKET":
            record = found
    if record is None or stage not in record["stages"]:
        raise NotFoundException(
            f"Invalid API Stage {{api: {api_id}, stage: {stage}}} specified for usageplan "
            f"{plan_id}")
    return {"apiId": api_id, "stage": stage}


def _throttle(given: dict) -> dict:
    out: dict[str, Any] = {}
    if given.get("burstLimit") is not None:
        out["burstLimit"] = int(given["burstLimit"])
    if given.get("rateLimit") is not None:
        out["rateLimit"] = float(given["rateLimit"])
    return out


def _method_throttles(given: dict) -> dict:
    """A per-method throttle map, keyed ``{resourcePath}/{METHOD}`` (``/pets/GET``)."""
    for path in given:
        if not _METHOD_THROTTLE.match(path):
            raise BadRequestException(
                f"Invalid method throttle path specified: {path}. Must be of the form "
                "{resourcePath}/{httpMethod}")
    return {path: _throttle(settings or {}) for path, settings in given.items()}


def _settle(plan: dict) -> None:
    """Check a created or updated plan as AWS does; fill the quota's default offset."""
    quota = plan.get("quota")
    if quota is not None:
        quota.setdefault("offset", 0)
        period = quota.get("period")
        if period not in PERIODS:
            raise BadRequestException(
                f"Invalid quota period specified: {period or 'null'}. "
                "Must be one of: DAY, WEEK, MONTH")
        if quota.get("limit") is None:
            raise BadRequestException("Quota limit must be specified")
        most = MAX_OFFSET[period]
        if not 0 <= quota["offset"] <= most:
            raise BadRequestException(
                f"Usage Plan quota offset must be zero in the {period} period" if not most
                else f"Usage Plan quota offset must be between 0 and {most} inclusive in the "
                     f"{period} period")
    if not plan.get("throttle") and any(s.get("throttle") for s in plan["apiStages"]):
        raise BadRequestException(_NO_PLAN_THROTTLE)


# -- UpdateUsagePlan -------------------------------------------------------------------------

def _patch_paths(call: Call, plan_id: str) -> list:
    def find_stage(plan: dict, ref: str) -> dict:
        api_id, _, stage = ref.partition(":")
        for entry in plan["apiStages"]:
            if entry["apiId"] == api_id and entry["stage"] == stage:
                return entry
        raise NotFoundException(
            f"Invalid API Stage {{api: {api_id}, stage: {stage}}} specified for usageplan "
            f"{plan_id}")

    def api_stages(plan: dict, op: str, labels: dict[str, str], value: Any) -> None:
        api_id, colon, stage = (value or "").partition(":")
        if not api_id or not colon or not stage:
            raise PatchError("Invalid API Stage specified")
        if op == "add":
            if not any(s["apiId"] == api_id and s["stage"] == stage
                       for s in plan["apiStages"]):
                plan["apiStages"].append(_api_stage(call, plan_id, api_id, stage))
        else:
            plan["apiStages"].remove(find_stage(plan, value))

    def stage_throttle(plan: dict, op: str, labels: dict[str, str], value: Any) -> None:
        entry = find_stage(plan, labels["stage"])
        if op == "remove":
            entry.pop("throttle", None)
            return
        try:
            given = jsonsafe.loads(value)
            if not isinstance(given, dict) or not all(isinstance(v, dict)
                                                      for v in given.values()):
                raise ValueError(value)
            entry["throttle"] = _method_throttles(given)
        except (TypeError, ValueError):
            raise PatchError(f"Invalid throttle settings specified: {value}") from None

    def method_throttle(plan: dict, op: str, labels: dict[str, str], value: Any) -> None:
        throttles = find_stage(plan, labels["stage"]).get("throttle", {})
        throttles.pop(f"{labels['resource']}/{labels['method']}", None)

    def method_limit(member: str):
        def apply(plan: dict, op: str, labels: dict[str, str], value: Any) -> None:
            path = f"{labels['resource']}/{labels['method']}"
            _method_throttles({path: {}})
            entry = find_stage(plan, labels["stage"])
            entry.setdefault("throttle", {}).setdefault(path, {})[member] = value
        return apply

    def remove(member: str):
        def apply(plan: dict, op: str, labels: dict[str, str], value: Any) -> None:
            plan.pop(member, None)
        return custom(f"/{member}", apply, ops=("remove",))

    method = "/apiStages/{stage}/throttle/{resource}/{method}"
    return [
        scalar("/name"),
        scalar("/description"),
        scalar("/productCode", ops=("add", "replace"), removable=True),
        custom("/apiStages", api_stages, ops=("add", "remove"), value_required=False),
        custom("/apiStages/{stage}/throttle", stage_throttle, ops=("replace", "remove")),
        custom(method, method_throttle, ops=("remove",)),
        custom(method + "/rateLimit", method_limit("rateLimit"), ops=("add", "replace"),
               coerce=number),
        custom(method + "/burstLimit", method_limit("burstLimit"), ops=("add", "replace"),
               coerce=integer),
        remove("throttle"),
        scalar("/throttle/burstLimit", coerce=integer, ops=("add", "replace")),
        scalar("/throttle/rateLimit", coerce=number, ops=("add", "replace")),
        remove("quota"),
        scalar("/quota/limit", coerce=integer, ops=("add", "replace")),
        scalar("/quota/offset", coerce=integer, ops=("add", "replace")),
        scalar("/quota/period", ops=("add", "replace")),
    ]

"""UsagePlan, UsagePlanKey and Usage through boto3 (in-process and against the server), and
the usage state the data plane records into."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re

import pytest
from botocore.exceptions import ClientError

from mockgw.state.backends import RegionStore
from mockgw.state.usageplans import (
    APIKEYS,
    USAGEPLANS,
    find_plan,
    period_start,
    record_request,
    remaining_quota,
)
from tests.usageplan_helpers import error_of, make_stage, region_store

THROTTLE = {"burstLimit": 10, "rateLimit": 5.0}
NO_PLAN_THROTTLE = "Can not define fine grain throttling if usage plan throttle is not defined."


def body_of(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def at(day: str, hour: int = 12) -> float:
    """Epoch seconds of ``hour`` o'clock UTC on ``day`` (YYYY-MM-DD)."""
    when = dt.datetime.strptime(day, "%Y-%m-%d").replace(hour=hour)
    return calendar.timegm(when.timetuple())


def today() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")


def new_key(c, name: str = "key") -> dict:
    return c.create_api_key(name=name, enabled=True)


# -- CreateUsagePlan / GetUsagePlan(s) / DeleteUsagePlan -------------------------------------

def test_create_usage_plan_minimal(gw):
    c = gw.client()
    plan = c.create_usage_plan(name="basic")
    assert plan["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert body_of(plan) == {"id": plan["id"], "name": "basic", "apiStages": []}
    assert re.fullmatch(r"[a-z0-9]{6}", plan["id"])
    assert body_of(c.get_usage_plan(usagePlanId=plan["id"])) == {**body_of(plan), "tags": {}}


def test_create_usage_plan_full(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    plan = c.create_usage_plan(
        name="gold", description="for partners", throttle={"burstLimit": 1, "rateLimit": 2},
        quota={"limit": 10, "period": "DAY"}, tags={"tag_key": "tag_value"},
        apiStages=[{"apiId": api_id, "stage": "dev",
                    "throttle": {"/pets/GET": {"burstLimit": 1, "rateLimit": 0.5},
                                 "//GET": {"rateLimit": 1}}}])
    assert body_of(plan) == {
        "id": plan["id"], "name": "gold", "description": "for partners",
        "throttle": {"burstLimit": 1, "rateLimit": 2.0},
        "quota": {"limit": 10, "offset": 0, "period": "DAY"},
        "tags": {"tag_key": "tag_value"},
        "apiStages": [{"apiId": api_id, "stage": "dev",
                       "throttle": {"/pets/GET": {"burstLimit": 1, "rateLimit": 0.5},
                                    "//GET": {"rateLimit": 1.0}}}],
    }
    assert body_of(c.get_usage_plan(usagePlanId=plan["id"])) == body_of(plan)


@pytest.mark.parametrize("quota, message", [
    ({"limit": 5, "period": "DAY", "offset": 1},
     "Usage Plan quota offset must be zero in the DAY period"),
    ({"limit": 5, "period": "WEEK", "offset": 7},
     "Usage Plan quota offset must be between 0 and 6 inclusive in the WEEK period"),
    ({"limit": 5, "period": "MONTH", "offset": 28},
     "Usage Plan quota offset must be between 0 and 27 inclusive in the MONTH period"),
    ({"limit": 5, "period": "WEEK", "offset": -1},
     "Usage Plan quota offset must be between 0 and 6 inclusive in the WEEK period"),
    ({"limit": 5}, "Invalid quota period specified: null. Must be one of: DAY, WEEK, MONTH"),
    ({"period": "DAY"}, "Quota limit must be specified"),
])
def test_create_usage_plan_quota_rules(gw, quota, message):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.create_usage_plan(name="bad", quota=quota)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_usage_plans()["items"] == []


def test_quota_offsets_at_their_limits_are_accepted(gw):
    c = gw.client()
    week = c.create_usage_plan(name="w", quota={"limit": 5, "period": "WEEK", "offset": 6})
    month = c.create_usage_plan(name="m", quota={"limit": 5, "period": "MONTH", "offset": 27})
    assert week["quota"]["offset"] == 6 and month["quota"]["offset"] == 27


def test_create_usage_plan_stage_must_exist(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    for api, stage in [(api_id + "b", "dev"), (api_id, "fakestagename")]:
        with pytest.raises(ClientError) as exc:
            c.create_usage_plan(name="bad", apiStages=[{"apiId": api, "stage": stage}])
        code, message, status = error_of(exc)
        assert (code, status) == ("NotFoundException", 404)
        assert re.fullmatch(rf"Invalid API Stage \{{api: {api}, stage: {stage}\}} specified "
                            r"for usageplan [a-z0-9]{6}", message)
    assert c.get_usage_plans()["items"] == []


def test_create_usage_plan_method_throttles(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    stage = {"apiId": api_id, "stage": "dev", "throttle": {"/pets/GET": {"rateLimit": 1}}}
    with pytest.raises(ClientError) as exc:
        c.create_usage_plan(name="bad", apiStages=[stage])
    assert error_of(exc) == ("BadRequestException", NO_PLAN_THROTTLE, 400)
    bad_path = {**stage, "throttle": {"pets": {"rateLimit": 1}}}
    with pytest.raises(ClientError) as exc:
        c.create_usage_plan(name="bad", apiStages=[bad_path], throttle=THROTTLE)
    assert error_of(exc) == (
        "BadRequestException",
        "Invalid method throttle path specified: pets. Must be of the form "
        "{resourcePath}/{httpMethod}", 400)
    assert c.get_usage_plans()["items"] == []


def test_get_usage_plan_not_found(gw):
    c = gw.client()
    for call in (lambda: c.get_usage_plan(usagePlanId="nope"),
                 lambda: c.delete_usage_plan(usagePlanId="nope"),
                 lambda: c.update_usage_plan(usagePlanId="nope", patchOperations=[
                     {"op": "replace", "path": "/name", "value": "x"}])):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("NotFoundException", "Invalid Usage Plan ID specified", 404)


def test_get_usage_plans_by_key_and_paging(gw):
    c = gw.client()
    plans = sorted((c.create_usage_plan(name=f"p{i}", tags={"n": str(i)}) for i in range(3)),
                   key=lambda p: p["id"])
    key = new_key(c)
    c.create_usage_plan_key(usagePlanId=plans[1]["id"], keyId=key["id"], keyType="API_KEY")
    first = c.get_usage_plans(limit=2)
    assert [p["id"] for p in first["items"]] == [p["id"] for p in plans[:2]]
    assert first["items"][0]["tags"] == {"n": plans[0]["tags"]["n"]}
    rest = c.get_usage_plans(limit=2, position=first["position"])
    assert [p["id"] for p in rest["items"]] == [plans[2]["id"]]
    assert "position" not in rest
    assert [p["id"] for p in c.get_usage_plans(keyId=key["id"])["items"]] == [plans[1]["id"]]
    assert c.get_usage_plans(keyId="nokey")["items"] == []


def test_delete_usage_plan(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    plan = c.create_usage_plan(name="p", apiStages=[{"apiId": api_id, "stage": "dev"}])
    with pytest.raises(ClientError) as exc:
        c.delete_usage_plan(usagePlanId=plan["id"])
    assert error_of(exc) == (
        "BadRequestException",
        f"Cannot delete Usage Plan {plan['id']} because there are API Stages associated with "
        f"it, including {api_id}:dev", 400)
    c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "remove", "path": "/apiStages", "value": f"{api_id}:dev"}])
    deleted = c.delete_usage_plan(usagePlanId=plan["id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert c.get_usage_plans()["items"] == []


# -- UpdateUsagePlan -------------------------------------------------------------------------

def test_update_usage_plan_fields(gw):
    c = gw.client()
    plan = c.create_usage_plan(name="p", throttle=THROTTLE)
    updated = c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "replace", "path": "/description", "value": "desc"},
        {"op": "add", "path": "/productCode", "value": "prod-1"},
        {"op": "replace", "path": "/throttle/burstLimit", "value": "100"},
        {"op": "replace", "path": "/throttle/rateLimit", "value": "200"},
        {"op": "add", "path": "/quota/limit", "value": "5000"},
        {"op": "add", "path": "/quota/period", "value": "MONTH"},
    ])
    assert body_of(updated) == {
        "id": plan["id"], "name": "renamed", "description": "desc", "productCode": "prod-1",
        "apiStages": [], "throttle": {"burstLimit": 100, "rateLimit": 200.0},
        "quota": {"limit": 5000, "offset": 0, "period": "MONTH"}, "tags": {}}
    removed = c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "remove", "path": "/productCode"},
        {"op": "remove", "path": "/quota"},
        {"op": "remove", "path": "/throttle"},
    ])
    assert body_of(removed) == {"id": plan["id"], "name": "renamed", "description": "desc",
                                "apiStages": [], "tags": {}}
    assert body_of(c.get_usage_plan(usagePlanId=plan["id"])) == body_of(removed)


def test_update_usage_plan_api_stages(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    plan = c.create_usage_plan(name="p", throttle=THROTTLE)
    stage_ref = f"{api_id}:dev"
    added = c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "add", "path": "/apiStages", "value": stage_ref}])
    assert added["apiStages"] == [{"apiId": api_id, "stage": "dev"}]
    throttled = c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "replace", "path": f"/apiStages/{stage_ref}/throttle",
         "value": json.dumps({"/pets/GET": {"rateLimit": 1.0, "burstLimit": 1},
                              "//GET": {"rateLimit": 1.0, "burstLimit": 1}})},
        {"op": "replace", "path": f"/apiStages/{stage_ref}/throttle/~1pets/GET/rateLimit",
         "value": "0.1"},
        {"op": "replace", "path": f"/apiStages/{stage_ref}/throttle/~1pets~1{{id}}/PUT/burstLimit",
         "value": "3"},
        {"op": "remove", "path": f"/apiStages/{stage_ref}/throttle/~1/GET"},
    ])
    assert throttled["apiStages"] == [{"apiId": api_id, "stage": "dev", "throttle": {
        "/pets/GET": {"rateLimit": 0.1, "burstLimit": 1},
        "/pets/{id}/PUT": {"burstLimit": 3}}}]
    cleared = c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "remove", "path": f"/apiStages/{stage_ref}/throttle"}])
    assert cleared["apiStages"] == [{"apiId": api_id, "stage": "dev"}]
    gone = c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "remove", "path": "/apiStages", "value": stage_ref}])
    assert gone["apiStages"] == []


def test_update_usage_plan_api_stage_errors(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    plan_id = c.create_usage_plan(name="p")["id"]
    cases = [
        ({"op": "add", "path": "/apiStages"},
         ("BadRequestException", "Invalid API Stage specified", 400)),
        ({"op": "add", "path": "/apiStages", "value": api_id},
         ("BadRequestException", "Invalid API Stage specified", 400)),
        ({"op": "remove", "path": "/apiStages"},
         ("BadRequestException", "Invalid API Stage specified", 400)),
        ({"op": "add", "path": "/apiStages", "value": f"{api_id}b:dev"},
         ("NotFoundException", f"Invalid API Stage {{api: {api_id}b, stage: dev}} specified "
                               f"for usageplan {plan_id}", 404)),
        ({"op": "add", "path": "/apiStages", "value": f"{api_id}:fakestagename"},
         ("NotFoundException", f"Invalid API Stage {{api: {api_id}, stage: fakestagename}} "
                               f"specified for usageplan {plan_id}", 404)),
        ({"op": "remove", "path": "/apiStages", "value": f"{api_id}:dev"},
         ("NotFoundException", f"Invalid API Stage {{api: {api_id}, stage: dev}} specified "
                               f"for usageplan {plan_id}", 404)),
    ]
    for operation, expected in cases:
        with pytest.raises(ClientError) as exc:
            c.update_usage_plan(usagePlanId=plan_id, patchOperations=[operation])
        assert error_of(exc) == expected


def test_update_usage_plan_method_throttle_needs_plan_throttle(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    plan = c.create_usage_plan(name="p", apiStages=[{"apiId": api_id, "stage": "dev"}])
    with pytest.raises(ClientError) as exc:
        c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
            {"op": "replace", "path": f"/apiStages/{api_id}:dev/throttle/~1/GET/rateLimit",
             "value": "1"}])
    assert error_of(exc) == ("BadRequestException", NO_PLAN_THROTTLE, 400)


@pytest.mark.parametrize("operation, message", [
    ({"op": "replace", "path": "/id", "value": "other"}, None),
    ({"op": "add", "path": "/name", "value": "x"}, None),
    ({"op": "remove", "path": "/description"}, None),
    ({"op": "replace", "path": "/quota/limit", "value": "many"}, None),
    ({"op": "replace", "path": "/quota/period", "value": "YEAR"},
     "Invalid quota period specified: YEAR. Must be one of: DAY, WEEK, MONTH"),
    ({"op": "replace", "path": "/quota/offset", "value": "9"},
     "Usage Plan quota offset must be between 0 and 6 inclusive in the WEEK period"),
    ({"op": "remove", "path": "/throttle"}, NO_PLAN_THROTTLE),
    ({"op": "replace", "path": "/apiStages/{stage}/throttle", "value": "not json"},
     "Invalid throttle settings specified: not json"),
    ({"op": "replace", "path": "/apiStages/{stage}/throttle",
      "value": '{"/a/GET": {"rateLimit": "fast"}}'},
     'Invalid throttle settings specified: {"/a/GET": {"rateLimit": "fast"}}'),
    ({"op": "replace", "path": "/apiStages/{stage}/throttle", "value": "[1]"},
     "Invalid throttle settings specified: [1]"),
])
def test_failed_update_usage_plan_changes_nothing(gw, operation, message):
    """Every op of a failed update is undone (``message`` None: the patch engine's own
    wording)."""
    c = gw.client()
    api_id = make_stage(gw, c)
    plan = c.create_usage_plan(
        name="keep", throttle=THROTTLE, quota={"limit": 10, "period": "WEEK"},
        apiStages=[{"apiId": api_id, "stage": "dev", "throttle": {"/a/GET": {"rateLimit": 1}}}])
    operation = {**operation, "path": operation["path"].replace("{stage}", f"{api_id}:dev")}
    before = body_of(c.get_usage_plan(usagePlanId=plan["id"]))
    with pytest.raises(ClientError) as exc:
        c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
            {"op": "replace", "path": "/name", "value": "changed"}, operation])
    code, got, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    assert got == message or message is None
    assert body_of(c.get_usage_plan(usagePlanId=plan["id"])) == before


# -- UsagePlanKey ----------------------------------------------------------------------------

def test_usage_plan_keys(gw):
    c = gw.client()
    plan_id = c.create_usage_plan(name="p")["id"]
    assert c.get_usage_plan_keys(usagePlanId=plan_id)["items"] == []
    one, two = new_key(c, "test-key-1"), new_key(c, "test-key-2")
    created = c.create_usage_plan_key(usagePlanId=plan_id, keyId=one["id"], keyType="API_KEY")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert body_of(created) == {"id": one["id"], "name": "test-key-1", "type": "API_KEY",
                                "value": one["value"]}
    c.create_usage_plan_key(usagePlanId=plan_id, keyId=two["id"], keyType="API_KEY")
    listed = c.get_usage_plan_keys(usagePlanId=plan_id)["items"]
    assert [k["id"] for k in listed] == sorted([one["id"], two["id"]])
    assert body_of(c.get_usage_plan_key(usagePlanId=plan_id, keyId=one["id"])) == \
        body_of(created)
    assert len(c.get_usage_plan_keys(usagePlanId=plan_id, nameQuery="test-key")["items"]) == 2
    assert c.get_usage_plan_keys(usagePlanId=plan_id, nameQuery="TEST-key")["items"] == []
    assert [k["id"] for k in c.get_usage_plan_keys(
        usagePlanId=plan_id, nameQuery="test-key-2")["items"]] == [two["id"]]
    assert c.get_usage_plan_keys(usagePlanId="bad-id")["items"] == []
    page = c.get_usage_plan_keys(usagePlanId=plan_id, limit=1)
    assert len(page["items"]) == 1 and "position" in page
    deleted = c.delete_usage_plan_key(usagePlanId=plan_id, keyId=one["id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert [k["id"] for k in c.get_usage_plan_keys(usagePlanId=plan_id)["items"]] == \
        [two["id"]]


def test_usage_plan_key_errors(gw):
    c = gw.client()
    plan_id = c.create_usage_plan(name="p")["id"]
    key = new_key(c)
    cases = [
        (lambda: c.create_usage_plan_key(usagePlanId="nope", keyId=key["id"],
                                         keyType="API_KEY"),
         ("NotFoundException", "Invalid Usage Plan ID specified", 404)),
        (lambda: c.create_usage_plan_key(usagePlanId=plan_id, keyId="nokey",
                                         keyType="API_KEY"),
         ("NotFoundException", "Invalid API Key identifier specified", 404)),
        (lambda: c.create_usage_plan_key(usagePlanId=plan_id, keyId=key["id"],
                                         keyType="COGNITO"),
         ("BadRequestException",
          "Invalid usage plan key type specified: COGNITO. Must be API_KEY", 400)),
        (lambda: c.get_usage_plan_key(usagePlanId=plan_id, keyId="nokey"),
         ("NotFoundException", "Invalid API Key identifier specified", 404)),
        (lambda: c.get_usage_plan_key(usagePlanId=plan_id, keyId=key["id"]),
         ("NotFoundException", "Invalid Usage Plan ID specified", 404)),
        (lambda: c.delete_usage_plan_key(usagePlanId=plan_id, keyId=key["id"]),
         ("NotFoundException", "Invalid Usage Plan ID specified", 404)),
    ]
    for call, expected in cases:
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == expected
    assert c.get_usage_plan_keys(usagePlanId=plan_id)["items"] == []
    c.create_usage_plan_key(usagePlanId=plan_id, keyId=key["id"], keyType="API_KEY")
    with pytest.raises(ClientError) as exc:
        c.create_usage_plan_key(usagePlanId=plan_id, keyId=key["id"], keyType="API_KEY")
    assert error_of(exc) == ("ConflictException", "Usage Plan Key already exists", 409)


def test_a_key_joins_one_plan_per_api_stage(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    dev = [{"apiId": api_id, "stage": "dev"}]
    first = c.create_usage_plan(name="first", apiStages=dev)["id"]
    second = c.create_usage_plan(name="second", apiStages=dev)["id"]
    elsewhere = c.create_usage_plan(name="elsewhere")["id"]
    key = new_key(c)
    c.create_usage_plan_key(usagePlanId=first, keyId=key["id"], keyType="API_KEY")
    c.create_usage_plan_key(usagePlanId=elsewhere, keyId=key["id"], keyType="API_KEY")
    conflict = (f"Usage Plan {second} cannot be added because API Key {key['id']} cannot "
                f"reference multiple Usage Plans with the same API Stage: {api_id}:dev")
    with pytest.raises(ClientError) as exc:
        c.create_usage_plan_key(usagePlanId=second, keyId=key["id"], keyType="API_KEY")
    assert error_of(exc) == ("ConflictException", conflict, 409)
    assert c.get_usage_plan_keys(usagePlanId=second)["items"] == []
    with pytest.raises(ClientError) as exc:
        c.update_usage_plan(usagePlanId=elsewhere, patchOperations=[
            {"op": "add", "path": "/apiStages", "value": f"{api_id}:dev"}])
    assert error_of(exc) == ("ConflictException", conflict.replace(second, elsewhere), 409)
    assert c.get_usage_plan(usagePlanId=elsewhere)["apiStages"] == []


# -- GetUsage / UpdateUsage ------------------------------------------------------------------

def test_get_usage_of_unused_keys(gw):
    c = gw.client()
    plan_id = c.create_usage_plan(name="p", quota={"limit": 100, "period": "DAY"})["id"]
    keys = sorted([new_key(c, "a")["id"], new_key(c, "b")["id"]])
    for key_id in keys:
        c.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
    usage = c.get_usage(usagePlanId=plan_id, startDate="2024-03-01", endDate="2024-03-03")
    assert body_of(usage) == {"usagePlanId": plan_id, "startDate": "2024-03-01",
                              "endDate": "2024-03-03",
                              "items": {k: [[0, 100]] * 3 for k in keys}}
    one = c.get_usage(usagePlanId=plan_id, startDate="2024-03-01", endDate="2024-03-01",
                      keyId=keys[1])
    assert one["items"] == {keys[1]: [[0, 100]]}
    page = c.get_usage(usagePlanId=plan_id, startDate="2024-03-01", endDate="2024-03-01",
                       limit=1)
    assert list(page["items"]) == [keys[0]]
    rest = c.get_usage(usagePlanId=plan_id, startDate="2024-03-01", endDate="2024-03-01",
                       limit=1, position=page["position"])
    assert list(rest["items"]) == [keys[1]] and "position" not in rest


def test_get_usage_errors(gw):
    c = gw.client()
    plan_id = c.create_usage_plan(name="p")["id"]
    cases = [
        ({"usagePlanId": "nope", "startDate": "2024-01-01", "endDate": "2024-01-02"},
         ("NotFoundException", "Invalid Usage Plan ID specified", 404)),
        ({"usagePlanId": plan_id, "startDate": "01/01/2024", "endDate": "2024-01-02"},
         ("BadRequestException", "Invalid startDate specified: 01/01/2024. Must be a date of "
                                 "the form yyyy-MM-dd", 400)),
        ({"usagePlanId": plan_id, "startDate": "2024-01-01", "endDate": "2024-02-30"},
         ("BadRequestException", "Invalid endDate specified: 2024-02-30. Must be a date of "
                                 "the form yyyy-MM-dd", 400)),
        ({"usagePlanId": plan_id, "startDate": "2024-01-02", "endDate": "2024-01-01"},
         ("BadRequestException", "The endDate must not be before the startDate", 400)),
    ]
    for params, expected in cases:
        with pytest.raises(ClientError) as exc:
            c.get_usage(**params)
        assert error_of(exc) == expected


def test_get_usage_after_recorded_requests(gw):
    c = gw.client()
    store = region_store(gw)
    plan_id = c.create_usage_plan(name="p", quota={"limit": 3, "period": "WEEK",
                                                   "offset": 1})["id"]
    key_id = new_key(c)["id"]
    c.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
    # 2024-03-04 is a Monday: with offset 1 the week runs Monday to Sunday.
    for day, count in [("2024-03-03", 1), ("2024-03-04", 2), ("2024-03-06", 1)]:
        for _ in range(count):
            assert record_request(store, plan_id, key_id, at(day))
    assert not record_request(store, plan_id, key_id, at("2024-03-10", 23))
    usage = c.get_usage(usagePlanId=plan_id, keyId=key_id, startDate="2024-03-03",
                        endDate="2024-03-11")
    assert usage["items"][key_id] == [
        [1, 2],                          # Sunday, the last day of the previous week
        [2, 1], [0, 1], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0],
        [0, 3],                          # the next Monday starts a new week
    ]


def test_update_usage_grants_remaining_quota(gw):
    c = gw.client()
    plan_id = c.create_usage_plan(name="p", quota={"limit": 10, "period": "MONTH"})["id"]
    key_id = new_key(c)["id"]
    c.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
    updated = c.update_usage(usagePlanId=plan_id, keyId=key_id, patchOperations=[
        {"op": "replace", "path": f"/keyId/{key_id}/remaining", "value": "500"}])
    day = today()
    assert body_of(updated) == {"usagePlanId": plan_id, "startDate": day, "endDate": day,
                                "items": {key_id: [[0, 500]]}}
    usage = c.get_usage(usagePlanId=plan_id, startDate=day, endDate=day)
    assert usage["items"] == {key_id: [[0, 500]]}


def test_update_usage_errors(gw):
    c = gw.client()
    plan_id = c.create_usage_plan(name="p", quota={"limit": 10, "period": "DAY"})["id"]
    bare_plan = c.create_usage_plan(name="bare")["id"]
    key_id, outsider = new_key(c)["id"], new_key(c, "outsider")["id"]
    c.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
    c.create_usage_plan_key(usagePlanId=bare_plan, keyId=key_id, keyType="API_KEY")

    def grant(plan: str, key: str, path: str | None = None, value: str = "5"):
        return lambda: c.update_usage(usagePlanId=plan, keyId=key, patchOperations=[
            {"op": "replace", "path": path or f"/keyId/{key}/remaining", "value": value}])

    cases = [
        (grant("nope", key_id), ("NotFoundException", "Invalid Usage Plan ID specified", 404)),
        (grant(plan_id, "nokey"),
         ("NotFoundException", "Invalid API Key identifier specified", 404)),
        (grant(plan_id, outsider), ("NotFoundException", "Invalid Usage Plan ID specified", 404)),
        (grant(bare_plan, key_id),
         ("BadRequestException", f"Usage Plan {bare_plan} has no quota to update", 400)),
        (grant(plan_id, key_id, f"/keyId/{outsider}/remaining"),
         ("BadRequestException", f"Invalid patch path /keyId/{outsider}/remaining", 400)),
    ]
    for call, expected in cases:
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == expected
    for bad in (grant(plan_id, key_id, value="lots"), grant(plan_id, key_id, "/remaining")):
        with pytest.raises(ClientError) as exc:
            bad()
        assert error_of(exc)[::2] == ("BadRequestException", 400)
    day = today()
    assert c.get_usage(usagePlanId=plan_id, startDate=day, endDate=day)["items"] == \
        {key_id: [[0, 10]]}


# -- the usage state the data plane uses -----------------------------------------------------

@pytest.mark.parametrize("period, offset, day, start", [
    ("DAY", 0, "2024-03-06", "2024-03-06"),
    ("WEEK", 0, "2024-03-06", "2024-03-03"),   # Wednesday -> the Sunday before
    ("WEEK", 0, "2024-03-03", "2024-03-03"),
    ("WEEK", 3, "2024-03-06", "2024-03-06"),   # weeks starting on Wednesdays
    ("WEEK", 4, "2024-03-06", "2024-02-29"),
    ("MONTH", 0, "2024-03-06", "2024-03-01"),
    ("MONTH", 9, "2024-03-06", "2024-02-10"),
    ("MONTH", 27, "2024-01-05", "2023-12-28"),
])
def test_quota_period_start(period, offset, day, start):
    def date(text: str) -> dt.date:
        return dt.date.fromisoformat(text)

    quota = {"limit": 1, "period": period, "offset": offset}
    assert period_start(quota, date(day)) == date(start)


def _state_with_plan(quota: dict | None) -> RegionStore:
    store = RegionStore("123456789012", "us-east-1")
    store.table(APIKEYS)["k1"] = {"id": "k1", "value": "v" * 30, "enabled": True}
    plan = {"id": "p1", "name": "p", "apiStages": [{"apiId": "api", "stage": "dev"}]}
    if quota:
        plan["quota"] = quota
    store.table(USAGEPLANS)["p1"] = {"plan": plan, "keys": ["k1"]}
    return store


def test_record_request_consumes_the_quota():
    store = _state_with_plan({"limit": 2, "period": "DAY", "offset": 0})
    now = at("2024-03-06")
    assert remaining_quota(store, "p1", "k1", now) == 2
    assert record_request(store, "p1", "k1", now)
    assert record_request(store, "p1", "k1", now + 60)
    assert remaining_quota(store, "p1", "k1", now) == 0
    assert not record_request(store, "p1", "k1", now + 120)
    assert remaining_quota(store, "p1", "k1", at("2024-03-07", 0)) == 2
    assert record_request(store, "p1", "k1", at("2024-03-07", 0))
    assert not record_request(store, "nope", "k1", now)


def test_record_request_without_quota_only_counts():
    store = _state_with_plan(None)
    assert remaining_quota(store, "p1", "k1", at("2024-03-06")) is None
    assert all(record_request(store, "p1", "k1", at("2024-03-06")) for _ in range(50))
    assert store.table("apigateway.usage")["p1"]["k1"]["used"] == {"2024-03-06": 50}


def test_find_plan():
    store = _state_with_plan(None)
    key, record = find_plan(store, "api", "dev", "v" * 30)
    assert (key["id"], record["plan"]["id"]) == ("k1", "p1")
    assert find_plan(store, "api", "prod", "v" * 30) is None
    assert find_plan(store, "other", "dev", "v" * 30) is None
    assert find_plan(store, "api", "dev", "w" * 30) is None
    store.table(APIKEYS)["k1"]["enabled"] = False
    assert find_plan(store, "api", "dev", "v" * 30) is None

"""API keys, usage plans (throttle, quota) and stage/account throttling on the data plane."""

from __future__ import annotations

import pytest

from mockgw.execute import pipeline
from mockgw.execute.policy import check_resource_policy
from tests.guards import EPOCH, Api, advance, expect_error, freeze

FORBIDDEN = (403, "ForbiddenException", "Forbidden")
THROTTLED = (429, "TooManyRequestsException", "Too Many Requests")
QUOTA = (429, "LimitExceededException", "Limit Exceeded")
DAY = 86400
MIDNIGHT = EPOCH - EPOCH % DAY


def keyed_api(gw, c, *, stages=("dev",), api_kwargs=None, **plan_kwargs):
    """An API whose GET and POST /items need a key, deployed to ``stages``; a plan for
    the first stage and an enabled key in it."""
    api = Api(gw, c, **(api_kwargs or {}))
    api.mock("/items", "GET", apiKeyRequired=True)
    api.mock("/items", "POST", apiKeyRequired=True)
    api.mock("/open", "GET")
    for stage in stages:
        api.deploy(stage)
    plan = c.create_usage_plan(name="plan", apiStages=[{"apiId": api.id, "stage": stages[0]}],
                               **plan_kwargs)
    key = c.create_api_key(name="k", enabled=True, value="a" * 20 + "validkey")
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    return api, plan, key


def test_api_key_decision_table(gw):
    c = gw.client()
    api, plan, key = keyed_api(gw, c, stages=("dev", "prod"))
    disabled = c.create_api_key(name="off", enabled=False, value="d" * 20 + "disabled")
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=disabled["id"], keyType="API_KEY")
    planless = c.create_api_key(name="loose", enabled=True, value="p" * 20 + "planless")
    cases = [  # (stage, x-api-key, expected status)
        ("dev", None, 403),
        ("dev", "", 403),
        ("dev", "u" * 20 + "unknown!", 403),
        ("dev", disabled["value"], 403),
        ("dev", planless["value"], 403),
        ("prod", key["value"], 403),  # the plan covers dev only
        ("dev", key["value"].upper(), 403),  # values are case-sensitive
        ("dev", key["value"], 200),
    ]
    for stage, value, status in cases:
        headers = {} if value is None else {"x-api-key": value}
        response = gw.http.get(api.url("/items", stage), headers=headers, timeout=10)
        if status == 403:
            expect_error(response, *FORBIDDEN)
        else:
            assert response.status_code == 200
            assert response.json() == {"ok": True}
    # methods without apiKeyRequired ignore keys altogether
    assert api.get("/open").status_code == 200
    assert api.get("/open", headers={"x-api-key": "nonsense"}).status_code == 200


def test_the_header_name_is_case_insensitive_and_the_key_reaches_context(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items", "GET", apiKeyRequired=True,
             body='{"key": "$context.identity.apiKey", "id": "$context.identity.apiKeyId"}')
    api.deploy()
    plan = c.create_usage_plan(name="p", apiStages=[{"apiId": api.id, "stage": "dev"}])
    key = c.create_api_key(name="k", enabled=True)
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    value = c.get_api_key(apiKey=key["id"], includeValue=True)["value"]
    response = api.get(headers={"X-API-KEY": value})
    assert response.status_code == 200
    assert response.json() == {"key": value, "id": key["id"]}


def test_disabling_a_key_or_removing_it_from_the_plan_takes_effect_at_once(gw):
    c = gw.client()
    api, plan, key = keyed_api(gw, c)
    headers = {"x-api-key": key["value"]}
    assert api.get(headers=headers).status_code == 200
    c.update_api_key(apiKey=key["id"], patchOperations=[
        {"op": "replace", "path": "/enabled", "value": "false"}])
    expect_error(api.get(headers=headers), *FORBIDDEN)
    c.update_api_key(apiKey=key["id"], patchOperations=[
        {"op": "replace", "path": "/enabled", "value": "true"}])
    assert api.get(headers=headers).status_code == 200
    c.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])
    expect_error(api.get(headers=headers), *FORBIDDEN)


def test_key_source_authorizer_reads_the_key_an_authorizer_set(gw, monkeypatch):
    """With apiKeySource AUTHORIZER the x-api-key header is ignored: the key is the one an
    authorizer put in $context.identity.apiKey (a stand-in authorizer step here)."""
    if gw.mode != "inprocess":
        pytest.skip("inserts a stand-in authorizer step into the in-process pipeline")
    c = gw.client()
    api, _plan, key = keyed_api(gw, c, api_kwargs={"apiKeySource": "AUTHORIZER"})

    def usage_identifier_key(inv):  # what a Lambda authorizer's usageIdentifierKey does
        inv.context["identity"]["apiKey"] = inv.request.headers.get("x-usage-key")

    steps = list(pipeline.STEPS)
    steps.insert(steps.index(check_resource_policy) + 1, usage_identifier_key)
    monkeypatch.setattr(pipeline, "STEPS", steps)
    expect_error(api.get(headers={"x-api-key": key["value"]}), *FORBIDDEN)
    assert api.get(headers={"x-usage-key": key["value"]}).status_code == 200


def test_usage_plan_throttle_is_a_token_bucket_per_key(gw):
    c = gw.client()
    api, plan, key = keyed_api(gw, c, throttle={"rateLimit": 1.0, "burstLimit": 2})
    other = c.create_api_key(name="other", enabled=True, value="o" * 20 + "otherkey")
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=other["id"], keyType="API_KEY")
    freeze(gw)
    mine, theirs = {"x-api-key": key["value"]}, {"x-api-key": other["value"]}
    assert [api.get(headers=mine).status_code for _ in range(2)] == [200, 200]
    expect_error(api.get(headers=mine), *THROTTLED)
    assert api.call("POST", headers=mine).status_code == 429  # the plan covers every method
    assert api.get(headers=theirs).status_code == 200  # each key has its own bucket
    advance(gw, 1)  # one token back
    assert api.get(headers=mine).status_code == 200
    expect_error(api.get(headers=mine), *THROTTLED)
    advance(gw, 10)  # refilled up to the burst, not beyond
    assert [api.get(headers=mine).status_code for _ in range(3)] == [200, 200, 429]


def test_per_method_plan_throttle_overrides_the_plan_throttle(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items", "GET", apiKeyRequired=True)
    api.mock("/items", "POST", apiKeyRequired=True)
    api.deploy()
    plan = c.create_usage_plan(name="p", throttle={"rateLimit": 100.0, "burstLimit": 100},
                               apiStages=[{"apiId": api.id, "stage": "dev", "throttle": {
                                   "/items/GET": {"rateLimit": 1.0, "burstLimit": 1}}}])
    key = c.create_api_key(name="k", enabled=True, value="m" * 20 + "methodkey")
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    freeze(gw)
    headers = {"x-api-key": key["value"]}
    assert api.get(headers=headers).status_code == 200
    expect_error(api.get(headers=headers), *THROTTLED)
    assert [api.call("POST", headers=headers).status_code for _ in range(5)] == [200] * 5


@pytest.mark.parametrize(("period", "offset", "next_period"), [
    ("DAY", 0, 1 * DAY),
    ("WEEK", 0, 5 * DAY),  # weeks start on Sunday (offset 0): the next one on the 19th
    ("WEEK", 3, 1 * DAY),  # ... or offset days later: Wednesday the 15th
    ("MONTH", 0, 17 * DAY),  # December 1st
])
def test_quota_limits_each_period_and_shows_in_get_usage(gw, period, offset, next_period):
    c = gw.client()
    api, plan, key = keyed_api(gw, c, quota={"limit": 2, "period": period, "offset": offset})
    freeze(gw, MIDNIGHT)  # Tuesday 2023-11-14
    headers = {"x-api-key": key["value"]}
    assert [api.get(headers=headers).status_code for _ in range(2)] == [200, 200]
    expect_error(api.get(headers=headers), *QUOTA)
    usage = c.get_usage(usagePlanId=plan["id"], startDate="2023-11-14", endDate="2023-11-14")
    assert usage["items"] == {key["id"]: [[2, 0]]}  # the refused request is not counted
    assert usage["startDate"] == "2023-11-14"
    advance(gw, next_period - 1)  # still in the period
    expect_error(api.get(headers=headers), *QUOTA)
    advance(gw, 1)  # the next period starts
    assert api.get(headers=headers).status_code == 200


def test_update_usage_grants_more_quota_to_a_key(gw):
    c = gw.client()
    api, plan, key = keyed_api(gw, c, quota={"limit": 1, "period": "DAY"})
    freeze(gw, EPOCH)
    headers = {"x-api-key": key["value"]}
    assert api.get(headers=headers).status_code == 200
    expect_error(api.get(headers=headers), *QUOTA)
    c.update_usage(usagePlanId=plan["id"], keyId=key["id"], patchOperations=[
        {"op": "replace", "path": f"/keyId/{key['id']}/remaining", "value": "2"}])
    assert [api.get(headers=headers).status_code for _ in range(3)] == [200, 200, 429]


def test_throttled_requests_do_not_use_the_quota(gw):
    c = gw.client()
    api, plan, key = keyed_api(gw, c, throttle={"rateLimit": 1.0, "burstLimit": 1},
                               quota={"limit": 10, "period": "DAY"})
    freeze(gw, EPOCH)
    headers = {"x-api-key": key["value"]}
    assert [api.get(headers=headers).status_code for _ in range(3)] == [200, 429, 429]
    usage = c.get_usage(usagePlanId=plan["id"], startDate="2023-11-14", endDate="2023-11-14")
    assert usage["items"] == {key["id"]: [[1, 9]]}


def test_stage_default_throttle_applies_to_each_method_on_its_own(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items", "GET")
    api.mock("/items", "POST")
    api.deploy()
    api.update_stage(("/*/*/throttling/burstLimit", "1"), ("/*/*/throttling/rateLimit", "1"))
    freeze(gw)
    assert api.get().status_code == 200
    expect_error(api.get(), *THROTTLED)
    assert api.call("POST").status_code == 200  # its own bucket
    expect_error(api.call("POST"), *THROTTLED)
    advance(gw, 1)
    assert api.get().status_code == 200


def test_a_method_setting_overrides_the_stage_default(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items", "GET")
    api.mock("/items", "POST")
    api.deploy()
    api.update_stage(("/*/*/throttling/burstLimit", "1"), ("/*/*/throttling/rateLimit", "1"),
                     ("/~1items/GET/throttling/burstLimit", "3"))
    freeze(gw)
    assert [api.get().status_code for _ in range(4)] == [200, 200, 200, 429]
    assert [api.call("POST").status_code for _ in range(2)] == [200, 429]


def test_stage_throttle_applies_to_keyed_requests_too(gw):
    c = gw.client()
    api, _plan, key = keyed_api(gw, c, throttle={"rateLimit": 100.0, "burstLimit": 100})
    api.update_stage(("/~1items/GET/throttling/burstLimit", "1"),
                     ("/~1items/GET/throttling/rateLimit", "0"))
    freeze(gw)
    headers = {"x-api-key": key["value"]}
    assert api.get(headers=headers).status_code == 200
    expect_error(api.get(headers=headers), *THROTTLED)


def test_account_level_limits_cover_every_api_of_the_account(gw):
    if gw.mode != "inprocess":
        pytest.skip("sets the account's throttle in mockgw's state (not an AWS operation)")
    c = gw.client()
    first = Api(gw, c, "first")
    first.mock()
    first.deploy()
    second = Api(gw, c, "second")
    second.mock()
    second.deploy()
    assert c.get_account()["throttleSettings"] == {"burstLimit": 5000, "rateLimit": 10000.0}
    store = gw.mock.instance.backends.store("123456789012", "us-east-1")
    store.table("apigateway.account")["settings"]["throttleSettings"] = {
        "burstLimit": 2, "rateLimit": 1.0}
    freeze(gw)
    assert first.get().status_code == 200
    assert second.get().status_code == 200
    expect_error(first.get(), *THROTTLED)
    expect_error(second.get(), *THROTTLED)


def test_aws_default_account_limits_a_burst_of_5000_then_10000_a_second(gw):
    """Without a throttle of its own, an API gets the account's: 5,000 requests at once,
    then 10,000 a second (what caps any API's throughput, on mockgw as on AWS)."""
    if gw.mode != "inprocess":
        pytest.skip("6,000 requests: the limits are the pipeline's, the same on the server")
    c = gw.client()
    api = Api(gw, c)
    api.mock()
    api.deploy()
    freeze(gw)
    statuses = [api.get().status_code for _ in range(5000)]
    assert statuses == [200] * 5000
    expect_error(api.get(), *THROTTLED)
    advance(gw, 0.125)  # 1,250 more (an eighth of a second: exact in floating point)
    statuses = [api.get().status_code for _ in range(1251)]
    assert statuses == [200] * 1250 + [429]


def test_throttled_answer_uses_the_gateway_response(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock()
    c.put_gateway_response(restApiId=api.id, responseType="THROTTLED", statusCode="503",
                           responseParameters={"gatewayresponse.header.Retry-After": "'1'"},
                           responseTemplates={"application/json":
                                              '{"error": "slow down", "type": '
                                              '"$context.error.responseType"}'})
    api.deploy()
    api.update_stage(("/*/*/throttling/burstLimit", "0"))
    response = api.get()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.headers["x-amzn-ErrorType"] == "TooManyRequestsException"
    assert response.json() == {"error": "slow down", "type": "THROTTLED"}

"""ApiKey CRUD and ImportApiKeys through boto3, in-process and against the server."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from tests.usageplan_helpers import error_of, make_stage

VALUE = "apikey1234abcdefghij0123456789"  # 30 characters, as AWS's examples


def body_of(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_create_api_key_defaults(gw):
    c = gw.client()
    key = c.create_api_key(name="first")
    assert key["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(key["id"]) == 10 and key["id"].isalnum()
    assert len(key["value"]) == 40 and key["value"].isalnum()
    assert key["enabled"] is False
    assert key["stageKeys"] == []
    assert key["createdDate"] == key["lastUpdatedDate"]
    assert isinstance(key["createdDate"], dt.datetime)
    assert set(body_of(key)) == {"id", "value", "name", "enabled", "createdDate",
                                 "lastUpdatedDate", "stageKeys"}


def test_create_api_key_with_every_option(gw):
    c = gw.client()
    key = c.create_api_key(name="full", description="for partners", enabled=True,
                           generateDistinctId=True, value=VALUE, customerId="cust-1",
                           tags={"team": "core"})
    assert key["value"] == VALUE
    got = c.get_api_key(apiKey=key["id"], includeValue=True)
    assert body_of(got) == body_of(key)
    assert got["description"] == "for partners"
    assert got["customerId"] == "cust-1"
    assert got["tags"] == {"team": "core"}
    assert got["enabled"] is True


def test_create_api_key_without_name_or_value(gw):
    c = gw.client()
    key = c.create_api_key(value="")
    assert "name" not in key
    assert len(key["value"]) == 40
    assert c.create_api_key(value="a" * 20)["value"] == "a" * 20


@pytest.mark.parametrize("value, message", [
    ("a" * 19, "API Key value should be at least 20 characters"),
    ("a" * 129, "API Key value exceeds maximum size of 128 characters"),
])
def test_create_api_key_value_length(gw, value, message):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.create_api_key(name="bad", value=value)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_api_keys()["items"] == []


def test_create_api_key_duplicate_value(gw):
    c = gw.client()
    c.create_api_key(name="one", value=VALUE)
    with pytest.raises(ClientError) as exc:
        c.create_api_key(name="two", value=VALUE)
    assert error_of(exc) == ("ConflictException", "API Key already exists", 409)
    assert [k["name"] for k in c.get_api_keys()["items"]] == ["one"]


def test_create_api_key_with_stage_keys(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    key = c.create_api_key(name="legacy", stageKeys=[{"restApiId": api_id, "stageName": "dev"}])
    assert key["stageKeys"] == [f"{api_id}/dev"]


def test_create_api_key_stage_keys_must_exist(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    for stage_key, message in [
        ({"restApiId": "nope", "stageName": "dev"}, "Invalid REST API identifier specified"),
        ({"stageName": "dev"}, "Invalid REST API identifier specified"),
        ({"restApiId": api_id, "stageName": "prod"}, "Invalid stage identifier specified"),
    ]:
        with pytest.raises(ClientError) as exc:
            c.create_api_key(name="legacy", stageKeys=[stage_key])
        assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_api_keys()["items"] == []


def test_get_api_key(gw):
    c = gw.client()
    key = c.create_api_key(name="k", value=VALUE)
    got = c.get_api_key(apiKey=key["id"])
    assert "value" not in got
    assert got["tags"] == {}
    assert c.get_api_key(apiKey=key["id"], includeValue=True)["value"] == VALUE
    with pytest.raises(ClientError) as exc:
        c.get_api_key(apiKey="missing")
    assert error_of(exc) == ("NotFoundException", "Invalid API Key identifier specified", 404)


def test_get_api_keys_filters(gw):
    c = gw.client()
    a = c.create_api_key(name="test-key-a", customerId="c1")
    b = c.create_api_key(name="test-key-b", tags={"t": "v"})
    c.create_api_key(name="other")
    items = c.get_api_keys(nameQuery="test-key")["items"]
    assert [k["id"] for k in items] == sorted([a["id"], b["id"]])
    assert all("value" not in k for k in items)
    assert "tags" not in next(k for k in items if k["id"] == a["id"])
    assert next(k for k in items if k["id"] == b["id"])["tags"] == {"t": "v"}
    assert c.get_api_keys(nameQuery="TEST-key")["items"] == []
    assert c.get_api_keys(nameQuery="key")["items"] == []
    assert c.get_api_keys(nameQuery="nothing")["items"] == []
    assert [k["id"] for k in c.get_api_keys(customerId="c1")["items"]] == [a["id"]]
    shown = c.get_api_keys(nameQuery="test-key-a", includeValues=True)["items"]
    assert [k["value"] for k in shown] == [a["value"]]


def test_get_api_keys_paging(gw):
    c = gw.client()
    ids = sorted(c.create_api_key(name=f"k{i}")["id"] for i in range(3))
    first = c.get_api_keys(limit=2)
    assert [k["id"] for k in first["items"]] == ids[:2]
    second = c.get_api_keys(limit=2, position=first["position"])
    assert [k["id"] for k in second["items"]] == ids[2:]
    assert "position" not in second


def test_update_api_key(gw):
    c = gw.client()
    key = c.create_api_key(name="old", value=VALUE)
    updated = c.update_api_key(apiKey=key["id"], patchOperations=[
        {"op": "replace", "path": "/name", "value": "new"},
        {"op": "replace", "path": "/description", "value": "desc"},
        {"op": "replace", "path": "/enabled", "value": "TRUE"},
        {"op": "replace", "path": "/customerId", "value": "cust"},
    ])
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "value" not in updated
    assert updated["tags"] == {}
    assert (updated["name"], updated["description"], updated["enabled"],
            updated["customerId"]) == ("new", "desc", True, "cust")
    assert updated["lastUpdatedDate"] >= key["lastUpdatedDate"]
    got = c.get_api_key(apiKey=key["id"], includeValue=True)
    assert got["value"] == VALUE and got["name"] == "new"


def test_update_api_key_enabled_takes_any_text(gw):
    c = gw.client()
    key = c.create_api_key(name="k", enabled=True)
    updated = c.update_api_key(apiKey=key["id"], patchOperations=[
        {"op": "replace", "path": "/enabled", "value": "not-a-boolean"}])
    assert updated["enabled"] is False


def test_update_api_key_stages(gw):
    c = gw.client()
    api_id = make_stage(gw, c)
    key = c.create_api_key(name="k")
    added = c.update_api_key(apiKey=key["id"], patchOperations=[
        {"op": "add", "path": "/stages", "value": f"{api_id}/dev"}])
    assert added["stageKeys"] == [f"{api_id}/dev"]
    with pytest.raises(ClientError) as exc:
        c.update_api_key(apiKey=key["id"], patchOperations=[
            {"op": "add", "path": "/stages", "value": f"{api_id}/prod"}])
    assert error_of(exc) == ("BadRequestException", "Invalid stage identifier specified", 400)
    removed = c.update_api_key(apiKey=key["id"], patchOperations=[
        {"op": "remove", "path": "/stages", "value": f"{api_id}/dev"}])
    assert removed["stageKeys"] == []


@pytest.mark.parametrize("operation", [
    {"op": "replace", "path": "/id", "value": "new-id"},
    {"op": "replace", "path": "/value", "value": VALUE},
    {"op": "add", "path": "/stages", "value": "no-slash"},
])
def test_failed_update_api_key_changes_nothing(gw, operation):
    c = gw.client()
    key = c.create_api_key(name="keep")
    before = c.get_api_key(apiKey=key["id"], includeValue=True)
    with pytest.raises(ClientError) as exc:
        c.update_api_key(apiKey=key["id"], patchOperations=[
            {"op": "replace", "path": "/name", "value": "changed"}, operation])
    code, message, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    assert message.startswith("Invalid")
    assert body_of(c.get_api_key(apiKey=key["id"], includeValue=True)) == body_of(before)


def test_update_unknown_api_key(gw):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.update_api_key(apiKey="missing", patchOperations=[
            {"op": "replace", "path": "/name", "value": "x"}])
    assert error_of(exc) == ("NotFoundException", "Invalid API Key identifier specified", 404)


def test_delete_api_key_leaves_its_usage_plans(gw):
    c = gw.client()
    key = c.create_api_key(name="gone")
    plan = c.create_usage_plan(name="plan")
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    deleted = c.delete_api_key(apiKey=key["id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert c.get_usage_plan_keys(usagePlanId=plan["id"])["items"] == []
    with pytest.raises(ClientError) as exc:
        c.delete_api_key(apiKey=key["id"])
    assert error_of(exc) == ("NotFoundException", "Invalid API Key identifier specified", 404)


# -- ImportApiKeys ---------------------------------------------------------------------------

def test_import_api_keys_minimal_file(gw):
    c = gw.client()
    result = c.import_api_keys(body=f"Key,name\n{VALUE},MyFirstApiKey\n".encode(),
                               format="csv")
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert result["warnings"] == []
    (key_id,) = result["ids"]
    key = c.get_api_key(apiKey=key_id, includeValue=True)
    assert (key["name"], key["value"], key["enabled"]) == ("MyFirstApiKey", VALUE, True)
    assert "description" not in key


def test_import_api_keys_into_usage_plans(gw):
    c = gw.client()
    plan_a = c.create_usage_plan(name="a")["id"]
    plan_b = c.create_usage_plan(name="b")["id"]
    csv = (
        "key,name, description, enabled, usageplanIds\n"
        f"{VALUE}1, importedKey_1, firstone,  tRuE, {plan_a}\n"
        f"{VALUE}2, importedKey_2, secondone, false, \"{plan_a},{plan_b}\"\n"
        f"{VALUE}3, importedKey_3,          , true, '{plan_b}'\n"
    )
    ids = c.import_api_keys(body=csv.encode(), format="csv", failOnWarnings=True)["ids"]
    keys = [c.get_api_key(apiKey=i) for i in ids]
    assert [(k["name"], k["enabled"], k.get("description")) for k in keys] == [
        ("importedKey_1", True, "firstone"), ("importedKey_2", False, "secondone"),
        ("importedKey_3", True, None)]
    in_a = c.get_usage_plan_keys(usagePlanId=plan_a)["items"]
    in_b = c.get_usage_plan_keys(usagePlanId=plan_b)["items"]
    assert sorted(k["name"] for k in in_a) == ["importedKey_1", "importedKey_2"]
    assert sorted(k["name"] for k in in_b) == ["importedKey_2", "importedKey_3"]


def test_import_api_keys_overwrites_same_value(gw):
    c = gw.client()
    key = c.create_api_key(name="before", value=VALUE, description="old")
    result = c.import_api_keys(body=f"Name,Key,Enabled\nafter,{VALUE},true\n".encode(),
                               format="csv")
    assert result["ids"] == [key["id"]]
    got = c.get_api_key(apiKey=key["id"])
    assert (got["name"], got["enabled"], "description" in got) == ("after", True, False)
    assert len(c.get_api_keys()["items"]) == 1


def test_import_api_keys_warnings(gw):
    c = gw.client()
    csv = (f"name,key,usageplanids\n"
           f"short,tooshort,\n"
           f"noplan,{VALUE},missing\n"
           f"good,{VALUE}x,\n")
    result = c.import_api_keys(body=csv.encode(), format="csv")
    assert result["warnings"] == [
        "Line 2: API Key value should be at least 30 characters",
        "Line 3: Invalid Usage Plan ID specified: missing",
    ]
    assert [c.get_api_key(apiKey=i)["name"] for i in result["ids"]] == ["good"]


def test_import_api_keys_fail_on_warnings_imports_nothing(gw):
    c = gw.client()
    csv = f"name,key\ngood,{VALUE}\nshort,tooshort\n"
    with pytest.raises(ClientError) as exc:
        c.import_api_keys(body=csv.encode(), format="csv", failOnWarnings=True)
    assert error_of(exc) == ("BadRequestException",
                             "Line 3: API Key value should be at least 30 characters", 400)
    assert c.get_api_keys()["items"] == []


@pytest.mark.parametrize("body, message", [
    (f"name,value\nk,{VALUE}\n", "Invalid API Key file: missing required column(s): key"),
    (f"Key\n{VALUE}\n", "Invalid API Key file: missing required column(s): name"),
    ("\n\n", "Invalid API Key file: the file is empty"),
])
def test_import_api_keys_file_errors(gw, body, message):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.import_api_keys(body=body.encode(), format="csv")
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_api_keys()["items"] == []

"""Admin API: state dump and load, recent data-plane requests, stage metrics."""

from __future__ import annotations

import pytest

from mockgw.state import codec
from tests.helpers import mock_api


def deployed(gw, *, stage: str = "dev", **kwargs) -> dict:
    client = gw.client()
    ids = mock_api(client, path="pets", **kwargs)
    ids["deployment_id"] = client.create_deployment(restApiId=ids["api_id"],
                                                    stageName=stage)["id"]
    return ids


def test_state_dump_and_load_round_trip(gw):
    ids = deployed(gw)
    dumped = gw.raw("GET", "/_mockgw/state")
    assert dumped.status_code == 200
    doc = dumped.json()
    assert [(s["account"], s["region"]) for s in doc["stores"]] == [
        ("123456789012", "us-east-1")]
    assert ids["api_id"] in doc["stores"][0]["tables"]["apigateway.restapis"]

    gw.raw("POST", "/_mockgw/reset")
    client = gw.client()
    assert client.get_rest_apis()["items"] == []
    loaded = gw.raw("POST", "/_mockgw/state", data=dumped.content)
    assert (loaded.status_code, loaded.json()) == (200, {"loaded": 1})
    assert [a["id"] for a in client.get_rest_apis()["items"]] == [ids["api_id"]]
    answer = gw.http.get(gw.invoke_url(ids["api_id"], "dev", "/pets"), timeout=10)
    assert (answer.status_code, answer.json()) == (200, {"ok": True})


@pytest.mark.parametrize(("body", "message"), [
    (b"not json", "Body must be JSON"),
    (b"[]", 'Body must be a state document: {"stores": [...]}'),
    (b'{"stores": [{"account": "1", "region": "r", "tables": []}]}',
     'Each store must be {"account": str, "region": str, "tables": {name: {key: record}}}'),
])
def test_loading_a_bad_state_document_changes_nothing(gw, body, message):
    api_id = gw.client().create_rest_api(name="stays")["id"]
    answer = gw.raw("POST", "/_mockgw/state", data=body)
    assert (answer.status_code, answer.json()) == (400, {"message": message})
    assert gw.client().get_rest_api(restApiId=api_id)["name"] == "stays"


def test_state_keeps_bytes():
    text = codec.dumps({"zip": b"\x00\xffPK", "n": [1, "a", None]})
    assert codec.loads(text) == {"zip": b"\x00\xffPK", "n": [1, "a", None]}


def test_recent_requests_have_the_access_log_fields(gw):
    ids = deployed(gw)
    api_id = ids["api_id"]
    ok = gw.http.get(gw.invoke_url(api_id, "dev", "/pets"), timeout=10,
                     headers={"User-Agent": "probe/1"})
    missing = gw.http.post(gw.invoke_url(api_id, "dev", "/nothing"), timeout=10)
    assert (ok.status_code, missing.status_code) == (200, 403)

    listed = gw.raw("GET", f"/_mockgw/requests?apiId={api_id}").json()["requests"]
    assert [r["status"] for r in listed] == [403, 200]  # newest first
    newest, oldest = listed
    assert oldest["requestId"] == ok.headers["x-amzn-RequestId"]
    assert {k: oldest[k] for k in ("apiId", "stage", "httpMethod", "resourcePath", "path",
                                   "protocol", "responseLength", "userAgent",
                                   "isCanaryRequest", "errorMessage", "cacheStatus",
                                   "integrationStatus", "accountId", "deploymentId",
                                   "authorizer")} == {
        "apiId": api_id, "stage": "dev", "httpMethod": "GET", "resourcePath": "/pets",
        "path": "/dev/pets", "protocol": "HTTP/1.1", "responseLength": len(ok.content),
        "userAgent": "probe/1", "isCanaryRequest": False, "errorMessage": None,
        "cacheStatus": None, "integrationStatus": 200, "accountId": "123456789012",
        "deploymentId": ids["deployment_id"], "authorizer": None}
    assert oldest["responseLatency"] >= oldest["integrationLatency"] >= 0
    assert oldest["requestTimeEpoch"] <= newest["requestTimeEpoch"]
    assert (newest["httpMethod"], newest["resourcePath"], newest["errorMessage"]) == (
        "POST", None, "Missing Authentication Token")
    limited = gw.raw("GET", f"/_mockgw/requests?apiId={api_id}&stage=dev&limit=1").json()
    assert [r["requestId"] for r in limited["requests"]] == [newest["requestId"]]
    assert gw.raw("GET", "/_mockgw/requests?stage=prod").json() == {"requests": []}
    bad = gw.raw("GET", "/_mockgw/requests?limit=many")
    assert (bad.status_code, bad.json()) == (400, {"message": "limit takes a number"})


def test_stage_metrics_count_like_cloudwatch(gw):
    api_id = deployed(gw)["api_id"]
    url = gw.invoke_url(api_id, "dev", "/pets")
    for _ in range(3):
        assert gw.http.get(url, timeout=10).status_code == 200
    assert gw.http.get(gw.invoke_url(api_id, "dev", "/nothing"), timeout=10).status_code == 403
    broken = deployed(gw, stage="prod", status="500")  # a method that answers 500
    assert gw.http.get(gw.invoke_url(broken["api_id"], "prod", "/pets"),
                       timeout=10).status_code == 500

    found = gw.raw("GET", f"/_mockgw/metrics?apiId={api_id}").json()["metrics"]
    assert len(found) == 1
    (metrics,) = found
    assert {k: metrics[k] for k in ("accountId", "region", "apiId", "apiName", "stage")} == {
        "accountId": "123456789012", "region": "us-east-1", "apiId": api_id,
        "apiName": "api", "stage": "dev"}
    production = metrics["production"]
    assert {k: production[k] for k in ("Count", "4XXError", "5XXError", "CacheHitCount",
                                       "CacheMissCount")} == {
        "Count": 4, "4XXError": 1, "5XXError": 0, "CacheHitCount": 0, "CacheMissCount": 0}
    latency = production["Latency"]
    assert latency["SampleCount"] == 4
    assert 0 < latency["Minimum"] <= latency["p50"] <= latency["Maximum"]
    assert latency["Average"] == pytest.approx(latency["Sum"] / 4, abs=0.001)
    assert production["IntegrationLatency"]["SampleCount"] == 3  # the 403 has no integration
    assert metrics["canary"]["Count"] == 0
    assert metrics["canary"]["Latency"] == {"SampleCount": 0}

    prod = gw.raw("GET", f"/_mockgw/metrics?apiId={broken['api_id']}&stage=prod").json()
    assert prod["metrics"][0]["production"]["5XXError"] == 1


def test_canary_traffic_is_counted_apart(gw):
    client = gw.client()
    api_id = deployed(gw)["api_id"]
    client.create_deployment(restApiId=api_id, stageName="dev",
                             canarySettings={"percentTraffic": 100.0})
    assert gw.http.get(gw.invoke_url(api_id, "dev", "/pets"), timeout=10).status_code == 200
    (metrics,) = gw.raw("GET", f"/_mockgw/metrics?apiId={api_id}").json()["metrics"]
    assert (metrics["production"]["Count"], metrics["canary"]["Count"]) == (0, 1)
    (request,) = gw.raw("GET", f"/_mockgw/requests?apiId={api_id}").json()["requests"]
    assert request["isCanaryRequest"] is True


def test_cache_hits_and_misses_are_counted(gw):
    client = gw.client()
    api_id = deployed(gw)["api_id"]
    client.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
        {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"}])
    for _ in range(3):
        assert gw.http.get(gw.invoke_url(api_id, "dev", "/pets"), timeout=10).status_code == 200
    (metrics,) = gw.raw("GET", f"/_mockgw/metrics?apiId={api_id}").json()["metrics"]
    production = metrics["production"]
    assert (production["CacheHitCount"], production["CacheMissCount"]) == (2, 1)
    assert production["IntegrationLatency"]["SampleCount"] == 1  # hits skip the integration
    recent = gw.raw("GET", "/_mockgw/requests").json()["requests"]
    assert [r["cacheStatus"] for r in recent] == ["hit", "hit", "miss"]


def test_test_invocations_are_neither_requests_nor_metrics(gw):
    client = gw.client()
    ids = deployed(gw)
    tested = client.test_invoke_method(restApiId=ids["api_id"], resourceId=ids["resource_id"],
                                       httpMethod="GET")
    assert tested["status"] == 200
    assert gw.raw("GET", "/_mockgw/requests").json() == {"requests": []}
    assert gw.raw("GET", "/_mockgw/metrics").json() == {"metrics": []}


def test_reset_forgets_requests_and_metrics(gw):
    api_id = deployed(gw)["api_id"]
    gw.http.get(gw.invoke_url(api_id, "dev", "/pets"), timeout=10)
    gw.raw("POST", "/_mockgw/reset")
    assert gw.raw("GET", "/_mockgw/requests").json() == {"requests": []}
    assert gw.raw("GET", "/_mockgw/metrics").json() == {"metrics": []}


def test_recent_requests_say_what_authorization_decided(gw):
    from tests.guards import EPOCH, freeze, sign
    from tests.test_dataplane_iam import iam_api, signed_get

    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    assert signed_get(gw, api).status_code == 200
    assert gw.http.get(api.url("/items"), timeout=10).status_code == 403
    stale = sign("GET", api.url("/items"), at=EPOCH - 3600)
    assert gw.http.get(api.url("/items"), headers=stale, timeout=10).status_code == 403
    assert gw.http.get(api.url("/open"), timeout=10).status_code == 200
    found = [r["authorizer"] for r in
             gw.raw("GET", f"/_mockgw/requests?apiId={api.id}").json()["requests"]]
    assert found == [None,
                     {"type": "AWS_IAM", "decision": "DENY", "reason": "INVALID_SIGNATURE"},
                     {"type": "AWS_IAM", "decision": "DENY",
                      "reason": "MISSING_AUTHENTICATION_TOKEN"},
                     {"type": "AWS_IAM", "decision": "ALLOW"}]

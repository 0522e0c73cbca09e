"""The stage cache: hits skip the integration, TTLs, cache keys, Cache-Control, flushing."""

from __future__ import annotations

import pytest

from tests.guards import EPOCH, Api, advance, expect_error, freeze, sign
from tests.helpers import error_of


def cached_api(gw, c, backend, *, stage_settings=(), cache_keys=(), method="GET",
               path="/items", **method_kwargs) -> Api:
    """``{method} {path}`` proxied to the backend, on a stage whose cache is on for GET."""
    api = Api(gw, c)
    api.http(backend.url + "/backend", path, method,
             integration={"cacheKeyParameters": list(cache_keys)}, **method_kwargs)
    api.deploy()
    api.update_stage(("/cacheClusterEnabled", "true"), ("/*/*/caching/enabled", "true"),
                     *stage_settings)
    return api


def test_a_hit_does_not_call_the_integration(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend)
    freeze(gw)
    first = api.get()
    second = api.get()
    assert first.status_code == second.status_code == 200
    assert len(backend.seen) == 1
    assert second.json() == first.json()
    assert second.headers["x-amzn-RequestId"] != first.headers["x-amzn-RequestId"]
    assert c.get_stage(restApiId=api.id, stageName="dev")["cacheClusterStatus"] == "AVAILABLE"


def test_entries_live_for_the_ttl(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend, stage_settings=[("/*/*/caching/ttlInSeconds", "60")])
    freeze(gw)
    api.get()
    advance(gw, 59)
    api.get()
    assert len(backend.seen) == 1
    advance(gw, 1)
    api.get()
    assert len(backend.seen) == 2
    api.get()
    assert len(backend.seen) == 2  # the fresh response is cached again


def test_no_cache_without_a_cache_cluster_or_with_ttl_zero(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend)
    api.update_stage(("/cacheClusterEnabled", "false"))
    api.get()
    api.get()
    assert len(backend.seen) == 2
    api.update_stage(("/cacheClusterEnabled", "true"), ("/*/*/caching/ttlInSeconds", "0"))
    api.get()
    api.get()
    assert len(backend.seen) == 4


def test_only_get_is_cached_unless_a_method_enables_it(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend, method="POST")
    api.call("POST")
    api.call("POST")
    assert len(backend.seen) == 2  # the stage's */* setting caches GET only
    api.update_stage(("/~1items/POST/caching/enabled", "true"))
    api.call("POST")
    api.call("POST")
    assert len(backend.seen) == 3


def test_a_method_setting_can_turn_caching_off(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend,
                     stage_settings=[("/~1items/GET/caching/enabled", "false")])
    api.get()
    api.get()
    assert len(backend.seen) == 2


def test_cache_keys_come_from_cache_key_parameters(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend, cache_keys=["method.request.querystring.type"],
                     requestParameters={"method.request.querystring.type": False})
    paths = lambda: [seen.path for seen in backend.seen]  # noqa: E731
    api.get("/items?type=admin&department=A")
    api.get("/items?type=regular&department=A")
    api.get("/items?type=admin&department=B")  # served from the type=admin entry
    assert paths() == ["/backend?type=admin&department=A", "/backend?type=regular&department=A"]
    assert api.get("/items?type=admin&department=B").json()["path"] == \
        "/backend?type=admin&department=A"
    api.get("/items")  # no value is a key of its own
    assert len(backend.seen) == 3


def test_parameters_outside_the_keys_share_an_entry(gw, backend):
    """As on AWS, a path parameter that is not a cache key does not separate entries."""
    c = gw.client()
    api = cached_api(gw, c, backend, path="/items/{id}")
    api.get("/items/1")
    assert api.get("/items/2").json()["path"] == "/backend"
    assert len(backend.seen) == 1
    keyed = cached_api(gw, c, backend, path="/items/{id}",
                       cache_keys=["method.request.path.id"],
                       requestParameters={"method.request.path.id": True})
    keyed.get("/items/1")
    keyed.get("/items/2")
    keyed.get("/items/1")
    assert len(backend.seen) == 3


def test_cache_keys_through_integration_request_parameters(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend, cache_keys=["integration.request.header.x-tenant"],
                     requestParameters={"method.request.header.Tenant": False})
    c.update_integration(restApiId=api.id, resourceId=api.resources["/items"],
                         httpMethod="GET", patchOperations=[
                             {"op": "add",
                              "path": "/requestParameters/integration.request.header.x-tenant",
                              "value": "method.request.header.Tenant"}])
    api.deploy()
    for tenant in ("a", "b", "a", "b"):
        api.get(headers={"Tenant": tenant})
    assert len(backend.seen) == 2


def test_resources_sharing_a_cache_namespace_share_entries(gw, backend):
    c = gw.client()
    api = Api(gw, c)
    for path in ("/one", "/two"):
        api.http(backend.url + path, path, integration={"cacheNamespace": "shared"})
    api.deploy()
    api.update_stage(("/cacheClusterEnabled", "true"), ("/*/*/caching/enabled", "true"))
    api.get("/one")
    assert api.get("/two").json()["path"] == "/one"
    assert len(backend.seen) == 1


def test_cache_control_max_age_0_refreshes_when_authorization_is_not_required(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend, stage_settings=[
        ("/*/*/caching/requireAuthorizationForCacheControl", "false")])
    api.get()
    fresh = api.get(headers={"Cache-Control": "max-age=0"})
    assert len(backend.seen) == 2
    assert "Warning" not in fresh.headers
    api.get()
    assert len(backend.seen) == 2  # the refreshed entry answers


@pytest.mark.parametrize(("strategy", "warning"), [
    ("SUCCEED_WITH_RESPONSE_HEADER",
     "199 Cache-control headers were ignored because the caller was unauthorized."),
    ("SUCCEED_WITHOUT_RESPONSE_HEADER", None),
])
def test_unauthorized_cache_control_is_ignored(gw, backend, strategy, warning):
    c = gw.client()
    api = cached_api(gw, c, backend, stage_settings=[
        ("/*/*/caching/unauthorizedCacheControlHeaderStrategy", strategy)])
    miss = api.get(headers={"Cache-Control": "no-cache, max-age=0"})
    hit = api.get(headers={"Cache-Control": "max-age=0"})
    assert len(backend.seen) == 1
    assert miss.headers.get("Warning") == hit.headers.get("Warning") == warning
    assert "Warning" not in api.get().headers


def test_unauthorized_cache_control_fails_with_403(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend, stage_settings=[
        ("/*/*/caching/unauthorizedCacheControlHeaderStrategy", "FAIL_WITH_403")])
    api.get()
    expect_error(api.get(headers={"Cache-Control": "max-age=0"}), 403, "UnauthorizedException",
                 "Unauthorized")
    assert api.get(headers={"Cache-Control": "max-age=60"}).status_code == 200
    assert len(backend.seen) == 1


def test_default_strategy_adds_the_warning(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend)
    stage = c.get_stage(restApiId=api.id, stageName="dev")
    assert stage["methodSettings"]["*/*"]["requireAuthorizationForCacheControl"] is True
    assert stage["methodSettings"]["*/*"]["unauthorizedCacheControlHeaderStrategy"] == \
        "SUCCEED_WITH_RESPONSE_HEADER"
    api.get()
    response = api.get(headers={"Cache-Control": "max-age=0"})
    assert response.headers["Warning"].startswith("199 ")
    assert len(backend.seen) == 1


def test_flush_stage_cache(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend)
    api.get()
    api.get()
    flushed = c.flush_stage_cache(restApiId=api.id, stageName="dev")
    assert flushed["ResponseMetadata"]["HTTPStatusCode"] == 202
    api.get()
    api.get()
    assert len(backend.seen) == 2


def test_flush_caches_errors(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock()
    api.deploy()
    for flush in (c.flush_stage_cache, c.flush_stage_authorizers_cache):
        assert flush(restApiId=api.id, stageName="dev")["ResponseMetadata"][
            "HTTPStatusCode"] == 202
        with pytest.raises(c.exceptions.NotFoundException) as caught:
            flush(restApiId=api.id, stageName="nope")
        assert error_of(caught) == ("NotFoundException", "Invalid stage identifier specified",
                                    404)
        with pytest.raises(c.exceptions.NotFoundException) as caught:
            flush(restApiId="nope", stageName="dev")
        assert error_of(caught)[2] == 404


def test_canary_requests_use_the_stage_cache_only_when_told(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend)
    c.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "100"}])
    api.get()
    api.get()
    assert len(backend.seen) == 2
    c.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/canarySettings/useStageCache", "value": "true"}])
    api.get()
    api.get()
    assert len(backend.seen) == 3


def test_a_canary_of_another_deployment_has_entries_of_its_own(gw, backend):
    """AWS: "When they are associated with different versions, responses for production and
    canary requests are cached separately"."""
    c = gw.client()
    api = cached_api(gw, c, backend)
    api.get()  # production's entry
    c.create_deployment(restApiId=api.id, stageName="dev", canarySettings={
        "percentTraffic": 100.0, "useStageCache": True})
    api.get()  # the canary's own deployment: not production's entry
    api.get()
    assert len(backend.seen) == 2
    c.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0"}])
    api.get()  # production's entry is still there
    assert len(backend.seen) == 2


def test_iam_callers_may_refresh_the_cache(gw, backend):
    c = gw.client()
    api = cached_api(gw, c, backend, authorizationType="AWS_IAM", stage_settings=[
        ("/*/*/caching/unauthorizedCacheControlHeaderStrategy", "FAIL_WITH_403")])
    freeze(gw, EPOCH)
    url = api.url()
    gw.http.get(url, headers=sign("GET", url), timeout=10)
    fresh = gw.http.get(url, headers=sign("GET", url, headers={"Cache-Control": "max-age=0"}),
                        timeout=10)
    assert fresh.status_code == 200
    assert "Warning" not in fresh.headers
    assert len(backend.seen) == 2

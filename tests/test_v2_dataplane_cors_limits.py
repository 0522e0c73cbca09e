"""CORS answered by HTTP APIs themselves, and route and account throttling."""

from __future__ import annotations

import pytest

from tests.guards import advance, freeze
from tests.http_api_support import HttpApi, expect_message

CORS = {"AllowOrigins": ["https://app.example.com", "https://*.example.org"],
        "AllowMethods": ["GET", "POST"], "AllowHeaders": ["authorization", "x-custom"],
        "ExposeHeaders": ["x-total"], "MaxAge": 300, "AllowCredentials": True}


def cors_headers(response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()
            if k.lower().startswith("access-control-")}


def cors_api(gw, backend, cors: dict) -> HttpApi:
    api = HttpApi(gw, CorsConfiguration=cors)
    api.route("GET /items", api.http(backend.url))
    api.route("POST /private", api.http(backend.url), AuthorizationType="AWS_IAM")
    api.stage()
    return api


def preflight(api: HttpApi, path: str, origin: str, method: str = "POST"):
    return api.call("OPTIONS", path, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization"})


def test_preflights_are_answered_by_the_gateway(gw, backend):
    api = cors_api(gw, backend, CORS)
    answer = preflight(api, "/anything/at/all", "https://app.example.com")
    assert (answer.status_code, answer.content) == (204, b"")
    assert cors_headers(answer) == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-credentials": "true",
        "access-control-allow-headers": "authorization,x-custom",
        "access-control-allow-methods": "GET,POST",
        "access-control-expose-headers": "x-total",
        "access-control-max-age": "300"}
    assert answer.headers["apigw-requestid"]
    # routes needing authorization still answer preflights
    assert preflight(api, "/private", "https://app.example.com").status_code == 204
    wildcard = preflight(api, "/items", "https://shop.example.org", "GET")
    assert cors_headers(wildcard)["access-control-allow-origin"] == "https://shop.example.org"
    for origin, method in (("https://evil.example.com", "POST"),
                           ("https://app.example.com", "DELETE")):
        refused = preflight(api, "/items", origin, method)
        assert refused.status_code == 204
        assert cors_headers(refused) == {}
    assert backend.seen == []  # no preflight reached the backend
    # OPTIONS without Access-Control-Request-Method is no preflight: it is routed
    expect_message(api.call("OPTIONS", "/items", headers={"Origin": "https://app.example.com"}),
                   404, "Not Found")


def test_cors_headers_go_on_answers_and_replace_the_backends(gw, backend):
    from tests.backend import Reply

    backend.replies["/"] = Reply(200, [("Content-Type", "application/json"),
                                       ("Access-Control-Allow-Origin", "*"),
                                       ("X-Total", "3")], b"[]")
    api = cors_api(gw, backend, CORS)
    answer = api.call("GET", "/items", headers={"Origin": "https://app.example.com"})
    assert answer.status_code == 200
    assert cors_headers(answer) == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-total"}
    assert cors_headers(api.call("GET", "/items")) == {}  # no Origin, no CORS headers
    assert cors_headers(api.call("GET", "/items",
                                 headers={"Origin": "https://evil.example.com"})) == {}
    missing = api.call("GET", "/nowhere", headers={"Origin": "https://app.example.com"})
    expect_message(missing, 404, "Not Found")
    assert cors_headers(missing)["access-control-allow-origin"] == "https://app.example.com"


def test_any_origin_and_removing_the_configuration(gw, backend):
    api = cors_api(gw, backend, {"AllowOrigins": ["*"], "AllowMethods": ["*"]})
    answer = preflight(api, "/items", "http://localhost:3000", "PATCH")
    assert cors_headers(answer) == {"access-control-allow-origin": "*",
                                    "access-control-allow-methods": "*"}
    api.c.delete_cors_configuration(ApiId=api.id)
    expect_message(preflight(api, "/items", "http://localhost:3000"), 404, "Not Found")


def test_routes_are_throttled_by_stage_settings(gw, backend):
    freeze(gw)
    api = HttpApi(gw)
    target = api.http(backend.url)
    api.route("GET /limited", target)
    api.route("GET /default", target)
    api.route("GET /closed", target)
    api.stage(DefaultRouteSettings={"ThrottlingBurstLimit": 2, "ThrottlingRateLimit": 1.0},
              RouteSettings={"GET /limited": {"ThrottlingBurstLimit": 1,
                                              "ThrottlingRateLimit": 0.5},
                             "GET /closed": {"ThrottlingBurstLimit": 0,
                                             "ThrottlingRateLimit": 0.0}})

    def statuses(path: str, count: int) -> list[int]:
        return [api.call("GET", path).status_code for _ in range(count)]

    assert statuses("/limited", 2) == [200, 429]
    assert statuses("/default", 3) == [200, 200, 429]
    expect_message(api.call("GET", "/default"), 429, "Too Many Requests")
    expect_message(api.call("GET", "/closed"), 429, "Too Many Requests")
    advance(gw, 1)
    assert statuses("/default", 2) == [200, 429]
    assert statuses("/limited", 1) == [429]
    advance(gw, 1)
    assert statuses("/limited", 1) == [200]


@pytest.mark.parametrize("gw", ["inprocess"], indirect=True)
def test_the_account_limits_are_shared_with_rest_apis(gw, backend):
    freeze(gw)
    store = gw.mock.instance.backends.store("123456789012", "us-east-1")
    store.table("apigateway.account")["settings"] = {
        "throttleSettings": {"rateLimit": 1.0, "burstLimit": 2}}
    api = HttpApi(gw)
    api.route("$default", api.http(backend.url))
    api.stage()
    assert [api.call("GET", "/").status_code for _ in range(3)] == [200, 200, 429]

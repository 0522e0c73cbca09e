"""Unit tests of ``resolve_custom_domain`` for what apigatewayv2 adds: which data plane serves
the mapped API, routing rules (priority, headers, base paths, stripping) and routing modes."""

from __future__ import annotations

import pytest

from mockgw.state.backends import RegionStore
from mockgw.state.domains import (
    DOMAINNAMES,
    RESTAPIS,
    V2_APIS,
    CustomDomainRoute,
    header_glob_matches,
    resolve_custom_domain,
)

HOST = "api.example.com"


def rule(rule_id, priority, api_id, *conditions, strip=False) -> dict:
    return {"RoutingRuleId": rule_id, "Priority": priority, "Conditions": list(conditions),
            "Actions": [{"InvokeApi": {"ApiId": api_id, "Stage": "prod",
                                       "StripBasePath": strip}}]}


def store(mode="BASE_PATH_MAPPING_ONLY", rules=(), mappings=()) -> RegionStore:
    region = RegionStore("123456789012", "us-east-1")
    region.table(RESTAPIS)["restapi"] = {"api": {"id": "restapi"}}
    region.table(V2_APIS).update({
        "httpapi": {"api": {"ApiId": "httpapi", "ProtocolType": "HTTP"}},
        "wsapi": {"api": {"ApiId": "wsapi", "ProtocolType": "WEBSOCKET"}}})
    region.table(DOMAINNAMES)[HOST] = {
        "domain": {"domainName": HOST, "routingMode": mode},
        "basePathMappings": {m["basePath"]: m for m in mappings},
        "routingRules": {r["RoutingRuleId"]: r for r in rules}}
    return region


@pytest.mark.parametrize("path, expected", [
    ("/rest/x", ("rest", "restapi", "prod", "/x", "REST")),
    ("/http/x", ("http", "httpapi", "$default", "/x", "HTTP")),
    ("/ws", ("ws", "wsapi", "prod", "/", "WEBSOCKET")),
    ("/gone/x", ("gone", "deleted", "prod", "/x", "REST")),
])
def test_api_type_of_the_mapped_api(path, expected):
    region = store(mappings=[
        {"basePath": "rest", "restApiId": "restapi", "stage": "prod"},
        {"basePath": "http", "restApiId": "httpapi", "stage": "$default"},
        {"basePath": "ws", "restApiId": "wsapi", "stage": "prod"},
        {"basePath": "gone", "restApiId": "deleted", "stage": "prod"}])
    route = resolve_custom_domain([region], HOST, path)
    assert (route.base_path, route.api_id, route.stage, route.path, route.api_type) == expected
    assert route.routing_rule_id is None


def test_rules_by_priority_then_mappings():
    rules = [
        rule("low", 100, "restapi"),
        rule("hdr", 10, "restapi", {"MatchHeaders": {"AnyOf": [
            {"Header": "X-Version", "ValueGlob": "beta*"},
            {"Header": "X-Channel", "ValueGlob": "*canary*"}]}}),
        rule("path", 20, "restapi", {"MatchBasePaths": {"AnyOf": ["shop/v1", "shop"]}},
             strip=True),
    ]
    region = store("ROUTING_RULE_THEN_BASE_PATH_MAPPING", rules)
    by_header = resolve_custom_domain([region], HOST, "/shop/v1/items",
                                      {"x-version": "beta-2"})
    assert by_header == CustomDomainRoute("123456789012", "us-east-1", HOST, None, "restapi",
                                          "prod", "/shop/v1/items", "REST", "hdr")
    assert resolve_custom_domain([region], HOST, "/a", {"x-channel": "a-canary-b"}) \
        .routing_rule_id == "hdr"
    # the longest matching base path of the condition is the one stripped
    stripped = resolve_custom_domain([region], HOST, "/shop/v1/items", {})
    assert (stripped.routing_rule_id, stripped.base_path, stripped.path) == \
        ("path", "shop/v1", "/items")
    assert resolve_custom_domain([region], HOST, "/shopping", {}).routing_rule_id == "low"


def test_routing_modes():
    rules = [rule("only", 1, "restapi", {"MatchHeaders": {"AnyOf": [
        {"Header": "x-beta", "ValueGlob": "yes"}]}})]
    mappings = [{"basePath": "(none)", "restApiId": "httpapi", "stage": "$default"}]
    for mode, with_header, without in (
            ("ROUTING_RULE_ONLY", "restapi", None),
            ("ROUTING_RULE_THEN_BASE_PATH_MAPPING", "restapi", "httpapi"),
            ("BASE_PATH_MAPPING_ONLY", "httpapi", "httpapi")):
        region = store(mode, rules, mappings)
        assert resolve_custom_domain([region], HOST, "/x", {"x-beta": "yes"}).api_id == \
            with_header
        assert resolve_custom_domain([region], HOST, "/x", {}).api_id == without


@pytest.mark.parametrize("glob, value, expected", [
    ("World", "World", True), ("World", "world", False), ("Dog-*", "Dog-Bella", True),
    ("Dog-*", "Cat-Dog-", False), ("*-beta", "app-beta", True), ("*ver*", "a-ver-b", True),
    ("*", "anything", True), ("*ver*", "VER", False),
])
def test_header_globs(glob, value, expected):
    assert header_glob_matches(glob, value) is expected

"""Routing rules of custom domain names: CRUD through apigatewayv2, and REST APIs reached
through them on the data plane in each routing mode."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.dataplane_support import request_with_host
from tests.helpers import mock_api
from tests.support import ACCOUNT, error_of, without_metadata

CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"
DOMAIN = "pets.example.com"
ECHO = ('{"api": "$context.apiId", "stage": "$context.stage", "path": "$context.path", '
        '"resource": "$context.resourcePath"}')


def domain(v2, name=DOMAIN, mode="ROUTING_RULE_ONLY"):
    v2.create_domain_name(DomainName=name, RoutingMode=mode,
                          DomainNameConfigurations=[{"CertificateArn": CERT}])


def api(rest, name, path="items", stage="prod") -> str:
    """A REST API with a MOCK ``GET /{path}`` echoing ``$context``, deployed to ``stage``."""
    api_id = mock_api(rest, name=name, path=path, body=ECHO)["api_id"]
    rest.create_deployment(restApiId=api_id, stageName=stage)
    return api_id


def invoke(api_id, stage="prod", strip=None) -> list[dict]:
    target = {"ApiId": api_id, "Stage": stage}
    if strip is not None:
        target["StripBasePath"] = strip
    return [{"InvokeApi": target}]


def headers(*pairs) -> dict:
    return {"MatchHeaders": {"AnyOf": [{"Header": h, "ValueGlob": v} for h, v in pairs]}}


def base_paths(*paths) -> dict:
    return {"MatchBasePaths": {"AnyOf": list(paths)}}


# -- control plane -------------------------------------------------------------------------

def test_routing_rule_crud(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    domain(v2)
    first, second = api(rest, "first"), api(rest, "second")
    created = v2.create_routing_rule(
        DomainName=DOMAIN, Priority=50, Actions=invoke(first),
        Conditions=[headers(("x-version", "beta*")), base_paths("shop")])
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    rule_id = created["RoutingRuleId"]
    assert re.fullmatch(r"[a-z0-9]{6}", rule_id)
    expected = {
        "Actions": [{"InvokeApi": {"ApiId": first, "Stage": "prod", "StripBasePath": False}}],
        "Conditions": [headers(("x-version", "beta*")), base_paths("shop")],
        "Priority": 50,
        "RoutingRuleArn": f"arn:aws:apigateway:us-east-1:{ACCOUNT}:/domainnames/{DOMAIN}"
                          f"/routingrules/{rule_id}",
        "RoutingRuleId": rule_id}
    assert without_metadata(created) == expected
    assert without_metadata(v2.get_routing_rule(DomainName=DOMAIN,
                                                RoutingRuleId=rule_id)) == expected
    catch_all = v2.create_routing_rule(DomainName=DOMAIN, Priority=10, Actions=invoke(second),
                                       Conditions=[])
    listed = v2.list_routing_rules(DomainName=DOMAIN)["RoutingRules"]
    assert [r["RoutingRuleId"] for r in listed] == [catch_all["RoutingRuleId"], rule_id]
    page = v2.list_routing_rules(DomainName=DOMAIN, MaxResults=1)
    assert len(page["RoutingRules"]) == 1 and page["NextToken"]
    rest_of = v2.list_routing_rules(DomainName=DOMAIN, MaxResults=1, NextToken=page["NextToken"])
    assert rest_of["RoutingRules"][0]["RoutingRuleId"] == rule_id
    put = v2.put_routing_rule(DomainName=DOMAIN, RoutingRuleId=rule_id, Priority=5,
                              Actions=invoke(second, strip=True), Conditions=[])
    assert without_metadata(put) == {
        **expected, "Priority": 5, "Conditions": [],
        "Actions": [{"InvokeApi": {"ApiId": second, "Stage": "prod", "StripBasePath": True}}]}
    assert v2.delete_routing_rule(DomainName=DOMAIN, RoutingRuleId=rule_id)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (lambda: v2.get_routing_rule(DomainName=DOMAIN, RoutingRuleId=rule_id),
                 lambda: v2.delete_routing_rule(DomainName=DOMAIN, RoutingRuleId=rule_id),
                 lambda: v2.put_routing_rule(DomainName=DOMAIN, RoutingRuleId=rule_id,
                                             Priority=7, Actions=invoke(first),
                                             Conditions=[])):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("NotFoundException",
                                 "Invalid routing rule identifier specified", 404)
    assert [r["RoutingRuleId"] for r in v2.list_routing_rules(DomainName=DOMAIN)[
        "RoutingRules"]] == [catch_all["RoutingRuleId"]]


def test_routing_rules_of_a_private_domain_name(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    private = rest.create_domain_name(domainName="private.example.com", certificateArn=CERT,
                                      endpointConfiguration={"types": ["PRIVATE"]})
    target = api(rest, "target")
    rule = v2.create_routing_rule(DomainName="private.example.com",
                                  DomainNameId=private["domainNameId"], Priority=1,
                                  Actions=invoke(target), Conditions=[])
    assert rule["RoutingRuleArn"] == (
        f"arn:aws:apigateway:us-east-1:{ACCOUNT}:/domainnames/private.example.com+"
        f"{private['domainNameId']}/routingrules/{rule['RoutingRuleId']}")
    with pytest.raises(ClientError) as exc:
        v2.list_routing_rules(DomainName="private.example.com")
    assert error_of(exc) == ("NotFoundException", "Invalid domain name identifier specified",
                             404)


@pytest.mark.parametrize("change, expected", [
    ({"Actions": []}, "A routing rule must have exactly one action"),
    ({"Actions": "two"}, "A routing rule must have exactly one action"),
    ({"Actions": "unknown api"},
     f"Invalid API identifier specified {ACCOUNT}:nope123456"),
    ({"Actions": "unknown stage"}, "Invalid stage identifier specified"),
    ({"Conditions": [{}]},
     "A routing rule condition must have exactly one of matchHeaders or matchBasePaths"),
    ({"Conditions": [{**headers(("a", "b")), **base_paths("c")}]},
     "A routing rule condition must have exactly one of matchHeaders or matchBasePaths"),
    ({"Conditions": [headers(("a", "1")), headers(("b", "2")), headers(("c", "3"))]},
     "A routing rule can have at most two matchHeaders conditions and one matchBasePaths "
     "condition"),
    ({"Conditions": [base_paths("a"), base_paths("b")]},
     "A routing rule can have at most two matchHeaders conditions and one matchBasePaths "
     "condition"),
    ({"Conditions": [headers(("x-v", "a*b"))]},
     "Invalid header value glob specified: a*b. A wildcard (*) is allowed only at the start, "
     "at the end, or at both ends of the value"),
    ({"Conditions": [headers(("bad header", "a"))]},
     "Invalid header name specified: bad header"),
    ({"Conditions": [base_paths("/shop")]}, "Invalid base path specified: /shop"),
    ({"Conditions": [{"MatchHeaders": {"AnyOf": []}}]},
     "A routing rule condition must name at least one value"),
])
def test_routing_rule_refusals(gw, change, expected):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    domain(v2)
    target = api(rest, "target")
    actions = {"two": invoke(target) * 2,
               "unknown api": invoke("nope123456"),
               "unknown stage": invoke(target, "beta")}
    kwargs = {"Actions": invoke(target), "Conditions": [], **change}
    if isinstance(kwargs["Actions"], str):
        kwargs["Actions"] = actions[kwargs["Actions"]]
    with pytest.raises(ClientError) as exc:
        v2.create_routing_rule(DomainName=DOMAIN, Priority=1, **kwargs)
    assert error_of(exc) == ("BadRequestException", expected, 400)
    assert v2.list_routing_rules(DomainName=DOMAIN)["RoutingRules"] == []


def test_priorities_are_unique_and_in_range(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    domain(v2)
    target = api(rest, "target")
    kept = v2.create_routing_rule(DomainName=DOMAIN, Priority=10, Actions=invoke(target),
                                  Conditions=[])
    other = v2.create_routing_rule(DomainName=DOMAIN, Priority=20, Actions=invoke(target),
                                   Conditions=[base_paths("b")])
    for call in (lambda: v2.create_routing_rule(DomainName=DOMAIN, Priority=10,
                                                Actions=invoke(target), Conditions=[]),
                 lambda: v2.put_routing_rule(DomainName=DOMAIN,
                                             RoutingRuleId=other["RoutingRuleId"],
                                             Priority=10, Actions=invoke(target),
                                             Conditions=[])):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (
            "ConflictException",
            "A routing rule with priority 10 already exists for this domain name", 409)
    # a rule keeps its own priority when replaced
    v2.put_routing_rule(DomainName=DOMAIN, RoutingRuleId=kept["RoutingRuleId"], Priority=10,
                        Actions=invoke(target), Conditions=[base_paths("a")])
    for priority in (0, 1000001):  # botocore refuses these itself: sent raw
        response = gw.raw("POST", f"/v2/domainnames/{DOMAIN}/routingrules", json={
            "priority": priority, "conditions": [],
            "actions": [{"invokeApi": {"apiId": target, "stage": "prod"}}]})
        assert response.status_code == 400
        assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert [r["Priority"] for r in v2.list_routing_rules(DomainName=DOMAIN)[
        "RoutingRules"]] == [10, 20]


def test_unknown_domain_name(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    target = api(rest, "target")
    with pytest.raises(ClientError) as exc:
        v2.create_routing_rule(DomainName="nope.example.com", Priority=1,
                               Actions=invoke(target), Conditions=[])
    assert error_of(exc) == ("NotFoundException", "Invalid domain name identifier specified",
                             404)


# -- data plane ----------------------------------------------------------------------------

def test_rules_route_by_priority_headers_and_base_path(gw):
    """AWS's first example: rules only, evaluated in priority order."""
    v2, rest = gw.client("apigatewayv2"), gw.client()
    domain(v2)
    api1, api2, api3 = (api(rest, f"api{i}", path="PetStoreShopper") for i in (1, 2, 3))
    v2.create_routing_rule(DomainName=DOMAIN, Priority=10, Actions=invoke(api1),
                           Conditions=[headers(("Hello", "World"))])
    v2.create_routing_rule(DomainName=DOMAIN, Priority=50, Actions=invoke(api2),
                           Conditions=[headers(("Accept", "image/webp")),
                                       headers(("Pet", "Dog-*")),
                                       base_paths("PetStoreShopper")])
    v2.create_routing_rule(DomainName=DOMAIN, Priority=100, Actions=invoke(api3),
                           Conditions=[])

    def chosen(**extra):
        response = request_with_host(gw, "GET", DOMAIN, "/PetStoreShopper", headers=extra)
        assert response.status_code == 200, response.text
        return response.json()["api"]

    assert chosen(hello="World") == api1  # header names match case-insensitively
    assert chosen(Hello="World", Pet="Dog-Bella", Accept="image/webp") == api1
    assert chosen(Pet="Dog-Bella", Accept="image/webp") == api2
    assert chosen(Pet="Dog-Bella") == api3  # not every header condition holds
    assert chosen(Hello="world") == api3  # values match case-sensitively
    routed = request_with_host(gw, "GET", DOMAIN, "/PetStoreShopper",
                               headers={"Pet": "Dog-Rex", "Accept": "image/webp"})
    # without StripBasePath the API sees the whole path
    assert routed.json() == {"api": api2, "stage": "prod", "path": "/PetStoreShopper",
                             "resource": "/PetStoreShopper"}


def test_strip_base_path(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    domain(v2)
    target = api(rest, "target", path="items")
    v2.create_routing_rule(DomainName=DOMAIN, Priority=1, Actions=invoke(target, strip=True),
                           Conditions=[base_paths("shop/v1", "store")])
    for path in ("/shop/v1/items", "/store/items"):
        response = request_with_host(gw, "GET", DOMAIN, path)
        assert response.status_code == 200, response.text
        assert response.json() == {"api": target, "stage": "prod", "path": path,
                                   "resource": "/items"}
    # base paths match whole segments only
    missed = request_with_host(gw, "GET", DOMAIN, "/storefront/items")
    assert (missed.status_code, missed.json()) == (403, {"message": "Forbidden"})


@pytest.mark.parametrize("glob, matching, not_matching", [
    ("a*", ["account", "alpha"], ["backup", "beta"]),
    ("*-beta", ["app-beta", "-beta"], ["beta", "app-beta-2"]),
    ("*vers*", ["version", "a-versus-b"], ["vrs", "VERSION"]),
    ("exact", ["exact"], ["exactly", "Exact"]),
])
def test_header_value_globs(gw, glob, matching, not_matching):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    domain(v2)
    target = api(rest, "target")
    v2.create_routing_rule(DomainName=DOMAIN, Priority=1, Actions=invoke(target),
                           Conditions=[headers(("x-version", glob))])
    for value in matching:
        response = request_with_host(gw, "GET", DOMAIN, "/items", headers={"x-version": value})
        assert response.status_code == 200, value
    for value in not_matching:
        response = request_with_host(gw, "GET", DOMAIN, "/items", headers={"x-version": value})
        assert response.status_code == 403, value


def test_routing_modes(gw):
    """Rules only, rules then API mappings, mappings only: the same domain, three modes."""
    v2, rest = gw.client("apigatewayv2"), gw.client()
    domain(v2, mode="ROUTING_RULE_THEN_API_MAPPING")
    by_rule, by_mapping = api(rest, "rule"), api(rest, "mapping")
    v2.create_routing_rule(DomainName=DOMAIN, Priority=1, Actions=invoke(by_rule),
                           Conditions=[headers(("x-beta", "yes"))])
    v2.create_api_mapping(DomainName=DOMAIN, ApiId=by_mapping, Stage="prod")

    def reached(**extra):
        response = request_with_host(gw, "GET", DOMAIN, "/items", headers=extra)
        return response.json()["api"] if response.status_code == 200 else response.status_code

    assert reached(**{"x-beta": "yes"}) == by_rule
    assert reached() == by_mapping
    v2.update_domain_name(DomainName=DOMAIN, RoutingMode="ROUTING_RULE_ONLY")
    assert reached(**{"x-beta": "yes"}) == by_rule
    assert reached() == 403
    v2.update_domain_name(DomainName=DOMAIN, RoutingMode="API_MAPPING_ONLY")
    assert reached(**{"x-beta": "yes"}) == by_mapping
    # the REST API sets the same mode by its own name
    rest.update_domain_name(domainName=DOMAIN, patchOperations=[
        {"op": "replace", "path": "/routingMode", "value": "ROUTING_RULE_ONLY"}])
    assert reached() == 403


def test_nested_required_members_are_checked(gw):
    """botocore checks nested required members itself; a raw request without them gets the
    model's validation error, not a server error."""
    v2 = gw.client("apigatewayv2")
    domain(v2)
    response = gw.raw("POST", f"/v2/domainnames/{DOMAIN}/routingrules", json={
        "priority": 1, "conditions": [{"matchHeaders": {"anyOf": [{"header": "x"}]}}],
        "actions": [{}]})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert response.json()["message"] == (
        "2 validation errors detected: Value null at "
        "'createRoutingRuleInput.actions.1.member.invokeApi' failed to satisfy constraint: "
        "Member must not be null; Value null at 'createRoutingRuleInput.conditions.1.member"
        ".matchHeaders.anyOf.1.member.valueGlob' failed to satisfy constraint: Member must "
        "not be null")
    assert v2.list_routing_rules(DomainName=DOMAIN)["RoutingRules"] == []

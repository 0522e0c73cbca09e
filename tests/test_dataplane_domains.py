"""Custom domain names on the data plane: requests whose Host is a created domain name are
routed through its base path mappings."""

from __future__ import annotations

from tests.dataplane_support import new_api, request_with_host, set_method
from tests.support import ACCOUNT

CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"
TEMPLATE = ('{"api": "$context.apiId", "stage": "$context.stage", "path": "$context.path", '
            '"domain": "$context.domainName", "prefix": "$context.domainPrefix", '
            '"resource": "$context.resourcePath", "pet": "$input.params(\'id\')"}')


def pets_api(c, *, stages=("prod",), **api_kwargs) -> str:
    """An API with ``GET /pets/{id}`` (a MOCK echoing ``$context``), deployed to ``stages``."""
    api_id, pets = new_api(c, "pets", **api_kwargs)
    pet = c.create_resource(restApiId=api_id, parentId=pets, pathPart="{id}")["id"]
    set_method(c, api_id, pet, integration={
        "type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
        responses={"200": {"responseTemplates": {"application/json": TEMPLATE}}})
    for stage in stages:
        c.create_deployment(restApiId=api_id, stageName=stage)
    return api_id


def domain(c, name: str, mappings: list[dict]) -> None:
    c.create_domain_name(domainName=name, regionalCertificateArn=CERT,
                         endpointConfiguration={"types": ["REGIONAL"]})
    for mapping in mappings:
        c.create_base_path_mapping(domainName=name, **mapping)


def test_base_path_mapping_routes_to_the_mapped_stage(gw):
    c = gw.client()
    api_id = pets_api(c)
    domain(c, "api.example.com", [{"basePath": "v1", "restApiId": api_id, "stage": "prod"}])
    response = request_with_host(gw, "GET", "api.example.com", "/v1/pets/7")
    assert response.status_code == 200
    assert response.json() == {"api": api_id, "stage": "prod", "path": "/v1/pets/7",
                               "domain": "api.example.com", "prefix": "api",
                               "resource": "/pets/{id}", "pet": "7"}
    assert response.headers["x-amzn-RequestId"]


def test_empty_base_path_and_mapping_without_stage(gw):
    c = gw.client()
    root_api = pets_api(c)
    staged_api = pets_api(c, stages=("dev", "prod"))
    domain(c, "shop.example.com", [{"restApiId": root_api, "stage": "prod"},
                                   {"basePath": "any", "restApiId": staged_api}])
    at_root = request_with_host(gw, "GET", "shop.example.com", "/pets/1")
    assert (at_root.json()["api"], at_root.json()["stage"]) == (root_api, "prod")
    # a mapping without a stage reads the stage from the first segment after the base path
    staged = request_with_host(gw, "GET", "shop.example.com", "/any/dev/pets/2")
    assert staged.json() == {"api": staged_api, "stage": "dev", "path": "/any/dev/pets/2",
                             "domain": "shop.example.com", "prefix": "shop",
                             "resource": "/pets/{id}", "pet": "2"}


def test_unmapped_base_path_is_forbidden(gw):
    c = gw.client()
    api_id = pets_api(c)
    domain(c, "api.example.com", [{"basePath": "v1", "restApiId": api_id, "stage": "prod"}])
    response = request_with_host(gw, "GET", "api.example.com", "/v2/pets/7")
    assert response.status_code == 403
    assert response.content == b'{"message":"Forbidden"}'
    assert response.headers["x-amzn-ErrorType"] == "ForbiddenException"
    unknown_route = request_with_host(gw, "GET", "api.example.com", "/v1/nothing")
    assert unknown_route.status_code == 403
    assert unknown_route.json() == {"message": "Missing Authentication Token"}


def test_disabled_execute_api_endpoint_still_answers_on_the_domain(gw):
    c = gw.client()
    api_id = pets_api(c, disableExecuteApiEndpoint=True)
    domain(c, "api.example.com", [{"basePath": "v1", "restApiId": api_id, "stage": "prod"}])
    direct = gw.http.get(gw.invoke_url(api_id, "prod", "/pets/7"), timeout=10)
    assert (direct.status_code, direct.json()) == (403, {"message": "Forbidden"})
    via_domain = request_with_host(gw, "GET", "api.example.com", "/v1/pets/7")
    assert via_domain.status_code == 200
    assert via_domain.json()["pet"] == "7"


def test_wildcard_domain_name(gw):
    c = gw.client()
    api_id = pets_api(c)
    domain(c, "*.example.com", [{"restApiId": api_id, "stage": "prod"}])
    response = request_with_host(gw, "GET", "tenant1.example.com", "/pets/3")
    assert response.status_code == 200
    assert (response.json()["domain"], response.json()["prefix"]) == (
        "tenant1.example.com", "tenant1")

"""Custom domain names and API mappings through apigatewayv2: one set of domain names and
mappings shared with the REST control plane, each API with its own field names."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.dataplane_support import request_with_host
from tests.helpers import mock_api
from tests.support import ACCOUNT, error_of, without_metadata
from tests.v2_support import CERT, needs_http_apis

OTHER_CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/22222222-3333-4444-5555-666666666666"
EU_CERT = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/66666666-7777-8888-9999-000000000000"
EDGE_DOMAIN = ("Only REGIONAL domain names can be managed through the API Gateway V2 API. "
               "For EDGE domain names, please use the API Gateway V1 API. Also note that only "
               "REST APIs can be attached to EDGE domain names.")
NOT_FOUND = ("NotFoundException", "Invalid domain name identifier specified", 404)


def v2_domain(v2, name="api.example.com", **config):
    return v2.create_domain_name(
        DomainName=name, DomainNameConfigurations=[{"CertificateArn": CERT, **config}])


def rest_api_with_stage(rest, stage="prod", name="api") -> str:
    api_id = mock_api(rest, name=name, body='{"api": "$context.apiId", '
                      '"stage": "$context.stage", "path": "$context.path", '
                      '"resource": "$context.resourcePath"}')["api_id"]
    rest.create_deployment(restApiId=api_id, stageName=stage)
    return api_id


def names(v2) -> list[str]:
    return [d["DomainName"] for d in v2.get_domain_names()["Items"]]


# -- domain names --------------------------------------------------------------------------

def test_create_domain_name_is_a_rest_domain_name_too(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    created = v2.create_domain_name(
        DomainName="api.example.com",
        DomainNameConfigurations=[{"CertificateArn": CERT, "CertificateName": "main",
                                   "EndpointType": "REGIONAL"}],
        Tags={"team": "web"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    config = dict(created["DomainNameConfigurations"][0])
    target = config.pop("ApiGatewayDomainName")
    assert re.fullmatch(r"d-[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com", target)
    uploaded = config.pop("CertificateUploadDate")
    assert config == {"CertificateArn": CERT, "CertificateName": "main",
                      "DomainNameStatus": "AVAILABLE", "EndpointType": "REGIONAL",
                      "HostedZoneId": "Z1UJRXOUMOOFQ8", "IpAddressType": "ipv4",
                      "SecurityPolicy": "TLS_1_2"}
    assert {k: v for k, v in without_metadata(created).items()
            if k != "DomainNameConfigurations"} == {
        "ApiMappingSelectionExpression": "$request.basepath",
        "DomainName": "api.example.com",
        "DomainNameArn": "arn:aws:apigateway:us-east-1::/domainnames/api.example.com",
        "RoutingMode": "API_MAPPING_ONLY",
        "Tags": {"team": "web"}}
    seen = rest.get_domain_name(domainName="api.example.com")
    assert seen["regionalDomainName"] == target
    assert seen["regionalHostedZoneId"] == "Z1UJRXOUMOOFQ8"
    assert seen["regionalCertificateArn"] == CERT
    assert seen["regionalCertificateName"] == "main"
    assert seen["certificateUploadDate"] == uploaded
    assert seen["endpointConfiguration"] == {"types": ["REGIONAL"], "ipAddressType": "ipv4"}
    assert seen["securityPolicy"] == "TLS_1_2"
    assert seen["routingMode"] == "BASE_PATH_MAPPING_ONLY"
    assert seen["tags"] == {"team": "web"}
    assert without_metadata(v2.get_domain_name(DomainName="api.example.com")) == \
        without_metadata(created)


def test_rest_domain_names_seen_through_v2(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    rest.create_domain_name(
        domainName="regional.example.com", regionalCertificateArn=CERT,
        endpointConfiguration={"types": ["REGIONAL"]},
        routingMode="ROUTING_RULE_THEN_BASE_PATH_MAPPING",
        mutualTlsAuthentication={"truststoreUri": "s3://bucket/trust.pem",
                                 "truststoreVersion": "7"})
    rest.create_domain_name(domainName="edge.example.com", certificateArn=CERT,
                            certificateName="edge")
    private = rest.create_domain_name(domainName="private.example.com", certificateArn=CERT,
                                      endpointConfiguration={"types": ["PRIVATE"]})
    regional = v2.get_domain_name(DomainName="regional.example.com")
    assert regional["RoutingMode"] == "ROUTING_RULE_THEN_API_MAPPING"
    assert regional["MutualTlsAuthentication"] == {
        "TruststoreUri": "s3://bucket/trust.pem", "TruststoreVersion": "7"}
    assert regional["DomainNameConfigurations"][0]["SecurityPolicy"] == "TLS_1_2"
    assert regional["Tags"] == {}
    edge = v2.get_domain_name(DomainName="edge.example.com")["DomainNameConfigurations"]
    assert len(edge) == 1
    assert edge[0]["EndpointType"] == "EDGE"
    assert edge[0]["HostedZoneId"] == "Z2FDTNDATAQYW2"
    assert edge[0]["CertificateName"] == "edge"
    assert re.fullmatch(r"d[a-z0-9]{13}\.cloudfront\.net", edge[0]["ApiGatewayDomainName"])
    # private domain names are not part of this API
    assert sorted(names(v2)) == ["edge.example.com", "regional.example.com"]
    with pytest.raises(ClientError) as exc:
        v2.get_domain_name(DomainName=f"private.example.com+{private['domainNameId']}")
    assert error_of(exc) == NOT_FOUND


@pytest.mark.parametrize("configurations, message", [
    (None, "Invalid input. Expected one domain name configuration"),
    ([], "Invalid input. Expected one domain name configuration"),
    ([{"CertificateArn": CERT}, {"CertificateArn": OTHER_CERT}],
     "Invalid input. Expected one domain name configuration"),
    ([{"CertificateArn": CERT, "EndpointType": "EDGE"}],
     "EDGE endpoint type is not supported for APIGatewayV2 domainName"),
    ([{"EndpointType": "REGIONAL"}],
     "A certificate was not provided for the endpoint type REGIONAL."),
    ([{"CertificateArn": EU_CERT}],
     f"Invalid certificate ARN: {EU_CERT}. Certificate must be in 'us-east-1'."),
])
def test_create_domain_name_refusals(gw, configurations, message):
    v2 = gw.client("apigatewayv2")
    kwargs = {} if configurations is None else {"DomainNameConfigurations": configurations}
    with pytest.raises(ClientError) as exc:
        v2.create_domain_name(DomainName="api.example.com", **kwargs)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert names(v2) == []


def test_a_name_is_taken_whichever_api_created_it(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    rest.create_domain_name(domainName="rest.example.com", regionalCertificateArn=CERT,
                            endpointConfiguration={"types": ["REGIONAL"]})
    for name in ("api.example.com", "rest.example.com"):
        with pytest.raises(ClientError) as exc:
            v2_domain(v2, name)
        assert error_of(exc) == ("BadRequestException",
                                 "The domain name you provided already exists.", 400)
    with pytest.raises(ClientError) as exc:
        rest.create_domain_name(domainName="api.example.com", regionalCertificateArn=CERT,
                                endpointConfiguration={"types": ["REGIONAL"]})
    assert error_of(exc)[1] == "The domain name you provided already exists."
    assert sorted(names(v2)) == ["api.example.com", "rest.example.com"]


def test_unknown_domain_name(gw):
    v2 = gw.client("apigatewayv2")
    for call in (lambda: v2.get_domain_name(DomainName="nope.example.com"),
                 lambda: v2.delete_domain_name(DomainName="nope.example.com"),
                 lambda: v2.update_domain_name(DomainName="nope.example.com",
                                               RoutingMode="ROUTING_RULE_ONLY"),
                 lambda: v2.get_api_mappings(DomainName="nope.example.com")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == NOT_FOUND


def test_update_domain_name_replaces_the_configuration(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    created = v2_domain(v2, CertificateName="old", SecurityPolicy="TLS_1_0")
    target = created["DomainNameConfigurations"][0]["ApiGatewayDomainName"]
    updated = v2.update_domain_name(
        DomainName="api.example.com",
        DomainNameConfigurations=[{"CertificateArn": OTHER_CERT}],
        RoutingMode="ROUTING_RULE_ONLY",
        MutualTlsAuthentication={"TruststoreUri": "s3://bucket/trust.pem"})
    config = updated["DomainNameConfigurations"][0]
    # what the configuration leaves out is cleared or takes its default
    assert "CertificateName" not in config
    assert config["SecurityPolicy"] == "TLS_1_2"
    assert config["CertificateArn"] == OTHER_CERT
    assert config["ApiGatewayDomainName"] == target
    assert updated["RoutingMode"] == "ROUTING_RULE_ONLY"
    assert updated["MutualTlsAuthentication"] == {"TruststoreUri": "s3://bucket/trust.pem"}
    seen = rest.get_domain_name(domainName="api.example.com")
    assert seen["routingMode"] == "ROUTING_RULE_ONLY"
    assert seen["regionalCertificateArn"] == OTHER_CERT
    assert "regionalCertificateName" not in seen
    # an update naming nothing else keeps the configuration
    again = v2.update_domain_name(DomainName="api.example.com", RoutingMode="API_MAPPING_ONLY")
    assert again["DomainNameConfigurations"] == updated["DomainNameConfigurations"]
    assert rest.get_domain_name(domainName="api.example.com")["routingMode"] == \
        "BASE_PATH_MAPPING_ONLY"


def test_update_domain_name_refusals_leave_it_unchanged(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    before = without_metadata(v2_domain(v2))
    for configurations, message in (
            ([{"CertificateArn": CERT, "EndpointType": "EDGE"}],
             "EDGE endpoint type is not supported for APIGatewayV2 domainName"),
            ([], "Invalid input. Expected one domain name configuration"),
            ([{"CertificateArn": EU_CERT}],
             f"Invalid certificate ARN: {EU_CERT}. Certificate must be in 'us-east-1'.")):
        with pytest.raises(ClientError) as exc:
            v2.update_domain_name(DomainName="api.example.com",
                                  DomainNameConfigurations=configurations)
        assert error_of(exc) == ("BadRequestException", message, 400)
    assert without_metadata(v2.get_domain_name(DomainName="api.example.com")) == before
    rest.create_domain_name(domainName="edge.example.com", certificateArn=CERT)
    with pytest.raises(ClientError) as exc:
        v2.update_domain_name(DomainName="edge.example.com", RoutingMode="ROUTING_RULE_ONLY")
    assert error_of(exc) == ("BadRequestException", EDGE_DOMAIN, 400)
    assert rest.get_domain_name(domainName="edge.example.com")["routingMode"] == \
        "BASE_PATH_MAPPING_ONLY"


def test_delete_domain_name_from_either_api(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2, "a.example.com")
    rest.create_domain_name(domainName="b.example.com", regionalCertificateArn=CERT,
                            endpointConfiguration={"types": ["REGIONAL"]})
    assert v2.delete_domain_name(DomainName="b.example.com")["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    rest.delete_domain_name(domainName="a.example.com")
    assert names(v2) == []
    with pytest.raises(ClientError) as exc:
        rest.get_domain_name(domainName="b.example.com")
    assert error_of(exc)[2] == 404


def test_get_domain_names_pages_with_next_token(gw):
    v2 = gw.client("apigatewayv2")
    for i in range(3):
        v2_domain(v2, f"d{i}.example.com")
    first = v2.get_domain_names(MaxResults="2")
    assert [d["DomainName"] for d in first["Items"]] == ["d0.example.com", "d1.example.com"]
    rest = v2.get_domain_names(MaxResults="2", NextToken=first["NextToken"])
    assert [d["DomainName"] for d in rest["Items"]] == ["d2.example.com"]
    assert "NextToken" not in rest
    pages = v2.get_paginator("get_domain_names").paginate(PaginationConfig={"PageSize": 1})
    assert [d["DomainName"] for page in pages for d in page["Items"]] == \
        ["d0.example.com", "d1.example.com", "d2.example.com"]
    for kwargs in ({"NextToken": "not-a-token"}, {"MaxResults": "zero"},
                   {"MaxResults": "0"}):
        with pytest.raises(ClientError) as exc:
            v2.get_domain_names(**kwargs)
        assert error_of(exc)[0::2] == ("BadRequestException", 400)


# -- API mappings --------------------------------------------------------------------------

def test_api_mappings_are_base_path_mappings(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    api_id = rest_api_with_stage(rest)
    created = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="prod",
                                    ApiMappingKey="orders/v1")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    mapping_id = created["ApiMappingId"]
    assert re.fullmatch(r"[a-z0-9]{6}", mapping_id)
    assert without_metadata(created) == {"ApiId": api_id, "ApiMappingId": mapping_id,
                                         "ApiMappingKey": "orders/v1", "Stage": "prod"}
    rest.create_base_path_mapping(domainName="api.example.com", restApiId=api_id,
                                  stage="prod")
    assert rest.get_base_path_mappings(domainName="api.example.com")["items"] == [
        {"basePath": "orders/v1", "restApiId": api_id, "stage": "prod"},
        {"basePath": "(none)", "restApiId": api_id, "stage": "prod"}]
    listed = v2.get_api_mappings(DomainName="api.example.com")["Items"]
    assert listed[0] == without_metadata(created)
    root = listed[1]
    assert root["ApiMappingKey"] == "" and root["ApiMappingId"] != mapping_id
    assert without_metadata(v2.get_api_mapping(DomainName="api.example.com",
                                               ApiMappingId=root["ApiMappingId"])) == root


def test_update_api_mapping_keeps_its_id_and_what_it_omits(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    api_id = rest_api_with_stage(rest)
    rest.create_deployment(restApiId=api_id, stageName="beta")
    other = rest_api_with_stage(rest, name="other")
    mapping_id = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id,
                                       Stage="prod", ApiMappingKey="v1")["ApiMappingId"]
    moved = v2.update_api_mapping(DomainName="api.example.com", ApiMappingId=mapping_id,
                                  ApiId=api_id, ApiMappingKey="v2/items")
    assert without_metadata(moved) == {"ApiId": api_id, "ApiMappingId": mapping_id,
                                       "ApiMappingKey": "v2/items", "Stage": "prod"}
    restaged = v2.update_api_mapping(DomainName="api.example.com", ApiMappingId=mapping_id,
                                     ApiId=other, Stage="prod")
    assert restaged["ApiMappingKey"] == "v2/items" and restaged["ApiId"] == other
    assert rest.get_base_path_mappings(domainName="api.example.com")["items"] == [
        {"basePath": "v2/items", "restApiId": other, "stage": "prod"}]
    # the key it left is free again, for a mapping with an id of its own
    again = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="beta",
                                  ApiMappingKey="v1")
    assert again["ApiMappingId"] != mapping_id
    # a base path mapping updated through the REST API keeps its API mapping id
    rest.update_base_path_mapping(domainName="api.example.com", basePath="v1",
                                  patchOperations=[{"op": "replace", "path": "/basePath",
                                                    "value": "v3"}])
    assert v2.get_api_mapping(DomainName="api.example.com",
                              ApiMappingId=again["ApiMappingId"])["ApiMappingKey"] == "v3"


def test_a_base_path_mapping_without_stage(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    api_id = rest_api_with_stage(rest)
    rest.create_base_path_mapping(domainName="api.example.com", restApiId=api_id,
                                  basePath="any")
    mapping_id = v2.get_api_mappings(DomainName="api.example.com")["Items"][0]["ApiMappingId"]
    got = v2.get_api_mapping(DomainName="api.example.com", ApiMappingId=mapping_id)
    # the model requires a stage: shown as (none), as the empty base path is
    assert without_metadata(got) == {"ApiId": api_id, "ApiMappingId": mapping_id,
                                     "ApiMappingKey": "any", "Stage": "(none)"}
    moved = v2.update_api_mapping(DomainName="api.example.com", ApiMappingId=mapping_id,
                                  ApiId=api_id, ApiMappingKey="every")
    assert without_metadata(moved) == {**without_metadata(got), "ApiMappingKey": "every"}
    assert rest.get_base_path_mappings(domainName="api.example.com")["items"] == [
        {"basePath": "every", "restApiId": api_id}]
    staged = v2.update_api_mapping(DomainName="api.example.com", ApiMappingId=mapping_id,
                                   ApiId=api_id, Stage="prod")
    assert staged["Stage"] == "prod"
    v2.update_api_mapping(DomainName="api.example.com", ApiMappingId=mapping_id,
                          ApiId=api_id, Stage="(none)")
    assert without_metadata(rest.get_base_path_mapping(
        domainName="api.example.com", basePath="every")) == {"basePath": "every",
                                                             "restApiId": api_id}


def test_delete_api_mapping(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    api_id = rest_api_with_stage(rest)
    mapping_id = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id,
                                       Stage="prod")["ApiMappingId"]
    deleted = v2.delete_api_mapping(DomainName="api.example.com", ApiMappingId=mapping_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert rest.get_base_path_mappings(domainName="api.example.com").get("items", []) == []
    for call in (lambda: v2.get_api_mapping(DomainName="api.example.com",
                                            ApiMappingId=mapping_id),
                 lambda: v2.delete_api_mapping(DomainName="api.example.com",
                                               ApiMappingId=mapping_id),
                 lambda: v2.update_api_mapping(DomainName="api.example.com",
                                               ApiMappingId=mapping_id, ApiId=api_id)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("NotFoundException",
                                 "Invalid API mapping identifier specified", 404)


@pytest.mark.parametrize("key, message", [
    ("/", "API mapping key should not end with a '/'."),
    ("a/", "API mapping key should not end with a '/'."),
    ("/a", "API mapping key should not start with a '/' or have consecutive '/'s."),
    ("a//b", "API mapping key should not start with a '/' or have consecutive '/'s."),
    (" a", "An API mapping key may contain only letters, numbers and one of $-_.+!*'(), "
           "characters."),
    ("a~b", "An API mapping key may contain only letters, numbers and one of $-_.+!*'(), "
            "characters."),
    ("a" * 301, "ApiMapping key length must be under 300 characters."),
])
def test_api_mapping_key_checks(gw, key, message):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    api_id = rest_api_with_stage(rest)
    with pytest.raises(ClientError) as exc:
        v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="prod",
                              ApiMappingKey=key)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert v2.get_api_mappings(DomainName="api.example.com")["Items"] == []


def test_api_mapping_keys_aws_accepts(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    api_id = rest_api_with_stage(rest)
    for key in ("a,b$", "$-_.+!*'()/x", "a" * 300):
        made = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id,
                                     Stage="prod", ApiMappingKey=key)
        assert made["ApiMappingKey"] == key
    # a key of blanks is the empty key
    assert v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="prod",
                                 ApiMappingKey="   ")["ApiMappingKey"] == ""


def test_api_mapping_target_refusals(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    api_id = rest_api_with_stage(rest)
    v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="prod",
                          ApiMappingKey="taken")
    cases = [
        ({"ApiId": "nope123456", "Stage": "prod"},
         ("BadRequestException", f"Invalid API identifier specified {ACCOUNT}:nope123456",
          400)),
        ({"ApiId": api_id, "Stage": "missing"},
         ("BadRequestException", "Invalid stage identifier specified", 400)),
        ({"ApiId": api_id, "Stage": "prod", "ApiMappingKey": "taken"},
         ("ConflictException", "ApiMapping key already exists for this domain name", 409)),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ClientError) as exc:
            v2.create_api_mapping(DomainName="api.example.com", **kwargs)
        assert error_of(exc) == expected
    assert len(v2.get_api_mappings(DomainName="api.example.com")["Items"]) == 1
    with pytest.raises(ClientError) as exc:
        v2.create_api_mapping(DomainName="nope.example.com", ApiId=api_id, Stage="prod")
    assert error_of(exc) == NOT_FOUND


def test_edge_domain_names_refuse_api_mappings(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    rest.create_domain_name(domainName="edge.example.com", certificateArn=CERT)
    api_id = rest_api_with_stage(rest)
    for call in (lambda: v2.create_api_mapping(DomainName="edge.example.com", ApiId=api_id,
                                               Stage="prod"),
                 lambda: v2.get_api_mappings(DomainName="edge.example.com")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("BadRequestException", EDGE_DOMAIN, 400)


def test_multi_level_keys_need_tls_1_2(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2, SecurityPolicy="TLS_1_0")
    api_id = rest_api_with_stage(rest)
    with pytest.raises(ClientError) as exc:
        v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="prod",
                              ApiMappingKey="orders/v1")
    assert error_of(exc) == (
        "BadRequestException", "The security policy of a domain name with API mappings to "
        "HTTP APIs or API mappings with multiple levels must be TLS_1_2", 400)
    one_level = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id,
                                      Stage="prod", ApiMappingKey="orders")
    assert one_level["ApiMappingKey"] == "orders"
    v2.update_domain_name(DomainName="api.example.com",
                          DomainNameConfigurations=[{"CertificateArn": CERT}])
    v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="prod",
                          ApiMappingKey="orders/v1")
    # a domain with a multi-level mapping stays on TLS 1.2
    with pytest.raises(ClientError) as exc:
        v2.update_domain_name(DomainName="api.example.com", DomainNameConfigurations=[
            {"CertificateArn": CERT, "SecurityPolicy": "TLS_1_0"}])
    assert error_of(exc)[0] == "BadRequestException"
    assert v2.get_domain_name(DomainName="api.example.com")["DomainNameConfigurations"][0][
        "SecurityPolicy"] == "TLS_1_2"


def test_multi_level_mapping_routes_rest_requests(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    orders = rest_api_with_stage(rest, name="orders")
    root = rest_api_with_stage(rest, name="root")
    v2.create_api_mapping(DomainName="api.example.com", ApiId=orders, Stage="prod",
                          ApiMappingKey="orders/v1")
    v2.create_api_mapping(DomainName="api.example.com", ApiId=root, Stage="prod")
    deep = request_with_host(gw, "GET", "api.example.com", "/orders/v1/items")
    assert deep.status_code == 200
    assert deep.json() == {"api": orders, "stage": "prod", "path": "/orders/v1/items",
                           "resource": "/items"}
    shallow = request_with_host(gw, "GET", "api.example.com", "/orders/items")
    assert shallow.status_code == 403  # the root API has no /orders/items
    top = request_with_host(gw, "GET", "api.example.com", "/items")
    assert top.json()["api"] == root


# -- HTTP and WebSocket APIs (need CreateApi/CreateStage) ----------------------------------

def http_api(v2, stage="$default", protocol="HTTP") -> str:
    kwargs = {"RouteSelectionExpression": "$request.body.action"} \
        if protocol == "WEBSOCKET" else {}
    api_id = v2.create_api(Name=f"{protocol.lower()}-api", ProtocolType=protocol,
                           **kwargs)["ApiId"]
    v2.create_stage(ApiId=api_id, StageName=stage)
    return api_id


@needs_http_apis
def test_http_api_mapping_shows_in_both_views(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2)
    api_id = http_api(v2)
    made = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id,
                                 Stage="$default", ApiMappingKey="shop")
    assert made["ApiId"] == api_id and made["Stage"] == "$default"
    assert rest.get_base_path_mappings(domainName="api.example.com")["items"] == [
        {"basePath": "shop", "restApiId": api_id, "stage": "$default"}]
    with pytest.raises(ClientError) as exc:
        v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="prod")
    assert error_of(exc) == ("BadRequestException", "Invalid stage identifier specified", 400)


@needs_http_apis
def test_http_api_needs_a_tls_1_2_domain(gw):
    v2 = gw.client("apigatewayv2")
    v2_domain(v2, SecurityPolicy="TLS_1_0")
    api_id = http_api(v2)
    with pytest.raises(ClientError) as exc:
        v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="$default")
    assert error_of(exc)[0::2] == ("BadRequestException", 400)
    assert v2.get_api_mappings(DomainName="api.example.com")["Items"] == []


@needs_http_apis
def test_websocket_apis_do_not_share_a_domain(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    v2_domain(v2, "ws.example.com")
    v2_domain(v2, "http.example.com")
    ws = http_api(v2, "prod", "WEBSOCKET")
    http = http_api(v2)
    rest_id = rest_api_with_stage(rest)
    v2.create_api_mapping(DomainName="ws.example.com", ApiId=ws, Stage="prod",
                          ApiMappingKey="ws")
    v2.create_api_mapping(DomainName="http.example.com", ApiId=http, Stage="$default")
    for domain, api_id, stage in (("ws.example.com", http, "$default"),
                                  ("ws.example.com", rest_id, "prod"),
                                  ("http.example.com", ws, "prod")):
        with pytest.raises(ClientError) as exc:
            v2.create_api_mapping(DomainName=domain, ApiId=api_id, Stage=stage,
                                  ApiMappingKey="other")
        assert error_of(exc) == (
            "BadRequestException", "A WebSocket API can't be mapped to the same domain name "
            "as an HTTP API or a REST API", 400)
    with pytest.raises(ClientError) as exc:
        v2.create_api_mapping(DomainName="ws.example.com", ApiId=ws, Stage="prod",
                              ApiMappingKey="a/b")
    assert error_of(exc) == ("BadRequestException",
                             "API mappings with multiple levels can't map WebSocket APIs", 400)


def test_delete_api_is_refused_while_mapped_to_a_domain(gw):
    v2 = gw.client("apigatewayv2")
    v2_domain(v2)
    api_id = v2.create_api(Name="pets", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=api_id, StageName="prod")
    mapping_id = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id,
                                       Stage="prod", ApiMappingKey="pets")["ApiMappingId"]
    with pytest.raises(ClientError) as exc:
        v2.delete_api(ApiId=api_id)
    assert error_of(exc) == (
        "BadRequestException", f"Deleting API {api_id} failed. Please remove all API "
        "mappings for the API from your custom domain names.", 400)
    assert v2.get_api(ApiId=api_id)["Name"] == "pets"
    v2.delete_api_mapping(DomainName="api.example.com", ApiMappingId=mapping_id)
    v2.delete_api(ApiId=api_id)
    assert v2.get_apis()["Items"] == []

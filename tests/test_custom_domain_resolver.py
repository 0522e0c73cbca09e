"""Unit tests of ``resolve_custom_domain``: routing Host + path through custom domain
names and base path mappings."""

from __future__ import annotations

import boto3
import pytest

from mockgw import mock_apigateway
from mockgw.state.backends import RegionStore
from mockgw.state.domains import DOMAINNAMES, CustomDomainRoute, resolve_custom_domain


def store_with(domains: dict[str, list[dict]], *, account: str = "123456789012",
               region: str = "us-east-1") -> RegionStore:
    """A region store holding ``domains``: name -> base path mappings."""
    store = RegionStore(account, region)
    store.table(DOMAINNAMES).update({
        name: {"domain": {"domainName": name},
               "basePathMappings": {m["basePath"]: m for m in mappings}}
        for name, mappings in domains.items()})
    return store


@pytest.fixture
def stores() -> list[RegionStore]:
    return [
        store_with({"api.example.com": [
            {"basePath": "(none)", "restApiId": "rootapi", "stage": "prod"},
            {"basePath": "v1", "restApiId": "v1api", "stage": "live"},
            {"basePath": "v1.1", "restApiId": "v11api"},
            {"basePath": "orders/v2", "restApiId": "ordersapi", "stage": "beta"},
        ]}),
        store_with({"*.example.com": [{"basePath": "(none)", "restApiId": "wildapi",
                                       "stage": "prod"}],
                    "*.eu.example.com": [{"basePath": "eu", "restApiId": "euapi",
                                          "stage": "prod"}]},
                   account="210987654321", region="eu-west-1"),
    ]


@pytest.mark.parametrize("host, path, expected", [
    ("api.example.com", "/v1/pets/1",
     ("123456789012", "us-east-1", "api.example.com", "v1", "v1api", "live", "/pets/1")),
    ("API.Example.com:443", "/v1", ("v1", "v1api", "live", "/")),
    ("api.example.com", "/v1/", ("v1", "v1api", "live", "/")),
    ("api.example.com", "/v10/pets", ("(none)", "rootapi", "prod", "/v10/pets")),
    ("api.example.com", "/v1.1/prod/pets", ("v1.1", "v11api", None, "/prod/pets")),
    ("api.example.com", "/orders/v2/x?y", ("orders/v2", "ordersapi", "beta", "/x?y")),
    ("api.example.com", "/orders/v3", ("(none)", "rootapi", "prod", "/orders/v3")),
    ("api.example.com", "/", ("(none)", "rootapi", "prod", "/")),
    ("api.example.com", "/v1/a%2Fb//c", ("v1", "v1api", "live", "/a%2Fb//c")),
    ("shop.example.com", "/anything",
     ("210987654321", "eu-west-1", "*.example.com", "(none)", "wildapi", "prod",
      "/anything")),
    ("a.b.eu.example.com", "/eu/x", ("eu", "euapi", "prod", "/x")),
])
def test_routes_to_the_longest_base_path(stores, host, path, expected):
    route = resolve_custom_domain(stores, host, path)
    assert route is not None
    fields = (route.account, route.region, route.domain_name, route.base_path, route.api_id,
              route.stage, route.path)
    assert fields[-len(expected):] == expected


def test_known_domain_without_matching_mapping(stores):
    route = resolve_custom_domain(stores, "x.eu.example.com", "/us/pets")
    assert route == CustomDomainRoute("210987654321", "eu-west-1", "*.eu.example.com",
                                      None, None, None, "/us/pets")


@pytest.mark.parametrize("host", ["example.com", "api.example.org", "eu.example.com.evil",
                                  "abc123.execute-api.us-east-1.amazonaws.com"])
def test_unknown_hosts_are_not_custom_domains(stores, host):
    assert resolve_custom_domain(stores, host, "/") is None


def test_no_stores():
    assert resolve_custom_domain([], "api.example.com", "/") is None


def test_resolves_what_the_control_plane_created():
    with mock_apigateway() as mock:
        client = boto3.client("apigateway", region_name="us-west-2")
        cert = "arn:aws:acm:us-west-2:123456789012:certificate/abc"
        client.create_domain_name(domainName="pets.example.com", regionalCertificateArn=cert,
                                  endpointConfiguration={"types": ["REGIONAL"]})
        api_id = client.create_rest_api(name="pets")["id"]
        client.create_base_path_mapping(domainName="pets.example.com", restApiId=api_id,
                                        basePath="store")
        route = resolve_custom_domain(mock.instance.backends, "pets.example.com",
                                      "/store/prod/pets")
    assert route == CustomDomainRoute("123456789012", "us-west-2", "pets.example.com",
                                      "store", api_id, None, "/prod/pets")

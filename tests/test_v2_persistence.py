"""``--state-dir`` covers apigatewayv2's domain names, API mappings, routing rules, VPC
links, tags and portals: a replayed journal rebuilds exactly the same state."""

from __future__ import annotations

import boto3

from mockgw import control
from mockgw.mock import mock_apigateway
from tests.helpers import mock_api
from tests.support import ACCOUNT
from tests.v2_support import CERT, new_portal


def build_v2(v2, rest) -> None:
    api_id = mock_api(rest, name="pets", path="pets")["api_id"]
    rest.create_deployment(restApiId=api_id, stageName="prod")
    domain = v2.create_domain_name(DomainName="api.example.com", Tags={"a": "1"},
                                   DomainNameConfigurations=[{"CertificateArn": CERT}])
    mapping = v2.create_api_mapping(DomainName="api.example.com", ApiId=api_id, Stage="prod",
                                    ApiMappingKey="pets/v1")
    v2.update_api_mapping(DomainName="api.example.com", ApiMappingId=mapping["ApiMappingId"],
                          ApiId=api_id, ApiMappingKey="pets/v2")
    v2.create_routing_rule(DomainName="api.example.com", Priority=5, Conditions=[],
                           Actions=[{"InvokeApi": {"ApiId": api_id, "Stage": "prod"}}])
    v2.update_domain_name(DomainName="api.example.com",
                          RoutingMode="ROUTING_RULE_THEN_API_MAPPING")
    v2.tag_resource(ResourceArn=domain["DomainNameArn"], Tags={"b": "2"})
    link = v2.create_vpc_link(Name="link", SubnetIds=["subnet-1"])
    v2.update_vpc_link(VpcLinkId=link["VpcLinkId"], Name="renamed")
    product = v2.create_portal_product(DisplayName="Pets")
    product_id = product["PortalProductId"]
    v2.create_product_page(PortalProductId=product_id,
                           DisplayContent={"Title": "Terms", "Body": "terms"})
    v2.create_product_rest_endpoint_page(
        PortalProductId=product_id, RestEndpointIdentifier={"IdentifierParts": {
            "RestApiId": api_id, "Stage": "prod", "Method": "GET", "Path": "/pets"}})
    v2.put_portal_product_sharing_policy(
        PortalProductId=product_id,
        PolicyDocument='{"Version":"2012-10-17","Statement":[]}')
    portal = new_portal(v2, IncludedPortalProductArns=[product["PortalProductArn"]],
                        LogoUri="s3://bucket/logo.png")
    v2.publish_portal(PortalId=portal["PortalId"], Description="v1")
    v2.preview_portal(PortalId=portal["PortalId"])


def test_replayed_journal_rebuilds_v2_state(tmp_path):
    with mock_apigateway() as first:
        control.open_state(first.instance, str(tmp_path))
        build_v2(boto3.client("apigatewayv2", region_name="us-east-1"),
                 boto3.client("apigateway", region_name="us-east-1"))
        expected = first.instance.dump()
        state = first.instance.state
        state.close()  # a crash: no snapshot of the final state
        first.instance.state = None
    with mock_apigateway() as second:
        control.open_state(second.instance, str(tmp_path))
        assert second.instance.dump() == expected  # ids, dates, ARNs: all the same
        v2 = boto3.client("apigatewayv2", region_name="us-east-1")
        assert v2.get_api_mappings(DomainName="api.example.com")["Items"][0][
            "ApiMappingKey"] == "pets/v2"
        assert v2.list_portals()["Items"][0]["PublishStatus"] == "PUBLISHED"
        assert v2.get_tags(ResourceArn="arn:aws:apigateway:us-east-1::/domainnames/"
                                       "api.example.com")["Tags"] == {"a": "1", "b": "2"}
        assert ACCOUNT in v2.list_portal_products()["Items"][0]["PortalProductArn"]

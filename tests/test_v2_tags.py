"""Tags through apigatewayv2 (TagResource, UntagResource, GetTags) on every taggable ARN,
one set of tags shared with the REST API's tagging."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support import ACCOUNT, error_of
from tests.v2_support import CERT, needs_http_apis, new_portal

REGION_ARN = "arn:aws:apigateway:us-east-1:"


def tags(v2, arn) -> dict:
    return v2.get_tags(ResourceArn=arn)["Tags"]


def test_domain_name_tags_are_shared_with_the_rest_api(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    arn = v2.create_domain_name(DomainName="api.example.com", Tags={"a": "1"},
                                DomainNameConfigurations=[{"CertificateArn": CERT}])[
        "DomainNameArn"]
    assert v2.tag_resource(ResourceArn=arn, Tags={"b": "2"})["ResponseMetadata"][
        "HTTPStatusCode"] == 201
    assert rest.get_tags(resourceArn=arn)["tags"] == {"a": "1", "b": "2"}
    rest.tag_resource(resourceArn=arn, tags={"c": "3"})
    assert tags(v2, arn) == {"a": "1", "b": "2", "c": "3"}
    assert v2.untag_resource(ResourceArn=arn, TagKeys=["a", "c", "zz"])["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    assert tags(v2, arn) == {"b": "2"}
    assert v2.get_domain_name(DomainName="api.example.com")["Tags"] == {"b": "2"}
    v2.untag_resource(ResourceArn=arn, TagKeys=["b"])
    assert tags(v2, arn) == {} and rest.get_tags(resourceArn=arn)["tags"] == {}


def test_rest_resources_through_v2(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    api_id = rest.create_rest_api(name="rest", tags={"kind": "rest"})["id"]
    arn = f"{REGION_ARN}:/restapis/{api_id}"
    assert tags(v2, arn) == {"kind": "rest"}
    v2.tag_resource(ResourceArn=arn, Tags={"via": "v2"})
    assert rest.get_rest_api(restApiId=api_id)["tags"] == {"kind": "rest", "via": "v2"}
    with pytest.raises(ClientError) as exc:
        tags(v2, f"{REGION_ARN}:/restapis/nope")
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid API identifier specified {ACCOUNT}:nope", 404)


def test_vpc_link_tags(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    link_id = v2.create_vpc_link(Name="l", SubnetIds=["subnet-1"], Tags={"a": "1"})["VpcLinkId"]
    arn = f"{REGION_ARN}:/vpclinks/{link_id}"
    v2.tag_resource(ResourceArn=arn, Tags={"b": "2"})
    assert v2.get_vpc_link(VpcLinkId=link_id)["Tags"] == {"a": "1", "b": "2"}
    v2.untag_resource(ResourceArn=arn, TagKeys=["a", "b"])
    assert v2.get_vpc_link(VpcLinkId=link_id)["Tags"] == {}
    # a REST VPC link has the same ARN form
    rest_id = rest.create_vpc_link(
        name="rest", targetArns=["arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                                 "loadbalancer/net/nlb/1234567890abcdef"])["id"]
    v2.tag_resource(ResourceArn=f"{REGION_ARN}:/vpclinks/{rest_id}", Tags={"r": "1"})
    assert rest.get_vpc_link(vpcLinkId=rest_id)["tags"] == {"r": "1"}
    with pytest.raises(ClientError) as exc:
        tags(v2, f"{REGION_ARN}:/vpclinks/nope")
    assert error_of(exc) == ("NotFoundException", "Invalid Vpc Link identifier specified", 404)


def test_portal_and_portal_product_tags(gw):
    v2 = gw.client("apigatewayv2")
    portal = new_portal(v2, Tags={"p": "1"})
    product = v2.create_portal_product(DisplayName="pets", Tags={"q": "1"})
    v2.tag_resource(ResourceArn=portal["PortalArn"], Tags={"p2": "2"})
    v2.tag_resource(ResourceArn=product["PortalProductArn"], Tags={"q2": "2"})
    assert v2.get_portal(PortalId=portal["PortalId"])["Tags"] == {"p": "1", "p2": "2"}
    assert v2.get_portal_product(PortalProductId=product["PortalProductId"])["Tags"] == {
        "q": "1", "q2": "2"}
    v2.untag_resource(ResourceArn=portal["PortalArn"], TagKeys=["p"])
    assert tags(v2, portal["PortalArn"]) == {"p2": "2"}
    for arn, message in (
            (f"{REGION_ARN}{ACCOUNT}:/portals/nope000000", "Invalid portal identifier specified"),
            (f"{REGION_ARN}{ACCOUNT}:/portalproducts/nope000000",
             "Invalid portal product identifier specified")):
        with pytest.raises(ClientError) as exc:
            tags(v2, arn)
        assert error_of(exc) == ("NotFoundException", message, 404)


@pytest.mark.parametrize("arn, expected", [
    ("not-an-arn", ("BadRequestException", "Invalid ARN specified in the request", 400)),
    ("arn:aws:lambda:us-east-1:123456789012:function:f",
     ("BadRequestException", "Invalid ARN specified in the request", 400)),
    (f"{REGION_ARN}:/unknownthings/x",
     ("BadRequestException", "Invalid ARN specified in the request", 400)),
    (f"{REGION_ARN}:/apis/nope123456",
     ("NotFoundException", f"Invalid API identifier specified {ACCOUNT}:nope123456", 404)),
    (f"{REGION_ARN}:/apis/nope123456/stages/prod",
     ("NotFoundException", f"Invalid API identifier specified {ACCOUNT}:nope123456", 404)),
    (f"{REGION_ARN}:/domainnames/nope.example.com",
     ("NotFoundException", "Invalid domain name identifier specified", 404)),
])
def test_wrong_arns(gw, arn, expected):
    v2 = gw.client("apigatewayv2")
    for call in (lambda: v2.get_tags(ResourceArn=arn),
                 lambda: v2.tag_resource(ResourceArn=arn, Tags={"a": "b"}),
                 lambda: v2.untag_resource(ResourceArn=arn, TagKeys=["a"])):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == expected


def test_tag_refusals_leave_tags_alone(gw):
    v2 = gw.client("apigatewayv2")
    link_id = v2.create_vpc_link(Name="l", SubnetIds=["subnet-1"], Tags={"a": "1"})["VpcLinkId"]
    arn = f"{REGION_ARN}:/vpclinks/{link_id}"
    with pytest.raises(ClientError) as exc:
        v2.tag_resource(ResourceArn=arn, Tags={"aws:reserved": "x"})
    assert error_of(exc) == ("BadRequestException", "Tag keys cannot start with 'aws:'", 400)
    with pytest.raises(ClientError) as exc:
        v2.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(50)})
    assert error_of(exc) == ("BadRequestException",
                             "Too many tags: at most 50 tags are allowed", 400)
    assert tags(v2, arn) == {"a": "1"}


@needs_http_apis
def test_http_api_and_stage_tags(gw):
    v2 = gw.client("apigatewayv2")
    api_id = v2.create_api(Name="http", ProtocolType="HTTP", Tags={"a": "1"})["ApiId"]
    v2.create_stage(ApiId=api_id, StageName="prod")
    api_arn = f"{REGION_ARN}:/apis/{api_id}"
    v2.tag_resource(ResourceArn=api_arn, Tags={"b": "2"})
    assert v2.get_api(ApiId=api_id)["Tags"] == {"a": "1", "b": "2"}
    stage_arn = f"{api_arn}/stages/prod"
    v2.tag_resource(ResourceArn=stage_arn, Tags={"s": "1"})
    assert v2.get_stage(ApiId=api_id, StageName="prod")["Tags"] == {"s": "1"}
    with pytest.raises(ClientError) as exc:
        tags(v2, f"{api_arn}/stages/nope")
    assert error_of(exc) == ("NotFoundException", "Invalid stage identifier specified", 404)

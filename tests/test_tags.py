"""TagResource, UntagResource and GetTags on every taggable ARN."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support import ACCOUNT, add_stage, error_of

CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc"
NLB = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/net/nlb/1"


def arn(path: str, region: str = "us-east-1", account: str = "") -> str:
    return f"arn:aws:apigateway:{region}:{account}:{path}"


def roundtrip(client, resource_arn: str) -> None:
    """Tag, read, untag and read again ``resource_arn``."""
    tagged = client.tag_resource(resourceArn=resource_arn, tags={"team": "core", "env": "dev"})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    client.tag_resource(resourceArn=resource_arn, tags={"env": "prod"})
    assert client.get_tags(resourceArn=resource_arn)["tags"] == {"team": "core",
                                                                 "env": "prod"}
    untagged = client.untag_resource(resourceArn=resource_arn, tagKeys=["team", "missing"])
    assert untagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.get_tags(resourceArn=resource_arn)["tags"] == {"env": "prod"}


def test_rest_api_tags(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="pets")["id"]
    roundtrip(c, arn(f"/restapis/{api_id}"))
    assert c.get_rest_api(restApiId=api_id)["tags"] == {"env": "prod"}
    c.untag_resource(resourceArn=arn(f"/restapis/{api_id}"), tagKeys=["env"])
    assert c.get_tags(resourceArn=arn(f"/restapis/{api_id}"))["tags"] == {}
    assert c.get_rest_api(restApiId=api_id)["tags"] == {}  # GetRestApi always shows tags


def test_stage_tags(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="pets")["id"]
    add_stage(gw, c, api_id, "prod")
    roundtrip(c, arn(f"/restapis/{api_id}/stages/prod"))
    with pytest.raises(ClientError) as exc:
        c.get_tags(resourceArn=arn(f"/restapis/{api_id}/stages/beta"))
    assert error_of(exc) == ("NotFoundException", "Invalid Stage identifier specified", 404)


def test_domain_name_tags(gw):
    c = gw.client()
    c.create_domain_name(domainName="api.example.com", certificateArn=CERT,
                         tags={"owner": "web"})
    domain_arn = arn("/domainnames/api.example.com")
    assert c.get_tags(resourceArn=domain_arn)["tags"] == {"owner": "web"}
    c.untag_resource(resourceArn=domain_arn, tagKeys=["owner"])
    roundtrip(c, domain_arn)
    assert c.get_domain_name(domainName="api.example.com")["tags"] == {"env": "prod"}
    private = c.create_domain_name(domainName="private.example.com", certificateArn=CERT,
                                   endpointConfiguration={"types": ["PRIVATE"]})
    roundtrip(c, private["domainNameArn"])


def test_client_certificate_and_vpc_link_tags(gw):
    c = gw.client()
    cert_id = c.generate_client_certificate()["clientCertificateId"]
    roundtrip(c, arn(f"/clientcertificates/{cert_id}"))
    assert c.get_client_certificate(clientCertificateId=cert_id)["tags"] == {"env": "prod"}
    link_id = c.create_vpc_link(name="link", targetArns=[NLB])["id"]
    roundtrip(c, arn(f"/vpclinks/{link_id}"))
    assert c.get_vpc_link(vpcLinkId=link_id)["tags"] == {"env": "prod"}


def test_access_association_tags(gw):
    c = gw.client()
    private = c.create_domain_name(domainName="private.example.com", certificateArn=CERT,
                                   endpointConfiguration={"types": ["PRIVATE"]})
    association = c.create_domain_name_access_association(
        domainNameArn=private["domainNameArn"], accessAssociationSourceType="VPCE",
        accessAssociationSource="vpce-0123456789abcdef0")
    roundtrip(c, association["domainNameAccessAssociationArn"])


@pytest.mark.parametrize("kind, table, create", [
    ("apikeys", "apigateway.apikeys", lambda c: c.create_api_key(name="key")["id"]),
    ("usageplans", "apigateway.usageplans", lambda c: c.create_usage_plan(name="plan")["id"]),
])
def test_api_key_and_usage_plan_tags(gw, kind, table, create):
    """Families other modules own: only their ``tags`` key is touched."""
    c = gw.client()
    try:
        resource_id = create(c)
    except ClientError as exc:
        if "does not implement" not in exc.response["Error"]["Message"]:
            raise
        if gw.mode != "inprocess":
            pytest.skip(f"mockgw has no handler yet to create {kind}")
        resource_id = "abc123"
        store = gw.mock.instance.backends.store(ACCOUNT, "us-east-1")
        store.table(table)[resource_id] = {"id": resource_id, "name": "x"}
    roundtrip(c, arn(f"/{kind}/{resource_id}"))


@pytest.mark.parametrize("resource_arn, error", [
    ("not-an-arn", ("BadRequestException", "Invalid ARN specified in the request", 400)),
    (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f",
     ("BadRequestException", "Invalid ARN specified in the request", 400)),
    (arn("/restapis/abc/resources/def"),
     ("BadRequestException", "Invalid ARN specified in the request", 400)),
    (arn("/restapis/nope123456"),
     ("NotFoundException", f"Invalid API identifier specified {ACCOUNT}:nope123456", 404)),
    (arn("/restapis/nope123456/stages/prod"),
     ("NotFoundException", f"Invalid API identifier specified {ACCOUNT}:nope123456", 404)),
    (arn("/domainnames/nope.example.com"),
     ("NotFoundException", "Invalid domain name identifier specified", 404)),
    (arn("/clientcertificates/abc123"),
     ("NotFoundException", "Invalid Client Certificate identifier specified", 404)),
    (arn("/vpclinks/abc123"),
     ("NotFoundException", "Invalid Vpc Link identifier specified", 404)),
    (arn("/apikeys/abc123"),
     ("NotFoundException", "Invalid API Key identifier specified", 404)),
    (arn("/usageplans/abc123"), ("NotFoundException", "Invalid Usage Plan ID specified", 404)),
])
def test_bad_or_unknown_arns(gw, resource_arn, error):
    c = gw.client()
    for call in (lambda: c.get_tags(resourceArn=resource_arn),
                 lambda: c.tag_resource(resourceArn=resource_arn, tags={"a": "b"}),
                 lambda: c.untag_resource(resourceArn=resource_arn, tagKeys=["a"])):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == error


def test_resource_in_another_region_is_not_found(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="pets")["id"]
    with pytest.raises(ClientError) as exc:
        c.get_tags(resourceArn=arn(f"/restapis/{api_id}", region="eu-west-1"))
    assert error_of(exc)[0::2] == ("NotFoundException", 404)


def test_invalid_tags_change_nothing(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="pets", tags={"keep": "me"})["id"]
    api_arn = arn(f"/restapis/{api_id}")
    with pytest.raises(ClientError) as exc:
        c.tag_resource(resourceArn=api_arn, tags={"fine": "x", "aws:reserved": "y"})
    assert error_of(exc) == ("BadRequestException", "Tag keys cannot start with 'aws:'", 400)
    with pytest.raises(ClientError) as exc:
        c.tag_resource(resourceArn=api_arn, tags={f"k{i}": "v" for i in range(50)})
    assert error_of(exc)[0] == "BadRequestException"
    assert c.get_tags(resourceArn=api_arn)["tags"] == {"keep": "me"}

"""VPC links."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support import error_of

NLB = ("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/my-nlb/"
       "1234567890abcdef")


def test_vpc_link_lifecycle(gw):
    c = gw.client()
    created = c.create_vpc_link(name="link", description="to the NLB", targetArns=[NLB])
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert created["status"] == "PENDING"
    assert "statusMessage" not in created and "tags" not in created
    assert (created["name"], created["description"], created["targetArns"]) == \
        ("link", "to the NLB", [NLB])
    link_id = created["id"]
    got = c.get_vpc_link(vpcLinkId=link_id)
    assert (got["status"], got["statusMessage"]) == ("AVAILABLE",
                                                     "Your vpc link is ready for use")
    assert got["tags"] == {}
    listed = c.get_vpc_links()["items"]
    assert [x["id"] for x in listed] == [link_id]
    assert "tags" not in listed[0]
    updated = c.update_vpc_link(vpcLinkId=link_id, patchOperations=[
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "remove", "path": "/description"}])
    assert updated["name"] == "renamed" and "description" not in updated
    assert updated["tags"] == {}
    deleted = c.delete_vpc_link(vpcLinkId=link_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert c.get_vpc_links()["items"] == []


def test_vpc_link_tags_are_echoed(gw):
    created = gw.client().create_vpc_link(name="link", targetArns=[NLB], tags={"a": "b"})
    assert created["tags"] == {"a": "b"}


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "", "targetArns": []}, "Name cannot be empty"),
    ({"name": "link", "targetArns": ["invalid-arn"]},
     "Invalid ARN. ARN is not well formed invalid-arn"),
    ({"name": "link", "targetArns": []}, "Target ARNs cannot be empty"),
])
def test_create_vpc_link_validation(gw, kwargs, message):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.create_vpc_link(**kwargs)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_vpc_links()["items"] == []


@pytest.mark.parametrize("call", ["get_vpc_link", "delete_vpc_link", "update_vpc_link"])
def test_unknown_vpc_link(gw, call):
    kwargs = {"patchOperations": []} if call.startswith("update") else {}
    with pytest.raises(ClientError) as exc:
        getattr(gw.client(), call)(vpcLinkId="invalid-id", **kwargs)
    assert error_of(exc) == ("NotFoundException", "Invalid Vpc Link identifier specified", 404)


def test_failed_vpc_link_patch_changes_nothing(gw):
    c = gw.client()
    link_id = c.create_vpc_link(name="link", targetArns=[NLB])["id"]
    with pytest.raises(ClientError) as exc:
        c.update_vpc_link(vpcLinkId=link_id, patchOperations=[
            {"op": "replace", "path": "/name", "value": "lost"},
            {"op": "replace", "path": "/targetArns", "value": NLB}])
    assert error_of(exc) == ("BadRequestException",
                             "Invalid patch path  '/targetArns' specified for op 'replace'. "
                             "Must be one of: [/name, /description]", 400)
    with pytest.raises(ClientError) as exc:
        c.update_vpc_link(vpcLinkId=link_id, patchOperations=[
            {"op": "replace", "path": "/name", "value": " "}])
    assert error_of(exc) == ("BadRequestException", "Name cannot be empty", 400)
    assert c.get_vpc_link(vpcLinkId=link_id)["name"] == "link"

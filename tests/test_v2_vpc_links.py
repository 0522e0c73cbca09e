"""VPC links for HTTP APIs (apigatewayv2): create, get, list, update, delete."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.support import error_of, without_metadata

NOT_FOUND = ("NotFoundException", "Invalid Vpc Link identifier specified", 404)


def test_vpc_link_lifecycle(gw):
    v2 = gw.client("apigatewayv2")
    created = v2.create_vpc_link(Name="MyVpcLink", SubnetIds=["subnet-aaaa", "subnet-bbbb"],
                                 SecurityGroupIds=["sg1234", "sg5678"], Tags={"team": "a"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    link_id = created["VpcLinkId"]
    assert re.fullmatch(r"[a-z0-9]{7}", link_id)
    created_date = created["CreatedDate"]
    expected = {"CreatedDate": created_date, "Name": "MyVpcLink",
                "SecurityGroupIds": ["sg1234", "sg5678"],
                "SubnetIds": ["subnet-aaaa", "subnet-bbbb"], "Tags": {"team": "a"},
                "VpcLinkId": link_id, "VpcLinkVersion": "V2"}
    assert without_metadata(created) == {**expected, "VpcLinkStatus": "PENDING",
                                         "VpcLinkStatusMessage": "VPC link is provisioning ENIs"}
    ready = {**expected, "VpcLinkStatus": "AVAILABLE",
             "VpcLinkStatusMessage": "VPC link is ready to route traffic"}
    assert without_metadata(v2.get_vpc_link(VpcLinkId=link_id)) == ready
    assert v2.get_vpc_links()["Items"] == [ready]
    renamed = v2.update_vpc_link(VpcLinkId=link_id, Name="Renamed")
    assert without_metadata(renamed) == {**ready, "Name": "Renamed"}
    deleted = v2.delete_vpc_link(VpcLinkId=link_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert v2.get_vpc_links()["Items"] == []
    for call in (lambda: v2.get_vpc_link(VpcLinkId=link_id),
                 lambda: v2.update_vpc_link(VpcLinkId=link_id, Name="x"),
                 lambda: v2.delete_vpc_link(VpcLinkId=link_id)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == NOT_FOUND


def test_vpc_link_without_security_groups_and_paging(gw):
    v2 = gw.client("apigatewayv2")
    ids = [v2.create_vpc_link(Name=f"link{i}", SubnetIds=["subnet-1", "subnet-1"])["VpcLinkId"]
           for i in range(3)]
    first = v2.get_vpc_link(VpcLinkId=ids[0])
    assert first["SecurityGroupIds"] == [] and first["SubnetIds"] == ["subnet-1"]
    assert first["Tags"] == {}
    page = v2.get_vpc_links(MaxResults="2")
    assert [link["VpcLinkId"] for link in page["Items"]] == ids[:2]
    rest = v2.get_vpc_links(MaxResults="2", NextToken=page["NextToken"])
    assert [link["VpcLinkId"] for link in rest["Items"]] == ids[2:]


def test_vpc_link_refusals(gw):
    v2 = gw.client("apigatewayv2")
    for kwargs, message in (({"Name": " ", "SubnetIds": ["subnet-1"]}, "Name cannot be empty"),
                            ({"Name": "x", "SubnetIds": []}, "SubnetIds cannot be empty"),
                            ({"Name": "x", "SubnetIds": ["subnet-1"], "Tags": {"aws:x": "y"}},
                             "Tag keys cannot start with 'aws:'")):
        with pytest.raises(ClientError) as exc:
            v2.create_vpc_link(**kwargs)
        assert error_of(exc) == ("BadRequestException", message, 400)
    assert v2.get_vpc_links()["Items"] == []
    link_id = v2.create_vpc_link(Name="kept", SubnetIds=["subnet-1"])["VpcLinkId"]
    with pytest.raises(ClientError) as exc:
        v2.update_vpc_link(VpcLinkId=link_id, Name="  ")
    assert error_of(exc) == ("BadRequestException", "Name cannot be empty", 400)
    assert v2.get_vpc_link(VpcLinkId=link_id)["Name"] == "kept"


def test_v2_and_rest_vpc_links_are_separate(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    rest_link = rest.create_vpc_link(
        name="rest", targetArns=["arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                                 "loadbalancer/net/nlb/1234567890abcdef"])["id"]
    v2_link = v2.create_vpc_link(Name="v2", SubnetIds=["subnet-1"])["VpcLinkId"]
    assert [link["VpcLinkId"] for link in v2.get_vpc_links()["Items"]] == [v2_link]
    assert [link["id"] for link in rest.get_vpc_links()["items"]] == [rest_link]
    with pytest.raises(ClientError) as exc:
        v2.get_vpc_link(VpcLinkId=rest_link)
    assert error_of(exc) == NOT_FOUND

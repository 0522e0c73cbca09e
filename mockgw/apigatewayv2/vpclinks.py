"""VpcLink (V2, for HTTP APIs): create, get, list, update, delete.

Table ``apigatewayv2.vpclinks``: id -> record (the VpcLink fields, PascalCase).  A link is
ready at once: CreateVpcLink answers ``PENDING`` as AWS does (its ENIs are being
provisioned), every later read ``AVAILABLE``.
"""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import check_tags
from mockgw.apigatewayv2.common import copy_out, paginate, stored
from mockgw.apigatewayv2.registry import operation
from mockgw.errors import BadRequestException
from mockgw.operations import Call

VPC_LINKS = "apigatewayv2.vpclinks"
VPC_LINK_NOT_FOUND = "Invalid Vpc Link identifier specified"
PROVISIONING = "VPC link is provisioning ENIs"
READY = "VPC link is ready to route traffic"


def vpc_links(call: Call) -> dict[str, dict]:
    return call.store.table(VPC_LINKS)


def vpc_link(call: Call, link_id: str) -> dict:
    """The record of a VPC link, or AWS's ``NotFoundException``."""
    return stored(call, VPC_LINKS, link_id, VPC_LINK_NOT_FOUND)


@operation("CreateVpcLink")
def create_vpc_link(call: Call, params: dict[str, Any]) -> dict:
    if not params["Name"].strip():
        raise BadRequestException("Name cannot be empty")
    if not params["SubnetIds"]:
        raise BadRequestException("SubnetIds cannot be empty")
    tags = params.get("Tags") or {}
    check_tags(tags)
    table = vpc_links(call)
    link = {
        "VpcLinkId": call.new_id(7, avoid=table),
        "Name": params["Name"],
        "SubnetIds": list(dict.fromkeys(params["SubnetIds"])),
        "SecurityGroupIds": list(dict.fromkeys(params.get("SecurityGroupIds") or [])),
        "CreatedDate": call.now(),
        "Tags": dict(tags),
        "VpcLinkVersion": "V2",
        "VpcLinkStatus": "AVAILABLE",
        "VpcLinkStatusMessage": READY,
    }
    table[link["VpcLinkId"]] = link
    return {**copy_out(link), "VpcLinkStatus": "PENDING", "VpcLinkStatusMessage": PROVISIONING}


@operation("GetVpcLink")
def get_vpc_link(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(vpc_link(call, params["VpcLinkId"]))


@operation("GetVpcLinks")
def get_vpc_links(call: Call, params: dict[str, Any]) -> dict:
    return paginate([copy_out(link) for link in vpc_links(call).values()], params)


@operation("UpdateVpcLink")
def update_vpc_link(call: Call, params: dict[str, Any]) -> dict:
    link = vpc_link(call, params["VpcLinkId"])
    if params.get("Name") is not None:
        if not params["Name"].strip():
            raise BadRequestException("Name cannot be empty")
        link["Name"] = params["Name"]
    return copy_out(link)


@operation("DeleteVpcLink")
def delete_vpc_link(call: Call, params: dict[str, Any]) -> dict:
    vpc_link(call, params["VpcLinkId"])
    del vpc_links(call)[params["VpcLinkId"]]
    return {}

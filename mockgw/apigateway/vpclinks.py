"""VpcLink: create, get, list, update, delete.

Table ``apigateway.vpclinks``: id -> record (the VpcLink fields).  A link is ready at
once: CreateVpcLink answers ``PENDING`` as AWS does, every later read ``AVAILABLE``.
"""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.arns import parse_arn
from mockgw.apigateway.common import check_tags, copy_out, paginate
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import apply_patch, scalar

VPC_LINKS = "apigateway.vpclinks"
READY_MESSAGE = "Your vpc link is ready for use"


def vpc_links(call: Call) -> dict[str, dict]:
    return call.store.table(VPC_LINKS)


def vpc_link(call: Call, link_id: str) -> dict:
    """The record of a VPC link, or AWS's ``NotFoundException``."""
    found = vpc_links(call).get(link_id)
    if found is None:
        raise NotFoundException("Invalid Vpc Link identifier specified")
    return found


@operation("CreateVpcLink")
def create_vpc_link(call: Call, params: dict[str, Any]) -> dict:
    if not params["name"].strip():
        raise BadRequestException("Name cannot be empty")
    targets = params["targetArns"]
    if not targets:
        raise BadRequestException("Target ARNs cannot be empty")
    for arn in targets:
        if parse_arn(arn) is None:
            raise BadRequestException(f"Invalid ARN. ARN is not well formed {arn}")
    tags = params.get("tags") or {}
    check_tags(tags)
    table = vpc_links(call)
    link_id = call.new_id(6)
    while link_id in table:
        link_id = call.new_id(6)
    link: dict[str, Any] = {"id": link_id, "name": params["name"],
                            "targetArns": list(targets)}
    if params.get("description") is not None:
        link["description"] = params["description"]
    if tags:
        link["tags"] = dict(tags)
    table[link_id] = {**link, "status": "AVAILABLE", "statusMessage": READY_MESSAGE}
    return {**copy_out(link), "status": "PENDING"}


@operation("GetVpcLink")
def get_vpc_link(call: Call, params: dict[str, Any]) -> dict:
    return _render(vpc_link(call, params["vpcLinkId"]))


@operation("GetVpcLinks")
def get_vpc_links(call: Call, params: dict[str, Any]) -> dict:
    return paginate([copy_out(link) for link in vpc_links(call).values()], params)


@operation("UpdateVpcLink")
def update_vpc_link(call: Call, params: dict[str, Any]) -> dict:
    current = vpc_link(call, params["vpcLinkId"])
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    if not updated["name"].strip():
        raise BadRequestException("Name cannot be empty")
    vpc_links(call)[current["id"]] = updated
    return _render(updated)


@operation("DeleteVpcLink")
def delete_vpc_link(call: Call, params: dict[str, Any]) -> dict:
    link = vpc_link(call, params["vpcLinkId"])
    del vpc_links(call)[link["id"]]
    return {}


def _render(link: dict) -> dict:
    """A link as GetVpcLink and UpdateVpcLink answer: ``tags`` always present."""
    return {**copy_out(link), "tags": dict(link.get("tags") or {})}


_PATCH_PATHS = [
    scalar("/name"),
    scalar("/description", ops=("replace", "add", "remove")),
]

"""DomainNameAccessAssociation: associate a VPC endpoint with a private custom domain name
(create, list, delete, reject).

Table ``apigateway.domainnameaccessassociations``: association ARN -> record (the
DomainNameAccessAssociation fields).
"""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.arns import parse_arn
from mockgw.apigateway.common import check_tags, copy_out, paginate
from mockgw.apigateway.domains import DOMAIN_NOT_FOUND, domain_names
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call

ASSOCIATIONS = "apigateway.domainnameaccessassociations"
_VPC_ENDPOINT = re.compile(r"^vpce-[0-9a-f]{8,17}$")
_NOT_FOUND = "Invalid domain name access association identifier specified"


def associations(call: Call) -> dict[str, dict]:
    return call.store.table(ASSOCIATIONS)


@operation("CreateDomainNameAccessAssociation")
def create_domain_name_access_association(call: Call, params: dict[str, Any]) -> dict:
    domain_arn = params["domainNameArn"]
    parsed = parse_arn(domain_arn)
    if parsed is None or parsed.service != "apigateway":
        raise BadRequestException("Invalid ARN specified in the request")
    key = parsed.resource.removeprefix("/domainnames/")
    record = domain_names(call).get(key) if parsed.region == call.region else None
    if record is None or "domainNameId" not in record["domain"]:
        raise NotFoundException(DOMAIN_NOT_FOUND)
    source = params["accessAssociationSource"]
    if not _VPC_ENDPOINT.match(source):
        raise BadRequestException(f"Invalid VPC endpoint identifier specified: {source}")
    tags = params.get("tags") or {}
    check_tags(tags)
    arn = (f"arn:aws:apigateway:{call.region}:{call.account}:/domainnameaccessassociations"
           f"/domainname/{key}/vpcesource/{source}")
    if arn in associations(call):
        raise ConflictException(
            "A domain name access association already exists for this VPC endpoint and "
            "domain name")
    association = {
        "domainNameAccessAssociationArn": arn,
        "domainNameArn": domain_arn,
        "accessAssociationSourceType": params["accessAssociationSourceType"],
        "accessAssociationSource": source,
    }
    if tags:
        association["tags"] = dict(tags)
    associations(call)[arn] = association
    return copy_out(association)


@operation("GetDomainNameAccessAssociations")
def get_domain_name_access_associations(call: Call, params: dict[str, Any]) -> dict:
    if params.get("resourceOwner") == "OTHER_ACCOUNTS":
        items: list[dict] = []  # no other account associates with this one's domains
    else:
        items = [copy_out(a) for a in associations(call).values()]
    return paginate(items, params)


@operation("DeleteDomainNameAccessAssociation")
def delete_domain_name_access_association(call: Call, params: dict[str, Any]) -> dict:
    arn = params["domainNameAccessAssociationArn"]
    if arn not in associations(call):
        raise NotFoundException(_NOT_FOUND)
    del associations(call)[arn]
    return {}


@operation("RejectDomainNameAccessAssociation")
def reject_domain_name_access_association(call: Call, params: dict[str, Any]) -> dict:
    arn = params["domainNameAccessAssociationArn"]
    found = associations(call).get(arn)
    if found is None or found["domainNameArn"] != params["domainNameArn"]:
        raise NotFoundException(_NOT_FOUND)
    del associations(call)[arn]
    return {}

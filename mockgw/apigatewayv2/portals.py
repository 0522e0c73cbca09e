"""Portal (API Gateway developer portals): create, get, list, update, delete, publish,
disable, preview.

Table ``apigatewayv2.portals``: portal id -> the Portal fields (PascalCase, as the model's
``GetPortalResponse``), plus the private ``_logoUri``.  A portal is a collection of portal
products (:mod:`mockgw.apigatewayv2.extras_portalproducts`) that AWS serves as a website at
``p-{portalId}.apigw-portal.{region}.on.aws`` (or a domain name the caller owns, through
CloudFront).  As on AWS a new portal is ``DISABLED``; publishing, disabling and previewing
finish at once here (AWS takes minutes), so the next read shows ``PUBLISHED``,
``DISABLED`` or ``PREVIEW_READY``.  A published portal must be disabled before it can be
deleted.
"""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.arns import parse_arn
from mockgw.apigateway.common import check_tags
from mockgw.apigateway.domains import CLOUDFRONT_HOSTED_ZONE
from mockgw.apigatewayv2.common import copy_out, paginate, stored
from mockgw.apigatewayv2.registry import operation
from mockgw.errors import BadRequestException
from mockgw.operations import Call

PORTALS = "apigatewayv2.portals"
PRODUCTS = "apigatewayv2.portalproducts"
PORTAL_NOT_FOUND = "Invalid portal identifier specified"
PUBLISHED, DISABLED = "PUBLISHED", "DISABLED"
CERTIFICATE_REGION = "us-east-1"  # portal domains are served by CloudFront
DISABLE_FIRST = "A published portal must be disabled before it can be deleted"


def portals(call: Call) -> dict[str, dict]:
    return call.store.table(PORTALS)


def portal(call: Call, portal_id: str) -> dict:
    """The record of a portal, or ``NotFoundException``."""
    return stored(call, PORTALS, portal_id, PORTAL_NOT_FOUND)


def _out(record: dict) -> dict:
    return copy_out({k: v for k, v in record.items() if not k.startswith("_")})


@operation("CreatePortal")
def create_portal(call: Call, params: dict[str, Any]) -> dict:
    tags = params.get("Tags") or {}
    check_tags(tags)
    table = portals(call)
    portal_id = call.new_id(10, avoid=table)
    record: dict[str, Any] = {
        "PortalId": portal_id,
        "PortalArn": call.arn("apigateway", f"/portals/{portal_id}"),
        "PublishStatus": DISABLED,
        "IncludedPortalProductArns": [],
        "Tags": dict(tags),
    }
    _apply(call, record, params, created=True)
    table[portal_id] = record
    return _out(record)


@operation("GetPortal")
def get_portal(call: Call, params: dict[str, Any]) -> dict:
    return _out(portal(call, params["PortalId"]))


@operation("ListPortals")
def list_portals(call: Call, params: dict[str, Any]) -> dict:
    return paginate([_out(r) for r in portals(call).values()], params)


@operation("UpdatePortal")
def update_portal(call: Call, params: dict[str, Any]) -> dict:
    current = portal(call, params["PortalId"])
    updated = copy_out(current)
    _apply(call, updated, params, created=False)
    portals(call)[current["PortalId"]] = updated
    return _out(updated)


@operation("DeletePortal")
def delete_portal(call: Call, params: dict[str, Any]) -> dict:
    record = portal(call, params["PortalId"])
    if record["PublishStatus"] == PUBLISHED:
        raise BadRequestException(DISABLE_FIRST)
    del portals(call)[record["PortalId"]]
    return {}


@operation("PublishPortal")
def publish_portal(call: Call, params: dict[str, Any]) -> dict:
    record = portal(call, params["PortalId"])
    record["PublishStatus"] = PUBLISHED
    record["LastPublished"] = call.now()
    if params.get("Description") is not None:
        record["LastPublishedDescription"] = params["Description"]
    else:
        record.pop("LastPublishedDescription", None)
    return {}


@operation("DisablePortal")
def disable_portal(call: Call, params: dict[str, Any]) -> dict:
    portal(call, params["PortalId"])["PublishStatus"] = DISABLED
    return {}


@operation("PreviewPortal")
def preview_portal(call: Call, params: dict[str, Any]) -> dict:
    record = portal(call, params["PortalId"])
    record["Preview"] = {
        "PreviewStatus": "PREVIEW_READY",
        "PreviewUrl": f"https://p-{record['PortalId']}-preview.apigw-portal.{call.region}.on.aws"}
    return {}


# -- input ---------------------------------------------------------------------------------

def _apply(call: Call, record: dict, params: dict[str, Any], *, created: bool) -> None:
    """Set what ``params`` give (all of it on create), checked; stamp ``LastModified``."""
    if params.get("Authorization") is not None:
        record["Authorization"] = _authorization(params["Authorization"])
    if params.get("EndpointConfiguration") is not None:
        record["EndpointConfiguration"] = _endpoint(call, record["PortalId"],
                                                    params["EndpointConfiguration"])
    if params.get("PortalContent") is not None:
        content = copy_out(params["PortalContent"])
        theme = content["Theme"]
        theme.pop("LogoLastUploaded", None)
        if record.get("PortalContent", {}).get("Theme", {}).get("LogoLastUploaded"):
            theme["LogoLastUploaded"] = record["PortalContent"]["Theme"]["LogoLastUploaded"]
        record["PortalContent"] = content
    if params.get("IncludedPortalProductArns") is not None:
        record["IncludedPortalProductArns"] = _included_products(
            call, params["IncludedPortalProductArns"])
    if params.get("LogoUri") is not None:
        record["_logoUri"] = params["LogoUri"]
        record["PortalContent"]["Theme"]["LogoLastUploaded"] = call.now()
    if params.get("RumAppMonitorName") is not None:
        record["RumAppMonitorName"] = params["RumAppMonitorName"]
    record["LastModified"] = call.now()


def _authorization(given: dict) -> dict:
    if ("CognitoConfig" in given) == ("None" in given):
        raise BadRequestException(
            "Exactly one of cognitoConfig or none must be specified for authorization")
    if "None" in given:
        return {"None": {}}
    cognito = given["CognitoConfig"]
    arn = parse_arn(cognito["UserPoolArn"])
    if arn is None or arn.service != "cognito-idp" or not arn.resource.startswith("userpool/"):
        raise BadRequestException(f"Invalid user pool ARN: {cognito['UserPoolArn']}")
    return {"CognitoConfig": dict(cognito)}


def _endpoint(call: Call, portal_id: str, given: dict) -> dict:
    if ("AcmManaged" in given) == ("None" in given):
        raise BadRequestException(
            "Exactly one of acmManaged or none must be specified for endpointConfiguration")
    out = {"PortalDefaultDomainName": f"p-{portal_id}.apigw-portal.{call.region}.on.aws",
           "PortalDomainHostedZoneId": CLOUDFRONT_HOSTED_ZONE}
    if "AcmManaged" in given:
        acm = given["AcmManaged"]
        arn = parse_arn(acm["CertificateArn"])
        if arn is None or arn.service != "acm" or not arn.resource.startswith("certificate/"):
            raise BadRequestException(f"Invalid certificate ARN: {acm['CertificateArn']}.")
        if arn.region != CERTIFICATE_REGION:
            raise BadRequestException(
                f"Invalid certificate ARN: {acm['CertificateArn']}. Certificate must be in "
                f"'{CERTIFICATE_REGION}'.")
        out.update(CertificateArn=acm["CertificateArn"], DomainName=acm["DomainName"])
    return out


def _included_products(call: Call, arns: list[str]) -> list[str]:
    """The product ARNs, each naming a portal product (this account's must exist)."""
    products = call.store.table(PRODUCTS)
    for arn in arns:
        parsed = parse_arn(arn)
        if parsed is None or parsed.service != "apigateway" or \
                not parsed.resource.startswith("/portalproducts/") or \
                parsed.resource.count("/") != 2:
            raise BadRequestException(f"Invalid portal product ARN specified: {arn}")
        product_id = parsed.resource.rsplit("/", 1)[1]
        if parsed.account == call.account and parsed.region == call.region and \
                product_id not in products:
            raise BadRequestException(f"Invalid portal product ARN specified: {arn}")
    return list(dict.fromkeys(arns))

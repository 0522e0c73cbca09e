"""DomainName: create (edge-optimized, regional, private), get, list, update (including
migrating between endpoint types), delete."""

from __future__ import annotations

from typing import Any

from mockgw import jsonsafe
from mockgw.apigateway.arns import parse_arn
from mockgw.apigateway.common import check_tags, copy_out, paginate
from mockgw.apigateway.domains import (
    CLOUDFRONT_HOSTED_ZONE,
    REGIONAL_HOSTED_ZONES,
    domain_arn,
    domain_key,
    domain_names,
    domain_record,
)
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException
from mockgw.operations import Call
from mockgw.protocol.models import service_model
from mockgw.state.patch import PatchError, apply_patch, custom, scalar

EDGE, REGIONAL, PRIVATE = "EDGE", "REGIONAL", "PRIVATE"
EDGE_CERTIFICATE_REGION = "us-east-1"
SECURITY_POLICIES = tuple(service_model("apigateway").shape_for("SecurityPolicy").enum)
_INVALID_TYPE = "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE"

#: Members a domain name keeps as given on create.
_COPIED = ("certificateName", "regionalCertificateName", "ownershipVerificationCertificateArn",
           "endpointAccessMode")


@operation("CreateDomainName")
def create_domain_name(call: Call, params: dict[str, Any]) -> dict:
    name = params["domainName"]
    if not name.strip():
        raise BadRequestException("No Domain Name specified")
    config = params.get("endpointConfiguration") or {}
    types = list(dict.fromkeys(config.get("types") or [EDGE]))
    if PRIVATE in types and len(types) > 1:
        raise BadRequestException(
            "Cannot create a domain name with multiple endpoint types when one of them "
            "is PRIVATE.")
    private = types == [PRIVATE]
    tags = params.get("tags") or {}
    check_tags(tags)
    domain: dict[str, Any] = {
        "domainName": name,
        "endpointConfiguration": {
            "types": types,
            "ipAddressType": config.get("ipAddressType", "dualstack" if private else "ipv4"),
        },
        "domainNameStatus": "AVAILABLE",
        "securityPolicy": params.get("securityPolicy", "TLS_1_2"),
        "routingMode": params.get("routingMode", "BASE_PATH_MAPPING_ONLY"),
    }
    if config.get("vpcEndpointIds"):
        domain["endpointConfiguration"]["vpcEndpointIds"] = list(config["vpcEndpointIds"])
    for key in ("certificateArn", "regionalCertificateArn", *_COPIED):
        if params.get(key) is not None:
            domain[key] = params[key]
    if params.get("certificateBody") and params.get("certificatePrivateKey"):
        domain["_uploadedCertificate"] = True
    if params.get("mutualTlsAuthentication"):
        domain["mutualTlsAuthentication"] = dict(params["mutualTlsAuthentication"])
    if params.get("policy") is not None:
        domain["policy"] = _check_policy(params["policy"])
    if tags:
        domain["tags"] = dict(tags)
    domain_id = call.new_id(8) if private else None
    if private:
        domain["domainNameId"] = domain_id
    domain["domainNameArn"] = domain_arn(call.region, call.account, name, domain_id)
    _check_domain(call, domain)
    table = domain_names(call)
    key = domain_key(name, domain_id)
    if key in table:
        raise BadRequestException("The domain name you provided already exists.")
    _provision_endpoints(call, domain, previous=None)
    table[key] = {"domain": domain, "basePathMappings": {}}
    return copy_out(domain)


@operation("GetDomainName")
def get_domain_name(call: Call, params: dict[str, Any]) -> dict:
    record = domain_record(call, params["domainName"], params.get("domainNameId"))
    return copy_out(record["domain"])


@operation("GetDomainNames")
def get_domain_names(call: Call, params: dict[str, Any]) -> dict:
    if params.get("resourceOwner") == "OTHER_ACCOUNTS":
        domains: list[dict] = []  # nothing is shared with this account
    else:
        domains = [copy_out(r["domain"]) for r in domain_names(call).values()]
    return paginate(domains, params)


@operation("UpdateDomainName")
def update_domain_name(call: Call, params: dict[str, Any]) -> dict:
    record = domain_record(call, params["domainName"], params.get("domainNameId"))
    current = record["domain"]
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    _check_domain(call, updated)
    _provision_endpoints(call, updated, previous=current)
    record["domain"] = updated
    return copy_out(updated)


@operation("DeleteDomainName")
def delete_domain_name(call: Call, params: dict[str, Any]) -> dict:
    domain_record(call, params["domainName"], params.get("domainNameId"))
    del domain_names(call)[domain_key(params["domainName"], params.get("domainNameId"))]
    return {}


# -- validation ----------------------------------------------------------------------------

def _check_domain(call: Call, domain: dict) -> None:
    """AWS's rules for a domain name's endpoint types, certificates and TLS settings."""
    types = domain["endpointConfiguration"]["types"]
    if not types:
        raise BadRequestException("At least one endpoint type must be specified.")
    if PRIVATE in types:
        _require_certificate(domain, "certificateArn", PRIVATE, call.region, call.account)
        if domain["securityPolicy"] == "TLS_1_0":
            raise BadRequestException(
                "Only TLS_1_2 security policy is supported for PRIVATE domain names.")
    if EDGE in types and not domain.get("_uploadedCertificate"):
        _require_certificate(domain, "certificateArn", EDGE, EDGE_CERTIFICATE_REGION,
                             call.account)
    if REGIONAL in types:
        if EDGE not in types and domain.get("certificateArn") and \
                not domain.get("regionalCertificateArn"):
            raise BadRequestException("Cannot import certificates for EDGE while REGIONAL is "
                                      "active.")
        _require_certificate(domain, "regionalCertificateArn", REGIONAL, call.region,
                             call.account)
    mtls = domain.get("mutualTlsAuthentication")
    if mtls:
        uri = mtls.get("truststoreUri", "")
        if types != [REGIONAL]:
            raise BadRequestException(
                "Mutual TLS authentication is only supported for REGIONAL domain names.")
        if domain["securityPolicy"] == "TLS_1_0":
            raise BadRequestException(
                "Mutual TLS authentication requires the TLS_1_2 security policy.")
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        if not uri.startswith("s3://") or not bucket or not key:
            raise BadRequestException(
                f"Invalid truststore URI: {uri}. The truststore must be an object in "
                "Amazon S3 (s3://bucket/key).")


def _require_certificate(domain: dict, member: str, endpoint: str, region: str,
                         account: str) -> None:
    arn = domain.get(member)
    if not arn:
        raise BadRequestException(
            f"A certificate was not provided for the endpoint type {endpoint}.")
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "acm" or \
            not parsed.resource.startswith("certificate/"):
        raise BadRequestException(f"Invalid certificate ARN: {arn}.")
    if parsed.region != region:
        raise BadRequestException(
            f"Invalid certificate ARN: {arn}. Certificate must be in '{region}'.")
    if parsed.account != account:
        raise BadRequestException("Cross-account certificate references are not allowed.")


def _check_policy(policy: str) -> str:
    try:
        doc = jsonsafe.loads(policy, deep=False)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise BadRequestException(
            "Invalid policy document. Please check the policy syntax and ensure that "
            "Principals are valid.")
    return policy


def _provision_endpoints(call: Call, domain: dict, previous: dict | None) -> None:
    """Give each endpoint type its target host name (and drop those of removed types);
    a changed certificate gets a new upload date."""
    types = domain["endpointConfiguration"]["types"]
    if EDGE in types:
        domain.setdefault("distributionDomainName",
                          f"d{call.new_id(13)}.cloudfront.net")
        domain["distributionHostedZoneId"] = CLOUDFRONT_HOSTED_ZONE
    else:
        domain.pop("distributionDomainName", None)
        domain.pop("distributionHostedZoneId", None)
    if REGIONAL in types:
        domain.setdefault("regionalDomainName",
                          f"d-{call.new_id(10)}.execute-api.{call.region}.amazonaws.com")
        domain["regionalHostedZoneId"] = REGIONAL_HOSTED_ZONES.get(
            call.region, REGIONAL_HOSTED_ZONES["us-east-1"])
    else:
        domain.pop("regionalDomainName", None)
        domain.pop("regionalHostedZoneId", None)
    certificates = (domain.get("certificateArn"), domain.get("regionalCertificateArn"))
    if previous is None or certificates != (previous.get("certificateArn"),
                                            previous.get("regionalCertificateArn")):
        domain["certificateUploadDate"] = call.now()


# -- patching ------------------------------------------------------------------------------

def _patch_types(domain: dict, op: str, labels: dict[str, str], value: Any) -> None:
    """``add``/``remove`` ``/endpointConfiguration/types`` (value: the type), as AWS's
    migration between edge-optimized and regional endpoints does; ``remove`` without a
    value drops the oldest type."""
    types = domain["endpointConfiguration"]["types"]
    if value is not None and value not in (EDGE, REGIONAL, PRIVATE):
        raise PatchError(_INVALID_TYPE)
    if op == "add":
        if value not in types:
            types.append(value)
    elif value is None:
        if types:
            types.pop(0)
    elif value in types:
        types.remove(value)


def _replace_type(domain: dict, op: str, labels: dict[str, str], value: Any) -> None:
    types = domain["endpointConfiguration"]["types"]
    current = labels["type"]
    index = int(current) if current.isdigit() else (
        types.index(current) if current in types else len(types))
    if index >= len(types):
        raise PatchError(f"Endpoint type {current} is not set on this domain name")
    if value not in (EDGE, REGIONAL, PRIVATE):
        raise PatchError(_INVALID_TYPE)
    types[index] = value


_CERTIFICATE_OPS = ("add", "replace", "remove")

_PATCH_PATHS = [
    scalar("/certificateName", ops=_CERTIFICATE_OPS),
    scalar("/certificateArn", ops=_CERTIFICATE_OPS),
    scalar("/regionalCertificateName", ops=_CERTIFICATE_OPS),
    scalar("/regionalCertificateArn", ops=_CERTIFICATE_OPS),
    scalar("/ownershipVerificationCertificateArn", ops=_CERTIFICATE_OPS),
    scalar("/securityPolicy",
           validate=lambda v: _one_of(v, SECURITY_POLICIES, "securityPolicy")),
    scalar("/endpointAccessMode",
           validate=lambda v: _one_of(v, ("BASIC", "STRICT"), "endpointAccessMode")),
    scalar("/routingMode", validate=lambda v: _one_of(
        v, ("BASE_PATH_MAPPING_ONLY", "ROUTING_RULE_ONLY",
            "ROUTING_RULE_THEN_BASE_PATH_MAPPING"), "routingMode")),
    scalar("/policy", validate=_check_policy),
    scalar("/endpointConfiguration/ipAddressType",
           validate=lambda v: _one_of(v, ("ipv4", "dualstack"), "ipAddressType")),
    custom("/endpointConfiguration/types", _patch_types, ops=("add", "remove"),
           value_required=False),
    custom("/endpointConfiguration/types/{type}", _replace_type),
    scalar("/mutualTlsAuthentication/truststoreUri"),
    scalar("/mutualTlsAuthentication/truststoreVersion"),
]


def _one_of(value: str, allowed: tuple[str, ...], member: str) -> None:
    if value not in allowed:
        raise PatchError(f"Invalid {member} specified: {value}. Valid options are "
                         f"{','.join(allowed)}")


#: The same rules and endpoint provisioning serve the apigatewayv2 view of domain names.
check_domain, provision_endpoints = _check_domain, _provision_endpoints

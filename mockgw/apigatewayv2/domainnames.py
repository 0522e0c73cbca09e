"""DomainName through apigatewayv2: create, get, list, update, delete.

There is one set of custom domain names per account and region, shared with the REST
control plane (table ``apigateway.domainnames``, :mod:`mockgw.state.domains`): a domain
created here is a REST ``DomainName`` too, and the other way round.  Records keep the
REST field names; :func:`v2_domain` is the apigatewayv2 view of one (one
``DomainNameConfiguration`` per endpoint type, routing modes renamed).  Through this API a
domain name is created and updated regional (AWS refuses EDGE here); an edge-optimized one
made with the REST API can be read and deleted here, but not updated or mapped.  Private
domain names are not part of this API.
"""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import check_tags
from mockgw.apigateway.domainnames import check_domain, provision_endpoints
from mockgw.apigateway.domains import (
    DOMAIN_NOT_FOUND,
    domain_arn,
    domain_key,
    domain_names,
)
from mockgw.apigatewayv2.common import HTTP, copy_out, find_api, paginate
from mockgw.apigatewayv2.registry import operation
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call
from mockgw.state.domains import (
    BASE_PATH_MAPPING_ONLY,
    ROUTING_RULE_ONLY,
    ROUTING_RULE_THEN_BASE_PATH_MAPPING,
)

EDGE, REGIONAL = "EDGE", "REGIONAL"
API_MAPPING_SELECTION_EXPRESSION = "$request.basepath"
EDGE_DOMAIN = ("Only REGIONAL domain names can be managed through the API Gateway V2 API. "
               "For EDGE domain names, please use the API Gateway V1 API. Also note that "
               "only REST APIs can be attached to EDGE domain names.")
EDGE_NOT_SUPPORTED = "EDGE endpoint type is not supported for APIGatewayV2 domainName"
ONE_CONFIGURATION = "Invalid input. Expected one domain name configuration"
NEEDS_TLS_1_2 = ("The security policy of a domain name with API mappings to HTTP APIs or "
                 "API mappings with multiple levels must be TLS_1_2")

#: apigatewayv2 routing mode -> the stored (apigateway) one, and back.
ROUTING_MODES = {"API_MAPPING_ONLY": BASE_PATH_MAPPING_ONLY,
                 "ROUTING_RULE_ONLY": ROUTING_RULE_ONLY,
                 "ROUTING_RULE_THEN_API_MAPPING": ROUTING_RULE_THEN_BASE_PATH_MAPPING}
_V2_ROUTING_MODES = {stored: v2 for v2, stored in ROUTING_MODES.items()}


# -- the v2 view ---------------------------------------------------------------------------

def v2_domain(domain: dict) -> dict:
    """The apigatewayv2 ``DomainName`` of a stored (apigateway-shaped) domain name."""
    out: dict[str, Any] = {
        "DomainName": domain["domainName"],
        "DomainNameArn": domain["domainNameArn"],
        "ApiMappingSelectionExpression": API_MAPPING_SELECTION_EXPRESSION,
        "DomainNameConfigurations": [_configuration(domain, t)
                                     for t in domain["endpointConfiguration"]["types"]
                                     if t in (EDGE, REGIONAL)],
        "RoutingMode": _V2_ROUTING_MODES.get(domain.get("routingMode"), "API_MAPPING_ONLY"),
    }
    mtls = domain.get("mutualTlsAuthentication")
    if mtls:
        shown = {"TruststoreUri": mtls.get("truststoreUri"),
                 "TruststoreVersion": mtls.get("truststoreVersion"),
                 "TruststoreWarnings": mtls.get("truststoreWarnings") or None}
        out["MutualTlsAuthentication"] = {k: v for k, v in shown.items() if v is not None}
    out["Tags"] = dict(domain.get("tags") or {})
    return copy_out(out)


def _configuration(domain: dict, endpoint_type: str) -> dict:
    regional = endpoint_type == REGIONAL
    prefix = "regional" if regional else "distribution"
    certificate = "regionalCertificate" if regional else "certificate"
    found = {
        "ApiGatewayDomainName": domain.get(f"{prefix}DomainName"),
        "CertificateArn": domain.get(f"{certificate}Arn"),
        "CertificateName": domain.get(f"{certificate}Name"),
        "CertificateUploadDate": domain.get("certificateUploadDate"),
        "DomainNameStatus": domain.get("domainNameStatus", "AVAILABLE"),
        "DomainNameStatusMessage": domain.get("domainNameStatusMessage"),
        "EndpointType": endpoint_type,
        "HostedZoneId": domain.get(f"{prefix}HostedZoneId"),
        "IpAddressType": domain["endpointConfiguration"].get("ipAddressType", "ipv4"),
        "SecurityPolicy": domain.get("securityPolicy", "TLS_1_2"),
        "OwnershipVerificationCertificateArn":
            domain.get("ownershipVerificationCertificateArn"),
    }
    return {k: v for k, v in found.items() if v is not None}


# -- lookups -------------------------------------------------------------------------------

def v2_domain_record(call: Call, name: str) -> dict:
    """The record of a (public) domain name, or AWS's ``NotFoundException``."""
    record = domain_names(call).get(domain_key(name))
    if record is None or record["domain"].get("domainNameId"):
        raise NotFoundException(DOMAIN_NOT_FOUND)
    return record


def regional_domain_record(call: Call, name: str) -> dict:
    """A domain name this API may manage: AWS refuses edge-optimized ones."""
    record = v2_domain_record(call, name)
    if EDGE in record["domain"]["endpointConfiguration"]["types"]:
        raise BadRequestException(EDGE_DOMAIN)
    return record


# -- handlers ------------------------------------------------------------------------------

@operation("CreateDomainName")
def create_domain_name(call: Call, params: dict[str, Any]) -> dict:
    name = params["DomainName"]
    if not name.strip():
        raise BadRequestException("No Domain Name specified")
    config = _one_configuration(params.get("DomainNameConfigurations"))
    tags = params.get("Tags") or {}
    check_tags(tags)
    domain: dict[str, Any] = {
        "domainName": name,
        "domainNameStatus": "AVAILABLE",
        "routingMode": ROUTING_MODES[params.get("RoutingMode", "API_MAPPING_ONLY")],
    }
    _apply_configuration(domain, config)
    if params.get("MutualTlsAuthentication"):
        domain["mutualTlsAuthentication"] = _mutual_tls(params["MutualTlsAuthentication"])
    if tags:
        domain["tags"] = dict(tags)
    domain["domainNameArn"] = domain_arn(call.region, call.account, name)
    check_domain(call, domain)
    table = domain_names(call)
    if domain_key(name) in table:
        raise BadRequestException("The domain name you provided already exists.")
    provision_endpoints(call, domain, previous=None)
    table[domain_key(name)] = {"domain": domain, "basePathMappings": {}}
    return v2_domain(domain)


@operation("GetDomainName")
def get_domain_name(call: Call, params: dict[str, Any]) -> dict:
    return v2_domain(v2_domain_record(call, params["DomainName"])["domain"])


@operation("GetDomainNames")
def get_domain_names(call: Call, params: dict[str, Any]) -> dict:
    domains = [v2_domain(r["domain"]) for r in domain_names(call).values()
               if not r["domain"].get("domainNameId")]
    return paginate(domains, params)


@operation("UpdateDomainName")
def update_domain_name(call: Call, params: dict[str, Any]) -> dict:
    record = regional_domain_record(call, params["DomainName"])
    current = record["domain"]
    updated = copy_out(current)
    if params.get("DomainNameConfigurations") is not None:
        _apply_configuration(updated, _one_configuration(params["DomainNameConfigurations"]))
    if params.get("MutualTlsAuthentication") is not None:
        updated["mutualTlsAuthentication"] = _mutual_tls(params["MutualTlsAuthentication"])
    if params.get("RoutingMode") is not None:
        updated["routingMode"] = ROUTING_MODES[params["RoutingMode"]]
    check_domain(call, updated)
    if updated.get("securityPolicy") != "TLS_1_2" and _needs_tls_1_2(call, record):
        raise BadRequestException(NEEDS_TLS_1_2)
    provision_endpoints(call, updated, previous=current)
    record["domain"] = updated
    return v2_domain(updated)


@operation("DeleteDomainName")
def delete_domain_name(call: Call, params: dict[str, Any]) -> dict:
    v2_domain_record(call, params["DomainName"])
    del domain_names(call)[domain_key(params["DomainName"])]
    return {}


# -- input ---------------------------------------------------------------------------------

def _one_configuration(configurations: list[dict] | None) -> dict:
    if not configurations or len(configurations) != 1:
        raise BadRequestException(ONE_CONFIGURATION)
    config = configurations[0]
    if config.get("EndpointType") == EDGE:
        raise BadRequestException(EDGE_NOT_SUPPORTED)
    return config


def _apply_configuration(domain: dict, config: dict) -> None:
    """Make ``config`` (an apigatewayv2 ``DomainNameConfiguration``) the domain's only
    (regional) endpoint, as a whole: what it leaves out is cleared or defaulted."""
    for key in ("regionalCertificateArn", "regionalCertificateName",
                "ownershipVerificationCertificateArn"):
        domain.pop(key, None)
    domain["endpointConfiguration"] = {"types": [REGIONAL],
                                       "ipAddressType": config.get("IpAddressType", "ipv4")}
    domain["securityPolicy"] = config.get("SecurityPolicy", "TLS_1_2")
    for v2_key, key in (("CertificateArn", "regionalCertificateArn"),
                        ("CertificateName", "regionalCertificateName"),
                        ("OwnershipVerificationCertificateArn",
                         "ownershipVerificationCertificateArn")):
        if config.get(v2_key) is not None:
            domain[key] = config[v2_key]


def _mutual_tls(given: dict) -> dict:
    mtls = {"truststoreUri": given.get("TruststoreUri", "")}
    if given.get("TruststoreVersion") is not None:
        mtls["truststoreVersion"] = given["TruststoreVersion"]
    return mtls


def _needs_tls_1_2(call: Call, record: dict) -> bool:
    """Whether the domain maps an HTTP API, or has a mapping with several levels."""
    for mapping in record["basePathMappings"].values():
        if "/" in mapping["basePath"]:
            return True
        found = find_api(call, mapping["restApiId"])
        if found is not None and found[0] == HTTP:
            return True
    return False

"""Tags on every taggable resource: TagResource, UntagResource, GetTags.

A resource ARN (``arn:aws:apigateway:{region}::/restapis/{id}`` ...) resolves to the
record that keeps the resource's ``tags`` map; only that key is touched.  Records of
API keys and usage plans are the entries of their tables (``apigateway.apikeys``,
``apigateway.usageplans``) and keep ``tags`` at their top level.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mockgw.apigateway.accessassociations import ASSOCIATIONS
from mockgw.apigateway.arns import parse_arn
from mockgw.apigateway.clientcertificates import CLIENT_CERTIFICATES
from mockgw.apigateway.common import check_tags, copy_out, rest_apis
from mockgw.apigateway.domains import DOMAIN_NOT_FOUND, DOMAINNAMES
from mockgw.apigateway.registry import operation
from mockgw.apigateway.vpclinks import VPC_LINKS
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call

APIKEYS = "apigateway.apikeys"
USAGEPLANS = "apigateway.usageplans"
INVALID_ARN = "Invalid ARN specified in the request"

Lookup = Callable[[Call, str], "dict | None"]


def _entry(table: str) -> Lookup:
    return lambda call, key: call.store.table(table).get(key)


def _rest_api(call: Call, api_id: str) -> dict | None:
    record = rest_apis(call).get(api_id)
    return None if record is None else record["api"]


def _domain(call: Call, key: str) -> dict | None:
    record = call.store.table(DOMAINNAMES).get(key)
    return None if record is None else record["domain"]


def _api_not_found(call: Call, resource: str) -> str:
    return f"Invalid API identifier specified {call.account}:{resource.split('/')[2]}"


#: Taggable resource paths: pattern, how to find the record, AWS's not-found message.
_TAGGABLE: list[tuple[re.Pattern[str], Lookup, Callable[[Call, str], str]]] = [
    (re.compile(r"^/restapis/([^/]+)$"), _rest_api, _api_not_found),
    (re.compile(r"^/apikeys/([^/]+)$"), _entry(APIKEYS),
     lambda call, r: "Invalid API Key identifier specified"),
    (re.compile(r"^/usageplans/([^/]+)$"), _entry(USAGEPLANS),
     lambda call, r: "Invalid Usage Plan ID specified"),
    (re.compile(r"^/domainnames/([^/]+)$"), _domain, lambda call, r: DOMAIN_NOT_FOUND),
    (re.compile(r"^/clientcertificates/([^/]+)$"), _entry(CLIENT_CERTIFICATES),
     lambda call, r: "Invalid Client Certificate identifier specified"),
    (re.compile(r"^/vpclinks/([^/]+)$"), _entry(VPC_LINKS),
     lambda call, r: "Invalid Vpc Link identifier specified"),
]


def tagged_record(call: Call, arn: str) -> dict:
    """The record keeping the tags of the resource ``arn`` names, or AWS's error."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "apigateway":
        raise BadRequestException(INVALID_ARN)
    resource = parsed.resource
    here = parsed.region == call.region
    stage = re.match(r"^/restapis/([^/]+)/stages/([^/]+)$", resource)
    if stage:
        api = rest_apis(call).get(stage.group(1)) if here else None
        if api is None:
            raise NotFoundException(_api_not_found(call, resource))
        found = api["stages"].get(stage.group(2))
        if found is None:
            raise NotFoundException("Invalid Stage identifier specified")
        return found
    if resource.startswith("/domainnameaccessassociations/"):
        found = call.store.table(ASSOCIATIONS).get(arn) if here else None
        if found is None:
            raise NotFoundException(
                "Invalid domain name access association identifier specified")
        return found
    for pattern, lookup, not_found in _TAGGABLE:
        matched = pattern.match(resource)
        if matched:
            found = lookup(call, matched.group(1)) if here else None
            if found is None:
                raise NotFoundException(not_found(call, resource))
            return found
    raise BadRequestException(INVALID_ARN)


@operation("TagResource")
def tag_resource(call: Call, params: dict[str, Any]) -> dict:
    record = tagged_record(call, params["resourceArn"])
    tags = {**record.get("tags", {}), **params["tags"]}
    check_tags(tags)
    record["tags"] = tags
    return {}


@operation("UntagResource")
def untag_resource(call: Call, params: dict[str, Any]) -> dict:
    record = tagged_record(call, params["resourceArn"])
    drop = set(params["tagKeys"])
    tags = {k: v for k, v in record.get("tags", {}).items() if k not in drop}
    if tags:
        record["tags"] = tags
    else:
        record.pop("tags", None)
    return {}


@operation("GetTags")
def get_tags(call: Call, params: dict[str, Any]) -> dict:
    return {"tags": copy_out(tagged_record(call, params["resourceArn"]).get("tags", {}))}

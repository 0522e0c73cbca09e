"""Tags through apigatewayv2: TagResource, UntagResource, GetTags on every taggable ARN.

apigatewayv2 resources (HTTP/WebSocket APIs and their stages, v2 VPC links, portals and
portal products) keep their tags in their records' ``Tags``; custom domain names and every
REST resource (whose ARNs this API takes too, as AWS's one tagging API for API Gateway
does) keep them where the REST handlers do (:mod:`mockgw.apigateway.tags`), so both APIs
see one set of tags.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mockgw.apigateway.arns import parse_arn
from mockgw.apigateway.common import check_tags
from mockgw.apigateway.tags import INVALID_ARN, tagged_record
from mockgw.apigatewayv2.common import api_not_found, apis, copy_out
from mockgw.apigatewayv2.extras_portalproducts import PRODUCT_NOT_FOUND
from mockgw.apigatewayv2.portals import PORTAL_NOT_FOUND, PORTALS, PRODUCTS
from mockgw.apigatewayv2.registry import operation
from mockgw.apigatewayv2.vpclinks import VPC_LINKS
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call

STAGE_NOT_FOUND = "Invalid stage identifier specified"

#: v2 resource path -> (how to find the record keeping ``Tags``, AWS's not-found message).
_V2_TAGGABLE: list[tuple[re.Pattern[str], Callable[[Call, re.Match], dict | None],
                         Callable[[Call, re.Match], str]]] = [
    (re.compile(r"^/apis/([^/]+)$"),
     lambda call, m: (apis(call).get(m[1]) or {}).get("api"),
     lambda call, m: api_not_found(call, m[1])),
    (re.compile(r"^/apis/([^/]+)/stages/([^/]+)$"),
     lambda call, m: (apis(call).get(m[1]) or {}).get("stages", {}).get(m[2]),
     lambda call, m: api_not_found(call, m[1]) if m[1] not in apis(call)
     else STAGE_NOT_FOUND),
    (re.compile(r"^/vpclinks/([^/]+)$"),
     lambda call, m: call.store.table(VPC_LINKS).get(m[1]),
     None),  # not a v2 VPC link: perhaps a REST one
    (re.compile(r"^/portals/([^/]+)$"),
     lambda call, m: call.store.table(PORTALS).get(m[1]),
     lambda call, m: PORTAL_NOT_FOUND),
    (re.compile(r"^/portalproducts/([^/]+)$"),
     lambda call, m: (call.store.table(PRODUCTS).get(m[1]) or {}).get("product"),
     lambda call, m: PRODUCT_NOT_FOUND),
]


def tags_of(call: Call, arn: str) -> tuple[dict, str]:
    """The record keeping the tags of the resource ``arn`` names and the key it keeps
    them under (``Tags`` for apigatewayv2 records, ``tags`` for the others)."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "apigateway":
        raise BadRequestException(INVALID_ARN)
    here = parsed.region == call.region and parsed.account in ("", call.account)
    for pattern, lookup, not_found in _V2_TAGGABLE:
        matched = pattern.match(parsed.resource)
        if matched is None:
            continue
        found = lookup(call, matched) if here else None
        if found is not None:
            return found, "Tags"
        if not_found is not None:
            raise NotFoundException(not_found(call, matched))
    return tagged_record(call, arn), "tags"


@operation("TagResource")
def tag_resource(call: Call, params: dict[str, Any]) -> dict:
    record, key = tags_of(call, params["ResourceArn"])
    tags = {**(record.get(key) or {}), **(params.get("Tags") or {})}
    check_tags(tags)
    record[key] = tags
    return {}


@operation("UntagResource")
def untag_resource(call: Call, params: dict[str, Any]) -> dict:
    record, key = tags_of(call, params["ResourceArn"])
    drop = set(params["TagKeys"])
    tags = {k: v for k, v in (record.get(key) or {}).items() if k not in drop}
    if tags or key == "Tags":
        record[key] = tags
    else:
        record.pop(key, None)
    return {}


@operation("GetTags")
def get_tags(call: Call, params: dict[str, Any]) -> dict:
    record, key = tags_of(call, params["ResourceArn"])
    return {"Tags": copy_out(record.get(key) or {})}

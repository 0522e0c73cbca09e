"""Tags of functions: ListTags, TagResource and UntagResource (only functions are tagged;
versions and aliases share their function's tags)."""

from __future__ import annotations

from typing import Any

from mockgw.errors import InvalidParameterValueException
from mockgw.lambda_.common import function_record
from mockgw.lambda_.registry import operation
from mockgw.operations import Call
from mockgw.runtime.functions import check_pattern, locate, parse_ref

TAG_LIMIT = 50


@operation("ListTags")
def list_tags(call: Call, params: dict[str, Any]) -> dict:
    return {"Tags": dict(_tagged(call, params)["tags"])}


@operation("TagResource")
def tag_resource(call: Call, params: dict[str, Any]) -> None:
    found = _tagged(call, params)
    if not params["Tags"]:
        raise InvalidParameterValueException(
            "An error occurred and the request cannot be processed.")
    tags = {**found["tags"], **params["Tags"]}
    if len(tags) > TAG_LIMIT:
        raise InvalidParameterValueException("Number of tags exceeds resource tag limit.")
    found["tags"] = tags


@operation("UntagResource")
def untag_resource(call: Call, params: dict[str, Any]) -> None:
    found = _tagged(call, params)
    found["tags"] = {k: v for k, v in found["tags"].items() if k not in params["TagKeys"]}


def _tagged(call: Call, params: dict[str, Any]) -> dict:
    """The function record a tagging request's Resource ARN names."""
    check_pattern(params["Resource"], "TaggableResource", "resource")
    name, qualifier = locate(parse_ref(params["Resource"]), account=call.account,
                             region=call.region)
    if qualifier is not None:
        raise InvalidParameterValueException(
            "Tags on function aliases and versions are not supported. Please specify a "
            "function ARN.")
    return function_record(call, name)

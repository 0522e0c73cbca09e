"""GatewayResponse: put, get, list, update and delete an API's own gateway responses.

Every response type always exists: a type the API has not defined answers with API Gateway's
default (``defaultResponse: true``), inherited from the API's ``DEFAULT_4XX`` or
``DEFAULT_5XX`` when it defines those (see :mod:`mockgw.gateway_responses`).
"""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.common import copy_out, paginate, rest_api
from mockgw.apigateway.registry import operation
from mockgw.errors import NotFoundException
from mockgw.gateway_responses import (
    DEFAULT_STATUS,
    DEFAULT_TEMPLATES,
    RESPONSE_TYPES,
    STATUS_NOT_GIVEN,
    effective,
)
from mockgw.operations import Call
from mockgw.state.patch import PatchError, PatchPath, apply_patch, custom

_STATUS = re.compile(r"^[1-5]\d\d$")


@operation("PutGatewayResponse")
def put_gateway_response(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    kind = params["responseType"]
    response = {"responseType": kind, "defaultResponse": False,
                "responseParameters": dict(params.get("responseParameters") or {}),
                "responseTemplates": dict(params.get("responseTemplates") or DEFAULT_TEMPLATES)}
    status = params.get("statusCode") or DEFAULT_STATUS[kind]
    if status is not None:
        response["statusCode"] = status
    if not params.get("statusCode"):
        # AWS shows the type's default status but answers with the error's own
        # (INTEGRATION_FAILURE shows 504 and answers 500); a private key remembers it
        response[STATUS_NOT_GIVEN] = True
    record["gatewayResponses"][kind] = response
    return copy_out(response)


@operation("GetGatewayResponse")
def get_gateway_response(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    return effective(params["responseType"], record["gatewayResponses"])


@operation("GetGatewayResponses")
def get_gateway_responses(call: Call, params: dict[str, Any]) -> dict:
    defined = rest_api(call, params["restApiId"])["gatewayResponses"]
    return paginate([effective(kind, defined) for kind in RESPONSE_TYPES], params)


@operation("UpdateGatewayResponse")
def update_gateway_response(call: Call, params: dict[str, Any]) -> dict:
    """Patches the response as GetGatewayResponse shows it; a default becomes the API's
    own."""
    record = rest_api(call, params["restApiId"])
    kind = params["responseType"]
    current = {**effective(kind, record["gatewayResponses"]), "defaultResponse": False}
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          bad_op=_bad_op)
    record["gatewayResponses"][kind] = updated
    return copy_out(updated)


@operation("DeleteGatewayResponse")
def delete_gateway_response(call: Call, params: dict[str, Any]) -> dict:
    defined = rest_api(call, params["restApiId"])["gatewayResponses"]
    if params["responseType"] not in defined:
        raise NotFoundException("Gateway response type not defined on api")
    del defined[params["responseType"]]
    return {}


def _set_status(response: dict, op: str, labels: dict[str, str], value: Any) -> None:
    if not _STATUS.match(value):
        raise PatchError(f"Invalid status code specified: {value}. Must match [1-5]\\d\\d")
    response["statusCode"] = value
    response.pop(STATUS_NOT_GIVEN, None)


def _map_entry(key: str, missing: str) -> PatchPath:
    """An entry of ``responseParameters`` or ``responseTemplates``: ``replace`` and
    ``remove`` need it to exist, ``add`` and ``replace`` need a value."""
    def apply(response: dict, op: str, labels: dict[str, str], value: Any) -> None:
        entries = response.setdefault(key, {})
        name = labels["name"]
        if op != "add" and name not in entries:
            raise NotFoundException(missing)
        if op == "remove":
            del entries[name]
        elif value is None:
            raise PatchError(f"Invalid null or empty value in {key}")
        else:
            entries[name] = value
    return custom(f"/{key}/{{name}}", apply, ops=("add", "replace", "remove"),
                  value_required=False)


def _bad_op(path: str, op: str, entry: PatchPath) -> str:
    return f"Invalid patch path {path}"


_PATCH_PATHS = [
    custom("/statusCode", _set_status),
    _map_entry("responseParameters", "Invalid parameter name specified"),
    _map_entry("responseTemplates", "Content-Type specified was not found"),
]

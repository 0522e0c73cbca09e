"""RequestValidator: create, get, list, update and delete the validators a method names
in ``requestValidatorId`` (what the data plane checks: body, parameters, or both).

A validator that a method uses cannot be deleted.
"""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import copy_out, methods_of, paginate, rest_api, rest_apis
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import (
    apply_patch,
    custom,
)

_NOT_FOUND = "Invalid Request Validator identifier specified"
_BLANK_NAME = "Request Validator name cannot be blank"


@operation("CreateRequestValidator")
def create_request_validator(call: Call, params: dict[str, Any]) -> dict:
    record = rest_apis(call).get(params["restApiId"])
    if record is None:
        raise BadRequestException("Invalid REST API identifier specified")
    name = params.get("name") or ""
    if not name.strip():
        raise BadRequestException(_BLANK_NAME)
    validator = {"id": call.new_id(6, avoid=record["requestValidators"]), "name": name,
                 "validateRequestBody": params.get("validateRequestBody", False),
                 "validateRequestParameters": params.get("validateRequestParameters", False)}
    record["requestValidators"][validator["id"]] = validator
    return copy_out(validator)


@operation("GetRequestValidator")
def get_request_validator(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(_validator(call, params))


@operation("GetRequestValidators")
def get_request_validators(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    return paginate([copy_out(v) for v in record["requestValidators"].values()], params)


@operation("UpdateRequestValidator")
def update_request_validator(call: Call, params: dict[str, Any]) -> dict:
    current = _validator(call, params)
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    rest_api(call, params["restApiId"])["requestValidators"][current["id"]] = updated
    return copy_out(updated)


@operation("DeleteRequestValidator")
def delete_request_validator(call: Call, params: dict[str, Any]) -> dict:
    target = _validator(call, params)
    record = rest_api(call, params["restApiId"])
    for res, http_method, method in methods_of(record):
        if method.get("requestValidatorId") == target["id"]:
            raise ConflictException(f"Cannot delete Request Validator '{target['name']}', is "
                                    f"referenced in method: {http_method}/{res['path']}")
    del record["requestValidators"][target["id"]]
    return {}


def _validator(call: Call, params: dict[str, Any]) -> dict:
    record = rest_apis(call).get(params["restApiId"])
    found = record and record["requestValidators"].get(params["requestValidatorId"])
    if not found:
        raise NotFoundException(_NOT_FOUND)
    return found



def _set_name(validator: dict, op: str, labels: dict[str, str], value: Any) -> None:
    if not (value or "").strip():
        raise BadRequestException(_BLANK_NAME)
    validator["name"] = value


def _flag(key: str):
    """A boolean: ``"true"`` sets it, anything else (no value included) clears it."""
    def apply(validator: dict, op: str, labels: dict[str, str], value: Any) -> None:
        validator[key] = str(value).lower() == "true"
    return custom(f"/{key}", apply, value_required=False)


_PATCH_PATHS = [
    custom("/name", _set_name, value_required=False),
    _flag("validateRequestParameters"),
    _flag("validateRequestBody"),
]

"""Method and MethodResponse: put, get, update, delete."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.common import api_method, api_resource, copy_out, drop_empty
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import PatchError, apply_patch, custom, map_entry, scalar, set_member

HTTP_METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY")
AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
_REQUEST_PARAMETER = re.compile(r"^method\.request\.(path|querystring|multivaluequerystring|"
                                r"header|multivalueheader)\.([^.\s][^\s]*)$")
_RESPONSE_PARAMETER = re.compile(r"^method\.response\.header\.[^\s]+$")
_NEEDS_AUTHORIZER = ("CUSTOM", "COGNITO_USER_POOLS")


@operation("PutMethod")
def put_method(call: Call, params: dict[str, Any]) -> dict:
    record, res = api_resource(call, params["restApiId"], params["resourceId"])
    http_method = params["httpMethod"]
    if http_method not in HTTP_METHODS:
        raise BadRequestException("Invalid HttpMethod specified. Valid options are "
                                  + ",".join(HTTP_METHODS))
    if http_method in res.get("resourceMethods", {}):
        raise ConflictException("Method already exists for this resource")
    method = {"httpMethod": http_method,
              "authorizationType": params["authorizationType"].upper(),  # AWS takes any case
              "apiKeyRequired": params.get("apiKeyRequired", False)}
    for key in ("authorizerId", "operationName", "requestValidatorId", "requestParameters",
                "requestModels", "authorizationScopes"):
        if params.get(key) is not None:
            method[key] = params[key]
    check_method(record, method)
    res.setdefault("resourceMethods", {})[http_method] = method
    return render_method(method)


@operation("GetMethod")
def get_method(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"],
                           params["httpMethod"])
    return render_method(method)


@operation("UpdateMethod")
def update_method(call: Call, params: dict[str, Any]) -> dict:
    record, method = api_method(call, params["restApiId"], params["resourceId"],
                                params["httpMethod"])
    updated = apply_patch(method, params.get("patchOperations"), _METHOD_PATHS)
    drop_empty(updated, "requestParameters", "requestModels", "authorizationScopes")
    check_method(record, updated)
    _replace(record, params["resourceId"], params["httpMethod"], updated)
    return render_method(updated)


@operation("DeleteMethod")
def delete_method(call: Call, params: dict[str, Any]) -> dict:
    _, res = api_resource(call, params["restApiId"], params["resourceId"])
    methods = res.get("resourceMethods", {})
    if params["httpMethod"] not in methods:
        raise NotFoundException("Invalid Method identifier specified")
    del methods[params["httpMethod"]]
    if not methods:
        res.pop("resourceMethods", None)
    return {}


@operation("PutMethodResponse")
def put_method_response(call: Call, params: dict[str, Any]) -> dict:
    record, method = api_method(call, params["restApiId"], params["resourceId"],
                                params["httpMethod"])
    response = {"statusCode": params["statusCode"]}
    for key in ("responseParameters", "responseModels"):
        if params.get(key) is not None:
            response[key] = params[key]
    check_method_response(record, response)
    method.setdefault("methodResponses", {})[params["statusCode"]] = response
    return copy_out(response)


@operation("GetMethodResponse")
def get_method_response(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"],
                           params["httpMethod"])
    return copy_out(_method_response(method, params["statusCode"]))


@operation("UpdateMethodResponse")
def update_method_response(call: Call, params: dict[str, Any]) -> dict:
    record, method = api_method(call, params["restApiId"], params["resourceId"],
                                params["httpMethod"])
    current = _method_response(method, params["statusCode"])
    updated = apply_patch(current, params.get("patchOperations"), _RESPONSE_PATHS)
    drop_empty(updated, "responseParameters", "responseModels")
    check_method_response(record, updated)
    method["methodResponses"][params["statusCode"]] = updated
    return copy_out(updated)


@operation("DeleteMethodResponse")
def delete_method_response(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"],
                           params["httpMethod"])
    _method_response(method, params["statusCode"])
    del method["methodResponses"][params["statusCode"]]
    if not method["methodResponses"]:
        del method["methodResponses"]
    return {}


# -- shared with other handlers --------------------------------------------------------------

def render_method(method: dict) -> dict:
    """A method as AWS shows it: ``authorizerId`` only with an authorizer type."""
    out = copy_out(method)
    if out["authorizationType"] not in _NEEDS_AUTHORIZER:
        out.pop("authorizerId", None)
    return out


def check_method(record: dict, method: dict) -> None:
    """AWS's checks of a method's references and parameters."""
    auth = method["authorizationType"]
    if auth not in AUTHORIZATION_TYPES:
        raise BadRequestException(f"Invalid authorization type specified: {auth}. Valid "
                                  "options are " + ",".join(AUTHORIZATION_TYPES))
    if auth in _NEEDS_AUTHORIZER and method.get("authorizerId") not in record["authorizers"]:
        raise BadRequestException(
            "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or "
            "COGNITO_USER_POOLS requires a valid authorizer.")
    validator = method.get("requestValidatorId")
    if validator is not None and validator not in record["requestValidators"]:
        raise BadRequestException("Invalid Request Validator identifier specified")
    for model in (method.get("requestModels") or {}).values():
        if model not in record["models"]:
            raise BadRequestException(f"Invalid model identifier specified: {model}")
    names: set[str] = set()
    for key in method.get("requestParameters") or {}:
        found = _REQUEST_PARAMETER.match(key)
        if found is None:
            raise BadRequestException(
                "Invalid mapping expression specified: Validation Result: warnings : [], "
                f"errors : [Invalid mapping expression specified: {key}]")
        name = found.group(2)
        if name in names:
            raise BadRequestException(
                "Parameter names must be unique across querystring, header and path")
        names.add(name)


def _replace(record: dict, resource_id: str, http_method: str, method: dict) -> None:
    record["resources"][resource_id]["resourceMethods"][http_method] = method


def _method_response(method: dict, status: str) -> dict:
    found = method.get("methodResponses", {}).get(status)
    if found is None:
        raise NotFoundException("Invalid Response status code specified")
    return found


def check_method_response(record: dict, response: dict) -> None:
    for key in response.get("responseParameters") or {}:
        if not _RESPONSE_PARAMETER.match(key):
            raise BadRequestException(
                "Invalid mapping expression specified: Validation Result: warnings : [], "
                f"errors : [Invalid mapping expression specified: {key}]")
    for model in (response.get("responseModels") or {}).values():
        if model not in record["models"]:
            raise BadRequestException(f"Invalid model identifier specified: {model}")


def _flag(value: Any, path: str) -> bool:
    """Boolean patch values of methods: AWS takes any value but "true" as false."""
    return str(value).lower() == "true"


def _set_validator(method: dict, op: str, labels: dict[str, str], value: Any) -> None:
    """``replace /requestValidatorId`` (AWS's only op there); an empty value removes it."""
    if value:
        method["requestValidatorId"] = value
    else:
        method.pop("requestValidatorId", None)


def _existing_entry(section: str, missing: str):
    """A map entry patch that must exist for replace/remove (method responses)."""
    entry = map_entry(f"/{section}/{{key}}", coerce=_flag if section ==
                      "responseParameters" else lambda v, p: v)

    def apply(record: dict, op: str, labels: dict[str, str], value: Any) -> None:
        if op in ("replace", "remove") and labels["key"] not in record.get(section, {}):
            raise PatchError(missing, status=404, code="NotFoundException")
        entry.apply(record, op, labels, value)

    return custom(entry.pattern, apply, ops=("add", "replace", "remove"), coerce=entry.coerce,
                  get=entry.get)


_METHOD_PATHS = [
    scalar("/operationName"),
    scalar("/apiKeyRequired", coerce=_flag),
    scalar("/authorizationType", coerce=lambda v, p: str(v).upper()),
    scalar("/authorizerId"),
    custom("/requestValidatorId", _set_validator, value_required=False),
    map_entry("/requestParameters/{key}", coerce=_flag),
    map_entry("/requestModels/{key}"),
    set_member("/authorizationScopes/{value}", ops=("add", "remove")),
]

_RESPONSE_PATHS = [
    _existing_entry("responseParameters", "Invalid parameter name specified"),
    _existing_entry("responseModels", "Content-Type specified was not found"),
]

"""Authorizer: create, get, list, update and delete TOKEN, REQUEST (Lambda) and
COGNITO_USER_POOLS authorizers, checked as AWS checks them when they are configured.

An authorizer that a method uses cannot be deleted.  TestInvokeAuthorizer runs the data
plane's authorizer code and lives in ``invoke_authorizer.py``.
"""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.common import copy_out, methods_of, paginate, rest_api, rest_apis
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import PatchError, apply_patch, custom, scalar

LAMBDA_TYPES = ("TOKEN", "REQUEST")
COGNITO = "COGNITO_USER_POOLS"
#: The method authorization types that use the method's ``authorizerId``.
_USES_AUTHORIZER = ("CUSTOM", COGNITO)

#: The TTL API Gateway caches an authorizer's answer for when the authorizer sets none.
DEFAULT_TTL = 300
MAX_TTL = 3600

_REGION = r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+"
_FUNCTION_PART = r"(?:[A-Za-z0-9_-]|\$\{stageVariables\.[A-Za-z0-9_]+\})+"
_LAMBDA_URI = re.compile(
    rf"^arn:aws[a-z-]*:apigateway:{_REGION}:lambda:path/2015-03-31/functions/"
    rf"arn:aws[a-z-]*:lambda:{_REGION}:\d{{12}}:function:{_FUNCTION_PART}"
    rf"(?::{_FUNCTION_PART})?/invocations$")
_TOKEN_SOURCE = re.compile(r"^method\.request\.header\.[a-zA-Z0-9._-]+$")
_REQUEST_SOURCE = re.compile(r"^(?:method\.request\.(?:header|querystring)|stageVariables|context)"
                             r"\.[a-zA-Z0-9._-]+$")
_USER_POOL_ARN = re.compile(rf"^arn:aws[a-z-]*:cognito-idp:{_REGION}:\d{{12}}:userpool/"
                            rf"{_REGION}_[A-Za-z0-9]+$")

_NOT_FOUND = "Invalid Authorizer identifier specified"
_OPTIONAL = ("authorizerUri", "authorizerCredentials", "identitySource",
             "identityValidationExpression", "authorizerResultTtlInSeconds", "providerARNs")


@operation("CreateAuthorizer")
def create_authorizer(call: Call, params: dict[str, Any]) -> dict:
    kind = params["type"]
    if kind == "JWT":
        raise BadRequestException("mockgw does not support JWT authorizers for REST APIs yet")
    if kind in LAMBDA_TYPES:
        _check_uri(params.get("authorizerUri"))  # AWS checks it before the API exists
    record = rest_apis(call).get(params["restApiId"])
    if record is None:
        raise ConflictException("Unable to complete operation due to concurrent modification. "
                                "Please try again later.")
    authorizer = {"id": call.new_id(6, avoid=record["authorizers"]), "name": params["name"],
                  "type": kind, "authType": params.get("authType") or _default_auth_type(kind)}
    for key in _OPTIONAL:
        if params.get(key) not in (None, "", []):
            authorizer[key] = params[key]
    if kind == COGNITO:
        authorizer.pop("authorizerCredentials", None)  # AWS ignores it on create
    check_authorizer(authorizer)
    record["authorizers"][authorizer["id"]] = authorizer
    return copy_out(authorizer)


@operation("GetAuthorizer")
def get_authorizer(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(authorizer_of(call, params))


@operation("GetAuthorizers")
def get_authorizers(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    return paginate([copy_out(a) for a in record["authorizers"].values()], params)


@operation("UpdateAuthorizer")
def update_authorizer(call: Call, params: dict[str, Any]) -> dict:
    current = authorizer_of(call, params)
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS)
    check_authorizer(updated)
    rest_api(call, params["restApiId"])["authorizers"][current["id"]] = updated
    return copy_out(updated)


@operation("DeleteAuthorizer")
def delete_authorizer(call: Call, params: dict[str, Any]) -> dict:
    target = authorizer_of(call, params)
    record = rest_api(call, params["restApiId"])
    for res, http_method, method in methods_of(record):
        if (method.get("authorizerId") == target["id"]
                and method.get("authorizationType") in _USES_AUTHORIZER):
            raise ConflictException(f"Cannot delete authorizer '{target['name']}', is "
                                    f"referenced in method: {http_method}/{res['path']}")
    del record["authorizers"][target["id"]]
    return {}


# -- helpers ---------------------------------------------------------------------------------

def authorizer_of(call: Call, params: dict[str, Any]) -> dict:
    """The authorizer ``params`` name (``restApiId``, ``authorizerId``), or AWS's 404."""
    record = rest_apis(call).get(params["restApiId"])
    found = record and record["authorizers"].get(params["authorizerId"])
    if not found:
        raise NotFoundException(_NOT_FOUND)
    return found



def _default_auth_type(kind: str) -> str:
    return "cognito_user_pools" if kind == COGNITO else "custom"


def check_authorizer(authorizer: dict) -> None:
    """AWS's checks of a whole authorizer (after create or after a patch)."""
    if not authorizer["name"].strip():
        raise BadRequestException("Authorizer name must be non-empty")
    kind = authorizer["type"]
    if kind in LAMBDA_TYPES:
        _check_uri(authorizer.get("authorizerUri"))
    ttl = authorizer.get("authorizerResultTtlInSeconds")
    if ttl is not None and not 0 <= ttl <= MAX_TTL:
        raise BadRequestException(
            f"Invalid authorizer result TTL: {ttl}. Must be between 0 and {MAX_TTL}")
    source = authorizer.get("identitySource")
    if kind == "REQUEST":
        if source is None:
            if authorizer.get("authorizerResultTtlInSeconds", DEFAULT_TTL) > 0:
                # the identity sources are the key of the authorizer's cache
                raise BadRequestException("Invalid request input")
            return
        for part in source.split(","):
            if not _REQUEST_SOURCE.match(part.strip()):
                raise BadRequestException(
                    f"Invalid identity source expression: {part.strip()}. The source must be "
                    "a method request header or query string, a stage variable or a context "
                    "variable, matching 'method.request.header.[a-zA-Z0-9._-]+', "
                    "'method.request.querystring.[a-zA-Z0-9._-]+', "
                    "'stageVariables.[a-zA-Z0-9._-]+' or 'context.[a-zA-Z0-9._-]+'.")
        return
    if source is None or not _TOKEN_SOURCE.match(source):
        raise BadRequestException(
            f"Invalid token source expression: {source if source is not None else 'null'}. "
            "The source must be a method request header, matching "
            "'method.request.header.[a-zA-Z0-9._-]+'.")
    if kind == COGNITO:
        arns = authorizer.get("providerARNs") or []
        if not arns:
            raise BadRequestException(
                "ProviderARNs need to be specified for a COGNITO_USER_POOLS authorizer")
        invalid = [arn for arn in arns if not _USER_POOL_ARN.match(arn)]
        if invalid:
            raise BadRequestException("ProviderARNs need to be valid Cognito Userpools. "
                                      f"Invalid ARNs- {', '.join(invalid)}")


def _check_uri(uri: str | None) -> None:
    """AWS's check of a Lambda authorizer's URI (whitespace around it is accepted)."""
    if uri is None or not _LAMBDA_URI.match(uri.strip()):
        raise BadRequestException(
            f"Invalid Authorizer URI: {uri if uri is not None else 'null'}. Authorizer URI "
            "should be a valid API Gateway ARN that represents a Lambda function invocation.")


# -- patching --------------------------------------------------------------------------------

def _optional(key: str):
    """A field that an empty value clears (Terraform sends ``""`` for an unset one)."""
    def apply(authorizer: dict, op: str, labels: dict[str, str], value: Any) -> None:
        if value in (None, ""):
            authorizer.pop(key, None)
        else:
            authorizer[key] = value
    return custom(f"/{key}", apply, value_required=False)


def _set_type(authorizer: dict, op: str, labels: dict[str, str], value: Any) -> None:
    if value not in (*LAMBDA_TYPES, COGNITO):
        raise PatchError(f"Invalid authorizer type specified: {value}. Must be one of: "
                         f"TOKEN, REQUEST, COGNITO_USER_POOLS")
    authorizer["type"] = value


def _set_ttl(authorizer: dict, op: str, labels: dict[str, str], value: Any) -> None:
    if value in (None, ""):
        authorizer.pop("authorizerResultTtlInSeconds", None)
        return
    try:
        authorizer["authorizerResultTtlInSeconds"] = int(value)
    except ValueError:
        raise PatchError(f"Invalid authorizer result TTL: {value}. Must be between 0 and "
                         f"{MAX_TTL}") from None


def _provider_arn(authorizer: dict, op: str, labels: dict[str, str], value: Any) -> None:
    arns = authorizer.setdefault("providerARNs", [])
    if op == "add":
        if value not in arns:
            arns.append(value)
    elif value in arns:
        arns.remove(value)
    if not arns:
        del authorizer["providerARNs"]


_PATCH_PATHS = [
    scalar("/name"),
    custom("/type", _set_type),
    scalar("/authType"),
    _optional("authorizerUri"),
    _optional("authorizerCredentials"),
    _optional("identitySource"),
    _optional("identityValidationExpression"),
    custom("/authorizerResultTtlInSeconds", _set_ttl, value_required=False),
    custom("/providerARNs", _provider_arn, ops=("add", "remove")),
]

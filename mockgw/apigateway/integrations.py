"""Integration and IntegrationResponse: put, get, update, delete, with AWS's validation of
integration types, URIs and mappings."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.common import api_method, copy_out, drop_empty
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import apply_patch, integer, map_entry, scalar, set_member

MIN_TIMEOUT, MAX_TIMEOUT = 50, 29000
PASSTHROUGH_BEHAVIORS = ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER")
_HTTP_URI = re.compile(r"^https?://[^/\s]+", re.IGNORECASE)
_AWS_URI = re.compile(r"^arn:aws[a-zA-Z-]*:apigateway:[^:]*:([^:]+):(.*)$")
#: Any ARN (``arn:partition:service:region:account:resource``), e.g. a bare Lambda ARN.
_ANY_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:[^:]+:[^:]*:[^:]*:.+$")
_REQUEST_TARGET = re.compile(r"^integration\.request\.(path|querystring|header|"
                             r"multivaluequerystring|multivalueheader)\.[^\s]+$")
_RESPONSE_TARGET = re.compile(r"^method\.response\.header\.[^\s]+$")
#: A mapping source that names a method request parameter, which the method must declare.
_METHOD_SOURCE = re.compile(r"^method\.request\.(path|querystring|header|multivaluequerystring|"
                            r"multivalueheader)\.(.+)$")
_CONTENT_TYPE = re.compile(r"^[\w.+-]+/[\w.+*-]+$|^\$default$")


@operation("PutIntegration")
def put_integration(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"], params["httpMethod"])
    integration = new_integration(params)
    check_sources(integration, method)
    previous = method.get("methodIntegration") or {}
    if previous.get("integrationResponses"):
        integration["integrationResponses"] = previous["integrationResponses"]
    method["methodIntegration"] = integration
    return copy_out(integration)


@operation("GetIntegration")
def get_integration(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"], params["httpMethod"])
    return copy_out(_integration(method))


@operation("UpdateIntegration")
def update_integration(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"], params["httpMethod"])
    updated = apply_patch(_integration(method), params.get("patchOperations"),
                          _INTEGRATION_PATHS)
    drop_empty(updated, "requestParameters", "requestTemplates")
    check_integration(updated)
    check_sources(updated, method)
    method["methodIntegration"] = updated
    return copy_out(updated)


@operation("DeleteIntegration")
def delete_integration(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"], params["httpMethod"])
    _integration(method)
    del method["methodIntegration"]
    return {}


@operation("PutIntegrationResponse")
def put_integration_response(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"], params["httpMethod"])
    integration = _integration(method)
    response = {"statusCode": params["statusCode"]}
    for key in ("selectionPattern", "responseParameters", "responseTemplates",
                "contentHandling"):
        if params.get(key) is not None:
            response[key] = params[key]
    if "responseTemplates" in response:
        response["responseTemplates"] = {k: v or None
                                         for k, v in response["responseTemplates"].items()}
    check_integration_response(response)
    check_targets(response, method)
    integration.setdefault("integrationResponses", {})[params["statusCode"]] = response
    return copy_out(response)


@operation("GetIntegrationResponse")
def get_integration_response(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"], params["httpMethod"])
    return copy_out(_integration_response(_integration(method), params["statusCode"]))


@operation("UpdateIntegrationResponse")
def update_integration_response(call: Call, params: dict[str, Any]) -> dict:
    _, method = api_method(call, params["restApiId"], params["resourceId"], params["httpMethod"])
    integration = _integration(method)
    current = _integration_response(integration, params["statusCode"])
    updated = apply_patch(current, params.get("patchOperations"), _RESPONSE_PATHS)
    drop_empty(updated, "responseParameters")
    check_integration_response(updated)
    check_targets(updated, method)
    integration["integrationResponses"][params["statusCode"]] = updated
    return copy_out(updated)


@operation("DeleteIntegrationResponse")
def delete_integration_response(call: Call, params: dict[str, Any]) -> dict:
    try:
        _, method = api_method(call, params["restApiId"], params["resourceId"],
                               params["httpMethod"])
    except NotFoundException as exc:
        if exc.message == "Invalid Method identifier specified":  # AWS's wording here
            raise NotFoundException("Invalid Integration identifier specified") from None
        raise
    integration = _integration(method)
    _integration_response(integration, params["statusCode"])
    del integration["integrationResponses"][params["statusCode"]]
    if not integration["integrationResponses"]:
        del integration["integrationResponses"]
    return {}


# -- validation ------------------------------------------------------------------------------

def new_integration(params: dict[str, Any]) -> dict:
    kind = params["type"]
    integration: dict[str, Any] = {
        "type": kind,
        "passthroughBehavior": params.get("passthroughBehavior", "WHEN_NO_MATCH"),
        "timeoutInMillis": params.get("timeoutInMillis", MAX_TIMEOUT),
        "cacheNamespace": params.get("cacheNamespace", params["resourceId"]),
        "cacheKeyParameters": list(params.get("cacheKeyParameters") or []),
    }
    if kind != "MOCK":
        for key in ("uri", "credentials", "connectionId", "contentHandling", "tlsConfig"):
            if params.get(key) is not None:
                integration[key] = params[key]
        if params.get("integrationHttpMethod"):
            integration["httpMethod"] = params["integrationHttpMethod"]
        if kind in ("HTTP", "HTTP_PROXY"):
            integration["connectionType"] = params.get("connectionType", "INTERNET")
        elif params.get("connectionType"):
            integration["connectionType"] = params["connectionType"]
    elif params.get("contentHandling"):
        integration["contentHandling"] = params["contentHandling"]
    for key in ("requestParameters", "requestTemplates"):
        if params.get(key) is not None:
            integration[key] = params[key]
    check_integration(integration)
    return integration


def check_integration(integration: dict) -> None:
    """AWS's checks of an integration definition (also after UpdateIntegration)."""
    kind = integration["type"]
    if kind != "MOCK" and not integration.get("httpMethod"):
        raise BadRequestException("Enumeration value for HttpMethod must be non-empty")
    uri = integration.get("uri")
    if kind in ("HTTP", "HTTP_PROXY") and integration.get("connectionType") != "VPC_LINK" and (
            not uri or not _HTTP_URI.match(uri)):
        raise BadRequestException("Invalid HTTP endpoint specified for URI")
    if kind in ("AWS", "AWS_PROXY"):
        found = _AWS_URI.match(uri or "")
        if found is None and _ANY_ARN.match(uri or ""):  # an ARN, but not of an action
            raise BadRequestException("AWS ARN for integration must contain path or action")
        if found is None:
            raise BadRequestException("Invalid ARN specified in the request")
        service, rest = found.groups()
        if not (rest.startswith("path/") or rest.startswith("action/")):
            raise BadRequestException("AWS ARN for integration must contain path or action")
        if kind == "AWS_PROXY" and service not in ("lambda", "firehose"):
            raise BadRequestException(
                "Integrations of type 'AWS_PROXY' currently only supports Lambda function "
                "and Firehose stream invocations.")
    if integration.get("connectionType") == "VPC_LINK" and not integration.get("connectionId"):
        raise BadRequestException("connectionId must be set for a VPC_LINK connection type")
    if integration["passthroughBehavior"] not in PASSTHROUGH_BEHAVIORS:
        raise BadRequestException(
            "Invalid passthrough behavior specified: "
            f"{integration['passthroughBehavior']}. Valid options are "
            + ", ".join(PASSTHROUGH_BEHAVIORS))
    timeout = integration["timeoutInMillis"]
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        raise BadRequestException(
            f"Timeout should be between {MIN_TIMEOUT} ms and {MAX_TIMEOUT} ms")
    for key in integration.get("requestParameters") or {}:
        if not _REQUEST_TARGET.match(key):
            raise BadRequestException(
                "Invalid mapping expression specified: Validation Result: warnings : [], "
                f"errors : [Invalid mapping expression specified: {key}]")
    _check_content_types(integration.get("requestTemplates"))


def check_integration_response(response: dict) -> None:
    for key in response.get("responseParameters") or {}:
        if not _RESPONSE_TARGET.match(key):
            raise BadRequestException(
                "Invalid mapping expression specified: Validation Result: warnings : [], "
                f"errors : [Invalid mapping expression specified: {key}]")
    _check_content_types(response.get("responseTemplates"))


def check_sources(integration: dict, method: dict) -> None:
    """Each method request parameter the integration maps from must be one the method
    declares ("It must have been defined before it can be referenced"); a multi-value
    source may name a parameter declared single-valued, and header names match in any
    case."""
    declared = {key.lower() if ".header." in key or ".multivalueheader." in key else key
                for key in method.get("requestParameters") or {}}
    for value in (integration.get("requestParameters") or {}).values():
        found = _METHOD_SOURCE.match(value) if isinstance(value, str) else None
        if found is None:
            continue
        location, name = found.groups()
        single = location.removeprefix("multivalue")
        if single == "header":
            name = name.lower()
        if not {f"method.request.{location}.{name}",
                f"method.request.{single}.{name}"} & declared:
            raise _invalid_mapping(f"Invalid mapping expression parameter specified: {value}")


def check_targets(response: dict, method: dict) -> None:
    """Each method response header an integration response maps to must be declared by
    the method response of its status code."""
    targets = response.get("responseParameters") or {}
    if not targets:
        return
    method_response = (method.get("methodResponses") or {}).get(response["statusCode"])
    if method_response is None:
        raise _invalid_mapping("No method response exists for method.")
    declared = {key.lower() for key in method_response.get("responseParameters") or {}}
    for key in targets:
        if key.lower() not in declared:
            raise _invalid_mapping(f"Invalid mapping expression parameter specified: {key}")


def _invalid_mapping(error: str) -> BadRequestException:
    return BadRequestException("Invalid mapping expression specified: Validation Result: "
                               f"warnings : [], errors : [{error}]")


def _check_content_types(templates: dict | None) -> None:
    for content_type in templates or {}:
        if not _CONTENT_TYPE.match(content_type):
            raise BadRequestException("Validation Result: warnings : [], errors : [Invalid "
                                      f"content type specified: {content_type}]")


def _integration(method: dict) -> dict:
    found = method.get("methodIntegration")
    if found is None:
        raise NotFoundException("Invalid Integration identifier specified")
    return found


def _integration_response(integration: dict, status: str) -> dict:
    found = integration.get("integrationResponses", {}).get(status)
    if found is None:
        raise NotFoundException("Invalid Response status code specified")
    return found


_INTEGRATION_PATHS = [
    scalar("/uri"),
    scalar("/httpMethod"),
    scalar("/connectionType"),
    scalar("/connectionId", removable=True),
    scalar("/credentials", removable=True),
    scalar("/passthroughBehavior"),
    scalar("/contentHandling", removable=True),
    scalar("/timeoutInMillis", coerce=integer),
    scalar("/cacheNamespace"),
    set_member("/cacheKeyParameters/{value}", ops=("add", "remove")),
    map_entry("/requestParameters/{key}"),
    map_entry("/requestTemplates/{key}"),
    scalar("/tlsConfig/insecureSkipVerification",
           coerce=lambda v, p: str(v).lower() == "true"),
]

_RESPONSE_PATHS = [
    scalar("/selectionPattern"),
    scalar("/contentHandling", removable=True),
    map_entry("/responseParameters/{key}"),
    map_entry("/responseTemplates/{key}", coerce=lambda v, p: v or None),
]

"""Api: create (with quick create: ``Target`` -> a managed route, integration and
auto-deploying ``$default`` stage), get, list, update, delete; DeleteCorsConfiguration."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigatewayv2.common import (
    API_ID_LENGTH,
    HTTP,
    ROUTE_ID_LENGTH,
    SECTIONS,
    WEBSOCKET,
    api_record,
    apis,
    check_tags,
    copy_in,
    mapped_domains,
    paginate,
    render,
)
from mockgw.apigatewayv2.deployments import api_changed, auto_deploy
from mockgw.apigatewayv2.integrations import (
    INVOCATION_ARN,
    LAMBDA_ARN,
    check_integration,
    new_integration,
    with_defaults,
)
from mockgw.apigatewayv2.registry import operation
from mockgw.apigatewayv2.routes import check_route
from mockgw.apigatewayv2.selection import (
    DEFAULT_API_KEY_SELECTION,
    DEFAULT_ROUTE_KEY,
    check_api_key_selection,
    check_route_selection,
)
from mockgw.apigatewayv2.stages import DEFAULT_STAGE, new_stage
from mockgw.errors import BadRequestException, ConflictException
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

CUSTOM_ID_TAG = "_custom_id_"
_CUSTOM_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_SCHEMES = {HTTP: "https", WEBSOCKET: "wss"}
_QUICK = ("Target", "RouteKey", "CredentialsArn")
_UPDATABLE = ("Name", "Description", "Version", "ApiKeySelectionExpression",
              "DisableSchemaValidation", "DisableExecuteApiEndpoint", "IpAddressType")
_CORS_METHODS = ("*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_ORIGIN = re.compile(r"^(\*|[a-z][a-z0-9+.-]*://[^\s/]+)$", re.IGNORECASE)


def api_endpoint(call: Call, api_id: str, protocol: str) -> str:
    """``https://{id}.execute-api.{region}.amazonaws.com`` (``wss://`` for WebSocket)."""
    return f"{_SCHEMES[protocol]}://{api_id}.execute-api.{call.region}.amazonaws.com"


@operation("CreateApi")
def create_api(call: Call, params: dict[str, Any]) -> dict:
    protocol = params["ProtocolType"]
    name = params["Name"]
    if not name.strip():
        raise BadRequestException("Invalid API name specified: the name cannot be empty")
    selection = check_route_selection(protocol, params.get("RouteSelectionExpression"))
    key_selection = params.get("ApiKeySelectionExpression", DEFAULT_API_KEY_SELECTION)
    check_api_key_selection(key_selection)
    check_cors(protocol, params.get("CorsConfiguration"))
    if protocol == HTTP and params.get("DisableSchemaValidation") is not None:
        raise BadRequestException("DisableSchemaValidation is supported only for WebSocket APIs")
    tags = params.get("Tags") or {}
    check_tags(tags)
    quick = params.get("Target") is not None
    if not quick and any(params.get(k) is not None for k in _QUICK):
        raise BadRequestException(
            "RouteKey and CredentialsArn can only be specified with Target (quick create)")
    if quick and protocol != HTTP:
        raise BadRequestException("Quick create is supported only for HTTP APIs")
    api_id = new_api_id(call, tags.get(CUSTOM_ID_TAG))
    api: dict[str, Any] = {
        "ApiId": api_id,
        "Name": name,
        "ProtocolType": protocol,
        "ApiEndpoint": api_endpoint(call, api_id, protocol),
        "ApiKeySelectionExpression": key_selection,
        "CreatedDate": call.now(),
        "DisableExecuteApiEndpoint": params.get("DisableExecuteApiEndpoint", False),
        "IpAddressType": params.get("IpAddressType", "ipv4"),
        "RouteSelectionExpression": selection,
        "Tags": dict(tags),
    }
    copy_in(params, ("Description", "Version", "CorsConfiguration", "DisableSchemaValidation"),
            api)
    record: dict[str, Any] = {"api": api, **{section: {} for section in SECTIONS}}
    if quick:
        _quick_create(call, record, params)
    apis(call)[api_id] = record
    return render(api)


@operation("GetApi")
def get_api(call: Call, params: dict[str, Any]) -> dict:
    return render(api_record(call, params["ApiId"])["api"])


@operation("GetApis")
def get_apis(call: Call, params: dict[str, Any]) -> dict:
    return paginate([render(r["api"]) for r in apis(call).values()], params)


@operation("UpdateApi")
def update_api(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    api = record["api"]
    protocol = api["ProtocolType"]
    if params.get("Name") is not None and not params["Name"].strip():
        raise BadRequestException("Invalid API name specified: the name cannot be empty")
    result = copy_tree(api)
    copy_in(params, _UPDATABLE, result)
    if params.get("RouteSelectionExpression") is not None:
        result["RouteSelectionExpression"] = check_route_selection(
            protocol, params["RouteSelectionExpression"])
    check_api_key_selection(result["ApiKeySelectionExpression"])
    if protocol == HTTP and params.get("DisableSchemaValidation") is not None:
        raise BadRequestException("DisableSchemaValidation is supported only for WebSocket APIs")
    if params.get("CorsConfiguration") is not None:
        check_cors(protocol, params["CorsConfiguration"])
        result["CorsConfiguration"] = copy_tree(params["CorsConfiguration"])
    quick_changes = _quick_update(record, params)
    api.clear()
    api.update(result)
    for target, changes in quick_changes:
        target.update(changes)
    api_changed(call, record)
    return render(api)


@operation("DeleteApi")
def delete_api(call: Call, params: dict[str, Any]) -> dict:
    api_id = params["ApiId"]
    api_record(call, api_id)
    if mapped_domains(call, api_id):
        raise BadRequestException(f"Deleting API {api_id} failed. Please remove all API "
                                  "mappings for the API from your custom domain names.")
    del apis(call)[api_id]
    return {}


@operation("DeleteCorsConfiguration")
def delete_cors_configuration(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    if record["api"].pop("CorsConfiguration", None) is not None:
        api_changed(call, record)
    return {}


# -- quick create ----------------------------------------------------------------------------

def _quick_create(call: Call, record: dict, params: dict[str, Any]) -> None:
    """The managed route, integration and auto-deploying ``$default`` stage of a quick
    created HTTP API."""
    fields = _target_integration(params["Target"], params.get("CredentialsArn"))
    integration = new_integration(call, record, fields, managed=True)
    route = {"ApiGatewayManaged": True, "ApiKeyRequired": False, "AuthorizationType": "NONE",
             "RouteKey": params.get("RouteKey") or DEFAULT_ROUTE_KEY,
             "Target": f"integrations/{integration['IntegrationId']}"}
    check_route(record, route, {})
    route_id = call.new_id(ROUTE_ID_LENGTH, avoid=record["routes"])
    record["routes"][route_id] = {"RouteId": route_id, **route, "routeResponses": {}}
    stage = new_stage(call, record, DEFAULT_STAGE, {"AutoDeploy": True}, managed=True)
    record["stages"][DEFAULT_STAGE] = stage
    auto_deploy(call, record, stage)


def _target_integration(target: str, credentials: str | None) -> dict[str, Any]:
    """The integration a quick-create ``Target`` stands for: a Lambda function (AWS_PROXY,
    payload 2.0) or an HTTP URL (HTTP_PROXY, any method)."""
    if LAMBDA_ARN.match(target) or INVOCATION_ARN.match(target):
        fields = {"IntegrationType": "AWS_PROXY", "IntegrationUri": target,
                  "IntegrationMethod": "POST", "PayloadFormatVersion": "2.0"}
    elif re.match(r"^https?://", target, re.IGNORECASE):
        fields = {"IntegrationType": "HTTP_PROXY", "IntegrationUri": target,
                  "IntegrationMethod": "ANY", "PayloadFormatVersion": "1.0"}
    else:
        raise BadRequestException(
            f"Invalid Target specified: {target}. Quick create needs a Lambda function ARN "
            "or an HTTP URL")
    if credentials is not None:
        fields["CredentialsArn"] = credentials
    return fields


def _quick_update(record: dict, params: dict[str, Any]) -> list[tuple[dict, dict]]:
    """The changes UpdateApi's ``Target``/``RouteKey``/``CredentialsArn`` make to the managed
    integration and route of a quick-created API (validated, not applied)."""
    if all(params.get(k) is None for k in _QUICK):
        return []
    routes = [r for r in record["routes"].values() if r.get("ApiGatewayManaged")]
    integrations = [i for i in record["integrations"].values() if i.get("ApiGatewayManaged")]
    if not routes or not integrations:
        raise BadRequestException(
            "Target, RouteKey and CredentialsArn can only be updated on an API created with "
            "quick create")
    route, integration = routes[0], integrations[0]
    changes: list[tuple[dict, dict]] = []
    if params.get("Target") is not None or params.get("CredentialsArn") is not None:
        fields = _target_integration(params.get("Target") or integration["IntegrationUri"],
                                     params.get("CredentialsArn")
                                     or integration.get("CredentialsArn"))
        result = {**with_defaults(record, fields), "IntegrationId":
                  integration["IntegrationId"], "ApiGatewayManaged": True}
        check_integration(record, result, fields)
        changes.append((integration, result))
    if params.get("RouteKey") is not None:
        moved = {**route, "RouteKey": params["RouteKey"]}
        check_route(record, moved, {}, route_id=route["RouteId"])
        changes.append((route, {"RouteKey": params["RouteKey"]}))
    return changes


# -- helpers ---------------------------------------------------------------------------------

def check_cors(protocol: str, cors: dict[str, Any] | None) -> None:
    """AWS's CORS rules (HTTP APIs only)."""
    if cors is None:
        return
    if protocol != HTTP:
        raise BadRequestException("CorsConfiguration is supported only for HTTP APIs")
    origins = cors.get("AllowOrigins") or []
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise BadRequestException(
                f"Invalid CORS origin specified: {origin}. An origin is * or "
                "scheme://host[:port]")
    for method in cors.get("AllowMethods") or []:
        if method.upper() not in _CORS_METHODS:
            raise BadRequestException(
                f"Invalid CORS method specified: {method}. Must be one of "
                f"[{', '.join(_CORS_METHODS)}]")
    if cors.get("AllowCredentials") and "*" in origins:
        raise BadRequestException(
            "CORS: AllowCredentials cannot be true when AllowOrigins contains *; list the "
            "allowed origins instead")


def new_api_id(call: Call, custom_id: str | None) -> str:
    """A new API id, or the one the ``_custom_id_`` tag asks for."""
    taken = apis(call)
    if custom_id is not None:
        if not _CUSTOM_ID.match(custom_id):
            raise BadRequestException(
                f"Invalid {CUSTOM_ID_TAG} tag value: {custom_id!r} (lowercase letters, digits "
                "and hyphens, as it becomes part of a host name)")
        if custom_id in taken:
            raise ConflictException(f"An API with the id {custom_id} already exists")
        return custom_id
    return call.new_id(API_ID_LENGTH, avoid=taken)

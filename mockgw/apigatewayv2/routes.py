"""Route: create, update, delete, DeleteRouteRequestParameter (get and list: ``sections``);
what a route may name (its key, target integration, authorizer, models) for HTTP and
WebSocket APIs."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigatewayv2.common import (
    ROUTE_ID_LENGTH,
    WEBSOCKET,
    api_record,
    copy_in,
    is_http,
    only_for,
    updated,
)
from mockgw.apigatewayv2.deployments import api_changed
from mockgw.apigatewayv2.registry import operation
from mockgw.apigatewayv2.sections import ROUTES, saved
from mockgw.apigatewayv2.selection import check_request_expression, check_route_key
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call

_SCALARS = ("ApiKeyRequired", "AuthorizationScopes", "AuthorizationType", "AuthorizerId",
            "ModelSelectionExpression", "OperationName", "RouteKey",
            "RouteResponseSelectionExpression", "Target")
_MAPS = ("RequestModels", "RequestParameters")
_WEBSOCKET_ONLY = ("RequestModels", "RequestParameters", "ModelSelectionExpression",
                   "RouteResponseSelectionExpression")
_TARGET = re.compile(r"^integrations/([A-Za-z0-9]+)$")
_ROUTE_PARAMETER = re.compile(r"^route\.request\.(header|querystring)\.[^\s]+$")
_AUTHORIZER_KIND = {"JWT": "JWT", "CUSTOM": "REQUEST"}


@operation("CreateRoute")
def create_route(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    route = {"ApiKeyRequired": False, "AuthorizationType": "NONE"}
    copy_in(params, (*_SCALARS, *_MAPS), route)
    check_route(record, route, params)
    return saved(call, record, ROUTES.add(call, record, route, ROUTE_ID_LENGTH, routeResponses={}))


@operation("UpdateRoute")
def update_route(call: Call, params: dict[str, Any]) -> dict:
    record, route = ROUTES.lookup(call, params)
    if route.get("ApiGatewayManaged") and params.get("RouteKey") not in (None,
                                                                          route["RouteKey"]):
        raise BadRequestException(
            "The route key of a route managed by API Gateway cannot be changed; update the "
            "API (UpdateApi RouteKey) instead")
    result = updated(route, params, _SCALARS, _MAPS)
    if result["AuthorizationType"] in ("NONE", "AWS_IAM"):  # no authorizer any more
        if params.get("AuthorizerId") is None:
            result.pop("AuthorizerId", None)
        if params.get("AuthorizationScopes") is None:
            result.pop("AuthorizationScopes", None)
    check_route(record, result, params, route_id=route["RouteId"])
    return saved(call, record, route, result)


@operation("DeleteRoute")
def delete_route(call: Call, params: dict[str, Any]) -> dict:
    record, _ = ROUTES.lookup(call, params)
    return ROUTES.remove(call, record, record, params)


@operation("DeleteRouteRequestParameter")
def delete_route_request_parameter(call: Call, params: dict[str, Any]) -> dict:
    record, route = ROUTES.lookup(call, params)
    key = params["RequestParameterKey"]
    if key not in route.get("RequestParameters", {}):
        raise NotFoundException(f"Invalid request parameter key specified {key}")
    del route["RequestParameters"][key]
    if not route["RequestParameters"]:
        del route["RequestParameters"]
    api_changed(call, record)
    return {}


# -- validation ------------------------------------------------------------------------------

def check_route(record: dict, route: dict, params: dict[str, Any], *,
                route_id: str | None = None) -> None:
    """What AWS refuses in a route (``route`` is the whole route as it would be stored)."""
    protocol = record["api"]["ProtocolType"]
    key = route["RouteKey"]
    check_route_key(protocol, key)
    others = [r["RouteKey"] for r in record["routes"].values() if r["RouteId"] != route_id]
    if key in others:
        raise ConflictException(f"Route with key {key} already exists for this API")
    if protocol != WEBSOCKET:
        for other in others:
            if variables_conflict(key, other):
                raise ConflictException(
                    f'The provided route key "{key}" has a conflicting variable on the same '
                    f'hierarchical level as "{other}"')
    only_for(record, WEBSOCKET, params, *_WEBSOCKET_ONLY)
    if is_http(record) and params.get("ApiKeyRequired"):
        raise BadRequestException("API keys are supported only for WebSocket APIs")
    check_target(record, route.get("Target"))
    check_authorization(record, route)
    for name in (route.get("RequestModels") or {}).values():
        if not any(m["Name"] == name for m in record["models"].values()):
            raise BadRequestException(f"Invalid model specified: Model {name} does not exist")
    for param, constraints in (route.get("RequestParameters") or {}).items():
        if not isinstance(constraints, dict):
            raise BadRequestException(
                f"Invalid constraints specified for route request parameter {param}")
        if not _ROUTE_PARAMETER.match(param):
            raise BadRequestException(
                f"Invalid route request parameter specified: {param}. Use "
                "route.request.header.{name} or route.request.querystring.{name}")
    if route.get("ModelSelectionExpression") is not None:
        check_request_expression("model selection expression",
                                 route["ModelSelectionExpression"])
    selection = route.get("RouteResponseSelectionExpression")
    if selection is not None and selection != "$default":
        raise BadRequestException(
            f"Invalid route response selection expression specified: {selection}. Only "
            "$default is supported")


def variables_conflict(key: str, other: str) -> bool:
    """Whether two HTTP API route keys name a path variable differently at the same level
    of the same path (``/pets/{id}`` and ``/pets/{petId}``, whatever their methods): AWS
    keeps one tree of paths per API, as REST APIs keep resources."""
    path, other_path = key.partition(" ")[2], other.partition(" ")[2]
    for mine, theirs in zip(path.split("/"), other_path.split("/"), strict=False):
        if mine == theirs:
            continue
        return (mine.startswith("{") and theirs.startswith("{")
                and not mine.endswith("+}") and not theirs.endswith("+}"))
    return False


def check_target(record: dict, target: str | None) -> None:
    if target is None:
        return
    match = _TARGET.match(target)
    if match is None or match.group(1) not in record["integrations"]:
        raise BadRequestException(
            f"Invalid Target specified: {target}. A route target must be "
            "integrations/{IntegrationId} of an integration of this API")


def check_authorization(record: dict, route: dict) -> None:
    kind = route["AuthorizationType"]
    authorizer_id = route.get("AuthorizerId")
    if is_http(record):
        if kind in _AUTHORIZER_KIND and authorizer_id is None:
            raise BadRequestException(
                f"An authorizer must be specified for authorization type {kind}")
    else:
        if kind == "JWT":
            raise BadRequestException(
                "Authorization type JWT is supported only for HTTP APIs")
        if kind != "NONE" and route["RouteKey"] != "$connect":
            raise BadRequestException(
                "Currently, authorization is restricted to the $connect route only")
        if kind == "CUSTOM" and authorizer_id is None:
            raise BadRequestException(
                "An authorizer must be specified for authorization type CUSTOM")
    if authorizer_id is not None:
        if kind not in _AUTHORIZER_KIND:
            raise BadRequestException(
                f"AuthorizerId cannot be set with authorization type {kind}")
        authorizer = record["authorizers"].get(authorizer_id)
        if authorizer is None:
            raise BadRequestException(f"Invalid authorizer identifier specified {authorizer_id}")
        if authorizer["AuthorizerType"] != _AUTHORIZER_KIND[kind]:
            raise BadRequestException(
                f"Authorization type {kind} requires an authorizer of type "
                f"{_AUTHORIZER_KIND[kind]}, but {authorizer_id} is "
                f"{authorizer['AuthorizerType']}")
    if route.get("AuthorizationScopes") and kind != "JWT":
        raise BadRequestException(
            "Authorization scopes are supported only for routes with JWT authorization")


def routes_using(record: dict, field: str, value: str) -> list[str]:
    """Ids of the routes whose ``field`` is ``value`` (targets, authorizers)."""
    return [r["RouteId"] for r in record["routes"].values() if r.get(field) == value]

"""RouteResponse (WebSocket APIs): create, get, list, update, delete.  Stored inside their
route, under ``routeResponses``."""

from __future__ import annotations

from typing import Any

from mockgw.apigatewayv2.common import (
    SHORT_ID_LENGTH,
    api_record,
    copy_in,
    find,
    is_http,
    paginate,
    render,
    updated,
)
from mockgw.apigatewayv2.deployments import api_changed
from mockgw.apigatewayv2.registry import operation
from mockgw.apigatewayv2.selection import check_request_expression
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call

_SCALARS = ("ModelSelectionExpression", "RouteResponseKey")
_MAPS = ("ResponseModels", "ResponseParameters")


def _route(call: Call, params: dict[str, Any]) -> tuple[dict, dict]:
    record = api_record(call, params["ApiId"])
    route = find(record, "routes", params["RouteId"], "Route")
    return record, route


def _response(route: dict, response_id: str) -> dict:
    found = route["routeResponses"].get(response_id)
    if found is None:
        raise NotFoundException(f"Invalid RouteResponse identifier specified {response_id}")
    return found


@operation("CreateRouteResponse")
def create_route_response(call: Call, params: dict[str, Any]) -> dict:
    record, route = _route(call, params)
    response = copy_in(params, (*_SCALARS, *_MAPS))
    _check(record, route, response)
    response_id = call.new_id(SHORT_ID_LENGTH, avoid=route["routeResponses"])
    response = {"RouteResponseId": response_id, **response}
    route["routeResponses"][response_id] = response
    api_changed(call, record)
    return render(response)


@operation("GetRouteResponse")
def get_route_response(call: Call, params: dict[str, Any]) -> dict:
    _, route = _route(call, params)
    return render(_response(route, params["RouteResponseId"]))


@operation("GetRouteResponses")
def get_route_responses(call: Call, params: dict[str, Any]) -> dict:
    _, route = _route(call, params)
    return paginate([render(r) for r in route["routeResponses"].values()], params)


@operation("UpdateRouteResponse")
def update_route_response(call: Call, params: dict[str, Any]) -> dict:
    record, route = _route(call, params)
    response = _response(route, params["RouteResponseId"])
    result = updated(response, params, _SCALARS, _MAPS)
    _check(record, route, result)
    response.clear()
    response.update(result)
    api_changed(call, record)
    return render(response)


@operation("DeleteRouteResponse")
def delete_route_response(call: Call, params: dict[str, Any]) -> dict:
    record, route = _route(call, params)
    _response(route, params["RouteResponseId"])
    del route["routeResponses"][params["RouteResponseId"]]
    api_changed(call, record)
    return {}


def _check(record: dict, route: dict, response: dict) -> None:
    if is_http(record):
        raise BadRequestException("Route responses are supported only for WebSocket APIs")
    key = response["RouteResponseKey"]
    if key != "$default":
        raise BadRequestException(
            f"Invalid route response key specified: {key}. Only $default is supported")
    if any(r["RouteResponseKey"] == key and r["RouteResponseId"] !=
           response.get("RouteResponseId") for r in route["routeResponses"].values()):
        raise ConflictException(f"Route response with key {key} already exists for this route")
    for name in (response.get("ResponseModels") or {}).values():
        if not any(m["Name"] == name for m in record["models"].values()):
            raise BadRequestException(f"Invalid model specified: Model {name} does not exist")
    if response.get("ModelSelectionExpression") is not None:
        check_request_expression("model selection expression",
                                 response["ModelSelectionExpression"])

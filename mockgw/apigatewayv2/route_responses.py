"""RouteResponse (WebSocket APIs): create, get, list, update, delete (the handlers are
:func:`~mockgw.apigatewayv2.sections.field_operations`; what AWS refuses is here).  Stored
inside their route, under ``routeResponses``."""

from __future__ import annotations

from mockgw.apigatewayv2.common import SHORT_ID_LENGTH, is_http
from mockgw.apigatewayv2.sections import ROUTE_RESPONSES, field_operations
from mockgw.apigatewayv2.selection import check_request_expression
from mockgw.errors import BadRequestException, ConflictException

_SCALARS = ("ModelSelectionExpression", "RouteResponseKey")
_MAPS = ("ResponseModels", "ResponseParameters")


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


field_operations(ROUTE_RESPONSES, scalars=_SCALARS, maps=_MAPS, id_length=SHORT_ID_LENGTH,
                 check=_check)

"""IntegrationResponse (WebSocket APIs): create, get, list, update, delete.  Stored inside
their integration, under ``integrationResponses``."""

from __future__ import annotations

import re
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

_SCALARS = ("ContentHandlingStrategy", "IntegrationResponseKey",
            "TemplateSelectionExpression")
_MAPS = ("ResponseParameters", "ResponseTemplates")


def _integration(call: Call, params: dict[str, Any]) -> tuple[dict, dict]:
    record = api_record(call, params["ApiId"])
    return record, find(record, "integrations", params["IntegrationId"], "Integration")


def _response(integration: dict, response_id: str) -> dict:
    found = integration["integrationResponses"].get(response_id)
    if found is None:
        raise NotFoundException(
            f"Invalid IntegrationResponse identifier specified {response_id}")
    return found


@operation("CreateIntegrationResponse")
def create_integration_response(call: Call, params: dict[str, Any]) -> dict:
    record, integration = _integration(call, params)
    response = copy_in(params, (*_SCALARS, *_MAPS))
    _check(record, integration, response)
    response_id = call.new_id(SHORT_ID_LENGTH, avoid=integration["integrationResponses"])
    response = {"IntegrationResponseId": response_id, **response}
    integration["integrationResponses"][response_id] = response
    api_changed(call, record)
    return render(response)


@operation("GetIntegrationResponse")
def get_integration_response(call: Call, params: dict[str, Any]) -> dict:
    _, integration = _integration(call, params)
    return render(_response(integration, params["IntegrationResponseId"]))


@operation("GetIntegrationResponses")
def get_integration_responses(call: Call, params: dict[str, Any]) -> dict:
    _, integration = _integration(call, params)
    return paginate([render(r) for r in integration["integrationResponses"].values()], params)


@operation("UpdateIntegrationResponse")
def update_integration_response(call: Call, params: dict[str, Any]) -> dict:
    record, integration = _integration(call, params)
    response = _response(integration, params["IntegrationResponseId"])
    result = updated(response, params, _SCALARS, _MAPS)
    _check(record, integration, result)
    response.clear()
    response.update(result)
    api_changed(call, record)
    return render(response)


@operation("DeleteIntegrationResponse")
def delete_integration_response(call: Call, params: dict[str, Any]) -> dict:
    record, integration = _integration(call, params)
    _response(integration, params["IntegrationResponseId"])
    del integration["integrationResponses"][params["IntegrationResponseId"]]
    api_changed(call, record)
    return {}


def _check(record: dict, integration: dict, response: dict) -> None:
    if is_http(record):
        raise BadRequestException(
            "Integration responses are supported only for WebSocket APIs")
    key = response["IntegrationResponseKey"]
    if key != "$default":
        pattern = key[1:-1] if len(key) > 2 and key.startswith("/") and key.endswith("/") \
            else None
        try:
            valid = pattern is not None and re.compile(pattern) is not None
        except re.error:
            valid = False
        if not valid:
            raise BadRequestException(
                f"Invalid integration response key specified: {key}. Use $default or a "
                "regular expression between slashes, for example /4\\d\\d/")
    if any(r["IntegrationResponseKey"] == key and r["IntegrationResponseId"] !=
           response.get("IntegrationResponseId")
           for r in integration["integrationResponses"].values()):
        raise ConflictException(
            f"Integration response with key {key} already exists for this integration")
    if response.get("TemplateSelectionExpression") is not None:
        check_request_expression("template selection expression",
                                 response["TemplateSelectionExpression"])

"""IntegrationResponse (WebSocket APIs): create, get, list, update, delete (the handlers
are :func:`~mockgw.apigatewayv2.sections.field_operations`; what AWS refuses is here).
Stored inside their integration, under ``integrationResponses``."""

from __future__ import annotations

import re

from mockgw.apigatewayv2.common import SHORT_ID_LENGTH, is_http
from mockgw.apigatewayv2.sections import INTEGRATION_RESPONSES, field_operations
from mockgw.apigatewayv2.selection import check_request_expression
from mockgw.errors import BadRequestException, ConflictException

_SCALARS = ("ContentHandlingStrategy", "IntegrationResponseKey",
            "TemplateSelectionExpression")
_MAPS = ("ResponseParameters", "ResponseTemplates")


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


field_operations(INTEGRATION_RESPONSES, scalars=_SCALARS, maps=_MAPS, id_length=SHORT_ID_LENGTH,
                 check=_check)

"""ImportApi and ReimportApi: HTTP APIs from OpenAPI 3.0 documents (the work is done by
:mod:`mockgw.apigatewayv2.openapi`)."""

from __future__ import annotations

from typing import Any

from mockgw.apigatewayv2 import openapi
from mockgw.apigatewayv2.registry import operation
from mockgw.operations import Call


@operation("ImportApi")
def import_api(call: Call, params: dict[str, Any]) -> dict:
    return openapi.import_api(call, params["Body"], basepath=params.get("Basepath"),
                              fail_on_warnings=params.get("FailOnWarnings", False))


@operation("ReimportApi")
def reimport_api(call: Call, params: dict[str, Any]) -> dict:
    return openapi.reimport_api(call, params["ApiId"], params["Body"],
                                basepath=params.get("Basepath"),
                                fail_on_warnings=params.get("FailOnWarnings", False))

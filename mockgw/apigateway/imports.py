"""ImportRestApi and PutRestApi: REST APIs from OpenAPI definitions (the work is done by
:mod:`mockgw.apigateway.openapi`)."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.registry import operation
from mockgw.operations import Call


@operation("ImportRestApi")
def import_rest_api(call: Call, params: dict[str, Any]) -> dict:
    from mockgw.apigateway import openapi  # loaded on first use: it is large

    return openapi.import_api(call, params["body"], parameters=params.get("parameters"),
                              fail_on_warnings=params.get("failOnWarnings", False))


@operation("PutRestApi")
def put_rest_api(call: Call, params: dict[str, Any]) -> dict:
    from mockgw.apigateway import openapi

    return openapi.put_api(call, params["restApiId"], params["body"],
                           mode=params.get("mode", "merge"),
                           parameters=params.get("parameters"),
                           fail_on_warnings=params.get("failOnWarnings", False))

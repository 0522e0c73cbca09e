"""GetSdk: a client SDK of a stage.  mockgw generates the ``javascript`` SDK
(:mod:`mockgw.apigateway.sdk`); the other types AWS lists are answered as AWS answers a
type it does not know."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import rest_api
from mockgw.apigateway.registry import operation
from mockgw.apigateway.stages import stage_of
from mockgw.errors import NotFoundException
from mockgw.operations import Call

GENERATED = ("javascript",)


@operation("GetSdk")
def get_sdk(call: Call, params: dict[str, Any]) -> dict:
    from mockgw.apigateway.openapi.exporter import api_version  # loaded on first use
    from mockgw.apigateway.sdk import javascript_sdk

    record = rest_api(call, params["restApiId"])
    stage = stage_of(record, params["stageName"])
    sdk_type = params["sdkType"]
    if sdk_type not in GENERATED:
        raise NotFoundException(f"Invalid SDK type specified: {sdk_type}")
    snapshot = record["deployments"][stage["deploymentId"]]["snapshot"]
    body = javascript_sdk(snapshot, stage=stage["stageName"], region=call.region)
    filename = f"{sdk_type}_{api_version(snapshot['api'])}.zip"
    return {"body": body, "contentType": "application/octet-stream",
            "contentDisposition": f'attachment; filename="{filename}"'}

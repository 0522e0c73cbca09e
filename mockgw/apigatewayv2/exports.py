"""ExportApi: an HTTP API's definition (a stage's deployment, or the latest) as an OpenAPI
3.0 document in JSON or YAML (built by :mod:`mockgw.apigatewayv2.openapi.exporter`)."""

from __future__ import annotations

import json
from typing import Any

from mockgw.apigatewayv2.common import WEBSOCKET, api_record, find
from mockgw.apigatewayv2.openapi.exporter import EXPORT_VERSION, export_document
from mockgw.apigatewayv2.registry import operation
from mockgw.errors import BadRequestException
from mockgw.operations import Call


@operation("ExportApi")
def export_api(call: Call, params: dict[str, Any]) -> dict:
    """``Specification`` (OAS30) and ``OutputType`` (JSON, YAML) are enums the protocol
    layer checks."""
    record = api_record(call, params["ApiId"])
    version = params.get("ExportVersion")
    if version is not None and version != EXPORT_VERSION:
        raise BadRequestException(f"Invalid export version specified: {version}. Must be "
                                  f"one of [{EXPORT_VERSION}]")
    if record["api"]["ProtocolType"] == WEBSOCKET:
        raise BadRequestException("Export is supported only for HTTP APIs")
    stage_name = params.get("StageName")
    definition, date = record, record["api"]["CreatedDate"]
    if stage_name is not None:
        stage = find(record, "stages", stage_name, "Stage")
        deployment = record["deployments"].get(stage.get("DeploymentId") or "")
        if deployment is None:
            raise BadRequestException(f"Stage {stage_name} has no deployment to export")
        definition, date = deployment["snapshot"], deployment["CreatedDate"]
    document = export_document(definition, region=call.region, stage=stage_name,
                               extensions=params.get("IncludeExtensions", True), date=date)
    if params["OutputType"] == "YAML":
        import yaml  # only YAML exports need it

        return {"body": yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode()}
    return {"body": json.dumps(document, indent=2, ensure_ascii=False).encode()}

"""GetExport: a stage's deployment as a Swagger 2.0 or OpenAPI 3.0 document, in JSON or
YAML (the document is built by :mod:`mockgw.apigateway.openapi.exporter`)."""

from __future__ import annotations

import json
from typing import Any

from mockgw.apigateway.common import rest_api
from mockgw.apigateway.registry import operation
from mockgw.apigateway.stages import stage_of
from mockgw.errors import BadRequestException
from mockgw.operations import Call

JSON, YAML = "application/json", "application/yaml"
#: AWS answers a JSON export (what botocore's ``Accept: application/json`` asks for) as a
#: download, whatever the format.
CONTENT_TYPE = "application/octet-stream"


@operation("GetExport")
def get_export(call: Call, params: dict[str, Any]) -> dict:
    from mockgw.apigateway.openapi.exporter import EXPORT_TYPES, api_version, export_document

    record = rest_api(call, params["restApiId"])
    stage = stage_of(record, params["stageName"])
    export_type = params["exportType"]
    if export_type not in EXPORT_TYPES:
        raise BadRequestException(f"Invalid export type specified: {export_type}")
    accepts = (params.get("accepts") or "").split(";")[0].strip().lower()
    if accepts not in ("", "*/*", JSON, YAML):
        raise BadRequestException(f"Unsupported Accept header: {params['accepts']}. Supported "
                                  f"values are {JSON}, {YAML}")
    extensions = {e.strip() for e in (params.get("parameters") or {}).get("extensions", "")
                  .split(",") if e.strip()}
    snapshot = record["deployments"][stage["deploymentId"]]["snapshot"]
    documentation = record["documentationVersions"].get(stage.get("documentationVersion", ""))
    document = export_document(snapshot, stage=stage["stageName"], region=call.region,
                               export_type=export_type, extensions=extensions,
                               documentation=documentation)
    if accepts == YAML:
        import yaml  # only YAML exports need it

        body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode()
        suffix = "yaml"
    else:
        body = json.dumps(document, indent=2, ensure_ascii=False).encode()
        suffix = "json"
    filename = f"{export_type}_{api_version(snapshot['api'])}.{suffix}"
    return {"body": body, "contentType": CONTENT_TYPE,
            "contentDisposition": f'attachment; filename="{filename}"'}

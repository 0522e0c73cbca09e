"""OpenAPI for HTTP APIs: import (ImportApi, ReimportApi) and export (ExportApi).

The handlers in ``mockgw.apigatewayv2.imports`` and ``exports`` are thin wrappers over the
functions here.  Reading a body (JSON or YAML, AWS variables) and following ``$ref``
pointers is shared with the REST API importer (:mod:`mockgw.apigateway.openapi.document`).
"""

from __future__ import annotations

from typing import Any

from mockgw.apigatewayv2.common import api_record, apis, render
from mockgw.apigatewayv2.deployments import api_changed
from mockgw.apigatewayv2.openapi import importer
from mockgw.apigatewayv2.openapi.exporter import export_document
from mockgw.operations import Call

__all__ = ["export_document", "import_api", "reimport_api"]


def import_api(call: Call, body: str, *, basepath: str | None = None,
               fail_on_warnings: bool = False) -> dict[str, Any]:
    """ImportApi: a new HTTP API made from an OpenAPI 3.0 document; the Api, with
    ``Warnings`` and ``ImportInfo`` when there are some.  Creates nothing on error."""
    result = _build(call, body, basepath, fail_on_warnings, None)
    apis(call)[result.record["api"]["ApiId"]] = result.record
    return _output(result)


def reimport_api(call: Call, api_id: str, body: str, *, basepath: str | None = None,
                 fail_on_warnings: bool = False) -> dict[str, Any]:
    """ReimportApi: HTTP API ``api_id`` with its definition (routes, integrations,
    authorizers, CORS, name, description, version) replaced by the document's; stages,
    deployments and tags stay, and auto-deploying stages deploy the new definition.
    Changes nothing on error."""
    current = api_record(call, api_id)
    result = _build(call, body, basepath, fail_on_warnings, current)
    current.clear()
    current.update(result.record)
    api_changed(call, current)
    return _output(result)


def _build(call: Call, body: str, basepath: str | None, fail_on_warnings: bool,
           current: dict | None) -> importer.Result:
    mode = importer.check_basepath(basepath)
    doc = importer.read(body, account=call.account, region=call.region)
    result = importer.build(call, doc, basepath=mode, current=current)
    if result.warnings and fail_on_warnings:
        raise importer.warnings_failure(result.warnings)
    return result


def _output(result: importer.Result) -> dict[str, Any]:
    out = render(result.record["api"])
    if result.warnings:
        out["Warnings"] = list(result.warnings)
    if result.import_info:
        out["ImportInfo"] = list(result.import_info)
    return out

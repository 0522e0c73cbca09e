"""OpenAPI for REST APIs: import (ImportRestApi, PutRestApi) and export (GetExport).

The handlers in ``mockgw.apigateway.imports`` and ``exports`` are thin wrappers over the
functions here, which other parts of mockgw (``mockgw serve --openapi``) call directly::

    from mockgw.startup import import_document
    api_id = import_document(instance, body)            # a new REST API
    api_id = import_document(instance, body, api_id=api_id, mode="overwrite")
"""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import api_out, rest_api, rest_apis
from mockgw.apigateway.openapi import document, importer
from mockgw.apigateway.openapi.exporter import export_document
from mockgw.errors import BadRequestException
from mockgw.operations import Call

__all__ = ["export_document", "import_api", "put_api"]


def import_api(call: Call, body: bytes, *, parameters: dict[str, str] | None = None,
               fail_on_warnings: bool = False) -> dict[str, Any]:
    """ImportRestApi: create a REST API from an OpenAPI definition; the new RestApi (with
    ``warnings`` when there are some).  Raises AWS's errors and creates nothing then."""
    options = importer.Options.of(parameters, mode="import",
                                  fail_on_warnings=fail_on_warnings)
    doc = document.parse(body, account=call.account, region=call.region)
    record, warnings = _build(call, doc, options, None)
    rest_apis(call)[record["api"]["id"]] = record
    return _output(record["api"], warnings)


def put_api(call: Call, api_id: str, body: bytes, *, mode: str = "merge",
            parameters: dict[str, str] | None = None,
            fail_on_warnings: bool = False) -> dict[str, Any]:
    """PutRestApi: merge an OpenAPI definition into REST API ``api_id``, or overwrite the
    API with it; the updated RestApi.  Raises AWS's errors and changes nothing then."""
    doc = document.parse(body, account=call.account, region=call.region)  # before the id
    current = rest_api(call, api_id)
    options = importer.Options.of(parameters, mode=mode, fail_on_warnings=fail_on_warnings)
    record, warnings = _build(call, doc, options, current)
    rest_apis(call)[api_id] = record
    return {"tags": {}, **_output(record["api"], warnings)}


def _build(call: Call, doc: document.Document, options: importer.Options,
           current: dict | None) -> tuple[dict, list[str]]:
    """:func:`importer.build`; a definition nested too deeply to walk is AWS's invalid
    input, never a crash."""
    try:
        return importer.build(call, doc, options, current)
    except RecursionError:
        raise BadRequestException(document.INVALID) from None


def _output(api: dict, warnings: list[str]) -> dict[str, Any]:
    out = api_out(api)
    if warnings:
        out["warnings"] = list(warnings)
    return out

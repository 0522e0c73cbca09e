"""Model: create, get (``flatten``), list, update, delete, and the mapping template
generated from a model.

A schema must be JSON and a valid JSON Schema draft 4; it may refer to the API's other
models by their canonical URL (:func:`mockgw.model_schemas.model_url`), and those must
exist.  A model that a method or another model refers to cannot be deleted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mockgw import jsonsafe, model_schemas
from mockgw.apigateway.common import copy_out, methods_of, paginate, rest_api, rest_apis
from mockgw.apigateway.model_templates import mapping_template
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import (
    PatchPath,
    apply_patch,
    custom,
)

_NAME = re.compile(r"^[A-Za-z0-9]+$")
_NO_SCHEMA = "Model schema must have at least 1 property or array items defined"
#: Keywords API Gateway refuses in a model schema.
_UNSUPPORTED = ("example",)


@operation("CreateModel")
def create_model(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    name = params["name"]
    if not name:
        raise BadRequestException("Model name must be non-empty")
    if not _NAME.match(name):
        raise BadRequestException("Model name must be alphanumeric")
    if name in record["models"]:
        raise ConflictException("Model name already exists for this REST API")
    check_schema(params.get("schema"), record)
    model = {"id": _new_id(call, record), "name": name, "contentType": params["contentType"],
             "schema": params["schema"]}
    if params.get("description"):
        model["description"] = params["description"]
    record["models"][name] = model
    return copy_out(model)


@operation("GetModel")
def get_model(call: Call, params: dict[str, Any]) -> dict:
    record, model = _model(call, params)
    if not params.get("flatten"):
        return copy_out(model)
    schemas = model_schemas.parse(record["models"])
    flat = model_schemas.flatten(model["name"], record["api"]["id"], schemas)
    return {**copy_out(model), "schema": json.dumps(flat)}


@operation("GetModels")
def get_models(call: Call, params: dict[str, Any]) -> dict:
    models = rest_api(call, params["restApiId"])["models"]
    return paginate([copy_out(models[name]) for name in sorted(models)], params)


@operation("UpdateModel")
def update_model(call: Call, params: dict[str, Any]) -> dict:
    record, model = _model(call, params)
    updated = apply_patch(model, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    if updated["schema"] != model["schema"]:
        check_schema(updated["schema"], record)
    record["models"][model["name"]] = updated
    return copy_out(updated)


@operation("DeleteModel")
def delete_model(call: Call, params: dict[str, Any]) -> dict:
    record, model = _model(call, params)
    name = model["name"]
    where = _referrer(record, name)
    if where:
        raise ConflictException(f"Cannot delete model '{name}', is referenced in {where}")
    del record["models"][name]
    return {}


@operation("GetModelTemplate")
def get_model_template(call: Call, params: dict[str, Any]) -> dict:
    record, model = _model(call, params)
    schemas = model_schemas.parse(record["models"])
    flat = model_schemas.flatten(model["name"], record["api"]["id"], schemas)
    return {"value": mapping_template(flat)}


# -- helpers ---------------------------------------------------------------------------------

def _model(call: Call, params: dict[str, Any]) -> tuple[dict, dict]:
    record = rest_apis(call).get(params["restApiId"])
    model = record and record["models"].get(params["modelName"])
    if not model:
        raise NotFoundException(f"Invalid model name specified: {params['modelName']}")
    return record, model


def _new_id(call: Call, record: dict) -> str:
    return call.new_id(6, avoid={m["id"] for m in record["models"].values()})


def check_schema(text: str | None, record: dict) -> None:
    """AWS's checks of a model schema: JSON, draft 4, supported keywords, references in
    canonical form to models of this API that exist."""
    from jsonschema import Draft4Validator, SchemaError  # loaded on first use

    if not text:
        raise BadRequestException(_NO_SCHEMA)
    errors = []
    try:
        schema = jsonsafe.loads(text, deep=False)
        Draft4Validator.check_schema(schema)  # draft 4's meta-schema wants an object
        nodes = list(model_schemas.subschemas(schema))
        refs = list(model_schemas.references(schema))
    except (ValueError, SchemaError, RecursionError):  # nested deeper than anyone can walk
        errors.append("Invalid model schema specified")
    else:
        used = [k for node in nodes for k in _UNSUPPORTED if k in node]
        if used:
            keywords = ",".join(json.dumps(k) for k in dict.fromkeys(used))
            errors.append(f"Invalid model schema specified. Unsupported keyword(s): [{keywords}]")
        api_id = record["api"]["id"]
        for ref in refs:
            if ref.startswith("#"):  # a pointer into the schema itself
                continue
            match = model_schemas.CANONICAL_REF.match(ref)
            if not match:
                errors.append("Model reference must be in canonical form")
            elif match["api"] != api_id or match["name"] not in record["models"]:
                errors.append(f"Invalid model identifier specified: {match['name']}")
    if errors:
        raise BadRequestException("Invalid model specified: Validation Result: warnings : [], "
                                  f"errors : [{', '.join(dict.fromkeys(errors))}]")


def _referrer(record: dict, name: str) -> str | None:
    """What refers to model ``name`` (a method request or response, another model), as
    AWS names it in the refusal to delete the model; ``None`` when nothing does."""
    for res, http_method, method in methods_of(record):
        if name in (method.get("requestModels") or {}).values():
            return f"method request: {res['path']}/{http_method}"
        for status, response in (method.get("methodResponses") or {}).items():
            if name in (response.get("responseModels") or {}).values():
                return f"method response: {res['path']}/{http_method}/{status}"
    api_id = record["api"]["id"]
    for other, model in record["models"].items():
        if other != name and name in model_schemas.referenced_models(
                json.loads(model["schema"]), api_id):
            return f"model: {other}"
    return None


def _set_schema(model: dict, op: str, labels: dict[str, str], value: Any) -> None:
    model["schema"] = value


def _set_description(model: dict, op: str, labels: dict[str, str], value: Any) -> None:
    if value:
        model["description"] = value
    else:
        model.pop("description", None)


_PATCH_PATHS: list[PatchPath] = [
    custom("/description", _set_description, value_required=False),
    custom("/schema", _set_schema, value_required=False),
]

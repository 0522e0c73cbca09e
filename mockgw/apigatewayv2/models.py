"""Model (WebSocket APIs): create, update, delete, GetModelTemplate (get and list:
``sections``)."""

from __future__ import annotations

import json
import re
from typing import Any

from mockgw import model_schemas
from mockgw.apigateway.model_templates import mapping_template
from mockgw.apigatewayv2.common import (
    SHORT_ID_LENGTH,
    api_record,
    copy_in,
    is_http,
)
from mockgw.apigatewayv2.registry import operation
from mockgw.apigatewayv2.sections import MODELS, saved
from mockgw.errors import BadRequestException, ConflictException
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

_NAME = re.compile(r"^[A-Za-z0-9]+$")
_FIELDS = ("ContentType", "Description", "Name", "Schema")


@operation("CreateModel")
def create_model(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    model = {"ContentType": "application/json"}
    copy_in(params, _FIELDS, model)
    _check(record, model)
    return saved(call, record, MODELS.add(call, record, model, SHORT_ID_LENGTH))


@operation("UpdateModel")
def update_model(call: Call, params: dict[str, Any]) -> dict:
    record, model = MODELS.lookup(call, params)
    result = copy_in(params, _FIELDS, copy_tree(model))
    _check(record, result)
    renamed = result["Name"] != model["Name"]
    if renamed and _users(record, model["Name"]):
        raise BadRequestException(
            f"Model {model['Name']} is referenced by a route or route response and cannot be "
            "renamed")
    return saved(call, record, model, result)


@operation("DeleteModel")
def delete_model(call: Call, params: dict[str, Any]) -> dict:
    record, model = MODELS.lookup(call, params)
    users = _users(record, model["Name"])
    if users:
        raise ConflictException(
            f"Cannot delete model '{model['Name']}', is referenced in {users[0]}")
    return MODELS.remove(call, record, record, params)


@operation("GetModelTemplate")
def get_model_template(call: Call, params: dict[str, Any]) -> dict:
    record, model = MODELS.lookup(call, params)
    schemas = {m["Name"]: json.loads(m["Schema"]) for m in record["models"].values()}
    flat = model_schemas.flatten(model["Name"], record["api"]["ApiId"], schemas)
    return {"Value": mapping_template(flat)}


def _check(record: dict, model: dict) -> None:
    if is_http(record):
        raise BadRequestException("Models are supported only for WebSocket APIs")
    name = model["Name"]
    if not _NAME.match(name):
        raise BadRequestException(f"Invalid model name specified: {name}. Model names must be "
                                  "alphanumeric")
    if any(m["Name"] == name and m["ModelId"] != model.get("ModelId")
           for m in record["models"].values()):
        raise ConflictException(f"Model name {name} already exists for this API")
    from jsonschema import Draft4Validator  # ~45 ms to import: on the first model only
    from jsonschema.exceptions import SchemaError

    try:
        schema = json.loads(model["Schema"])
        Draft4Validator.check_schema(schema)
    except (ValueError, SchemaError):
        raise BadRequestException("Invalid model specified: Validation Result: warnings : [], "
                                  "errors : [Invalid model schema specified]") from None


def _users(record: dict, name: str) -> list[str]:
    """What refers to model ``name``: routes' request models, route responses' models."""
    found = []
    for route in record["routes"].values():
        if name in (route.get("RequestModels") or {}).values():
            found.append(f"route: {route['RouteKey']}")
        for response in route.get("routeResponses", {}).values():
            if name in (response.get("ResponseModels") or {}).values():
                found.append(f"route response: {route['RouteKey']}/"
                             f"{response['RouteResponseKey']}")
    return found

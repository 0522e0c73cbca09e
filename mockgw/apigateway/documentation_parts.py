"""DocumentationPart: create, get, list (filtered), update, delete, and import from an
OpenAPI file's ``x-amazon-apigateway-documentation`` extension.

Parts live in the REST API record, ``record["documentationParts"][id]``, with their
``location`` completed by AWS's defaults (``path`` ``/``, ``method`` and ``statusCode``
``*`` where the type has them).
"""

from __future__ import annotations

import json
import re
from typing import Any

from mockgw import jsonsafe
from mockgw.apigateway.common import copy_out, paginate, rest_api, rest_apis
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import apply_patch, scalar

PART_NOT_FOUND = "Invalid Documentation part identifier specified"
EXTENSION = "x-amazon-apigateway-documentation"

#: Per location type: the fields it accepts besides ``type``, and those it requires.
LOCATION_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "API": ((), ()),
    "AUTHORIZER": (("name",), ()),
    "MODEL": (("name",), ()),
    "RESOURCE": (("path",), ()),
    "METHOD": (("path", "method"), ()),
    "PATH_PARAMETER": (("path", "method", "name"), ("name",)),
    "QUERY_PARAMETER": (("path", "method", "name"), ("name",)),
    "REQUEST_HEADER": (("path", "method", "name"), ("name",)),
    "REQUEST_BODY": (("path", "method"), ()),
    "RESPONSE": (("path", "method", "statusCode"), ()),
    "RESPONSE_HEADER": (("path", "method", "statusCode", "name"), ("name",)),
    "RESPONSE_BODY": (("path", "method", "statusCode"), ()),
}
LOCATION_FIELDS = ("path", "method", "statusCode", "name")
DEFAULTS = {"path": "/", "method": "*", "statusCode": "*"}
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY", "*")
_STATUS_CODE = re.compile(r"^([1-5]\d\d|\*)$")


@operation("CreateDocumentationPart")
def create_documentation_part(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    location = complete_location(params["location"])
    properties = check_properties(params["properties"])
    parts = record["documentationParts"]
    if find_part(parts, location) is not None:
        raise ConflictException("Documentation part already exists for the specified "
                                f"location: {describe(location)}.")
    part = {"id": call.new_id(6, avoid=parts), "location": location, "properties": properties}
    parts[part["id"]] = part
    return copy_out(part)


@operation("GetDocumentationPart")
def get_documentation_part(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(_part(call, params))


@operation("GetDocumentationParts")
def get_documentation_parts(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    wanted_type, path = params.get("type"), params.get("path")
    name, status = params.get("nameQuery"), params.get("locationStatus")
    items = []
    for part in record["documentationParts"].values():
        location = part["location"]
        if wanted_type and location["type"] != wanted_type:
            continue
        if path and location.get("path") != path:
            continue
        if name and not location.get("name", "").startswith(name):
            continue
        if status and (status == "DOCUMENTED") != is_documented(part["properties"]):
            continue
        items.append(copy_out(part))
    return paginate(items, params)


@operation("UpdateDocumentationPart")
def update_documentation_part(call: Call, params: dict[str, Any]) -> dict:
    current = _part(call, params)
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    rest_api(call, params["restApiId"])["documentationParts"][current["id"]] = updated
    return copy_out(updated)


@operation("DeleteDocumentationPart")
def delete_documentation_part(call: Call, params: dict[str, Any]) -> dict:
    parts = rest_api(call, params["restApiId"])["documentationParts"]
    if params["documentationPartId"] not in parts:
        raise NotFoundException(PART_NOT_FOUND)
    del parts[params["documentationPartId"]]
    return {}


@operation("ImportDocumentationParts")
def import_documentation_parts(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    entries = _extension_parts(params["body"])
    parts, ids, warnings = import_parts(call, record["documentationParts"], entries,
                                        overwrite=params.get("mode") == "overwrite")
    if warnings and params.get("failOnWarnings"):
        raise BadRequestException("Errors found during import: " + "; ".join(warnings))
    record["documentationParts"] = parts
    out: dict[str, Any] = {"ids": ids}
    if warnings:
        out["warnings"] = warnings
    return out


def import_parts(call: Call, current: dict[str, dict], entries: list, *,
                 overwrite: bool) -> tuple[dict[str, dict], list[str], list[str]]:
    """The parts after importing ``entries`` (an ``x-amazon-apigateway-documentation``
    ``documentationParts`` list) into ``current``: ``(parts, imported ids, warnings)``.
    ``current`` is not modified."""
    warnings: list[str] = []
    valid: list[tuple[dict, str]] = []
    for index, entry in enumerate(entries):
        try:
            if not isinstance(entry, dict) or not isinstance(entry.get("location"), dict):
                raise BadRequestException("location is required")
            location = entry["location"]
            if location.get("type") not in LOCATION_RULES:
                raise BadRequestException(f"Invalid location type: {location.get('type')}")
            properties = entry.get("properties", {})
            text = properties if isinstance(properties, str) else json.dumps(properties)
            valid.append((complete_location(location), check_properties(text)))
        except BadRequestException as exc:
            warnings.append(f"Documentation part {index} was not imported: {exc.message}")
    parts = {} if overwrite else dict(current)
    ids = []
    for location, properties in valid:
        existing = find_part(parts, location)
        if existing is None:
            existing = {"id": call.new_id(6, avoid=parts), "location": location,
                        "properties": properties}
            parts[existing["id"]] = existing
        else:
            existing = parts[existing["id"]] = {
                **existing, "properties": _merge_properties(existing["properties"],
                                                            properties)}
        ids.append(existing["id"])
    return parts, ids, warnings


# -- locations and properties --------------------------------------------------------------

def complete_location(location: dict) -> dict:
    """``location`` checked against AWS's rules for its type, with the defaults of the
    fields it leaves out (or leaves empty)."""
    kind = location["type"]
    allowed, required = LOCATION_RULES[kind]
    # an empty field counts as left out (Terraform's provider sends every field, "" unset)
    location = {k: v for k, v in location.items() if v != ""}
    for field in LOCATION_FIELDS:
        if location.get(field) is not None and field not in allowed:
            raise BadRequestException(
                f"Invalid documentation part location: {field} is not a valid location "
                f"field for type {kind}")
    for field in required:
        if not location.get(field):
            raise BadRequestException(
                f"Invalid documentation part location: {field} is required for type {kind}")
    out = {"type": kind}
    for field in allowed:
        value = location.get(field) or DEFAULTS.get(field)
        if value is not None:
            out[field] = value
    if "path" in out and not out["path"].startswith("/"):
        raise BadRequestException(
            f"Invalid documentation part location: path must start with '/': {out['path']}")
    if "method" in out and out["method"] not in METHODS:
        raise BadRequestException(
            f"Invalid documentation part location: invalid method {out['method']}")
    if "statusCode" in out and not _STATUS_CODE.match(out["statusCode"]):
        raise BadRequestException(
            f"Invalid documentation part location: invalid status code {out['statusCode']}")
    return out


def check_properties(properties: str) -> str:
    """Properties are kept as the JSON text sent; it must be JSON."""
    try:
        jsonsafe.loads(properties, deep=False)
    except ValueError:  # TooDeep included
        raise BadRequestException("Documentation part properties must be valid JSON") \
            from None
    return properties


def is_documented(properties: str) -> bool:
    """Whether a part has content (``{}`` and ``null`` have none)."""
    return json.loads(properties) not in ({}, None, "", [])


def find_part(parts: dict[str, dict], location: dict) -> dict | None:
    return next((p for p in parts.values() if p["location"] == location), None)


def describe(location: dict) -> str:
    """A location as AWS names it in errors: ``type 'METHOD', path '/pets', ...``."""
    fields = ("type", *LOCATION_FIELDS)
    return ", ".join(f"{f} '{location[f]}'" for f in fields if f in location)


def _merge_properties(current: str, imported: str) -> str:
    old, new = json.loads(current), json.loads(imported)
    if isinstance(old, dict) and isinstance(new, dict):
        return json.dumps({**old, **new})
    return imported


def _extension_parts(body: bytes) -> list:
    import yaml  # only imports need it (a start must not pay for it)

    try:
        document = yaml.safe_load(body.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict):
        raise BadRequestException("Unable to build importer with provided input.")
    extension = document.get(EXTENSION) or {}
    parts = extension.get("documentationParts") if isinstance(extension, dict) else None
    return parts if isinstance(parts, list) else []


def _part(call: Call, params: dict[str, Any]) -> dict:
    record = rest_apis(call).get(params["restApiId"])
    part = None if record is None else \
        record["documentationParts"].get(params["documentationPartId"])
    if part is None:
        raise NotFoundException(PART_NOT_FOUND)
    return part



_PATCH_PATHS = [scalar("/properties", validate=check_properties)]

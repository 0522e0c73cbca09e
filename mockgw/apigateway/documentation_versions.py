"""DocumentationVersion: a named snapshot of an API's documentation parts (create, get,
list, update, delete), optionally published to a stage.

Versions live in the REST API record, ``record["documentationVersions"][version]``; each
keeps the parts as they were in ``snapshot`` (unmodeled).
"""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import copy_out, paginate, rest_api, rest_apis
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import apply_patch, scalar
from mockgw.state.tree import copy_tree

VERSION_NOT_FOUND = "Invalid Documentation version specified"


@operation("CreateDocumentationVersion")
def create_documentation_version(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    version = params["documentationVersion"]
    if not version.strip():
        raise BadRequestException("Documentation version must be non-empty")
    stage_name = params.get("stageName")
    if stage_name and stage_name not in record["stages"]:
        raise NotFoundException("Invalid Stage identifier specified")
    versions = record["documentationVersions"]
    if version in versions:
        raise ConflictException(f"Documentation version {version} already exists")
    created: dict[str, Any] = {"version": version, "createdDate": call.now(),
                               "snapshot": copy_tree(record["documentationParts"])}
    if params.get("description"):
        created["description"] = params["description"]
    versions[version] = created
    if stage_name:
        record["stages"][stage_name]["documentationVersion"] = version
    return copy_out(created)


@operation("GetDocumentationVersion")
def get_documentation_version(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(_version(call, params))


@operation("GetDocumentationVersions")
def get_documentation_versions(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    return paginate([copy_out(v) for v in record["documentationVersions"].values()], params)


@operation("UpdateDocumentationVersion")
def update_documentation_version(call: Call, params: dict[str, Any]) -> dict:
    current = _version(call, params)
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    if not updated.get("description"):
        updated.pop("description", None)
    rest_api(call, params["restApiId"])["documentationVersions"][current["version"]] = updated
    return copy_out(updated)


@operation("DeleteDocumentationVersion")
def delete_documentation_version(call: Call, params: dict[str, Any]) -> dict:
    versions = rest_api(call, params["restApiId"])["documentationVersions"]
    if params["documentationVersion"] not in versions:
        raise NotFoundException(VERSION_NOT_FOUND)
    del versions[params["documentationVersion"]]
    return {}


def _version(call: Call, params: dict[str, Any]) -> dict:
    record = rest_apis(call).get(params["restApiId"])
    found = None if record is None else \
        record["documentationVersions"].get(params["documentationVersion"])
    if found is None:
        raise NotFoundException(VERSION_NOT_FOUND)
    return found


_PATCH_PATHS = [scalar("/description")]

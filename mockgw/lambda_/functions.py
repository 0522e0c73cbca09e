"""Functions: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
UpdateFunctionCode, UpdateFunctionConfiguration and DeleteFunction."""

from __future__ import annotations

import hashlib
from typing import Any

from mockgw.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
)
from mockgw.lambda_.common import (
    DEFAULT_MEMORY_SIZE,
    DEFAULT_TIMEOUT,
    arn,
    check_revision,
    check_settings,
    code_location,
    configuration,
    configure,
    function_record,
    function_ref,
    functions,
    last_modified,
    listed,
    load_code,
    new_revision,
    page,
    unqualified_ref,
)
from mockgw.lambda_.registry import operation
from mockgw.lambda_.urls import delete_urls
from mockgw.lambda_.versions import publish
from mockgw.operations import Call
from mockgw.runtime import engine
from mockgw.runtime.functions import (
    LATEST,
    constraint_error,
    is_version,
    locate,
    not_found,
    parse_ref,
)
from mockgw.state.tree import copy_tree

NAME_LIMIT = 64


@operation("CreateFunction")
def create_function(call: Call, params: dict[str, Any]) -> dict:
    name = new_function_name(call, params["FunctionName"])
    check_settings(params)
    package = params.get("PackageType") or ("Image" if "ImageUri" in params["Code"] else "Zip")
    if package == "Zip" and not ("Runtime" in params and "Handler" in params):
        raise InvalidParameterValueException(
            "Runtime and Handler are mandatory parameters for functions created with "
            "deployment packages.")
    if name in functions(call):
        raise ResourceConflictException(f"Function already exist: {name}")
    code, sha, size = load_code(call, params["Code"])
    found = new_function(call, name, params, code, sha, size, package)
    functions(call)[name] = found
    config = copy_tree(found["config"])
    if params.get("Publish"):
        config["Version"] = publish(call, found, name)["Version"]
    return config


def new_function_name(call: Call, text: str) -> str:
    """The name a new function gets from CreateFunction's FunctionName (a name or ARN)."""
    name, qualifier = locate(parse_ref(text, "FunctionName"), account=call.account,
                             region=call.region)
    if qualifier is not None:
        raise InvalidParameterValueException(
            "The function name can't include a version or alias qualifier.")
    if len(name) > NAME_LIMIT:
        raise InvalidParameterValueException(constraint_error(
            name, "functionName",
            f"Member must have length less than or equal to {NAME_LIMIT}").message)
    return name


def new_function(call: Call, name: str, params: dict[str, Any], code: dict, code_sha256: str,
                 code_size: int, package_type: str = "Zip") -> dict:
    """A new function record (see :mod:`mockgw.runtime.functions`), its $LATEST
    configured from CreateFunction's ``params``."""
    config = {
        "FunctionName": name, "FunctionArn": arn(call, name), "Role": params["Role"],
        "CodeSize": code_size, "Description": "", "Timeout": DEFAULT_TIMEOUT,
        "MemorySize": DEFAULT_MEMORY_SIZE, "LastModified": last_modified(call),
        "CodeSha256": code_sha256, "Version": LATEST, "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": new_revision(call), "State": "Active", "LastUpdateStatus": "Successful",
        "PackageType": package_type, "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
    }
    configure(config, params)
    if "ImageConfig" in params:
        config["ImageConfigResponse"] = {"ImageConfig": params["ImageConfig"]}
    _runtime_version(call, config)
    return {"config": config, "code": code, "versions": {}, "aliases": {}, "policies": {},
            "tags": dict(params.get("Tags", {})), "nextVersion": 1, "unpublished": True}


def _runtime_version(call: Call, config: dict) -> None:
    if "Runtime" in config:
        digest = hashlib.sha256(config["Runtime"].encode()).hexdigest()
        config["RuntimeVersionConfig"] = {
            "RuntimeVersionArn": f"arn:aws:lambda:{call.region}::runtime:{digest}"}


@operation("GetFunction")
def get_function(call: Call, params: dict[str, Any]) -> dict:
    name, qualifier = function_ref(call, params)
    found = function_record(call, name, qualifier)
    config = configuration(call, found, name, qualifier)
    out = {"Configuration": config, "Code": code_location(call, found, config)}
    if found["tags"]:
        out["Tags"] = dict(found["tags"])
    return out


@operation("GetFunctionConfiguration")
def get_function_configuration(call: Call, params: dict[str, Any]) -> dict:
    name, qualifier = function_ref(call, params)
    return configuration(call, function_record(call, name, qualifier), name, qualifier)


@operation("ListFunctions")
def list_functions(call: Call, params: dict[str, Any]) -> dict:
    every_version = params.get("FunctionVersion") == "ALL"
    items = []
    for name, found in sorted(functions(call).items()):
        if every_version:
            items.append(listed(configuration(call, found, name, LATEST)))
            items += [listed(found["versions"][v]["config"])
                      for v in sorted(found["versions"], key=int)]
        else:
            items.append(listed(found["config"]))
    return page(items, params, "Functions")


@operation("UpdateFunctionCode")
def update_function_code(call: Call, params: dict[str, Any]) -> dict:
    name = unqualified_ref(call, params)
    found = function_record(call, name)
    check_revision(params.get("RevisionId"), found["config"]["RevisionId"])
    if found["config"]["PackageType"] == "Image" and "ImageUri" not in params:
        raise InvalidParameterValueException(
            "Please provide ImageUri when updating a function with packageType Image.")
    if found["config"]["PackageType"] == "Zip" and "ImageUri" in params:
        raise InvalidParameterValueException(
            "Please don't provide ImageUri when updating a function with packageType Zip.")
    code, sha, size = load_code(call, params)
    config = copy_tree(found["config"])
    config.update(CodeSha256=sha, CodeSize=size, LastModified=last_modified(call),
                  RevisionId=new_revision(call))
    if "Architectures" in params:
        config["Architectures"] = params["Architectures"]
    if params.get("DryRun"):
        return config
    found.update(config=config, code=code, unpublished=True)
    if params.get("Publish"):
        return copy_tree(publish(call, found, name))
    return copy_tree(config)


@operation("UpdateFunctionConfiguration")
def update_function_configuration(call: Call, params: dict[str, Any]) -> dict:
    name = unqualified_ref(call, params)
    found = function_record(call, name)
    check_revision(params.get("RevisionId"), found["config"]["RevisionId"])
    check_settings(params, found["config"])
    config = copy_tree(found["config"])
    configure(config, params)
    _runtime_version(call, config)
    config.update(LastModified=last_modified(call), RevisionId=new_revision(call))
    found.update(config=config, unpublished=True)
    return copy_tree(config)


@operation("DeleteFunction")
def delete_function(call: Call, params: dict[str, Any]) -> dict:
    name, qualifier = function_ref(call, params)
    if qualifier == LATEST:
        raise InvalidParameterValueException(
            "$LATEST version cannot be deleted without deleting the function.")
    found = function_record(call, name)
    if qualifier is None:
        del functions(call)[name]
        delete_urls(call, name)
        engine.retire(call.instance, call.account, call.region, name)
        return {"StatusCode": 204}
    if not is_version(qualifier) or qualifier not in found["versions"]:
        raise not_found(call.store, name, qualifier)
    users = sorted(alias for alias, config in found["aliases"].items()
                   if qualifier == config["FunctionVersion"]
                   or qualifier in config.get("RoutingConfig", {}).get("AdditionalVersionWeights",
                                                                     {}))
    if users:
        raise ResourceConflictException(
            "Unable to delete version because the following aliases reference it: "
            f"[{', '.join(users)}]")
    del found["versions"][qualifier]
    found["policies"].pop(qualifier, None)
    return {"StatusCode": 204}

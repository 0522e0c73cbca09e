"""RestApi: create (with ``cloneFrom`` and the ``_custom_id_`` tag), get, list, update,
delete."""

from __future__ import annotations

import json
import re
from typing import Any

from mockgw import jsonsafe
from mockgw.apigateway.common import (
    SECTIONS,
    api_out,
    check_tags,
    paginate,
    rest_api,
    rest_apis,
)
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException
from mockgw.operations import Call
from mockgw.state.patch import (
    PatchError,
    PatchPath,
    apply_patch,
    boolean,
    custom,
    op_must_be_one_of,
    scalar,
    set_member,
)
from mockgw.state.tree import copy_tree
from mockgw.state.usageplans import USAGEPLANS

CUSTOM_ID_TAG = "_custom_id_"
MAX_COMPRESSION = 10485760
_CUSTOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ENDPOINT_TYPES = ("EDGE", "REGIONAL", "PRIVATE")

#: The models API Gateway creates in every new REST API.
DEFAULT_MODELS = {
    "Empty": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "Empty Schema",
        "type": "object",
    },
    "Error": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "Error Schema",
        "type": "object",
        "properties": {"message": {"type": "string"}},
    },
}


@operation("CreateRestApi")
def create_rest_api(call: Call, params: dict[str, Any]) -> dict:
    name = params["name"]
    if not name.strip():
        raise BadRequestException("Invalid REST API name specified")
    if params.get("description") == "":
        raise BadRequestException("Description cannot be an empty string")
    tags = params.get("tags") or {}
    check_tags(tags)
    check_compression(params.get("minimumCompressionSize"))
    api_key_source = params.get("apiKeySource", "HEADER")
    check_api_key_source(api_key_source)
    endpoint = endpoint_configuration(params.get("endpointConfiguration"))
    policy = params.get("policy")
    if policy is not None:
        policy = check_policy(policy)
    api_id = new_api_id(call, tags.get(CUSTOM_ID_TAG))
    api = {
        "id": api_id,
        "name": name,
        "createdDate": call.now(),
        "apiKeySource": api_key_source,
        "endpointConfiguration": endpoint,
        "disableExecuteApiEndpoint": params.get("disableExecuteApiEndpoint", False),
    }
    for key in ("description", "version", "minimumCompressionSize"):
        if params.get(key) is not None:
            api[key] = params[key]
    if params.get("binaryMediaTypes"):
        api["binaryMediaTypes"] = list(dict.fromkeys(params["binaryMediaTypes"]))
    if policy:
        api["policy"] = policy
    if tags:
        api["tags"] = dict(tags)
    source_id = params.get("cloneFrom")
    record = _cloned_sections(rest_api(call, source_id), call) if source_id else \
        _new_sections(call)
    root = next(r for r in record["resources"].values() if r["path"] == "/")
    api["rootResourceId"] = root["id"]
    record["api"] = api
    rest_apis(call)[api_id] = record
    return render(api)


@operation("GetRestApi")
def get_rest_api(call: Call, params: dict[str, Any]) -> dict:
    return render(rest_api(call, params["restApiId"])["api"])


@operation("GetRestApis")
def get_rest_apis(call: Call, params: dict[str, Any]) -> dict:
    apis = [api_out(r["api"]) for r in rest_apis(call).values()]
    return paginate(apis, params)


@operation("UpdateRestApi")
def update_rest_api(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    api = apply_patch(record["api"], params.get("patchOperations"), _PATCH_PATHS,
                      bad_op=_bad_op)
    check_api_key_source(api.get("apiKeySource", "HEADER"))
    _check_private_ip_type(api["endpointConfiguration"])
    if api.get("policy"):
        api["policy"] = check_policy(api["policy"])
    if not api.get("binaryMediaTypes"):
        api.pop("binaryMediaTypes", None)
    record["api"] = api
    return render(api)


@operation("DeleteRestApi")
def delete_rest_api(call: Call, params: dict[str, Any]) -> dict:
    api_id = params["restApiId"]
    rest_api(call, api_id)
    del rest_apis(call)[api_id]
    for record in call.store.table(USAGEPLANS).values():  # AWS detaches the API's stages
        plan = record["plan"]
        plan["apiStages"] = [s for s in plan["apiStages"] if s["apiId"] != api_id]
    return {}


# -- helpers ---------------------------------------------------------------------------------

def render(api: dict) -> dict:
    """A RestApi as CreateRestApi, GetRestApi and UpdateRestApi answer it: ``tags`` even
    when there are none (GetRestApis leaves them out)."""
    return {"tags": {}, **api_out(api)}


def new_api_id(call: Call, custom_id: str | None) -> str:
    apis = rest_apis(call)
    if custom_id is not None:
        if not _CUSTOM_ID.match(custom_id):
            raise BadRequestException(f"Invalid {CUSTOM_ID_TAG} tag value: {custom_id!r}")
        if custom_id in apis:
            raise ConflictException(f"A REST API with the id {custom_id} already exists")
        return custom_id
    return call.new_id(10, avoid=apis)


def _new_sections(call: Call) -> dict:
    record: dict[str, Any] = {section: {} for section in SECTIONS}
    root_id = call.new_id(10)
    record["resources"][root_id] = {"id": root_id, "path": "/"}
    for name, schema in DEFAULT_MODELS.items():
        model_id = call.new_id(6)
        record["models"][name] = {
            "id": model_id,
            "name": name,
            "contentType": "application/json",
            "description": f"This is a default {name.lower()} schema model",
            "schema": json.dumps(schema, indent=2),
        }
    return record


def _cloned_sections(source: dict, call: Call) -> dict:
    """The definition of ``source`` (resources, methods, models, ...), without its
    deployments and stages, under fresh resource ids."""
    record: dict[str, Any] = {section: {} for section in SECTIONS}
    for section in SECTIONS:
        if section not in ("resources", "deployments", "stages"):
            record[section] = copy_tree(source[section])
    new_ids = {old: call.new_id(10 if r["path"] == "/" else 6)
               for old, r in source["resources"].items()}
    for old, res in source["resources"].items():
        clone = copy_tree(res)
        clone["id"] = new_ids[old]
        if "parentId" in clone:
            clone["parentId"] = new_ids[clone["parentId"]]
        record["resources"][clone["id"]] = clone
    return record


def endpoint_configuration(config: dict | None) -> dict:
    config = config or {}
    types = config.get("types")
    if types is None:
        types = ["EDGE"]
    if not types:
        raise BadRequestException(
            "REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.")
    if len(types) != 1:
        raise BadRequestException("Cannot create an api with multiple Endpoint Types.")
    default_ip = "dualstack" if types[0] == "PRIVATE" else "ipv4"
    out = {"types": list(types), "ipAddressType": config.get("ipAddressType", default_ip)}
    if config.get("vpcEndpointIds"):
        out["vpcEndpointIds"] = list(config["vpcEndpointIds"])
    _check_private_ip_type(out)
    return out


def _check_private_ip_type(config: dict) -> None:
    """AWS's rules for PRIVATE endpoints: dualstack only, and the only type with VPC
    endpoints."""
    private = "PRIVATE" in config.get("types", ())
    if private and config.get("ipAddressType") != "dualstack":
        raise BadRequestException("Only dualstack ipAddressType is supported for Private APIs.")
    if config.get("vpcEndpointIds") and not private:
        raise BadRequestException("VPCEndpoints can only be specified with PRIVATE apis.")


def check_api_key_source(value: str) -> None:
    if value not in ("HEADER", "AUTHORIZER"):
        raise BadRequestException(
            f"Invalid API Key source specified: {value}. Must be one of: HEADER, AUTHORIZER")


def check_compression(value: int | None) -> None:
    if value is not None and not 0 <= value <= MAX_COMPRESSION:
        raise BadRequestException(
            f"Invalid minimum compression size, must be between 0 and {MAX_COMPRESSION}")


def check_policy(policy: str) -> str:
    try:
        doc = jsonsafe.loads(policy, deep=False)
    except ValueError:
        raise BadRequestException(
            "Invalid policy document. Please check the policy syntax and ensure that "
            "Principals are valid.") from None
    if not isinstance(doc, dict):
        raise BadRequestException(
            "Invalid policy document. Please check the policy syntax and ensure that "
            "Principals are valid.")
    return policy


def _replace_endpoint_type(api: dict, op: str, labels: dict[str, str], value: Any) -> None:
    """``replace /endpointConfiguration/types/{type}``: the path names the type to change
    (or its index); an API has one type, so a type it does not have names that one too."""
    config = api.setdefault("endpointConfiguration", {"types": ["EDGE"]})
    types = config.setdefault("types", ["EDGE"])
    current = labels["type"]
    if current.isdigit() and int(current) < len(types):
        index = int(current)
    elif current in types:
        index = types.index(current)
    elif current in ENDPOINT_TYPES and len(types) == 1:
        index = 0
    else:
        raise PatchError(f"Invalid patch path /endpointConfiguration/types/{current}")
    if value not in ENDPOINT_TYPES:
        raise PatchError("Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE")
    types[index] = value
    if value == "PRIVATE":
        config["ipAddressType"] = "dualstack"


def _vpc_endpoint_ids(api: dict, op: str, labels: dict[str, str], value: Any) -> None:
    """``add``/``remove /endpointConfiguration/vpcEndpointIds`` with the id as the value (or
    as the last path segment)."""
    member = labels.get("value") or value
    if not member:
        raise PatchError("Invalid null or empty value in patch operation for path "
                         "'/endpointConfiguration/vpcEndpointIds'")
    config = api.setdefault("endpointConfiguration", {"types": ["EDGE"]})
    ids = config.setdefault("vpcEndpointIds", [])
    for one in str(member).split(","):
        one = one.strip()
        if op == "add" and one and one not in ids:
            ids.append(one)
        elif op == "remove" and one in ids:
            ids.remove(one)
    if not ids:
        del config["vpcEndpointIds"]


def _set_ip_address_type(api: dict, op: str, labels: dict[str, str], value: Any) -> None:
    if value not in ("ipv4", "dualstack"):
        raise PatchError("ipAddressType must be either ipv4 or dualstack.")
    api.setdefault("endpointConfiguration", {"types": ["EDGE"]})["ipAddressType"] = value


def _set_compression(api: dict, op: str, labels: dict[str, str], value: Any) -> None:
    if value in (None, ""):
        api.pop("minimumCompressionSize", None)
        return
    try:
        size = int(value)
    except ValueError:
        size = -1
    check_compression(size)
    api["minimumCompressionSize"] = size


def _bad_op(path: str, op: str, entry: PatchPath) -> str:
    if entry.pattern.startswith("/endpointConfiguration/types"):
        return "Invalid patch operation specified. Must be 'add'|'remove'|'replace'"
    return op_must_be_one_of(path, op, entry)


_PATCH_PATHS = [
    scalar("/name"),
    scalar("/description", ops=("add", "replace"), removable=True),
    scalar("/version", ops=("add", "replace"), removable=True),
    scalar("/policy", ops=("add", "replace"), removable=True),
    scalar("/apiKeySource"),
    scalar("/disableExecuteApiEndpoint", coerce=boolean),
    custom("/minimumCompressionSize", _set_compression, value_required=False),
    set_member("/binaryMediaTypes/{value}"),
    custom("/endpointConfiguration/types/{type}", _replace_endpoint_type),
    custom("/endpointConfiguration/ipAddressType", _set_ip_address_type),
    custom("/endpointConfiguration/vpcEndpointIds", _vpc_endpoint_ids, ops=("add", "remove"),
           value_required=False),
    custom("/endpointConfiguration/vpcEndpointIds/{value}", _vpc_endpoint_ids,
           ops=("add", "remove"), value_required=False),
]

"""Lookups and helpers shared by the ``apigateway`` handlers.

A REST API is stored as one record in the ``apigateway.restapis`` table::

    {"api": {...RestApi fields...},
     "resources": {id: {...Resource fields, "resourceMethods": {METHOD: {...Method}}}},
     "deployments": {id: {...Deployment fields, "snapshot": {...}}},
     "stages": {name: {...Stage fields}},
     "authorizers": {}, "models": {name: {...}}, "requestValidators": {},
     "gatewayResponses": {}, "documentationParts": {}, "documentationVersions": {}}

Records hold the fields exactly as the botocore output shapes name them, so a handler can
return them directly (the serializer writes only modeled members).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mockgw import jsonsafe
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

RESTAPIS = "apigateway.restapis"

#: The sections of a REST API record besides ``api`` (all dicts keyed by id or name).
SECTIONS = ("resources", "deployments", "stages", "authorizers", "models",
            "requestValidators", "gatewayResponses", "documentationParts",
            "documentationVersions")

DEFAULT_LIMIT = 25
MAX_LIMIT = 500


def rest_apis(call: Call) -> dict[str, dict]:
    return call.store.table(RESTAPIS)


def rest_api(call: Call, api_id: str) -> dict:
    """The record of REST API ``api_id``, or AWS's ``NotFoundException``."""
    record = rest_apis(call).get(api_id)
    if record is None:
        raise NotFoundException(f"Invalid API identifier specified {call.account}:{api_id}")
    return record


def resource(record: dict, resource_id: str) -> dict:
    found = record["resources"].get(resource_id)
    if found is None:
        raise NotFoundException("Invalid Resource identifier specified")
    return found


def api_resource(call: Call, api_id: str, resource_id: str) -> tuple[dict, dict]:
    """The API record and one of its resources.  AWS answers both an unknown API and an
    unknown resource with ``Invalid Resource identifier specified`` on these paths."""
    record = rest_apis(call).get(api_id)
    if record is None:
        raise NotFoundException("Invalid Resource identifier specified")
    return record, resource(record, resource_id)


def method(record: dict, resource_id: str, http_method: str) -> dict:
    found = resource(record, resource_id).get("resourceMethods", {}).get(http_method)
    if found is None:
        raise NotFoundException("Invalid Method identifier specified")
    return found


def api_method(call: Call, api_id: str, resource_id: str, http_method: str) -> tuple[dict, dict]:
    """The API record and one of its methods (``Invalid ... identifier specified``)."""
    record, res = api_resource(call, api_id, resource_id)
    found = res.get("resourceMethods", {}).get(http_method)
    if found is None:
        raise NotFoundException("Invalid Method identifier specified")
    return record, found


def drop_empty(record: dict, *keys: str) -> dict:
    """Remove the ``keys`` whose value is an empty map or list (AWS omits them)."""
    for key in keys:
        if key in record and not record[key]:
            del record[key]
    return record


def methods_of(record: dict) -> Iterator[tuple[dict, str, dict]]:
    """Every method of a REST API as ``(resource, http_method, method)``, in resource
    order (for the checks that refuse deleting what a method refers to)."""
    for res in record["resources"].values():
        for http_method, found in res.get("resourceMethods", {}).items():
            yield res, http_method, found


def paginate(items: Sequence[Any], params: dict[str, Any]) -> dict[str, Any]:
    """AWS's ``position``/``limit`` paging over ``items`` (in a stable order)."""
    limit = params.get("limit") or DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise BadRequestException(f"Invalid limit: {limit}. Must be between 1 and {MAX_LIMIT}")
    start = 0
    position = params.get("position")
    if position:
        try:
            start = int(base64.urlsafe_b64decode(position.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise BadRequestException("Invalid position parameter") from None
    page = list(items[start:start + limit])
    out: dict[str, Any] = {"items": page}
    if start + limit < len(items):
        out["position"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
    return out


def copy_out(value: Any) -> Any:
    """A deep copy of stored data for a response (handlers never hand out live records)."""
    return copy_tree(value)


def api_out(api: dict) -> dict:
    """A stored RestApi as every operation answers it (its ``policy`` as AWS writes it)."""
    out = copy_tree(api)
    if out.get("policy"):
        out["policy"] = policy_as_answered(out["policy"])
    return out


def policy_as_answered(policy: str) -> str:
    r"""A resource policy as API Gateway answers it: compact JSON escaped once more as the
    inside of a JSON string, slashes too (``{\"Version\":...,\"Resource\":\"arn:...\/*\"}``),
    which clients unescape (Terraform's provider does) before parsing."""
    try:
        text = json.dumps(jsonsafe.loads(policy, deep=False), separators=(",", ":"),
                          ensure_ascii=False)
    except (ValueError, RecursionError):
        text = policy
    return json.dumps(text, ensure_ascii=False)[1:-1].replace("/", "\\/")


def without(record: dict, keys: Iterable[str]) -> dict:
    drop = set(keys)
    return {k: v for k, v in record.items() if k not in drop}


def check_tags(tags: dict[str, str] | None) -> None:
    """AWS's tag rules: at most 50, keys not starting with ``aws:``."""
    if not tags:
        return
    if len(tags) > 50:
        raise BadRequestException("Too many tags: at most 50 tags are allowed")
    for key in tags:
        if key.lower().startswith("aws:"):
            raise BadRequestException("Tag keys cannot start with 'aws:'")

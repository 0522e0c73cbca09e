"""Lookups and helpers shared by the ``apigatewayv2`` handlers, and the state layout.

An HTTP or WebSocket API is one record in the ``apigatewayv2.apis`` table, keyed by ApiId::

    {"api": {...Api...},                      # incl. "Tags": {}
     "routes": {RouteId: {...Route..., "routeResponses": {RouteResponseId: {...}}}},
     "integrations": {IntegrationId: {...Integration...,
                                      "integrationResponses": {IntegrationResponseId: {...}}}},
     "authorizers": {AuthorizerId: {...Authorizer...}},
     "models": {ModelId: {...Model...}},
     "stages": {StageName: {...Stage...}},    # incl. "Tags": {}
     "deployments": {DeploymentId: {...Deployment..., "snapshot": {...}}}}

Every record holds its fields under the botocore model's member names (PascalCase, as
the output shapes name them), so handlers return them with :func:`render`.  Lowercase keys
(``routeResponses``, ``integrationResponses``, ``snapshot``) are ours and never serialized.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import Any

from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

APIS = "apigatewayv2.apis"

#: The sections of an API record besides ``api`` (dicts keyed by id, or stage name).
SECTIONS = ("routes", "integrations", "authorizers", "models", "stages", "deployments")

#: Keys of ours inside records (children and snapshots), never part of an output.
PRIVATE = ("routeResponses", "integrationResponses", "snapshot")

HTTP = "HTTP"
WEBSOCKET = "WEBSOCKET"

#: Id lengths as AWS forms them (lowercase alphanumerics): APIs ``a1b2c3d4e5``, routes and
#: integrations ``0abcdef``, the rest ``a1b2c3``.
API_ID_LENGTH = 10
ROUTE_ID_LENGTH = 7
INTEGRATION_ID_LENGTH = 7
SHORT_ID_LENGTH = 6

MAX_RESULTS = 500


def apis(call: Call) -> dict[str, dict]:
    return call.store.table(APIS)


def api_record(call: Call, api_id: str) -> dict:
    """The record of API ``api_id``, or AWS's ``NotFoundException``."""
    record = apis(call).get(api_id)
    if record is None:
        raise NotFoundException(f"Invalid API identifier specified {call.account}:{api_id}")
    return record


def is_http(record: dict) -> bool:
    return record["api"]["ProtocolType"] == HTTP


def find(record: dict, section: str, ident: str, what: str) -> dict:
    """``record[section][ident]``, or ``Invalid {what} identifier specified {ident}``."""
    found = record[section].get(ident)
    if found is None:
        raise NotFoundException(f"Invalid {what} identifier specified {ident}")
    return found


def render(item: dict, *, drop: Iterable[str] = PRIVATE) -> dict:
    """A response copy of a stored record, without our private keys."""
    skip = set(drop)
    return {key: copy_tree(value) for key, value in item.items() if key not in skip}


def copy_in(params: dict[str, Any], keys: Iterable[str], into: dict | None = None) -> dict:
    """The ``keys`` present in ``params``, copied (into ``into`` when given)."""
    target = {} if into is None else into
    for key in keys:
        if params.get(key) is not None:
            target[key] = copy_tree(params[key])
    return target


def paginate(items: Sequence[Any], params: dict[str, Any]) -> dict[str, Any]:
    """v2 paging: ``MaxResults`` (a number sent as a string) and an opaque ``NextToken``.
    Without ``MaxResults`` every item comes back."""
    limit = None
    text = params.get("MaxResults")
    if text is not None:
        try:
            limit = int(text)
        except ValueError:
            raise BadRequestException(f"Invalid MaxResults: {text}") from None
        if limit < 1 or limit > MAX_RESULTS:
            raise BadRequestException(
                f"Invalid MaxResults: {text}. Must be between 1 and {MAX_RESULTS}")
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise BadRequestException("Invalid NextToken specified") from None
    end = len(items) if limit is None else start + limit
    out: dict[str, Any] = {"Items": list(items[start:end])}
    if end < len(items):
        out["NextToken"] = base64.urlsafe_b64encode(str(end).encode()).decode()
    return out


def check_tags(tags: dict[str, str] | None) -> None:
    """AWS's tag rules: at most 50, keys not starting with ``aws:``."""
    if not tags:
        return
    if len(tags) > 50:
        raise BadRequestException("Too many tags: at most 50 tags are allowed")
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            raise BadRequestException("Tag keys cannot start with 'aws:'")
        if value is None:
            raise BadRequestException(f"Invalid value for tag {key}: null")
        if not 1 <= len(key) <= 128:
            raise BadRequestException("Tag keys must be between 1 and 128 characters long")
        if len(value) > 256:
            raise BadRequestException("Tag values can be at most 256 characters long")


def only_for(record: dict, protocol: str, params: dict[str, Any], *keys: str) -> None:
    """Refuse members that only the other protocol supports (``... is supported only for
    WebSocket APIs``)."""
    if record["api"]["ProtocolType"] == protocol:
        return
    for key in keys:
        if params.get(key) not in (None, {}, []):
            kind = "HTTP" if protocol == HTTP else "WebSocket"
            raise BadRequestException(f"{key} is supported only for {kind} APIs")


def merge_map(current: dict | None, changes: dict) -> dict:
    """``current`` updated with ``changes``, an empty value removing its key (AWS's way to
    drop a request parameter, template or response-parameter set on Update*)."""
    merged = copy_tree(current or {})
    for key, value in changes.items():
        if value in ("", {}, None):
            merged.pop(key, None)
        else:
            merged[key] = copy_tree(value)
    return merged


def updated(item: dict, params: dict[str, Any], scalars: Iterable[str],
            maps: Iterable[str] = ()) -> dict:
    """A copy of ``item`` with the given ``scalars`` replaced and ``maps`` merged
    (:func:`merge_map`); an emptied map is dropped."""
    result = copy_tree(item)
    copy_in(params, scalars, result)
    for key in maps:
        if params.get(key) is not None:
            result[key] = merge_map(result.get(key), params[key])
            if not result[key]:
                del result[key]
    return result

"""Lookups and helpers shared by the ``apigatewayv2`` handlers (finding APIs of any kind,
paging, rendering records), and the state layout.

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

REST APIs live in ``apigateway.restapis``; custom domain names are shared with the REST
control plane (:mod:`mockgw.state.domains`), and :func:`find_api` finds an API of either
kind for the domain, mapping, tag and portal handlers.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import Any

from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call
from mockgw.state.domains import DOMAINNAMES, RESTAPIS, V2_APIS
from mockgw.state.tree import copy_tree

APIS = V2_APIS

#: The sections of an API record besides ``api`` (dicts keyed by id, or stage name).
SECTIONS = ("routes", "integrations", "authorizers", "models", "stages", "deployments")

#: Keys of ours inside records (children and snapshots), never part of an output.
PRIVATE = ("routeResponses", "integrationResponses", "snapshot")

REST, HTTP, WEBSOCKET = "REST", "HTTP", "WEBSOCKET"

#: Id lengths as AWS forms them (lowercase alphanumerics): APIs ``a1b2c3d4e5``, routes and
#: integrations ``0abcdef``, the rest ``a1b2c3``.
API_ID_LENGTH = 10
ROUTE_ID_LENGTH = 7
INTEGRATION_ID_LENGTH = 7
SHORT_ID_LENGTH = 6

MAX_RESULTS = 500


def apis(call: Call) -> dict[str, dict]:
    return call.store.table(APIS)


def api_not_found(call: Call, api_id: str) -> str:
    """AWS's message for an unknown API id."""
    return f"Invalid API identifier specified {call.account}:{api_id}"


def api_record(call: Call, api_id: str) -> dict:
    """The record of HTTP or WebSocket API ``api_id``, or AWS's ``NotFoundException``."""
    record = apis(call).get(api_id)
    if record is None:
        raise NotFoundException(api_not_found(call, api_id))
    return record


def find_api(call: Call, api_id: str) -> tuple[str, dict] | None:
    """``(kind, record)`` of the REST, HTTP or WebSocket API ``api_id``, or ``None``."""
    record = call.store.table(RESTAPIS).get(api_id)
    if record is not None:
        return REST, record
    record = apis(call).get(api_id)
    if record is not None:
        return record["api"].get("ProtocolType", HTTP), record
    return None


def stored(call: Call, table: str, ident: str, not_found: str) -> dict:
    """Record ``ident`` of ``table`` (VPC links, portals, portal products), or
    ``NotFoundException(not_found)``."""
    found = call.store.table(table).get(ident)
    if found is None:
        raise NotFoundException(not_found)
    return found


def is_http(record: dict) -> bool:
    return record["api"]["ProtocolType"] == HTTP


def find(record: dict, section: str, ident: str, what: str) -> dict:
    """``record[section][ident]``, or ``Invalid {what} identifier specified {ident}``."""
    found = record[section].get(ident)
    if found is None:
        raise NotFoundException(f"Invalid {what} identifier specified {ident}")
    return found


def mapped_domains(call: Call, api_id: str) -> list[str]:
    """The custom domain names with an API (base path) mapping to API ``api_id``."""
    return [name for name, record in call.store.table(DOMAINNAMES).items()
            if any(m.get("restApiId") == api_id
                   for m in record.get("basePathMappings", {}).values())]


def render(item: dict, *, drop: Iterable[str] = PRIVATE) -> dict:
    """A response copy of a stored record, without our private keys."""
    skip = set(drop)
    return {key: copy_tree(value) for key, value in item.items() if key not in skip}


def copy_out(value: Any) -> Any:
    """A deep copy of stored data for a response (handlers never hand out live records)."""
    return copy_tree(value)


def copy_in(params: dict[str, Any], keys: Iterable[str], into: dict | None = None) -> dict:
    """The ``keys`` present in ``params``, copied (into ``into`` when given)."""
    target = {} if into is None else into
    for key in keys:
        if params.get(key) is not None:
            target[key] = copy_tree(params[key])
    return target


def paginate(items: Sequence[Any], params: dict[str, Any], *,
             items_key: str = "Items") -> dict[str, Any]:
    """v2 paging over ``items`` (in a stable order): every item unless ``MaxResults`` (a
    number, sent as a string by most operations) asks for fewer, then an opaque
    ``NextToken`` for the rest."""
    limit = _max_results(params.get("MaxResults"))
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise BadRequestException("Invalid NextToken specified") from None
        if not 0 <= start <= len(items):
            raise BadRequestException("Invalid NextToken specified")
    end = len(items) if limit is None else start + limit
    out: dict[str, Any] = {items_key: list(items[start:end])}
    if end < len(items):
        out["NextToken"] = base64.urlsafe_b64encode(str(end).encode()).decode()
    return out


def _max_results(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise BadRequestException(f"Invalid MaxResults: {value}") from None
    if not 1 <= limit <= MAX_RESULTS:
        raise BadRequestException(
            f"Invalid MaxResults: {value}. Must be between 1 and {MAX_RESULTS}")
    return limit


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

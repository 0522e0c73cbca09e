"""Helpers the apigatewayv2 domain, mapping, VPC link, tag and portal handlers share:
finding APIs of either kind, v2's ``NextToken``/``MaxResults`` paging, copying out.

HTTP and WebSocket APIs live in table ``apigatewayv2.apis`` (api id -> ``{"api": {...Api
fields...}, "stages": {name: {...Stage...}}, ...}``); REST APIs in
``apigateway.restapis``.  Custom domain names are shared with the REST control plane
(:mod:`mockgw.state.domains`).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from mockgw.errors import BadRequestException
from mockgw.operations import Call
from mockgw.state.domains import RESTAPIS, V2_APIS
from mockgw.state.tree import copy_tree

REST, HTTP, WEBSOCKET = "REST", "HTTP", "WEBSOCKET"


def copy_out(value: Any) -> Any:
    """A deep copy of stored data for a response (handlers never hand out live records)."""
    return copy_tree(value)


def v2_apis(call: Call) -> dict[str, dict]:
    return call.store.table(V2_APIS)


def find_api(call: Call, api_id: str) -> tuple[str, dict] | None:
    """``(kind, record)`` of the REST, HTTP or WebSocket API ``api_id``, or ``None``."""
    record = call.store.table(RESTAPIS).get(api_id)
    if record is not None:
        return REST, record
    record = v2_apis(call).get(api_id)
    if record is not None:
        return record["api"].get("ProtocolType", HTTP), record
    return None


def api_not_found(call: Call, api_id: str) -> str:
    return f"Invalid API identifier specified {call.account}:{api_id}"


def paginate(items: Sequence[Any], params: dict[str, Any], *,
             items_key: str = "Items") -> dict[str, Any]:
    """apigatewayv2's paging over ``items`` (in a stable order): every item unless
    ``MaxResults`` asks for fewer, then an opaque ``NextToken`` for the rest."""
    limit = _max_results(params.get("MaxResults"), len(items))
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise BadRequestException("Invalid NextToken") from None
        if start < 0 or start > len(items):
            raise BadRequestException("Invalid NextToken")
    out: dict[str, Any] = {items_key: list(items[start:start + limit])}
    if start + limit < len(items):
        out["NextToken"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
    return out


def _max_results(value: Any, default: int) -> int:
    if value is None or value == "":
        return max(default, 1)
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise BadRequestException(f"Invalid MaxResults: {value}") from None
    if limit < 1:
        raise BadRequestException(f"Invalid MaxResults: {value}. Must be greater than 0")
    return limit

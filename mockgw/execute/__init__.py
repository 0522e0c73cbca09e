"""The data plane: invoking deployed REST APIs as API Gateway does."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mockgw.protocol.wire import WireRequest, WireResponse

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance
    from mockgw.server import ExecuteTarget


def handle(instance: Instance, target: ExecuteTarget, request: WireRequest) -> WireResponse:
    """Answer one data-plane request (placeholder until the data plane lands)."""
    body = json.dumps({"message": "mockgw: the data plane is not implemented yet"}).encode()
    return WireResponse(501, [("Content-Type", "application/json")], body)

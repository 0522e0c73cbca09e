"""The invocation of an HTTP or WebSocket API (apigatewayv2): the shared
:class:`~mockgw.execute.context.Invocation` with a route instead of a resource and method,
and the v2 names of what the shared steps read (stage, API name, access-log format)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockgw.execute.context import Invocation


@dataclass(slots=True)
class RouteInvocation(Invocation):
    """A request to an HTTP or WebSocket API: ``route`` and ``route_integration`` come from
    the deployment snapshot."""

    route: dict[str, Any] | None = None
    route_key: str = ""
    route_integration: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        Invocation.__post_init__(self)
        self.request_id = self.extended_request_id  # v2 APIs have one id per request

    @property
    def integration(self) -> dict[str, Any]:
        return self.route_integration or {}

    @property
    def stage_name(self) -> str | None:
        return self.stage["StageName"] if self.stage is not None else None

    @property
    def api_name(self) -> str | None:
        return ((self.snapshot or {}).get("api") or {}).get("Name")

    @property
    def access_log_format(self) -> str | None:
        return ((self.stage or {}).get("AccessLogSettings") or {}).get("Format")

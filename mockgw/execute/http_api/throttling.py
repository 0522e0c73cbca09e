"""Throttling of HTTP API routes: the stage's ``RouteSettings`` for the route, else its
``DefaultRouteSettings`` (``ThrottlingRateLimit`` requests a second, bursts of
``ThrottlingBurstLimit``), each route a token bucket of its own; then the account's limits,
shared with REST APIs (:mod:`mockgw.execute.limits`).  A throttled request is 429
``{"message":"Too Many Requests"}``."""

from __future__ import annotations

from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.limits import take, throttle_account

RATE, BURST = "ThrottlingRateLimit", "ThrottlingBurstLimit"


def throttle_route(inv: HttpApiInvocation) -> None:
    """The pipeline step: the route's bucket, then the account's."""
    assert inv.stage is not None
    defaults = inv.stage.get("DefaultRouteSettings") or {}
    own = (inv.stage.get("RouteSettings") or {}).get(inv.route_key) or {}
    rate = own.get(RATE, defaults.get(RATE))
    burst = own.get(BURST, defaults.get(BURST))
    take(inv, ("http-route", inv.api_id, inv.stage_name, inv.route_key), rate, burst)
    throttle_account(inv)

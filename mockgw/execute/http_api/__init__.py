"""The HTTP API data plane (apigatewayv2 APIs of ProtocolType HTTP).

:func:`find_store` tells which requests are for an HTTP API (the API id is in the
``apigatewayv2.apis`` table, not in REST's ``apigateway.restapis``); :func:`handle` runs
:mod:`.pipeline` over the stage's deployment snapshot.  This module stays light: it is
imported on every data-plane request, REST ones included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.execute.context import ExecuteTarget
    from mockgw.instance import Instance
    from mockgw.protocol.wire import WireRequest, WireResponse
    from mockgw.state import RegionStore

APIS = "apigatewayv2.apis"
RESTAPIS = "apigateway.restapis"
HTTP = "HTTP"


def find_store(instance: Instance, target: ExecuteTarget) -> RegionStore | None:
    """The store of the HTTP API ``target`` names (its region's first, as REST's lookup
    does), or ``None`` when a REST API holds the id or no HTTP API does."""
    stores = list(instance.backends)
    if target.region:
        stores.sort(key=lambda s: s.region != target.region)
    api_id = target.api_id
    for store in stores:
        tables = store.tables
        if api_id in tables.get(RESTAPIS, ()):
            return None
        record = tables.get(APIS, {}).get(api_id)
        if record is not None and record["api"]["ProtocolType"] == HTTP:
            return store
    return None


def handle(instance: Instance, store: RegionStore, target: ExecuteTarget,
           request: WireRequest) -> WireResponse:
    """Answer one request to an HTTP API held in ``store``."""
    from mockgw.execute.http_api.context import HttpApiInvocation
    from mockgw.execute.http_api.pipeline import run

    return run(HttpApiInvocation(instance=instance, request=request, target=target,
                                 store=store, api_id=target.api_id))

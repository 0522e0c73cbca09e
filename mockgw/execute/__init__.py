"""The data plane: invoking deployed REST APIs and HTTP APIs as API Gateway does.

``handle`` tells by the API id which kind of API a request is for (REST's
``apigateway.restapis`` or the HTTP APIs of ``apigatewayv2.apis``) and runs its pipeline
(:mod:`mockgw.execute.pipeline`, :mod:`mockgw.execute.http_api.pipeline`) over a
deployment snapshot; ``execute/`` reads state and never calls control-plane handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockgw.blocking import WouldBlock
from mockgw.protocol.wire import WireRequest, WireResponse

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.execute.context import ExecuteTarget
    from mockgw.instance import Instance


def handle(instance: Instance, target: ExecuteTarget, request: WireRequest, *,
           inline: bool = False) -> WireResponse:
    """Answer one data-plane request; ``inline``: raise
    :class:`~mockgw.blocking.WouldBlock` before anything changes if answering it may wait
    (an HTTP API's integrations all may; a REST method's unless it is MOCK)."""
    from mockgw.execute import http_api

    store = http_api.find_store(instance, target)
    if store is not None:
        if inline:
            raise WouldBlock
        return http_api.handle(instance, store, target, request)
    from mockgw.execute.context import Invocation
    from mockgw.execute.pipeline import run

    return run(Invocation(instance=instance, request=request, target=target, inline=inline))


def refuse_too_large(instance: Instance, target: ExecuteTarget,
                     request: WireRequest) -> WireResponse:
    """The answer to a request whose body is over API Gateway's 10 MB payload limit: the
    API's ``REQUEST_TOO_LARGE`` gateway response (413 ``Request Too Long``)."""
    from mockgw.execute.context import Invocation
    from mockgw.execute.errors import GatewayError
    from mockgw.execute.pipeline import find_api, run, select_stage

    def refuse(inv: Invocation) -> None:
        raise GatewayError("REQUEST_TOO_LARGE")

    return run(Invocation(instance=instance, request=request, target=target),
               [find_api, select_stage, refuse])

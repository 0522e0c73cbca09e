"""The HTTP API pipeline: small steps over one :class:`HttpApiInvocation`, in AWS's order.

Steps shared with REST APIs (SigV4, token buckets, Lambda invocation, the HTTP client,
AWS service signing, access logs, telemetry) raise REST's gateway errors; :func:`run`
answers every error in one spot, as HTTP APIs do (:mod:`.errors`).  docs/DEVELOPING.md
says why the steps come in this order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from mockgw.execute import accesslog, telemetry
from mockgw.execute.errors import GatewayError
from mockgw.execute.http_api import cors, errors
from mockgw.execute.http_api.authorizers import authorize
from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.http_api.integrations import GATEWAY_HEADERS, call_integration
from mockgw.execute.http_api.mapping import map_response
from mockgw.execute.http_api.routing import check_endpoint_enabled, match_route, select_stage
from mockgw.execute.http_api.throttling import throttle_route
from mockgw.execute.http_api.variables import http_date, prepare_context
from mockgw.protocol.wire import WireResponse

log = logging.getLogger("mockgw.execute")

Step = Callable[[HttpApiInvocation], None]


def respond(inv: HttpApiInvocation) -> None:
    """The integration's answer, after the response parameter mappings for its status,
    without the headers only the gateway sets (hop-by-hop ones, ``Content-Length``,
    ``Date``)."""
    assert inv.integration_result is not None
    result = map_response(inv, inv.integration_result)
    headers = [(k, v) for k, v in result.headers if k.lower() not in GATEWAY_HEADERS]
    inv.response = WireResponse(result.status, headers, result.body)


#: The API's stage, its deployment and the route; a CORS preflight is answered here.
ROUTING: list[Step] = [check_endpoint_enabled, select_stage, prepare_context,
                       cors.answer_preflight, match_route]
#: What stands between a client and the route: throttling, then authorization.
CLIENT_CHECKS: list[Step] = [throttle_route, authorize]
#: The steps in order.
STEPS: list[Step] = [*ROUTING, *CLIENT_CHECKS, call_integration, respond]


def run(inv: HttpApiInvocation, steps: list[Step] | None = None) -> WireResponse:
    """Run the pipeline; any error becomes the HTTP API's own answer."""
    try:
        for step in steps or STEPS:
            step(inv)
            if inv.answered:
                break
    except GatewayError as error:
        inv.response = error_response(inv, error)
    except Exception:  # a bug of ours: answer as AWS's internal error, never a traceback
        log.exception("data-plane request %s failed", inv.request_id)
        inv.response = error_response(inv, GatewayError("INTEGRATION_FAILURE"))
    finish(inv)
    accesslog.write(inv)
    inv.instance.service("execute.telemetry", telemetry.Telemetry).record(inv)
    assert inv.response is not None
    return inv.response


def error_response(inv: HttpApiInvocation, error: GatewayError) -> WireResponse:
    """``{"message": ...}`` with the status HTTP APIs answer ``error`` with."""
    status, message = errors.answer_for(error)
    if error.log:
        log.debug("HTTP API %s request %s: %s", inv.api_id, inv.request_id, error.log)
    inv.context.setdefault("error", {}).update({
        "message": message, "messageString": f'"{message}"',
        "responseType": error.response_type})
    headers = [("Content-Type", "application/json"), *error.headers.items()]
    return WireResponse(status, headers, errors.body(message))


def finish(inv: HttpApiInvocation) -> None:
    """What API Gateway adds to every answer: CORS headers, ``apigw-requestid`` and
    ``date``; no body for ``HEAD``."""
    response = inv.response
    assert response is not None
    cors.apply(inv, response)
    response.headers.append(("apigw-requestid", inv.request_id))
    response.headers.append(("date", http_date(inv.instance.clock())))
    if inv.request.method == "HEAD":
        response.body = b""

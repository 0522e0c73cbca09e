"""The data-plane pipeline: small steps over one :class:`Invocation`, in AWS's order."""

from __future__ import annotations

import logging
from collections.abc import Callable

from mockgw.blocking import WouldBlock
from mockgw.execute import accesslog, telemetry
from mockgw.execute.authorizers import authorize
from mockgw.execute.cache import serve_from_cache, store_in_cache
from mockgw.execute.compression import compress_response, decompress_request
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.executionlog import log_method_request
from mockgw.execute.iam import authenticate_iam
from mockgw.execute.integrations import call_integration
from mockgw.execute.limits import (
    check_api_key,
    count_quota,
    throttle_stage,
    throttle_usage_plan,
)
from mockgw.execute.policy import check_private_endpoint, check_resource_policy
from mockgw.execute.request import PROXY_TYPES, build_integration_request
from mockgw.execute.response import (
    finish,
    gateway_error_response,
    mapped_response,
    proxy_response,
)
from mockgw.execute.routing import find_api, match_resource, select_stage
from mockgw.execute.validation import validate_request
from mockgw.execute.variables import build_context
from mockgw.protocol.wire import WireResponse

log = logging.getLogger("mockgw.execute")

Step = Callable[[Invocation], None]


def check_endpoint_enabled(inv: Invocation) -> None:
    """``disableExecuteApiEndpoint``: only custom domain names reach the API."""
    api = (inv.snapshot or {}).get("api", {})
    if api.get("disableExecuteApiEndpoint") and not inv.target.via_custom_domain:
        raise GatewayError("FORBIDDEN", log="The default execute-api endpoint is disabled")


def prepare_context(inv: Invocation) -> None:
    inv.context = build_context(inv)


def method_response(inv: Invocation) -> None:
    if inv.integration.get("type") in PROXY_TYPES:
        proxy_response(inv)
    else:
        mapped_response(inv)


#: Finding the API, stage and method of a request (TestInvokeMethod is given them); a
#: PRIVATE API is out of reach outside a VPC endpoint whatever the path.
ROUTING: list[Step] = [find_api, check_private_endpoint, select_stage, check_endpoint_enabled,
                       match_resource, prepare_context]
#: What stands between a client and the method: authentication, resource policy, Lambda and
#: Cognito authorizers, API keys, limits (TestInvokeMethod bypasses these, as on AWS).
CLIENT_CHECKS: list[Step] = [authenticate_iam, check_resource_policy, authorize,
                             check_api_key, throttle_usage_plan, throttle_stage, count_quota]

#: The steps in order (docs/DEVELOPING.md says why).
STEPS: list[Step] = [
    *ROUTING,
    log_method_request,
    *CLIENT_CHECKS,
    decompress_request,
    validate_request,
    serve_from_cache,
    build_integration_request,
    call_integration,
    method_response,
    store_in_cache,
]


def run(inv: Invocation, steps: list[Step] | None = None) -> WireResponse:
    """Run the pipeline; any :class:`GatewayError` becomes the API's gateway response, and
    a step that answers by itself (``inv.answered``, a cache hit) ends it."""
    try:
        for step in steps or STEPS:
            step(inv)
            if inv.answered:
                break
    except GatewayError as error:
        if error.log:
            inv.trace(error.log)
        inv.response = gateway_error_response(inv, error)
    except WouldBlock:  # nothing answered or counted yet: the server answers it elsewhere
        raise
    except RecursionError:  # a payload nested deeper than a step can walk: a bad body
        log.warning("data-plane request %s: payload nested too deeply", inv.request_id)
        inv.response = gateway_error_response(inv, GatewayError("BAD_REQUEST_BODY"))
    except Exception:  # a bug of ours: answer as AWS's internal error, never a traceback
        log.exception("data-plane request %s failed", inv.request_id)
        inv.response = gateway_error_response(inv, GatewayError("INTEGRATION_FAILURE"))
    finish(inv)
    client = steps is None  # a client's request (TestInvokeMethod runs steps of its own)
    if client:  # compressed as sent: the execution log showed the payload before
        compress_response(inv)
    accesslog.write(inv)
    if client:
        inv.instance.service("execute.telemetry", telemetry.Telemetry).record(inv)
    assert inv.response is not None
    return inv.response

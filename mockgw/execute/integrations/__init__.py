"""Calling the backend of a method's integration."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.executionlog import log_endpoint_response
from mockgw.execute.integrations import aws, http, lambda_, mock


def call_integration(inv: Invocation) -> None:
    """Call the integration and keep its result in ``inv.integration_result``."""
    kind = inv.integration.get("type")
    started = time.perf_counter()
    try:
        if kind == "MOCK":
            inv.integration_result = mock.call(inv)
        elif kind in ("HTTP", "HTTP_PROXY"):
            inv.integration_result = http.call(inv)
        elif kind in ("AWS", "AWS_PROXY") and lambda_.is_lambda_uri(inv.integration_request.uri):
            inv.integration_result = lambda_.call(inv)
        elif kind == "AWS":
            inv.integration_result = aws.call(inv)
        else:
            raise GatewayError("INTEGRATION_FAILURE",
                               log=f"Integration type {kind} is not supported yet")
    finally:
        inv.integration_latency_ms = int((time.perf_counter() - started) * 1000)
    if kind != "MOCK":  # a mock has no endpoint: AWS logs no endpoint response for it
        log_endpoint_response(inv, inv.integration_result)


@contextmanager
def measured(inv: Invocation) -> Iterator[None]:
    """Around calling an HTTP or WebSocket API's integration: its latency, and the log of a
    :class:`GatewayError` it raises (``$context.integrationErrorMessage``), kept on ``inv``."""
    started = time.perf_counter()
    try:
        yield
    except GatewayError as error:
        inv.integration_error = error.log or error.message
        raise
    finally:
        inv.integration_latency_ms = int((time.perf_counter() - started) * 1000)

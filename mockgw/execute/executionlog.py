"""The execution log: the lines API Gateway writes, step by step, for one request (its
CloudWatch execution log, and the ``log`` of TestInvokeMethod).

Lines are kept on the invocation (:meth:`Invocation.trace`) in AWS's wording, e.g.
``Method request path: {petId=123}``; maps are printed as Java prints them and long values
are cut at 1,000 characters with `` [TRUNCATED]``, as AWS does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from mockgw.execute.context import IntegrationResult, Invocation

MAX_VALUE = 1000


def java_map(items: Mapping[str, object] | Iterable[tuple[str, object]]) -> str:
    """``{a=1, b=2}``: a map as Java's ``toString`` prints it (truncated when long)."""
    pairs = items.items() if isinstance(items, Mapping) else items
    return clip("{" + ", ".join(f"{k}={v}" for k, v in pairs) + "}")


def clip(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + " [TRUNCATED]"


def body_text(body: bytes | str) -> str:
    if isinstance(body, str):
        return clip(body)
    return clip(body[:MAX_VALUE * 4].decode("utf-8", "replace"))


def log_method_request(inv: Invocation) -> None:
    """The method request as API Gateway received it (a pipeline step); starts the
    execution log of a request whose stage logs execution (``INFO`` or ``ERROR``)."""
    if inv.log is None and inv.execution_logging:
        inv.log = []
    if not inv.tracing:
        return
    request = inv.request
    inv.trace(f"Starting execution for request: {inv.request_id}")
    inv.trace(f"HTTP Method: {request.method}, Resource Path: {inv.path}")
    given = {name: value for name, value in inv.path_params.items() if value}
    inv.trace(f"Method request path: {java_map(given)}")
    query = {name: values[-1] for name, values in request.query.items() if values}
    inv.trace(f"Method request query string: {java_map(query)}")
    inv.trace(f"Method request headers: {java_map(request.header_items)}")
    inv.trace(f"Method request body before transformations: {body_text(request.body)}")


def log_endpoint_request(inv: Invocation, url: str, headers: Mapping[str, str],
                         body: bytes | str | None) -> None:
    """What is about to be sent to the integration endpoint."""
    if not inv.tracing:
        return
    inv.trace(f"Endpoint request URI: {url}")
    inv.trace(f"Endpoint request headers: {java_map(headers)}")
    inv.trace(f"Endpoint request body after transformations: {body_text(body or b'')}")
    inv.trace(f"Sending request to {url}")


def log_endpoint_response(inv: Invocation, result: IntegrationResult) -> None:
    """What the integration endpoint answered."""
    if not inv.tracing:
        return
    inv.trace(f"Received response. Status: {result.status}, Integration latency: "
              f"{inv.integration_latency_ms} ms")
    inv.trace(f"Endpoint response headers: {java_map(result.headers)}")
    inv.trace(f"Endpoint response body before transformations: {body_text(result.body)}")


def log_method_response(inv: Invocation, headers: Iterable[tuple[str, str]]) -> None:
    """The method response of a request that completed without a gateway error."""
    assert inv.response is not None
    if not inv.tracing:
        return
    inv.trace(f"Method response body after transformations: {body_text(inv.response.body)}")
    inv.trace(f"Method response headers: {java_map(headers)}")
    inv.trace("Successfully completed execution")


def log_completed(inv: Invocation) -> None:
    assert inv.response is not None
    if inv.tracing:
        inv.trace(f"Method completed with status: {inv.response.status}")


def render(inv: Invocation) -> str:
    """The whole log as TestInvokeMethod returns it: a title line, each line prefixed with
    the request's time (``Mon Jan 01 00:00:00 UTC 2024 : ``), and a final newline."""
    stamp = datetime.fromtimestamp(inv.epoch_ms / 1000, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    lines = [f"Execution log for request {inv.request_id}"]
    lines.extend(f"{stamp} : {line}" for line in inv.log or ())
    return "\n".join(lines) + "\n"

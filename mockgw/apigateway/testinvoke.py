"""TestInvokeMethod: run one method of the live (undeployed) definition through the
data-plane pipeline, without authorization or API keys, as the console's Test button
does, and answer the result with AWS's execution log.

This is the one control-plane handler that runs :mod:`mockgw.execute` (DESIGN.md allows
it); it reads the API under the store's lock and calls the integration outside it.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl

from mockgw.apigateway.common import api_method
from mockgw.apigateway.deployments import take_snapshot
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.integrations import call_integration
from mockgw.execute.pipeline import method_response, prepare_context
from mockgw.execute.request import build_integration_request
from mockgw.execute.response import gateway_error_response
from mockgw.execute.routing import ResourceTree
from mockgw.operations import Call
from mockgw.protocol.wire import WireRequest

#: The stage name a test invocation runs in (it has no stage).
TEST_STAGE = "test-invoke-stage"
_STEPS = (prepare_context, build_integration_request, call_integration, method_response)


@operation("TestInvokeMethod", locked=False)
def test_invoke_method(call: Call, params: dict[str, Any]) -> dict:
    with call.store.lock:
        record, method = api_method(call, params["restApiId"], params["resourceId"],
                                    params["httpMethod"])
        if "methodIntegration" not in method:
            raise BadRequestException("No integration defined for method")
        snapshot = take_snapshot(record)
    resource = snapshot["resources"][params["resourceId"]]
    inv = _invocation(call, snapshot, resource, params)
    try:
        for step in _STEPS:
            step(inv)
    except GatewayError as error:
        if error.log:
            inv.trace(error.log)
        inv.response = gateway_error_response(inv, error)
    assert inv.response is not None
    headers: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in inv.response.headers:
        headers[name] = value
        multi.setdefault(name, []).append(value)
    body = inv.response.body.decode("utf-8", "replace")
    return {"status": inv.response.status, "body": body, "headers": headers,
            "multiValueHeaders": multi, "log": _log(inv, body, headers),
            "latency": inv.elapsed_ms()}


def _invocation(call: Call, snapshot: dict, resource: dict,
                params: dict[str, Any]) -> Invocation:
    from mockgw.server import ExecuteTarget  # the data plane's own description of a target

    path_query = params.get("pathWithQueryString") or resource["path"]
    path, _, query_string = path_query.partition("?")
    path = path if path.startswith("/") else "/" + path
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    items = [(k, v) for k, values in (params.get("multiValueHeaders") or {}).items()
             for v in values]
    items += list((params.get("headers") or {}).items())
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    http_method = params["httpMethod"]
    request = WireRequest(method="GET" if http_method == "ANY" else http_method, path=path,
                          query=query, headers=headers,
                          body=(params.get("body") or "").encode(),
                          query_string=query_string, header_items=items)
    variables = dict(params.get("stageVariables") or {})
    api_id = snapshot["api"]["id"]
    inv = Invocation(instance=call.instance, request=request,
                     target=ExecuteTarget(api_id=api_id, stage=TEST_STAGE, path=path))
    inv.store, inv.api_id, inv.snapshot, inv.path = call.store, api_id, snapshot, path
    inv.stage = {"stageName": TEST_STAGE, "variables": variables, "deploymentId": ""}
    inv.stage_variables = variables
    inv.resource = resource
    inv.method = resource["resourceMethods"][http_method]
    found = ResourceTree({resource["id"]: resource}).match(path)
    names = [p.strip("{}").rstrip("+") for p in resource["path"].split("/")
             if p.startswith("{")]
    inv.path_params = found[1] if found else dict.fromkeys(names, "")
    return inv


def _log(inv: Invocation, body: str, headers: dict[str, str]) -> str:
    """AWS's execution log: ``Execution log for request <id>`` then time-stamped lines."""
    stamp = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(inv.epoch_ms / 1000))
    request = inv.request
    lines = [
        f"Starting execution for request: {inv.request_id}",
        f"HTTP Method: {request.method}, Resource Path: {inv.path}",
        f"Method request path: {_java_map(inv.path_params)}",
        f"Method request query string: "
        f"{_java_map({k: ','.join(v) for k, v in request.query.items()})}",
        f"Method request headers: {_java_map(dict(request.header_items))}",
        f"Method request body before transformations: {request.body.decode('utf-8', 'replace')}",
        *inv.log,
        f"Method response body after transformations: {body}",
        f"Method response headers: {_java_map(headers)}",
    ]
    if inv.response is not None and inv.response.status < 500:
        lines.append("Successfully completed execution")
    lines.append(f"Method completed with status: {inv.response.status if inv.response else 500}")
    return "\n".join([f"Execution log for request {inv.request_id}",
                      *(f"{stamp} : {line}" for line in lines), ""])


def _java_map(values: dict[str, Any]) -> str:
    """A map as Java prints it: ``{a=1, b=2}``."""
    return "{" + ", ".join(f"{k}={v}" for k, v in values.items()) + "}"

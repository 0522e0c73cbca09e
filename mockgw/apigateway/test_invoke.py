"""TestInvokeMethod: the console's Test tab.

Runs the *live* definition of one method (a snapshot taken now, not a deployment) through
the data-plane pipeline with the caller's path, query string, headers, body and stage
variables.  As on AWS, the test bypasses authorization, API keys and throttling, runs on the
stage ``test-invoke-stage``, and answers with the method's status, body and headers, the
execution log and the latency.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from mockgw.apigateway.common import rest_apis
from mockgw.apigateway.deployments import take_snapshot
from mockgw.apigateway.registry import operation
from mockgw.errors import NotFoundException
from mockgw.execute.context import ExecuteTarget, Invocation
from mockgw.operations import Call
from mockgw.protocol.wire import WireRequest

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.execute.pipeline import Step

STAGE = "test-invoke-stage"
DOMAIN = "testPrefix.testDomainName"
#: ``$context`` values of a test invocation, as AWS fills them.
IDENTITY = {"sourceIp": "test-invoke-source-ip", "apiKey": "test-invoke-api-key",
            "apiKeyId": "test-invoke-api-key-id"}
#: Headers only real data-plane answers carry.
_EDGE_HEADERS = {"x-amzn-requestid", "x-amz-apigw-id"}


def test_steps() -> list[Step]:
    """The pipeline steps a test invocation runs: all but routing (the method is given)
    and the client checks (authorization, policies, API keys, throttling)."""
    from mockgw.execute.pipeline import CLIENT_CHECKS, ROUTING, STEPS  # loaded when used

    skipped = {*ROUTING, *CLIENT_CHECKS}
    return [step for step in STEPS if step not in skipped]


@operation("TestInvokeMethod", locked=False)
def test_invoke_method(call: Call, params: dict[str, Any]) -> dict:
    with call.store.lock:
        record = rest_apis(call).get(params["restApiId"])
        resource = (record or {}).get("resources", {}).get(params["resourceId"])
        if record is None or resource is None:
            raise NotFoundException("Invalid Resource identifier specified")
        methods = resource.get("resourceMethods") or {}
        if params["httpMethod"] not in methods and "ANY" not in methods:
            raise NotFoundException("Invalid Method identifier specified")
        snapshot = take_snapshot(record)
    from mockgw.execute import executionlog
    from mockgw.execute.pipeline import run

    inv = _invocation(call, params, snapshot)
    started = time.perf_counter()
    response = run(inv, test_steps())
    latency = int((time.perf_counter() - started) * 1000)
    failed = bool(inv.context.get("error", {}).get("responseType"))
    headers: dict[str, list[str]] = {}
    for name, value in response.headers:
        if name.lower() in _EDGE_HEADERS:
            continue
        if failed and name.lower() == "content-type":
            continue  # AWS shows only x-amzn-ErrorType (and mapped headers) for errors
        headers.setdefault(name, []).append(value)
    return {
        "status": response.status,
        "body": response.body.decode("utf-8", "replace"),
        "headers": {name: ",".join(values) for name, values in headers.items()},
        "multiValueHeaders": headers,
        "log": executionlog.render(inv),
        "latency": latency,
    }


def made_up_request(params: dict[str, Any], method: str, default_path: str) -> WireRequest:
    """The request a test invocation makes of the call's ``pathWithQueryString`` (else
    ``default_path``), ``headers``, ``multiValueHeaders`` and ``body``."""
    path, _, query_string = (params.get("pathWithQueryString") or default_path).partition("?")
    path = path or "/"
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    items = _header_items(params.get("headers") or {}, params.get("multiValueHeaders") or {})
    headers: dict[str, str] = {}
    for name, value in items:
        lower = name.lower()
        headers[lower] = f"{headers[lower]}, {value}" if lower in headers else value
    return WireRequest(method=method, path=path, query=query, headers=headers,
                       body=(params.get("body") or "").encode("utf-8"),
                       query_string=query_string, header_items=items,
                       remote_addr=IDENTITY["sourceIp"], scheme="https")


def _invocation(call: Call, params: dict[str, Any], snapshot: dict) -> Invocation:
    from mockgw.execute.variables import build_context

    resource = snapshot["resources"][params["resourceId"]]
    method = params["httpMethod"]
    request = made_up_request(params, method, resource["path"])
    path = request.path
    target = ExecuteTarget(params["restApiId"], STAGE, path, call.region, DOMAIN)
    inv = Invocation(instance=call.instance, request=request, target=target,
                     request_id=call.request_id, log=[])
    inv.store, inv.api_id, inv.snapshot, inv.path = call.store, params["restApiId"], snapshot, path
    inv.stage = {"stageName": STAGE, "variables": dict(params.get("stageVariables") or {})}
    if params.get("clientCertificateId"):
        inv.stage["clientCertificateId"] = params["clientCertificateId"]
    inv.stage_variables = dict(inv.stage["variables"])
    methods = resource["resourceMethods"]
    inv.resource, inv.method = resource, methods.get(method) or methods["ANY"]  # ANY: as AWS
    inv.path_params = _path_parameters(resource, path)
    context = build_context(inv)
    context["path"] = path
    context["identity"].update(IDENTITY)
    inv.context = context
    return inv


def _header_items(single: dict[str, str],
                  multi: dict[str, list[str]]) -> list[tuple[str, str]]:
    items = [(name, value) for name, values in multi.items() for value in values]
    given = {name.lower() for name in multi}
    items.extend((name, value) for name, value in single.items() if name.lower() not in given)
    return items


def _path_parameters(resource: dict, path: str) -> dict[str, str]:
    """The resource's path parameters read from ``path``; each is ``""`` when the path does
    not fit the resource (AWS accepts any path)."""
    from mockgw.execute.routing import ResourceTree

    found = ResourceTree({resource["id"]: resource}).match(path)
    if found is not None:
        return found[1]
    names = [part.strip("{}+") for part in resource["path"].split("/")
             if part.startswith("{") and part.endswith("}")]
    return dict.fromkeys(names, "")

"""TestInvokeAuthorizer: an authorizer of the live definition run on a made-up request.

As the console's "Test" does, the request is a ``GET`` of ``pathWithQueryString`` with the
call's headers, body and stage variables on stage ``test-invoke-stage`` (``$context``
holds AWS's test placeholders and the call's ``additionalContext``), and the method ARN
is ``arn:aws:execute-api:{region}:{account}:{api}/ESTestInvoke-stage/GET/{path}``.  The
authorizer's answer is reported, not judged (there is no method to judge it for), and
nothing is cached.
"""

from __future__ import annotations

import json
import time
from typing import Any

from mockgw.apigateway.authorizers import authorizer_of
from mockgw.apigateway.common import rest_api
from mockgw.apigateway.registry import operation
from mockgw.apigateway.test_invoke import DOMAIN, IDENTITY, STAGE, made_up_request
from mockgw.execute.context import ExecuteTarget, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

ARN_STAGE = "ESTestInvoke-stage"


@operation("TestInvokeAuthorizer", locked=False)
def test_invoke_authorizer(call: Call, params: dict[str, Any]) -> dict:
    from mockgw.execute import executionlog  # the data plane loads on first use
    from mockgw.execute.authorizers import obtain

    with call.store.lock:  # the run itself may take long: it works on copies
        authorizer = copy_tree(authorizer_of(call, params))
        api = copy_tree(rest_api(call, params["restApiId"])["api"])
    started = time.perf_counter()
    inv = _invocation(call, params, api, authorizer)
    arn = f"{call.arn('execute-api', api['id'])}/{ARN_STAGE}/GET/{inv.path[1:]}"
    output: dict[str, Any] = {}
    try:
        grant = obtain(inv, authorizer, arn)
    except GatewayError as error:
        if error.log:
            inv.trace(error.log)
        output["clientStatus"] = error.status
    else:
        output["clientStatus"] = 200
        if grant.claims is not None:
            output["claims"] = grant.claims
        else:
            output["principalId"] = grant.principal_id
            output["policy"] = json.dumps(grant.policy, separators=(",", ":"))
    output["log"] = executionlog.render(inv)
    output["latency"] = int((time.perf_counter() - started) * 1000)
    return output


def _invocation(call: Call, params: dict[str, Any], api: dict,
                authorizer: dict) -> Invocation:
    from mockgw.execute.variables import build_context

    request = made_up_request(params, "GET", "/")
    path = request.path if request.path.startswith("/") else "/" + request.path
    target = ExecuteTarget(api["id"], STAGE, path, call.region, DOMAIN)
    inv = Invocation(instance=call.instance, request=request, target=target,
                     request_id=call.request_id, log=[])
    inv.store, inv.api_id, inv.path = call.store, api["id"], path
    inv.snapshot = {"api": api, "authorizers": {authorizer["id"]: authorizer}}
    inv.stage = {"stageName": STAGE}
    inv.stage_variables = dict(params.get("stageVariables") or {})
    inv.resource = {"id": "test-invoke-resource-id", "path": path}
    context = build_context(inv)
    context["path"] = path
    context["identity"].update(IDENTITY)
    for name, value in (params.get("additionalContext") or {}).items():
        _set(context, name, value)
    inv.context = context
    return inv


def _set(context: dict[str, Any], dotted: str, value: str) -> None:
    """``identity.sourceIp``-style assignment (made-up levels become maps)."""
    *parents, last = dotted.split(".")
    for part in parents:
        child = context.get(part)
        if not isinstance(child, dict):
            child = context[part] = {}
        context = child
    context[last] = value

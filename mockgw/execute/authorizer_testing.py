"""TestInvokeAuthorizer: an authorizer run on a request made of the call's headers, path,
query string, body, stage variables and extra context, as the console's "Test" does.

As on AWS the request is ``GET`` on stage ``test-invoke-stage`` (``$context`` carries
AWS's test placeholders) and the method ARN is
``arn:aws:execute-api:{region}:{account}:{api}/ESTestInvoke-stage/GET/{path}``.  The
authorizer's answer is reported, not judged (there is no method to judge it against), and
nothing is cached.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from mockgw.execute.authorizers import obtain
from mockgw.execute.cognito_authorizer import java_date
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.variables import build_context
from mockgw.protocol.wire import WireRequest

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance
    from mockgw.state import RegionStore

STAGE = "test-invoke-stage"
ARN_STAGE = "ESTestInvoke-stage"


def try_authorizer(instance: Instance, store: RegionStore, api: dict[str, Any],
                authorizer: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """TestInvokeAuthorizer's output for ``authorizer`` of REST API ``api``."""
    started = time.perf_counter()
    inv = _invocation(instance, store, api, authorizer, params)
    arn = (f"arn:aws:execute-api:{store.region}:{store.account}:{api['id']}/{ARN_STAGE}/GET/"
           f"{inv.path[1:]}")
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
    stamp = java_date(inv.epoch_ms / 1000)
    output["log"] = "".join([f"Execution log for request {inv.request_id}\n",
                             *(f"{stamp} : {line}\n" for line in inv.log)])
    output["latency"] = int((time.perf_counter() - started) * 1000)
    return output


def _invocation(instance: Instance, store: RegionStore, api: dict[str, Any],
                authorizer: dict[str, Any], params: dict[str, Any]) -> Invocation:
    from mockgw.server import ExecuteTarget

    raw_path, _, query_string = (params.get("pathWithQueryString") or "/").partition("?")
    path = raw_path if raw_path.startswith("/") else "/" + raw_path
    items = list((params.get("headers") or {}).items())
    single = {name.lower() for name, _ in items}
    for name, values in (params.get("multiValueHeaders") or {}).items():
        if name.lower() not in single:
            items.extend((name, value) for value in values)
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    request = WireRequest(method="GET", path=path, query=query, headers=headers,
                          body=(params.get("body") or "").encode(), query_string=query_string,
                          header_items=items, scheme="https")
    inv = Invocation(instance=instance, request=request,
                     target=ExecuteTarget(api_id=api["id"], stage=STAGE, path=path))
    inv.store, inv.api_id, inv.path = store, api["id"], path
    inv.stage = {"stageName": STAGE}
    inv.snapshot = {"api": api, "authorizers": {authorizer["id"]: authorizer}}
    inv.resource = {"id": "test-invoke-resource-id", "path": path}
    inv.stage_variables = dict(params.get("stageVariables") or {})
    context = build_context(inv)
    context.update(domainName="testPrefix.testDomainName", domainPrefix="testPrefix", path=path)
    context["identity"].update(apiKey="test-invoke-api-key", apiKeyId="test-invoke-api-key-id")
    for name, value in (params.get("additionalContext") or {}).items():
        _set(context, name, value)
    inv.context = context
    return inv


def _set(context: dict[str, Any], dotted: str, value: str) -> None:
    """``context.identity.sourceIp``-style assignment (made-up levels become maps)."""
    *parents, last = dotted.split(".")
    for part in parents:
        child = context.get(part)
        if not isinstance(child, dict):
            child = context[part] = {}
        context = child
    context[last] = value

"""Who may connect: the ``$connect`` route's authorization and API key, then usage plans.

AWS authorizes a WebSocket connection once, on ``$connect`` (the route's
``AuthorizationType``): ``AWS_IAM`` checks the handshake's SigV4 signature, in its headers
or in its URL as browsers send it (shared with REST and HTTP APIs,
:func:`mockgw.execute.iam.verify_caller`); ``CUSTOM`` calls the REQUEST
Lambda authorizer with the handshake's headers and query string, its identity sources
being ``route.request.header.X``, ``route.request.querystring.X``, ``stageVariables.X``
and ``context.X`` (a missing one is 401 without calling it), its IAM policy judged
against ``arn:aws:execute-api:{region}:{account}:{api}/{stage}/$connect`` (a deny is 403),
``Unauthorized`` raised by it 401, anything else 500.  It runs on every handshake: AWS
caches no WebSocket authorizer's answer (``AuthorizerResultTtlInSeconds`` is "Supported
only for HTTP API Lambda authorizers", and CreateAuthorizer refuses it).  What it grants
(``principalId``, its ``context``) reaches every later event of the connection as
``requestContext.authorizer``.

API keys: ``ApiKeyRequired`` on ``$connect`` takes the key ``ApiKeySelectionExpression``
names (the ``x-api-key`` header, or the authorizer's ``usageIdentifierKey``); it must be an
enabled key of a usage plan that lists the stage (403 ``Forbidden``).  The plan's
throttle and quota then apply to the connection and to each of its messages.
"""

from __future__ import annotations

import json
from typing import Any

from mockgw.execute.authorizer_lambda import authorizer_function, invoke_authorizer
from mockgw.execute.authorizer_policy import MalformedAnswer, Verdict, evaluate, parse_answer
from mockgw.execute.authorizers import Grant
from mockgw.execute.errors import GatewayError
from mockgw.execute.iam import is_presigned, verify_caller
from mockgw.execute.integrations.lambda_ import error_message
from mockgw.execute.limits import take
from mockgw.execute.websocket.context import CONNECT, WebSocketInvocation
from mockgw.execute.websocket.events import authorizer_event
from mockgw.execute.websocket.selection import evaluate as evaluate_expression
from mockgw.execute.websocket.selection import request_resolver
from mockgw.state.usageplans import find_plan, record_request
from mockgw.vtl.parameters import context_value

DEFAULT_API_KEY_SELECTION = "$request.header.x-api-key"


def authorize(inv: WebSocketInvocation) -> None:
    """The pipeline step (``$connect`` only): the route's authorization."""
    if inv.event_type != CONNECT or inv.route is None:
        return
    kind = inv.route.get("AuthorizationType") or "NONE"
    connection = inv.connection
    assert connection is not None
    if kind == "AWS_IAM":
        if not inv.request.headers.get("authorization") and not is_presigned(inv.request):
            raise GatewayError("MISSING_AUTHENTICATION_TOKEN", "Forbidden",
                               log="IAM authorization: the handshake is not signed")
        caller = verify_caller(inv)
        connection.identity.update(caller)
        inv.context["identity"].update(caller)
    elif kind == "CUSTOM":
        assert inv.snapshot is not None
        authorizer = (inv.snapshot.get("authorizers") or {}).get(
            inv.route.get("AuthorizerId") or "")
        if authorizer is None:
            raise _failure("the route's authorizer does not exist")
        grant = _lambda_grant(inv, authorizer)
        connection.authorizer = {**grant.context, "principalId": grant.principal_id,
                                 "integrationLatency": grant.latency_ms}
        if grant.usage_key is not None:
            connection.authorizer["usageIdentifierKey"] = grant.usage_key
        inv.context["authorizer"] = dict(connection.authorizer)


def check_api_key(inv: WebSocketInvocation) -> None:
    """The pipeline step (``$connect`` only): ``ApiKeyRequired`` needs a key of a usage
    plan of this stage."""
    if inv.event_type != CONNECT or inv.route is None or not inv.route.get("ApiKeyRequired"):
        return
    assert inv.store is not None and inv.connection is not None and inv.snapshot is not None
    expression = inv.snapshot["api"].get("ApiKeySelectionExpression") or \
        DEFAULT_API_KEY_SELECTION
    resolve = request_resolver(None, headers=inv.request.headers, query=inv.request.query,
                               context=inv.context)
    value = evaluate_expression(expression, resolve)
    found = find_plan(inv.store, inv.api_id, inv.stage_name or "", value) if value else None
    if found is None:
        raise GatewayError("INVALID_API_KEY", log="API Key not authorized")
    key, plan_record = found
    identity = {"apiKey": key["value"], "apiKeyId": key["id"]}
    inv.connection.identity.update(identity)
    inv.context["identity"].update(identity)
    inv.connection.usage_plan_id = plan_record["plan"]["id"]


def throttle_usage_plan(inv: WebSocketInvocation) -> None:
    """The pipeline step: the usage plan's throttle and quota, for a connection made with
    an API key (its ``$connect`` and every message)."""
    connection = inv.connection
    assert connection is not None and inv.store is not None
    plan_id = connection.usage_plan_id
    if plan_id is None:
        return
    key_id = connection.identity["apiKeyId"]
    record = inv.store.tables.get("apigateway.usageplans", {}).get(plan_id)
    if record is None:
        return
    plan = record["plan"]
    if plan.get("throttle"):
        take(inv, ("plan", plan["id"], key_id), plan["throttle"].get("rateLimit"),
             plan["throttle"].get("burstLimit"))
    if not record_request(inv.store, plan_id, key_id, inv.instance.clock()):
        raise GatewayError("QUOTA_EXCEEDED", log="Usage plan quota exceeded")


# -- Lambda REQUEST authorizers --------------------------------------------------------------

def method_arn(inv: WebSocketInvocation) -> str:
    assert inv.store is not None
    return (f"arn:aws:execute-api:{inv.store.region}:{inv.store.account}:{inv.api_id}/"
            f"{inv.stage_name}/{inv.route_key}")


def identity_value(inv: WebSocketInvocation, source: str) -> str | None:
    """One identity source's value (``None`` or ``""`` when the request lacks it)."""
    if source.startswith("route.request.header."):
        return inv.request.headers.get(source[len("route.request.header."):].lower())
    if source.startswith("route.request.querystring."):
        values = inv.request.query.get(source[len("route.request.querystring."):])
        return values[-1] if values else None
    if source.startswith("stageVariables."):
        return inv.stage_variables.get(source[len("stageVariables."):])
    if source.startswith("context."):
        value = context_value(inv.context, source[len("context."):])
        return None if value is None else str(value)
    return None


def _lambda_grant(inv: WebSocketInvocation, authorizer: dict[str, Any]) -> Grant:
    assert inv.store is not None
    sources = authorizer.get("IdentitySource") or []
    values = [identity_value(inv, source) or "" for source in sources]
    if not all(values):
        raise GatewayError("UNAUTHORIZED", log="Unauthorized: the request lacks "
                                               f"{', '.join(sources)}")
    arn = method_arn(inv)
    grant = _call(inv, authorizer, arn)  # every handshake: no cache on WebSocket APIs
    if evaluate(grant.statements, arn) is not Verdict.ALLOW:
        raise GatewayError("ACCESS_DENIED", "Forbidden", log=f"The authorizer denies {arn}")
    return grant


def _call(inv: WebSocketInvocation, authorizer: dict[str, Any], arn: str) -> Grant:
    target = authorizer_function(inv, authorizer.get("AuthorizerUri") or "",
                                 authorizer["AuthorizerId"], _failure)
    payload = json.dumps(authorizer_event(inv, arn)).encode()
    result, latency = invoke_authorizer(inv, target, payload, failure=_failure,
                                        credentials=authorizer.get("AuthorizerCredentialsArn"))
    if result.function_error:
        message = error_message(result.payload)
        if message == "Unauthorized":
            raise GatewayError("UNAUTHORIZED", log="The Lambda authorizer answered Unauthorized")
        raise _failure(f"Authorizer error: {message}")
    try:
        answer = parse_answer(result.payload)
    except MalformedAnswer as exc:
        raise _failure(f"Could not parse policy: {exc}") from None
    return Grant(principal_id=answer.principal_id, policy=answer.policy,
                 statements=answer.statements, context=answer.context,
                 usage_key=answer.usage_key, latency_ms=latency)


def _failure(why: str) -> GatewayError:
    return GatewayError("AUTHORIZER_CONFIGURATION_ERROR", "Internal server error",
                        log=f"Execution failed due to configuration error: {why}")

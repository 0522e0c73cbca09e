"""Authorizers on the data plane: Lambda TOKEN and REQUEST authorizers, Cognito user pools.

A method whose ``authorizationType`` is ``CUSTOM`` or ``COGNITO_USER_POOLS`` runs its
authorizer (the :func:`authorize` step, before the API key check), as API Gateway does:

* Every identity source must have a non-empty value (a TOKEN authorizer's token must also
  match its ``identityValidationExpression``), or the answer is 401 ``Unauthorized``
  without calling anything.
* A Lambda authorizer is invoked with the TOKEN or REQUEST event (honouring the function's
  resource policy, with the source ARN ``.../{api}/authorizers/{id}``, unless the
  authorizer has ``authorizerCredentials``).  ``Unauthorized`` raised by the function is
  401; an error or a malformed answer is 500 ``AUTHORIZER_CONFIGURATION_ERROR``.  The
  answer is cached by identity, per stage (``stagecache.AUTHORIZER_CACHE``), and its
  policy is judged against each request's method ARN
  (:mod:`mockgw.execute.authorizer_policy`), then combined with the resource policy's
  verdict as AWS's table A says (a resource policy Allow admits what the authorizer's
  policy is silent about): a deny is 403 ``ACCESS_DENIED``.
* A Cognito authorizer checks the token (:mod:`mockgw.execute.cognito_authorizer`); a
  valid token is an Allow (an explicit deny of the resource policy stopped the request
  before the authorizer ran).

What the authorizer grants reaches ``$context.authorizer`` (``principalId``, the context's
keys and ``integrationLatency``, or ``claims``) and so the proxy event's
``requestContext.authorizer``; with the API's ``apiKeySource`` ``AUTHORIZER`` its
``usageIdentifierKey`` becomes ``$context.identity.apiKey`` for the API key check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from mockgw.execute.authorizer_lambda import (
    authorizer_function,
    cached_grant,
    invoke_authorizer,
)
from mockgw.execute.authorizer_policy import (
    MalformedAnswer,
    Verdict,
    evaluate,
    parse_answer,
)
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.executionlog import body_text, java_map, log_endpoint_request
from mockgw.execute.integrations.lambda_ import error_message, request_fields
from mockgw.execute.policy import ALLOW, DENY, NEITHER, combine, method_arn
from mockgw.execute.variables import lookup

COGNITO = "COGNITO_USER_POOLS"
DEFAULT_TTL = 300
EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny in an " \
                "identity-based policy"
IMPLICIT_DENY = "User is not authorized to access this resource because no identity-based " \
                "policy allows the execute-api:Invoke action"
_AUTHORIZED = ("CUSTOM", COGNITO)
#: An authorizer policy's verdict in the terms of AWS's authorization tables.
_AS_IAM = {Verdict.ALLOW: ALLOW, Verdict.EXPLICIT_DENY: DENY, Verdict.IMPLICIT_DENY: NEITHER}
_SOURCE = re.compile(r"^(method\.request\.header|method\.request\.querystring|stageVariables"
                     r"|context)\.(.+)$")


@dataclass(frozen=True, slots=True)
class Grant:
    """What an authorizer answered for one identity."""

    principal_id: str | None = None
    policy: dict[str, Any] | None = None  # a Lambda authorizer's policyDocument
    statements: tuple[dict[str, Any], ...] = ()
    context: dict[str, str] = field(default_factory=dict)
    usage_key: str | None = None
    claims: dict[str, str] | None = None  # a Cognito authorizer's
    latency_ms: int = 0


def authorize(inv: Invocation) -> None:
    """The pipeline step: run the method's authorizer and apply what it grants."""
    assert inv.method is not None and inv.snapshot is not None
    method = inv.method
    if method.get("authorizationType") not in _AUTHORIZED:
        return
    authorizer = (inv.snapshot.get("authorizers") or {}).get(method.get("authorizerId") or "")
    if authorizer is None:
        raise GatewayError("AUTHORIZER_CONFIGURATION_ERROR",
                           log="Execution failed due to configuration error: the method's "
                               f"authorizer {method.get('authorizerId')} does not exist")
    arn = method_arn(inv)
    grant = obtain(inv, authorizer, arn, scopes=method.get("authorizationScopes") or (),
                   cached=True)
    if grant.claims is not None:
        inv.context["authorizer"] = {"claims": dict(grant.claims)}
        return
    verdict = _AS_IAM[evaluate(grant.statements, arn)]
    decision = combine(verdict, inv.policy_decision or NEITHER, cross_account=False)
    if decision != ALLOW:
        raise GatewayError("ACCESS_DENIED", EXPLICIT_DENY if decision == DENY else IMPLICIT_DENY,
                           log=f"The authorizer's policy ({verdict}) and the resource policy "
                               f"({inv.policy_decision or NEITHER}) do not allow "
                               f"execute-api:Invoke on {arn}")
    inv.context["authorizer"] = {**grant.context, "principalId": grant.principal_id,
                                 "integrationLatency": grant.latency_ms}
    if grant.usage_key and inv.snapshot.get("api", {}).get("apiKeySource") == "AUTHORIZER":
        inv.context["identity"]["apiKey"] = grant.usage_key


def obtain(inv: Invocation, authorizer: dict[str, Any], arn: str, *,
           scopes: list[str] | tuple[str, ...] = (), cached: bool = False) -> Grant:
    """What ``authorizer`` grants the request (``arn`` is its method ARN); raises the
    :class:`GatewayError` API Gateway answers when the authorizer refuses or fails.
    ``cached`` uses (and fills) the stage's authorizer cache."""
    inv.trace(f"Starting authorizer: {authorizer['id']} for request: {inv.request_id}")
    values = _identity(inv, authorizer)
    if authorizer["type"] == COGNITO:
        from mockgw.execute.cognito_authorizer import verify_token  # JWT libraries load late

        return Grant(claims=verify_token(inv, authorizer, values[0], scopes))
    return _lambda_grant(inv, authorizer, arn, values, cached=cached)


def _identity(inv: Invocation, authorizer: dict[str, Any]) -> list[str]:
    """The values of the authorizer's identity sources (401 if any is missing or empty)."""
    kind, sources = authorizer["type"], identity_sources(authorizer)
    if kind != "REQUEST" and not sources:
        raise _configuration_error(f"The {kind} authorizer has no identity source")
    values = [_identity_value(inv, source) or "" for source in sources]
    if not all(values):
        raise GatewayError("UNAUTHORIZED", log="Unauthorized: the request lacks the "
                                               f"identity source {', '.join(sources)}")
    if inv.tracing:
        shown = java_map([(s, _masked(v)) for s, v in zip(sources, values, strict=True)]) \
            if kind == "REQUEST" else _masked(values[0])
        inv.trace(f"Incoming identity: {shown}")
    return values


def _lambda_grant(inv: Invocation, authorizer: dict[str, Any], arn: str, values: list[str],
                  *, cached: bool) -> Grant:
    """A Lambda authorizer's answer: from the stage's cache, or from calling it."""
    assert inv.store is not None and inv.stage is not None
    expression = authorizer.get("identityValidationExpression")
    if authorizer["type"] == "TOKEN" and expression and not _full_match(expression, values[0]):
        raise GatewayError("UNAUTHORIZED", log="Unauthorized: the token does not match the "
                                               f"identity validation expression {expression}")
    ttl = authorizer.get("authorizerResultTtlInSeconds", DEFAULT_TTL) \
        if cached and values else 0

    def call() -> Grant:
        if authorizer["type"] == "TOKEN":
            event = {"type": "TOKEN", "authorizationToken": values[0], "methodArn": arn}
        else:
            event = {"type": "REQUEST", "methodArn": arn, **request_fields(inv, empty={})}
        return _call_function(inv, authorizer, event)

    grant, hit = cached_grant(inv, (authorizer["id"], tuple(values)), ttl, call)
    if hit:
        inv.trace(f"Using cached authorizer policy for principal: {_masked(grant.principal_id)}")
    return grant


def identity_sources(authorizer: dict[str, Any]) -> list[str]:
    """The identity source expressions of an authorizer, in order."""
    return [part.strip() for part in (authorizer.get("identitySource") or "").split(",")
            if part.strip()]


def _identity_value(inv: Invocation, source: str) -> str | None:
    found = _SOURCE.match(source)
    if found is None:
        return None
    kind, name = found.groups()
    if kind == "method.request.header":
        return inv.request.headers.get(name.lower())
    if kind == "method.request.querystring":
        values = inv.request.query.get(name)
        return values[-1] if values else None
    if kind == "stageVariables":
        return inv.stage_variables.get(name)
    value = lookup(inv.context, name)
    return None if value is None else str(value)


def _call_function(inv: Invocation, authorizer: dict[str, Any], event: dict) -> Grant:
    """Invoke a Lambda authorizer and read its answer."""
    target = authorizer_function(inv, (authorizer.get("authorizerUri") or "").strip(),
                                 authorizer["id"], _configuration_error)
    payload = json.dumps(event).encode()
    url = (f"https://lambda.{target.region}.amazonaws.com/2015-03-31/functions/"
           f"{target.function}/invocations")
    log_endpoint_request(inv, url, {"X-Amz-Source-Arn": target.source_arn,
                                    "Accept": "application/json",
                                    "User-Agent": f"AmazonAPIGateway_{inv.api_id}"}, payload)
    result, latency = invoke_authorizer(inv, target, payload, failure=_configuration_error,
                                        credentials=authorizer.get("authorizerCredentials"))
    if result.function_error:
        message = error_message(result.payload)
        if message == "Unauthorized":
            inv.trace(f"Unauthorized request: {inv.request_id}")
            raise GatewayError("UNAUTHORIZED", log="Unauthorized")
        raise _configuration_error(f"Authorizer error: {message}")
    if inv.tracing:
        inv.trace(f"Authorizer result body before parsing: {body_text(result.payload)}")
    try:
        answer = parse_answer(result.payload)
    except MalformedAnswer as exc:
        raise _configuration_error(f"Could not parse policy: {exc}") from None
    if inv.tracing:
        inv.trace(f"Using valid authorizer policy for principal: {_masked(answer.principal_id)}")
        inv.trace("Successfully completed authorizer execution")
    return Grant(principal_id=answer.principal_id, policy=answer.policy,
                 statements=answer.statements, context=answer.context,
                 usage_key=answer.usage_key, latency_ms=latency)


def _configuration_error(why: str) -> GatewayError:
    return GatewayError("AUTHORIZER_CONFIGURATION_ERROR",
                        log=f"Execution failed due to configuration error: {why}")


def _full_match(expression: str, value: str) -> bool:
    try:
        return re.fullmatch(expression, value) is not None
    except re.error:
        raise _configuration_error(f"Invalid identity validation expression {expression}") \
            from None


def _masked(value: str | None) -> str:
    """A secret as API Gateway logs it: the last few characters after asterisks."""
    value = value or ""
    hidden = int(len(value) * 0.6)
    return "*" * hidden + value[hidden:]

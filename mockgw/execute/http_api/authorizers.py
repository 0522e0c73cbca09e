"""Authorization of HTTP API routes: ``AWS_IAM`` (SigV4, shared with REST APIs), ``JWT``
(:mod:`.jwt_authorizer`) and ``CUSTOM`` (Lambda authorizers).

Lambda authorizers, as AWS's developer guide describes them: every identity source
(``$request.header.x``, ``$request.querystring.x``, ``$context.x``,
``$stageVariables.x``) must have a value or the answer is 401 ``Unauthorized`` without
calling the function.  The function gets the payload 1.0 or 2.0 event (``routeArn`` /
``methodArn``, ``identitySource``), with its resource policy honoured (source ARN
``.../{api}/authorizers/{id}``) unless the authorizer has credentials.  It answers a
simple response (``{"isAuthorized": bool, "context": {...}}``, payload 2.0 with
``EnableSimpleResponses``) or an IAM policy judged against the route ARN (REST's
evaluation); a refusal is 403 ``Forbidden``, ``Unauthorized`` raised by the function 401,
an error or a malformed answer 500.  With ``AuthorizerResultTtlInSeconds`` and identity
sources, answers are cached per stage by the identity values (``ResetAuthorizersCache``
empties the stage).  The ``context`` reaches payload 2.0 integrations as
``requestContext.authorizer.lambda`` and payload 1.0 ones as ``requestContext.authorizer``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mockgw.execute.authorizer_lambda import (
    authorizer_function,
    cached_grant,
    invoke_authorizer,
)
from mockgw.execute.authorizer_policy import MalformedAnswer, Verdict, evaluate, parse_answer
from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.http_api.errors import (
    FORBIDDEN,
    INTERNAL_SERVER_ERROR,
    UNAUTHORIZED,
    HttpApiError,
)
from mockgw.execute.http_api.variables import joined_headers, joined_query
from mockgw.execute.iam import verify_caller
from mockgw.execute.integrations.lambda_ import error_message
from mockgw.vtl.parameters import context_value


def authorize(inv: HttpApiInvocation) -> None:
    """The pipeline step: the route's authorization, and what it grants in ``$context``
    and the integration's ``requestContext``."""
    assert inv.route is not None and inv.snapshot is not None
    kind = inv.route.get("AuthorizationType") or "NONE"
    if kind == "NONE":
        return
    if kind == "AWS_IAM":
        _authorize_iam(inv)
        return
    authorizer = (inv.snapshot.get("authorizers") or {}).get(inv.route.get("AuthorizerId") or "")
    if authorizer is None:
        raise _failure(inv, "the route's authorizer does not exist")
    values = identity_values(inv, authorizer)
    if kind == "JWT":
        _authorize_jwt(inv, authorizer, values)
    else:
        _authorize_lambda(inv, authorizer, values)


def identity_values(inv: HttpApiInvocation, authorizer: dict[str, Any]) -> list[str]:
    """The values of the authorizer's identity sources (401 when one has none)."""
    sources = authorizer.get("IdentitySource") or []
    if isinstance(sources, str):
        sources = [s.strip() for s in sources.split(",") if s.strip()]
    values = [identity_value(inv, source) for source in sources]
    if not all(values):
        missing = [s for s, v in zip(sources, values, strict=True) if not v]
        inv.context["authorizer"] = {"error": "Unauthorized"}
        raise HttpApiError(UNAUTHORIZED, "UNAUTHORIZED",
                           log=f"Unauthorized: the request lacks {', '.join(missing)}")
    return [v for v in values if v]


def identity_value(inv: HttpApiInvocation, source: str) -> str | None:
    """The value of one identity source expression."""
    kind, _, rest = source.strip().lstrip("$").partition(".")
    if kind == "request":
        where, _, name = rest.partition(".")
        if where == "header":
            return joined_headers(inv).get(name.lower())
        if where == "querystring":
            return joined_query(inv).get(name)
        return None
    if kind == "context":
        value = context_value(inv.context, rest)
        return None if value is None else str(value)
    if kind == "stageVariables":
        return inv.stage_variables.get(rest)
    return None


def _failure(inv: HttpApiInvocation, why: str) -> HttpApiError:
    inv.context["authorizer"] = {"error": why}
    return HttpApiError(INTERNAL_SERVER_ERROR, "AUTHORIZER_CONFIGURATION_ERROR",
                        log=f"Execution failed due to configuration error: {why}")


# -- AWS_IAM ---------------------------------------------------------------------------------

def _authorize_iam(inv: HttpApiInvocation) -> None:
    if not inv.request.headers.get("authorization"):
        raise HttpApiError(FORBIDDEN, "MISSING_AUTHENTICATION_TOKEN",
                           log="IAM authorization: the request is not signed")
    caller = verify_caller(inv)
    inv.context["identity"].update(caller)
    inv.authorizer_v2 = {"iam": {
        "accessKey": caller["accessKey"], "accountId": caller["accountId"],
        "callerId": caller["caller"], "cognitoIdentity": None, "principalOrgId": None,
        "userArn": caller["userArn"], "userId": caller["user"]}}


# -- JWT -------------------------------------------------------------------------------------

def _authorize_jwt(inv: HttpApiInvocation, authorizer: dict[str, Any],
                   values: list[str]) -> None:
    from mockgw.execute.http_api.jwt_authorizer import verify  # JWT libraries load late

    if not values:
        raise _failure(inv, "the JWT authorizer has no identity source")
    assert inv.route is not None
    claims, scopes = verify(inv, authorizer, values[0],
                            inv.route.get("AuthorizationScopes") or [])
    inv.authorizer_v2 = {"jwt": {"claims": claims, "scopes": scopes}}
    inv.authorizer_v1 = {"claims": claims, "scopes": scopes}
    inv.context["authorizer"] = {"claims": claims, "scopes": scopes}


# -- Lambda ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Grant:
    """What a Lambda authorizer answered for one identity."""

    authorized: bool | None = None  # a simple response's verdict
    statements: tuple[dict[str, Any], ...] = ()  # an IAM policy's
    principal_id: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    latency_ms: int = 0

    def allows(self, route_arn: str) -> bool:
        if self.authorized is not None:
            return self.authorized
        return evaluate(self.statements, route_arn) is Verdict.ALLOW


def route_arn(inv: HttpApiInvocation) -> str:
    """``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}{path}``."""
    assert inv.store is not None
    return (f"arn:aws:execute-api:{inv.store.region}:{inv.store.account}:{inv.api_id}/"
            f"{inv.stage_name}/{inv.request.method}{inv.api_path}")


def _authorize_lambda(inv: HttpApiInvocation, authorizer: dict[str, Any],
                      values: list[str]) -> None:
    assert inv.store is not None
    arn = route_arn(inv)
    ttl = (authorizer.get("AuthorizerResultTtlInSeconds") or 0) if values else 0
    grant, _ = cached_grant(inv, ("http-api", authorizer["AuthorizerId"], tuple(values)), ttl,
                            lambda: _call(inv, authorizer, arn, values))
    if not grant.allows(arn):
        inv.context["authorizer"] = {"error": "Forbidden"}
        raise HttpApiError(FORBIDDEN, "ACCESS_DENIED",
                           log=f"The Lambda authorizer denies {arn}")
    inv.authorizer_v2 = {"lambda": dict(grant.context)}
    v1: dict[str, Any] = dict(grant.context)
    if grant.principal_id is not None:
        v1["principalId"] = grant.principal_id
    v1["integrationLatency"] = grant.latency_ms
    inv.authorizer_v1 = v1
    inv.context["authorizer"] = {**grant.context, "principalId": grant.principal_id}


def _event(inv: HttpApiInvocation, authorizer: dict[str, Any], arn: str,
           values: list[str]) -> dict[str, Any]:
    from mockgw.execute.http_api.events import request_v1, request_v2

    if authorizer.get("AuthorizerPayloadFormatVersion") == "2.0":
        return request_v2(inv, head={"type": "REQUEST", "routeArn": arn,
                                     "identitySource": list(values)})
    joined = ",".join(values)
    return request_v1(inv, head={"type": "REQUEST", "methodArn": arn, "identitySource": joined,
                                 "authorizationToken": joined})


def _call(inv: HttpApiInvocation, authorizer: dict[str, Any], arn: str,
          values: list[str]) -> Grant:
    """Invoke the authorizer's function and read its answer."""
    def failure(why: str) -> HttpApiError:
        return _failure(inv, why)

    target = authorizer_function(inv, authorizer.get("AuthorizerUri") or "",
                                 authorizer["AuthorizerId"], failure)
    payload = json.dumps(_event(inv, authorizer, arn, values)).encode()
    result, latency = invoke_authorizer(inv, target, payload, failure=failure,
                                        credentials=authorizer.get("AuthorizerCredentialsArn"))
    if result.function_error:
        message = error_message(result.payload)
        if message == "Unauthorized":
            inv.context["authorizer"] = {"error": "Unauthorized"}
            raise HttpApiError(UNAUTHORIZED, "UNAUTHORIZED",
                               log="The Lambda authorizer answered Unauthorized")
        raise _failure(inv, f"Authorizer error: {message}")
    try:
        doc = json.loads(result.payload or b"null")
    except ValueError:
        raise _failure(inv, "The authorizer's answer is not JSON") from None
    if not isinstance(doc, dict):
        raise _failure(inv, "The authorizer's answer is not a JSON object")
    context = doc.get("context") or {}
    if not isinstance(context, dict):
        raise _failure(inv, "The authorizer's context is not an object")
    if authorizer.get("AuthorizerPayloadFormatVersion") == "2.0" and \
            authorizer.get("EnableSimpleResponses"):
        if not isinstance(doc.get("isAuthorized"), bool):
            raise _failure(inv, "A simple response needs isAuthorized (true or false)")
        return Grant(authorized=doc["isAuthorized"], context=context, latency_ms=latency)
    try:
        answer = parse_answer(json.dumps({**doc, "context": {}}).encode())
    except MalformedAnswer as exc:
        raise _failure(inv, f"Could not parse policy: {exc}") from None
    return Grant(statements=answer.statements, principal_id=answer.principal_id,
                 context=context, latency_ms=latency)

"""Helpers of the authorizer tests: one Lambda authorizer whose answer a word in the request
chooses, APIs whose methods it guards, and the clock."""

from __future__ import annotations

import base64
import json
import textwrap
from typing import Any

from tests.lambda_support import ACCOUNT, REGION, create

#: A Lambda authorizer steered by a word: the TOKEN's, or a REQUEST's ``word`` query
#: string.  Every answer's context counts the calls made so far (the warm worker keeps it).
AUTHORIZER = """
    import base64, json

    CALLS = 0

    def handler(event, context):
        global CALLS
        CALLS += 1
        if event["type"] == "TOKEN":
            word = event["authorizationToken"]
        else:
            word = (event["queryStringParameters"] or {}).get("word", "allow")
        arn = event["methodArn"]
        api_arn = arn.split("/")[0]
        if word == "unauthorized":
            raise Exception("Unauthorized")
        if word == "crash":
            raise ValueError("boom")
        if word == "malformed":
            return {"principalId": "someone"}
        if word == "null":
            return None
        effect, resource = "Allow", arn
        if word == "deny":
            effect = "Deny"
        elif word == "deny-all":
            effect, resource = "Deny", api_arn + "/*"
        elif word == "elsewhere":
            resource = api_arn + "/*/GET/elsewhere"
        elif word in ("all", "context-object") or word.startswith("key:"):
            resource = [api_arn + "/*/*/*", api_arn + "/*/*/"]
        elif word == "items-only":
            resource = api_arn + "/*/GET/items"
        answer = {
            "principalId": "user-" + word,
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]},
            "context": {"calls": CALLS, "word": word, "flag": True, "ratio": 1.5,
                        "event": base64.b64encode(json.dumps(event).encode()).decode()},
        }
        if word == "context-object":
            answer["context"]["nested"] = {"a": 1}
        if word.startswith("key:"):
            answer["usageIdentifierKey"] = word[4:]
        return answer
"""

#: The MOCK integration's response: what reached ``$context`` from the authorizer.
ECHO_TEMPLATE = json.dumps({
    "principalId": "$context.authorizer.principalId",
    "calls": "$context.authorizer.calls", "word": "$context.authorizer.word",
    "flag": "$context.authorizer.flag", "ratio": "$context.authorizer.ratio",
    "latency": "$context.authorizer.integrationLatency",
    "apiKey": "$context.identity.apiKey", "event": "$context.authorizer.event"})


def function_uri(name: str) -> str:
    return (f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}/invocations")


def add_function(gw: Any, name: str = "authorizer", source: str = AUTHORIZER) -> str:
    """The function ``name`` running ``source``: a registered callable in-process, a zip
    package against the server.  Returns its authorizer URI."""
    if gw.mode == "inprocess":
        namespace: dict[str, Any] = {}
        exec(textwrap.dedent(source), namespace)
        gw.mock.register_function(name, namespace["handler"])
    else:
        create(gw.client("lambda"), name, source)
    return function_uri(name)


def guarded_api(gw: Any, authorizer: dict[str, Any], *, paths: tuple[str, ...] = ("items",),
                authorization: str = "CUSTOM", method: dict[str, Any] | None = None,
                stage: str = "dev", variables: dict[str, str] | None = None,
                template: str = ECHO_TEMPLATE, **api_kwargs: Any) -> tuple[str, str]:
    """A REST API whose ``GET /{path}`` methods are guarded by a new authorizer (the
    CreateAuthorizer parameters ``authorizer``) and answer ``template`` from a MOCK
    integration, deployed to ``stage``.  Returns (api id, authorizer id)."""
    c = gw.client()
    api = c.create_rest_api(name="guarded", **api_kwargs)
    authorizer_id = c.create_authorizer(restApiId=api["id"], name="auth", **authorizer)["id"]
    for path in paths:
        parent = api["rootResourceId"]
        for part in path.split("/"):
            parent = c.create_resource(restApiId=api["id"], parentId=parent,
                                       pathPart=part)["id"]
        c.put_method(restApiId=api["id"], resourceId=parent, httpMethod="GET",
                     authorizationType=authorization, authorizerId=authorizer_id,
                     **(method or {}))
        c.put_method_response(restApiId=api["id"], resourceId=parent, httpMethod="GET",
                              statusCode="200",
                              responseParameters={"method.response.header.X-Principal": False})
        c.put_integration(restApiId=api["id"], resourceId=parent, httpMethod="GET",
                          type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'})
        c.put_integration_response(
            restApiId=api["id"], resourceId=parent, httpMethod="GET", statusCode="200",
            responseTemplates={"application/json": template},
            responseParameters={"method.response.header.X-Principal":
                                "context.authorizer.principalId"})
    c.create_deployment(restApiId=api["id"], stageName=stage, variables=variables or {})
    return api["id"], authorizer_id


def token_authorizer(uri: str, **more: Any) -> dict[str, Any]:
    return {"type": "TOKEN", "authorizerUri": uri,
            "identitySource": "method.request.header.Authorization", **more}


POOL = f"{REGION}_mockgwPool"


def cognito_authorizer(*pools: str, **more: Any) -> dict[str, Any]:
    """CreateAuthorizer parameters of a Cognito authorizer of ``pools`` (default: POOL)."""
    arns = [f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{pool}" for pool in pools or [POOL]]
    return {"type": "COGNITO_USER_POOLS", "providerARNs": arns,
            "identitySource": "method.request.header.Authorization", **more}


def register(gw: Any, key: Any) -> None:
    """Register a :class:`mockgw.cognito.UserPoolKey`'s JWKS through the admin endpoint."""
    response = gw.raw("PUT", f"/_mockgw/cognito/userpools/{key.pool_id}/jwks", json=key.jwks)
    assert response.status_code == 200


def event_of(body: dict) -> dict:
    """The event the authorizer was called with (echoed through its context)."""
    return json.loads(base64.b64decode(body["event"]))


def freeze(gw: Any, at: float = 1_800_000_000) -> None:
    assert gw.raw("POST", "/_mockgw/clock", json={"freeze": at}).status_code == 200


def advance(gw: Any, seconds: float) -> None:
    assert gw.raw("POST", "/_mockgw/clock", json={"advance": seconds}).status_code == 200

"""TestInvokeAuthorizer: Lambda and Cognito authorizers run on a made-up request."""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from tests.authorizer_support import (
    ACCOUNT,
    POOL,
    REGION,
    add_function,
    cognito_authorizer,
    register,
    token_authorizer,
)
from tests.helpers import error_of

STAMP = r"\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : "


def new_authorizer(gw, **params) -> tuple[str, str]:
    c = gw.client()
    api_id = c.create_rest_api(name="api")["id"]
    return api_id, c.create_authorizer(restApiId=api_id, name="auth", **params)["id"]


def body_of(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_token_authorizer_allowing(gw):
    api_id, auth_id = new_authorizer(gw, **token_authorizer(add_function(gw)))
    out = body_of(gw.client().test_invoke_authorizer(
        restApiId=api_id, authorizerId=auth_id, headers={"Authorization": "allow"}))
    assert out["clientStatus"] == 200
    assert out["principalId"] == "user-allow"
    arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/ESTestInvoke-stage/GET/"
    assert json.loads(out["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn}]}
    assert isinstance(out["latency"], int)
    lines = out["log"].splitlines()
    assert re.fullmatch(r"Execution log for request [0-9a-f-]{36}", lines[0])
    assert all(re.match(STAMP, line) for line in lines[1:])
    text = out["log"]
    assert f"Starting authorizer: {auth_id} for request: " in text
    assert "Incoming identity: ***ow\n" in text
    assert (f"Endpoint request URI: https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/"
            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:authorizer/invocations") in text
    assert '"methodArn": "' + arn + '"' in text
    assert "Using valid authorizer policy for principal: ******llow\n" in text
    assert text.endswith("Successfully completed authorizer execution\n")


def test_policy_is_reported_not_judged(gw):
    api_id, auth_id = new_authorizer(gw, **token_authorizer(add_function(gw)))
    out = gw.client().test_invoke_authorizer(restApiId=api_id, authorizerId=auth_id,
                                             headers={"Authorization": "deny"})
    assert out["clientStatus"] == 200
    assert json.loads(out["policy"])["Statement"][0]["Effect"] == "Deny"


@pytest.mark.parametrize("headers, status, last_line", [
    ({}, 401, "Unauthorized: the request lacks the identity source "
              "method.request.header.Authorization"),
    ({"Authorization": "unauthorized"}, 401, "Unauthorized"),
    ({"Authorization": "crash"}, 500, "Execution failed due to configuration error: "
                                      "Authorizer error: boom"),
    ({"Authorization": "malformed"}, 500, "Execution failed due to configuration error: "
                                          "Could not parse policy: policyDocument is missing or "
                                          "not an object"),
])
def test_failures(gw, headers, status, last_line):
    api_id, auth_id = new_authorizer(gw, **token_authorizer(add_function(gw)))
    out = body_of(gw.client().test_invoke_authorizer(restApiId=api_id, authorizerId=auth_id,
                                                     headers=headers))
    assert out["clientStatus"] == status
    assert "principalId" not in out and "policy" not in out
    assert out["log"].splitlines()[-1].split(" : ", 1)[1] == last_line


#: A REQUEST authorizer that answers with its event as principal.
EVENT_AS_PRINCIPAL = """
    import json
    def handler(event, context):
        return {"principalId": json.dumps(event), "policyDocument": {
            "Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]}}
"""


def test_request_authorizer_sees_the_made_up_request(gw):
    api_id, auth_id = new_authorizer(
        gw, type="REQUEST", authorizerUri=add_function(gw, "echo", EVENT_AS_PRINCIPAL),
        identitySource="method.request.header.Tenant, method.request.querystring.word, "
                       "stageVariables.realm, context.source")
    c = gw.client()
    out = c.test_invoke_authorizer(
        restApiId=api_id, authorizerId=auth_id, headers={"Tenant": "acme"},
        multiValueHeaders={"Accept": ["a/b", "c/d"]}, pathWithQueryString="/pets/1?word=all",
        stageVariables={"realm": "north"}, additionalContext={"source": "console"})
    assert out["clientStatus"] == 200
    assert ("Incoming identity: {method.request.header.Tenant=**me, method.request.querystring"
            ".word=*ll, stageVariables.realm=***th, context.source=****ole}") in out["log"]
    event = json.loads(out["principalId"])
    assert event["methodArn"] == (f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/"
                                  "ESTestInvoke-stage/GET/pets/1")
    assert (event["type"], event["path"], event["httpMethod"]) == ("REQUEST", "/pets/1", "GET")
    assert event["headers"]["Tenant"] == "acme"
    assert event["multiValueHeaders"]["Accept"] == ["a/b", "c/d"]
    assert event["queryStringParameters"] == {"word": "all"}
    assert event["stageVariables"] == {"realm": "north"}
    context = event["requestContext"]
    assert (context["stage"], context["resourceId"], context["domainPrefix"]) == (
        "test-invoke-stage", "test-invoke-resource-id", "testPrefix")
    assert context["identity"]["apiKey"] == "test-invoke-api-key"
    missing = c.test_invoke_authorizer(restApiId=api_id, authorizerId=auth_id,
                                       headers={"Tenant": "acme"},
                                       pathWithQueryString="/pets/1?word=all")
    assert missing["clientStatus"] == 401  # no stageVariables.realm nor context.source


def test_runs_the_live_definition(gw):
    c = gw.client()
    api_id, auth_id = new_authorizer(gw, **token_authorizer(add_function(gw)))
    failing = add_function(gw, "failing", "def handler(event, context):\n    raise Exception('no')")
    c.update_authorizer(restApiId=api_id, authorizerId=auth_id, patchOperations=[
        {"op": "replace", "path": "/authorizerUri", "value": failing}])
    out = c.test_invoke_authorizer(restApiId=api_id, authorizerId=auth_id,
                                   headers={"Authorization": "allow"})
    assert out["clientStatus"] == 500  # no deployment needed: the live authorizer runs


def test_cognito_authorizer_reports_claims(gw):
    from mockgw.cognito import UserPoolKey

    key = UserPoolKey(POOL)
    register(gw, key)
    api_id, auth_id = new_authorizer(gw, **cognito_authorizer())
    c = gw.client()
    out = body_of(c.test_invoke_authorizer(
        restApiId=api_id, authorizerId=auth_id,
        headers={"Authorization": key.id_token({"sub": "s-9", "email": "x@example.com"})}))
    assert out["clientStatus"] == 200
    assert (out["claims"]["sub"], out["claims"]["email"]) == ("s-9", "x@example.com")
    assert "policy" not in out
    access = c.test_invoke_authorizer(restApiId=api_id, authorizerId=auth_id,
                                      headers={"Authorization": key.access_token()})
    assert access["clientStatus"] == 401  # as on AWS, only ID tokens can be tested


def test_unknown_authorizer_or_api(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="api")["id"]
    for rest_api_id in (api_id, "missing"):
        with pytest.raises(ClientError) as exc:
            c.test_invoke_authorizer(restApiId=rest_api_id, authorizerId="nope")
        assert error_of(exc) == ("NotFoundException", "Invalid Authorizer identifier specified",
                                 404)


def test_token_event(gw):
    api_id, auth_id = new_authorizer(
        gw, **token_authorizer(add_function(gw, "echo", EVENT_AS_PRINCIPAL)))
    out = gw.client().test_invoke_authorizer(restApiId=api_id, authorizerId=auth_id,
                                             headers={"Authorization": "all"},
                                             pathWithQueryString="/a/b")
    assert json.loads(out["principalId"]) == {
        "type": "TOKEN", "authorizationToken": "all",
        "methodArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/ESTestInvoke-stage/GET/a/b"}

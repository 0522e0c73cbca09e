"""Authorizer CRUD: TOKEN, REQUEST and COGNITO_USER_POOLS, AWS's checks, patches, paging."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:auth"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"
POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123"
HEADER = "method.request.header.Authorization"
BAD_URI = ("Invalid Authorizer URI: {}. Authorizer URI should be a valid API Gateway ARN that "
           "represents a Lambda function invocation.")
BAD_TOKEN_SOURCE = ("Invalid token source expression: {}. The source must be a method request "
                    "header, matching 'method.request.header.[a-zA-Z0-9._-]+'.")


@pytest.fixture
def api(gw):
    c = gw.client()
    return c, c.create_rest_api(name="auth")["id"]


def token_authorizer(c, api_id, **kwargs):
    return c.create_authorizer(restApiId=api_id, **{
        "name": "token", "type": "TOKEN", "authorizerUri": URI, "identitySource": HEADER,
        **kwargs})


def test_create_token_authorizer(api):
    c, api_id = api
    created = token_authorizer(c, api_id, identityValidationExpression="^Bearer .+$")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(created["id"]) == 6
    body = {k: v for k, v in created.items() if k != "ResponseMetadata"}
    assert body == {"id": created["id"], "name": "token", "type": "TOKEN", "authType": "custom",
                    "authorizerUri": URI, "identitySource": HEADER,
                    "identityValidationExpression": "^Bearer .+$"}
    got = c.get_authorizer(restApiId=api_id, authorizerId=created["id"])
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == body
    assert c.get_authorizers(restApiId=api_id)["items"] == [body]


def test_create_request_authorizer(api):
    c, api_id = api
    sources = ("method.request.header.X-User, method.request.querystring.token,"
               "stageVariables.realm,context.requestId")
    created = c.create_authorizer(restApiId=api_id, name="req", type="REQUEST",
                                  authorizerUri=URI, identitySource=sources,
                                  authorizerResultTtlInSeconds=60,
                                  authorizerCredentials="arn:aws:iam::123456789012:role/invoke")
    assert created["type"] == "REQUEST"
    assert created["authType"] == "custom"
    assert created["identitySource"] == sources
    assert created["authorizerResultTtlInSeconds"] == 60
    assert created["authorizerCredentials"] == "arn:aws:iam::123456789012:role/invoke"


def test_request_authorizer_needs_identity_source_only_when_caching(api):
    c, api_id = api
    uncached = c.create_authorizer(restApiId=api_id, name="open", type="REQUEST",
                                   authorizerUri=URI, authorizerResultTtlInSeconds=0)
    assert "identitySource" not in uncached
    with pytest.raises(ClientError) as exc:
        c.create_authorizer(restApiId=api_id, name="cached", type="REQUEST", authorizerUri=URI)
    assert error_of(exc) == ("BadRequestException", "Invalid request input", 400)


def test_create_cognito_authorizer_ignores_credentials(api):
    c, api_id = api
    created = c.create_authorizer(restApiId=api_id, name="pool", type="COGNITO_USER_POOLS",
                                  providerARNs=[POOL], identitySource=HEADER,
                                  authorizerCredentials="arn:aws:iam::123456789012:role/x")
    assert created["authType"] == "cognito_user_pools"
    assert created["providerARNs"] == [POOL]
    assert "authorizerCredentials" not in created


def test_stage_variable_in_function_name_is_accepted(api):
    c, api_id = api
    uri = URI.replace("function:auth", "function:${stageVariables.authFn}")
    assert token_authorizer(c, api_id, authorizerUri=uri)["authorizerUri"] == uri


@pytest.mark.parametrize("kwargs, message", [
    ({"authorizerUri": FUNCTION}, BAD_URI.format(FUNCTION)),
    ({"authorizerUri": URI.replace("us-east-1:lambda", "region:lambda")},
     BAD_URI.format(URI.replace("us-east-1:lambda", "region:lambda"))),
    ({"authorizerUri": None}, BAD_URI.format("null")),
    ({"type": "REQUEST", "authorizerUri": None}, BAD_URI.format("null")),
    ({"identitySource": "method.request.querystring.token"},
     BAD_TOKEN_SOURCE.format("method.request.querystring.token")),
    ({"identitySource": "method.request.header."},
     BAD_TOKEN_SOURCE.format("method.request.header.")),
    ({"identitySource": None}, BAD_TOKEN_SOURCE.format("null")),
    ({"type": "REQUEST", "identitySource": "method.request.header.a,method.request.body"},
     "Invalid identity source expression: method.request.body. The source must be a method "
     "request header or query string, a stage variable or a context variable, matching "
     "'method.request.header.[a-zA-Z0-9._-]+', 'method.request.querystring.[a-zA-Z0-9._-]+', "
     "'stageVariables.[a-zA-Z0-9._-]+' or 'context.[a-zA-Z0-9._-]+'."),
    ({"authorizerResultTtlInSeconds": 3601},
     "Invalid authorizer result TTL: 3601. Must be between 0 and 3600"),
    ({"authorizerResultTtlInSeconds": -1},
     "Invalid authorizer result TTL: -1. Must be between 0 and 3600"),
    ({"name": " "}, "Authorizer name must be non-empty"),
    ({"type": "COGNITO_USER_POOLS", "authorizerUri": None},
     "ProviderARNs need to be specified for a COGNITO_USER_POOLS authorizer"),
    ({"type": "COGNITO_USER_POOLS", "providerARNs": [POOL, "arn:aws:cognito-identity:x"]},
     "ProviderARNs need to be valid Cognito Userpools. Invalid ARNs- "
     "arn:aws:cognito-identity:x"),
    ({"type": "JWT"}, "mockgw does not support JWT authorizers for REST APIs yet"),
])
def test_create_validation(api, kwargs, message):
    c, api_id = api
    params = {"name": "bad", "type": "TOKEN", "authorizerUri": URI, "identitySource": HEADER,
              **kwargs}
    with pytest.raises(ClientError) as exc:
        c.create_authorizer(restApiId=api_id, **{k: v for k, v in params.items()
                                                 if v is not None})
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_authorizers(restApiId=api_id)["items"] == []


def test_unknown_api_and_authorizer(gw):
    c = gw.client()
    with pytest.raises(ClientError) as exc:  # AWS checks the URI before the API
        c.create_authorizer(restApiId="nope123456", name="a", type="TOKEN",
                            authorizerUri="bad", identitySource=HEADER)
    assert error_of(exc) == ("BadRequestException", BAD_URI.format("bad"), 400)
    with pytest.raises(ClientError) as exc:
        c.create_authorizer(restApiId="nope123456", name="a", type="TOKEN",
                            authorizerUri=URI, identitySource=HEADER)
    assert error_of(exc) == (
        "ConflictException", "Unable to complete operation due to concurrent modification. "
        "Please try again later.", 409)
    with pytest.raises(ClientError) as exc:
        c.get_authorizers(restApiId="nope123456")
    assert error_of(exc) == (
        "NotFoundException", "Invalid API identifier specified 123456789012:nope123456", 404)
    api_id = c.create_rest_api(name="a")["id"]
    for call in (c.get_authorizer, c.delete_authorizer):
        with pytest.raises(ClientError) as exc:
            call(restApiId=api_id, authorizerId="zzzzzz")
        assert error_of(exc) == ("NotFoundException", "Invalid Authorizer identifier specified",
                                 404)


def test_update_patches(api):
    c, api_id = api
    auth_id = token_authorizer(c, api_id, identityValidationExpression="x")["id"]
    other_uri = URI.replace("function:auth", "function:other:live")
    updated = c.update_authorizer(restApiId=api_id, authorizerId=auth_id, patchOperations=[
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "replace", "path": "/authorizerUri", "value": other_uri},
        {"op": "replace", "path": "/identitySource", "value": "method.request.header.X-Token"},
        {"op": "replace", "path": "/identityValidationExpression", "value": ""},
        {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"},
        {"op": "replace", "path": "/authorizerCredentials",
         "value": "arn:aws:iam::123456789012:role/r"},
        {"op": "replace", "path": "/type", "value": "REQUEST"},
    ])
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert updated["name"] == "renamed"
    assert updated["authorizerUri"] == other_uri
    assert updated["identitySource"] == "method.request.header.X-Token"
    assert "identityValidationExpression" not in updated
    assert updated["authorizerResultTtlInSeconds"] == 0
    assert updated["authorizerCredentials"] == "arn:aws:iam::123456789012:role/r"
    assert updated["type"] == "REQUEST"
    got = c.get_authorizer(restApiId=api_id, authorizerId=auth_id)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {
        k: v for k, v in updated.items() if k != "ResponseMetadata"}


def test_update_provider_arns(api):
    c, api_id = api
    other = POOL.replace("AbC123", "Other9")
    auth_id = c.create_authorizer(restApiId=api_id, name="pool", type="COGNITO_USER_POOLS",
                                  providerARNs=[POOL], identitySource=HEADER)["id"]
    updated = c.update_authorizer(restApiId=api_id, authorizerId=auth_id, patchOperations=[
        {"op": "add", "path": "/providerARNs", "value": other},
        {"op": "remove", "path": "/providerARNs", "value": POOL}])
    assert updated["providerARNs"] == [other]
    with pytest.raises(ClientError) as exc:
        c.update_authorizer(restApiId=api_id, authorizerId=auth_id, patchOperations=[
            {"op": "remove", "path": "/providerARNs", "value": other}])
    assert error_of(exc) == (
        "BadRequestException",
        "ProviderARNs need to be specified for a COGNITO_USER_POOLS authorizer", 400)


@pytest.mark.parametrize("patch, message", [
    ({"op": "replace", "path": "/authorizerUri", "value": "nope"}, BAD_URI.format("nope")),
    ({"op": "remove", "path": "/identitySource"}, "Invalid patch operation specified. "
                                                  "Must be one of: [replace]"),
    ({"op": "replace", "path": "/identitySource", "value": ""}, BAD_TOKEN_SOURCE.format("null")),
    ({"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "soon"},
     "Invalid authorizer result TTL: soon. Must be between 0 and 3600"),
    ({"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "7200"},
     "Invalid authorizer result TTL: 7200. Must be between 0 and 3600"),
    ({"op": "replace", "path": "/type", "value": "IAM"},
     "Invalid authorizer type specified: IAM. Must be one of: TOKEN, REQUEST, "
     "COGNITO_USER_POOLS"),
    ({"op": "replace", "path": "/type", "value": "COGNITO_USER_POOLS"},
     "ProviderARNs need to be specified for a COGNITO_USER_POOLS authorizer"),
    ({"op": "replace", "path": "/id", "value": "x"}, "Invalid patch path /id"),
])
def test_failed_patch_changes_nothing(api, patch, message):
    c, api_id = api
    created = token_authorizer(c, api_id)
    with pytest.raises(ClientError) as exc:
        c.update_authorizer(restApiId=api_id, authorizerId=created["id"], patchOperations=[
            {"op": "replace", "path": "/name", "value": "changed"}, patch])
    assert error_of(exc) == ("BadRequestException", message, 400)
    got = c.get_authorizer(restApiId=api_id, authorizerId=created["id"])
    assert (got["name"], got["authorizerUri"], got["identitySource"]) == ("token", URI, HEADER)


def test_paging(api):
    c, api_id = api
    ids = [token_authorizer(c, api_id, name=f"a{i}")["id"] for i in range(5)]
    first = c.get_authorizers(restApiId=api_id, limit=2)
    second = c.get_authorizers(restApiId=api_id, limit=2, position=first["position"])
    third = c.get_authorizers(restApiId=api_id, limit=2, position=second["position"])
    assert [a["id"] for a in first["items"] + second["items"] + third["items"]] == ids
    assert "position" not in third


def test_delete(api):
    c, api_id = api
    auth_id = token_authorizer(c, api_id)["id"]
    response = c.delete_authorizer(restApiId=api_id, authorizerId=auth_id)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        c.get_authorizer(restApiId=api_id, authorizerId=auth_id)
    assert error_of(exc)[2] == 404


def test_delete_refused_while_a_method_uses_it(gw):
    c = gw.client()
    api = c.create_rest_api(name="guarded")
    res = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"], pathPart="test")
    auth_id = token_authorizer(c, api["id"], name="guard")["id"]
    c.put_method(restApiId=api["id"], resourceId=res["id"], httpMethod="GET",
                 authorizationType="CUSTOM", authorizerId=auth_id)
    with pytest.raises(ClientError) as exc:
        c.delete_authorizer(restApiId=api["id"], authorizerId=auth_id)
    assert error_of(exc) == (
        "ConflictException", "Cannot delete authorizer 'guard', is referenced in method: "
        "GET//test", 409)
    assert c.get_authorizer(restApiId=api["id"], authorizerId=auth_id)["name"] == "guard"
    c.update_method(restApiId=api["id"], resourceId=res["id"], httpMethod="GET",
                    patchOperations=[{"op": "replace", "path": "/authorizationType",
                                      "value": "NONE"}])
    c.delete_authorizer(restApiId=api["id"], authorizerId=auth_id)
    assert c.get_authorizers(restApiId=api["id"])["items"] == []

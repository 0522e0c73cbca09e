"""Authorization of HTTP API routes: JWT authorizers (a local identity provider over plain
HTTP, Cognito user pool keys), Lambda authorizers (payload 1.0 and 2.0, simple and policy
answers, identity sources, caching) and AWS_IAM."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from mockgw.cognito import UserPoolKey
from tests.guards import EPOCH, advance, freeze, sign
from tests.http_api_support import ECHO_V2, HttpApi, event_of, expect_message, lambda_function
from tests.http_api_support import invocation_uri as uri_of
from tests.idp import LocalIssuer
from tests.lambda_support import ACCOUNT, REGION

#: As AWS's troubleshooting guide shows it.
AUDIENCE_CHALLENGE = ('Bearer scope="" error="invalid_token" '
                      'error_description="the token does not have a valid audience"')


@pytest.fixture
def idp() -> Iterator[LocalIssuer]:
    with LocalIssuer() as issuer:
        yield issuer


def jwt_api(gw, issuer: str, audience: list[str], **route_kwargs) -> HttpApi:
    """An API whose ``GET /secure`` (an echoing function) takes a JWT authorizer."""
    lambda_function(gw, "echo", ECHO_V2)
    api = HttpApi(gw)
    authorizer = api.c.create_authorizer(
        ApiId=api.id, AuthorizerType="JWT", Name="jwt",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": issuer, "Audience": audience})["AuthorizerId"]
    echo = api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo")
    api.route("GET /secure", echo, AuthorizationType="JWT", AuthorizerId=authorizer,
              **route_kwargs)
    api.route("GET /v1", api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo",
                                      version="1.0"),
              AuthorizationType="JWT", AuthorizerId=authorizer)
    api.stage()
    return api


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_valid_jwt_reaches_the_integration_with_its_claims(gw, idp):
    freeze(gw)
    api = jwt_api(gw, idp.issuer, ["my-app"])
    token = idp.token({"sub": "u1", "aud": "my-app", "groups": ["admin", "dev"],
                       "verified": True, "profile": {"a": 1}, "nickname": None}, now=EPOCH)
    event = event_of(api.call("GET", "/secure", headers=bearer(token)))
    assert event["requestContext"]["authorizer"] == {"jwt": {"claims": {
        "iss": idp.issuer, "iat": str(EPOCH), "exp": str(EPOCH + 3600), "sub": "u1",
        "aud": "my-app", "groups": "[admin dev]", "verified": "true",
        "profile": '{"a":1}'}, "scopes": None}}
    # without "Bearer " too, and the claims in payload 1.0's requestContext.authorizer
    answer = api.call("GET", "/v1", headers={"Authorization": token})
    assert answer.json()["requestContext"]["authorizer"]["claims"]["sub"] == "u1"


def test_refused_tokens_are_unauthorized_with_a_reason(gw, idp):
    freeze(gw)
    api = jwt_api(gw, idp.issuer, ["my-app", "other-app"])

    def refused(headers: dict[str, str], description: str | None) -> None:
        answer = api.call("GET", "/secure", headers=headers)
        expect_message(answer, 401, "Unauthorized")
        if description is None:
            assert "www-authenticate" not in answer.headers
        else:
            assert answer.headers["www-authenticate"] == (
                f'Bearer scope="" error="invalid_token" error_description="{description}"')

    refused({}, None)
    wrong_audience = api.call("GET", "/secure", headers=bearer(
        idp.token({"aud": "someone-else"}, now=EPOCH)))
    expect_message(wrong_audience, 401, "Unauthorized")
    assert wrong_audience.headers["www-authenticate"] == AUDIENCE_CHALLENGE  # AWS's words
    refused(bearer(idp.token({"aud": "my-app"}, now=EPOCH - 7200)), "the token has expired")
    refused(bearer(idp.token({"aud": "my-app", "nbf": EPOCH + 60}, now=EPOCH)),
            "the token is not valid yet")
    refused(bearer(idp.token({"aud": "my-app", "iss": "https://elsewhere"}, now=EPOCH)),
            "the token does not have a valid issuer")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused(bearer(idp.token({"aud": "my-app"}, now=EPOCH, key=stranger)),
            "the token has an invalid signature")
    refused(bearer(idp.token({"aud": "my-app"}, now=EPOCH, algorithm="HS256",
                             key="a-shared-secret-that-is-long-enough")),
            "signing method HS256 is invalid")
    refused(bearer("not.a.jwt"), "the token is not a valid JWT")


def test_audiences_client_ids_and_key_rotation(gw, idp):
    freeze(gw)
    api = jwt_api(gw, idp.issuer, ["my-app"])
    # an access token without aud is checked by its client_id
    by_client = idp.token({"client_id": "my-app", "token_use": "access"}, now=EPOCH)
    assert api.call("GET", "/secure", headers=bearer(by_client)).status_code == 200
    listed = idp.token({"aud": ["other", "my-app"]}, now=EPOCH)
    assert api.call("GET", "/secure", headers=bearer(listed)).status_code == 200
    wrong_client = idp.token({"client_id": "nope"}, now=EPOCH)
    expect_message(api.call("GET", "/secure", headers=bearer(wrong_client)), 401,
                   "Unauthorized")
    assert idp.fetches == 1  # the key set is kept
    idp.rotate()
    fresh = idp.token({"aud": "my-app"}, now=EPOCH)
    assert api.call("GET", "/secure", headers=bearer(fresh)).status_code == 200
    assert idp.fetches == 2  # fetched again for the unknown kid
    advance(gw, 3601)
    expect_message(api.call("GET", "/secure", headers=bearer(fresh)), 401, "Unauthorized")


def test_route_scopes_need_one_granted_scope(gw, idp):
    freeze(gw)
    api = jwt_api(gw, idp.issuer, ["my-app"], AuthorizationScopes=["pets/read", "admin"])
    scoped = idp.token({"aud": "my-app", "scope": "openid pets/read"}, now=EPOCH)
    event = event_of(api.call("GET", "/secure", headers=bearer(scoped)))
    assert event["requestContext"]["authorizer"]["jwt"]["scopes"] == ["openid", "pets/read"]
    by_scp = idp.token({"aud": "my-app", "scp": ["admin"]}, now=EPOCH)
    assert api.call("GET", "/secure", headers=bearer(by_scp)).status_code == 200
    for claims in ({"aud": "my-app"}, {"aud": "my-app", "scope": "pets/write"}):
        answer = api.call("GET", "/secure", headers=bearer(idp.token(claims, now=EPOCH)))
        expect_message(answer, 403, "Forbidden")
        assert answer.headers["www-authenticate"] == (
            'Bearer scope="pets/read admin" error="insufficient_scope" '
            'error_description="expected scopes: [pets/read admin]"')


def test_cognito_user_pool_keys_serve_as_issuer(gw):
    freeze(gw)
    key = UserPoolKey("us-east-1_Pool1", client_id="app-client")
    if gw.mode == "inprocess":
        gw.mock.register_user_pool_keys(key.pool_id, key.jwks)
    else:
        gw.http.put(f"{gw.endpoint_url}/_mockgw/cognito/userpools/{key.pool_id}/jwks",
                    json=key.jwks, timeout=10).raise_for_status()
    api = jwt_api(gw, key.issuer, ["app-client"])
    event = event_of(api.call("GET", "/secure", headers=bearer(
        key.access_token(["pets/read"], now=EPOCH))))
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    assert (claims["client_id"], claims["token_use"], claims["iss"]) == (
        "app-client", "access", key.issuer)
    assert api.call("GET", "/secure", headers=bearer(key.id_token(now=EPOCH))).status_code == 200


# -- Lambda authorizers ----------------------------------------------------------------------

SIMPLE = """
    CALLS = {"n": 0}
    def handler(event, context):
        CALLS["n"] += 1
        if event["identitySource"][0] == "boom":
            raise RuntimeError("broken")
        if event["identitySource"][0] == "deny-me":
            raise Exception("Unauthorized")
        if event["identitySource"][0] == "garbage":
            return {"isAuthorized": "yes"}
        return {"isAuthorized": event["identitySource"][0] == "secret",
                "context": {"user": "ada", "calls": CALLS["n"], "tags": ["a", "b"],
                            "routeArn": event["routeArn"], "type": event["type"],
                            "version": event["version"], "sources": event["identitySource"]}}
"""

POLICY = """
    def handler(event, context):
        effect = "Allow" if event["authorizationToken"] == "letmein,1" else "Deny"
        return {"principalId": "user-7",
                "policyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Action": "execute-api:Invoke", "Effect": effect,
                     "Resource": event["methodArn"]}]},
                "context": {"methodArn": event["methodArn"], "type": event["type"],
                            "identitySource": event["identitySource"],
                            "version": event["version"]}}
"""


def lambda_api(gw, source: str, *, version: str, sources: list[str], ttl: int = 0,
               simple: bool = False, integration_version: str = "2.0") -> HttpApi:
    lambda_function(gw, "echo", ECHO_V2)
    lambda_function(gw, "auth", source)
    api = HttpApi(gw)
    options = {"EnableSimpleResponses": True} if simple else {}
    authorizer = api.c.create_authorizer(
        ApiId=api.id, AuthorizerType="REQUEST", Name="lambda", IdentitySource=sources,
        AuthorizerUri=uri_of("auth"), AuthorizerPayloadFormatVersion=version,
        AuthorizerResultTtlInSeconds=ttl, **options)["AuthorizerId"]
    echo = api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo",
                        version=integration_version)
    for key in ("GET /secure", "GET /other"):
        api.route(key, echo, AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    api.stage()
    api.authorizer_id = authorizer  # type: ignore[attr-defined]
    return api


def test_lambda_authorizer_simple_responses_and_caching(gw):
    freeze(gw)
    api = lambda_api(gw, SIMPLE, version="2.0", simple=True, ttl=300,
                     sources=["$request.header.Authorization"])

    def call(token: str | None, path: str = "/secure"):
        return api.call("GET", path, headers={"Authorization": token} if token else {})

    expect_message(call(None), 401, "Unauthorized")
    granted = event_of(call("secret"))["requestContext"]["authorizer"]
    assert granted == {"lambda": {
        "user": "ada", "calls": 1, "tags": ["a", "b"],
        "routeArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api.id}/$default/GET/secure",
        "type": "REQUEST", "version": "2.0", "sources": ["secret"]}}
    # cached by the identity (for every route of the authorizer) until the TTL runs out
    again = event_of(call("secret", "/other"))["requestContext"]["authorizer"]["lambda"]
    assert again["calls"] == 1
    expect_message(call("wrong"), 403, "Forbidden")
    expect_message(call("wrong"), 403, "Forbidden")  # a denial is cached too
    advance(gw, 301)
    assert event_of(call("secret"))["requestContext"]["authorizer"]["lambda"]["calls"] == 3
    assert event_of(call("secret"))["requestContext"]["authorizer"]["lambda"]["calls"] == 3
    api.c.reset_authorizers_cache(ApiId=api.id, StageName="$default")
    assert event_of(call("secret"))["requestContext"]["authorizer"]["lambda"]["calls"] == 4

    expect_message(call("deny-me"), 401, "Unauthorized")
    expect_message(call("boom"), 500, "Internal Server Error")
    expect_message(call("garbage"), 500, "Internal Server Error")


def test_lambda_authorizer_policies_with_payload_1(gw):
    api = lambda_api(gw, POLICY, version="1.0",
                     sources=["$request.header.X-Token", "$request.querystring.n"],
                     integration_version="1.0")
    expect_message(api.call("GET", "/secure", headers={"X-Token": "letmein"}), 401,
                   "Unauthorized")  # the query string source is missing
    answer = api.call("GET", "/secure?n=1", headers={"X-Token": "letmein"})
    assert answer.status_code == 200, answer.text
    authorizer = answer.json()["requestContext"]["authorizer"]
    arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api.id}/$default/GET/secure"
    assert authorizer["principalId"] == "user-7"
    assert {k: authorizer[k] for k in ("methodArn", "type", "identitySource", "version")} == {
        "methodArn": arn, "type": "REQUEST", "identitySource": "letmein,1", "version": "1.0"}
    assert isinstance(authorizer["integrationLatency"], int)
    expect_message(api.call("GET", "/secure?n=2", headers={"X-Token": "letmein"}), 403,
                   "Forbidden")


def test_context_and_stage_variable_identity_sources(gw):
    api = lambda_api(gw, SIMPLE, version="2.0", simple=True,
                     sources=["$request.querystring.key", "$context.routeKey"])
    granted = event_of(api.call("GET", "/other?key=secret"))
    assert granted["requestContext"]["authorizer"]["lambda"]["sources"] == [
        "secret", "GET /other"]


def test_iam_routes_need_a_signature(gw, backend):
    freeze(gw)
    lambda_function(gw, "echo", ECHO_V2)
    api = HttpApi(gw)
    api.route("GET /signed", api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo"),
              AuthorizationType="AWS_IAM")
    api.stage()
    expect_message(api.call("GET", "/signed"), 403, "Forbidden")
    url = gw.http_api_url(api.id, "$default", "/signed")
    signed = sign("GET", url, access_key="AKIDCALLER")
    event = event_of(gw.http.get(url, headers=signed, timeout=30))
    assert event["requestContext"]["authorizer"] == {"iam": {
        "accessKey": "AKIDCALLER", "accountId": "123456789012", "callerId": "AKIDCALLER",
        "cognitoIdentity": None, "principalOrgId": None,
        "userArn": "arn:aws:iam::123456789012:user/AKIDCALLER", "userId": "AKIDCALLER"}}
    broken = {**signed, "Authorization": signed["Authorization"].rsplit("=", 1)[0] + "=zz"}
    refused = gw.http.get(url, headers=broken, timeout=30)
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("The request signature we calculated")
    other_region = sign("GET", url, access_key="AKIDCALLER", region="eu-west-1")
    assert gw.http.get(url, headers=other_region, timeout=30).status_code == 403

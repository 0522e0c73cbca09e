"""COGNITO_USER_POOLS authorizers: JWTs checked against the pool's keys (registered by the
test, or served by moto), issuer, expiry, token use and scopes; claims in $context; the
"trust any well-formed JWT" mode."""

from __future__ import annotations

import json

import boto3
import jwt
import pytest
import requests

from mockgw import mock_apigateway
from mockgw.cognito import UserPoolKey
from mockgw.settings import Settings
from mockgw.testing import ServerProcess
from tests.authorizer_support import (
    POOL,
    REGION,
    add_function,
    advance,
    cognito_authorizer,
    freeze,
    guarded_api,
    register,
)

OTHER_POOL = f"{REGION}_otherPool"
NOW = 1_800_000_000
CLAIMS_TEMPLATE = json.dumps({
    "sub": "$context.authorizer.claims.sub", "email": "$context.authorizer.claims.email",
    "username": "$context.authorizer.claims['cognito:username']",
    "groups": "$context.authorizer.claims['cognito:groups']",
    "verified": "$context.authorizer.claims.email_verified",
    "exp": "$context.authorizer.claims.exp", "auth_time": "$context.authorizer.claims.auth_time",
    "scope": "$context.authorizer.claims.scope"})
UNAUTHORIZED = (401, b'{"message":"Unauthorized"}')
HMAC_KEY = "a-shared-secret-long-enough-for-hs256"


@pytest.fixture(scope="module")
def key() -> UserPoolKey:
    return UserPoolKey(POOL)


@pytest.fixture
def pool(gw, key):
    register(gw, key)
    freeze(gw, NOW)
    return gw


def cognito_api(gw, scopes=None, **more) -> str:
    method = {"authorizationScopes": scopes} if scopes else None
    return guarded_api(gw, cognito_authorizer(**more), authorization="COGNITO_USER_POOLS",
                       method=method, template=CLAIMS_TEMPLATE)[0]


def get(gw, api_id, token=None):
    headers = {} if token is None else {"Authorization": token}
    return gw.http.get(gw.invoke_url(api_id, "dev", "/items"), headers=headers, timeout=30)


def test_valid_id_token_and_its_claims(pool, key):
    gw = pool
    api_id = cognito_api(gw)
    token = key.id_token({"sub": "abc-123", "email": "ada@example.com", "email_verified": True,
                          "cognito:username": "ada", "cognito:groups": ["admins", "users"]},
                         now=NOW)
    for presented in (token, f"Bearer {token}"):
        response = get(gw, api_id, presented)
        assert response.status_code == 200
        assert response.json() == {
            "sub": "abc-123", "email": "ada@example.com", "username": "ada",
            "groups": "admins,users", "verified": "true",
            "exp": "Fri Jan 15 09:00:00 UTC 2027", "auth_time": str(NOW), "scope": ""}


@pytest.mark.parametrize("case", ["missing", "empty", "garbage", "other pool", "other key",
                                  "tampered", "access token", "no token_use", "HS256"])
def test_refused_tokens(pool, key, case):
    gw = pool
    api_id = cognito_api(gw)
    stranger = UserPoolKey(POOL, kid=key.kid)  # same kid, another key
    token = {
        "missing": None, "empty": "", "garbage": "not.a.jwt",
        "other pool": UserPoolKey(OTHER_POOL, kid=key.kid).id_token(now=NOW),
        "other key": stranger.id_token(now=NOW),
        "tampered": key.id_token(now=NOW)[:-4] + "AAAA",
        "access token": key.access_token(now=NOW),
        "no token_use": key.sign({"aud": "client"}, now=NOW),
        "HS256": jwt.encode({"iss": key.issuer, "token_use": "id", "exp": NOW + 60}, HMAC_KEY,
                            algorithm="HS256", headers={"kid": key.kid}),
    }[case]
    response = get(gw, api_id, token)
    assert (response.status_code, response.content) == UNAUTHORIZED
    assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"


def test_expiry_follows_the_instance_clock(pool, key):
    gw = pool
    api_id = cognito_api(gw)
    token = key.id_token(now=NOW, expires_in=600)
    assert get(gw, api_id, token).status_code == 200
    advance(gw, 599)
    assert get(gw, api_id, token).status_code == 200
    advance(gw, 1)
    response = get(gw, api_id, token)
    assert (response.status_code, response.content) == (
        401, b'{"message":"The incoming token has expired"}')


def test_token_of_any_listed_pool_is_accepted(pool, key):
    gw = pool
    other = UserPoolKey(OTHER_POOL)
    register(gw, other)
    api_id = cognito_api(gw)  # only POOL
    assert get(gw, api_id, other.id_token(now=NOW)).status_code == 401
    both = guarded_api(gw, cognito_authorizer(POOL, OTHER_POOL),
                       authorization="COGNITO_USER_POOLS", template=CLAIMS_TEMPLATE)[0]
    assert get(gw, both, other.id_token(now=NOW)).status_code == 200
    assert get(gw, both, key.id_token(now=NOW)).status_code == 200


@pytest.mark.parametrize("token_use, scopes, status", [
    ("access", ["orders/write"], 200),
    ("access", ["orders/read", "orders/admin"], 200),
    ("access", ["orders/read", "aws.cognito.signin.user.admin"], 401),
    ("access", [], 401),
    ("id", [], 401),
])
def test_authorization_scopes(pool, key, token_use, scopes, status):
    gw = pool
    api_id = cognito_api(gw, scopes=["orders/write", "orders/admin"])
    token = key.access_token(scopes, now=NOW) if token_use == "access" else key.id_token(now=NOW)
    response = get(gw, api_id, token)
    assert response.status_code == status
    if status == 200:
        assert response.json()["scope"] == " ".join(scopes)


def test_identity_validation_expression_matches_the_audience(pool, key):
    gw = pool
    api_id = cognito_api(gw, identityValidationExpression="web-.*")
    assert get(gw, api_id, key.id_token({"aud": "web-app"}, now=NOW)).status_code == 200
    assert get(gw, api_id, key.id_token({"aud": "mobile-app"}, now=NOW)).status_code == 401


PROXY_ECHO = """
    import json
    def handler(event, context):
        return {"statusCode": 200, "body": json.dumps(event["requestContext"]["authorizer"])}
"""


def test_claims_reach_the_proxy_event(pool, key):
    gw = pool
    c = gw.client()
    backend = add_function(gw, "backend", PROXY_ECHO)
    api_id = cognito_api(gw)
    items = next(r for r in c.get_resources(restApiId=api_id)["items"] if r["path"] == "/items")
    c.put_integration(restApiId=api_id, resourceId=items["id"], httpMethod="GET",
                      type="AWS_PROXY", integrationHttpMethod="POST", uri=backend)
    c.create_deployment(restApiId=api_id, stageName="dev")
    token = key.id_token({"sub": "s-1", "custom:tier": 3}, now=NOW)
    doc = get(gw, api_id, token).json()
    assert list(doc) == ["claims"]
    claims = doc["claims"]
    assert (claims["sub"], claims["custom:tier"], claims["token_use"]) == ("s-1", "3", "id")
    assert (claims["iss"], claims["iat"]) == (key.issuer, "Fri Jan 15 08:00:00 UTC 2027")


# -- where the keys come from ----------------------------------------------------------------

def test_admin_endpoint_registers_reads_and_forgets_keys(gw, key):
    path = f"/_mockgw/cognito/userpools/{POOL}/jwks"
    assert gw.raw("GET", path).status_code == 404
    register(gw, key)
    assert gw.raw("GET", path).json() == key.jwks
    bad = gw.raw("PUT", path, json={"keys": "nope"})
    assert (bad.status_code, bad.json()) == (
        400, {"message": 'A JWKS is a JSON object {"keys": [...]} of JSON Web Keys'})
    assert gw.raw("DELETE", path).status_code == 200
    assert gw.raw("DELETE", path).status_code == 404


def test_python_api_registers_keys(key):
    with mock_apigateway() as mock:
        mock.register_user_pool_keys(POOL, key.jwks)
        client = boto3.client("apigateway", region_name=REGION)
        api = client.create_rest_api(name="api")
        authorizer = client.create_authorizer(restApiId=api["id"], name="pool",
                                              **cognito_authorizer())
        client.put_method(restApiId=api["id"], resourceId=api["rootResourceId"],
                          httpMethod="GET", authorizationType="COGNITO_USER_POOLS",
                          authorizerId=authorizer["id"])
        client.put_integration(restApiId=api["id"], resourceId=api["rootResourceId"],
                               httpMethod="GET", type="MOCK",
                               requestTemplates={"application/json": '{"statusCode": 200}'})
        client.put_integration_response(restApiId=api["id"],
                                        resourceId=api["rootResourceId"], httpMethod="GET",
                                        statusCode="200", responseTemplates={
                                            "application/json": "$context.authorizer.claims.sub"})
        client.create_deployment(restApiId=api["id"], stageName="dev")
        url = f"https://{api['id']}.execute-api.{REGION}.amazonaws.com/dev/"
        token = key.id_token({"sub": "me"})
        assert requests.get(url, headers={"Authorization": token}, timeout=30).text == "me"


def test_unreachable_keys_are_a_configuration_error(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDP", "http://127.0.0.1:9")
    with mock_apigateway():
        gw = _InProcess()
        api_id = cognito_api(gw)
        response = get(gw, api_id, UserPoolKey(POOL).id_token())
        assert (response.status_code, response.content) == (500, b'{"message":null}')
        assert response.headers["x-amzn-ErrorType"] == "AuthorizerConfigurationException"


class _InProcess:
    """Enough of the ``gw`` harness for tests that make their own mock."""

    mode = "inprocess"

    def __init__(self) -> None:
        self.http = requests.Session()

    def client(self, service: str = "apigateway"):
        return boto3.client(service, region_name=REGION)

    def invoke_url(self, api_id: str, stage: str, path: str) -> str:
        return f"https://{api_id}.execute-api.{REGION}.amazonaws.com/{stage}{path}"


def moto_pool(client) -> tuple[str, str]:
    """A user pool in moto with user ``bob``: (pool id, bob's ID token)."""
    pool = client.create_user_pool(PoolName="pool")["UserPool"]["Id"]
    app = client.create_user_pool_client(UserPoolId=pool, ClientName="app")
    client.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS",
                             TemporaryPassword="Passw0rd!tmp")
    client.admin_set_user_password(UserPoolId=pool, Username="bob", Password="Passw0rd!bob",
                                   Permanent=True)
    tokens = client.admin_initiate_auth(
        UserPoolId=pool, ClientId=app["UserPoolClient"]["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Passw0rd!bob"})
    return pool, tokens["AuthenticationResult"]["IdToken"]


def test_tokens_of_moto_in_process():
    from moto import mock_aws

    with mock_aws(), mock_apigateway():
        pool, token = moto_pool(boto3.client("cognito-idp", region_name=REGION))
        gw = _InProcess()
        api_id = guarded_api(gw, cognito_authorizer(pool), authorization="COGNITO_USER_POOLS",
                             template=CLAIMS_TEMPLATE)[0]
        response = get(gw, api_id, token)
        assert response.status_code == 200
        assert response.json()["username"] == "bob"
        forged = UserPoolKey(pool, kid="dummy").id_token()
        assert get(gw, api_id, forged).status_code == 401


def test_tokens_of_a_moto_server():
    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        moto_url = f"http://{host}:{port}"
        cognito = boto3.client("cognito-idp", region_name=REGION, endpoint_url=moto_url,
                               aws_access_key_id="testing", aws_secret_access_key="testing")
        pool, token = moto_pool(cognito)
        with ServerProcess(env={"AWS_ENDPOINT_URL_COGNITO_IDP": moto_url}) as server:
            gw = _InProcess()
            gw.client = lambda service="apigateway": boto3.client(  # type: ignore[method-assign]
                service, region_name=REGION, endpoint_url=server.url,
                aws_access_key_id="testing", aws_secret_access_key="testing")
            gw.invoke_url = lambda api_id, stage, path: (  # type: ignore[method-assign]
                f"{server.url}/restapis/{api_id}/{stage}/_user_request_{path}")
            api_id = guarded_api(gw, cognito_authorizer(pool),
                                 authorization="COGNITO_USER_POOLS", template=CLAIMS_TEMPLATE)[0]
            response = get(gw, api_id, token)
            assert response.status_code == 200
            assert response.json()["username"] == "bob"
            assert get(gw, api_id, token[:-4] + "AAAA").status_code == 401
    finally:
        moto.stop()


# -- trusting any well-formed JWT ------------------------------------------------------------

def test_trust_any_jwt_mode():
    assert Settings.from_env({"MOCKGW_COGNITO_TRUST_ANY_JWT": "1"}).cognito_trust_any_jwt
    with mock_apigateway(settings=Settings(cognito_trust_any_jwt=True)):
        gw = _InProcess()
        api_id = cognito_api(gw)
        handmade = jwt.encode({"sub": "anyone", "iss": "https://example.com"}, HMAC_KEY,
                              algorithm="HS256")
        response = get(gw, api_id, handmade)
        assert (response.status_code, response.json()["sub"]) == (200, "anyone")
        expired = jwt.encode({"sub": "late", "exp": 1_000}, HMAC_KEY, algorithm="HS256")
        assert get(gw, api_id, expired).status_code == 401
        access = jwt.encode({"token_use": "access", "scope": "a"}, HMAC_KEY, algorithm="HS256")
        assert get(gw, api_id, access).status_code == 401  # still needs an ID token here
        for refused in (None, "not-a-jwt"):
            assert get(gw, api_id, refused).status_code == 401

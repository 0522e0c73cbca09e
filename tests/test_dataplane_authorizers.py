"""Lambda authorizers on the data plane: TOKEN and REQUEST identity sources, the events,
policies judged against the method ARN, errors, caching by identity, and what the answer
grants ($context.authorizer, the proxy event, usage plan keys)."""

from __future__ import annotations

import json

import pytest

from tests.authorizer_support import (
    ACCOUNT,
    REGION,
    add_function,
    advance,
    event_of,
    freeze,
    guarded_api,
    token_authorizer,
)
from tests.helpers import error_of
from tests.lambda_support import create

EXPLICIT = ("User is not authorized to access this resource with an explicit deny in an "
            "identity-based policy")
IMPLICIT = ("User is not authorized to access this resource because no identity-based policy "
            "allows the execute-api:Invoke action")
UNAUTHORIZED = (401, b'{"message":"Unauthorized"}', "UnauthorizedException")
CONFIGURATION = (500, b'{"message":null}', "AuthorizerConfigurationException")


def get(gw, api_id, path, *, token=None, headers=None, params=None, stage="dev"):
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = token
    return gw.http.get(gw.invoke_url(api_id, stage, path), headers=headers, params=params,
                       timeout=30)


def calls(response) -> int:
    return int(response.json()["calls"])


# -- TOKEN authorizers: the decision table ---------------------------------------------------

@pytest.mark.parametrize("word, status, body, error_type", [
    ("allow", 200, None, None),
    ("all", 200, None, None),
    ("deny", 403, json.dumps({"Message": EXPLICIT}, separators=(",", ":")).encode(),
     "AccessDeniedException"),
    ("deny-all", 403, json.dumps({"Message": EXPLICIT}, separators=(",", ":")).encode(),
     "AccessDeniedException"),
    ("elsewhere", 403, json.dumps({"Message": IMPLICIT}, separators=(",", ":")).encode(),
     "AccessDeniedException"),
    ("unauthorized", *UNAUTHORIZED),
    ("crash", *CONFIGURATION),
    ("malformed", *CONFIGURATION),
    ("null", *CONFIGURATION),
    ("context-object", *CONFIGURATION),
])
def test_token_authorizer_decisions(gw, word, status, body, error_type):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri, authorizerResultTtlInSeconds=0))
    response = get(gw, api_id, "/items", token=word)
    assert response.status_code == status
    if status == 200:
        doc = response.json()
        assert doc["principalId"] == f"user-{word}"
        assert response.headers["X-Principal"] == f"user-{word}"
        return
    assert response.content == body
    assert response.headers["x-amzn-ErrorType"] == error_type
    assert response.headers["Content-Type"] == "application/json"


def test_token_event_and_context(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri), paths=("items/abc",))
    response = get(gw, api_id, "/items/abc", token="allow")
    assert response.status_code == 200
    doc = response.json()
    assert event_of(doc) == {
        "type": "TOKEN", "authorizationToken": "allow",
        "methodArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/dev/GET/items/abc"}
    # context values reach $context.authorizer as strings; integrationLatency is the call's
    assert (doc["calls"], doc["word"], doc["flag"], doc["ratio"]) == ("1", "allow", "true",
                                                                      "1.5")
    assert int(doc["latency"]) >= 0


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}])
def test_missing_token_is_401_without_calling(gw, headers):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri, authorizerResultTtlInSeconds=0))
    assert calls(get(gw, api_id, "/items", token="allow")) == 1
    response = get(gw, api_id, "/items", headers=headers)
    assert (response.status_code, response.content) == UNAUTHORIZED[:2]
    assert calls(get(gw, api_id, "/items", token="allow")) == 2  # nothing ran in between


def test_identity_validation_expression_is_checked_before_calling(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(
        uri, authorizerResultTtlInSeconds=0, identityValidationExpression="^(allow|deny)$"))
    assert calls(get(gw, api_id, "/items", token="allow")) == 1
    response = get(gw, api_id, "/items", token="allowed")  # a whole-token match is needed
    assert (response.status_code, response.content) == UNAUTHORIZED[:2]
    assert get(gw, api_id, "/items", token="deny").status_code == 403
    assert calls(get(gw, api_id, "/items", token="allow")) == 3


# -- REQUEST authorizers ---------------------------------------------------------------------

REQUEST_SOURCES = ("method.request.header.X-Tenant, method.request.querystring.word, "
                   "stageVariables.realm, context.httpMethod")


def request_api(gw, **more):
    uri = add_function(gw)
    return guarded_api(gw, {"type": "REQUEST", "authorizerUri": uri,
                            "identitySource": REQUEST_SOURCES,
                            "authorizerResultTtlInSeconds": 0, **more},
                       variables={"realm": "north"})[0]


def test_request_authorizer_event(gw):
    api_id = request_api(gw)
    response = get(gw, api_id, "/items", headers={"X-Tenant": "acme"},
                   params=[("word", "allow"), ("other", "1"), ("other", "2")])
    assert response.status_code == 200
    event = event_of(response.json())
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/dev/GET/items"
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/items", "/items", "GET")
    assert event["headers"]["X-Tenant"] == "acme"
    assert event["multiValueHeaders"]["X-Tenant"] == ["acme"]
    assert event["queryStringParameters"] == {"word": "allow", "other": "2"}
    assert event["multiValueQueryStringParameters"] == {"word": ["allow"], "other": ["1", "2"]}
    assert event["pathParameters"] == {}
    assert event["stageVariables"] == {"realm": "north"}
    context = event["requestContext"]
    assert (context["apiId"], context["stage"], context["httpMethod"]) == (api_id, "dev", "GET")
    assert context["resourcePath"] == "/items"
    assert "authorizer" not in context and "body" not in event


@pytest.mark.parametrize("missing", ["header", "querystring", "stage variable"])
def test_request_authorizer_needs_every_identity_source(gw, missing):
    api_id = request_api(gw)
    headers = {} if missing == "header" else {"X-Tenant": "acme"}
    params = {} if missing == "querystring" else {"word": "allow"}
    if missing == "stage variable":
        gw.client().create_deployment(restApiId=api_id, stageName="bare")
    stage = "bare" if missing == "stage variable" else "dev"
    response = get(gw, api_id, "/items", headers=headers, params=params, stage=stage)
    assert (response.status_code, response.content) == UNAUTHORIZED[:2]
    ok = get(gw, api_id, "/items", headers={"X-Tenant": "acme"}, params={"word": "allow"})
    assert calls(ok) == 1  # the refused request called nothing


def test_request_authorizer_without_identity_sources_always_calls(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, {"type": "REQUEST", "authorizerUri": uri,
                                 "authorizerResultTtlInSeconds": 0})
    assert calls(get(gw, api_id, "/items")) == 1
    assert calls(get(gw, api_id, "/items")) == 2
    assert get(gw, api_id, "/items", params={"word": "unauthorized"}).status_code == 401


# -- caching ---------------------------------------------------------------------------------

def test_answers_are_cached_by_token_until_the_ttl_passes(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri, authorizerResultTtlInSeconds=60))
    freeze(gw)
    first = get(gw, api_id, "/items", token="allow")
    assert calls(first) == 1 and int(first.json()["latency"]) >= 0
    cached = get(gw, api_id, "/items", token="allow")
    assert calls(cached) == 1 and cached.json()["latency"] == "0"
    assert calls(get(gw, api_id, "/items", token="all")) == 2  # another token, another call
    advance(gw, 59)
    assert calls(get(gw, api_id, "/items", token="allow")) == 1
    advance(gw, 1)
    assert calls(get(gw, api_id, "/items", token="allow")) == 3


def test_default_ttl_is_300_seconds_and_flush_empties_the_cache(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri))
    freeze(gw)
    assert calls(get(gw, api_id, "/items", token="allow")) == 1
    advance(gw, 299)
    assert calls(get(gw, api_id, "/items", token="allow")) == 1
    flushed = gw.client().flush_stage_authorizers_cache(restApiId=api_id, stageName="dev")
    assert flushed["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert calls(get(gw, api_id, "/items", token="allow")) == 2
    advance(gw, 300)
    assert calls(get(gw, api_id, "/items", token="allow")) == 3


def test_cache_is_per_stage(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri))
    gw.client().create_deployment(restApiId=api_id, stageName="prod")
    freeze(gw)
    assert calls(get(gw, api_id, "/items", token="allow")) == 1
    assert calls(get(gw, api_id, "/items", token="allow", stage="prod")) == 2
    gw.client().flush_stage_authorizers_cache(restApiId=api_id, stageName="prod")
    assert calls(get(gw, api_id, "/items", token="allow")) == 1


def test_cached_policy_is_judged_against_each_method_arn(gw):
    """The classic surprise: an answer cached for /items denies /other to the same token."""
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri), paths=("items", "other"))
    freeze(gw)
    assert get(gw, api_id, "/items", token="items-only").status_code == 200
    response = get(gw, api_id, "/other", token="items-only")
    assert response.status_code == 403
    assert response.json() == {"Message": IMPLICIT}
    gw.client().flush_stage_authorizers_cache(restApiId=api_id, stageName="dev")
    assert get(gw, api_id, "/other", token="all").status_code == 200


def test_failures_are_not_cached(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri, identityValidationExpression=".+"))
    freeze(gw)
    for _ in range(2):
        assert get(gw, api_id, "/items", token="crash").status_code == 500
        assert get(gw, api_id, "/items", token="unauthorized").status_code == 401
    assert calls(get(gw, api_id, "/items", token="allow")) == 5


def test_flush_of_unknown_stage_or_api(gw):
    from botocore.exceptions import ClientError

    c = gw.client()
    api_id = c.create_rest_api(name="x")["id"]
    with pytest.raises(ClientError) as exc:
        c.flush_stage_authorizers_cache(restApiId=api_id, stageName="nope")
    assert error_of(exc) == ("NotFoundException", "Invalid stage identifier specified", 404)
    with pytest.raises(ClientError) as exc:
        c.flush_stage_authorizers_cache(restApiId="missing", stageName="dev")
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid API identifier specified {ACCOUNT}:missing", 404)


# -- what the answer grants ------------------------------------------------------------------

PROXY_ECHO = """
    import json
    def handler(event, context):
        return {"statusCode": 200, "body": json.dumps(event["requestContext"])}
"""


def test_context_reaches_the_proxy_event(gw):
    uri = add_function(gw)
    backend = add_function(gw, "backend", PROXY_ECHO)
    c = gw.client()
    api_id, _ = guarded_api(gw, token_authorizer(uri))
    root = c.get_resources(restApiId=api_id)["items"]
    items = next(r for r in root if r["path"] == "/items")["id"]
    c.put_integration(restApiId=api_id, resourceId=items, httpMethod="GET", type="AWS_PROXY",
                      integrationHttpMethod="POST", uri=backend)
    c.create_deployment(restApiId=api_id, stageName="dev")
    authorizer = get(gw, api_id, "/items", token="allow").json()["authorizer"]
    assert isinstance(authorizer.pop("integrationLatency"), int)
    assert authorizer.pop("event")
    assert authorizer == {"principalId": "user-allow", "calls": "1", "word": "allow",
                          "flag": "true", "ratio": "1.5"}


def test_usage_identifier_key_feeds_api_keys(gw):
    c = gw.client()
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri, authorizerResultTtlInSeconds=0),
                            method={"apiKeyRequired": True}, apiKeySource="AUTHORIZER")
    key = c.create_api_key(name="k", enabled=True, value="k" * 20)
    plan = c.create_usage_plan(name="p", apiStages=[{"apiId": api_id, "stage": "dev"}])
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    granted = get(gw, api_id, "/items", token="key:" + "k" * 20)
    assert granted.status_code == 200
    assert granted.json()["apiKey"] == "k" * 20
    for word in ("allow", "key:unknownkeyvalue00"):  # no key, or a key of no plan
        refused = get(gw, api_id, "/items", token=word, headers={"x-api-key": "k" * 20})
        assert (refused.status_code, refused.content) == (403, b'{"message":"Forbidden"}')


def test_usage_identifier_key_is_ignored_with_header_api_keys(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri))
    response = get(gw, api_id, "/items", token="key:" + "k" * 20)
    assert response.status_code == 200
    assert response.json()["apiKey"] == ""


def test_gateway_responses_customise_authorizer_errors(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri, authorizerResultTtlInSeconds=0))
    c = gw.client()
    c.put_gateway_response(restApiId=api_id, responseType="ACCESS_DENIED", statusCode="401",
                           responseTemplates={"application/json":
                                              '{"denied": $context.error.messageString}'})
    c.put_gateway_response(restApiId=api_id, responseType="DEFAULT_5XX",
                           responseParameters={"gatewayresponse.header.X-Why":
                                               "'authorizer'"})
    c.create_deployment(restApiId=api_id, stageName="dev")
    denied = get(gw, api_id, "/items", token="deny")
    assert (denied.status_code, denied.json()) == (401, {"denied": EXPLICIT})
    failed = get(gw, api_id, "/items", token="crash")
    assert (failed.status_code, failed.headers["X-Why"]) == (500, "authorizer")
    assert failed.headers["x-amzn-ErrorType"] == "AuthorizerConfigurationException"


def policy_with(effect: str, resource: str = "execute-api:/*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": effect, "Principal": "*", "Action": "execute-api:Invoke",
         "Resource": resource}]})


def test_resource_policy_and_authorizer_combine_as_aws_table_a(gw):
    """An authorizer policy silent about the method is overruled by a resource policy Allow;
    a resource policy Deny stops the request before the authorizer runs."""
    uri = add_function(gw)
    allowing, _ = guarded_api(gw, token_authorizer(uri, authorizerResultTtlInSeconds=0),
                              policy=policy_with("Allow"))
    assert get(gw, allowing, "/items", token="elsewhere").status_code == 200
    denied = get(gw, allowing, "/items", token="deny")
    assert (denied.status_code, denied.json()) == (403, {"Message": EXPLICIT})
    denying, _ = guarded_api(gw, token_authorizer(uri, authorizerResultTtlInSeconds=0),
                             policy=policy_with("Deny", "execute-api:/*/GET/items"),
                             paths=("items", "open"))
    refused = get(gw, denying, "/items", token="all")
    assert refused.status_code == 403
    assert refused.json()["Message"].startswith("User: anonymous is not authorized to perform: "
                                                "execute-api:Invoke on resource: ")
    assert refused.json()["Message"].endswith(
        f"{denying}/dev/GET/items with an explicit deny in a resource-based policy")
    assert calls(get(gw, denying, "/open", token="all")) == 3  # the refused call ran nothing


# -- invoking the function -------------------------------------------------------------------

def test_function_permissions_are_honoured(gw):
    lam = gw.client("lambda")
    uri = add_function(gw)
    api_id, auth_id = guarded_api(gw, token_authorizer(uri, authorizerResultTtlInSeconds=0))
    lam.add_permission(FunctionName="authorizer", StatementId="other-api",
                       Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:other/*")
    refused = get(gw, api_id, "/items", token="allow")
    assert (refused.status_code, refused.content) == CONFIGURATION[:2]
    lam.add_permission(FunctionName="authorizer", StatementId="this-authorizer",
                       Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/"
                                 f"authorizers/{auth_id}")
    assert get(gw, api_id, "/items", token="allow").status_code == 200


def test_authorizer_credentials_need_no_resource_policy(gw):
    lam = gw.client("lambda")
    uri = add_function(gw)
    lam.add_permission(FunctionName="authorizer", StatementId="nobody",
                       Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:other/*")
    role = f"arn:aws:iam::{ACCOUNT}:role/apigateway-invokes-lambda"
    api_id, _ = guarded_api(gw, token_authorizer(uri, authorizerCredentials=role))
    assert get(gw, api_id, "/items", token="allow").status_code == 200


def test_unknown_function_is_a_configuration_error(gw):
    from tests.authorizer_support import function_uri

    api_id, _ = guarded_api(gw, token_authorizer(function_uri("missing")))
    response = get(gw, api_id, "/items", token="allow")
    assert (response.status_code, response.content) == CONFIGURATION[:2]
    assert response.headers["x-amzn-ErrorType"] == CONFIGURATION[2]


def test_stage_variables_in_the_authorizer_uri(gw):
    uri = add_function(gw, "authorizer-blue")
    api_id, _ = guarded_api(gw, token_authorizer(uri.replace(
        "authorizer-blue", "authorizer-${stageVariables.color}")), variables={"color": "blue"})
    assert get(gw, api_id, "/items", token="allow").json()["principalId"] == "user-allow"


def test_zip_function_timeout_is_a_configuration_error(gw):
    create(gw.client("lambda"), "slow", """
        import time
        def handler(event, context):
            time.sleep(3)
    """, Timeout=1)
    from tests.authorizer_support import function_uri

    api_id, _ = guarded_api(gw, token_authorizer(function_uri("slow")))
    response = get(gw, api_id, "/items", token="allow")
    assert (response.status_code, response.content) == CONFIGURATION[:2]


def test_methods_without_authorization_run_no_authorizer(gw):
    uri = add_function(gw)
    api_id, _ = guarded_api(gw, token_authorizer(uri), authorization="NONE")
    response = get(gw, api_id, "/items")
    assert response.status_code == 200
    assert response.json()["principalId"] == ""

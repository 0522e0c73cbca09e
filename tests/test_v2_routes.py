"""apigatewayv2 routes and route responses: route keys, targets, authorization, WebSocket-only
members, request parameters."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:hello"


@pytest.fixture
def v2(gw):
    return gw.client("apigatewayv2")


@pytest.fixture
def http(v2):
    api_id = v2.create_api(Name="http", ProtocolType="HTTP")["ApiId"]
    integration_id = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                           IntegrationUri=LAMBDA,
                                           PayloadFormatVersion="2.0")["IntegrationId"]
    return v2, api_id, integration_id


@pytest.fixture
def ws(v2):
    api_id = v2.create_api(Name="ws", ProtocolType="WEBSOCKET",
                           RouteSelectionExpression="$request.body.action")["ApiId"]
    return v2, api_id


def test_route_crud(http):
    v2, api_id, integration_id = http
    route = v2.create_route(ApiId=api_id, RouteKey="GET /pets/{petId}",
                            Target=f"integrations/{integration_id}", OperationName="getPet")
    assert route["ResponseMetadata"]["HTTPStatusCode"] == 201
    route_id = route["RouteId"]
    assert len(route_id) == 7
    expected = {"ApiKeyRequired": False, "AuthorizationType": "NONE", "OperationName": "getPet",
                "RouteId": route_id, "RouteKey": "GET /pets/{petId}",
                "Target": f"integrations/{integration_id}"}
    assert {k: v for k, v in route.items() if k != "ResponseMetadata"} == expected
    got = v2.get_route(ApiId=api_id, RouteId=route_id)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == expected
    out = v2.update_route(ApiId=api_id, RouteId=route_id, RouteKey="ANY /pets/{proxy+}")
    assert out["RouteKey"] == "ANY /pets/{proxy+}" and out["OperationName"] == "getPet"
    assert [r["RouteKey"] for r in v2.get_routes(ApiId=api_id)["Items"]] == [
        "ANY /pets/{proxy+}"]
    assert v2.delete_route(ApiId=api_id, RouteId=route_id)["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        v2.get_route(ApiId=api_id, RouteId=route_id)
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid Route identifier specified {route_id}", 404)


@pytest.mark.parametrize("key", ["$default", "GET /", "POST /a/b/c", "ANY /{proxy+}",
                                 "DELETE /a/{b}/c", "OPTIONS /x.json", "GET /a/{b}/{c+}"])
def test_valid_http_route_keys(http, key):
    v2, api_id, _ = http
    assert v2.create_route(ApiId=api_id, RouteKey=key)["RouteKey"] == key


@pytest.mark.parametrize(("key", "message"), [
    ("FETCH /x", "Invalid route key specified: FETCH /x. An HTTP API route key is $default or "
     "an HTTP method (ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT) and a path starting "
     "with /, for example GET /pets"),
    ("GET", None), ("get /x", None), ("$connect", None),
    ("GET /a/{id}.json", "One or more path parts appear to be invalid"),
    ("GET /{proxy+}/x", "One or more path parts appear to be invalid"),
    ("GET /a//b", "One or more path parts appear to be invalid"),
    ("GET /{id}/{id}", "One or more path parts appear to be invalid"),
])
def test_invalid_http_route_keys(http, key, message):
    v2, api_id, _ = http
    with pytest.raises(ClientError) as exc:
        v2.create_route(ApiId=api_id, RouteKey=key)
    code, got, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    if message is not None:
        assert got == message
    assert v2.get_routes(ApiId=api_id)["Items"] == []


def test_duplicate_route_key_conflicts(http):
    v2, api_id, _ = http
    first = v2.create_route(ApiId=api_id, RouteKey="GET /a")["RouteId"]
    second = v2.create_route(ApiId=api_id, RouteKey="GET /b")["RouteId"]
    with pytest.raises(ClientError) as exc:
        v2.create_route(ApiId=api_id, RouteKey="GET /a")
    assert error_of(exc) == ("ConflictException",
                             "Route with key GET /a already exists for this API", 409)
    with pytest.raises(ClientError) as exc:
        v2.update_route(ApiId=api_id, RouteId=second, RouteKey="GET /a")
    assert error_of(exc)[0] == "ConflictException"
    assert v2.update_route(ApiId=api_id, RouteId=first, RouteKey="GET /a")["RouteKey"] == "GET /a"


def test_route_target_must_be_an_integration_of_the_api(http):
    v2, api_id, integration_id = http
    for target in ("integrations/nope123", "lambda", integration_id):
        with pytest.raises(ClientError) as exc:
            v2.create_route(ApiId=api_id, RouteKey="GET /x", Target=target)
        assert error_of(exc) == (
            "BadRequestException", f"Invalid Target specified: {target}. A route target must "
            "be integrations/{IntegrationId} of an integration of this API", 400)
    route_id = v2.create_route(ApiId=api_id, RouteKey="GET /x",
                               Target=f"integrations/{integration_id}")["RouteId"]
    with pytest.raises(ClientError) as exc:
        v2.delete_integration(ApiId=api_id, IntegrationId=integration_id)
    assert error_of(exc) == (
        "BadRequestException", f"Integration {integration_id} is the target of route(s) "
        f"[{route_id}]: update or delete those routes first", 400)


def test_route_authorization(http):
    v2, api_id, _ = http
    jwt = v2.create_authorizer(ApiId=api_id, AuthorizerType="JWT", Name="jwt",
                               IdentitySource=["$request.header.Authorization"],
                               JwtConfiguration={"Issuer": "https://issuer.example",
                                                 "Audience": ["me"]})["AuthorizerId"]
    route = v2.create_route(ApiId=api_id, RouteKey="GET /me", AuthorizationType="JWT",
                            AuthorizerId=jwt, AuthorizationScopes=["read"])
    assert (route["AuthorizationType"], route["AuthorizerId"], route["AuthorizationScopes"]) == (
        "JWT", jwt, ["read"])
    cleared = v2.update_route(ApiId=api_id, RouteId=route["RouteId"], AuthorizationType="NONE")
    assert "AuthorizerId" not in cleared and "AuthorizationScopes" not in cleared
    for kwargs, message in [
        ({"AuthorizationType": "JWT"}, "An authorizer must be specified for authorization type "
                                       "JWT"),
        ({"AuthorizationType": "CUSTOM", "AuthorizerId": jwt},
         f"Authorization type CUSTOM requires an authorizer of type REQUEST, but {jwt} is JWT"),
        ({"AuthorizationType": "JWT", "AuthorizerId": "zzzzzz"},
         "Invalid authorizer identifier specified zzzzzz"),
        ({"AuthorizationType": "AWS_IAM", "AuthorizationScopes": ["x"]},
         "Authorization scopes are supported only for routes with JWT authorization"),
        ({"ApiKeyRequired": True}, "API keys are supported only for WebSocket APIs"),
        ({"RequestParameters": {"route.request.header.x": {"Required": True}}},
         "RequestParameters is supported only for WebSocket APIs"),
    ]:
        with pytest.raises(ClientError) as exc:
            v2.create_route(ApiId=api_id, RouteKey="GET /x", **kwargs)
        assert error_of(exc) == ("BadRequestException", message, 400)


def test_websocket_routes(ws):
    v2, api_id = ws
    authorizer = v2.create_authorizer(
        ApiId=api_id, AuthorizerType="REQUEST", Name="auth",
        AuthorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{LAMBDA}"
                      "/invocations",
        IdentitySource=["route.request.header.Auth"])["AuthorizerId"]
    connect = v2.create_route(ApiId=api_id, RouteKey="$connect", AuthorizationType="CUSTOM",
                              AuthorizerId=authorizer, ApiKeyRequired=True,
                              RequestParameters={"route.request.header.Auth": {"Required": True},
                                                 "route.request.querystring.t": {
                                                     "Required": False}})
    assert connect["ApiKeyRequired"] is True
    assert connect["RequestParameters"]["route.request.header.Auth"] == {"Required": True}
    v2.create_model(ApiId=api_id, Name="Msg", Schema='{"type": "object"}')
    send = v2.create_route(ApiId=api_id, RouteKey="sendMessage", RequestModels={"$default": "Msg"},
                           ModelSelectionExpression="$default",
                           RouteResponseSelectionExpression="$default")
    assert send["RequestModels"] == {"$default": "Msg"}
    assert v2.delete_route_request_parameter(
        ApiId=api_id, RouteId=connect["RouteId"],
        RequestParameterKey="route.request.querystring.t")["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    assert v2.get_route(ApiId=api_id, RouteId=connect["RouteId"])["RequestParameters"] == {
        "route.request.header.Auth": {"Required": True}}
    with pytest.raises(ClientError) as exc:
        v2.delete_route_request_parameter(ApiId=api_id, RouteId=connect["RouteId"],
                                          RequestParameterKey="route.request.querystring.t")
    assert error_of(exc) == ("NotFoundException", "Invalid request parameter key specified "
                             "route.request.querystring.t", 404)
    for kwargs, message in [
        ({"RouteKey": "$disconnect", "AuthorizationType": "CUSTOM",
          "AuthorizerId": authorizer},
         "Currently, authorization is restricted to the $connect route only"),
        ({"RouteKey": "x", "AuthorizationType": "JWT"},
         "Authorization type JWT is supported only for HTTP APIs"),
        ({"RouteKey": "$weird"}, "Invalid route key specified: $weird. Route keys starting with "
                                 "$ are reserved for $connect, $disconnect, $default"),
        ({"RouteKey": "x", "RequestModels": {"$default": "Nope"}},
         "Invalid model specified: Model Nope does not exist"),
        ({"RouteKey": "x", "RequestParameters": {"header.x": {"Required": True}}},
         "Invalid route request parameter specified: header.x. Use route.request.header.{name} "
         "or route.request.querystring.{name}"),
        ({"RouteKey": "x", "RouteResponseSelectionExpression": "$request.body.x"},
         "Invalid route response selection expression specified: $request.body.x. Only "
         "$default is supported"),
    ]:
        with pytest.raises(ClientError) as exc:
            v2.create_route(ApiId=api_id, **kwargs)
        assert error_of(exc) == ("BadRequestException", message, 400)


def test_route_responses(ws, http):
    v2, api_id = ws
    route_id = v2.create_route(ApiId=api_id, RouteKey="echo")["RouteId"]
    response = v2.create_route_response(ApiId=api_id, RouteId=route_id,
                                        RouteResponseKey="$default")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    response_id = response["RouteResponseId"]
    assert response["RouteResponseKey"] == "$default"
    v2.create_model(ApiId=api_id, Name="Out", Schema='{"type": "object"}')
    updated = v2.update_route_response(ApiId=api_id, RouteId=route_id,
                                       RouteResponseId=response_id,
                                       ResponseModels={"$default": "Out"},
                                       ModelSelectionExpression="$default")
    assert updated["ResponseModels"] == {"$default": "Out"}
    assert [r["RouteResponseId"] for r in v2.get_route_responses(
        ApiId=api_id, RouteId=route_id)["Items"]] == [response_id]
    assert v2.get_route_response(ApiId=api_id, RouteId=route_id,
                                 RouteResponseId=response_id)["ResponseModels"] == {
        "$default": "Out"}
    with pytest.raises(ClientError) as exc:
        v2.create_route_response(ApiId=api_id, RouteId=route_id, RouteResponseKey="$default")
    assert error_of(exc)[0] == "ConflictException"
    with pytest.raises(ClientError) as exc:
        v2.create_route_response(ApiId=api_id, RouteId=route_id, RouteResponseKey="ok")
    assert error_of(exc) == ("BadRequestException", "Invalid route response key specified: ok. "
                             "Only $default is supported", 400)
    v2.delete_route_response(ApiId=api_id, RouteId=route_id, RouteResponseId=response_id)
    with pytest.raises(ClientError) as exc:
        v2.get_route_response(ApiId=api_id, RouteId=route_id, RouteResponseId=response_id)
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid RouteResponse identifier specified {response_id}", 404)
    _, http_id, _ = http
    http_route = v2.create_route(ApiId=http_id, RouteKey="GET /")["RouteId"]
    with pytest.raises(ClientError) as exc:
        v2.create_route_response(ApiId=http_id, RouteId=http_route, RouteResponseKey="$default")
    assert error_of(exc) == ("BadRequestException",
                             "Route responses are supported only for WebSocket APIs", 400)


def test_a_path_variable_named_differently_at_the_same_level_conflicts(http):
    """AWS (a CloudFormation failure, verbatim): one tree of paths per API, so a variable
    has one name at each level, whatever the route's method."""
    v2, api_id, _ = http
    v2.create_route(ApiId=api_id, RouteKey="GET /orgs/{orgId}/stages/{stage_id}/questions")
    with pytest.raises(ClientError) as exc:
        v2.create_route(ApiId=api_id, RouteKey="DELETE /orgs/{orgId}/stages/{stageId}")
    assert error_of(exc) == (
        "ConflictException", 'The provided route key "DELETE /orgs/{orgId}/stages/{stageId}" '
        'has a conflicting variable on the same hierarchical level as '
        '"GET /orgs/{orgId}/stages/{stage_id}/questions"', 409)
    for key in ("DELETE /orgs/{orgId}/stages/{stage_id}", "GET /orgs/{orgId}/members/{id}",
                "GET /orgs/{proxy+}", "GET /users/{userId}"):
        v2.create_route(ApiId=api_id, RouteKey=key)
    renamed = v2.create_route(ApiId=api_id, RouteKey="GET /teams/{teamId}")["RouteId"]
    with pytest.raises(ClientError) as exc:
        v2.update_route(ApiId=api_id, RouteId=renamed, RouteKey="GET /orgs/{org}")
    assert error_of(exc)[0] == "ConflictException"
    assert v2.get_route(ApiId=api_id, RouteId=renamed)["RouteKey"] == "GET /teams/{teamId}"

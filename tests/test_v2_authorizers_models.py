"""apigatewayv2 authorizers (JWT, Lambda REQUEST for HTTP and WebSocket APIs) and models
(WebSocket APIs, GetModelTemplate)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of
from tests.support import without_metadata as _body

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:auth"
INVOKE = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{LAMBDA}/invocations"


def test_jwt_authorizer(v2_http_api):
    v2, api_id = v2_http_api
    created = v2.create_authorizer(
        ApiId=api_id, AuthorizerType="JWT", Name="cognito",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": "http://localhost:9000/issuer", "Audience": ["app"]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    authorizer_id = created["AuthorizerId"]
    assert len(authorizer_id) == 6
    assert _body(created) == {
        "AuthorizerId": authorizer_id, "AuthorizerType": "JWT",
        "IdentitySource": ["$request.header.Authorization"],
        "JwtConfiguration": {"Issuer": "http://localhost:9000/issuer", "Audience": ["app"]},
        "Name": "cognito"}
    out = v2.update_authorizer(ApiId=api_id, AuthorizerId=authorizer_id,
                               JwtConfiguration={"Issuer": "https://issuer.example",
                                                 "Audience": ["a", "b"]})
    assert out["JwtConfiguration"]["Audience"] == ["a", "b"] and out["Name"] == "cognito"
    assert [a["AuthorizerId"] for a in v2.get_authorizers(ApiId=api_id)["Items"]] == [
        authorizer_id]
    route_id = v2.create_route(ApiId=api_id, RouteKey="GET /me", AuthorizationType="JWT",
                               AuthorizerId=authorizer_id)["RouteId"]
    with pytest.raises(ClientError) as exc:
        v2.delete_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
    assert error_of(exc) == ("BadRequestException", f"Authorizer {authorizer_id} is used by "
                             f"route(s) [{route_id}]: remove it from those routes first", 400)
    v2.delete_route(ApiId=api_id, RouteId=route_id)
    v2.delete_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
    with pytest.raises(ClientError) as exc:
        v2.get_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid Authorizer identifier specified {authorizer_id}", 404)


def test_lambda_request_authorizer_for_http_api(v2_http_api):
    v2, api_id = v2_http_api
    created = v2.create_authorizer(
        ApiId=api_id, AuthorizerType="REQUEST", Name="lambda", AuthorizerUri=INVOKE,
        AuthorizerPayloadFormatVersion="2.0", EnableSimpleResponses=True,
        AuthorizerResultTtlInSeconds=300,
        IdentitySource=["$request.header.Authorization", "$context.routeKey"],
        AuthorizerCredentialsArn="arn:aws:iam::123456789012:role/invoke")
    assert _body(created) == {
        "AuthorizerCredentialsArn": "arn:aws:iam::123456789012:role/invoke",
        "AuthorizerId": created["AuthorizerId"], "AuthorizerPayloadFormatVersion": "2.0",
        "AuthorizerResultTtlInSeconds": 300, "AuthorizerType": "REQUEST",
        "AuthorizerUri": INVOKE, "EnableSimpleResponses": True,
        "IdentitySource": ["$request.header.Authorization", "$context.routeKey"],
        "Name": "lambda"}
    uncached = v2.create_authorizer(ApiId=api_id, AuthorizerType="REQUEST", Name="nocache",
                                    AuthorizerUri=INVOKE, AuthorizerPayloadFormatVersion="1.0",
                                    IdentitySource=[])
    assert uncached["AuthorizerResultTtlInSeconds"] == 0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"AuthorizerType": "REQUEST", "AuthorizerUri": INVOKE,
      "IdentitySource": ["$request.header.A"]},
     "AuthorizerPayloadFormatVersion is required for REQUEST authorizers of HTTP APIs"),
    ({"AuthorizerType": "REQUEST", "AuthorizerUri": INVOKE, "AuthorizerPayloadFormatVersion":
      "1.0", "EnableSimpleResponses": True, "IdentitySource": ["$request.header.A"]},
     "EnableSimpleResponses is supported only for authorizers with payload format version 2.0"),
    ({"AuthorizerType": "REQUEST", "AuthorizerUri": LAMBDA, "AuthorizerPayloadFormatVersion":
      "2.0", "IdentitySource": ["$request.header.A"]},
     f"Invalid authorizer URI specified: {LAMBDA}. Use arn:aws:apigateway:{{region}}:lambda:"
     "path/2015-03-31/functions/{function ARN}/invocations"),
    ({"AuthorizerType": "REQUEST", "AuthorizerUri": INVOKE, "AuthorizerPayloadFormatVersion":
      "2.0", "IdentitySource": [], "AuthorizerResultTtlInSeconds": 60},
     "IdentitySource is required when authorizer caching is enabled "
     "(AuthorizerResultTtlInSeconds > 0)"),
    ({"AuthorizerType": "REQUEST", "AuthorizerUri": INVOKE, "AuthorizerPayloadFormatVersion":
      "2.0", "IdentitySource": ["header.A"]}, "Invalid identity source specified: header.A"),
    ({"AuthorizerType": "JWT", "IdentitySource": ["$request.header.A"]},
     "JwtConfiguration.Issuer is required for JWT authorizers"),
    ({"AuthorizerType": "JWT", "IdentitySource": ["$request.header.A"],
      "JwtConfiguration": {"Issuer": "issuer"}},
     "Invalid issuer specified: issuer. The issuer must be a URL"),
    ({"AuthorizerType": "JWT", "IdentitySource": ["$request.header.A", "$request.header.B"],
      "JwtConfiguration": {"Issuer": "https://i.example"}},
     "A JWT authorizer needs exactly one identity source, a header or query string (for "
     "example $request.header.Authorization)"),
    ({"AuthorizerType": "JWT", "IdentitySource": ["$request.header.A"],
      "JwtConfiguration": {"Issuer": "https://i.example"}, "AuthorizerUri": INVOKE},
     "AuthorizerUri is not supported for JWT authorizers"),
    ({"AuthorizerType": "JWT", "IdentitySource": ["$request.header.A"],
      "JwtConfiguration": {"Issuer": "https://i.example"},
      "AuthorizerResultTtlInSeconds": 4000}, None),
])
def test_http_authorizer_refusals(v2_http_api, kwargs, message):
    v2, api_id = v2_http_api
    with pytest.raises(ClientError) as exc:
        v2.create_authorizer(ApiId=api_id, Name="a", **kwargs)
    code, got, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    if message is not None:
        assert got == message
    assert v2.get_authorizers(ApiId=api_id)["Items"] == []


def test_websocket_authorizers(v2_websocket_api):
    v2, api_id = v2_websocket_api
    out = v2.create_authorizer(ApiId=api_id, AuthorizerType="REQUEST", Name="connect",
                               AuthorizerUri=INVOKE,
                               IdentitySource=["route.request.header.Auth",
                                               "route.request.querystring.token"])
    assert out["IdentitySource"] == ["route.request.header.Auth",
                                     "route.request.querystring.token"]
    assert "AuthorizerResultTtlInSeconds" not in out  # no caching on WebSocket APIs
    ttl_refused = ("BadRequestException",
                   "AuthorizerResultTtlInSeconds cannot be set for WEBSOCKET protocol Apis.", 400)
    for ttl in (300, 0):
        with pytest.raises(ClientError) as exc:
            v2.update_authorizer(ApiId=api_id, AuthorizerId=out["AuthorizerId"],
                                 AuthorizerResultTtlInSeconds=ttl)
        assert error_of(exc) == ttl_refused
    renamed = v2.update_authorizer(ApiId=api_id, AuthorizerId=out["AuthorizerId"], Name="c2")
    assert (renamed["Name"], "AuthorizerResultTtlInSeconds" in renamed) == ("c2", False)
    got = v2.get_authorizer(ApiId=api_id, AuthorizerId=out["AuthorizerId"])
    assert (got["Name"], "AuthorizerResultTtlInSeconds" in got) == ("c2", False)
    for kwargs, message in [
        ({"AuthorizerType": "JWT", "IdentitySource": ["$request.header.A"]},
         "Invalid identity source specified: $request.header.A"),
        ({"AuthorizerType": "JWT", "IdentitySource": ["route.request.header.A"],
          "JwtConfiguration": {"Issuer": "https://i.example"}},
         "JWT authorizers are supported only for HTTP APIs"),
        ({"AuthorizerType": "REQUEST", "AuthorizerUri": INVOKE,
          "IdentitySource": ["route.request.header.A"], "AuthorizerPayloadFormatVersion": "2.0"},
         "AuthorizerPayloadFormatVersion is supported only for HTTP APIs"),
        ({"AuthorizerType": "REQUEST", "AuthorizerUri": INVOKE,
          "IdentitySource": ["route.request.header.A"], "AuthorizerResultTtlInSeconds": 300},
         ttl_refused[1]),
        ({"AuthorizerType": "REQUEST", "AuthorizerUri": INVOKE,
          "IdentitySource": ["route.request.header.A"], "AuthorizerResultTtlInSeconds": 0},
         ttl_refused[1]),
    ]:
        with pytest.raises(ClientError) as exc:
            v2.create_authorizer(ApiId=api_id, Name="x", **kwargs)
        assert error_of(exc) == ("BadRequestException", message, 400)
    for n in range(9):
        v2.create_authorizer(ApiId=api_id, AuthorizerType="REQUEST", Name=f"a{n}",
                             AuthorizerUri=INVOKE, IdentitySource=["route.request.header.A"])
    with pytest.raises(ClientError) as exc:
        v2.create_authorizer(ApiId=api_id, AuthorizerType="REQUEST", Name="eleventh",
                             AuthorizerUri=INVOKE, IdentitySource=["route.request.header.A"])
    assert error_of(exc) == ("BadRequestException",
                             "Maximum number of authorizers (10) reached for this API", 400)


def test_models_and_template(v2_websocket_api, v2_http_api):
    v2, api_id = v2_websocket_api
    item = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
            "properties": {"name": {"type": "string"}, "price": {"type": "number"}}}
    created = v2.create_model(ApiId=api_id, Name="Item", Schema=json.dumps(item),
                              Description="an item")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    model_id = created["ModelId"]
    assert _body(created) == {"ContentType": "application/json", "Description": "an item",
                              "ModelId": model_id, "Name": "Item", "Schema": json.dumps(item)}
    template = v2.get_model_template(ApiId=api_id, ModelId=model_id)["Value"]
    assert template == ('#set($inputRoot = $input.path(\'$\'))\n{\n  "name" : "foo",\n'
                        '  "price" : 3.1415\n}')
    out = v2.update_model(ApiId=api_id, ModelId=model_id, Description="changed",
                          ContentType="application/xml")
    assert (out["Description"], out["ContentType"], out["Name"]) == (
        "changed", "application/xml", "Item")
    assert [m["Name"] for m in v2.get_models(ApiId=api_id)["Items"]] == ["Item"]
    for kwargs, expected in [
        ({"Name": "Item", "Schema": "{}"},
         ("ConflictException", "Model name Item already exists for this API", 409)),
        ({"Name": "bad-name", "Schema": "{}"},
         ("BadRequestException", "Invalid model name specified: bad-name. Model names must be "
                                 "alphanumeric", 400)),
        ({"Name": "Broken", "Schema": "{not json"},
         ("BadRequestException", "Invalid model specified: Validation Result: warnings : [], "
                                 "errors : [Invalid model schema specified]", 400)),
        ({"Name": "Broken", "Schema": '{"type": 5}'},
         ("BadRequestException", "Invalid model specified: Validation Result: warnings : [], "
                                 "errors : [Invalid model schema specified]", 400)),
    ]:
        with pytest.raises(ClientError) as exc:
            v2.create_model(ApiId=api_id, **kwargs)
        assert error_of(exc) == expected
    v2.create_route(ApiId=api_id, RouteKey="add", RequestModels={"$default": "Item"})
    with pytest.raises(ClientError) as exc:
        v2.delete_model(ApiId=api_id, ModelId=model_id)
    assert error_of(exc) == ("ConflictException",
                             "Cannot delete model 'Item', is referenced in route: add", 409)
    with pytest.raises(ClientError) as exc:
        v2.get_model(ApiId=api_id, ModelId="nope12")
    assert error_of(exc) == ("NotFoundException", "Invalid Model identifier specified nope12",
                             404)
    _, http_id = v2_http_api
    with pytest.raises(ClientError) as exc:
        v2.create_model(ApiId=http_id, Name="M", Schema="{}")
    assert error_of(exc) == ("BadRequestException",
                             "Models are supported only for WebSocket APIs", 400)

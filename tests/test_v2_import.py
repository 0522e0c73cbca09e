"""ImportApi and ReimportApi: HTTP APIs from OpenAPI 3.0 documents (the developer guide's
own examples in tests/data/http_api), warnings and FailOnWarnings, Basepath modes,
errors for documents that are no OpenAPI 3.0, and reimport keeping the API."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError

from mockgw import control
from mockgw.mock import mock_apigateway
from tests.helpers import error_of
from tests.support import without_metadata

DATA = Path(__file__).parent / "data" / "http_api"
LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")
UNPARSABLE = "Unable to build importer with provided input."


def data(name: str) -> str:
    return (DATA / name).read_text()


@pytest.fixture
def v2(gw):
    return gw.client("apigatewayv2")


def document(paths: dict | None = None, **root) -> str:
    doc = {"openapi": "3.0.1", "info": {"title": "pets", "version": "1.0"},
           "paths": paths if paths is not None else {}, **root}
    return json.dumps(doc)


def lambda_proxy(function: str = "pets", version: str = "2.0") -> dict:
    return {"type": "aws_proxy", "httpMethod": "POST", "uri": LAMBDA_URI.format(function),
            "payloadFormatVersion": version}


def routes_of(v2, api_id: str) -> dict[str, dict]:
    return {r["RouteKey"]: r for r in v2.get_routes(ApiId=api_id)["Items"]}


def integration_of(v2, api_id: str, route: dict) -> dict:
    integration = v2.get_integration(ApiId=api_id,
                                     IntegrationId=route["Target"].split("/")[1])
    return {k: v for k, v in without_metadata(integration).items() if k != "IntegrationId"}


def import_error(v2, body: str, **kwargs) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as exc:
        v2.import_api(Body=body, **kwargs)
    return error_of(exc)


# -- the developer guide's examples ----------------------------------------------------------

def test_import_the_guides_pet_store_example_answers_as_aws_did(v2):
    """The guide's HTTP proxy example gives payloadFormatVersion as the number 1.0, which AWS
    reads as "1" and refuses; its answer (ImportInfo and warnings, in this order) was
    recorded from a real import."""
    api = v2.import_api(Body=data("petstore_http_proxy.json"))
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    api_id = api["ApiId"]
    assert without_metadata(api) == {
        "ApiEndpoint": f"https://{api_id}.execute-api.us-east-1.amazonaws.com",
        "ApiId": api_id, "ApiKeySelectionExpression": "$request.header.x-api-key",
        "CorsConfiguration": {
            "AllowHeaders": ["x-amzm-header", "x-apigateway-header", "x-api-key",
                             "authorization", "x-amz-date", "content-type"],
            "AllowMethods": ["GET", "OPTIONS", "POST"], "AllowOrigins": ["*"]},
        "CreatedDate": api["CreatedDate"], "Description": "A Pet Store API.",
        "DisableExecuteApiEndpoint": False,
        "ImportInfo": [
            "components: key [schemas] will be ignored by API Gateway",
            "paths./pets.post: key [requestBody] will be ignored by API Gateway",
            "paths./pets.post: key [responses] will be ignored by API Gateway",
            "paths./pets.get: key [responses] will be ignored by API Gateway",
            "paths./pets.get: key [parameters] will be ignored by API Gateway",
            "paths./pets/{petId}.get: key [responses] will be ignored by API Gateway",
            "paths./pets/{petId}.get: key [parameters] will be ignored by API Gateway"],
        "IpAddressType": "ipv4", "Name": "Example Pet Store", "ProtocolType": "HTTP",
        "RouteSelectionExpression": "$request.method $request.path", "Tags": {},
        "Version": "1.0",
        "Warnings": [
            "Unable to create integration for resource at path 'GET /pets': Unsupported "
            "PayloadFormatVersion: 1. Ignoring.",
            "Unable to create integration for resource at path 'POST /pets': Unsupported "
            "PayloadFormatVersion: 1. Ignoring.",
            "Unable to create integration for resource at path 'GET /pets/{petId}': "
            "Unsupported PayloadFormatVersion: 1. Ignoring."]}
    routes = routes_of(v2, api_id)
    assert {key: (r.get("Target"), r["OperationName"], r["AuthorizationType"])
            for key, r in routes.items()} == {
        "GET /pets": (None, "GET HTTP", "NONE"), "POST /pets": (None, "Create Pet", "NONE"),
        "GET /pets/{petId}": (None, "Get Pet", "NONE")}
    assert v2.get_integrations(ApiId=api_id)["Items"] == []
    got = without_metadata(v2.get_api(ApiId=api_id))
    assert "Warnings" not in got and got["Name"] == "Example Pet Store"


def test_the_pet_store_with_string_versions_gets_its_integrations(v2):
    doc = json.loads(data("petstore_http_proxy.json"))
    for item in doc["paths"].values():
        for operation in item.values():
            operation["x-amazon-apigateway-integration"]["payloadFormatVersion"] = "1.0"
    api = v2.import_api(Body=json.dumps(doc))
    assert "Warnings" not in api
    routes = routes_of(v2, api["ApiId"])
    assert integration_of(v2, api["ApiId"], routes["GET /pets/{petId}"]) == {
        "ConnectionType": "INTERNET", "IntegrationMethod": "GET",
        "IntegrationType": "HTTP_PROXY",
        "IntegrationUri": "http://petstore.execute-api.us-west-1.amazonaws.com/petstore/pets/"
                          "{petId}",
        "PayloadFormatVersion": "1.0", "TimeoutInMillis": 30000}


def test_import_the_guides_integrations_example_shares_component_integrations(v2):
    api = v2.import_api(Body=data("lambda_proxy_integrations.json"))
    assert "Warnings" not in api and "ImportInfo" not in api
    assert api["Description"] == "An API that reuses integrations"
    routes = routes_of(v2, api["ApiId"])
    assert sorted(routes) == ["GET /", "GET /checkout", "GET /pets"]
    assert routes["GET /"]["Target"] == routes["GET /pets"]["Target"] != \
        routes["GET /checkout"]["Target"]
    assert len(v2.get_integrations(ApiId=api["ApiId"])["Items"]) == 2
    assert integration_of(v2, api["ApiId"], routes["GET /checkout"]) == {
        "ConnectionType": "INTERNET", "IntegrationMethod": "POST",
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": "arn:aws:apigateway:us-east-2:lambda:path/2015-03-31/functions/"
                          "arn:aws:lambda:us-east-2:123456789012:function:example-function/"
                          "invocations",
        "PayloadFormatVersion": "1.0", "TimeoutInMillis": 30000}


def test_import_the_guides_authorizer_examples(v2):
    api = v2.import_api(Body=data("authorizers.yaml"))
    assert "Warnings" not in api
    api_id = api["ApiId"]
    authorizers = {a["Name"]: {k: v for k, v in a.items() if k != "AuthorizerId"}
                   for a in v2.get_authorizers(ApiId=api_id)["Items"]}
    jwt = {"AuthorizerType": "JWT", "IdentitySource": ["$request.header.Authorization"],
           "JwtConfiguration": {"Audience": ["audience1", "audience2"],
                                "Issuer": "https://cognito-idp.region.amazonaws.com/userPoolId"}}
    assert authorizers == {
        "jwt-authorizer-oauth": {**jwt, "Name": "jwt-authorizer-oauth"},
        # the issuer found from openIdConnectUrl
        "jwt-authorizer-autofind": {**jwt, "Name": "jwt-authorizer-autofind"},
        "lambda-authorizer": {
            "AuthorizerPayloadFormatVersion": "2.0", "AuthorizerResultTtlInSeconds": 300,
            "AuthorizerType": "REQUEST",
            "AuthorizerUri": "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/"
                             "arn:aws:lambda:us-west-2:123456789012:function:function-name/"
                             "invocations",
            "EnableSimpleResponses": True, "IdentitySource": ["$request.header.Authorization"],
            "Name": "lambda-authorizer"}}
    ids = {a["Name"]: a["AuthorizerId"] for a in v2.get_authorizers(ApiId=api_id)["Items"]}
    routes = routes_of(v2, api_id)
    assert {key: (r["AuthorizationType"], r.get("AuthorizerId"), r.get("AuthorizationScopes"))
            for key, r in routes.items()} == {
        "GET /pets": ("JWT", ids["jwt-authorizer-oauth"], ["pets/read"]),
        "DELETE /pets/{petId}": ("JWT", ids["jwt-authorizer-autofind"], None),
        "ANY /admin/{proxy+}": ("CUSTOM", ids["lambda-authorizer"], None)}


def test_yaml_and_json_documents_import_alike(v2):
    as_json = json.dumps(yaml.safe_load(data("authorizers.yaml")))
    first = v2.import_api(Body=data("authorizers.yaml"))["ApiId"]
    second = v2.import_api(Body=as_json)["ApiId"]

    def shape(api_id):
        return sorted((r["RouteKey"], r["AuthorizationType"]) for r in
                      v2.get_routes(ApiId=api_id)["Items"])
    assert shape(first) == shape(second)


def test_default_route_any_method_and_the_defaults_example(v2):
    """The guide's ``$default`` example (its payloadFormatVersion is the number 1.0 too),
    ``isDefaultRoute`` on another path, and ANY on a greedy path."""
    example = {"type": "AWS_PROXY", "httpMethod": "POST", "uri": LAMBDA_URI.format("HelloWorld"),
               "timeoutInMillis": 1000, "connectionType": "INTERNET", "payloadFormatVersion": 1.0}
    api = v2.import_api(Body=document({
        "/$default": {"x-amazon-apigateway-any-method": {
            "isDefaultRoute": True, "x-amazon-apigateway-integration": example}},
        "/{proxy+}": {"x-amazon-apigateway-any-method": {
            "x-amazon-apigateway-integration": lambda_proxy()}}}))
    assert api["Warnings"] == [
        "Unable to create integration for resource at path '$default': Unsupported "
        "PayloadFormatVersion: 1. Ignoring."]
    routes = routes_of(v2, api["ApiId"])
    assert sorted(routes) == ["$default", "ANY /{proxy+}"]
    assert "Target" not in routes["$default"]
    example["payloadFormatVersion"] = "2.0"
    api = v2.import_api(Body=document({"/anything": {"x-amazon-apigateway-any-method": {
        "isDefaultRoute": True, "x-amazon-apigateway-integration": example}}}))
    route = routes_of(v2, api["ApiId"])["$default"]
    assert integration_of(v2, api["ApiId"], route)["TimeoutInMillis"] == 1000


def test_a_default_path_without_a_slash_is_a_parse_issue_but_still_the_default_route(v2):
    """AWS warns about SAM's ``$default`` path (recorded: aws/serverless-application-model
    #2297) and still makes the ``$default`` route."""
    body = document({"$default": {"x-amazon-apigateway-any-method": {
        "isDefaultRoute": True, "x-amazon-apigateway-integration": lambda_proxy()}}})
    api = v2.import_api(Body=body)
    assert api["Warnings"] == ["Parse issue: attribute paths. Resource $default should start "
                               "with /"]
    assert list(routes_of(v2, api["ApiId"])) == ["$default"]
    assert import_error(v2, body, FailOnWarnings=True) == (
        "BadRequestException", "Warnings found during import:\n\tParse issue: attribute "
        "paths. Resource $default should start with /", 400)


def test_integration_fields_from_the_extension(v2):
    api = v2.import_api(Body=document({"/orders/{id}": {"put": {
        "operationId": "putOrder",
        "x-amazon-apigateway-integration": {
            "type": "http_proxy", "httpMethod": "put", "uri": "https://backend.example.com/{id}",
            "payloadFormatVersion": "1.0", "timeoutInMillis": 12000,
            "requestParameters": {"append:header.x-source": "$context.requestId",
                                  "overwrite:path": "/orders/$request.path.id"},
            "responseParameters": {"500": {"overwrite:statuscode": "503"}},
            "connectionType": "VPC_LINK", "connectionId": "abc123",
            "tlsConfig": {"serverNameToVerify": "example.com"}}}},
        "/queue": {"post": {"x-amazon-apigateway-integration": {
            "type": "aws_proxy", "integrationSubtype": "SQS-SendMessage",
            "credentials": "arn:aws:iam::123456789012:role/apigateway",
            "payloadFormatVersion": "1.0",
            "requestParameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q",
                                  "MessageBody": "$request.body"}}}}}))
    assert "Warnings" not in api
    routes = routes_of(v2, api["ApiId"])
    assert routes["PUT /orders/{id}"]["OperationName"] == "putOrder"
    assert integration_of(v2, api["ApiId"], routes["PUT /orders/{id}"]) == {
        "ConnectionId": "abc123", "ConnectionType": "VPC_LINK", "IntegrationMethod": "PUT",
        "IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://backend.example.com/{id}",
        "PayloadFormatVersion": "1.0",
        "RequestParameters": {"append:header.x-source": "$context.requestId",
                              "overwrite:path": "/orders/$request.path.id"},
        "ResponseParameters": {"500": {"overwrite:statuscode": "503"}},
        "TimeoutInMillis": 12000, "TlsConfig": {"ServerNameToVerify": "example.com"}}
    assert integration_of(v2, api["ApiId"], routes["POST /queue"]) == {
        "ConnectionType": "INTERNET", "CredentialsArn": "arn:aws:iam::123456789012:role/apigateway",
        "IntegrationSubtype": "SQS-SendMessage", "IntegrationType": "AWS_PROXY",
        "PayloadFormatVersion": "1.0",
        "RequestParameters": {"MessageBody": "$request.body",
                              "QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q"},
        "TimeoutInMillis": 30000}


def test_api_fields_tags_endpoint_configuration_and_aws_variables(v2):
    api = v2.import_api(Body=json.dumps({
        "openapi": "3.0.3", "info": {"title": "tagged", "version": "2"},
        "servers": [{"url": "https://api.example.com", "x-amazon-apigateway-endpoint-configuration":
                     {"disableExecuteApiEndpoint": True, "ipAddressType": "dualstack"}}],
        "tags": [{"name": "team", "x-amazon-apigateway-tag-value": "pets"},
                 {"name": "_custom_id_", "x-amazon-apigateway-tag-value": "my-pets-api"},
                 {"name": "plain"}],
        "paths": {"/where": {"get": {"x-amazon-apigateway-integration": {
            "type": "aws_proxy", "payloadFormatVersion": "2.0",
            "uri": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f"}}}}}))
    assert api["ApiId"] == "my-pets-api"
    assert (api["DisableExecuteApiEndpoint"], api["IpAddressType"], api["Tags"]) == (
        True, "dualstack", {"team": "pets", "_custom_id_": "my-pets-api"})
    route = routes_of(v2, "my-pets-api")["GET /where"]
    assert integration_of(v2, "my-pets-api", route)["IntegrationUri"] == \
        "arn:aws:lambda:us-east-1:123456789012:function:f"


def test_iam_authorization_and_document_wide_security(v2):
    api = v2.import_api(Body=document(
        {"/signed": {"get": {}}, "/open": {"get": {"security": []}},
         "/other": {"get": {"security": [{"nowhere": []}]}}},
        security=[{"sigv4": []}],
        components={"securitySchemes": {"sigv4": {
            "type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authtype": "awsSigv4"}}}))
    routes = routes_of(v2, api["ApiId"])
    assert {k: r["AuthorizationType"] for k, r in routes.items()} == {
        "GET /signed": "AWS_IAM", "GET /open": "NONE", "GET /other": "NONE"}
    assert api["Warnings"] == ["Unable to find security scheme 'nowhere' for route "
                               "'GET /other'. Ignoring."]


# -- Basepath ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("mode", "keys"), [
    (None, ["GET /", "GET /checkout", "GET /pets"]),
    ("ignore", ["GET /", "GET /checkout", "GET /pets"]),
    ("prepend", ["GET /example/path", "GET /example/path/checkout", "GET /example/path/pets"]),
    ("split", ["GET /path", "GET /path/checkout", "GET /path/pets"]),
])
def test_basepath_modes(v2, mode, keys):
    """The integrations example's server is ``https://example.com/{basePath}`` with the
    variable's default ``example/path``."""
    kwargs = {"Basepath": mode} if mode else {}
    api = v2.import_api(Body=data("lambda_proxy_integrations.json"), **kwargs)
    assert sorted(routes_of(v2, api["ApiId"])) == keys


def test_basepath_of_a_one_segment_server_path_and_a_bad_mode(v2):
    body = document({"/pets": {"get": {}}}, servers=[{"url": "https://h.example.com/v1/"}])
    assert list(routes_of(v2, v2.import_api(Body=body, Basepath="prepend")["ApiId"])) == \
        ["GET /v1/pets"]
    assert list(routes_of(v2, v2.import_api(Body=body, Basepath="split")["ApiId"])) == \
        ["GET /pets"]
    assert import_error(v2, body, Basepath="keep") == (
        "BadRequestException", "Invalid basepath parameter specified: keep. Valid options "
        "are ignore,prepend,split", 400)


# -- warnings and FailOnWarnings -------------------------------------------------------------

#: The document of terraform-provider-aws's FailOnWarnings acceptance test, whose AWS answer
#: is recorded there and in moto's tests.
MISSING_MODEL = json.dumps({
    "openapi": "3.0.1",
    "info": {"title": "Title test", "version": "2.0", "description": "Description test"},
    "paths": {"/update": {"get": {
        "x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "httpMethod": "GET",
                                            "payloadFormatVersion": "1.0",
                                            "uri": "https://www.google.de"},
        "responses": {"200": {"description": "Response description", "content": {
            "application/json": {"schema": {
                "$ref": "#/components/schemas/ModelThatDoesNotExist"}}}}}}}}})
MISSING_MODEL_WARNING = ("Parse issue: attribute paths.'/update'(get).responses.200.content."
                         "schema.#/components/schemas/ModelThatDoesNotExist is missing")


def test_fail_on_warnings_refuses_and_creates_nothing(v2):
    assert import_error(v2, MISSING_MODEL, FailOnWarnings=True) == (
        "BadRequestException", "Warnings found during import:\n\t" + MISSING_MODEL_WARNING,
        400)
    assert v2.get_apis()["Items"] == []


def test_without_fail_on_warnings_the_api_is_made_and_warnings_returned(v2):
    for kwargs in ({}, {"FailOnWarnings": False}):
        api = v2.import_api(Body=MISSING_MODEL, **kwargs)
        assert api["Warnings"] == [MISSING_MODEL_WARNING]
        assert api["ImportInfo"] == [
            "paths./update.get: key [responses] will be ignored by API Gateway"]
        assert list(routes_of(v2, api["ApiId"])) == ["GET /update"]


def test_import_info_alone_does_not_fail_an_import(v2):
    api = v2.import_api(Body=document({"/a": {"get": {"responses": {}}}},
                                      components={"schemas": {}}), FailOnWarnings=True)
    assert "Warnings" not in api
    assert api["ImportInfo"] == ["components: key [schemas] will be ignored by API Gateway",
                                 "paths./a.get: key [responses] will be ignored by API Gateway"]


@pytest.mark.parametrize(("integration", "reason"), [
    ({"type": "aws", "httpMethod": "POST", "payloadFormatVersion": "1.0",
      "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations"},
     "Currently, an API with a protocol type of HTTP may only be associated with proxy "
     "integrations (AWS_PROXY, HTTP_PROXY)."),
    ({"type": "mock"}, "Currently, an API with a protocol type of HTTP may only be associated "
     "with proxy integrations (AWS_PROXY, HTTP_PROXY)."),
    ({"type": "websocket", "uri": "https://x.example.com"},
     "Currently, an API with a protocol type of HTTP may only be associated with proxy "
     "integrations (AWS_PROXY, HTTP_PROXY)."),
    ({"type": "http_proxy", "uri": "https://x.example.com", "payloadFormatVersion": "2.0"},
     "PayloadFormatVersion 2.0 is supported only for Lambda proxy integrations of HTTP APIs; "
     "this integration supports only 1.0."),
    ({"type": "aws_proxy", "uri": "https://not.a.lambda", "payloadFormatVersion": "2.0"},
     "Invalid integration URI specified: https://not.a.lambda. A Lambda proxy integration "
     "needs a Lambda function ARN or its API Gateway invocation ARN."),
    ({"type": "http_proxy", "uri": "https://x.example.com", "timeoutInMillis": 90000},
     "Timeout must be between 50 ms and 30000 ms for HTTP APIs."),
])
def test_integrations_http_apis_cannot_have_are_warnings(v2, integration, reason):
    """The guide: an ``AWS`` integration "produces warnings on import because HTTP APIs
    support only Lambda proxy and HTTP proxy integrations"; the route is made without it."""
    body = document({"/x": {"get": {"x-amazon-apigateway-integration": integration}}})
    api = v2.import_api(Body=body)
    assert api["Warnings"] == [
        f"Unable to create integration for resource at path 'GET /x': {reason} Ignoring."]
    assert "Target" not in routes_of(v2, api["ApiId"])["GET /x"]
    assert v2.get_integrations(ApiId=api["ApiId"])["Items"] == []
    assert import_error(v2, body, FailOnWarnings=True)[0] == "BadRequestException"


def test_authorizers_and_routes_that_cannot_be_made_are_warnings(v2):
    """A route whose authorizer could not be made is left out, not left open (AWS: "Your
    routes that use the authorizer are missing")."""
    api = v2.import_api(Body=document(
        {"/x": {"trace": {}, "get": {}}, "/me": {"get": {"security": [{"noissuer": []}]}}},
        components={"securitySchemes": {
            "noissuer": {"type": "oauth2", "flows": {}},
            "badkind": {"type": "apiKey", "name": "a", "in": "header",
                        "x-amazon-apigateway-authorizer": {"type": "token"}}}}))
    assert api["Warnings"] == [
        "Unable to create Authorizer 'noissuer': JwtConfiguration.Issuer is required for JWT "
        "authorizers. Ignoring.",
        "Unable to create Authorizer 'badkind': Invalid authorizer type specified: token. "
        "Ignoring.",
        "Unable to create route 'TRACE /x': Invalid route key specified: TRACE /x. An HTTP API "
        "route key is $default or an HTTP method (ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, "
        "PUT) and a path starting with /, for example GET /pets. Ignoring.",
        "Unable to create route 'GET /me': its authorizer 'noissuer' could not be created. "
        "Ignoring."]
    assert list(routes_of(v2, api["ApiId"])) == ["GET /x"]
    assert v2.get_authorizers(ApiId=api["ApiId"])["Items"] == []


def test_missing_paths_and_info_fields_are_parse_issues(v2):
    api = v2.import_api(Body=json.dumps({"openapi": "3.0.0", "info": {"title": "bare"},
                                         "extra": 1}))
    assert api["Warnings"] == ["Parse issue: attribute extra is unexpected",
                               "Parse issue: attribute info.version is missing",
                               "Parse issue: attribute paths is missing"]
    assert api["Name"] == "bare" and "Version" not in api
    assert v2.get_routes(ApiId=api["ApiId"])["Items"] == []


# -- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "message"), [
    ("{not json", UNPARSABLE),
    ("openapi: [3.0.1\n", UNPARSABLE),
    ("openapi: 3.0.1\x00", UNPARSABLE),
    (json.dumps({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}),
     f"{UNPARSABLE} Unable to determine OAS version from '2.0'"),
    (json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}),
     f"{UNPARSABLE} Unable to determine OAS version from '3.1.0'"),
    (json.dumps({"info": {"title": "t", "version": "1"}, "paths": {}}),
     f"{UNPARSABLE} Unable to determine OAS version from 'null'"),
    ("[1, 2]", f"{UNPARSABLE} Unable to determine OAS version from 'null'"),
    ("just some words", f"{UNPARSABLE} Unable to determine OAS version from 'null'"),
    (json.dumps({"openapi": "3.0.1", "info": {"version": "1"}, "paths": {}}),
     "Invalid OpenAPI input."),
    (json.dumps({"openapi": "3.0.1", "info": {"title": "t"}, "paths": []}),
     "Invalid OpenAPI input."),
    (document({"/x": {"get": {"x-amazon-apigateway-integration": {"type": "http_proxy",
                                                                  "uri": 42}}}}),
     "Unable to parse API definition because of a malformed integration at path /x."),
    (document({"/x": {"get": {"x-amazon-apigateway-integration": ["http_proxy"]}}}),
     "Unable to parse API definition because of a malformed integration at path /x."),
    (document({"/x": {"get": {"x-amazon-apigateway-integration": {
        "type": "http_proxy", "uri": "https://a.example.com", "requestParameters": "x"}}}}),
     "Unable to parse API definition because of a malformed integration at path /x."),
    (document({"/x": {"get": {"security": [{"a": []}, {"b": []}]}}}),
     "Errors found during import:\n\tRoute 'GET /x' has more than one security requirement; "
     "a route can have only one of IAM authorization, a Lambda authorizer, or a JWT "
     "authorizer"),
    (document({}, **{"x-amazon-apigateway-cors": {"allowOrigins": ["*"],
                                                  "allowCredentials": True}}),
     "CORS: AllowCredentials cannot be true when AllowOrigins contains *; list the allowed "
     "origins instead"),
    (document({}, **{"x-amazon-apigateway-cors": {"allowMethods": "GET"}}),
     "Invalid value for allowMethods: a list of strings is expected"),
])
def test_documents_that_cannot_be_imported(v2, body, message):
    assert import_error(v2, body) == ("BadRequestException", message, 400)
    assert v2.get_apis()["Items"] == []


@pytest.mark.parametrize("body", [
    document({"/x": "get"}),
    document({"/x": {"get": "op", "post": None, "put": []}}),
    document({"/x": {"get": {"security": "all", "operationId": {"a": 1}}}}),
    document({"/x": {"get": {"responses": [], "requestBody": "b"}}}),
    document({"/x": {"$ref": "#/nowhere"}, "/y": {"$ref": "#/paths/~1y"}}),
    document({}, components=[]),
    document({}, components={"securitySchemes": {"s": [], "t": {"$ref": "#/t"}}}),
    document({}, components={"securitySchemes": {"s": {"type": "oauth2",
                                                       "x-amazon-apigateway-authorizer": []}}}),
    document({}, tags="t", servers="s", security={"a": 1}),
    document({"/x": {"get": {"x-amazon-apigateway-integration": {
        "$ref": "#/components/x-amazon-apigateway-integrations/none"}}}}),
    document({"/x": {"x-amazon-apigateway-any-method": {"isDefaultRoute": "yes"}}}),
    json.dumps({"openapi": "3.0.1", "info": {"title": "t" * 200, "version": "1"}}),
    json.dumps({"openapi": 3.0, "info": {"title": 5, "version": 1}}),
    "openapi: 3.0.1\ninfo: {title: t, version: 2024-01-01}\npaths: {/a: {get: {}}}\n",
    "openapi: 3.0.1\ninfo: {title: t, version: 1}\npaths: {5: {get: {}}}\n"
    "components: {7: {}}\n",
    document({}, tags=5, servers=5, security=5, components={"securitySchemes": 5}),
    document({}, **{"x-amazon-apigateway-cors": 5}),
    document({}, servers=[{"url": 5}, {"url": "https://x/{a}", "variables": 5}]),
    document({"/x": {"get": {"x-amazon-apigateway-integration": {
        "type": "http_proxy", "uri": "https://x.example.com", "tlsConfig": 5,
        "payloadFormatVersion": [1], "timeoutInMillis": "soon"}}}}),
    document({}, components={"securitySchemes": {
        "a": {"type": "openIdConnect", "openIdConnectUrl": 5},
        "b": {"type": "apiKey", "x-amazon-apigateway-authorizer": {
            "type": "request", "identitySource": 5, "authorizerResultTtlInSeconds": "x"}},
        "c": {"type": "oauth2", "x-amazon-apigateway-authorizer": {
            "type": "jwt", "jwtConfiguration": {"issuer": "https://i.example.com",
                                                "audience": "x"}}}}}),
])
def test_odd_documents_answer_an_api_or_a_bad_request_never_a_500(v2, body):
    try:
        api = v2.import_api(Body=body)
    except ClientError as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error.response["Error"]["Code"] == "BadRequestException"
        assert v2.get_apis()["Items"] == []
    else:
        assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
        assert v2.get_api(ApiId=api["ApiId"])["Name"] == api["Name"]


# -- ReimportApi ----------------------------------------------------------------------------

def test_reimport_replaces_the_definition_and_keeps_the_api(v2):
    api = v2.import_api(Body=data("authorizers.yaml"))
    api_id = api["ApiId"]
    v2.tag_resource(ResourceArn=f"arn:aws:apigateway:us-east-1::/apis/{api_id}",
                    Tags={"owner": "me"})
    v2.create_stage(ApiId=api_id, StageName="manual")
    deployment = v2.create_deployment(ApiId=api_id, StageName="manual")["DeploymentId"]
    v2.create_stage(ApiId=api_id, StageName="live", AutoDeploy=True)
    before_routes = routes_of(v2, api_id)
    before_authorizers = {a["Name"]: a["AuthorizerId"]
                          for a in v2.get_authorizers(ApiId=api_id)["Items"]}
    new = yaml.safe_load(data("authorizers.yaml"))
    del new["paths"]["/pets/{petId}"]
    del new["components"]["securitySchemes"]["jwt-authorizer-autofind"]
    new["paths"]["/toys"] = {"post": {"x-amazon-apigateway-integration": lambda_proxy("toys")}}
    new["info"] = {"title": "Renamed", "version": "2"}
    new["tags"] = [{"name": "team", "x-amazon-apigateway-tag-value": "toys"}]
    again = v2.reimport_api(ApiId=api_id, Body=yaml.safe_dump(new))
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (again["ApiId"], again["CreatedDate"], again["Name"], again["Version"]) == (
        api_id, api["CreatedDate"], "Renamed", "2")
    assert again["Tags"] == {"owner": "me", "team": "toys"}
    routes = routes_of(v2, api_id)
    assert sorted(routes) == ["ANY /admin/{proxy+}", "GET /pets", "POST /toys"]
    for key in ("ANY /admin/{proxy+}", "GET /pets"):  # the same route keeps its id
        assert routes[key]["RouteId"] == before_routes[key]["RouteId"]
    authorizers = {a["Name"]: a["AuthorizerId"] for a in v2.get_authorizers(ApiId=api_id)["Items"]}
    assert authorizers == {k: v for k, v in before_authorizers.items()
                           if k != "jwt-authorizer-autofind"}
    targets = {r["Target"].split("/")[1] for r in routes.values()}
    assert targets == {i["IntegrationId"] for i in v2.get_integrations(ApiId=api_id)["Items"]}
    # stages stay: the manual one on its deployment, the auto-deploying one redeployed
    assert v2.get_stage(ApiId=api_id, StageName="manual")["DeploymentId"] == deployment
    live = v2.get_stage(ApiId=api_id, StageName="live")
    assert live["DeploymentId"] != deployment
    assert v2.get_deployment(ApiId=api_id, DeploymentId=live["DeploymentId"])[
        "AutoDeployed"] is True
    exported = json.loads(v2.export_api(ApiId=api_id, Specification="OAS30", OutputType="JSON",
                                        StageName="live")["body"].read())
    assert sorted(exported["paths"]) == ["/admin/{proxy+}", "/pets", "/toys"]


def test_reimport_replaces_api_fields_the_document_no_longer_has(v2):
    api_id = v2.import_api(Body=data("petstore_http_proxy.json"))["ApiId"]
    v2.update_api(ApiId=api_id, DisableExecuteApiEndpoint=True)
    again = v2.reimport_api(ApiId=api_id, Body=json.dumps(
        {"openapi": "3.0.1", "info": {"title": "plain", "version": "1"},
         "paths": {"/a": {"get": {}}}}))
    assert "CorsConfiguration" not in again and "Description" not in again
    assert again["DisableExecuteApiEndpoint"] is False
    assert "Warnings" not in again and "ImportInfo" not in again
    assert list(routes_of(v2, api_id)) == ["GET /a"]


def test_reimport_of_a_quick_created_api_replaces_its_managed_route(v2):
    api_id = v2.create_api(Name="quick", ProtocolType="HTTP",
                           Target="https://backend.example.com")["ApiId"]
    v2.reimport_api(ApiId=api_id, Body=document({"/b": {"get": {
        "x-amazon-apigateway-integration": lambda_proxy()}}}))
    assert list(routes_of(v2, api_id)) == ["GET /b"]
    assert [i["IntegrationType"] for i in v2.get_integrations(ApiId=api_id)["Items"]] == \
        ["AWS_PROXY"]
    stage = v2.get_stage(ApiId=api_id, StageName="$default")
    snapshot = json.loads(v2.export_api(ApiId=api_id, Specification="OAS30",
                                        OutputType="JSON", StageName="$default")["body"].read())
    assert stage["AutoDeploy"] is True and list(snapshot["paths"]) == ["/b"]


def test_reimport_errors_change_nothing(v2):
    api = v2.import_api(Body=data("authorizers.yaml"))
    api_id = api["ApiId"]
    before = (routes_of(v2, api_id), v2.get_integrations(ApiId=api_id)["Items"],
              without_metadata(v2.get_api(ApiId=api_id)))
    for kwargs in ({"Body": MISSING_MODEL, "FailOnWarnings": True},
                   {"Body": "{broken"},
                   {"Body": document({"/x": {"get": {"x-amazon-apigateway-integration": 1}}})},
                   {"Body": document({}), "Basepath": "nope"}):
        with pytest.raises(ClientError) as exc:
            v2.reimport_api(ApiId=api_id, **kwargs)
        assert error_of(exc)[0::2] == ("BadRequestException", 400)
    assert (routes_of(v2, api_id), v2.get_integrations(ApiId=api_id)["Items"],
            without_metadata(v2.get_api(ApiId=api_id))) == before


def test_reimport_of_unknown_and_websocket_apis(v2):
    with pytest.raises(ClientError) as exc:
        v2.reimport_api(ApiId="nope", Body=document({}))
    assert error_of(exc) == ("NotFoundException",
                             "Invalid API identifier specified 123456789012:nope", 404)
    ws = v2.create_api(Name="chat", ProtocolType="WEBSOCKET",
                       RouteSelectionExpression="$request.body.action")["ApiId"]
    with pytest.raises(ClientError) as exc:
        v2.reimport_api(ApiId=ws, Body=document({}))
    assert error_of(exc) == ("BadRequestException",
                             "ReimportApi is supported only for HTTP APIs", 400)


# -- persistence ----------------------------------------------------------------------------

def test_replayed_journal_rebuilds_imported_apis(tmp_path):
    with mock_apigateway() as first:
        control.open_state(first.instance, str(tmp_path))
        v2 = boto3.client("apigatewayv2", region_name="us-east-1")
        api_id = v2.import_api(Body=data("authorizers.yaml"), Basepath="prepend")["ApiId"]
        v2.create_stage(ApiId=api_id, StageName="live", AutoDeploy=True)
        v2.reimport_api(ApiId=api_id, Body=data("lambda_proxy_integrations.json"))
        v2.import_api(Body=MISSING_MODEL)
        expected = first.instance.dump()
        first.instance.state.close()
        first.instance.state = None
    with mock_apigateway() as second:
        control.open_state(second.instance, str(tmp_path))
        assert second.instance.dump() == expected


def test_mutated_guide_examples_never_answer_a_500(v2):
    """The guide's examples with parts swapped for values of other types (seeded): every
    import, reimport and export answers 2xx or 400."""
    examples = [yaml.safe_load(data(name)) for name in (
        "petstore_http_proxy.json", "lambda_proxy_integrations.json", "authorizers.yaml")]
    values = [None, 5, 1.5, True, "x", "", [], {}, [1], {"a": 1}, {"$ref": "#/x"},
              "https://a.example.com", "$request.header.A"]

    def places(node, path=()):
        if path:
            yield path
        children = node.items() if isinstance(node, dict) else \
            enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            yield from places(child, (*path, key))

    rnd = random.Random(12)
    api_id = v2.create_api(Name="target", ProtocolType="HTTP")["ApiId"]
    for _ in range(60):
        doc = copy.deepcopy(rnd.choice(examples))
        for _ in range(rnd.randint(1, 3)):
            *parents, last = rnd.choice(list(places(doc)))
            node = doc
            for key in parents:
                node = node[key]
            node[last] = copy.deepcopy(rnd.choice(values))
        body = json.dumps(doc)
        for operation, kwargs in ((v2.import_api, {"Body": body}),
                                  (v2.reimport_api, {"ApiId": api_id, "Body": body}),
                                  (v2.export_api, {"ApiId": api_id, "Specification": "OAS30",
                                                   "OutputType": "YAML"})):
            try:
                operation(**kwargs)
            except ClientError as error:
                assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400, body

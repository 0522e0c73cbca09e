"""ExportApi: an HTTP API as OpenAPI 3.0 (JSON, YAML, with and without extensions, the
latest definition or a stage's deployment), valid for openapi-spec-validator, and
ImportApi(ExportApi(api)) giving the same definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from botocore.exceptions import ClientError
from openapi_spec_validator import validate

from tests.helpers import error_of
from tests.support import without_metadata

DATA = Path(__file__).parent / "data" / "http_api"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:{}"
INVOKE = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
          "arn:aws:lambda:us-east-1:123456789012:function:{}/invocations")
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"
CORS = {"AllowOrigins": ["https://www.example.com"], "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["authorization"], "ExposeHeaders": ["x-request-id"], "MaxAge": 300,
        "AllowCredentials": True}


@pytest.fixture
def v2(gw):
    return gw.client("apigatewayv2")


def export(v2, api_id: str, output: str = "JSON", **kwargs) -> dict:
    response = v2.export_api(ApiId=api_id, Specification="OAS30", OutputType=output, **kwargs)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    text = response["body"].read().decode()
    document = json.loads(text) if output == "JSON" else yaml.safe_load(text)
    validate(document)
    return document


def rich_api(v2) -> str:
    """An HTTP API with every kind of route, integration and authorizer."""
    api_id = v2.create_api(Name="shop", ProtocolType="HTTP", Description="The shop",
                           Version="3", CorsConfiguration=CORS,
                           DisableExecuteApiEndpoint=True)["ApiId"]

    def integration(**fields):
        return "integrations/" + v2.create_integration(ApiId=api_id, **fields)["IntegrationId"]

    lam = integration(IntegrationType="AWS_PROXY", IntegrationUri=FUNCTION.format("orders"),
                      PayloadFormatVersion="2.0", TimeoutInMillis=5000,
                      Description="orders function")
    old = integration(IntegrationType="AWS_PROXY", IntegrationUri=INVOKE.format("legacy"),
                      PayloadFormatVersion="1.0",
                      CredentialsArn="arn:aws:iam::123456789012:role/invoke")
    web = integration(IntegrationType="HTTP_PROXY", IntegrationUri="https://backend.example.com/{proxy}",
                      IntegrationMethod="ANY", PayloadFormatVersion="1.0",
                      RequestParameters={"append:header.x-stage": "$context.stage",
                                         "overwrite:path": "/v2/$request.path.proxy"},
                      ResponseParameters={"404": {"overwrite:statuscode": "410"}})
    private = integration(IntegrationType="HTTP_PROXY", ConnectionType="VPC_LINK",
                          ConnectionId="vl1234",
                          IntegrationUri="arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                                         "listener/app/lb/1/2",
                          IntegrationMethod="GET", PayloadFormatVersion="1.0",
                          TlsConfig={"ServerNameToVerify": "internal.example.com"})
    queue = integration(IntegrationType="AWS_PROXY", IntegrationSubtype="SQS-SendMessage",
                        PayloadFormatVersion="1.0",
                        CredentialsArn="arn:aws:iam::123456789012:role/sqs",
                        RequestParameters={"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q",
                                           "MessageBody": "$request.body"})
    jwt = v2.create_authorizer(ApiId=api_id, Name="cognito", AuthorizerType="JWT",
                               IdentitySource=["$request.header.Authorization"],
                               JwtConfiguration={"Issuer": ISSUER,
                                                 "Audience": ["app1", "app2"]})["AuthorizerId"]
    lam_auth = v2.create_authorizer(
        ApiId=api_id, Name="keys", AuthorizerType="REQUEST",
        AuthorizerUri=INVOKE.format("auth"), AuthorizerPayloadFormatVersion="2.0",
        IdentitySource=["$request.header.x-key", "$request.querystring.tenant"],
        AuthorizerResultTtlInSeconds=60, EnableSimpleResponses=True,
        AuthorizerCredentialsArn="arn:aws:iam::123456789012:role/auth")["AuthorizerId"]
    v2.create_authorizer(ApiId=api_id, Name="spare", AuthorizerType="REQUEST",
                         AuthorizerUri=INVOKE.format("spare"),
                         IdentitySource=["$context.identity.sourceIp"],
                         AuthorizerPayloadFormatVersion="1.0")
    routes = [
        {"RouteKey": "GET /orders", "Target": lam, "AuthorizationType": "JWT",
         "AuthorizerId": jwt, "AuthorizationScopes": ["orders/read"], "OperationName": "list"},
        {"RouteKey": "POST /orders", "Target": lam, "AuthorizationType": "JWT",
         "AuthorizerId": jwt},
        {"RouteKey": "GET /orders/{id}", "Target": old, "AuthorizationType": "CUSTOM",
         "AuthorizerId": lam_auth},
        {"RouteKey": "DELETE /orders/{id}", "Target": old, "AuthorizationType": "AWS_IAM"},
        {"RouteKey": "ANY /web/{proxy+}", "Target": web},
        {"RouteKey": "GET /internal", "Target": private},
        {"RouteKey": "POST /queue", "Target": queue},
        {"RouteKey": "GET /nothing"},
        {"RouteKey": "$default", "Target": web},
    ]
    for route in routes:
        v2.create_route(ApiId=api_id, **route)
    return api_id


def definition(v2, api_id: str) -> dict:
    """An API's definition with ids replaced by what they name, for comparisons."""
    api = without_metadata(v2.get_api(ApiId=api_id))
    authorizers = {a["AuthorizerId"]: a for a in v2.get_authorizers(ApiId=api_id)["Items"]}
    integrations = {i["IntegrationId"]: i for i in v2.get_integrations(ApiId=api_id)["Items"]}

    def strip(item: dict, *keys: str) -> dict:
        return {k: v for k, v in item.items() if k not in keys}
    routes = {}
    for route in v2.get_routes(ApiId=api_id)["Items"]:
        route = strip(route, "RouteId")
        if "Target" in route:
            route["Target"] = strip(integrations[route.pop("Target").split("/")[1]],
                                    "IntegrationId")
        if "AuthorizerId" in route:
            route["AuthorizerId"] = authorizers[route["AuthorizerId"]]["Name"]
        routes[route["RouteKey"]] = route
    return {"api": strip(api, "ApiId", "ApiEndpoint", "CreatedDate", "Tags"),
            "routes": routes,
            "authorizers": sorted((strip(a, "AuthorizerId") for a in authorizers.values()),
                                  key=lambda a: a["Name"])}


# -- the document -----------------------------------------------------------------------------

def test_export_of_a_small_api_is_the_document_aws_writes(v2):
    api = v2.create_api(Name="pets", ProtocolType="HTTP",
                        Target=FUNCTION.format("pets"), RouteKey="GET /pets/{id}")
    api_id = api["ApiId"]
    created = api["CreatedDate"].strftime("%Y-%m-%d %H:%M:%SUTC")
    for output in ("JSON", "YAML"):
        assert export(v2, api_id, output) == {
            "openapi": "3.0.1",
            "info": {"title": "pets", "version": created},
            "servers": [{"url": f"https://{api_id}.execute-api.us-east-1.amazonaws.com/"
                                "{basePath}",
                         "variables": {"basePath": {"default": ""}}}],
            "paths": {"/pets/{id}": {
                "get": {
                    "responses": {"default": {"description": "Default response for GET "
                                                             "/pets/{id}"}},
                    "x-amazon-apigateway-integration": {
                        "payloadFormatVersion": "2.0", "type": "aws_proxy",
                        "httpMethod": "POST", "uri": FUNCTION.format("pets"),
                        "connectionType": "INTERNET"}},
                "parameters": [{"name": "id", "in": "path",
                                "description": "Generated path parameter for id",
                                "required": True, "schema": {"type": "string"}}]}},
            "x-amazon-apigateway-importexport-version": "1.0"}


def test_integrations_no_route_uses_are_exported_as_aws_exports_them(v2):
    """A real AWS export keeps them under ``components`` as ``unusedIntegration_{id}``."""
    api_id = v2.create_api(Name="pets", ProtocolType="HTTP", Target=FUNCTION.format("pets"),
                           RouteKey="GET /pets")["ApiId"]
    spare = v2.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY",
                                  IntegrationMethod="GET",
                                  IntegrationUri="https://unused.example.com")
    document = export(v2, api_id)
    assert document["components"] == {"x-amazon-apigateway-integrations": {
        f"unusedIntegration_{spare['IntegrationId']}": {
            "payloadFormatVersion": "1.0", "type": "http_proxy", "httpMethod": "GET",
            "uri": "https://unused.example.com", "connectionType": "INTERNET"}}}
    assert "components" not in export(v2, api_id, IncludeExtensions=False)


def test_export_formats_and_extensions(v2):
    api_id = rich_api(v2)
    response = v2.export_api(ApiId=api_id, Specification="OAS30", OutputType="YAML")
    text = response["body"].read().decode()
    assert text.startswith("openapi: 3.0.1\ninfo:\n  title: shop\n")
    as_json = export(v2, api_id, "JSON", IncludeExtensions=True, ExportVersion="1.0")
    assert yaml.safe_load(text) == as_json
    assert as_json["servers"][0]["x-amazon-apigateway-endpoint-configuration"] == \
        {"disableExecuteApiEndpoint": True}
    assert as_json["x-amazon-apigateway-cors"] == {
        "allowMethods": ["GET", "POST"], "allowHeaders": ["authorization"],
        "exposeHeaders": ["x-request-id"], "maxAge": 300, "allowCredentials": True,
        "allowOrigins": ["https://www.example.com"]}
    assert as_json["paths"]["/$default"]["x-amazon-apigateway-any-method"]["isDefaultRoute"]
    assert as_json["paths"]["/orders"]["get"]["operationId"] == "list"
    assert as_json["paths"]["/orders"]["get"]["security"] == [{"cognito": ["orders/read"]}]
    assert as_json["paths"]["/orders/{id}"]["delete"]["security"] == [{"sigv4": []}]
    assert as_json["components"]["securitySchemes"] == {
        "cognito": {"type": "oauth2", "flows": {}, "x-amazon-apigateway-authorizer": {
            "identitySource": "$request.header.Authorization",
            "jwtConfiguration": {"audience": ["app1", "app2"], "issuer": ISSUER},
            "type": "jwt"}},
        "keys": {"type": "apiKey", "name": "Unused", "in": "header",
                 "x-amazon-apigateway-authorizer": {
                     "identitySource": "$request.header.x-key, $request.querystring.tenant",
                     "authorizerUri": INVOKE.format("auth"),
                     "authorizerCredentials": "arn:aws:iam::123456789012:role/auth",
                     "authorizerPayloadFormatVersion": "2.0",
                     "authorizerResultTtlInSeconds": 60, "type": "request",
                     "enableSimpleResponses": True}},
        "spare": {"type": "apiKey", "name": "Unused", "in": "header",
                  "x-amazon-apigateway-authorizer": {
                      "identitySource": "$context.identity.sourceIp",
                      "authorizerUri": INVOKE.format("spare"),
                      "authorizerPayloadFormatVersion": "1.0",
                      "authorizerResultTtlInSeconds": 0, "type": "request"}},
        "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
                  "x-amazon-apigateway-authtype": "awsSigv4"}}
    assert as_json["paths"]["/internal"]["get"]["x-amazon-apigateway-integration"] == {
        "payloadFormatVersion": "1.0", "connectionId": "vl1234", "type": "http_proxy",
        "httpMethod": "GET",
        "uri": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/lb/1/2",
        "connectionType": "VPC_LINK", "tlsConfig": {"serverNameToVerify": "internal.example.com"}}

    plain = export(v2, api_id, "JSON", IncludeExtensions=False)
    assert "x-amazon" not in json.dumps(plain)
    assert sorted(plain["paths"]) == ["/internal", "/nothing", "/orders", "/orders/{id}",
                                      "/queue"]  # ANY and $default need the extension
    assert plain["components"]["securitySchemes"]["cognito"] == {"type": "oauth2",
                                                                 "flows": {}}
    assert plain["paths"]["/orders"]["get"]["security"] == [{"cognito": ["orders/read"]}]


def test_export_of_a_stage_is_its_deployment(v2):
    api_id = v2.create_api(Name="v", ProtocolType="HTTP", Version="1")["ApiId"]
    target = "integrations/" + v2.create_integration(
        ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationUri="https://a.example.com",
        IntegrationMethod="GET", PayloadFormatVersion="1.0")["IntegrationId"]
    v2.create_route(ApiId=api_id, RouteKey="GET /one", Target=target)
    v2.create_stage(ApiId=api_id, StageName="prod")
    v2.create_deployment(ApiId=api_id, StageName="prod")
    v2.create_route(ApiId=api_id, RouteKey="GET /two", Target=target)
    v2.update_api(ApiId=api_id, Name="renamed")
    staged = export(v2, api_id, StageName="prod")
    assert list(staged["paths"]) == ["/one"] and staged["info"]["title"] == "v"
    assert staged["servers"][0]["variables"]["basePath"]["default"] == "prod"
    latest = export(v2, api_id)
    assert list(latest["paths"]) == ["/one", "/two"] and latest["info"]["title"] == "renamed"
    assert latest["servers"][0]["variables"]["basePath"]["default"] == ""


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"Specification": "OAS20"},
     ("BadRequestException", "1 validation error detected: Value 'OAS20' at 'specification' "
      "failed to satisfy constraint: Member must satisfy enum value set: [OAS30]", 400)),
    ({"OutputType": "XML"},
     ("BadRequestException", "1 validation error detected: Value 'XML' at 'outputType' failed "
      "to satisfy constraint: Member must satisfy enum value set: [YAML, JSON]", 400)),
    ({"ExportVersion": "2.0"},
     ("BadRequestException", "Invalid export version specified: 2.0. Must be one of [1.0]",
      400)),
    ({"StageName": "nope"},
     ("NotFoundException", "Invalid Stage identifier specified nope", 404)),
    ({"StageName": "empty"},
     ("BadRequestException", "Stage empty has no deployment to export", 400)),
    ({"ApiId": "nope"},
     ("NotFoundException", "Invalid API identifier specified 123456789012:nope", 404)),
])
def test_export_errors(v2, kwargs, error):
    api_id = v2.create_api(Name="e", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=api_id, StageName="empty")
    params = {"ApiId": api_id, "Specification": "OAS30", "OutputType": "JSON", **kwargs}
    with pytest.raises(ClientError) as exc:
        v2.export_api(**params)
    assert error_of(exc) == error


def test_websocket_apis_have_no_export(v2):
    api_id = v2.create_api(Name="ws", ProtocolType="WEBSOCKET",
                           RouteSelectionExpression="$request.body.action")["ApiId"]
    with pytest.raises(ClientError) as exc:
        v2.export_api(ApiId=api_id, Specification="OAS30", OutputType="JSON")
    assert error_of(exc) == ("BadRequestException", "Export is supported only for HTTP APIs",
                             400)


# -- round trips ------------------------------------------------------------------------------

@pytest.mark.parametrize("output", ["JSON", "YAML"])
def test_import_of_an_export_is_the_same_api(v2, output):
    api_id = rich_api(v2)
    body = v2.export_api(ApiId=api_id, Specification="OAS30",
                         OutputType=output)["body"].read().decode()
    copy = v2.import_api(Body=body, FailOnWarnings=True)
    assert "Warnings" not in copy
    assert definition(v2, copy["ApiId"]) == definition(v2, api_id)
    # and ReimportApi of the export into another API makes that one the same too
    other = v2.import_api(Body=(DATA / "petstore_http_proxy.json").read_text())["ApiId"]
    v2.reimport_api(ApiId=other, Body=body, FailOnWarnings=True)
    assert definition(v2, other) == definition(v2, api_id)


def test_exports_of_the_guides_examples_import_back_alike(v2):
    for name in ("authorizers.yaml", "lambda_proxy_integrations.json"):
        api_id = v2.import_api(Body=(DATA / name).read_text())["ApiId"]
        body = json.dumps(export(v2, api_id))
        assert definition(v2, v2.import_api(Body=body)["ApiId"]) == definition(v2, api_id)


# -- the data plane -----------------------------------------------------------------------------

def http_api_url(gw, api_id: str, path: str) -> str:
    """``path`` of HTTP API ``api_id``'s ``$default`` stage (AWS's host in-process, the
    LocalStack-style path on the server)."""
    if gw.mode == "inprocess":
        return f"https://{api_id}.execute-api.us-east-1.amazonaws.com{path}"
    return f"{gw.endpoint_url}/_aws/execute-api/{api_id}/$default{path}"


def test_import_of_an_export_answers_alike_on_the_data_plane(gw, backend):
    v2 = gw.client("apigatewayv2")
    api_id = v2.create_api(Name="proxy", ProtocolType="HTTP", Target=backend.url,
                           CorsConfiguration={"AllowOrigins": ["https://app.example.com"],
                                              "AllowMethods": ["GET"]})["ApiId"]
    probe = gw.http.get(http_api_url(gw, api_id, "/probe"), timeout=30)
    if not backend.seen:
        pytest.skip("the HTTP API data plane is not on this branch yet "
                    f"(the probe answered {probe.status_code})")
    body = v2.export_api(ApiId=api_id, Specification="OAS30",
                         OutputType="YAML")["body"].read().decode()
    copy = v2.import_api(Body=body, FailOnWarnings=True)["ApiId"]
    v2.create_stage(ApiId=copy, StageName="$default", AutoDeploy=True)
    answers = []
    for each in (api_id, copy):
        response = gw.http.get(http_api_url(gw, each, "/pets?kind=cat"), timeout=30,
                               headers={"Origin": "https://app.example.com"})
        seen = backend.seen[-1]
        answers.append((response.status_code, response.headers.get("Content-Type"),
                        response.headers.get("Access-Control-Allow-Origin"),
                        seen.method, seen.path))
    assert answers[0] == answers[1]

"""GetExport: Swagger 2.0 and OpenAPI 3.0 exports of a stage, valid documents that
import back into an API answering as the original does."""

from __future__ import annotations

import json

import pytest
import yaml
from botocore.exceptions import ClientError
from openapi_spec_validator import validate

from tests.helpers import error_of, mock_api

ACCOUNT = "123456789012"


def build_api(c) -> str:
    """A deployed API of MOCK methods with templates, parameters, headers, an API key and
    a request validator; its id (stage ``dev``)."""
    ids = mock_api(c, name="demo", path="items", body='{"q": "$input.params(\'q\')"}')
    api_id, root = ids["api_id"], ids["root_id"]
    c.update_rest_api(restApiId=api_id, patchOperations=[
        {"op": "replace", "path": "/version", "value": "1.2.3"},
        {"op": "add", "path": "/binaryMediaTypes/image~1png"}])
    item = c.create_resource(restApiId=api_id, parentId=ids["resource_id"],
                             pathPart="{itemId}")["id"]
    validator = c.create_request_validator(restApiId=api_id, name="params",
                                           validateRequestParameters=True)["id"]
    c.put_method(restApiId=api_id, resourceId=item, httpMethod="POST",
                 authorizationType="NONE", apiKeyRequired=True, operationName="MakeItem",
                 requestValidatorId=validator,
                 requestParameters={"method.request.header.x-trace": True,
                                    "method.request.querystring.size": False},
                 requestModels={"application/json": "Empty"})
    c.put_integration(restApiId=api_id, resourceId=item, httpMethod="POST", type="MOCK",
                      requestTemplates={"application/json": '{"statusCode": 201}'})
    c.put_method_response(restApiId=api_id, resourceId=item, httpMethod="POST",
                          statusCode="201", responseModels={"application/json": "Empty"},
                          responseParameters={"method.response.header.X-Item": False})
    c.put_integration_response(
        restApiId=api_id, resourceId=item, httpMethod="POST", statusCode="201",
        responseParameters={"method.response.header.X-Item": "method.request.path.itemId"},
        responseTemplates={"application/json": '{"made": "$input.params(\'itemId\')"}'})
    c.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    c.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK",
                      requestTemplates={"application/json": '{"statusCode": 404}'})
    c.put_method_response(restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="404")
    c.put_integration_response(restApiId=api_id, resourceId=root, httpMethod="GET",
                               statusCode="404", selectionPattern="",
                               responseTemplates={"text/plain": "nothing here"})
    c.put_gateway_response(restApiId=api_id, responseType="INVALID_API_KEY", statusCode="401",
                           responseTemplates={"application/json": '{"message": "key!"}'})
    c.create_deployment(restApiId=api_id, stageName="dev")
    return api_id


def export(c, api_id: str, export_type: str, extensions: str = "", accepts: str = "") -> dict:
    kwargs = {"parameters": {"extensions": extensions}} if extensions else {}
    if accepts:
        kwargs["accepts"] = accepts
    response = c.get_export(restApiId=api_id, stageName="dev", exportType=export_type,
                            **kwargs)
    body = response["body"].read()
    return {"doc": yaml.safe_load(body), "raw": body, "contentType": response["contentType"],
            "contentDisposition": response["contentDisposition"]}


def test_swagger_export(gw):
    c = gw.client()
    api_id = build_api(c)
    got = export(c, api_id, "swagger")
    assert got["contentType"] == "application/octet-stream"
    assert got["contentDisposition"] == 'attachment; filename="swagger_1.2.3.json"'
    doc = got["doc"]
    validate(doc)
    assert doc["swagger"] == "2.0"
    assert doc["info"] == {"version": "1.2.3", "title": "demo"}
    assert doc["host"] == f"{api_id}.execute-api.us-east-1.amazonaws.com"
    assert (doc["basePath"], doc["schemes"]) == ("/dev", ["https"])
    post = doc["paths"]["/items/{itemId}"]["post"]
    assert post["operationId"] == "MakeItem"
    assert post["consumes"] == ["application/json"] and post["produces"] == ["application/json"]
    assert post["parameters"] == [
        {"name": "x-trace", "in": "header", "required": True, "type": "string"},
        {"name": "size", "in": "query", "required": False, "type": "string"},
        {"name": "itemId", "in": "path", "required": True, "type": "string"},
        {"in": "body", "name": "Empty", "required": True,
         "schema": {"$ref": "#/definitions/Empty"}}]
    assert post["responses"] == {"201": {"description": "201 response",
                                         "schema": {"$ref": "#/definitions/Empty"},
                                         "headers": {"X-Item": {"type": "string"}}}}
    assert post["security"] == [{"api_key": []}]
    assert "x-amazon-apigateway-integration" not in post
    assert doc["paths"]["/"]["get"]["produces"] == ["text/plain"]
    assert doc["securityDefinitions"] == {
        "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}}
    assert doc["definitions"]["Empty"] == {"title": "Empty Schema", "type": "object"}


def test_oas30_export(gw):
    c = gw.client()
    api_id = build_api(c)
    got = export(c, api_id, "oas30", accepts="application/json")
    assert got["contentType"] == "application/octet-stream"
    assert got["contentDisposition"] == 'attachment; filename="oas30_1.2.3.json"'
    doc = got["doc"]
    validate(doc)
    assert doc["openapi"] == "3.0.1"
    assert doc["servers"] == [{
        "url": f"https://{api_id}.execute-api.us-east-1.amazonaws.com/{{basePath}}",
        "variables": {"basePath": {"default": "dev"}}}]
    post = doc["paths"]["/items/{itemId}"]["post"]
    assert post["parameters"][:2] == [
        {"name": "x-trace", "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": "size", "in": "query", "schema": {"type": "string"}}]
    assert post["requestBody"] == {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Empty"}}}, "required": True}
    assert post["responses"]["201"] == {
        "description": "201 response", "headers": {"X-Item": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Empty"}}}}
    assert doc["paths"]["/items"]["get"]["responses"] == {
        "200": {"description": "200 response", "content": {}}}
    assert doc["components"]["securitySchemes"]["api_key"]["name"] == "x-api-key"


def test_export_without_models_has_empty_components(gw):
    c = gw.client()
    doc = {"swagger": "2.0", "info": {"title": "bare", "version": "1.0.0"}, "paths": {
        "/pets": {"get": {"responses": {"200": {"description": "ok"}}}}}}
    api_id = c.import_rest_api(body=json.dumps(doc))["id"]
    c.put_integration(restApiId=api_id, httpMethod="GET", type="MOCK",
                      resourceId=next(r["id"] for r in c.get_resources(restApiId=api_id)["items"]
                                      if r["path"] == "/pets"))
    c.create_deployment(restApiId=api_id, stageName="dev")
    got = export(c, api_id, "oas30")
    assert got["doc"]["components"] == {}
    assert got["contentDisposition"] == 'attachment; filename="oas30_1.0.0.json"'
    assert "definitions" not in export(c, api_id, "swagger")["doc"]


def test_export_with_apigateway_extensions_in_yaml(gw):
    c = gw.client()
    api_id = build_api(c)
    got = export(c, api_id, "swagger", extensions="apigateway", accepts="application/yaml")
    assert got["contentType"] == "application/octet-stream"
    assert got["contentDisposition"] == 'attachment; filename="swagger_1.2.3.yaml"'
    assert got["raw"].startswith(b"swagger: '2.0'\n")
    doc = got["doc"]
    validate(doc)
    post = doc["paths"]["/items/{itemId}"]["post"]
    assert post["x-amazon-apigateway-request-validator"] == "params"
    assert post["x-amazon-apigateway-integration"] == {
        "type": "mock",
        "responses": {"default": {
            "statusCode": "201",
            "responseParameters": {"method.response.header.X-Item": "method.request.path.itemId"},
            "responseTemplates": {"application/json": '{"made": "$input.params(\'itemId\')"}'}}},
        "requestTemplates": {"application/json": '{"statusCode": 201}'},
        "passthroughBehavior": "when_no_match"}
    assert doc["x-amazon-apigateway-request-validators"] == {
        "params": {"validateRequestBody": False, "validateRequestParameters": True}}
    assert doc["x-amazon-apigateway-binary-media-types"] == ["image/png"]
    assert doc["x-amazon-apigateway-gateway-responses"] == {"INVALID_API_KEY": {
        "statusCode": "401", "responseParameters": {},
        "responseTemplates": {"application/json": '{"message": "key!"}'}}}
    only = export(c, api_id, "oas30", extensions="integrations")["doc"]
    assert "x-amazon-apigateway-integration" in only["paths"]["/items"]["get"]
    assert "x-amazon-apigateway-request-validators" not in only


def test_export_of_authorizers(gw):
    c = gw.client()
    uri = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:"
           f"us-east-1:{ACCOUNT}:function:auth/invocations")
    ids = mock_api(c, name="auth")
    authorizer = c.create_authorizer(restApiId=ids["api_id"], name="tok", type="TOKEN",
                                     authorizerUri=uri,
                                     identitySource="method.request.header.Auth")["id"]
    c.update_method(restApiId=ids["api_id"], resourceId=ids["resource_id"], httpMethod="GET",
                    patchOperations=[
                        {"op": "replace", "path": "/authorizationType", "value": "CUSTOM"},
                        {"op": "replace", "path": "/authorizerId", "value": authorizer}])
    c.create_deployment(restApiId=ids["api_id"], stageName="dev")
    plain = export(c, ids["api_id"], "oas30")["doc"]
    assert plain["components"]["securitySchemes"]["tok"] == {
        "type": "apiKey", "name": "Auth", "in": "header",
        "x-amazon-apigateway-authtype": "custom"}
    assert plain["paths"]["/items"]["get"]["security"] == [{"tok": []}]
    doc = export(c, ids["api_id"], "oas30", extensions="authorizers")["doc"]
    validate(doc)
    assert doc["components"]["securitySchemes"]["tok"]["x-amazon-apigateway-authorizer"] == {
        "type": "token", "authorizerUri": uri, "identitySource": "method.request.header.Auth"}


@pytest.mark.parametrize("kwargs, expected", [
    ({"stageName": "prod", "exportType": "swagger"},
     ("NotFoundException", "Invalid stage identifier specified", 404)),
    ({"stageName": "dev", "exportType": "raml"},
     ("BadRequestException", "Invalid export type specified: raml", 400)),
    ({"stageName": "dev", "exportType": "oas30", "accepts": "text/html"},
     ("BadRequestException", "Unsupported Accept header: text/html. Supported values are "
                             "application/json, application/yaml", 400)),
])
def test_export_errors(gw, kwargs, expected):
    c = gw.client()
    ids = mock_api(c)
    c.create_deployment(restApiId=ids["api_id"], stageName="dev")
    with pytest.raises(ClientError) as exc:
        c.get_export(restApiId=ids["api_id"], **kwargs)
    assert error_of(exc) == expected


@pytest.mark.parametrize("export_type", ["swagger", "oas30"])
def test_import_of_an_export_answers_identically(gw, export_type):
    c = gw.client()
    original = build_api(c)
    key = c.create_api_key(name="k", enabled=True, value="k" * 20)["id"]
    exported = export(c, original, export_type, extensions="apigateway")["raw"]
    copy = c.import_rest_api(body=exported, failOnWarnings=True)["id"]
    c.create_deployment(restApiId=copy, stageName="dev")
    plan = c.create_usage_plan(name="p", apiStages=[{"apiId": original, "stage": "dev"},
                                                    {"apiId": copy, "stage": "dev"}])["id"]
    c.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")

    def call(api_id: str, method: str, path: str, **kwargs) -> tuple:
        response = gw.http.request(method, gw.invoke_url(api_id, "dev", path), timeout=10,
                                   **kwargs)
        headers = {h: response.headers.get(h) for h in ("Content-Type", "X-Item",
                                                         "x-amzn-ErrorType")}
        return response.status_code, response.text, headers

    requests_made = [
        ("GET", "/items?q=7", {}),
        ("GET", "/", {}),
        ("POST", "/items/42", {"headers": {"x-api-key": "k" * 20, "x-trace": "1"},
                               "json": {}}),
        ("POST", "/items/42", {"headers": {"x-trace": "1"}, "json": {}}),
        ("DELETE", "/items", {}),
    ]
    for method, path, kwargs in requests_made:
        assert call(copy, method, path, **kwargs) == call(original, method, path, **kwargs)
    assert call(copy, "POST", "/items/42", headers={"x-api-key": "k" * 20, "x-trace": "1"})[:2] \
        == (201, '{"made": "42"}')
    assert call(copy, "POST", "/items/42", headers={"x-api-key": "k" * 20})[:2] == (
        400, '{"message":"Missing required request parameters: [x-trace]"}')  # the validator


def test_export_carries_the_stage_documentation(gw):
    c = gw.client()
    ids = mock_api(c)
    api_id = ids["api_id"]
    c.create_documentation_part(restApiId=api_id, location={"type": "API"},
                                properties='{"description": "All about items"}')
    c.create_deployment(restApiId=api_id, stageName="dev")
    c.create_documentation_version(restApiId=api_id, documentationVersion="v1",
                                   stageName="dev")
    doc = export(c, api_id, "oas30", extensions="apigateway")["doc"]
    assert doc["x-amazon-apigateway-documentation"] == {
        "version": "v1", "documentationParts": [
            {"location": {"type": "API"}, "properties": {"description": "All about items"}}]}
    copy = c.import_rest_api(body=json.dumps(doc))["id"]
    parts = c.get_documentation_parts(restApiId=copy)["items"]
    assert [json.loads(p["properties"]) for p in parts] == [{"description": "All about items"}]

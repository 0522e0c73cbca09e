"""ImportRestApi and PutRestApi: REST APIs from Swagger 2.0 and OpenAPI 3.0 definitions,
checked against AWS's recorded answers (LocalStack's AWS-validated import snapshots)."""

from __future__ import annotations

import json

import pytest
import yaml
from botocore.exceptions import ClientError

from mockgw.mock import mock_apigateway
from tests.helpers import error_of

ACCOUNT = "123456789012"
LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:"
              f"us-east-1:{ACCOUNT}:function:auth/invocations")
POOL = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/us-east-1_ABC123"
MOCK_200 = {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "passthroughBehavior": "when_no_match",
            "responses": {"default": {"statusCode": "200"}}}

PETSTORE = {
    "swagger": "2.0",
    "info": {"title": "PetStore", "version": "1.0", "description": "Pets"},
    "schemes": ["https"],
    "paths": {
        "/": {"get": {
            "consumes": ["application/json"], "produces": ["text/html"],
            "responses": {"200": {"description": "ok",
                                  "headers": {"Content-Type": {"type": "string"}}}},
            "security": [{"test-authorizer": []}],
            "x-amazon-apigateway-integration": {
                "type": "mock", "passthroughBehavior": "when_no_match",
                "requestTemplates": {"application/json": '{"statusCode": 200}'},
                "responses": {"default": {
                    "statusCode": "200",
                    "responseParameters": {"method.response.header.Content-Type": "'text/html'"},
                    "responseTemplates": {"text/html": "<h1>Pets</h1>"}}}}}},
        "/pets": {
            "get": {
                "produces": ["application/json"],
                "parameters": [{"name": "type", "in": "query", "required": False,
                                "type": "string"},
                               {"name": "page", "in": "query", "type": "string"}],
                "responses": {"200": {"description": "ok",
                                      "schema": {"$ref": "#/definitions/Pets"},
                                      "headers": {"Access-Control-Allow-Origin":
                                                  {"type": "string"}}}},
                "x-amazon-apigateway-integration": {
                    "type": "http", "httpMethod": "GET",
                    "uri": "http://petstore.example.com/petstore/pets",
                    "passthroughBehavior": "when_no_match",
                    "requestParameters": {
                        "integration.request.querystring.page": "method.request.querystring.page",
                        "integration.request.querystring.type":
                            "method.request.querystring.type"},
                    "responses": {"default": {"statusCode": "200", "responseParameters": {
                        "method.response.header.Access-Control-Allow-Origin": "'*'"}}}}},
            "post": {
                "operationId": "CreatePet",
                "consumes": ["application/json"], "produces": ["application/json"],
                "parameters": [{"in": "body", "name": "NewPet", "required": True,
                                "schema": {"$ref": "#/definitions/NewPet"}}],
                "responses": {"200": {"description": "ok",
                                      "schema": {"$ref": "#/definitions/NewPetResponse"}}},
                "x-amazon-apigateway-integration": {
                    "type": "http", "httpMethod": "POST",
                    "uri": "http://petstore.example.com/petstore/pets",
                    "responses": {"default": {"statusCode": "200"}}}}},
        "/pets/{petId}": {"get": {
            "operationId": "GetPet",
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}},
            "x-amazon-apigateway-integration": {
                "type": "http", "httpMethod": "GET",
                "uri": "http://petstore.example.com/petstore/pets/{petId}",
                "requestParameters": {"integration.request.path.petId":
                                      "method.request.path.petId"},
                "responses": {"default": {"statusCode": "200"}}}}},
    },
    "securityDefinitions": {
        "test-authorizer": {
            "type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authtype": "oauth2",
            "x-amazon-apigateway-authorizer": {
                "type": "token", "authorizerUri": LAMBDA_URI,
                "identityValidationExpression": "^x-[a-z]+",
                "authorizerResultTtlInSeconds": 60}},
        "test-authorizer-not-used": {
            "type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authtype": "oauth2",
            "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": LAMBDA_URI}},
    },
    "definitions": {
        "Pets": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
        "NewPetResponse": {"type": "object", "properties": {
            "pet": {"$ref": "#/definitions/Pet"}, "message": {"type": "string"}}},
        "Pet": {"type": "object", "properties": {"petid": {"type": "integer", "example": 7},
                                                 "type": {"type": "string"}}},
        "NewPet": {"type": "object", "properties": {"type": {"$ref": "#/definitions/PetType"},
                                                    "price": {"type": "number"}}},
        "PetType": {"type": "string", "enum": ["dog", "cat"]},
    },
}


def body_of(doc: dict, *, as_yaml: bool = False) -> str:
    return yaml.safe_dump(doc, sort_keys=False) if as_yaml else json.dumps(doc)


def resources_by_path(c, api_id: str) -> dict[str, dict]:
    return {r["path"]: r for r in c.get_resources(restApiId=api_id, limit=500)["items"]}


def method_of(c, api_id: str, path: str, http_method: str) -> dict:
    res = resources_by_path(c, api_id)[path]
    method = c.get_method(restApiId=api_id, resourceId=res["id"], httpMethod=http_method)
    method.pop("ResponseMetadata")
    return method


def model_url(api_id: str, name: str) -> str:
    return f"https://apigateway.amazonaws.com/restapis/{api_id}/models/{name}"


def test_import_swagger_builds_the_api_as_aws_does(gw):
    c = gw.client()
    api = c.import_rest_api(body=body_of(PETSTORE), failOnWarnings=True)
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    api_id = api["id"]
    assert (api["name"], api["description"], api["version"]) == ("PetStore", "Pets", "1.0")
    assert api["endpointConfiguration"] == {"types": ["EDGE"], "ipAddressType": "ipv4"}
    assert "tags" not in api and "warnings" not in api

    resources = resources_by_path(c, api_id)
    assert resources["/"] == {"id": api["rootResourceId"], "path": "/",
                              "resourceMethods": {"GET": {}}}
    assert resources["/pets"]["resourceMethods"] == {"GET": {}, "POST": {}}
    assert resources["/pets/{petId}"]["parentId"] == resources["/pets"]["id"]

    models = {m["name"]: m for m in c.get_models(restApiId=api_id)["items"]}
    assert sorted(models) == ["NewPet", "NewPetResponse", "Pet", "PetType", "Pets"]  # no defaults
    assert json.loads(models["Pets"]["schema"]) == {
        "type": "array", "items": {"$ref": model_url(api_id, "Pet")}}
    assert json.loads(models["Pet"]["schema"]) == {  # "example" is no JSON Schema draft 4
        "type": "object", "properties": {"petid": {"type": "integer"},
                                         "type": {"type": "string"}}}
    assert models["Pet"]["contentType"] == "application/json"

    authorizers = c.get_authorizers(restApiId=api_id)["items"]
    used = next(a for a in authorizers if a["name"] == "test-authorizer")
    assert {k: v for k, v in used.items() if k != "id"} == {
        "name": "test-authorizer", "type": "TOKEN", "authType": "oauth2",
        "authorizerUri": LAMBDA_URI, "identitySource": "method.request.header.Authorization",
        "identityValidationExpression": "^x-[a-z]+", "authorizerResultTtlInSeconds": 60}
    unused = next(a for a in authorizers if a["name"] == "test-authorizer-not-used")
    assert "authorizerResultTtlInSeconds" not in unused  # AWS leaves it unset

    root = method_of(c, api_id, "/", "GET")
    assert root["authorizationType"] == "CUSTOM" and root["authorizerId"] == used["id"]
    assert root["methodResponses"] == {"200": {
        "statusCode": "200", "responseParameters": {"method.response.header.Content-Type": False}}}
    assert root["methodIntegration"] == {
        "type": "MOCK", "passthroughBehavior": "WHEN_NO_MATCH", "timeoutInMillis": 29000,
        "cacheNamespace": api["rootResourceId"], "cacheKeyParameters": [],
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "integrationResponses": {"200": {
            "statusCode": "200",
            "responseParameters": {"method.response.header.Content-Type": "'text/html'"},
            "responseTemplates": {"text/html": "<h1>Pets</h1>"}}}}

    pets = method_of(c, api_id, "/pets", "GET")
    assert pets["authorizationType"] == "NONE" and pets["apiKeyRequired"] is False
    assert pets["requestParameters"] == {"method.request.querystring.page": False,
                                         "method.request.querystring.type": False}
    assert pets["methodResponses"]["200"]["responseModels"] == {"application/json": "Pets"}
    integration = pets["methodIntegration"]
    assert integration["type"] == "HTTP" and integration["connectionType"] == "INTERNET"
    assert integration["httpMethod"] == "GET"
    assert integration["integrationResponses"]["200"] == {
        "statusCode": "200",
        "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"}}

    create = method_of(c, api_id, "/pets", "POST")
    assert create["operationName"] == "CreatePet"
    assert create["requestModels"] == {"application/json": "NewPet"}
    pet = method_of(c, api_id, "/pets/{petId}", "GET")
    assert pet["requestParameters"] == {"method.request.path.petId": True}  # from the path


OAS30 = """
openapi: 3.0.1
info:
  title: Zoo
  version: 2024-01-01
servers:
  - url: https://example.com/{basePath}
    variables:
      basePath:
        default: base
    x-amazon-apigateway-endpoint-configuration:
      disableExecuteApiEndpoint: false
x-amazon-apigateway-api-key-source: AUTHORIZER
x-amazon-apigateway-binary-media-types: [image/png]
x-amazon-apigateway-minimum-compression-size: 1024
x-amazon-apigateway-policy:
  Version: '2012-10-17'
  Statement: []
x-amazon-apigateway-request-validators:
  basic: {validateRequestBody: true, validateRequestParameters: true}
  params-only: {validateRequestBody: false, validateRequestParameters: true}
x-amazon-apigateway-request-validator: basic
x-amazon-apigateway-gateway-responses:
  INVALID_API_KEY:
    statusCode: 456
    responseParameters:
      gatewayresponse.header.api-key: method.request.header.api-key
    responseTemplates:
      application/json: '{"message": "Bad api-key"}'
security:
  - pool: [email]
paths:
  /animals:
    post:
      operationId: CreateAnimal
      x-amazon-apigateway-request-validator: params-only
      parameters:
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Animal'}
      responses:
        201:
          description: created
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Animal'}
      security:
        - api_key: []
        - pool: [openid]
      x-amazon-apigateway-integration:
        type: MOCK
        requestTemplates: {application/json: '{"statusCode": 201}'}
        responses:
          default:
            statusCode: 201
            responseTemplates: {application/json: '{"id": 1}'}
  /echo/{data}:
    x-amazon-apigateway-any-method:
      security: []
      x-amazon-apigateway-auth: {type: aws_iam}
      responses: {}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        passthroughBehavior: when_no_templates
components:
  schemas:
    Animal:
      type: object
      description: An animal
      required: [name]
      properties:
        name: {type: string, nullable: true}
        example: {type: string}
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
    pool:
      type: apiKey
      name: TestHeaderAuth
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer:
        type: cognito_user_pools
        providerARNs: [POOL]
x-amazon-apigateway-documentation:
  version: v1
  documentationParts:
    - location: {type: API}
      properties: {description: The zoo}
    - location: {type: NOWHERE}
      properties: {}
""".replace("POOL", POOL)


def test_import_oas30_yaml_with_every_extension(gw):
    c = gw.client()
    api = c.import_rest_api(body=OAS30, parameters={"endpointConfigurationTypes": "REGIONAL"})
    api_id = api["id"]
    assert api["version"] == "2024-01-01"  # a YAML date stays the string it was
    assert api["apiKeySource"] == "AUTHORIZER"
    assert api["binaryMediaTypes"] == ["image/png"]
    assert api["minimumCompressionSize"] == 1024
    assert api["policy"] == r'{\"Version\":\"2012-10-17\",\"Statement\":[]}'
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert api["warnings"] == [
        "Documentation part 1 was not imported: Invalid location type: NOWHERE"]
    assert sorted(resources_by_path(c, api_id)) == ["/", "/animals", "/echo", "/echo/{data}"]

    validators = {v["name"]: v for v in c.get_request_validators(restApiId=api_id)["items"]}
    assert validators["basic"]["validateRequestBody"] is True
    assert validators["params-only"]["validateRequestBody"] is False
    pool = c.get_authorizers(restApiId=api_id)["items"][0]
    assert {k: v for k, v in pool.items() if k != "id"} == {
        "name": "pool", "type": "COGNITO_USER_POOLS", "authType": "cognito_user_pools",
        "providerARNs": [POOL], "identitySource": "method.request.header.TestHeaderAuth"}

    create = method_of(c, api_id, "/animals", "POST")
    assert create["operationName"] == "CreateAnimal"
    assert create["authorizationType"] == "COGNITO_USER_POOLS"
    assert create["authorizerId"] == pool["id"] and create["authorizationScopes"] == ["openid"]
    assert create["apiKeyRequired"] is True
    assert create["requestValidatorId"] == validators["params-only"]["id"]
    assert create["requestParameters"] == {"method.request.header.X-Trace": True}
    assert create["requestModels"] == {"application/json": "Animal"}
    inline = create["methodResponses"]["201"]["responseModels"]["application/json"]
    assert len(inline) == 11 and inline.startswith("MODEL")  # AWS names inline models so
    models = {m["name"]: m for m in c.get_models(restApiId=api_id)["items"]}
    assert json.loads(models[inline]["schema"]) == {
        "type": "array", "items": {"$ref": model_url(api_id, "Animal")}}
    assert models["Animal"]["description"] == "An animal"
    assert json.loads(models["Animal"]["schema"])["properties"] == {
        "name": {"type": "string"}, "example": {"type": "string"}}
    assert create["methodIntegration"]["integrationResponses"]["201"]["statusCode"] == "201"

    echo = method_of(c, api_id, "/echo/{data}", "ANY")
    assert echo["authorizationType"] == "AWS_IAM"  # security: [] then x-amazon-apigateway-auth
    assert echo["requestValidatorId"] == validators["basic"]["id"]  # the API's default
    assert echo["requestParameters"] == {"method.request.path.data": True}
    assert "methodResponses" not in echo
    assert echo["methodIntegration"]["passthroughBehavior"] == "WHEN_NO_TEMPLATES"

    response = c.get_gateway_response(restApiId=api_id, responseType="INVALID_API_KEY")
    assert response["statusCode"] == "456" and response["defaultResponse"] is False
    assert response["responseParameters"] == {
        "gatewayresponse.header.api-key": "method.request.header.api-key"}
    parts = c.get_documentation_parts(restApiId=api_id)["items"]
    assert [(p["location"], json.loads(p["properties"])) for p in parts] == [
        ({"type": "API"}, {"description": "The zoo"})]


def test_ignore_documentation(gw):
    c = gw.client()
    api = c.import_rest_api(body=OAS30, parameters={"ignore": "documentation"})
    assert "warnings" not in api
    assert c.get_documentation_parts(restApiId=api["id"])["items"] == []


def test_imported_mock_api_answers_on_the_data_plane(gw):
    c = gw.client()
    doc = {"openapi": "3.0.1", "info": {"title": "echo", "version": "1"}, "paths": {
        "/echo/{data}": {"get": {
            "responses": {"200": {"description": "ok"}},
            "x-amazon-apigateway-integration": {
                "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                "responses": {"default": {"statusCode": "200", "responseTemplates": {
                    "application/json": '{"echo": "$input.params(\'data\')"}'}}}}}}}}
    api_id = c.import_rest_api(body=body_of(doc))["id"]
    c.create_deployment(restApiId=api_id, stageName="dev")
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/echo/hello"), timeout=10)
    assert response.status_code == 200
    assert response.json() == {"echo": "hello"}


SWAGGER_BASE = {"swagger": "2.0", "info": {"title": "base", "version": "2"},
                "basePath": "/base/part", "paths": {"/test": {"get": {
                    "responses": {"200": {"description": "ok"}},
                    "x-amazon-apigateway-integration": MOCK_200}}}}


@pytest.mark.parametrize("mode, paths", [
    ("ignore", ["/", "/test"]),
    ("prepend", ["/", "/base", "/base/part", "/base/part/test"]),
    ("split", ["/", "/part", "/part/test"]),  # the top-most part is the stage
])
def test_basepath_modes(gw, mode, paths):
    c = gw.client()
    api = c.import_rest_api(body=body_of(SWAGGER_BASE), parameters={"basepath": mode})
    assert sorted(resources_by_path(c, api["id"])) == paths
    oas = {"openapi": "3.0.1", "info": {"title": "srv", "version": "1"},
           "servers": [{"url": "https://example.com/{basePath}",
                        "variables": {"basePath": {"default": "/base/part"}}}],
           "paths": SWAGGER_BASE["paths"]}
    api = c.import_rest_api(body=body_of(oas), parameters={"basepath": mode})
    assert sorted(resources_by_path(c, api["id"])) == paths


def test_single_part_basepath_split_is_ignored(gw):
    c = gw.client()
    doc = {**SWAGGER_BASE, "basePath": "/base"}
    api = c.import_rest_api(body=body_of(doc), parameters={"basepath": "split"})
    assert sorted(resources_by_path(c, api["id"])) == ["/", "/test"]


def test_non_string_parameter_mapping_is_a_warning(gw):
    c = gw.client()
    doc = yaml.safe_load(body_of(SWAGGER_BASE))
    doc["paths"]["/test"]["get"]["x-amazon-apigateway-integration"]["requestParameters"] = {
        "integration.request.header.nothing": True,
        "integration.request.header.double-single": "'True'"}
    api = c.import_rest_api(body=body_of(doc, as_yaml=True), parameters={"basepath": "split"})
    assert api["warnings"] == [
        "Invalid format for 'requestParameters'. Expected type string for property "
        "'integration.request.header.nothing' of resource '/part/test' and method 'GET' but "
        "got 'true'"]
    method = method_of(c, api["id"], "/part/test", "GET")
    assert method["methodIntegration"]["requestParameters"] == {
        "integration.request.header.double-single": "'True'"}

    before = len(c.get_rest_apis()["items"])
    with pytest.raises(ClientError) as exc:
        c.import_rest_api(body=body_of(doc), failOnWarnings=True)
    code, message, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    assert message.startswith("Warnings found during import:\n\tInvalid format for "
                              "'requestParameters'.")
    assert len(c.get_rest_apis()["items"]) == before


@pytest.mark.parametrize("body, message", [
    ("{'key:value}", "Unable to build importer with provided input."),
    ("key: [unclosed", "Unable to build importer with provided input."),
    ('"a JSON string"', "Invalid OpenAPI input."),
    ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "Invalid OpenAPI input."),
    ('{"swagger": "1.2", "info": {"title": "t"}, "paths": {}}', "Invalid OpenAPI input."),
    ('{"info": {"title": "t"}, "paths": {}}', "Invalid OpenAPI input."),
    (json.dumps({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/": {
        "get": {"responses": {}, "x-amazon-apigateway-integration": {
            "type": "aws_proxy", "httpMethod": "POST", "uri": {"Fn::Sub": "arn:..."}}}}}}),
     "Unable to parse API definition because of a malformed integration at path /."),
    (json.dumps({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {
        "get": {"responses": {}, "x-amazon-apigateway-integration": {
            "type": "http", "httpMethod": "GET", "uri": "not-a-url"}}}}}),
     "Errors found during import:\n\tUnable to put integration on 'GET' for resource at "
     "path '/a': Invalid HTTP endpoint specified for URI"),
    (json.dumps({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/": {
        "get": {"responses": {}, "x-amazon-apigateway-integration": {
            "type": "http", "httpMethod": "GET", "uri": "http://a.example/",
            "requestParameters": {
                "integration.request.header.Authorization": "method.request.header.Authorization"
            }}}}}}),
     "Errors found during import:\n\tUnable to put integration on 'GET' for resource at "
     "path '/': Invalid mapping expression specified: Validation Result: warnings : [], "
     "errors : [Invalid mapping expression parameter specified: "
     "method.request.header.Authorization]"),
    (json.dumps({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/foo": {
        "post": {"responses": {"302": {"description": "moved"}},
                 "x-amazon-apigateway-integration": {
                     "type": "mock", "responses": {"https://.*": {
                         "statusCode": "302", "responseParameters": {
                             "method.response.header.Location":
                                 "integration.response.body.errorMessage"}}}}}}}}),
     "Errors found during import:\n\tUnable to put integration response on 'POST' for "
     "resource at path '/foo': Invalid mapping expression specified: Validation Result: "
     "warnings : [], errors : [Invalid mapping expression parameter specified: "
     "method.response.header.Location]"),
])
def test_refused_definitions_create_nothing(gw, body, message):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.import_rest_api(body=body)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_rest_apis()["items"] == []


def test_aws_variables_and_custom_id(gw):
    c = gw.client()
    doc = {"openapi": "3.0.1", "info": {"title": "vars", "version": "1"},
           "tags": [{"name": "_custom_id_", "x-amazon-apigateway-tag-value": "myapi"},
                    {"name": "pets"}],
           "paths": {"/f": {"post": {"responses": {}, "x-amazon-apigateway-integration": {
               "type": "aws_proxy", "httpMethod": "POST",
               "uri": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                      "functions/arn:${AWS::Partition}:lambda:${AWS::Region}:"
                      "${AWS::AccountId}:function:f/invocations"}}}}}
    api = c.import_rest_api(body=body_of(doc))
    assert api["id"] == "myapi" and api["tags"] == {"_custom_id_": "myapi"}
    method = method_of(c, "myapi", "/f", "POST")
    assert method["methodIntegration"]["uri"] == (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:"
        f"us-east-1:{ACCOUNT}:function:f/invocations")


def test_put_rest_api_overwrite_keeps_ids_of_identical_paths(gw):
    c = gw.client()
    api = c.create_rest_api(name="old", binaryMediaTypes=["image/heif"])
    api_id = api["id"]
    gone = c.create_resource(restApiId=api_id, parentId=api["rootResourceId"],
                             pathPart="gone")["id"]
    c.put_method(restApiId=api_id, resourceId=gone, httpMethod="GET", authorizationType="NONE")
    first = c.put_rest_api(restApiId=api_id, body=body_of(SWAGGER_BASE), mode="overwrite")
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert first["tags"] == {} and first["name"] == "base" and first["version"] == "2"
    assert "binaryMediaTypes" not in first  # overwritten by the definition's (none)
    test_id = resources_by_path(c, api_id)["/test"]["id"]
    assert sorted(resources_by_path(c, api_id)) == ["/", "/test"]
    assert [m["name"] for m in c.get_models(restApiId=api_id)["items"]] == []

    doc = json.loads(body_of(SWAGGER_BASE))
    doc["paths"]["/other"] = doc["paths"]["/test"]
    c.put_rest_api(restApiId=api_id, body=body_of(doc), mode="overwrite")
    now = resources_by_path(c, api_id)
    assert now["/test"]["id"] == test_id and now["/"]["id"] == api["rootResourceId"]
    integration = method_of(c, api_id, "/test", "GET")["methodIntegration"]
    assert integration["cacheNamespace"] == test_id  # the resource's id, as on AWS


@pytest.mark.parametrize("mode, media", [("merge", ["image/heif", "image/png", "image/jpg"]),
                                         ("overwrite", ["image/png", "image/jpg"])])
def test_put_rest_api_binary_media_types(gw, mode, media):
    c = gw.client()
    api = c.create_rest_api(name="media", binaryMediaTypes=["image/heif"])
    doc = {"swagger": "2.0", "info": {"title": "renamed", "version": "1.0.0"}, "paths": {},
           "x-amazon-apigateway-binary-media-types": ["image/png", "image/jpg"]}
    put = c.put_rest_api(restApiId=api["id"], body=body_of(doc), mode=mode)
    assert put["binaryMediaTypes"] == media
    assert (put["name"], put["version"]) == ("renamed", "1.0.0")


def test_put_rest_api_merge_keeps_other_methods_and_stages(gw):
    c = gw.client()
    api_id = c.import_rest_api(body=body_of(SWAGGER_BASE))["id"]
    c.create_deployment(restApiId=api_id, stageName="dev")
    doc = {"swagger": "2.0", "info": {"title": "base", "version": "3"}, "paths": {
        "/test": {"post": {"responses": {"200": {"description": "ok"}},
                           "x-amazon-apigateway-integration": MOCK_200}},
        "/new": {"get": {"responses": {"200": {"description": "ok"}},
                         "x-amazon-apigateway-integration": MOCK_200}}}}
    c.put_rest_api(restApiId=api_id, body=body_of(doc))  # merge is the default
    resources = resources_by_path(c, api_id)
    assert resources["/test"]["resourceMethods"] == {"GET": {}, "POST": {}}
    assert "/new" in resources
    assert [s["stageName"] for s in c.get_stages(restApiId=api_id)["item"]] == ["dev"]
    # the stage still serves its deployment until the API is deployed again
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/new"), timeout=10)
    assert response.status_code == 403


def test_put_rest_api_errors(gw):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.put_rest_api(restApiId="nope", body=body_of(SWAGGER_BASE))
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid API identifier specified {ACCOUNT}:nope", 404)
    api_id = c.import_rest_api(body=body_of(SWAGGER_BASE))["id"]
    with pytest.raises(ClientError) as exc:
        c.put_rest_api(restApiId=api_id, body=body_of(SWAGGER_BASE), mode="replace")
    assert error_of(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        c.put_rest_api(restApiId=api_id, body="openapi: 3.1.0", mode="overwrite")
    assert error_of(exc) == ("BadRequestException", "Invalid OpenAPI input.", 400)
    assert sorted(resources_by_path(c, api_id)) == ["/", "/test"]  # untouched


@pytest.mark.parametrize("as_text", [True, False])
def test_import_document_for_other_callers(as_text):
    """``startup.import_document`` takes the document as ``str`` (as README shows it) or
    ``bytes``, and runs ImportRestApi / PutRestApi as a request would."""
    import boto3

    from mockgw.errors import BadRequestException
    from mockgw.startup import import_document

    def body(doc):
        return body_of(doc) if as_text else body_of(doc).encode()

    with mock_apigateway() as mock:
        api_id = import_document(mock.instance, body(SWAGGER_BASE))
        client = boto3.client("apigateway", region_name="us-east-1")
        assert sorted(resources_by_path(client, api_id)) == ["/", "/test"]
        same = import_document(mock.instance, body(PETSTORE), api_id=api_id)
        assert same == api_id
        assert "/pets" in resources_by_path(client, api_id)
        with pytest.raises(BadRequestException, match=r"^Invalid OpenAPI input\.$"):
            import_document(mock.instance, "openapi: 3.1.0")
        assert [api["id"] for api in client.get_rest_apis()["items"]] == [api_id]

"""Integration and IntegrationResponse CRUD with AWS's recorded answers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of

LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:f/invocations")


@pytest.fixture
def method(gw):
    c = gw.client()
    api = c.create_rest_api(name="i")
    res_id = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                               pathPart="pets")["id"]
    c.put_method(restApiId=api["id"], resourceId=res_id, httpMethod="POST",
                 authorizationType="NONE")
    return c, {"restApiId": api["id"], "resourceId": res_id, "httpMethod": "POST"}


def _body(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_mock_integration_defaults(method):
    c, ids = method
    created = c.put_integration(**ids, type="MOCK", uri="http://example.com",
                                requestTemplates={"application/json": '{"statusCode": 200}'})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert _body(created) == {
        "type": "MOCK", "passthroughBehavior": "WHEN_NO_MATCH", "timeoutInMillis": 29000,
        "cacheNamespace": ids["resourceId"], "cacheKeyParameters": [],
        "requestTemplates": {"application/json": '{"statusCode": 200}'}}
    assert "integrationResponses" not in c.get_method(**ids)["methodIntegration"]


def test_http_integration_defaults(method):
    c, ids = method
    created = c.put_integration(**ids, type="HTTP", integrationHttpMethod="POST",
                                uri="http://example.com/pets")
    body = _body(created)
    assert body["connectionType"] == "INTERNET"
    assert body["httpMethod"] == "POST"
    assert body["uri"] == "http://example.com/pets"


def test_aws_proxy_lambda_integration(method):
    c, ids = method
    created = c.put_integration(**ids, type="AWS_PROXY", integrationHttpMethod="POST",
                                uri=LAMBDA_URI, credentials="arn:aws:iam::123456789012:role/r")
    body = _body(created)
    assert "connectionType" not in body
    assert body["credentials"] == "arn:aws:iam::123456789012:role/r"
    assert c.get_integration(**ids)["uri"] == LAMBDA_URI


def test_stage_variables_allowed_in_uri(method):
    c, ids = method
    created = c.put_integration(**ids, type="HTTP_PROXY", integrationHttpMethod="ANY",
                                uri="http://${stageVariables.host}/pets/{proxy}")
    assert created["uri"] == "http://${stageVariables.host}/pets/{proxy}"


@pytest.mark.parametrize("kwargs, message", [
    ({"type": "HTTP", "uri": "http://example.com"},
     "Enumeration value for HttpMethod must be non-empty"),
    ({"type": "AWS_PROXY", "integrationHttpMethod": "POST",
      "uri": "arn:aws:apigateway:us-east-1:s3:path/b/k"},
     "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose "
     "stream invocations."),
    ({"type": "HTTP_PROXY", "integrationHttpMethod": "GET", "uri": "non-valid-http"},
     "Invalid HTTP endpoint specified for URI"),
    ({"type": "AWS", "integrationHttpMethod": "POST", "uri": "non-valid-arn"},
     "Invalid ARN specified in the request"),
    ({"type": "AWS", "integrationHttpMethod": "POST",
      "uri": "arn:aws:iam::0000000000:role/service-role/asdf"},
     "AWS ARN for integration must contain path or action"),
    ({"type": "AWS", "integrationHttpMethod": "POST",
      "uri": "arn:aws:apigateway:us-east-1:kinesis:PutRecord"},
     "AWS ARN for integration must contain path or action"),
    ({"type": "MOCK", "timeoutInMillis": 30000},
     "Timeout should be between 50 ms and 29000 ms"),
])
def test_put_integration_errors(method, kwargs, message):
    c, ids = method
    with pytest.raises(ClientError) as exc:
        c.put_integration(**ids, **kwargs)
    assert error_of(exc) == ("BadRequestException", message, 400)
    with pytest.raises(ClientError) as exc:
        c.get_integration(**ids)
    assert error_of(exc) == ("NotFoundException", "Invalid Integration identifier specified", 404)


def test_integration_type_enum(method):
    c, ids = method
    with pytest.raises(ClientError) as exc:
        c.put_integration(**ids, type="HTTPS_PROXY")
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed "
        "to satisfy constraint: Member must satisfy enum value set: "
        "[HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]", 400)


def test_integration_on_missing_method(method):
    c, ids = method
    with pytest.raises(ClientError) as exc:
        c.put_integration(**{**ids, "httpMethod": "GET"}, type="MOCK")
    assert error_of(exc) == ("NotFoundException", "Invalid Method identifier specified", 404)


def test_update_and_delete_integration(method):
    c, ids = method
    c.put_integration(**ids, type="HTTP", integrationHttpMethod="POST", uri="http://a.example")
    c.update_method(**ids, patchOperations=[
        {"op": "add", "path": "/requestParameters/method.request.header.Id", "value": "false"}])
    updated = c.update_integration(**ids, patchOperations=[
        {"op": "replace", "path": "/uri", "value": "https://b.example/x"},
        {"op": "replace", "path": "/timeoutInMillis", "value": "1000"},
        {"op": "add", "path": "/requestParameters/integration.request.header.X-Id",
         "value": "method.request.header.Id"},
        {"op": "add", "path": "/cacheKeyParameters/method.request.header.Id"}])
    assert updated["uri"] == "https://b.example/x"
    assert updated["timeoutInMillis"] == 1000
    assert updated["requestParameters"] == {
        "integration.request.header.X-Id": "method.request.header.Id"}
    assert updated["cacheKeyParameters"] == ["method.request.header.Id"]
    with pytest.raises(ClientError) as exc:
        c.update_integration(**ids, patchOperations=[
            {"op": "replace", "path": "/uri", "value": "not-a-url"}])
    assert error_of(exc)[1] == "Invalid HTTP endpoint specified for URI"
    assert c.get_integration(**ids)["uri"] == "https://b.example/x"
    assert c.delete_integration(**ids)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_integration_responses(method):
    c, ids = method
    c.put_integration(**ids, type="MOCK")
    created = c.put_integration_response(**ids, statusCode="200", selectionPattern="",
                                         responseTemplates={"application/json": '"created"'})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert _body(created) == {"statusCode": "200", "selectionPattern": "",
                              "responseTemplates": {"application/json": '"created"'}}
    empty = c.put_integration_response(**ids, statusCode="400", selectionPattern="4\\d{2}",
                                       responseTemplates={"application/json": ""})
    assert empty["responseTemplates"] == {"application/json": None}
    updated = c.update_integration_response(**ids, statusCode="200", patchOperations=[
        {"op": "replace", "path": "/selectionPattern", "value": "updated-pattern"}])
    assert updated["selectionPattern"] == "updated-pattern"
    integration = c.get_integration(**ids)
    assert set(integration["integrationResponses"]) == {"200", "400"}
    assert c.delete_integration_response(
        **ids, statusCode="400")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        c.get_integration_response(**ids, statusCode="400")
    assert error_of(exc) == ("NotFoundException", "Invalid Response status code specified", 404)


def test_integration_response_errors(method):
    c, ids = method
    with pytest.raises(ClientError) as exc:
        c.put_integration_response(**ids, statusCode="200")
    assert error_of(exc) == ("NotFoundException", "Invalid Integration identifier specified", 404)
    c.put_integration(**ids, type="MOCK")
    with pytest.raises(ClientError) as exc:
        c.put_integration_response(**ids, statusCode="200",
                                   responseTemplates={"123": "x"})
    assert error_of(exc) == (
        "BadRequestException",
        "Validation Result: warnings : [], errors : [Invalid content type specified: 123]", 400)
    with pytest.raises(ClientError) as exc:
        c.delete_integration_response(**{**ids, "httpMethod": "GET"}, statusCode="200")
    assert error_of(exc) == ("NotFoundException", "Invalid Integration identifier specified", 404)


def test_put_integration_keeps_integration_responses(method):
    c, ids = method
    c.put_integration(**ids, type="MOCK")
    c.put_integration_response(**ids, statusCode="200")
    c.put_integration(**ids, type="MOCK", requestTemplates={"application/json": "{}"})
    assert set(c.get_integration(**ids)["integrationResponses"]) == {"200"}


def _mapping_error(error: str) -> tuple[str, str, int]:
    return ("BadRequestException", "Invalid mapping expression specified: Validation Result: "
            f"warnings : [], errors : [{error}]", 400)


def test_request_mappings_name_declared_method_parameters(method):
    """AWS: a method request parameter "must have been defined before it can be referenced"
    (the error Terraform users meet for an undeclared ``method.request.path.proxy``)."""
    c, ids = method
    undeclared = {"integration.request.path.id": "method.request.path.id"}
    with pytest.raises(ClientError) as exc:
        c.put_integration(**ids, type="HTTP", integrationHttpMethod="GET",
                          uri="http://a.example/{id}", requestParameters=undeclared)
    assert error_of(exc) == _mapping_error(
        "Invalid mapping expression parameter specified: method.request.path.id")
    with pytest.raises(ClientError):
        c.get_integration(**ids)  # nothing was stored
    c.update_method(**ids, patchOperations=[
        {"op": "add", "path": "/requestParameters/method.request.path.id", "value": "true"},
        {"op": "add", "path": "/requestParameters/method.request.header.X-Tenant",
         "value": "false"},
        {"op": "add", "path": "/requestParameters/method.request.querystring.tag",
         "value": "false"}])
    mapped = {"integration.request.path.id": "method.request.path.id",
              "integration.request.header.tenant": "method.request.header.x-tenant",
              "integration.request.querystring.tags": "method.request.multivaluequerystring.tag",
              "integration.request.header.body": "method.request.body.name",
              "integration.request.header.stage": "context.stage",
              "integration.request.header.fixed": "'static'"}
    created = c.put_integration(**ids, type="HTTP", integrationHttpMethod="GET",
                                uri="http://a.example/{id}", requestParameters=mapped)
    assert created["requestParameters"] == mapped
    with pytest.raises(ClientError) as exc:
        c.update_integration(**ids, patchOperations=[
            {"op": "add", "path": "/requestParameters/integration.request.header.x",
             "value": "method.request.querystring.missing"}])
    assert error_of(exc) == _mapping_error(
        "Invalid mapping expression parameter specified: method.request.querystring.missing")
    assert c.get_integration(**ids)["requestParameters"] == mapped


def test_response_mappings_name_declared_method_response_headers(method):
    c, ids = method
    c.put_integration(**ids, type="MOCK")
    target = {"method.response.header.X-Out": "'yes'"}
    with pytest.raises(ClientError) as exc:
        c.put_integration_response(**ids, statusCode="200", responseParameters=target)
    assert error_of(exc) == _mapping_error("No method response exists for method.")
    c.put_integration_response(**ids, statusCode="200")  # without a mapping: not checked
    c.put_method_response(**ids, statusCode="200")
    with pytest.raises(ClientError) as exc:
        c.put_integration_response(**ids, statusCode="200", responseParameters=target)
    assert error_of(exc) == _mapping_error(
        "Invalid mapping expression parameter specified: method.response.header.X-Out")
    c.update_method_response(**ids, statusCode="200", patchOperations=[
        {"op": "add", "path": "/responseParameters/method.response.header.x-out",
         "value": "false"}])
    created = c.put_integration_response(**ids, statusCode="200", responseParameters=target)
    assert created["responseParameters"] == target
    with pytest.raises(ClientError) as exc:
        c.update_integration_response(**ids, statusCode="200", patchOperations=[
            {"op": "add", "path": "/responseParameters/method.response.header.Other",
             "value": "'no'"}])
    assert error_of(exc) == _mapping_error(
        "Invalid mapping expression parameter specified: method.response.header.Other")
    assert c.get_integration_response(**ids, statusCode="200")["responseParameters"] == target

"""Method and MethodResponse CRUD with AWS's recorded answers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of


@pytest.fixture
def res(gw):
    c = gw.client()
    api = c.create_rest_api(name="m")
    res_id = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                               pathPart="pets")["id"]
    return c, api["id"], res_id


def test_put_method_defaults_and_get(res):
    c, api_id, res_id = res
    created = c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="ANY",
                           authorizationType="NONE")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    body = {k: v for k, v in created.items() if k != "ResponseMetadata"}
    assert body == {"httpMethod": "ANY", "authorizationType": "NONE", "apiKeyRequired": False}
    got = c.get_method(restApiId=api_id, resourceId=res_id, httpMethod="ANY")
    assert got["httpMethod"] == "ANY"
    listed = c.get_resource(restApiId=api_id, resourceId=res_id)
    assert listed["resourceMethods"] == {"ANY": {}}
    embedded = c.get_resource(restApiId=api_id, resourceId=res_id, embed=["methods"])
    assert embedded["resourceMethods"]["ANY"]["authorizationType"] == "NONE"


def test_put_method_with_parameters_models_and_validator(res):
    c, api_id, res_id = res
    created = c.put_method(
        restApiId=api_id, resourceId=res_id, httpMethod="POST", authorizationType="NONE",
        apiKeyRequired=True, operationName="CreatePet",
        requestParameters={"method.request.header.h_required": True,
                           "method.request.querystring.q_optional": False},
        requestModels={"application/json": "Empty"})
    assert created["apiKeyRequired"] is True
    assert created["requestParameters"] == {"method.request.header.h_required": True,
                                            "method.request.querystring.q_optional": False}
    assert created["requestModels"] == {"application/json": "Empty"}
    assert created["operationName"] == "CreatePet"


@pytest.mark.parametrize("kwargs, message", [
    ({"httpMethod": "WRONG"},
     "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY"),
    ({"authorizationType": "CUSTOM"},
     "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or "
     "COGNITO_USER_POOLS requires a valid authorizer."),
    ({"requestValidatorId": "fake-validator"}, "Invalid Request Validator identifier specified"),
    ({"requestModels": {"application/json": "petModel"}},
     "Invalid model identifier specified: petModel"),
    ({"requestParameters": {"method.request.querystring.optional": True,
                            "method.request.header.optional": True}},
     "Parameter names must be unique across querystring, header and path"),
])
def test_put_method_errors(res, kwargs, message):
    c, api_id, res_id = res
    args = {"restApiId": api_id, "resourceId": res_id, "httpMethod": "GET",
            "authorizationType": "NONE", **kwargs}
    with pytest.raises(ClientError) as exc:
        c.put_method(**args)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert "resourceMethods" not in c.get_resource(restApiId=api_id, resourceId=res_id)


def test_unknown_api_or_resource_is_a_resource_error(res):
    c, api_id, res_id = res
    for api, resource in (("fake-api", res_id), (api_id, "fake-resource-id")):
        with pytest.raises(ClientError) as exc:
            c.put_method(restApiId=api, resourceId=resource, httpMethod="GET",
                         authorizationType="NONE")
        assert error_of(exc) == ("NotFoundException", "Invalid Resource identifier specified",
                                 404)
    with pytest.raises(ClientError) as exc:
        c.get_method(restApiId=api_id, resourceId=res_id, httpMethod="GET")
    assert error_of(exc) == ("NotFoundException", "Invalid Method identifier specified", 404)


def test_duplicate_method_conflicts(res):
    c, api_id, res_id = res
    c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="GET", authorizationType="NONE")
    with pytest.raises(ClientError) as exc:
        c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                     authorizationType="NONE")
    assert error_of(exc)[0] == "ConflictException"


def test_update_method(res):
    c, api_id, res_id = res
    c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="GET", authorizationType="NONE")
    updated = c.update_method(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                              patchOperations=[
        {"op": "add", "path": "/requestParameters/method.request.querystring.optional",
         "value": "true"},
        {"op": "add", "path": "/requestModels/application~1json", "value": "Empty"},
        {"op": "replace", "path": "/operationName", "value": "ReplacedOperationName"},
        {"op": "replace", "path": "/apiKeyRequired", "value": "true"},
        {"op": "replace", "path": "/authorizationType", "value": "AWS_IAM"}])
    assert updated["requestParameters"] == {"method.request.querystring.optional": True}
    assert updated["requestModels"] == {"application/json": "Empty"}
    assert updated["operationName"] == "ReplacedOperationName"
    assert updated["apiKeyRequired"] is True
    assert updated["authorizationType"] == "AWS_IAM"
    cleared = c.update_method(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                              patchOperations=[
        {"op": "remove", "path": "/requestParameters/method.request.querystring.optional"},
        {"op": "remove", "path": "/requestModels/application~1json"},
        {"op": "replace", "path": "/apiKeyRequired", "value": "whatever"},
        {"op": "replace", "path": "/authorizerId", "value": "abc123"}])
    assert "requestParameters" not in cleared and "requestModels" not in cleared
    assert cleared["apiKeyRequired"] is False
    assert "authorizerId" not in cleared  # shown only with an authorizer type


@pytest.mark.parametrize("patch, message", [
    ({"op": "add", "path": "/operationName", "value": "x"},
     "Invalid patch operation specified. Must be one of: [replace]"),
    ({"op": "add", "path": "/httpMethod", "value": "PUT"}, "Invalid patch path /httpMethod"),
    ({"op": "replace", "path": "/requestParameters", "value": "x"},
     "Invalid patch path /requestParameters"),
    ({"op": "add", "path": "/requestModels/application/json", "value": "Empty"},
     "Invalid patch path /requestModels/application/json"),
    ({"op": "replace", "path": "/authorizationType", "value": "CUSTOM"},
     "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or "
     "COGNITO_USER_POOLS requires a valid authorizer."),
    ({"op": "replace", "path": "/requestValidatorId", "value": "fake-id"},
     "Invalid Request Validator identifier specified"),
])
def test_update_method_errors(res, patch, message):
    c, api_id, res_id = res
    c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="GET", authorizationType="NONE")
    with pytest.raises(ClientError) as exc:
        c.update_method(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                        patchOperations=[patch])
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_method(restApiId=api_id, resourceId=res_id,
                        httpMethod="GET")["authorizationType"] == "NONE"


def test_delete_method(res):
    c, api_id, res_id = res
    c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="GET", authorizationType="NONE")
    deleted = c.delete_method(restApiId=api_id, resourceId=res_id, httpMethod="GET")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        c.delete_method(restApiId=api_id, resourceId=res_id, httpMethod="GET")
    assert error_of(exc) == ("NotFoundException", "Invalid Method identifier specified", 404)


def test_method_responses(res):
    c, api_id, res_id = res
    c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="GET", authorizationType="NONE")
    created = c.put_method_response(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                                    statusCode="200", responseParameters={},
                                    responseModels={})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert {k: v for k, v in created.items() if k != "ResponseMetadata"} == {
        "statusCode": "200", "responseParameters": {}, "responseModels": {}}
    updated = c.update_method_response(
        restApiId=api_id, resourceId=res_id, httpMethod="GET", statusCode="200",
        patchOperations=[
            {"op": "add", "path": "/responseParameters/method.response.header.my-header",
             "value": "true"},
            {"op": "add", "path": "/responseModels/application~1json", "value": "Empty"}])
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 201  # sic, as AWS
    assert updated["responseParameters"] == {"method.response.header.my-header": True}
    assert updated["responseModels"] == {"application/json": "Empty"}
    cleared = c.update_method_response(
        restApiId=api_id, resourceId=res_id, httpMethod="GET", statusCode="200",
        patchOperations=[
            {"op": "remove", "path": "/responseParameters/method.response.header.my-header"},
            {"op": "remove", "path": "/responseModels/application~1json"}])
    assert {k: v for k, v in cleared.items() if k != "ResponseMetadata"} == {"statusCode": "200"}
    method = c.get_method(restApiId=api_id, resourceId=res_id, httpMethod="GET")
    assert method["methodResponses"] == {"200": {"statusCode": "200"}}
    assert c.delete_method_response(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                                    statusCode="200")["ResponseMetadata"]["HTTPStatusCode"] == 204


@pytest.mark.parametrize("patch, code, message, status", [
    ({"op": "replace", "path": "/responseParameters/wrong", "value": "true"},
     "NotFoundException", "Invalid parameter name specified", 404),
    ({"op": "remove", "path": "/responseModels/wrong"},
     "NotFoundException", "Content-Type specified was not found", 404),
    ({"op": "remove", "path": "/wrong/method.response.header.my-header"},
     "BadRequestException", "Invalid patch path /wrong/method.response.header.my-header", 400),
])
def test_update_method_response_errors(res, patch, code, message, status):
    c, api_id, res_id = res
    c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="GET", authorizationType="NONE")
    c.put_method_response(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                          statusCode="200")
    with pytest.raises(ClientError) as exc:
        c.update_method_response(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                                 statusCode="200", patchOperations=[patch])
    assert error_of(exc) == (code, message, status)


def test_method_response_not_found(res):
    c, api_id, res_id = res
    c.put_method(restApiId=api_id, resourceId=res_id, httpMethod="GET", authorizationType="NONE")
    with pytest.raises(ClientError) as exc:
        c.get_method_response(restApiId=api_id, resourceId=res_id, httpMethod="GET",
                              statusCode="201")
    assert error_of(exc) == ("NotFoundException", "Invalid Response status code specified", 404)

"""apigatewayv2 APIs: create (HTTP, WebSocket, quick create), get, list with paging,
update (incl. quick update), delete, CORS."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of
from tests.support import without_metadata as _body

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:hello"


@pytest.fixture
def v2(gw):
    return gw.client("apigatewayv2")


def test_create_http_api_defaults(v2):
    api = v2.create_api(Name="pets", ProtocolType="HTTP", Description="d", Version="1",
                        Tags={"team": "core"})
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    api_id = api["ApiId"]
    assert len(api_id) == 10 and api_id.isalnum() and api_id.lower() == api_id
    assert _body(api) == {
        "ApiEndpoint": f"https://{api_id}.execute-api.us-east-1.amazonaws.com",
        "ApiId": api_id, "ApiKeySelectionExpression": "$request.header.x-api-key",
        "CreatedDate": api["CreatedDate"], "Description": "d",
        "DisableExecuteApiEndpoint": False, "IpAddressType": "ipv4", "Name": "pets",
        "ProtocolType": "HTTP", "RouteSelectionExpression": "$request.method $request.path",
        "Tags": {"team": "core"}, "Version": "1"}
    assert _body(v2.get_api(ApiId=api_id)) == _body(api)
    assert v2.get_routes(ApiId=api_id)["Items"] == []
    assert v2.get_stages(ApiId=api_id)["Items"] == []


def test_create_websocket_api(gw):
    v2 = gw.client("apigatewayv2", region="eu-west-1")
    api = v2.create_api(Name="chat", ProtocolType="WEBSOCKET",
                        RouteSelectionExpression="$request.body.action",
                        ApiKeySelectionExpression="$context.authorizer.usageIdentifierKey",
                        DisableSchemaValidation=True)
    assert api["ApiEndpoint"] == f"wss://{api['ApiId']}.execute-api.eu-west-1.amazonaws.com"
    assert api["RouteSelectionExpression"] == "$request.body.action"
    assert api["ApiKeySelectionExpression"] == "$context.authorizer.usageIdentifierKey"
    assert api["DisableSchemaValidation"] is True


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"ProtocolType": "WEBSOCKET"},
     "RouteSelectionExpression is required for WEBSOCKET protocol type APIs"),
    ({"ProtocolType": "HTTP", "RouteSelectionExpression": "$request.body.action"},
     "Invalid route selection expression specified: $request.body.action. HTTP APIs support "
     "only $request.method $request.path"),
    ({"ProtocolType": "HTTP", "ApiKeySelectionExpression": "$request.header.key"},
     "Invalid API key selection expression specified: $request.header.key. Must be one of "
     "[$request.header.x-api-key, $context.authorizer.usageIdentifierKey]"),
    ({"ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action",
      "CorsConfiguration": {"AllowOrigins": ["*"]}},
     "CorsConfiguration is supported only for HTTP APIs"),
    ({"ProtocolType": "HTTP", "CorsConfiguration": {"AllowOrigins": ["*"],
                                                    "AllowCredentials": True}},
     "CORS: AllowCredentials cannot be true when AllowOrigins contains *; list the allowed "
     "origins instead"),
    ({"ProtocolType": "HTTP", "RouteKey": "GET /x"},
     "RouteKey and CredentialsArn can only be specified with Target (quick create)"),
    ({"ProtocolType": "HTTP", "Target": "ftp://example.com"},
     "Invalid Target specified: ftp://example.com. Quick create needs a Lambda function ARN or "
     "an HTTP URL"),
    ({"ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action",
      "Target": LAMBDA}, "Quick create is supported only for HTTP APIs"),
    ({"ProtocolType": "HTTP", "Target": LAMBDA, "RouteKey": "GET pets"},
     "Invalid route key specified: GET pets. An HTTP API route key is $default or an HTTP "
     "method (ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT) and a path starting with /, "
     "for example GET /pets"),
    ({"ProtocolType": "HTTP", "Tags": {"aws:x": "y"}}, "Tag keys cannot start with 'aws:'"),
])
def test_create_api_refusals_change_nothing(v2, kwargs, message):
    with pytest.raises(ClientError) as exc:
        v2.create_api(Name="bad", **kwargs)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert v2.get_apis()["Items"] == []


def test_model_constraints_answer_bad_request(gw):
    response = gw.raw("POST", "/v2/apis", json={"name": "x", "protocolType": "SOAP"})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert response.json()["message"] == (
        "1 validation error detected: Value 'SOAP' at 'createApiInput.protocolType' failed to "
        "satisfy constraint: Member must satisfy enum value set: [WEBSOCKET, HTTP]")
    response = gw.raw("POST", "/v2/apis", data=b"{not json")
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"


def test_unknown_api(v2):
    for call in (lambda: v2.get_api(ApiId="nope"), lambda: v2.delete_api(ApiId="nope"),
                 lambda: v2.update_api(ApiId="nope", Name="x"),
                 lambda: v2.get_routes(ApiId="nope")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("NotFoundException",
                                 "Invalid API identifier specified 123456789012:nope", 404)


def test_quick_create_lambda(v2):
    api = v2.create_api(Name="quick", ProtocolType="HTTP", Target=LAMBDA,
                        CredentialsArn="arn:aws:iam::123456789012:role/invoke")
    api_id = api["ApiId"]
    [integration] = v2.get_integrations(ApiId=api_id)["Items"]
    assert integration == {
        "ApiGatewayManaged": True, "ConnectionType": "INTERNET",
        "CredentialsArn": "arn:aws:iam::123456789012:role/invoke",
        "IntegrationId": integration["IntegrationId"], "IntegrationMethod": "POST",
        "IntegrationType": "AWS_PROXY", "IntegrationUri": LAMBDA, "PayloadFormatVersion": "2.0",
        "TimeoutInMillis": 30000}
    assert len(integration["IntegrationId"]) == 7
    [route] = v2.get_routes(ApiId=api_id)["Items"]
    assert route == {"ApiGatewayManaged": True, "ApiKeyRequired": False,
                     "AuthorizationType": "NONE", "RouteId": route["RouteId"],
                     "RouteKey": "$default",
                     "Target": f"integrations/{integration['IntegrationId']}"}
    [stage] = v2.get_stages(ApiId=api_id)["Items"]
    [deployment] = v2.get_deployments(ApiId=api_id)["Items"]
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True
    assert stage["ApiGatewayManaged"] is True
    assert stage["DeploymentId"] == deployment["DeploymentId"]
    assert stage["LastDeploymentStatusMessage"] == (
        f"Successfully deployed stage with deployment ID '{deployment['DeploymentId']}'")
    assert deployment["AutoDeployed"] is True and deployment["DeploymentStatus"] == "DEPLOYED"
    assert deployment["Description"] == (
        "Automatic deployment triggered by changes to the Api configuration")


def test_quick_create_http_url_with_route_key_and_quick_update(v2):
    api_id = v2.create_api(Name="proxy", ProtocolType="HTTP", Target="https://example.com/{proxy}",
                           RouteKey="ANY /{proxy+}")["ApiId"]
    [integration] = v2.get_integrations(ApiId=api_id)["Items"]
    assert integration["IntegrationType"] == "HTTP_PROXY"
    assert integration["IntegrationMethod"] == "ANY"
    assert integration["PayloadFormatVersion"] == "1.0"
    [route] = v2.get_routes(ApiId=api_id)["Items"]
    assert route["RouteKey"] == "ANY /{proxy+}"
    deployed = v2.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"]

    v2.update_api(ApiId=api_id, Target=LAMBDA, RouteKey="POST /hook")
    [integration] = v2.get_integrations(ApiId=api_id)["Items"]
    assert (integration["IntegrationType"], integration["IntegrationUri"],
            integration["PayloadFormatVersion"]) == ("AWS_PROXY", LAMBDA, "2.0")
    assert v2.get_routes(ApiId=api_id)["Items"][0]["RouteKey"] == "POST /hook"
    assert v2.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"] != deployed

    with pytest.raises(ClientError) as exc:
        v2.update_route(ApiId=api_id, RouteId=route["RouteId"], RouteKey="GET /other")
    assert error_of(exc)[0] == "BadRequestException"
    with pytest.raises(ClientError) as exc:
        v2.delete_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"])
    assert error_of(exc) == (
        "BadRequestException", f"Integration {integration['IntegrationId']} is managed by API "
        "Gateway and cannot be deleted; delete the API instead", 400)


def test_quick_update_needs_a_quick_created_api(v2):
    api_id = v2.create_api(Name="plain", ProtocolType="HTTP")["ApiId"]
    with pytest.raises(ClientError) as exc:
        v2.update_api(ApiId=api_id, Target=LAMBDA)
    assert error_of(exc) == (
        "BadRequestException", "Target, RouteKey and CredentialsArn can only be updated on an "
        "API created with quick create", 400)


def test_get_apis_pages(v2):
    ids = [v2.create_api(Name=f"api{n}", ProtocolType="HTTP")["ApiId"] for n in range(5)]
    first = v2.get_apis(MaxResults="2")
    assert [a["ApiId"] for a in first["Items"]] == ids[:2]
    second = v2.get_apis(MaxResults="2", NextToken=first["NextToken"])
    third = v2.get_apis(MaxResults="2", NextToken=second["NextToken"])
    assert [a["ApiId"] for a in second["Items"] + third["Items"]] == ids[2:]
    assert "NextToken" not in third
    assert [a["ApiId"] for a in v2.get_apis()["Items"]] == ids
    paged = v2.get_paginator("get_apis").paginate(PaginationConfig={"PageSize": 2})
    assert [a["ApiId"] for page in paged for a in page["Items"]] == ids
    with pytest.raises(ClientError) as exc:
        v2.get_apis(MaxResults="many")
    assert error_of(exc) == ("BadRequestException", "Invalid MaxResults: many", 400)
    with pytest.raises(ClientError) as exc:
        v2.get_apis(NextToken="%%%")
    assert error_of(exc) == ("BadRequestException", "Invalid NextToken specified", 400)


def test_update_api_and_cors(v2):
    api_id = v2.create_api(Name="old", ProtocolType="HTTP",
                           CorsConfiguration={"AllowOrigins": ["https://a.example"],
                                              "MaxAge": 60})["ApiId"]
    cors = {"AllowOrigins": ["https://b.example"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["content-type"], "ExposeHeaders": ["x-id"],
            "AllowCredentials": True, "MaxAge": 300}
    out = v2.update_api(ApiId=api_id, Name="new", Description="now", CorsConfiguration=cors,
                        DisableExecuteApiEndpoint=True)
    assert (out["Name"], out["Description"], out["DisableExecuteApiEndpoint"]) == (
        "new", "now", True)
    assert out["CorsConfiguration"] == cors
    assert v2.get_api(ApiId=api_id)["CorsConfiguration"] == cors
    with pytest.raises(ClientError) as exc:
        v2.update_api(ApiId=api_id, CorsConfiguration={"AllowMethods": ["FETCH"]})
    assert error_of(exc) == ("BadRequestException", "Invalid CORS method specified: FETCH. "
                             "Must be one of [*, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS]",
                             400)
    with pytest.raises(ClientError) as exc:
        v2.update_api(ApiId=api_id, Name="  ")
    assert error_of(exc)[0] == "BadRequestException"
    assert v2.get_api(ApiId=api_id)["Name"] == "new"
    assert v2.delete_cors_configuration(ApiId=api_id)["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    assert "CorsConfiguration" not in v2.get_api(ApiId=api_id)


def test_delete_api(v2):
    api_id = v2.create_api(Name="gone", ProtocolType="HTTP", Target=LAMBDA)["ApiId"]
    assert v2.delete_api(ApiId=api_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert v2.get_apis()["Items"] == []


def test_custom_id_tag(v2):
    api = v2.create_api(Name="fixed", ProtocolType="HTTP", Tags={"_custom_id_": "my-api"})
    assert api["ApiId"] == "my-api"
    assert api["ApiEndpoint"] == "https://my-api.execute-api.us-east-1.amazonaws.com"
    with pytest.raises(ClientError) as exc:
        v2.create_api(Name="again", ProtocolType="HTTP", Tags={"_custom_id_": "my-api"})
    assert error_of(exc) == ("ConflictException", "An API with the id my-api already exists",
                             409)


def test_regions_are_isolated(gw):
    east = gw.client("apigatewayv2")
    west = gw.client("apigatewayv2", region="us-west-2")
    api_id = east.create_api(Name="e", ProtocolType="HTTP")["ApiId"]
    assert west.get_apis()["Items"] == []
    with pytest.raises(ClientError) as exc:
        west.get_api(ApiId=api_id)
    assert error_of(exc)[0] == "NotFoundException"

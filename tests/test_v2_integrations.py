"""apigatewayv2 integrations and integration responses: types per protocol, payload format
versions, timeouts, parameter mappings, service integrations, private integrations."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of
from tests.support import without_metadata as _body

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:hello"
INVOKE = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{LAMBDA}/invocations"
MAPPING = "Invalid mapping expression specified: Validation Result: warnings : [], errors : "


def test_lambda_proxy_integration(v2_http_api):
    v2, api_id = v2_http_api
    created = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                    IntegrationUri=INVOKE, PayloadFormatVersion="1.0",
                                    Description="lambda")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    integration_id = created["IntegrationId"]
    assert _body(created) == {"ConnectionType": "INTERNET", "Description": "lambda",
                              "IntegrationId": integration_id, "IntegrationMethod": "POST",
                              "IntegrationType": "AWS_PROXY", "IntegrationUri": INVOKE,
                              "PayloadFormatVersion": "1.0", "TimeoutInMillis": 30000}
    out = v2.update_integration(ApiId=api_id, IntegrationId=integration_id,
                                PayloadFormatVersion="2.0", TimeoutInMillis=10000)
    assert (out["PayloadFormatVersion"], out["TimeoutInMillis"], out["Description"]) == (
        "2.0", 10000, "lambda")
    assert _body(v2.get_integration(ApiId=api_id, IntegrationId=integration_id)) == _body(out)
    assert [i["IntegrationId"] for i in v2.get_integrations(ApiId=api_id)["Items"]] == [
        integration_id]
    v2.delete_integration(ApiId=api_id, IntegrationId=integration_id)
    with pytest.raises(ClientError) as exc:
        v2.get_integration(ApiId=api_id, IntegrationId=integration_id)
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid Integration identifier specified {integration_id}", 404)


def test_http_proxy_integration_with_mappings(v2_http_api):
    v2, api_id = v2_http_api
    out = v2.create_integration(
        ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationUri="https://backend.example/{p}",
        IntegrationMethod="PATCH",
        RequestParameters={"append:header.x-request-id": "$context.requestId",
                           "overwrite:querystring.stage": "${stageVariables.name}-v1",
                           "remove:header.x-secret": "''",
                           "overwrite:path": "/items/$request.path.id"},
        ResponseParameters={"500": {"overwrite:statuscode": "403",
                                    "append:header.x-err": "$response.header.x-backend"},
                            "404": {"overwrite:header.x-body": "$response.body.message"}})
    integration_id = out["IntegrationId"]
    assert out["PayloadFormatVersion"] == "1.0" and out["IntegrationMethod"] == "PATCH"
    assert out["ResponseParameters"]["500"] == {"overwrite:statuscode": "403",
                                                "append:header.x-err": "$response.header.x-backend"}
    merged = v2.update_integration(ApiId=api_id, IntegrationId=integration_id,
                                   RequestParameters={"remove:header.x-secret": "",
                                                      "append:querystring.a": "static"},
                                   ResponseParameters={"404": {}})
    assert merged["RequestParameters"] == {
        "append:header.x-request-id": "$context.requestId",
        "overwrite:querystring.stage": "${stageVariables.name}-v1",
        "overwrite:path": "/items/$request.path.id", "append:querystring.a": "static"}
    assert list(merged["ResponseParameters"]) == ["500"]
    default = v2.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY",
                                    IntegrationUri="http://example.com")
    assert default["IntegrationMethod"] == "ANY"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"IntegrationType": "MOCK"}, "Currently, an API with a protocol type of HTTP may only be "
     "associated with proxy integrations (AWS_PROXY, HTTP_PROXY)"),
    ({"IntegrationType": "AWS", "IntegrationUri": LAMBDA}, "Currently, an API with a protocol "
     "type of HTTP may only be associated with proxy integrations (AWS_PROXY, HTTP_PROXY)"),
    ({"IntegrationType": "AWS_PROXY", "IntegrationUri": LAMBDA},
     "PayloadFormatVersion is a required parameter for integration type AWS_PROXY"),
    ({"IntegrationType": "AWS_PROXY", "IntegrationUri": LAMBDA, "PayloadFormatVersion": "3.0"},
     "Invalid PayloadFormatVersion specified: 3.0. Must be one of [1.0, 2.0]"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "PayloadFormatVersion": "2.0"}, "PayloadFormatVersion 2.0 is supported only for Lambda "
     "proxy integrations of HTTP APIs; this integration supports only 1.0"),
    ({"IntegrationType": "AWS_PROXY", "IntegrationUri": "arn:aws:s3:::bucket",
      "PayloadFormatVersion": "2.0"}, "Invalid integration URI specified: arn:aws:s3:::bucket. "
     "A Lambda proxy integration needs a Lambda function ARN or its API Gateway invocation ARN"),
    ({"IntegrationType": "AWS_PROXY", "IntegrationUri": LAMBDA, "PayloadFormatVersion": "2.0",
      "IntegrationMethod": "GET"}, "HttpMethod must be POST for AWS_PROXY IntegrationType"),
    ({"IntegrationType": "HTTP_PROXY"}, "IntegrationUri is required for integration type "
                                        "HTTP_PROXY"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "example.com"},
     "Invalid integration URI specified: example.com. An HTTP integration needs an http:// or "
     "https:// URL"),
    ({"IntegrationType": "AWS_PROXY", "IntegrationUri": LAMBDA, "PayloadFormatVersion": "2.0",
      "TimeoutInMillis": 40000}, None),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "PassthroughBehavior": "NEVER"}, "PassthroughBehavior is supported only for WebSocket APIs"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "RequestTemplates": {"application/json": "{}"}},
     "RequestTemplates is supported only for WebSocket APIs"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "ConnectionType": "VPC_LINK"}, "ConnectionId is required for connection type VPC_LINK"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "ConnectionId": "abc123"}, "ConnectionId can only be set for connection type VPC_LINK"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "RequestParameters": {"header.x": "v"}},
     MAPPING + "[Invalid mapping key specified: header.x. Use append|overwrite|remove:header."
     "{name}, append|overwrite|remove:querystring.{name} or overwrite:path]"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "RequestParameters": {"overwrite:header.Authorization": "x"}},
     MAPPING + "[Header Authorization is reserved and cannot be mapped]"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "RequestParameters": {"append:header.x-amzn-id": "x"}},
     MAPPING + "[Header x-amzn-id is reserved and cannot be mapped]"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "RequestParameters": {"append:header.x": "$request.cookie.c"}},
     MAPPING + "[Invalid mapping value specified: $request.cookie.c]"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "ResponseParameters": {"100": {"overwrite:statuscode": "200"}}},
     MAPPING + "[Invalid status code specified: 100. Status codes must be between 200 and 599]"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "ResponseParameters": {"500": {"overwrite:statuscode": "abc"}}},
     MAPPING + "[Invalid status code specified: abc. Status codes must be between 200 and 599]"),
    ({"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://x.example",
      "ResponseParameters": {"500": {"overwrite:path": "/x"}}},
     MAPPING + "[Invalid mapping key specified: overwrite:path. Use append|overwrite|remove:"
     "header.{name} or overwrite:statuscode]"),
])
def test_http_integration_refusals_change_nothing(v2_http_api, kwargs, message):
    v2, api_id = v2_http_api
    with pytest.raises(ClientError) as exc:
        v2.create_integration(ApiId=api_id, **kwargs)
    code, got, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    if message is not None:
        assert got == message
    assert v2.get_integrations(ApiId=api_id)["Items"] == []


def test_service_integrations(v2_http_api):
    v2, api_id = v2_http_api
    role = "arn:aws:iam::123456789012:role/apigw"
    out = v2.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationSubtype="SQS-SendMessage",
        CredentialsArn=role,
        RequestParameters={"QueueUrl": "$request.header.queue",
                           "MessageBody": "$request.body.message"})
    assert _body(out) == {
        "ConnectionType": "INTERNET", "CredentialsArn": role,
        "IntegrationId": out["IntegrationId"], "IntegrationSubtype": "SQS-SendMessage",
        "IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "1.0",
        "RequestParameters": {"QueueUrl": "$request.header.queue",
                              "MessageBody": "$request.body.message"},
        "TimeoutInMillis": 30000}
    for kwargs, message in [
        ({"IntegrationSubtype": "SQS-SendMessage", "RequestParameters": {"QueueUrl": "q"}},
         MAPPING + "[Parameter(s) MessageBody must be specified for SQS-SendMessage]"),
        ({"IntegrationSubtype": "Kinesis-PutRecord",
          "RequestParameters": {"StreamName": "s", "Data": "d", "PartitionKey": "k",
                                "QueueUrl": "q"}},
         MAPPING + "[Parameter QueueUrl is not supported for Kinesis-PutRecord. Supported "
         "parameters: [StreamName, Data, PartitionKey, SequenceNumberForOrdering, "
         "ExplicitHashKey, Region]]"),
        ({"IntegrationSubtype": "S3-PutObject", "RequestParameters": {}},
         None),
        ({"IntegrationSubtype": "SQS-PurgeQueue", "RequestParameters": {"QueueUrl": "q"},
          "IntegrationUri": LAMBDA},
         "IntegrationUri cannot be specified for an integration with an IntegrationSubtype"),
    ]:
        with pytest.raises(ClientError) as exc:
            v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", **kwargs)
        code, got, _ = error_of(exc)
        assert code == "BadRequestException"
        if message is not None:
            assert got == message
    assert len(v2.get_integrations(ApiId=api_id)["Items"]) == 1


def test_private_integration(v2_http_api):
    v2, api_id = v2_http_api
    listener = ("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/lb/"
                "50dc6c495c0c9188/0467ef3c8400ae65")
    out = v2.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY",
                                IntegrationUri=listener, IntegrationMethod="ANY",
                                ConnectionType="VPC_LINK", ConnectionId="abcd12",
                                TlsConfig={"ServerNameToVerify": "backend.example"})
    assert (out["ConnectionType"], out["ConnectionId"], out["TlsConfig"]) == (
        "VPC_LINK", "abcd12", {"ServerNameToVerify": "backend.example"})
    public = v2.update_integration(ApiId=api_id, IntegrationId=out["IntegrationId"],
                                   ConnectionType="INTERNET",
                                   IntegrationUri="https://backend.example")
    assert public["ConnectionType"] == "INTERNET" and "ConnectionId" not in public


def test_websocket_integrations(v2_websocket_api):
    v2, api_id = v2_websocket_api
    mock = v2.create_integration(ApiId=api_id, IntegrationType="MOCK",
                                 RequestTemplates={"application/json": '{"statusCode": 200}'},
                                 TemplateSelectionExpression="\\$default")
    assert _body(mock) == {
        "ConnectionType": "INTERNET", "IntegrationId": mock["IntegrationId"],
        "IntegrationResponseSelectionExpression": "${integration.response.statuscode}",
        "IntegrationType": "MOCK", "PassthroughBehavior": "WHEN_NO_MATCH",
        "PayloadFormatVersion": "1.0",
        "RequestTemplates": {"application/json": '{"statusCode": 200}'},
        "TemplateSelectionExpression": "\\$default", "TimeoutInMillis": 29000}
    proxy = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                  IntegrationUri=INVOKE, ContentHandlingStrategy="CONVERT_TO_TEXT")
    assert proxy["IntegrationMethod"] == "POST"
    assert "IntegrationResponseSelectionExpression" not in proxy
    http = v2.create_integration(
        ApiId=api_id, IntegrationType="HTTP", IntegrationUri="https://backend.example",
        IntegrationMethod="POST",
        RequestParameters={"integration.request.header.x-id": "route.request.header.id",
                           "integration.request.querystring.q": "'static'"})
    assert http["IntegrationType"] == "HTTP"
    for kwargs, message in [
        ({"IntegrationType": "HTTP", "IntegrationUri": "https://x.example"},
         "IntegrationMethod is required for integration type HTTP"),
        ({"IntegrationType": "MOCK", "TimeoutInMillis": 30000},
         "Timeout must be between 50 ms and 29000 ms for WEBSOCKET APIs"),
        ({"IntegrationType": "AWS_PROXY", "IntegrationUri": INVOKE,
          "PayloadFormatVersion": "2.0"},
         "PayloadFormatVersion 2.0 is supported only for Lambda proxy integrations of HTTP "
         "APIs; this integration supports only 1.0"),
        ({"IntegrationType": "AWS", "IntegrationUri": "https://x.example",
          "IntegrationMethod": "POST"},
         "Invalid integration URI specified: https://x.example. An AWS integration needs an "
         "ARN of the form arn:aws:apigateway:{region}:{service}:action/{action} or :path/{path}"),
        ({"IntegrationType": "MOCK", "IntegrationSubtype": "SQS-SendMessage"},
         "IntegrationSubtype is supported only for HTTP APIs"),
        ({"IntegrationType": "MOCK", "RequestParameters": {"overwrite:header.x": "y"}},
         MAPPING + "[Invalid mapping expression specified: overwrite:header.x]"),
    ]:
        with pytest.raises(ClientError) as exc:
            v2.create_integration(ApiId=api_id, **kwargs)
        assert error_of(exc) == ("BadRequestException", message, 400)
    assert len(v2.get_integrations(ApiId=api_id)["Items"]) == 3


def test_integration_responses(v2_websocket_api, v2_http_api):
    v2, api_id = v2_websocket_api
    integration_id = v2.create_integration(ApiId=api_id, IntegrationType="MOCK")["IntegrationId"]
    created = v2.create_integration_response(
        ApiId=api_id, IntegrationId=integration_id, IntegrationResponseKey="/4\\d\\d/",
        ResponseTemplates={"application/json": '{"error": true}'},
        TemplateSelectionExpression="\\$default")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    response_id = created["IntegrationResponseId"]
    assert _body(created) == {"IntegrationResponseId": response_id,
                              "IntegrationResponseKey": "/4\\d\\d/",
                              "ResponseTemplates": {"application/json": '{"error": true}'},
                              "TemplateSelectionExpression": "\\$default"}
    default = v2.create_integration_response(ApiId=api_id, IntegrationId=integration_id,
                                             IntegrationResponseKey="$default")
    out = v2.update_integration_response(ApiId=api_id, IntegrationId=integration_id,
                                         IntegrationResponseId=default["IntegrationResponseId"],
                                         ContentHandlingStrategy="CONVERT_TO_TEXT")
    assert out["ContentHandlingStrategy"] == "CONVERT_TO_TEXT"
    assert [r["IntegrationResponseKey"] for r in v2.get_integration_responses(
        ApiId=api_id, IntegrationId=integration_id)["Items"]] == ["/4\\d\\d/", "$default"]
    for key, expected in [("$default", "ConflictException"), ("5xx", "BadRequestException"),
                          ("/(/", "BadRequestException")]:
        with pytest.raises(ClientError) as exc:
            v2.create_integration_response(ApiId=api_id, IntegrationId=integration_id,
                                           IntegrationResponseKey=key)
        assert error_of(exc)[0] == expected
    v2.delete_integration_response(ApiId=api_id, IntegrationId=integration_id,
                                   IntegrationResponseId=response_id)
    with pytest.raises(ClientError) as exc:
        v2.get_integration_response(ApiId=api_id, IntegrationId=integration_id,
                                    IntegrationResponseId=response_id)
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid IntegrationResponse identifier specified {response_id}",
                             404)
    _, http_id = v2_http_api
    proxy = v2.create_integration(ApiId=http_id, IntegrationType="HTTP_PROXY",
                                  IntegrationUri="https://x.example")["IntegrationId"]
    with pytest.raises(ClientError) as exc:
        v2.create_integration_response(ApiId=http_id, IntegrationId=proxy,
                                       IntegrationResponseKey="$default")
    assert error_of(exc) == ("BadRequestException",
                             "Integration responses are supported only for WebSocket APIs", 400)

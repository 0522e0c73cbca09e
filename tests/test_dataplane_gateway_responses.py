"""Gateway responses on the data plane: AWS's default answers for every response type
reachable here, and their customisation (PutGatewayResponse, DEFAULT_4XX/5XX), which,
living in the deployment snapshot, takes effect only after a redeploy."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.backend import Reply
from tests.dataplane_support import access_log_lines, new_api, set_method

MOCK_OK = {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}}
OK_RESPONSE = {"200": {"responseTemplates": {"application/json": '{"ok": true}'}}}


def mock_api(c: Any, **method_kwargs: Any) -> str:
    api_id, res = new_api(c)
    set_method(c, api_id, res, integration=MOCK_OK, responses=OK_RESPONSE,
               method_kwargs=method_kwargs)
    c.create_deployment(restApiId=api_id, stageName="dev")
    return api_id


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- each scenario: set up an API, then one request that fails as the type says ------------

def missing_token(gw, c, backend) -> Callable[[], Any]:
    api_id = mock_api(c)
    return lambda: gw.http.get(gw.invoke_url(api_id, "dev", "/nothing"), timeout=10)


def invalid_api_key(gw, c, backend):
    api_id = mock_api(c, apiKeyRequired=True)
    return lambda: gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)


def throttled(gw, c, backend):
    api_id = mock_api(c)
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "0"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "0"}])
    return lambda: gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)


def quota_exceeded(gw, c, backend):
    api_id = mock_api(c, apiKeyRequired=True)
    plan = c.create_usage_plan(name="p", apiStages=[{"apiId": api_id, "stage": "dev"}],
                               quota={"limit": 1, "period": "DAY"})
    key = c.create_api_key(name="k", enabled=True, value="k" * 24)
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    url = gw.invoke_url(api_id, "dev", "/items")
    assert gw.http.get(url, headers={"x-api-key": "k" * 24}, timeout=10).status_code == 200
    return lambda: gw.http.get(url, headers={"x-api-key": "k" * 24}, timeout=10)


def unsupported_media_type(gw, c, backend):
    api_id, res = new_api(c)
    set_method(c, api_id, res, method="POST", integration={
        **MOCK_OK, "passthroughBehavior": "NEVER"}, responses=OK_RESPONSE)
    c.create_deployment(restApiId=api_id, stageName="dev")
    return lambda: gw.http.post(gw.invoke_url(api_id, "dev", "/items"), data="<a/>",
                                headers={"Content-Type": "application/xml"}, timeout=10)


def bad_request_body(gw, c, backend):
    api_id, res = new_api(c)
    set_method(c, api_id, res, method="POST", integration={
        "type": "HTTP", "integrationHttpMethod": "POST", "uri": backend.url + "/x",
        "requestParameters": {"integration.request.header.X-Name": "method.request.body.name"}},
        responses={"200": {"selectionPattern": ""}})
    c.create_deployment(restApiId=api_id, stageName="dev")
    return lambda: gw.http.post(gw.invoke_url(api_id, "dev", "/items"), data="{oops",
                                headers={"Content-Type": "application/json"}, timeout=10)


def api_configuration_error(gw, c, backend):
    api_id, res = new_api(c)
    set_method(c, api_id, res, integration=MOCK_OK,
               responses={"200": {"selectionPattern": "201"}})
    c.create_deployment(restApiId=api_id, stageName="dev")
    return lambda: gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)


def integration_failure(gw, c, backend):
    api_id, res = new_api(c)
    set_method(c, api_id, res, integration={
        "type": "HTTP_PROXY", "integrationHttpMethod": "GET",
        "uri": f"http://127.0.0.1:{closed_port()}/x"})
    c.create_deployment(restApiId=api_id, stageName="dev")
    return lambda: gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)


def integration_timeout(gw, c, backend):
    release = threading.Event()
    backend.replies["/slow"] = Reply(hold=release)
    api_id, res = new_api(c)
    set_method(c, api_id, res, integration={
        "type": "HTTP_PROXY", "integrationHttpMethod": "GET", "uri": backend.url + "/slow",
        "timeoutInMillis": 50})
    c.create_deployment(restApiId=api_id, stageName="dev")

    def call():
        try:
            return gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
        finally:
            release.set()
    return call


DEFAULTS = [
    # scenario, response type, status, x-amzn-ErrorType, exact body
    (missing_token, "MISSING_AUTHENTICATION_TOKEN", 403, "MissingAuthenticationTokenException",
     b'{"message":"Missing Authentication Token"}'),
    (invalid_api_key, "INVALID_API_KEY", 403, "ForbiddenException", b'{"message":"Forbidden"}'),
    (throttled, "THROTTLED", 429, "TooManyRequestsException",
     b'{"message":"Too Many Requests"}'),
    (quota_exceeded, "QUOTA_EXCEEDED", 429, "LimitExceededException",
     b'{"message":"Limit Exceeded"}'),
    (unsupported_media_type, "UNSUPPORTED_MEDIA_TYPE", 415, "BadRequestException",
     b'{"message":"Unsupported Media Type"}'),
    (bad_request_body, "BAD_REQUEST_BODY", 400, "BadRequestException",
     b'{"message":"Invalid JSON in request body"}'),
    (api_configuration_error, "API_CONFIGURATION_ERROR", 500, "ApiConfigurationException",
     b'{"message": "Internal server error"}'),
    (integration_failure, "INTEGRATION_FAILURE", 500, "InternalServerErrorException",
     b'{"message": "Internal server error"}'),
    (integration_timeout, "INTEGRATION_TIMEOUT", 504, "InternalServerErrorException",
     b'{"message": "Endpoint request timed out"}'),
]


@pytest.mark.parametrize(("scenario", "kind", "status", "error_type", "body"), DEFAULTS,
                         ids=[case[1] for case in DEFAULTS])
def test_default_gateway_responses(gw, backend, scenario, kind, status, error_type, body):
    response = scenario(gw, gw.client(), backend)()
    assert response.status_code == status
    assert response.content == body
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["x-amzn-ErrorType"] == error_type
    assert response.headers["x-amzn-RequestId"]
    assert response.headers["x-amz-apigw-id"]
    assert "X-Amzn-Trace-Id" not in response.headers  # none on gateway errors


CUSTOM_TEMPLATE = ('{"msg":$context.error.messageString,"type":"$context.error.responseType",'
                   '"raw":"$context.error.message","stage":"$context.stage",'
                   '"rid":"$context.requestId","env":"$stageVariables.env",'
                   '"q":"$method.request.querystring.q"}')


def test_customised_response_applies_after_redeploy(gw):
    c = gw.client()
    api_id = mock_api(c)
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/variables/env", "value": "qa"}])
    c.put_gateway_response(
        restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404",
        responseParameters={
            "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
            "gatewayresponse.header.X-Client": "method.request.header.X-Client",
            "gatewayresponse.header.X-Q": "method.request.querystring.q",
            "gatewayresponse.header.X-Request-Id": "context.requestId",
            "gatewayresponse.header.X-Env": "stageVariables.env"},
        responseTemplates={"application/json": CUSTOM_TEMPLATE})
    url = gw.invoke_url(api_id, "dev", "/nothing")
    before = gw.http.get(url, timeout=10)
    assert (before.status_code, before.content) == (
        403, b'{"message":"Missing Authentication Token"}')  # not deployed yet
    c.create_deployment(restApiId=api_id, stageName="dev")
    response = gw.http.get(url, params={"q": "find"}, headers={"X-Client": "c7"}, timeout=10)
    assert response.status_code == 404
    rid = response.headers["x-amzn-RequestId"]
    assert response.json() == {"msg": "Missing Authentication Token",
                               "type": "MISSING_AUTHENTICATION_TOKEN",
                               "raw": "Missing Authentication Token", "stage": "dev",
                               "rid": rid, "env": "qa", "q": "find"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Client"] == "c7"
    assert response.headers["X-Q"] == "find"
    assert response.headers["X-Request-Id"] == rid
    assert response.headers["X-Env"] == "qa"
    assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    c.delete_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN")
    assert gw.http.get(url, timeout=10).status_code == 404  # still the deployed snapshot
    c.create_deployment(restApiId=api_id, stageName="dev")
    after = gw.http.get(url, timeout=10)
    assert (after.status_code, after.content) == (
        403, b'{"message":"Missing Authentication Token"}')


def test_default_4xx_and_5xx_are_inherited(gw, backend):
    c = gw.client()
    api_id, res = new_api(c)
    set_method(c, api_id, res, integration={
        "type": "HTTP_PROXY", "integrationHttpMethod": "GET",
        "uri": f"http://127.0.0.1:{closed_port()}/x"})
    keyed = c.create_resource(restApiId=api_id, parentId=c.get_rest_api(restApiId=api_id)[
        "rootResourceId"], pathPart="keyed")["id"]
    set_method(c, api_id, keyed, integration=MOCK_OK, responses=OK_RESPONSE,
               method_kwargs={"apiKeyRequired": True})
    c.put_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX",
                           responseParameters={"gatewayresponse.header.X-Family": "'4xx'"},
                           responseTemplates={"application/json":
                                              '{"family":"4xx","type":"$context.error.responseType"}'})
    c.put_gateway_response(restApiId=api_id, responseType="DEFAULT_5XX", statusCode="503",
                           responseTemplates={"application/json": '{"family":"5xx"}'})
    c.put_gateway_response(restApiId=api_id, responseType="INVALID_API_KEY", statusCode="401",
                           responseTemplates={"application/json": '{"own":true}'})
    c.create_deployment(restApiId=api_id, stageName="dev")
    missing = gw.http.get(gw.invoke_url(api_id, "dev", "/nothing"), timeout=10)
    assert missing.status_code == 403  # DEFAULT_4XX has no status: the type's own
    assert missing.json() == {"family": "4xx", "type": "MISSING_AUTHENTICATION_TOKEN"}
    assert missing.headers["X-Family"] == "4xx"
    failed = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert (failed.status_code, failed.json()) == (503, {"family": "5xx"})
    assert failed.headers["x-amzn-ErrorType"] == "InternalServerErrorException"
    keyless = gw.http.get(gw.invoke_url(api_id, "dev", "/keyed"), timeout=10)
    assert (keyless.status_code, keyless.json()) == (401, {"own": True})  # its own wins
    assert "X-Family" not in keyless.headers


def test_unknown_api_is_not_customisable(gw):
    response = gw.http.get(gw.invoke_url("nosuchapi", "dev", "/x"), timeout=10)
    assert (response.status_code, response.content) == (403, b'{"message":"Forbidden"}')
    assert response.headers["x-amzn-ErrorType"] == "ForbiddenException"


def test_error_answers_are_access_logged(gw):
    c = gw.client()
    api_id = mock_api(c)
    fmt = json.dumps({"rid": "$context.requestId", "status": "$context.status",
                      "error": "$context.error.message", "type": "$context.error.responseType",
                      "path": "$context.path", "resource": "$context.resourcePath"})
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/accessLogSettings/format", "value": fmt},
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": "arn:aws:logs:us-east-1:123456789012:log-group:access"}])
    missing = gw.http.get(gw.invoke_url(api_id, "dev", "/nothing"), timeout=10)
    ok = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    lines = [json.loads(line) for line in access_log_lines(gw, api_id, "dev")]
    assert lines == [
        {"rid": missing.headers["x-amzn-RequestId"], "status": "403",
         "error": "Missing Authentication Token", "type": "MISSING_AUTHENTICATION_TOKEN",
         "path": "/dev/nothing", "resource": "-"},
        {"rid": ok.headers["x-amzn-RequestId"], "status": "200", "error": "-", "type": "-",
         "path": "/dev/items", "resource": "/items"},
    ]

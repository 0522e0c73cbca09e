"""TestInvokeMethod: the live definition of one method, run without deploying."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of, mock_api


def test_invoke_runs_the_live_definition(gw):
    c = gw.client()
    ids = mock_api(c, path="{petId}", body='{"pet": "$input.params(\'petId\')", '
                                           '"q": "$input.params(\'q\')"}')
    out = c.test_invoke_method(restApiId=ids["api_id"], resourceId=ids["resource_id"],
                               httpMethod="GET", pathWithQueryString="/123?q=x",
                               headers={"X-Trace": "7"})
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out["status"] == 200
    assert out["body"] == '{"pet": "123", "q": "x"}'
    assert out["headers"]["Content-Type"] == "application/json"
    assert out["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert isinstance(out["latency"], int)
    log = out["log"].split("\n")
    assert re.fullmatch(r"Execution log for request [0-9a-f-]{36}", log[0])
    stamp = r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4} : "
    assert all(re.match(stamp, line) for line in log[1:-1]) and log[-1] == ""
    body = [line.split(" : ", 1)[1] for line in log[1:-1]]
    assert "HTTP Method: GET, Resource Path: /123" in body
    assert "Method request path: {petId=123}" in body
    assert "Method request query string: {q=x}" in body
    assert "Method request headers: {X-Trace=7}" in body
    assert body[-2:] == ["Successfully completed execution", "Method completed with status: 200"]


def test_without_a_path_the_template_is_used(gw):
    c = gw.client()
    ids = mock_api(c, path="{petId}", body='{"pet": "$input.params(\'petId\')"}')
    out = c.test_invoke_method(restApiId=ids["api_id"], resourceId=ids["resource_id"],
                               httpMethod="GET")
    assert "Method request path: {petId={petId}}" in out["log"]


def test_failed_integration_answers_500(gw):
    c = gw.client()
    api = c.create_rest_api(name="broken")
    root = api["rootResourceId"]
    c.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET",
                 authorizationType="NONE")
    c.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET",
                      type="HTTP_PROXY", integrationHttpMethod="GET",
                      uri="https://${stageVariables.testHost}/x")
    out = c.test_invoke_method(restApiId=api["id"], resourceId=root, httpMethod="GET")
    assert out["status"] == 500
    assert out["body"] == '{"message": "Internal server error"}'
    assert out["headers"]["x-amzn-ErrorType"] == "InternalServerErrorException"
    assert out["log"].rstrip("\n").endswith("Method completed with status: 500")


@pytest.mark.parametrize("kwargs, expected", [
    ({"httpMethod": "HEAD"}, ("NotFoundException", "Invalid Method identifier specified", 404)),
    ({"resourceId": "invalid_res"},
     ("NotFoundException", "Invalid Resource identifier specified", 404)),
    ({"restApiId": "nope"}, ("NotFoundException", "Invalid Resource identifier specified", 404)),
])
def test_invoke_errors(gw, kwargs, expected):
    c = gw.client()
    ids = mock_api(c)
    call = {"restApiId": ids["api_id"], "resourceId": ids["resource_id"], "httpMethod": "GET"}
    with pytest.raises(ClientError) as exc:
        c.test_invoke_method(**{**call, **kwargs})
    assert error_of(exc) == expected

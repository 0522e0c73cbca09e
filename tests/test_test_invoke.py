"""TestInvokeMethod: the live definition through the data-plane pipeline."""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from tests.backend import Reply
from tests.dataplane_support import freeze_clock, set_method
from tests.helpers import error_of

STAMP = "Tue Nov 14 22:13:20 UTC 2023 : "


def pets_api(c, *, integration: dict | None = None, responses: dict | None = None,
             method: str = "GET", **method_kwargs) -> tuple[str, str]:
    api = c.create_rest_api(name="pets")
    pets = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                             pathPart="pets")["id"]
    pet = c.create_resource(restApiId=api["id"], parentId=pets, pathPart="{petId}")["id"]
    template = ('{"petId": "$input.params(\'petId\')", "q": "$input.params(\'q\')", '
                '"h": "$input.params(\'X-H\')", "env": "$stageVariables.env", '
                '"stage": "$context.stage", "path": "$context.path", '
                '"ip": "$context.identity.sourceIp", "key": "$context.identity.apiKey"}')
    set_method(c, api["id"], pet, method=method, integration=integration or {
        "type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
        responses=responses or {"200": {"responseTemplates": {"application/json": template}}},
        method_kwargs=method_kwargs)
    return api["id"], pet


def test_mock_method_with_path_query_headers_and_stage_variables(gw):
    c = gw.client()
    api_id, pet = pets_api(c, apiKeyRequired=True)  # the test bypasses the API key
    freeze_clock(gw, 1700000000)
    out = c.test_invoke_method(restApiId=api_id, resourceId=pet, httpMethod="GET",
                               pathWithQueryString="/pets/123?q=find&q=last",
                               headers={"X-H": "hv"}, stageVariables={"env": "qa"})
    assert out["status"] == 200
    assert out["headers"] == {"Content-Type": "application/json"}
    assert out["multiValueHeaders"] == {"Content-Type": ["application/json"]}
    assert out["latency"] >= 0
    assert json.loads(out["body"]) == {
        "petId": "123", "q": "last", "h": "hv", "env": "qa", "stage": "test-invoke-stage",
        "path": "/pets/123", "ip": "test-invoke-source-ip", "key": "test-invoke-api-key"}
    lines = out["log"].split("\n")
    request_id = lines[0].removeprefix("Execution log for request ")
    assert re.fullmatch(r"[0-9a-f-]{36}", request_id)
    assert lines[1:7] == [
        f"{STAMP}Starting execution for request: {request_id}",
        f"{STAMP}HTTP Method: GET, Resource Path: /pets/123",
        f"{STAMP}Method request path: {{petId=123}}",
        f"{STAMP}Method request query string: {{q=last}}",
        f"{STAMP}Method request headers: {{X-H=hv}}",
        f"{STAMP}Method request body before transformations: ",
    ]
    assert lines[7] == f"{STAMP}Method response body after transformations: {out['body']}"
    assert lines[8].startswith(f"{STAMP}Method response headers: {{Content-Type=application/json")
    assert lines[9:] == [f"{STAMP}Successfully completed execution",
                         f"{STAMP}Method completed with status: 200", ""]


def test_the_live_definition_runs_without_a_deployment(gw):
    c = gw.client()
    api_id, pet = pets_api(c)
    c.put_integration_response(restApiId=api_id, resourceId=pet, httpMethod="GET",
                               statusCode="200",
                               responseTemplates={"application/json": '{"live": true}'})
    out = c.test_invoke_method(restApiId=api_id, resourceId=pet, httpMethod="GET",
                               pathWithQueryString="/pets/1")
    assert out["body"] == '{"live": true}'
    assert c.get_deployments(restApiId=api_id)["items"] == []


def test_path_parameters_without_or_with_an_unfitting_path(gw):
    c = gw.client()
    api_id, pet = pets_api(c)
    template = c.test_invoke_method(restApiId=api_id, resourceId=pet, httpMethod="GET")
    assert "Method request path: {petId={petId}}" in template["log"]
    assert "HTTP Method: GET, Resource Path: /pets/{petId}" in template["log"]
    other = c.test_invoke_method(restApiId=api_id, resourceId=pet, httpMethod="GET",
                                 pathWithQueryString="/random/test")
    assert "Method request path: {}" in other["log"]  # AWS lists no empty parameter
    assert '"petId": ""' in other["body"]


def test_body_and_multi_value_headers(gw):
    c = gw.client()
    api_id, pet = pets_api(c, method="POST", responses={"200": {"responseTemplates": {
        "application/json": '{"name": "$input.path(\'$.name\')", '
                            '"h": "$input.params(\'X-Multi\')"}'}}})
    out = c.test_invoke_method(restApiId=api_id, resourceId=pet, httpMethod="POST",
                               pathWithQueryString="/pets/1", body='{"name": "Rex"}',
                               multiValueHeaders={"X-Multi": ["a", "b"]})
    assert out["status"] == 200
    assert "Method request body before transformations: {\"name\": \"Rex\"}" in out["log"]
    assert "Method request headers: {X-Multi=a, X-Multi=b}" in out["log"]


def test_http_integration_logs_the_endpoint_exchange(gw, backend):
    backend.replies["/pets/5"] = Reply(headers=[("Content-Type", "application/json")],
                                       body=b'{"id": 5}')
    c = gw.client()
    api_id, pet = pets_api(c, integration={
        "type": "HTTP", "integrationHttpMethod": "GET", "uri": backend.url + "/pets/{petId}",
        "requestParameters": {"integration.request.path.petId": "method.request.path.petId"}},
        responses={"200": {"selectionPattern": ""}},
        requestParameters={"method.request.path.petId": True})
    out = c.test_invoke_method(restApiId=api_id, resourceId=pet, httpMethod="GET",
                               pathWithQueryString="/pets/5")
    assert (out["status"], out["body"]) == (200, '{"id": 5}')
    assert out["headers"]["Content-Type"] == "application/json"
    assert out["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-")
    log = out["log"]
    for line in (f"Endpoint request URI: {backend.url}/pets/5",
                 f"Sending request to {backend.url}/pets/5",
                 "Received response. Status: 200, Integration latency: ",
                 "Endpoint response body before transformations: {\"id\": 5}",
                 "Successfully completed execution", "Method completed with status: 200"):
        assert line in log
    assert f"User-Agent=AmazonAPIGateway_{api_id}" in log


def test_failed_integration(gw):
    c = gw.client()
    api_id, pet = pets_api(c, integration={
        "type": "HTTP_PROXY", "integrationHttpMethod": "GET",
        "uri": "https://${stageVariables.testHost}/pets"})
    out = c.test_invoke_method(restApiId=api_id, resourceId=pet, httpMethod="GET",
                               pathWithQueryString="/pets/1")
    assert out["status"] == 500
    assert out["body"] == '{"message": "Internal server error"}'
    assert out["headers"] == {"x-amzn-ErrorType": "InternalServerErrorException"}
    lines = out["log"].split("\n")
    assert lines[-3].endswith(
        " : Execution failed due to configuration error: Invalid endpoint address")
    assert lines[-2].endswith(" : Method completed with status: 500")
    assert "Successfully completed execution" not in out["log"]


@pytest.mark.parametrize(("resource", "method", "message"), [
    ("invalid_res", "GET", "Invalid Resource identifier specified"),
    (None, "HEAD", "Invalid Method identifier specified"),
])
def test_unknown_resource_or_method(gw, resource, method, message):
    c = gw.client()
    api_id, pet = pets_api(c)
    with pytest.raises(ClientError) as exc:
        c.test_invoke_method(restApiId=api_id, resourceId=resource or pet, httpMethod=method,
                             pathWithQueryString="/pets/1")
    assert error_of(exc) == ("NotFoundException", message, 404)


def test_unknown_api(gw):
    with pytest.raises(ClientError) as exc:
        gw.client().test_invoke_method(restApiId="nosuchapi", resourceId="abc",
                                       httpMethod="GET")
    assert error_of(exc) == ("NotFoundException", "Invalid Resource identifier specified", 404)

"""REST API control-plane answers measured against AWS (issue 14): one test per
difference, through boto3, in-process and against a server."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of, mock_api

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              f"{LAMBDA_ARN}/invocations")


def refused(call, **kwargs) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return error_of(exc)


def api_with_method(c, method: str = "GET") -> tuple[str, str]:
    api = c.create_rest_api(name="parity")
    c.put_method(restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod=method,
                 authorizationType="NONE")
    return api["id"], api["rootResourceId"]


def test_put_method_takes_the_authorization_type_in_any_case(gw):
    c = gw.client()
    api = c.create_rest_api(name="case")
    ids = {"restApiId": api["id"], "resourceId": api["rootResourceId"]}
    assert c.put_method(**ids, httpMethod="GET", authorizationType="none")[
        "authorizationType"] == "NONE"
    c.put_method(**ids, httpMethod="POST", authorizationType="None")
    assert c.get_method(**ids, httpMethod="POST")["authorizationType"] == "NONE"
    updated = c.update_method(**ids, httpMethod="POST", patchOperations=[
        {"op": "replace", "path": "/authorizationType", "value": "aws_iam"}])
    assert updated["authorizationType"] == "AWS_IAM"


def test_api_key_limits_and_messages(gw):
    c = gw.client()
    assert refused(c.create_api_key, name="n" * 1025) == (
        "BadRequestException", "Invalid API Key name, can be at most 1024 characters.", 400)
    assert refused(c.create_api_key, name="k", description="d" * 125001) == (
        "BadRequestException", "Invalid API Key description specified.", 400)
    assert refused(c.create_api_key, name="k", value="v" * 129) == (
        "BadRequestException", "API Key value exceeds maximum size of 128 characters", 400)
    assert c.get_api_keys()["items"] == []  # nothing was created
    key = c.create_api_key(name="n" * 1024, description="d" * 125000, value="v" * 128)
    assert refused(c.update_api_key, apiKey=key["id"], patchOperations=[
        {"op": "replace", "path": "/id", "value": "other"}]) == (
        "BadRequestException", "Invalid patch path  '/id' specified for op 'replace'. "
        "Must be one of: [/description, /enabled, /name, /customerId]", 400)
    listed = c.get_api_keys(limit=-1)
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200 and listed["items"] == []
    assert [k["id"] for k in c.get_api_keys()["items"]] == [key["id"]]


def test_delete_rest_api_detaches_its_stages_from_usage_plans(gw):
    c = gw.client()
    ids = mock_api(c)
    c.create_deployment(restApiId=ids["api_id"], stageName="dev")
    kept = mock_api(c, name="kept")
    c.create_deployment(restApiId=kept["api_id"], stageName="prod")
    plan = c.create_usage_plan(name="plan", apiStages=[
        {"apiId": ids["api_id"], "stage": "dev"}, {"apiId": kept["api_id"], "stage": "prod"}])
    c.delete_rest_api(restApiId=ids["api_id"])
    assert c.get_usage_plan(usagePlanId=plan["id"])["apiStages"] == [
        {"apiId": kept["api_id"], "stage": "prod"}]
    c.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "remove", "path": "/apiStages", "value": f"{kept['api_id']}:prod"}])
    c.delete_rest_api(restApiId=kept["api_id"])
    assert c.delete_usage_plan(usagePlanId=plan["id"])["ResponseMetadata"][
        "HTTPStatusCode"] == 202


def test_update_method_request_validator_takes_only_replace(gw):
    c = gw.client()
    api_id, root = api_with_method(c)
    validator = c.create_request_validator(restApiId=api_id, name="v",
                                           validateRequestBody=True)["id"]
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "GET"}
    for op in ("add", "remove"):
        assert refused(c.update_method, **ids, patchOperations=[
            {"op": op, "path": "/requestValidatorId", "value": validator}]) == (
            "BadRequestException", "Invalid patch operation specified. Must be one of: "
            "[replace]", 400)
    set_ = c.update_method(**ids, patchOperations=[
        {"op": "replace", "path": "/requestValidatorId", "value": validator}])
    assert set_["requestValidatorId"] == validator
    cleared = c.update_method(**ids, patchOperations=[
        {"op": "replace", "path": "/requestValidatorId", "value": ""}])
    assert "requestValidatorId" not in cleared


def test_put_integration_with_an_arn_that_names_no_path_or_action(gw):
    c = gw.client()
    api_id, root = api_with_method(c)
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "GET",
           "integrationHttpMethod": "POST"}
    for uri in ("arn:aws:iam::123456789012:role/service-role/invoker",
                "arn:aws:apigateway:us-east-1:s3:bucket/key"):
        assert refused(c.put_integration, **ids, type="AWS", uri=uri) == (
            "BadRequestException", "AWS ARN for integration must contain path or action", 400)
    assert refused(c.put_integration, **ids, type="AWS", uri="not-an-arn") == (
        "BadRequestException", "Invalid ARN specified in the request", 400)


def test_aws_proxy_with_a_bare_lambda_arn_is_refused(gw):
    c = gw.client()
    api_id, root = api_with_method(c, "POST")
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "POST",
           "integrationHttpMethod": "POST", "type": "AWS_PROXY"}
    assert refused(c.put_integration, **ids, uri=LAMBDA_ARN) == (
        "BadRequestException", "AWS ARN for integration must contain path or action", 400)
    assert c.put_integration(**ids, uri=LAMBDA_URI)["uri"] == LAMBDA_URI


def test_put_rest_api_checks_the_document_before_the_api_id(gw):
    c = gw.client()
    assert refused(c.put_rest_api, restApiId="unknown1", body=b"not an openapi document") == (
        "BadRequestException", "Invalid OpenAPI input.", 400)
    assert refused(c.put_rest_api, restApiId="unknown1", body=json.dumps(
        {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}})) == (
        "BadRequestException", "Invalid OpenAPI input.", 400)
    good = json.dumps({"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
                       "paths": {}})
    assert refused(c.put_rest_api, restApiId="unknown1", body=good) == (
        "NotFoundException", "Invalid API identifier specified 123456789012:unknown1", 404)


def test_a_model_in_use_names_the_method_that_uses_it(gw):
    c = gw.client()
    api = c.create_rest_api(name="models")
    api_id = api["id"]
    c.create_model(restApiId=api_id, name="Pet", contentType="application/json",
                   schema=json.dumps({"type": "object"}))
    c.create_model(restApiId=api_id, name="Pets", contentType="application/json",
                   schema=json.dumps({"type": "array", "items": {
                       "$ref": f"https://apigateway.amazonaws.com/restapis/{api_id}/models/Pet"}}))
    test = c.create_resource(restApiId=api_id, parentId=api["rootResourceId"],
                             pathPart="test")["id"]
    c.put_method(restApiId=api_id, resourceId=test, httpMethod="ANY", authorizationType="NONE",
                 requestModels={"application/json": "Pet"})
    assert refused(c.delete_model, restApiId=api_id, modelName="Pet") == (
        "ConflictException", "Cannot delete model 'Pet', is referenced in method request: "
        "/test/ANY", 409)


def test_rest_api_answers_show_empty_tags(gw):
    c = gw.client()
    created = c.create_rest_api(name="untagged")
    assert created["tags"] == {}
    assert c.get_rest_api(restApiId=created["id"])["tags"] == {}
    assert "tags" not in c.get_rest_apis()["items"][0]
    tagged = c.create_rest_api(name="tagged", tags={"team": "core"})
    assert c.get_rest_api(restApiId=tagged["id"])["tags"] == {"team": "core"}


def test_put_integration_response_leaves_out_an_unset_selection_pattern(gw):
    c = gw.client()
    api_id, root = api_with_method(c)
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "GET"}
    c.put_integration(**ids, type="MOCK")
    c.put_method_response(**ids, statusCode="200")
    put = c.put_integration_response(**ids, statusCode="200")
    assert "selectionPattern" not in put
    assert "selectionPattern" not in c.get_integration_response(**ids, statusCode="200")
    given = c.put_integration_response(**ids, statusCode="200", selectionPattern="")
    assert given["selectionPattern"] == ""


def test_authorizer_uri_with_whitespace_is_accepted(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="auth")["id"]
    created = c.create_authorizer(restApiId=api_id, name="token", type="TOKEN",
                                  authorizerUri=f" {LAMBDA_URI}\n",
                                  identitySource="method.request.header.Authorization")
    assert created["authorizerUri"] == f" {LAMBDA_URI}\n"
    assert c.get_authorizer(restApiId=api_id, authorizerId=created["id"])["type"] == "TOKEN"


def test_update_rest_api_endpoint_type_by_its_name(gw):
    c = gw.client()
    api = c.create_rest_api(name="moving", endpointConfiguration={"types": ["REGIONAL"]})
    path = "/endpointConfiguration/types/{}"
    moved = c.update_rest_api(restApiId=api["id"], patchOperations=[
        {"op": "replace", "path": path.format("REGIONAL"), "value": "EDGE"}])
    assert moved["endpointConfiguration"] == {"types": ["EDGE"], "ipAddressType": "ipv4"}
    # a script that assumes the default type names it whatever the API has now
    again = c.update_rest_api(restApiId=api["id"], patchOperations=[
        {"op": "replace", "path": path.format("REGIONAL"), "value": "PRIVATE"},
        {"op": "add", "path": "/endpointConfiguration/vpcEndpointIds", "value": "vpce-1a2b"}])
    assert again["endpointConfiguration"] == {"types": ["PRIVATE"], "ipAddressType": "dualstack",
                                              "vpcEndpointIds": ["vpce-1a2b"]}
    assert refused(c.update_rest_api, restApiId=api["id"], patchOperations=[
        {"op": "replace", "path": path.format("PRIVATE"), "value": "REGIONAL"}]) == (
        "BadRequestException", "VPCEndpoints can only be specified with PRIVATE apis.", 400)
    assert refused(c.update_rest_api, restApiId=api["id"], patchOperations=[
        {"op": "add", "path": path.format("PRIVATE"), "value": "REGIONAL"}]) == (
        "BadRequestException", "Invalid patch operation specified. Must be "
        "'add'|'remove'|'replace'", 400)


def oas30(servers: list[dict], paths: tuple[str, ...] = ("/test",)) -> str:
    integration = {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                   "responses": {"default": {"statusCode": "200"}}}
    return json.dumps({
        "openapi": "3.0.1", "info": {"title": "oas", "version": "1"}, "servers": servers,
        "paths": {p: {"get": {"responses": {"200": {"description": "ok"}},
                              "x-amazon-apigateway-integration": integration}}
                  for p in paths}})


def test_openapi_base_path_server_variable_in_prepend_mode(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="base")["id"]
    servers = [{"url": "https://example.com", "variables": {"basePath": {"default": "/base-var"}}}]
    c.put_rest_api(restApiId=api_id, body=oas30(servers), mode="overwrite",
                   parameters={"basepath": "prepend"})
    paths = sorted(r["path"] for r in c.get_resources(restApiId=api_id)["items"])
    assert paths == ["/", "/base-var", "/base-var/test"]
    c.put_rest_api(restApiId=api_id, body=oas30(servers), mode="overwrite",
                   parameters={"basepath": "ignore"})
    assert sorted(r["path"] for r in c.get_resources(restApiId=api_id)["items"]) == [
        "/", "/test"]


def test_put_rest_api_overwrite_keeps_cache_namespaces_equal_to_resource_ids(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="cache")["id"]
    for paths in (("/test", "/a/b"), ("/a/b", "/test", "/")):
        c.put_rest_api(restApiId=api_id, body=oas30([], paths), mode="overwrite")
        found = 0
        for res in c.get_resources(restApiId=api_id, embed=["methods"])["items"]:
            for method in (res.get("resourceMethods") or {}).values():
                assert method["methodIntegration"]["cacheNamespace"] == res["id"]
                found += 1
        assert found == len(paths)


def test_answers_carry_a_date_and_their_length(gw):
    """AWS's answers carry ``Date`` and ``Content-Length``; in-process ones too, as the
    server writes them."""
    from email.utils import parsedate_to_datetime

    c = gw.client()
    created = c.create_rest_api(name="dated")
    headers = created["ResponseMetadata"]["HTTPHeaders"]
    assert parsedate_to_datetime(headers["date"]).tzname() == "UTC"
    assert int(headers["content-length"]) > 100
    deleted = c.delete_rest_api(restApiId=created["id"])["ResponseMetadata"]
    assert deleted["HTTPStatusCode"] == 202
    # AWS's API reference: "an HTTP 202 response with an empty HTTP body" (its answers
    # to DeleteApiKey show `content-length: 0` and `content-type: application/json`).
    assert deleted["HTTPHeaders"]["content-length"] == "0"
    assert deleted["HTTPHeaders"]["content-type"] == "application/json"
    other = c.create_rest_api(name="raw")["id"]
    raw = gw.raw("DELETE", f"/restapis/{other}")
    assert (raw.status_code, raw.content, raw.headers["Content-Length"]) == (202, b"", "0")
    with pytest.raises(ClientError) as exc:
        c.get_rest_api(restApiId=created["id"])
    missing = exc.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert "date" in missing and int(missing["content-length"]) > 0

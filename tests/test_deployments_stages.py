"""Deployments (snapshots), stages, method settings and canary settings."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of, mock_api


def _body(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


@pytest.fixture
def api(gw):
    c = gw.client()
    ids = mock_api(c)
    return c, ids["api_id"], ids


def test_create_deployment_with_stage(api):
    c, api_id, _ = api
    dep = c.create_deployment(restApiId=api_id, stageName="dev", description="first",
                              variables={"testVar": "default"})
    assert dep["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert set(_body(dep)) == {"id", "createdDate", "description"}
    stage = c.get_stage(restApiId=api_id, stageName="dev")
    assert stage["deploymentId"] == dep["id"]
    assert stage["variables"] == {"testVar": "default"}
    assert stage["cacheClusterEnabled"] is False
    assert stage["cacheClusterStatus"] == "NOT_AVAILABLE"
    assert stage["methodSettings"] == {}
    assert stage["tracingEnabled"] is False
    assert "description" not in stage
    listed = c.get_stages(restApiId=api_id)
    assert [s["stageName"] for s in listed["item"]] == ["dev"]


def test_deployment_requires_methods_with_integrations(gw):
    c = gw.client()
    api = c.create_rest_api(name="empty")
    with pytest.raises(ClientError) as exc:
        c.create_deployment(restApiId=api["id"])
    assert error_of(exc) == ("BadRequestException", "The REST API doesn't contain any methods",
                             400)
    c.put_method(restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="GET",
                 authorizationType="NONE")
    with pytest.raises(ClientError) as exc:
        c.create_deployment(restApiId=api["id"])
    assert error_of(exc) == ("BadRequestException", "No integration defined for method", 400)


def test_get_deployment_api_summary_and_list(api):
    c, api_id, _ = api
    dep = c.create_deployment(restApiId=api_id)
    summary = c.get_deployment(restApiId=api_id, deploymentId=dep["id"], embed=["apisummary"])
    assert summary["apiSummary"] == {
        "/items": {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}}}
    assert "apiSummary" not in c.get_deployment(restApiId=api_id, deploymentId=dep["id"])
    assert [d["id"] for d in c.get_deployments(restApiId=api_id)["items"]] == [dep["id"]]
    updated = c.update_deployment(restApiId=api_id, deploymentId=dep["id"], patchOperations=[
        {"op": "replace", "path": "/description", "value": "new-description"}])
    assert updated["description"] == "new-description"


def test_delete_deployment_in_use_is_refused(api):
    c, api_id, _ = api
    dep = c.create_deployment(restApiId=api_id, stageName="dev")
    with pytest.raises(ClientError) as exc:
        c.delete_deployment(restApiId=api_id, deploymentId=dep["id"])
    assert error_of(exc) == ("BadRequestException",
                             "Active stages pointing to this deployment must be moved or deleted",
                             400)
    assert c.delete_stage(restApiId=api_id,
                          stageName="dev")["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert c.delete_deployment(restApiId=api_id,
                               deploymentId=dep["id"])["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        c.get_deployment(restApiId=api_id, deploymentId=dep["id"])
    assert error_of(exc) == ("NotFoundException", "Invalid Deployment identifier specified", 404)


def test_redeploy_repoints_stage_and_stage_filter(api):
    c, api_id, _ = api
    first = c.create_deployment(restApiId=api_id, stageName="dev")
    second = c.create_deployment(restApiId=api_id, stageName="dev")
    assert c.get_stage(restApiId=api_id, stageName="dev")["deploymentId"] == second["id"]
    c.create_stage(restApiId=api_id, stageName="old", deploymentId=first["id"])
    only_first = c.get_stages(restApiId=api_id, deploymentId=first["id"])["item"]
    assert [s["stageName"] for s in only_first] == ["old"]
    rolled_back = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/deploymentId", "value": first["id"]}])
    assert rolled_back["deploymentId"] == first["id"]


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Invalid deployment content specified.Non null and non empty stageName must be "
         "provided for canary deployment. Provided value is null"),
    ({"stageName": ""}, "Invalid deployment content specified.Non null and non empty "
                        "stageName must be provided for canary deployment. Provided value is "),
    ({"stageName": "non-existing"}, "Invalid deployment content specified.Stage non-existing "
                                    "must already be created before making a canary release "
                                    "deployment"),
])
def test_canary_deployment_errors(api, kwargs, message):
    c, api_id, _ = api
    with pytest.raises(ClientError) as exc:
        c.create_deployment(restApiId=api_id, canarySettings={"percentTraffic": 50}, **kwargs)
    assert error_of(exc) == ("BadRequestException", message, 400)


def test_canary_deployment_and_promotion(api):
    c, api_id, _ = api
    base = c.create_deployment(restApiId=api_id, stageName="prod",
                               variables={"testVar": "default", "testVar2": "kept"})
    canary = c.create_deployment(restApiId=api_id, stageName="prod", canarySettings={
        "percentTraffic": 40, "stageVariableOverrides": {"testVar": "override"}})
    stage = c.get_stage(restApiId=api_id, stageName="prod")
    assert stage["deploymentId"] == base["id"]
    assert stage["canarySettings"] == {"deploymentId": canary["id"], "percentTraffic": 40.0,
                                       "stageVariableOverrides": {"testVar": "override"},
                                       "useStageCache": False}
    promoted = c.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0.0"},
        {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
        {"op": "copy", "from": "/canarySettings/stageVariableOverrides", "path": "/variables"}])
    assert promoted["deploymentId"] == canary["id"]
    assert promoted["variables"] == {"testVar": "override", "testVar2": "kept"}
    assert promoted["canarySettings"]["percentTraffic"] == 0.0
    removed = c.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "remove", "path": "/canarySettings"}])
    assert "canarySettings" not in removed


def test_create_stage_and_errors(api):
    c, api_id, _ = api
    dep = c.create_deployment(restApiId=api_id)
    stage = c.create_stage(restApiId=api_id, stageName="s1", deploymentId=dep["id"],
                           description="my stage", documentationVersion="v123",
                           tags={"team": "core"},
                           canarySettings={"deploymentId": dep["id"], "percentTraffic": 50})
    assert stage["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert stage["description"] == "my stage"
    assert stage["documentationVersion"] == "v123"
    assert stage["tags"] == {"team": "core"}
    assert stage["canarySettings"] == {"deploymentId": dep["id"], "percentTraffic": 50.0,
                                       "useStageCache": False}
    with pytest.raises(ClientError) as exc:
        c.create_stage(restApiId=api_id, stageName="s1", deploymentId=dep["id"])
    assert error_of(exc)[0] == "ConflictException"
    with pytest.raises(ClientError) as exc:
        c.create_stage(restApiId=api_id, stageName="s2", deploymentId="nope00")
    assert error_of(exc) == ("BadRequestException", "Deployment id does not exist", 400)
    with pytest.raises(ClientError) as exc:
        c.get_stage(restApiId=api_id, stageName="missing")
    assert error_of(exc) == ("NotFoundException", "Invalid stage identifier specified", 404)


@pytest.mark.parametrize("variables, message", [
    ({"owner:app": "x"},
     "Invalid stage variable name: owner:app.  Please use names with only word characters."),
    ({"ok": ""}, "Invalid stage variable value: .  Please use values with alphanumeric "
                 "characters and the symbols ' ', -', '.', '_', ':', '/', '?', '&', '=', and ','."),
    ({"ok": "a$b"}, "Invalid stage variable value: a$b.  Please use values with alphanumeric "
                    "characters and the symbols ' ', -', '.', '_', ':', '/', '?', '&', '=', and "
                    "','."),
])
def test_stage_variable_rules(api, variables, message):
    c, api_id, _ = api
    with pytest.raises(ClientError) as exc:
        c.create_deployment(restApiId=api_id, stageName="dev", variables=variables)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_stages(restApiId=api_id)["item"] == []


def test_update_stage_settings(api):
    c, api_id, _ = api
    c.create_deployment(restApiId=api_id, stageName="dev")
    updated = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/description", "value": "described"},
        {"op": "replace", "path": "/variables/var1", "value": "test"},
        {"op": "replace", "path": "/tracingEnabled", "value": "true"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "123"},
        {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
        {"op": "replace", "path": "/~1items/GET/throttling/burstLimit", "value": "124"},
        {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
        {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": "arn:aws:logs:us-east-1:123456789012:log-group:g"}])
    assert updated["description"] == "described"
    assert updated["variables"] == {"var1": "test"}
    assert updated["tracingEnabled"] is True
    assert updated["cacheClusterEnabled"] is True
    assert updated["cacheClusterStatus"] == "AVAILABLE"
    assert updated["cacheClusterSize"] == "0.5"
    assert updated["accessLogSettings"]["format"] == "$context.requestId"
    assert updated["methodSettings"]["*/*"] == {
        "cacheDataEncrypted": False, "cacheTtlInSeconds": 300, "cachingEnabled": True,
        "dataTraceEnabled": False, "metricsEnabled": False,
        "requireAuthorizationForCacheControl": True, "throttlingBurstLimit": 123,
        "throttlingRateLimit": 10000.0,
        "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER"}
    specific = updated["methodSettings"]["~1items/GET"]
    assert specific["throttlingBurstLimit"] == 124 and specific["cachingEnabled"] is True
    later = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "100"},
        {"op": "remove", "path": "/variables/var1"}])
    assert later["methodSettings"]["~1items/GET"]["throttlingBurstLimit"] == 124
    assert later["methodSettings"]["*/*"]["throttlingBurstLimit"] == 100
    assert "variables" not in later
    removed = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "remove", "path": "/*/*"}])
    assert set(removed["methodSettings"]) == {"~1items/GET"}


def test_method_settings_of_nested_paths_keep_their_text(api):
    # Terraform's aws_api_gateway_method_settings sends method_path as written: a nested
    # resource path keeps its slashes; AWS accepts it and keys the setting by that text
    c, api_id, _ = api
    c.create_deployment(restApiId=api_id, stageName="dev")
    updated = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/items/{id}/GET/throttling/burstLimit", "value": "5"},
        {"op": "replace", "path": "/items/{id}/GET/throttling/rateLimit", "value": "2.000000"},
        {"op": "replace", "path": "/~1items~1{id}/GET/metrics/enabled", "value": "true"}])
    nested = updated["methodSettings"]["items/{id}/GET"]
    assert (nested["throttlingBurstLimit"], nested["throttlingRateLimit"]) == (5, 2.0)
    assert nested["metricsEnabled"] is False
    assert updated["methodSettings"]["~1items~1{id}/GET"]["metricsEnabled"] is True
    removed = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "remove", "path": "/items/{id}/GET"}])
    assert set(removed["methodSettings"]) == {"~1items~1{id}/GET"}
    with pytest.raises(ClientError) as exc:
        c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
            {"op": "remove", "path": "/items/{id}/GET"}])
    assert error_of(exc) == (
        "BadRequestException", "Cannot remove method setting items/{id}/GET because there is "
        "no method setting for this method ", 400)


def test_update_stage_documentation_version(api):
    # Terraform's aws_api_gateway_stage sets documentation_version with UpdateStage
    c, api_id, _ = api
    c.create_deployment(restApiId=api_id, stageName="dev")
    c.create_documentation_version(restApiId=api_id, documentationVersion="v1")
    updated = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/documentationVersion", "value": "v1"}])
    assert updated["documentationVersion"] == "v1"
    assert c.get_stage(restApiId=api_id, stageName="dev")["documentationVersion"] == "v1"
    cleared = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/documentationVersion", "value": ""}])
    assert "documentationVersion" not in cleared
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/documentationVersion", "value": "v1"}])
    removed = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "remove", "path": "/documentationVersion"}])
    assert "documentationVersion" not in removed


STAGE_PATHS = (
    "[/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, "
    "/clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, "
    "/accessLogSettings/format, /{resourcePath}/{httpMethod}/metrics/enabled, "
    "/{resourcePath}/{httpMethod}/logging/dataTrace, /{resourcePath}/{httpMethod}/logging/loglevel,"
    " /{resourcePath}/{httpMethod}/throttling/burstLimit/{resourcePath}/{httpMethod}/throttling/"
    "rateLimit/{resourcePath}/{httpMethod}/caching/ttlInSeconds, /{resourcePath}/{httpMethod}/"
    "caching/enabled, /{resourcePath}/{httpMethod}/caching/dataEncrypted, /{resourcePath}/"
    "{httpMethod}/caching/requireAuthorizationForCacheControl, /{resourcePath}/{httpMethod}/"
    "caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, /*/*/logging/"
    "dataTrace, /*/*/logging/loglevel, /*/*/throttling/burstLimit /*/*/throttling/rateLimit "
    "/*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, /*/*/caching/"
    "requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, "
    "/variables/{variable_name}, /tracingEnabled]")


@pytest.mark.parametrize("patch, message", [
    ({"op": "replace", "path": "/documentation_version", "value": "123"},
     f"Invalid method setting path: /documentation_version. Must be one of: {STAGE_PATHS}"),
    ({"op": "replace", "path": "/tags/tag1", "value": "value1"},
     f"Invalid method setting path: /tags/tag1. Must be one of: {STAGE_PATHS}"),
    ({"op": "replace", "path": "/canarySettings/badPath", "value": "badPath"},
     f"Invalid method setting path: /canarySettings/badPath. Must be one of: {STAGE_PATHS}"),
    ({"op": "remove", "path": "/*/*"},
     "Cannot remove method setting */* because there is no method setting for this method "),
    ({"op": "remove", "path": "/canarySettings/badPath"},
     "Cannot remove method setting canarySettings/badPath because there is no method setting "
     "for this method "),
    ({"op": "add", "path": "/canarySettings/deploymentId", "value": "x"},
     "Invalid add operation with path: /canarySettings/deploymentId"),
    ({"op": "replace", "path": "/canarySettings/deploymentId", "value": "deploy"},
     "Deployment id does not exist"),
    ({"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
     "Promotion not available. Canary does not exist."),
    ({"op": "copy", "from": "/variables", "path": "/canarySettings/stageVariableOverrides"},
     "Invalid copy operation with path: /canarySettings/stageVariableOverrides and from "
     "/variables. Valid copy:path are [/deploymentId, /variables] and valid copy:from are "
     "[/canarySettings/deploymentId, /canarySettings/stageVariableOverrides]"),
])
def test_update_stage_errors(api, patch, message):
    c, api_id, _ = api
    c.create_deployment(restApiId=api_id, stageName="dev")
    before = _body(c.get_stage(restApiId=api_id, stageName="dev"))
    with pytest.raises(ClientError) as exc:
        c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[patch])
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert _body(c.get_stage(restApiId=api_id, stageName="dev")) == before


def test_canary_created_by_update(api):
    c, api_id, _ = api
    first = c.create_deployment(restApiId=api_id, stageName="dev")
    second = c.create_deployment(restApiId=api_id)
    updated = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/canarySettings/deploymentId", "value": second["id"]}])
    assert updated["canarySettings"] == {"deploymentId": second["id"], "percentTraffic": 0.0,
                                         "useStageCache": False}
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "remove", "path": "/canarySettings"}])
    by_percent = c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "50"}])
    assert by_percent["canarySettings"] == {"deploymentId": first["id"], "percentTraffic": 50.0,
                                            "useStageCache": False}


def test_snapshot_is_immutable(api):
    """A deployment keeps the definition it was taken from."""
    c, api_id, ids = api
    dep = c.create_deployment(restApiId=api_id)
    c.delete_method(restApiId=api_id, resourceId=ids["resource_id"], httpMethod="GET")
    summary = c.get_deployment(restApiId=api_id, deploymentId=dep["id"], embed=["apisummary"])
    assert summary["apiSummary"] == {
        "/items": {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}}}

"""apigatewayv2 stages and deployments: immutable snapshots, auto-deploy, route settings,
stage variables, access logs."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from mockgw.apigatewayv2.common import APIS
from tests.helpers import error_of
from tests.support import without_metadata as _body

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:hello"
LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:access"


@pytest.fixture
def api(gw):
    v2 = gw.client("apigatewayv2")
    api_id = v2.create_api(Name="pets", ProtocolType="HTTP")["ApiId"]
    integration_id = v2.create_integration(
        ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationUri="https://example.com",
        IntegrationMethod="GET")["IntegrationId"]
    route_id = v2.create_route(ApiId=api_id, RouteKey="GET /pets",
                               Target=f"integrations/{integration_id}")["RouteId"]
    return v2, api_id, integration_id, route_id


def _snapshot(gw, api_id: str, deployment_id: str) -> dict:
    """The stored snapshot of a deployment (in-process only: the server's state is elsewhere)."""
    store = gw.mock.instance.backends.store("123456789012", "us-east-1")
    return store.table(APIS)[api_id]["deployments"][deployment_id]["snapshot"]


def test_create_deployment_and_stage(api):
    v2, api_id, _, _ = api
    deployment = v2.create_deployment(ApiId=api_id, Description="first")
    assert deployment["ResponseMetadata"]["HTTPStatusCode"] == 201
    deployment_id = deployment["DeploymentId"]
    assert len(deployment_id) == 6
    assert _body(deployment) == {"AutoDeployed": False, "CreatedDate": deployment["CreatedDate"],
                                 "DeploymentId": deployment_id, "DeploymentStatus": "DEPLOYED",
                                 "Description": "first"}
    stage = v2.create_stage(ApiId=api_id, StageName="dev", DeploymentId=deployment_id,
                            StageVariables={"backend": "example.com"}, Tags={"env": "dev"},
                            Description="development")
    assert stage["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert _body(stage) == {
        "CreatedDate": stage["CreatedDate"], "LastUpdatedDate": stage["LastUpdatedDate"],
        "DefaultRouteSettings": {"DetailedMetricsEnabled": False}, "DeploymentId": deployment_id,
        "Description": "development", "RouteSettings": {}, "StageName": "dev",
        "StageVariables": {"backend": "example.com"}, "Tags": {"env": "dev"}}
    assert _body(v2.get_stage(ApiId=api_id, StageName="dev")) == _body(stage)
    second = v2.create_deployment(ApiId=api_id, StageName="dev")["DeploymentId"]
    assert v2.get_stage(ApiId=api_id, StageName="dev")["DeploymentId"] == second
    assert [d["DeploymentId"] for d in v2.get_deployments(ApiId=api_id)["Items"]] == [
        deployment_id, second]
    assert v2.update_deployment(ApiId=api_id, DeploymentId=second,
                                Description="again")["Description"] == "again"


def test_deployment_is_an_immutable_snapshot(gw, api):
    v2, api_id, integration_id, route_id = api
    deployment_id = v2.create_deployment(ApiId=api_id)["DeploymentId"]
    v2.update_route(ApiId=api_id, RouteId=route_id, RouteKey="GET /cats")
    v2.create_route(ApiId=api_id, RouteKey="POST /pets")
    if gw.mode != "inprocess":
        return
    snapshot = _snapshot(gw, api_id, deployment_id)
    assert set(snapshot) == {"api", "routes", "integrations", "authorizers", "models"}
    assert [r["RouteKey"] for r in snapshot["routes"].values()] == ["GET /pets"]
    assert snapshot["integrations"][integration_id]["IntegrationUri"] == "https://example.com"
    assert snapshot["api"]["ApiId"] == api_id


def test_auto_deploy_follows_every_change(gw, api):
    v2, api_id, integration_id, route_id = api
    stage = v2.create_stage(ApiId=api_id, StageName="live", AutoDeploy=True)
    first = stage["DeploymentId"]
    assert stage["AutoDeploy"] is True
    assert stage["LastDeploymentStatusMessage"] == (
        f"Successfully deployed stage with deployment ID '{first}'")
    v2.create_stage(ApiId=api_id, StageName="manual")
    seen = [first]
    for change in (
            lambda: v2.create_route(ApiId=api_id, RouteKey="DELETE /pets"),
            lambda: v2.update_integration(ApiId=api_id, IntegrationId=integration_id,
                                          TimeoutInMillis=5000),
            lambda: v2.update_api(ApiId=api_id, CorsConfiguration={"AllowOrigins": ["*"]}),
            lambda: v2.update_route(ApiId=api_id, RouteId=route_id, OperationName="list")):
        change()
        now = v2.get_stage(ApiId=api_id, StageName="live")["DeploymentId"]
        assert now not in seen
        seen.append(now)
        deployment = v2.get_deployment(ApiId=api_id, DeploymentId=now)
        assert deployment["AutoDeployed"] is True
    assert "DeploymentId" not in v2.get_stage(ApiId=api_id, StageName="manual")
    if gw.mode == "inprocess":
        snapshot = _snapshot(gw, api_id, seen[-1])
        assert snapshot["integrations"][integration_id]["TimeoutInMillis"] == 5000
        assert snapshot["api"]["CorsConfiguration"] == {"AllowOrigins": ["*"]}
    with pytest.raises(ClientError) as exc:
        v2.create_deployment(ApiId=api_id, StageName="live")
    assert error_of(exc) == ("BadRequestException", "Deployments cannot be created for stage "
                             "live because AutoDeploy is enabled", 400)
    v2.update_stage(ApiId=api_id, StageName="manual", AutoDeploy=True)
    assert v2.get_stage(ApiId=api_id, StageName="manual")["DeploymentId"] not in seen


def test_delete_deployment_in_use_is_refused(api):
    v2, api_id, _, _ = api
    deployment_id = v2.create_deployment(ApiId=api_id)["DeploymentId"]
    v2.create_stage(ApiId=api_id, StageName="dev", DeploymentId=deployment_id)
    with pytest.raises(ClientError) as exc:
        v2.delete_deployment(ApiId=api_id, DeploymentId=deployment_id)
    assert error_of(exc) == ("BadRequestException",
                             "Active stages pointing to this deployment must be moved or deleted",
                             400)
    assert v2.delete_stage(ApiId=api_id, StageName="dev")["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    assert v2.delete_deployment(ApiId=api_id, DeploymentId=deployment_id)["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        v2.get_deployment(ApiId=api_id, DeploymentId=deployment_id)
    assert error_of(exc) == ("NotFoundException",
                             f"Invalid Deployment identifier specified {deployment_id}", 404)


def test_stage_refusals_change_nothing(api):
    v2, api_id, _, _ = api
    v2.create_stage(ApiId=api_id, StageName="dev")
    cases = [
        ({"StageName": "dev"}, ("ConflictException", "Stage dev already exists", 409)),
        ({"StageName": "bad name"}, ("BadRequestException", "Stage name only allows "
                                     "a-zA-Z0-9_- and must be at most 128 characters long, or "
                                     "be $default", 400)),
        ({"StageName": "x", "DeploymentId": "nope12"},
         ("NotFoundException", "Invalid Deployment identifier specified nope12", 404)),
        ({"StageName": "x", "RouteSettings": {"GET /nope": {"ThrottlingBurstLimit": 1}}},
         ("NotFoundException", "Unable to find Route by key GET /nope within the provided "
                               "RouteSettings", 404)),
        ({"StageName": "x", "DefaultRouteSettings": {"LoggingLevel": "INFO"}},
         ("BadRequestException", "LoggingLevel is not supported for HTTP APIs (HTTP APIs have "
                                 "no execution logs)", 400)),
        ({"StageName": "x", "DefaultRouteSettings": {"ThrottlingRateLimit": -1.0}},
         ("BadRequestException", "ThrottlingRateLimit must be greater than or equal to 0", 400)),
        ({"StageName": "x", "StageVariables": {"bad-name": "v"}},
         ("BadRequestException", "Invalid stage variable name: bad-name. Stage variable names "
          "can only contain alphanumeric characters and underscores and be at most 64 "
          "characters long", 400)),
        ({"StageName": "x", "StageVariables": {"v": "a b"}},
         ("BadRequestException", "Invalid stage variable value: a b. Stage variable values can "
          "only contain alphanumeric characters and the symbols - . _ ~ : / ? # & = , and be "
          "at most 2048 characters long", 400)),
        ({"StageName": "x", "AccessLogSettings": {"DestinationArn": "arn:aws:s3:::bucket",
                                                  "Format": "$context.requestId"}},
         ("BadRequestException", "Invalid ARN specified in the request. ARN: "
                                 "arn:aws:s3:::bucket", 400)),
        ({"StageName": "x", "ClientCertificateId": "abc"},
         ("BadRequestException", "ClientCertificateId is supported only for WebSocket APIs",
          400)),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ClientError) as exc:
            v2.create_stage(ApiId=api_id, **kwargs)
        assert error_of(exc) == expected
    assert [s["StageName"] for s in v2.get_stages(ApiId=api_id)["Items"]] == ["dev"]
    with pytest.raises(ClientError) as exc:
        v2.get_stage(ApiId=api_id, StageName="nope")
    assert error_of(exc) == ("NotFoundException", "Invalid Stage identifier specified nope", 404)


def test_update_stage_settings_variables_and_logs(api):
    v2, api_id, _, _ = api
    v2.create_stage(ApiId=api_id, StageName="$default",
                    StageVariables={"a": "1", "b": "2"},
                    DefaultRouteSettings={"ThrottlingBurstLimit": 10,
                                          "ThrottlingRateLimit": 5.0})
    out = v2.update_stage(
        ApiId=api_id, StageName="$default",
        RouteSettings={"GET /pets": {"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 2000}},
        DefaultRouteSettings={"DetailedMetricsEnabled": True},
        StageVariables={"a": "", "c": "3"},
        AccessLogSettings={"DestinationArn": LOGS, "Format": "$context.requestId"})
    assert out["RouteSettings"] == {"GET /pets": {"ThrottlingBurstLimit": 100,
                                                  "ThrottlingRateLimit": 2000.0}}
    assert out["DefaultRouteSettings"] == {"DetailedMetricsEnabled": True,
                                           "ThrottlingBurstLimit": 10,
                                           "ThrottlingRateLimit": 5.0}
    assert out["StageVariables"] == {"b": "2", "c": "3"}
    assert out["AccessLogSettings"] == {"DestinationArn": LOGS, "Format": "$context.requestId"}
    v2.update_stage(ApiId=api_id, StageName="$default",
                    RouteSettings={"GET /pets": {"DetailedMetricsEnabled": True}})
    assert v2.get_stage(ApiId=api_id, StageName="$default")["RouteSettings"] == {
        "GET /pets": {"DetailedMetricsEnabled": True, "ThrottlingBurstLimit": 100,
                      "ThrottlingRateLimit": 2000.0}}
    v2.delete_route_settings(ApiId=api_id, StageName="$default", RouteKey="GET /pets")
    with pytest.raises(ClientError) as exc:
        v2.delete_route_settings(ApiId=api_id, StageName="$default", RouteKey="GET /pets")
    assert error_of(exc) == ("NotFoundException",
                             "Unable to find route settings for route key GET /pets", 404)
    v2.delete_access_log_settings(ApiId=api_id, StageName="$default")
    stage = v2.get_stage(ApiId=api_id, StageName="$default")
    assert stage["RouteSettings"] == {} and "AccessLogSettings" not in stage
    assert v2.reset_authorizers_cache(ApiId=api_id, StageName="$default")[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        v2.reset_authorizers_cache(ApiId=api_id, StageName="nope")
    assert error_of(exc)[0] == "NotFoundException"


def test_websocket_stage_defaults_and_deploy_rules(gw):
    v2 = gw.client("apigatewayv2")
    api_id = v2.create_api(Name="ws", ProtocolType="WEBSOCKET",
                           RouteSelectionExpression="$request.body.action")["ApiId"]
    with pytest.raises(ClientError) as exc:
        v2.create_deployment(ApiId=api_id)
    assert error_of(exc) == ("BadRequestException",
                             "At least one route is required before deploying the Api.", 400)
    stage = v2.create_stage(ApiId=api_id, StageName="prod", AutoDeploy=True,
                            DefaultRouteSettings={"LoggingLevel": "INFO"})
    assert stage["DefaultRouteSettings"] == {"DataTraceEnabled": False,
                                             "DetailedMetricsEnabled": False,
                                             "LoggingLevel": "INFO"}
    assert "DeploymentId" not in stage
    assert stage["LastDeploymentStatusMessage"] == (
        "Deployment attempt failed: At least one route is required before deploying the Api.")
    integration_id = v2.create_integration(ApiId=api_id, IntegrationType="MOCK")["IntegrationId"]
    v2.create_route(ApiId=api_id, RouteKey="$default", Target=f"integrations/{integration_id}")
    stage = v2.get_stage(ApiId=api_id, StageName="prod")
    assert stage["LastDeploymentStatusMessage"] == (
        f"Successfully deployed stage with deployment ID '{stage['DeploymentId']}'")


def test_null_values_sent_raw_are_refused(gw, api):
    v2, api_id, _, _ = api
    for path, body, message in [
        (f"/v2/apis/{api_id}/stages", {"stageName": "s", "stageVariables": {"a": None}},
         "Invalid stage variable value for a: null"),
        (f"/v2/apis/{api_id}/stages", {"stageName": "s", "tags": {"a": None}},
         "Invalid value for tag a: null"),
        (f"/v2/apis/{api_id}/routes", {"routeKey": "GET /n", "requestParameters": {"x": None}},
         "RequestParameters is supported only for WebSocket APIs"),
        (f"/v2/apis/{api_id}/integrations",
         {"integrationType": "HTTP_PROXY", "integrationUri": "https://x.example",
          "requestParameters": {"append:header.x": None}},
         "Invalid mapping expression specified: Validation Result: warnings : [], errors : "
         "[Mapping values cannot be empty]"),
    ]:
        response = gw.raw("POST", path, json=body)
        assert response.status_code == 400
        assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
        assert response.json()["message"] == message
    assert v2.get_stages(ApiId=api_id)["Items"] == []
    assert [r["RouteKey"] for r in v2.get_routes(ApiId=api_id)["Items"]] == ["GET /pets"]
    assert len(v2.get_integrations(ApiId=api_id)["Items"]) == 1


def test_an_http_api_without_routes_is_not_deployed(gw):
    """AWS (Terraform's output, verbatim): 'Unable to deploy API because no routes exist in
    this API'; an auto-deploying stage records the failed attempt."""
    v2 = gw.client("apigatewayv2")
    api_id = v2.create_api(Name="empty", ProtocolType="HTTP")["ApiId"]
    with pytest.raises(ClientError) as exc:
        v2.create_deployment(ApiId=api_id)
    assert error_of(exc) == ("BadRequestException",
                             "Unable to deploy API because no routes exist in this API", 400)
    assert v2.get_deployments(ApiId=api_id)["Items"] == []
    stage = v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    assert "DeploymentId" not in stage
    assert stage["LastDeploymentStatusMessage"] == (
        "Deployment attempt failed: Unable to deploy API because no routes exist in this API")
    v2.create_route(ApiId=api_id, RouteKey="GET /pets")
    assert v2.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"]

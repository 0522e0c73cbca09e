"""Stage: create, update (auto-deploy, route settings, stage variables, access logs),
delete; DeleteRouteSettings, DeleteAccessLogSettings, ResetAuthorizersCache (get and list:
:mod:`mockgw.apigatewayv2.sections`)."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigatewayv2.common import (
    HTTP,
    api_record,
    check_tags,
    copy_in,
    is_http,
    only_for,
    render,
)
from mockgw.apigatewayv2.deployments import auto_deploy
from mockgw.apigatewayv2.registry import operation
from mockgw.apigatewayv2.sections import STAGES
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.execute.stagecache import AUTHORIZER_CACHE, StageCache, stage_scope
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

DEFAULT_STAGE = "$default"
_STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_VARIABLE_VALUE = re.compile(r"^[A-Za-z0-9\-._~:/?#&=,]+$")
_MAX_VARIABLE_VALUE = 2048
_LOG_DESTINATION = re.compile(r"^arn:aws[a-z-]*:(logs|firehose):[a-z0-9-]+:\d{12}:"
                              r"(log-group:[^:*]+(:\*)?|deliverystream/aws-apigateway-.+)$")
#: Route settings only WebSocket APIs have (HTTP APIs have no execution logs).
_WEBSOCKET_SETTINGS = ("DataTraceEnabled", "LoggingLevel")
_OPTIONAL = ("Description", "ClientCertificateId", "AccessLogSettings")


def new_stage(call: Call, record: dict, name: str, params: dict[str, Any], *,
              managed: bool = False) -> dict:
    """A stage record with AWS's defaults (not stored; nothing deployed yet)."""
    now = call.now()
    stage: dict[str, Any] = {"StageName": name, "CreatedDate": now, "LastUpdatedDate": now}
    if managed:
        stage["ApiGatewayManaged"] = True
    defaults: dict[str, Any] = {"DetailedMetricsEnabled": False}
    if not is_http(record):
        defaults.update(DataTraceEnabled=False, LoggingLevel="OFF")
    stage["DefaultRouteSettings"] = {**defaults, **copy_tree(params.get("DefaultRouteSettings")
                                                            or {})}
    stage["RouteSettings"] = copy_tree(params.get("RouteSettings") or {})
    stage["StageVariables"] = dict(params.get("StageVariables") or {})
    stage["Tags"] = dict(params.get("Tags") or {})
    copy_in(params, ("AutoDeploy", "DeploymentId", *_OPTIONAL), stage)
    return stage


@operation("CreateStage")
def create_stage(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    name = params["StageName"]
    if name != DEFAULT_STAGE and not _STAGE_NAME.match(name):
        raise BadRequestException(
            "Stage name only allows a-zA-Z0-9_- and must be at most 128 characters long, or "
            "be $default")
    if name in record["stages"]:
        raise ConflictException(f"Stage {name} already exists")
    check_stage(record, params)
    check_tags(params.get("Tags"))
    stage = new_stage(call, record, name, params)
    if stage.get("AutoDeploy"):
        auto_deploy(call, record, stage)
    record["stages"][name] = stage
    return render(stage)


@operation("UpdateStage")
def update_stage(call: Call, params: dict[str, Any]) -> dict:
    record, stage = STAGES.lookup(call, params)
    check_stage(record, params)
    updated = copy_tree(stage)
    copy_in(params, ("AutoDeploy", "DeploymentId", *_OPTIONAL), updated)
    if params.get("DefaultRouteSettings") is not None:
        updated["DefaultRouteSettings"].update(params["DefaultRouteSettings"])
    for key, settings in (params.get("RouteSettings") or {}).items():
        updated["RouteSettings"].setdefault(key, {}).update(settings or {})
    for key, value in (params.get("StageVariables") or {}).items():
        if value == "":  # AWS's way to remove a variable
            updated["StageVariables"].pop(key, None)
        else:
            updated["StageVariables"][key] = value
    updated["LastUpdatedDate"] = call.now()
    turned_on = params.get("AutoDeploy") and not stage.get("AutoDeploy")
    if turned_on:
        auto_deploy(call, record, updated)
    stage.clear()
    stage.update(updated)
    return render(stage)


@operation("DeleteStage")
def delete_stage(call: Call, params: dict[str, Any]) -> dict:
    record, _ = STAGES.lookup(call, params)
    del record["stages"][params["StageName"]]
    return {}


@operation("DeleteRouteSettings")
def delete_route_settings(call: Call, params: dict[str, Any]) -> dict:
    _, stage = STAGES.lookup(call, params)
    key = params["RouteKey"]
    if key not in stage.get("RouteSettings", {}):
        raise NotFoundException(f"Unable to find route settings for route key {key}")
    del stage["RouteSettings"][key]
    stage["LastUpdatedDate"] = call.now()
    return {}


@operation("DeleteAccessLogSettings")
def delete_access_log_settings(call: Call, params: dict[str, Any]) -> dict:
    _, stage = STAGES.lookup(call, params)
    if stage.pop("AccessLogSettings", None) is not None:
        stage["LastUpdatedDate"] = call.now()
    return {}


@operation("ResetAuthorizersCache")
def reset_authorizers_cache(call: Call, params: dict[str, Any]) -> dict:
    """Empty the stage's authorizer cache (the data plane keeps it, per stage scope, in
    :data:`mockgw.execute.stagecache.AUTHORIZER_CACHE`, as REST APIs do)."""
    STAGES.lookup(call, params)
    scope = stage_scope(call.account, call.region, params["ApiId"], params["StageName"])
    call.instance.service(AUTHORIZER_CACHE, StageCache).flush(scope)
    return {}


# -- validation ------------------------------------------------------------------------------

def check_stage(record: dict, params: dict[str, Any]) -> None:
    """What CreateStage and UpdateStage refuse, before anything changes."""
    only_for(record, "WEBSOCKET", params, "ClientCertificateId")
    deployment_id = params.get("DeploymentId")
    if deployment_id is not None:
        if deployment_id not in record["deployments"]:
            raise NotFoundException(f"Invalid Deployment identifier specified {deployment_id}")
        if params.get("AutoDeploy"):
            raise BadRequestException(
                "DeploymentId cannot be set on a stage with AutoDeploy enabled")
    check_route_settings(record, params.get("DefaultRouteSettings"))
    route_keys = {route["RouteKey"] for route in record["routes"].values()}
    for key, settings in (params.get("RouteSettings") or {}).items():
        if key not in route_keys:
            raise NotFoundException(
                f"Unable to find Route by key {key} within the provided RouteSettings")
        check_route_settings(record, settings)
    check_variables(params.get("StageVariables"))
    logs = params.get("AccessLogSettings")
    if logs:
        arn = logs.get("DestinationArn")
        if arn is not None and not _LOG_DESTINATION.match(arn):
            raise BadRequestException(f"Invalid ARN specified in the request. ARN: {arn}")
        if arn is not None and not logs.get("Format"):
            raise BadRequestException("Access log format must be specified with a destination")


def check_route_settings(record: dict, settings: dict[str, Any] | None) -> None:
    if not settings:
        return
    if record["api"]["ProtocolType"] == HTTP:
        for key in _WEBSOCKET_SETTINGS:
            if settings.get(key) is not None:
                raise BadRequestException(
                    f"{key} is not supported for HTTP APIs (HTTP APIs have no execution logs)")
    burst = settings.get("ThrottlingBurstLimit")
    if burst is not None and burst < 0:
        raise BadRequestException("ThrottlingBurstLimit must be greater than or equal to 0")
    rate = settings.get("ThrottlingRateLimit")
    if rate is not None and rate < 0:
        raise BadRequestException("ThrottlingRateLimit must be greater than or equal to 0")


def check_variables(variables: dict[str, str] | None) -> None:
    """AWS's rules for v2 stage variables (an empty value removes one on UpdateStage)."""
    for name, value in (variables or {}).items():
        if value is None:
            raise BadRequestException(f"Invalid stage variable value for {name}: null")
        if not _VARIABLE_NAME.match(name):
            raise BadRequestException(
                f"Invalid stage variable name: {name}. Stage variable names can only contain "
                "alphanumeric characters and underscores and be at most 64 characters long")
        if value and (not _VARIABLE_VALUE.match(value) or len(value) > _MAX_VARIABLE_VALUE):
            raise BadRequestException(
                f"Invalid stage variable value: {value}. Stage variable values can only "
                "contain alphanumeric characters and the symbols - . _ ~ : / ? # & = , and be "
                f"at most {_MAX_VARIABLE_VALUE} characters long")

"""Deployment: create (an immutable snapshot of the API, optionally creating or repointing
a stage, or a canary release), get (``embed=apisummary``), list, update, delete."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import copy_out, paginate, rest_api
from mockgw.apigateway.registry import operation
from mockgw.apigateway.stages import check_variables, new_stage
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import apply_patch, scalar
from mockgw.state.tree import copy_tree

#: The parts of an API a deployment freezes (the data plane serves only these).
SNAPSHOT_SECTIONS = ("resources", "authorizers", "models", "requestValidators",
                     "gatewayResponses")
_PUBLIC = ("id", "description", "createdDate")


def take_snapshot(record: dict) -> dict:
    """A deep, never-modified copy of what the data plane needs of an API."""
    snapshot = {section: copy_tree(record[section]) for section in SNAPSHOT_SECTIONS}
    snapshot["api"] = copy_tree(record["api"])
    return snapshot


@operation("CreateDeployment")
def create_deployment(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    stage_name = params.get("stageName")
    canary = params.get("canarySettings")
    if canary is not None:
        if not stage_name:
            shown = "null" if stage_name is None else stage_name
            raise BadRequestException(
                "Invalid deployment content specified.Non null and non empty stageName must be "
                f"provided for canary deployment. Provided value is {shown}")
        if stage_name not in record["stages"]:
            raise BadRequestException(
                f"Invalid deployment content specified.Stage {stage_name} must already be "
                "created before making a canary release deployment")
    _check_deployable(record)
    check_variables(params.get("variables"))
    deployment_id = call.new_id(6, avoid=record["deployments"])
    deployment = {"id": deployment_id, "createdDate": call.now()}
    if params.get("description") is not None:
        deployment["description"] = params["description"]
    deployment["snapshot"] = take_snapshot(record)
    record["deployments"][deployment_id] = deployment
    if stage_name:
        _point_stage(call, record, stage_name, deployment_id, params)
    return _render(deployment)


@operation("GetDeployment")
def get_deployment(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    deployment = _deployment(record, params["deploymentId"])
    out = _render(deployment)
    if "apisummary" in (params.get("embed") or []):
        out["apiSummary"] = api_summary(deployment["snapshot"])
    return out


@operation("GetDeployments")
def get_deployments(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    return paginate([_render(d) for d in record["deployments"].values()], params)


@operation("UpdateDeployment")
def update_deployment(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    deployment = _deployment(record, params["deploymentId"])
    public = {k: deployment[k] for k in _PUBLIC if k in deployment}
    updated = apply_patch(public, params.get("patchOperations"), _PATCH_PATHS)
    deployment.pop("description", None)
    deployment.update(updated)
    return _render(deployment)


@operation("DeleteDeployment")
def delete_deployment(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    deployment_id = params["deploymentId"]
    _deployment(record, deployment_id)
    for stage in record["stages"].values():
        canary = stage.get("canarySettings") or {}
        if deployment_id in (stage["deploymentId"], canary.get("deploymentId")):
            raise BadRequestException(
                "Active stages pointing to this deployment must be moved or deleted")
    del record["deployments"][deployment_id]
    return {}


def api_summary(snapshot: dict) -> dict:
    """``{path: {METHOD: {authorizationType, apiKeyRequired}}}`` of a deployed snapshot."""
    summary: dict[str, dict] = {}
    for res in snapshot["resources"].values():
        for name, method in (res.get("resourceMethods") or {}).items():
            summary.setdefault(res["path"], {})[name] = {
                "authorizationType": method["authorizationType"],
                "apiKeyRequired": method.get("apiKeyRequired", False)}
    return summary


def _check_deployable(record: dict) -> None:
    methods = [m for r in record["resources"].values()
               for m in (r.get("resourceMethods") or {}).values()]
    if not methods:
        raise BadRequestException("The REST API doesn't contain any methods")
    if any("methodIntegration" not in m for m in methods):
        raise BadRequestException("No integration defined for method")
    api = record["api"]
    if "PRIVATE" in api.get("endpointConfiguration", {}).get("types", ()) and \
            not api.get("policy"):
        raise BadRequestException("Private REST API doesn't have a resource policy attached "
                                  "to it")


def _point_stage(call: Call, record: dict, name: str, deployment_id: str,
                 params: dict[str, Any]) -> None:
    stage = record["stages"].get(name)
    canary = params.get("canarySettings")
    if stage is None:
        stage = new_stage(call, name, deployment_id, description=params.get("stageDescription"),
                          variables=params.get("variables"),
                          cache_cluster_enabled=params.get("cacheClusterEnabled"),
                          cache_cluster_size=params.get("cacheClusterSize"),
                          tracing_enabled=params.get("tracingEnabled"))
        record["stages"][name] = stage
        return
    if canary is not None:  # a canary release: the stage keeps its deployment
        settings = {"deploymentId": deployment_id,
                    "percentTraffic": float(canary.get("percentTraffic", 0.0)),
                    "useStageCache": canary.get("useStageCache", False)}
        if canary.get("stageVariableOverrides"):
            settings["stageVariableOverrides"] = dict(canary["stageVariableOverrides"])
        stage["canarySettings"] = settings
    else:
        stage["deploymentId"] = deployment_id
    if params.get("variables"):
        stage.setdefault("variables", {}).update(params["variables"])
    if params.get("stageDescription") is not None:
        stage["description"] = params["stageDescription"]
    if params.get("tracingEnabled") is not None:
        stage["tracingEnabled"] = params["tracingEnabled"]
    stage["lastUpdatedDate"] = call.now()


def _deployment(record: dict, deployment_id: str) -> dict:
    found = record["deployments"].get(deployment_id)
    if found is None:
        raise NotFoundException("Invalid Deployment identifier specified")
    return found



def _render(deployment: dict) -> dict:
    return {k: copy_out(deployment[k]) for k in _PUBLIC if k in deployment}


_PATCH_PATHS = [scalar("/description", ops=("add", "replace"), removable=True)]

"""Deployment: create (an immutable snapshot of the API, optionally moving a stage to it),
update, delete (get and list: :mod:`mockgw.apigatewayv2.sections`); and auto-deploy, which
every change of an API calls."""

from __future__ import annotations

from typing import Any

from mockgw.apigatewayv2.common import (
    SHORT_ID_LENGTH,
    WEBSOCKET,
    api_record,
    find,
    render,
)
from mockgw.apigatewayv2.registry import operation
from mockgw.errors import BadRequestException
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

#: The parts of an API a deployment freezes (route and integration responses included).
SNAPSHOT_SECTIONS = ("routes", "integrations", "authorizers", "models")
AUTO_DESCRIPTION = "Automatic deployment triggered by changes to the Api configuration"
IN_USE = "Active stages pointing to this deployment must be moved or deleted"


def take_snapshot(record: dict) -> dict:
    """A deep, never-modified copy of what the data plane serves of an API:
    ``{"api", "routes", "integrations", "authorizers", "models"}``."""
    snapshot = {section: copy_tree(record[section]) for section in SNAPSHOT_SECTIONS}
    snapshot["api"] = copy_tree(record["api"])
    return snapshot


def deploy(call: Call, record: dict, *, description: str | None = None,
           auto: bool = False) -> dict:
    """A new deployment of ``record`` (raises ``BadRequestException`` if it cannot be
    deployed); no stage is moved."""
    check_deployable(record)
    deployment_id = call.new_id(SHORT_ID_LENGTH, avoid=record["deployments"])
    deployment = {"DeploymentId": deployment_id, "CreatedDate": call.now(),
                  "DeploymentStatus": "DEPLOYED", "AutoDeployed": auto}
    if description is not None:
        deployment["Description"] = description
    deployment["snapshot"] = take_snapshot(record)
    record["deployments"][deployment_id] = deployment
    return deployment


def check_deployable(record: dict) -> None:
    if record["routes"]:
        return
    if record["api"]["ProtocolType"] == WEBSOCKET:
        raise BadRequestException("At least one route is required before deploying the Api.")
    raise BadRequestException("Unable to deploy API because no routes exist in this API")


def auto_deploy(call: Call, record: dict, stage: dict) -> None:
    """Deploy ``record`` to an auto-deploying ``stage`` now (AWS does it moments after the
    change; mockgw at once, so the next request sees it)."""
    try:
        deployment = deploy(call, record, description=AUTO_DESCRIPTION, auto=True)
    except BadRequestException as error:
        stage["LastDeploymentStatusMessage"] = f"Deployment attempt failed: {error.message}"
        return
    stage["DeploymentId"] = deployment["DeploymentId"]
    stage["LastDeploymentStatusMessage"] = (
        f"Successfully deployed stage with deployment ID '{deployment['DeploymentId']}'")
    stage["LastUpdatedDate"] = deployment["CreatedDate"]


def api_changed(call: Call, record: dict) -> None:
    """Call after any change to an API's definition: every ``AutoDeploy`` stage gets a
    new deployment of it."""
    for stage in record["stages"].values():
        if stage.get("AutoDeploy"):
            auto_deploy(call, record, stage)


@operation("CreateDeployment")
def create_deployment(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    stage = None
    if params.get("StageName"):
        stage = find(record, "stages", params["StageName"], "Stage")
        if stage.get("AutoDeploy"):
            raise BadRequestException(
                f"Deployments cannot be created for stage {params['StageName']} because "
                "AutoDeploy is enabled")
    deployment = deploy(call, record, description=params.get("Description"))
    if stage is not None:
        stage["DeploymentId"] = deployment["DeploymentId"]
        stage["LastUpdatedDate"] = deployment["CreatedDate"]
    return render(deployment)


@operation("UpdateDeployment")
def update_deployment(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    deployment = find(record, "deployments", params["DeploymentId"], "Deployment")
    if params.get("Description") is not None:
        deployment["Description"] = params["Description"]
    return render(deployment)


@operation("DeleteDeployment")
def delete_deployment(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    deployment_id = params["DeploymentId"]
    find(record, "deployments", deployment_id, "Deployment")
    if any(s.get("DeploymentId") == deployment_id for s in record["stages"].values()):
        raise BadRequestException(IN_USE)
    del record["deployments"][deployment_id]
    return {}


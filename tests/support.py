"""Helpers shared by the control-plane tests."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


def error_of(exc_info: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a failed boto3 call."""
    err = exc_info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def without_metadata(response: dict) -> dict:
    """A boto3 response without its ``ResponseMetadata``."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def add_stage(gw: Any, client: Any, api_id: str, name: str, *,
              region: str = "us-east-1") -> None:
    """Give REST API ``api_id`` a stage called ``name``.

    Through CreateDeployment (adding a MOCK ``GET /`` first if the API has no method).
    While mockgw has no stage handlers yet, the stage record is written straight into the
    in-process state, and tests against the server are skipped.
    """
    for attempt in range(2):
        try:
            client.create_deployment(restApiId=api_id, stageName=name)
            return
        except ClientError as exc:
            code, message = exc.response["Error"]["Code"], exc.response["Error"]["Message"]
            if "does not implement" in message:
                break
            if code != "BadRequestException" or attempt:
                raise
        root = client.get_rest_api(restApiId=api_id)["rootResourceId"]
        try:
            client.put_method(restApiId=api_id, resourceId=root, httpMethod="GET",
                              authorizationType="NONE")
            client.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET",
                                   type="MOCK")
        except ClientError as exc:
            if "does not implement" not in exc.response["Error"]["Message"]:
                raise
            break
    if gw.mode != "inprocess":
        pytest.skip("mockgw has no CreateDeployment yet to create a stage with")
    store = gw.mock.instance.backends.store(ACCOUNT, region)
    store.table("apigateway.restapis")[api_id]["stages"][name] = {
        "stageName": name, "deploymentId": "dep123", "methodSettings": {},
        "cacheClusterEnabled": False, "cacheClusterStatus": "NOT_AVAILABLE",
        "tracingEnabled": False}

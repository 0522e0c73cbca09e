"""Helpers shared by the API key and usage plan tests."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from mockgw.apigateway.common import RESTAPIS
from mockgw.state.backends import RegionStore

ACCOUNT, REGION = "123456789012", "us-east-1"
NOT_IMPLEMENTED = "mockgw does not implement"


def error_of(exc_info: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    err = exc_info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def region_store(gw: Any) -> RegionStore:
    """The in-process store the tests' clients reach (in-process mode only)."""
    if gw.mode != "inprocess":
        pytest.skip("reads mockgw's state directly: in-process only")
    return gw.mock.instance.backends.store(ACCOUNT, REGION)


def make_stage(gw: Any, client: Any, name: str = "dev") -> str:
    """A new REST API with a stage ``name``; its id.

    The stage comes from CreateDeployment where mockgw serves it; until the stage handlers
    land, in-process tests put a stage record into state directly and server tests skip.
    """
    api_id = client.create_rest_api(name=f"api-{name}")["id"]
    root = client.get_resources(restApiId=api_id)["items"][0]["id"]
    try:
        client.put_method(restApiId=api_id, resourceId=root, httpMethod="GET",
                          authorizationType="NONE")
        client.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET",
                               type="MOCK")
        client.create_deployment(restApiId=api_id, stageName=name)
    except ClientError as exc:
        if NOT_IMPLEMENTED not in exc.response["Error"]["Message"]:
            raise
        region_store(gw).table(RESTAPIS)[api_id]["stages"][name] = {"stageName": name}
    return api_id

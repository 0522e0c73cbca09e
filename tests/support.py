"""Helpers shared by the control-plane tests."""

from __future__ import annotations

from typing import Any

from tests.helpers import error_of  # noqa: F401  (re-exported)

ACCOUNT = "123456789012"


def without_metadata(response: dict) -> dict:
    """A boto3 response without its ``ResponseMetadata``."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def add_stage(gw: Any, client: Any, api_id: str, name: str, *,
              region: str = "us-east-1") -> None:
    """Give REST API ``api_id`` a stage called ``name`` through CreateDeployment, adding a
    MOCK ``GET /`` first if the API has no method."""
    resources = client.get_resources(restApiId=api_id, embed=["methods"])["items"]
    if not any(r.get("resourceMethods") for r in resources):
        root = client.get_rest_api(restApiId=api_id)["rootResourceId"]
        client.put_method(restApiId=api_id, resourceId=root, httpMethod="GET",
                          authorizationType="NONE")
        client.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET",
                               type="MOCK")
    client.create_deployment(restApiId=api_id, stageName=name)

"""Helpers shared by the API key and usage plan tests."""

from __future__ import annotations

from typing import Any

import pytest

from mockgw.state.backends import RegionStore
from tests.helpers import error_of

__all__ = ["error_of", "make_stage", "region_store"]

ACCOUNT, REGION = "123456789012", "us-east-1"


def region_store(gw: Any) -> RegionStore:
    """The in-process store the tests' clients reach (in-process mode only)."""
    if gw.mode != "inprocess":
        pytest.skip("reads mockgw's state directly: in-process only")
    return gw.mock.instance.backends.store(ACCOUNT, REGION)


def make_stage(gw: Any, client: Any, name: str = "dev") -> str:
    """A new REST API deployed to a stage ``name``; its id."""
    api_id = client.create_rest_api(name=f"api-{name}")["id"]
    root = client.get_resources(restApiId=api_id)["items"][0]["id"]
    client.put_method(restApiId=api_id, resourceId=root, httpMethod="GET",
                      authorizationType="NONE")
    client.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    client.create_deployment(restApiId=api_id, stageName=name)
    return api_id

"""Test helper: a method that refers to an authorizer, validator or model."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def put_method(c: Any, api_id: str, resource_id: str, http_method: str = "GET",
               **fields: Any) -> dict:
    """PutMethod, or skip the test while mockgw has no PutMethod handler."""
    try:
        return c.put_method(restApiId=api_id, resourceId=resource_id, httpMethod=http_method,
                            **{"authorizationType": "NONE", **fields})
    except ClientError as exc:
        if "does not implement" in exc.response["Error"]["Message"]:
            pytest.skip("PutMethod is not implemented yet")
        raise

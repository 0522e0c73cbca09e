"""Small builders shared by the tests."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(exc_info: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a botocore ClientError."""
    err = exc_info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def mock_api(client: Any, *, name: str = "api", path: str = "items", method: str = "GET",
             status: str = "200", body: str = '{"ok": true}', **api_kwargs: Any) -> dict:
    """A REST API with one MOCK method answering ``body``; returns ids for further setup."""
    api = client.create_rest_api(name=name, **api_kwargs)
    api_id, root = api["id"], api["rootResourceId"]
    res_id = root
    if path:
        res_id = client.create_resource(restApiId=api_id, parentId=root, pathPart=path)["id"]
    client.put_method(restApiId=api_id, resourceId=res_id, httpMethod=method,
                      authorizationType="NONE")
    client.put_integration(restApiId=api_id, resourceId=res_id, httpMethod=method, type="MOCK",
                           requestTemplates={"application/json": f'{{"statusCode": {status}}}'})
    client.put_method_response(restApiId=api_id, resourceId=res_id, httpMethod=method,
                               statusCode=status)
    client.put_integration_response(restApiId=api_id, resourceId=res_id, httpMethod=method,
                                    statusCode=status,
                                    responseTemplates={"application/json": body})
    return {"api_id": api_id, "root_id": root, "resource_id": res_id}

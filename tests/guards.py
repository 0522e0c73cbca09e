"""Builders and clock control for the data-plane guard tests (keys, limits, validation,
cache, CORS, policies, IAM)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from unittest import mock

import requests
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z, a Tuesday


def freeze(gw: Any, at: float = EPOCH) -> None:
    """Stop mockgw's clock at ``at`` (in-process or through ``POST /_mockgw/clock``)."""
    if gw.mode == "inprocess":
        gw.mock.instance.clock.freeze(at)
    else:
        gw.http.post(f"{gw.endpoint_url}/_mockgw/clock", json={"freeze": at},
                     timeout=10).raise_for_status()


def advance(gw: Any, seconds: float) -> None:
    """Move mockgw's (frozen) clock forward."""
    if gw.mode == "inprocess":
        gw.mock.instance.clock.advance(seconds)
    else:
        gw.http.post(f"{gw.endpoint_url}/_mockgw/clock", json={"advance": seconds},
                     timeout=10).raise_for_status()


def sign(method: str, url: str, *, access_key: str = "AKIDEXAMPLE",
         secret: str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: str = "us-east-1",
         service: str = "execute-api", body: bytes = b"", headers: dict | None = None,
         at: float = EPOCH) -> dict[str, str]:
    """The headers of a request signed with botocore's SigV4 signer at time ``at``."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    moment = datetime.fromtimestamp(at, UTC).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", lambda: moment):
        SigV4Auth(Credentials(access_key, secret), service, region).add_auth(request)
    return dict(request.headers.items())


def presign(url: str, *, access_key: str = "AKIDEXAMPLE",
            secret: str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: str = "us-east-1",
            expires: int = 300, at: float = EPOCH) -> str:
    """``url`` presigned for a GET with botocore's SigV4 query signer at time ``at``."""
    request = AWSRequest(method="GET", url=url)
    moment = datetime.fromtimestamp(at, UTC).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", lambda: moment):
        SigV4QueryAuth(Credentials(access_key, secret), "execute-api", region,
                       expires=expires).add_auth(request)
    return request.url


class Api:
    """A REST API built method by method, then deployed; ``url(path)`` invokes it."""

    def __init__(self, gw: Any, client: Any, name: str = "guarded", **api_kwargs: Any) -> None:
        self.gw, self.c = gw, client
        created = client.create_rest_api(name=name, **api_kwargs)
        self.id, self.root = created["id"], created["rootResourceId"]
        self.resources: dict[str, str] = {"/": self.root}

    def resource(self, path: str) -> str:
        """The id of ``path``, creating it (and its parents) if needed."""
        if path in self.resources:
            return self.resources[path]
        parent_path, _, part = path.rpartition("/")
        parent = self.resource(parent_path or "/")
        self.resources[path] = self.c.create_resource(restApiId=self.id, parentId=parent,
                                                      pathPart=part)["id"]
        return self.resources[path]

    def mock(self, path: str = "/items", method: str = "GET", *, body: str = '{"ok": true}',
             status: str = "200", response_parameters: dict | None = None,
             **method_kwargs: Any) -> str:
        """A MOCK method answering ``body``; returns its resource id."""
        res = self.resource(path)
        method_kwargs.setdefault("authorizationType", "NONE")
        self.c.put_method(restApiId=self.id, resourceId=res, httpMethod=method,
                          **method_kwargs)
        self.c.put_integration(restApiId=self.id, resourceId=res, httpMethod=method,
                               type="MOCK", requestTemplates={
                                   kind: f'{{"statusCode": {status}}}' for kind in
                                   ("application/json", "application/xml", "text/plain")})
        self.c.put_method_response(
            restApiId=self.id, resourceId=res, httpMethod=method, statusCode=status,
            responseParameters={k: False for k in response_parameters or {}})
        self.c.put_integration_response(
            restApiId=self.id, resourceId=res, httpMethod=method, statusCode=status,
            selectionPattern="", responseTemplates={"application/json": body},
            responseParameters=response_parameters or {})
        return res

    def http(self, backend_url: str, path: str = "/items", method: str = "GET", *,
             integration: dict | None = None, **method_kwargs: Any) -> str:
        """An HTTP_PROXY method to ``backend_url``; returns its resource id."""
        res = self.resource(path)
        method_kwargs.setdefault("authorizationType", "NONE")
        self.c.put_method(restApiId=self.id, resourceId=res, httpMethod=method,
                          **method_kwargs)
        self.c.put_integration(restApiId=self.id, resourceId=res, httpMethod=method,
                               type="HTTP_PROXY", integrationHttpMethod=method,
                               uri=backend_url, **(integration or {}))
        return res

    def deploy(self, stage: str = "dev", **kwargs: Any) -> Api:
        self.c.create_deployment(restApiId=self.id, stageName=stage, **kwargs)
        return self

    def update_stage(self, *operations: tuple[str, str], stage: str = "dev") -> None:
        """``replace`` each ``(path, value)`` of the stage."""
        self.c.update_stage(restApiId=self.id, stageName=stage, patchOperations=[
            {"op": "replace", "path": path, "value": value} for path, value in operations])

    def url(self, path: str = "/items", stage: str = "dev") -> str:
        return self.gw.invoke_url(self.id, stage, path)

    def get(self, path: str = "/items", **kwargs: Any) -> requests.Response:
        return self.gw.http.get(self.url(path), timeout=10, **kwargs)

    def call(self, method: str, path: str = "/items", **kwargs: Any) -> requests.Response:
        return self.gw.http.request(method, self.url(path), timeout=10, **kwargs)


def expect_error(response: requests.Response, status: int, error_type: str,
                 message: str | None, *, key: str = "message") -> None:
    """A gateway error: status, ``x-amzn-ErrorType`` and the exact JSON body."""
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-ErrorType"] == error_type
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {key: message}

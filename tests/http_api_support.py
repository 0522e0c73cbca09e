"""Builders for the HTTP API data-plane tests: APIs route by route with boto3, Lambda
functions that echo their event, and invocation helpers for both harness modes."""

from __future__ import annotations

import json
from typing import Any

import requests

from tests.lambda_support import ACCOUNT, REGION, create

ECHO_V2 = """
    import json
    def handler(event, context):
        return {"statusCode": 200, "headers": {"content-type": "application/json"},
                "body": json.dumps(event)}
"""


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def invocation_uri(name: str) -> str:
    return (f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
            f"{function_arn(name)}/invocations")


def lambda_function(gw: Any, name: str, source: str, **options: Any) -> str:
    """A Python function (``handler.handler`` of ``source``); its ARN."""
    create(gw.client("lambda"), name, source, **options)
    return function_arn(name)


class HttpApi:
    """An HTTP API built route by route; ``call`` invokes it."""

    def __init__(self, gw: Any, name: str = "http-api", **kwargs: Any) -> None:
        self.gw = gw
        self.c = gw.client("apigatewayv2")
        created = self.c.create_api(Name=name, ProtocolType="HTTP", **kwargs)
        self.id = created["ApiId"]
        self.integrations: dict[str, str] = {}

    def integration(self, **kwargs: Any) -> str:
        return self.c.create_integration(ApiId=self.id, **kwargs)["IntegrationId"]

    def http(self, uri: str, **kwargs: Any) -> str:
        kwargs.setdefault("IntegrationMethod", "ANY")
        return self.integration(IntegrationType="HTTP_PROXY", IntegrationUri=uri,
                                PayloadFormatVersion="1.0", **kwargs)

    def function(self, arn: str, version: str = "2.0", **kwargs: Any) -> str:
        return self.integration(IntegrationType="AWS_PROXY", IntegrationUri=arn,
                                PayloadFormatVersion=version, **kwargs)

    def route(self, key: str, integration_id: str, **kwargs: Any) -> str:
        return self.c.create_route(ApiId=self.id, RouteKey=key,
                                   Target=f"integrations/{integration_id}", **kwargs)["RouteId"]

    def stage(self, name: str = "$default", **kwargs: Any) -> HttpApi:
        kwargs.setdefault("AutoDeploy", True)
        self.c.create_stage(ApiId=self.id, StageName=name, **kwargs)
        return self

    def call(self, method: str = "GET", path: str = "/", stage: str = "$default",
             **kwargs: Any) -> requests.Response:
        return self.gw.http_api(method, self.id, stage, path, **kwargs)


def event_of(response: requests.Response) -> dict[str, Any]:
    """The event an echoing function saw."""
    assert response.status_code == 200, response.text
    return json.loads(response.text)


def expect_message(response: requests.Response, status: int, message: str) -> None:
    """An answer of the HTTP API itself: status and the exact compact JSON body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.content == json.dumps({"message": message},
                                          separators=(",", ":")).encode()
    assert response.headers["apigw-requestid"]


def send_raw(gw: Any, method: str, api_id: str, stage: str, path: str,
             headers: list[tuple[str, str]], body: bytes = b"") -> tuple[int, dict, bytes]:
    """A request with headers exactly as listed (repeated names too): ``(status, headers
    with lower-case names, body)``.  In-process it reaches the application directly; on
    the server it goes over ``http.client``."""
    url = gw.http_api_url(api_id, stage, path)
    if gw.mode == "inprocess":
        from urllib.parse import urlsplit

        from mockgw.mock import _wire, active_application

        parts = urlsplit(url)
        items = [("Host", parts.netloc), *headers]
        front = active_application().extensions["mockgw"]
        wire = front.handle(_wire(method, parts, items, body, "127.0.0.1"))
        return wire.status, {k.lower(): v for k, v in wire.headers}, wire.body
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.putrequest(method, target)
        for name, value in headers:
            connection.putheader(name, value)
        if body:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()

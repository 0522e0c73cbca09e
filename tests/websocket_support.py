"""Builders for the WebSocket API tests: APIs route by route with boto3, a real client
(`websockets`) for both harness modes, and the @connections API."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import boto3
import requests
from botocore.config import Config
from websockets.sync.client import ClientConnection, connect

from tests.lambda_support import create

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})

ROUTE = "$request.body.action"
#: AWS's error frame: ``{"message": "Forbidden", "connectionId":"...", "requestId":"..."}``.
ERROR_FRAME = re.compile(r'^\{"message": "(?P<message>[^"]*)", "connectionId":"(?P<id>'
                         r'[A-Za-z0-9]{15}=)", "requestId":"(?P<request>[A-Za-z0-9]{15}=)"\}$')
#: The developer guide's frame for a message its route's model refuses: ``{"message": "Bad
#: request body", "connectionId":"...", "messageId":"..."}`` (the message's id, no request id).
BAD_REQUEST_BODY_FRAME = re.compile(
    r'^\{"message": "Bad request body", "connectionId":"(?P<id>[A-Za-z0-9]{15}=)", '
    r'"messageId":"(?P<message>[A-Za-z0-9]{15}=)"\}$')


class WsApi:
    """A WebSocket API built route by route, deployed to a stage with AutoDeploy."""

    def __init__(self, gw: Any, name: str = "chat", *, route_selection: str = ROUTE,
                 stage: str = "dev", **kwargs: Any) -> None:
        self.gw = gw
        self.stage = stage
        self.c = gw.client("apigatewayv2")
        created = self.c.create_api(Name=name, ProtocolType="WEBSOCKET",
                                    RouteSelectionExpression=route_selection, **kwargs)
        self.id = created["ApiId"]
        self.c.create_stage(ApiId=self.id, StageName=stage, AutoDeploy=True)

    def integration(self, **kwargs: Any) -> str:
        return self.c.create_integration(ApiId=self.id, **kwargs)["IntegrationId"]

    def mock(self, status: int = 200, reply: str | None = None, **kwargs: Any) -> str:
        """A MOCK integration answering ``status``; ``reply`` its $default response
        template."""
        integration = self.integration(
            IntegrationType="MOCK", TemplateSelectionExpression="\\$default",
            RequestTemplates={"$default": json.dumps({"statusCode": status})}, **kwargs)
        if reply is not None:
            self.c.create_integration_response(
                ApiId=self.id, IntegrationId=integration, IntegrationResponseKey="$default",
                TemplateSelectionExpression="\\$default", ResponseTemplates={"$default": reply})
        return integration

    def function(self, name: str, source: str, **kwargs: Any) -> str:
        """A Python function (``handler.handler`` of ``source``) behind a Lambda proxy."""
        arn = create(self.gw.client("lambda"), name, source)["FunctionArn"]
        return self.integration(IntegrationType="AWS_PROXY", IntegrationUri=arn, **kwargs)

    def route(self, key: str, integration: str | None = None, *, two_way: bool = False,
              **kwargs: Any) -> str:
        if integration is not None:
            kwargs["Target"] = f"integrations/{integration}"
        if two_way:
            kwargs["RouteResponseSelectionExpression"] = "$default"
        route = self.c.create_route(ApiId=self.id, RouteKey=key, **kwargs)["RouteId"]
        if two_way:
            self.c.create_route_response(ApiId=self.id, RouteId=route,
                                         RouteResponseKey="$default")
        return route

    def url(self, query: str = "") -> str:
        return websocket_url(self.gw, self.id, self.stage) + (f"?{query}" if query else "")

    def connect(self, query: str = "", **kwargs: Any) -> ClientConnection:
        return open_socket(self.url(query), **kwargs)

    def management(self, form: str = "aws", *, stage: str | None = None) -> Any:
        """An ``apigatewaymanagementapi`` client: ``aws`` (AWS's URL in-process, the
        ``/_aws/execute-api`` form on the server), ``host`` (the execute-api host form on
        the server) or ``root`` (the server root); of the API's stage, or ``stage``."""
        return management_client(self.gw, self.id, stage or self.stage, form)


def websocket_url(gw: Any, api_id: str, stage: str) -> str:
    """``ws://.../_aws/execute-api/{api_id}/{stage}`` of the harness."""
    if gw.mode == "inprocess":
        return gw.mock.websocket_url(api_id, stage)
    base = gw.http.get(f"{gw.endpoint_url}/_mockgw/health", timeout=10).json()["websocket_url"]
    return f"{base}/_aws/execute-api/{api_id}/{stage}"


def open_socket(url: str, **kwargs: Any) -> ClientConnection:
    kwargs.setdefault("open_timeout", 20)
    kwargs.setdefault("close_timeout", 5)
    return connect(url, **kwargs)


def management_client(gw: Any, api_id: str, stage: str, form: str = "aws", *,
                      encoded: bool = False) -> Any:
    """An ``apigatewaymanagementapi`` client of an API stage (see :meth:`WsApi.management`);
    ``encoded``: it sends ``/%40connections/`` for ``/@connections/``, as AWS's guide has
    ``awscurl`` send it."""
    if gw.mode == "inprocess":
        endpoint = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/{stage}"
    elif form == "root":
        endpoint = gw.endpoint_url
    elif form == "host":
        endpoint = gw.endpoint_url  # the Host header names the API (see host_form)
    else:
        endpoint = f"{gw.endpoint_url}/_aws/execute-api/{api_id}/{stage}"
    made = boto3.client("apigatewaymanagementapi", region_name="us-east-1",
                        endpoint_url=endpoint, aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=NO_RETRIES)
    made.meta.events.register("before-parse.*.*", gw.checker)
    if form == "host" and gw.mode == "server":
        port = gw.endpoint_url.rsplit(":", 1)[1]

        def host_form(request: Any, **_: Any) -> None:
            request.headers["Host"] = f"{api_id}.execute-api.localhost:{port}"
            request.url = request.url.replace(gw.endpoint_url, f"{gw.endpoint_url}/{stage}", 1)

        made.meta.events.register_first("before-sign.*.*", host_form)
    if encoded:
        def encode(request: Any, **_: Any) -> None:
            request.url = request.url.replace("/@connections/", "/%40connections/", 1)

        made.meta.events.register("before-sign.*.*", encode)
    return made


def connections_request(gw: Any, method: str, api_id: str, stage: str, connection_id: str,
                        form: str = "aws", **kwargs: Any) -> requests.Response:
    """A raw ``@connections`` call, URL-encoded as AWS's guide writes it
    (``/{stage}/%40connections/R0oXAdfD0kwCH6w%3D``): at AWS's URL in-process; on the
    server at ``/_aws/execute-api/{api_id}`` (``aws``) or with the Host
    ``{api_id}.execute-api.localhost`` (``host``)."""
    path = f"/{stage}/%40connections/{quote(connection_id, safe='')}"
    kwargs.setdefault("timeout", 30)
    if gw.mode == "inprocess":
        return gw.http.request(method, f"https://{api_id}.execute-api.us-east-1.amazonaws.com"
                               f"{path}", **kwargs)
    if form == "host":
        port = gw.endpoint_url.rsplit(":", 1)[1]
        headers = {**kwargs.pop("headers", {}), "Host": f"{api_id}.execute-api.localhost:{port}"}
        return gw.http.request(method, f"{gw.endpoint_url}{path}", headers=headers, **kwargs)
    return gw.http.request(method, f"{gw.endpoint_url}/_aws/execute-api/{api_id}{path}",
                           **kwargs)


def connection_ids(gw: Any, api_id: str | None = None) -> list[dict]:
    """``GET /_mockgw/connections`` (in-process: the instance's registry)."""
    if gw.mode == "inprocess":
        from mockgw.execute.websocket.connections import connections

        return connections(gw.mock.instance).listing(api_id=api_id)
    params = {"apiId": api_id} if api_id else {}
    return gw.http.get(f"{gw.endpoint_url}/_mockgw/connections", params=params,
                       timeout=10).json()["connections"]


def only_connection(gw: Any, api_id: str) -> str:
    """The id of the one open connection of ``api_id``."""
    found = [c for c in connection_ids(gw, api_id) if c["state"] == "OPEN"]
    assert len(found) == 1, found
    return found[0]["connectionId"]


def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll ``check`` until it returns something truthy (no blind sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def reply(ws: ClientConnection, timeout: float = 20.0) -> str:
    message = ws.recv(timeout=timeout)
    assert isinstance(message, str)
    return message

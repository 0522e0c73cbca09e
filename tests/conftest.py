"""The test harness: every test that takes ``gw`` runs twice, in-process under
``mock_apigateway`` and against a real ``mockgw serve`` process, through boto3 clients
whose every response is checked against its botocore output shape."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from mockgw.mock import mock_apigateway
from mockgw.testing import ServerProcess
from tests.shapecheck import ShapeChecker

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


class Harness:
    """One way of reaching mockgw: ``inprocess`` or ``server``."""

    def __init__(self, mode: str, server_url: str | None = None,
                 mock: mock_apigateway | None = None) -> None:
        self.mode = mode
        self.endpoint_url = server_url
        self.mock = mock
        self.checker = ShapeChecker()
        self.http = requests.Session()

    def client(self, service: str = "apigateway", *, region: str = "us-east-1",
               access_key: str = "testing", secret_key: str = "testing") -> Any:
        client = boto3.client(service, region_name=region, endpoint_url=self.endpoint_url,
                              aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                              config=NO_RETRIES)
        client.meta.events.register("before-parse.*.*", self.checker)
        return client

    def invoke_url(self, api_id: str, stage: str, path: str = "/", *,
                   region: str = "us-east-1") -> str:
        """A data-plane URL: the AWS host form in-process, the path form on the server."""
        path = path if path.startswith("/") else "/" + path
        if self.mode == "inprocess":
            return f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}{path}"
        return f"{self.endpoint_url}/restapis/{api_id}/{stage}/_user_request_{path}"

    def http_api_url(self, api_id: str, stage: str = "$default", path: str = "/", *,
                     region: str = "us-east-1") -> str:
        """An HTTP API URL: AWS's host in-process (``$default`` at the root, other stages
        under ``/{stage}``), ``/_aws/execute-api/{id}/{stage}`` on the server."""
        path = path if path.startswith("/") else "/" + path
        if self.mode == "inprocess":
            prefix = "" if stage == "$default" else f"/{stage}"
            return f"https://{api_id}.execute-api.{region}.amazonaws.com{prefix}{path}"
        return f"{self.endpoint_url}/_aws/execute-api/{api_id}/{stage}{path}"

    def http_api(self, method: str, api_id: str, stage: str = "$default", path: str = "/", *,
                 host_form: bool = False, region: str = "us-east-1",
                 **kwargs: Any) -> requests.Response:
        """A request to an HTTP API; ``host_form`` sends it on the server with Host
        ``{api_id}.execute-api.localhost:{port}`` (the stage as the first path segment)."""
        kwargs.setdefault("timeout", 30)
        if host_form and self.mode == "server":
            path = path if path.startswith("/") else "/" + path
            prefix = "" if stage == "$default" else f"/{stage}"
            port = self.endpoint_url.rsplit(":", 1)[1]
            headers = {**kwargs.pop("headers", {}),
                       "Host": f"{api_id}.execute-api.localhost:{port}"}
            return self.http.request(method, f"{self.endpoint_url}{prefix}{path}",
                                     headers=headers, **kwargs)
        return self.http.request(method, self.http_api_url(api_id, stage, path, region=region),
                                 **kwargs)

    def raw(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A raw HTTP request to the control-plane endpoint (no botocore)."""
        base = self.endpoint_url or "https://apigateway.us-east-1.amazonaws.com"
        if self.mode == "inprocess":
            return _raw_inprocess(method, base + path, **kwargs)
        return self.http.request(method, base + path, timeout=30, **kwargs)


def _raw_inprocess(method: str, url: str, **kwargs: Any) -> requests.Response:
    """Send a raw request to the active in-process application."""
    from urllib.parse import urlsplit

    from mockgw.mock import _as_sent, _wire, active_application

    app = active_application()
    assert app is not None
    front = app.extensions["mockgw"]
    prepared = requests.Request(method, url, **kwargs).prepare()
    parts = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    items = list(prepared.headers.items())
    if "host" not in {k.lower() for k, _ in items}:
        items.insert(0, ("Host", parts.netloc))
    wire = _as_sent(method, front.handle(_wire(method, parts, items, body, "127.0.0.1")))
    response = requests.Response()
    response.status_code = wire.status
    response.headers.update(dict(wire.headers))
    response._content = wire.body
    response.url = url
    return response


@pytest.fixture(scope="session")
def server() -> Iterator[ServerProcess]:
    with ServerProcess() as process:
        yield process


def harnesses(request: pytest.FixtureRequest, server_fixture: str = "server") -> Iterator[Harness]:
    """The body of a ``gw``-style fixture: a harness for ``request.param`` (the server
    mode uses the session server fixture named ``server_fixture``, reset first), and a
    check that every response fitted its shape."""
    if request.param == "server":
        process = request.getfixturevalue(server_fixture)
        process.reset()
        harness = Harness("server", server_url=process.url)
        yield harness
    else:
        with mock_apigateway() as mock:
            harness = Harness("inprocess", mock=mock)
            yield harness
    assert not harness.checker.problems, "\n".join(harness.checker.problems)


@pytest.fixture(params=["inprocess", "server"])
def gw(request: pytest.FixtureRequest) -> Iterator[Harness]:
    yield from harnesses(request)


@pytest.fixture(autouse=True)
def _no_botocore_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=UserWarning)
        yield


@pytest.fixture
def backend() -> Iterator[Any]:
    from tests.backend import Backend

    with Backend() as server:
        yield server


@pytest.fixture
def v2_http_api(gw: Harness) -> tuple[Any, str]:
    """An ``apigatewayv2`` client and the id of a new HTTP API."""
    v2 = gw.client("apigatewayv2")
    return v2, v2.create_api(Name="http", ProtocolType="HTTP")["ApiId"]


@pytest.fixture
def v2_websocket_api(gw: Harness) -> tuple[Any, str]:
    """An ``apigatewayv2`` client and the id of a new WebSocket API (routes selected by
    ``$request.body.action``)."""
    v2 = gw.client("apigatewayv2")
    return v2, v2.create_api(Name="ws", ProtocolType="WEBSOCKET",
                             RouteSelectionExpression="$request.body.action")["ApiId"]

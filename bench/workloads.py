"""The workloads, each runnable against mockgw, moto or ministack through boto3."""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from typing import Any

import boto3
import requests
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from bench.servers import CREDENTIALS

CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(service: str = "apigateway", endpoint_url: str | None = None) -> Any:
    return boto3.client(service, endpoint_url=endpoint_url, config=CONFIG, **CREDENTIALS)


# -- import and enter/exit ---------------------------------------------------------------------

_IMPORTS = {
    "boto3": "import boto3",
    "mockgw": "import boto3\nfrom mockgw import mock_apigateway\n"
              "m = mock_apigateway(); m.start(); m.stop()",
    "moto": "import boto3\nfrom moto import mock_aws\nm = mock_aws(); m.start(); m.stop()",
}


def import_seconds(name: str, runs: int = 5) -> float:
    """Median time, in a fresh interpreter, of the import (and one mock enter/exit)."""
    code = ("import time\nstarted = time.perf_counter()\n" + _IMPORTS[name] +
            "\nprint(time.perf_counter() - started)")
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def enter_exit_seconds(name: str, rounds: int = 200) -> float:
    """Mean cost of one enter/exit of an already imported mock."""
    if name == "mockgw":
        from mockgw import mock_apigateway as factory
    else:
        from moto import mock_aws as factory

    def cycle() -> None:
        mock = factory()
        mock.start()
        mock.stop()

    cycle()
    started = time.perf_counter()
    for _ in range(rounds):
        cycle()
    return (time.perf_counter() - started) / rounds


# -- control plane -------------------------------------------------------------------------------

def control_calls_per_second(c: Any, seconds: float) -> float:
    """Calls per second of a CRUD cycle on resources (create, get, get API, delete)."""
    api = c.create_rest_api(name="bench")
    api_id = api["id"]
    root = api.get("rootResourceId") or c.get_resources(restApiId=api_id)["items"][0]["id"]
    calls = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        resource = c.create_resource(restApiId=api_id, parentId=root, pathPart=f"r{n}")["id"]
        c.get_resource(restApiId=api_id, resourceId=resource)
        c.get_rest_api(restApiId=api_id)
        c.delete_resource(restApiId=api_id, resourceId=resource)
        calls += 4
    return calls / (time.perf_counter() - started)


def canned_client() -> Any:
    """The floor: a botocore client whose requests are answered by a canned response,
    without any mock (what every call costs on the client side)."""
    c = client(endpoint_url="http://canned.invalid")
    body = json.dumps({"id": "abc123", "name": "bench", "rootResourceId": "root12",
                       "path": "/r", "pathPart": "r"}).encode()

    class Raw:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def stream(self, **_: Any):
            yield self.data

        def read(self, *_: Any) -> bytes:
            data, self.data = self.data, b""
            return data

    def answer(request: Any, **_: Any) -> AWSResponse:
        status, data = (202, b"") if request.method == "DELETE" else (
            201 if request.method == "POST" else 200, body)
        return AWSResponse(request.url, status, {"Content-Type": "application/json"}, Raw(data))

    c.meta.events.register("before-send.apigateway", answer)
    return c


# -- APIs the data plane serves ------------------------------------------------------------------

def deploy_api(c: Any, *, integration: str = "MOCK", uri: str | None = None,
               resources: int = 1, stage: str = "dev") -> tuple[str, str]:
    """An API with ``resources`` resources ``/r0 .. /rN-1``, each with a ``GET``; returns
    ``(api id, path of the last resource)``."""
    api = c.create_rest_api(name=f"bench-{integration.lower()}-{resources}")
    api_id = api["id"]
    root = api.get("rootResourceId") or c.get_resources(restApiId=api_id)["items"][0]["id"]
    for n in range(resources):
        res = c.create_resource(restApiId=api_id, parentId=root, pathPart=f"r{n}")["id"]
        c.put_method(restApiId=api_id, resourceId=res, httpMethod="GET",
                     authorizationType="NONE")
        if integration == "MOCK":
            c.put_integration(restApiId=api_id, resourceId=res, httpMethod="GET", type="MOCK",
                              requestTemplates={"application/json": '{"statusCode": 200}'})
            c.put_method_response(restApiId=api_id, resourceId=res, httpMethod="GET",
                                  statusCode="200")
            c.put_integration_response(
                restApiId=api_id, resourceId=res, httpMethod="GET", statusCode="200",
                responseTemplates={"application/json": '{"hello": "world"}'})
        else:
            c.put_integration(restApiId=api_id, resourceId=res, httpMethod="GET",
                              type=integration, integrationHttpMethod="GET", uri=uri)
            if integration == "HTTP":
                c.put_method_response(restApiId=api_id, resourceId=res, httpMethod="GET",
                                      statusCode="200")
                c.put_integration_response(restApiId=api_id, resourceId=res,
                                           httpMethod="GET", statusCode="200")
    c.create_deployment(restApiId=api_id, stageName=stage)
    return api_id, f"/r{resources - 1}"


def listing_seconds(c: Any, api_id: str, rounds: int = 5) -> float:
    """Median time to list every resource of an API (pages of 500)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        position = None
        while True:
            page = c.get_resources(restApiId=api_id, limit=500,
                                   **({"position": position} if position else {}))
            position = page.get("position")
            if not position:
                break
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def latency_ms(get: Callable[[], int], rounds: int = 200, warmup: int = 20) -> float:
    """Median latency of ``get()`` (which returns a status) in milliseconds."""
    for _ in range(warmup):
        status = get()
        if status != 200:
            raise RuntimeError(f"answered {status}")
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        get()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


# -- Lambda proxy -----------------------------------------------------------------------------

HANDLER = b"""
def handler(event, context):
    return {"statusCode": 200, "body": "hello"}
"""


LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:bench-hello"


def lambda_api(endpoint_url: str | None) -> tuple[str, str]:
    """A function (Python, warm after the first call) behind an AWS_PROXY method."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    fn = client("lambda", endpoint_url).create_function(
        FunctionName="bench-hello", Runtime="python3.12", Handler="app.handler",
        Role="arn:aws:iam::123456789012:role/bench", Code={"ZipFile": buffer.getvalue()})
    c = client(endpoint_url=endpoint_url)
    uri = (f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
           f"{fn['FunctionArn']}/invocations")
    api = c.create_rest_api(name="bench-lambda")
    api_id = api["id"]
    root = api.get("rootResourceId") or c.get_resources(restApiId=api_id)["items"][0]["id"]
    c.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    c.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="AWS_PROXY",
                      integrationHttpMethod="POST", uri=uri)
    c.create_deployment(restApiId=api_id, stageName="dev")
    return api_id, "/"


def deploy_http_api(endpoint_url: str | None, backend_url: str) -> str:
    """A quick-created HTTP API (``$default`` route, HTTP_PROXY to ``backend_url``); its id."""
    v2 = client("apigatewayv2", endpoint_url)
    return v2.create_api(Name="bench-http-api", ProtocolType="HTTP",
                         Target=backend_url)["ApiId"]


def http_api_url(base: str, api_id: str, path: str = "/") -> str:
    """The path form of an HTTP API URL (``$default`` stage)."""
    return f"{base}/_aws/execute-api/{api_id}/$default{path}"


def gets_per_second(url: str, seconds: float) -> float:
    """``requests.get(url)`` calls per second, one after the other (in this process)."""
    session = requests.Session()
    if session.get(url, timeout=30).status_code != 200:
        raise RuntimeError(f"{url} does not answer 200")
    calls = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        session.get(url, timeout=30)
        calls += 1
    return calls / (time.perf_counter() - started)


def user_request_url(base: str, api_id: str, path: str) -> str:
    """The path form of a data-plane URL (mockgw and ministack both serve it)."""
    return f"{base}/restapis/{api_id}/dev/_user_request_{path}"


def http_status(session: requests.Session, url: str) -> Callable[[], int]:
    return lambda: session.get(url, timeout=30).status_code


# -- other AWS services (moto's backends) ------------------------------------------------------

def sqs_calls_per_second(endpoint_url: str, seconds: float) -> float:
    """Calls per second of an SQS cycle (send, receive, delete) against an endpoint."""
    sqs = client("sqs", endpoint_url=endpoint_url)
    queue = sqs.create_queue(QueueName="bench")["QueueUrl"]
    calls = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        sqs.send_message(QueueUrl=queue, MessageBody="bench")
        for message in sqs.receive_message(QueueUrl=queue).get("Messages", []):
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        calls += 3
    return calls / (time.perf_counter() - started)

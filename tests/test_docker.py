"""The docker image and compose file, without a Docker engine: the test runs the command
line the image runs (read from the Dockerfile, so the two cannot drift apart) and checks
that it serves the contract; the compose example's app builds its stack (IAM, Lambda,
Kinesis, API Gateway) on that one endpoint."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import requests
import yaml

from mockgw.testing import ServerProcess
from tests.helpers import mock_api
from tests.lambda_support import needs_node

DOCKER = Path(__file__).resolve().parent.parent / "docker"
PORT = "4566"


def instructions() -> dict[str, str]:
    """The Dockerfile's instructions (continuations joined), by keyword; last one wins."""
    found: dict[str, str] = {}
    logical = ""
    for line in (DOCKER / "Dockerfile").read_text().splitlines():
        if line.lstrip().startswith("#") and not logical:
            continue
        logical += line.rstrip("\\").strip() + " "
        if line.endswith("\\"):
            continue
        keyword, _, rest = logical.strip().partition(" ")
        if keyword:
            found[keyword.upper()] = rest.strip()
        logical = ""
    return found


def image_command() -> list[str]:
    """ENTRYPOINT + CMD, exec form, as the image runs them."""
    steps = instructions()
    return json.loads(steps.get("ENTRYPOINT", "[]")) + json.loads(steps["CMD"])


def healthcheck_command() -> list[str]:
    check = instructions()["HEALTHCHECK"]
    return json.loads(check[check.index("CMD ") + 4:])


def free_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def on_port(command: list[str], port: str) -> list[str]:
    """``command`` with the container's port 4566 swapped for a free one of this machine
    (the container has a network of its own; the test machine shares one)."""
    return [part.replace(PORT, port) for part in command]


def local(command: list[str]) -> list[str]:
    """The image's executables, from this interpreter's environment."""
    program = shutil.which(command[0], path=os.path.dirname(sys.executable))
    assert program is not None, f"{command[0]} is not installed beside {sys.executable}"
    return [program, *command[1:]]


def test_the_image_is_small_unprivileged_and_serves_on_4566():
    steps = instructions()
    assert re.fullmatch(r"python:3\.\d+-slim", steps["FROM"])
    assert steps["USER"] not in ("root", "0")
    assert image_command() == ["mockgw", "serve", "--host", "0.0.0.0", "--port", PORT]
    assert steps["EXPOSE"].split() == [PORT, "4510"]  # HTTP, WebSocket APIs
    assert f"http://127.0.0.1:{PORT}/_mockgw/health" in " ".join(healthcheck_command())


@pytest.fixture(scope="module")
def image_server(tmp_path_factory):
    """The image's command (and the compose service's environment) on a free port."""
    compose = yaml.safe_load((DOCKER / "docker-compose.yml").read_text())
    env = dict(compose["services"]["mockgw"]["environment"])
    env["MOCKGW_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    env["MOCKGW_WEBSOCKET_PORT"] = "0"  # never a fixed port in tests
    port = free_port()
    with ServerProcess(command=local(on_port(image_command(), port)), env=env) as server:
        server.port = port
        yield server


def test_the_image_command_serves_the_contract(image_server):
    port = image_server.port
    base = f"http://127.0.0.1:{port}"
    health = requests.get(f"{base}/_mockgw/health", timeout=10)
    assert (health.status_code, health.json()["status"]) == (200, "running")
    client = boto3.client("apigateway", endpoint_url=base, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    ids = mock_api(client, name="contract")
    api_id = ids["api_id"]
    client.create_deployment(restApiId=api_id, stageName="dev")
    for url, headers in [
            (f"{base}/dev/items", {"Host": f"{api_id}.execute-api.localhost:{port}"}),
            (f"{base}/restapis/{api_id}/dev/_user_request_/items", {}),
            (f"{base}/_aws/execute-api/{api_id}/dev/items", {})]:
        answer = requests.get(url, headers=headers, timeout=10)
        assert (answer.status_code, answer.json()) == (200, {"ok": True}), url
    assert requests.post(f"{base}/_mockgw/reset", timeout=10).json() == {"reset": True}
    assert client.get_rest_apis()["items"] == []


def test_the_healthcheck_passes_on_a_running_server_and_fails_without_one(image_server):
    check = local(healthcheck_command())
    assert subprocess.run(on_port(check, image_server.port), timeout=30).returncode == 0
    failed = subprocess.run(on_port(check, free_port()), capture_output=True, timeout=30)
    assert failed.returncode != 0


@needs_node
def test_the_compose_example_app_builds_its_stack_on_one_endpoint(tmp_path):
    """The example app (an IAM role, a Node.js function, a Kinesis stream, an API) against
    the image's command with the compose service's environment, run twice, across a
    restart of mockgw: the API and the function come back from the state directory, the
    role and the stream (moto's, not kept) are made again."""
    compose = yaml.safe_load((DOCKER / "docker-compose.yml").read_text())
    mockgw, app = compose["services"]["mockgw"], compose["services"]["app"]
    assert mockgw["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}
    assert mockgw["ports"] == [f"127.0.0.1:{PORT}:{PORT}",  # this machine only, by default
                               "127.0.0.1:4510:4510"]  # WebSocket APIs
    assert app["depends_on"] == {"mockgw": {"condition": "service_healthy"}}
    env = dict(app["environment"])
    assert env["AWS_ENDPOINT_URL"] == f"http://mockgw:{PORT}"
    (mount,) = app["volumes"]
    script = DOCKER / mount.split(":")[0]
    assert app["command"] == ["python", mount.split(":")[1]]

    server_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    server_env.update(mockgw["environment"], MOCKGW_STATE_DIR=str(tmp_path))
    outputs = []
    for _ in range(2):  # the second run, after a restart, finds the API the first one built
        port = free_port()
        process = ServerProcess(command=local(on_port(image_command(), port)))
        process.env = server_env
        with process:
            env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
            done = subprocess.run([sys.executable, str(script)], env={**os.environ, **env},
                                  capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0]["hello"] == {"hello": "compose", "runtime": "node"}
    assert outputs[0]["click"] == {"partitionKey": "ada", "data": {"user": "ada",
                                                                   "page": "/home"}}

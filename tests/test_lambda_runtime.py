"""The runtime seen from Python: the API the data plane calls, forwarding to
AWS_ENDPOINT_URL_LAMBDA, and the lifetime of worker processes."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from mockgw import mock_apigateway
from mockgw.runtime import InvokeResult, invoke
from mockgw.runtime import workers as worker_module
from mockgw.testing import ServerProcess
from tests.conftest import NO_RETRIES
from tests.lambda_support import ACCOUNT, ARN, ECHO, REGION, answer, create, error_of, needs_node

SPAWNS = """
    import os, subprocess

    child = None

    def handler(event, context):
        global child
        child = child or subprocess.Popen(["sleep", "60"])
        return [os.getpid(), child.pid]
"""


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(*pids: int, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)  # polling for the processes to disappear
    assert not any(alive(pid) for pid in pids)


def test_invoke_api_for_the_data_plane():
    with mock_apigateway() as mock:
        c = boto3.client("lambda", region_name=REGION)
        create(c, "api", ECHO, Publish=True)
        c.create_alias(FunctionName="api", Name="prod", FunctionVersion="1")
        result = invoke(mock.instance, ACCOUNT, REGION, f"{ARN}:api:prod", b'{"k": 1}',
                        log_type="Tail")
        assert isinstance(result, InvokeResult)
        assert (result.status, result.function_error, result.executed_version) == (
            200, None, "1")
        assert json.loads(result.payload) == {"event": {"k": 1}, "version": "1"}
        assert result.log.startswith("START RequestId: ") and result.log_tail
        assert invoke(mock.instance, ACCOUNT, REGION, "api", qualifier="prod",
                      invocation_type="DryRun").status == 204
        with pytest.raises(Exception) as missing:
            invoke(mock.instance, ACCOUNT, REGION, "absent")
        assert str(missing.value) == f"Function not found: {ARN}:absent"


def test_warm_invocations_are_fast():
    with mock_apigateway() as mock:
        create(boto3.client("lambda", region_name=REGION), "fast", ECHO)
        invoke(mock.instance, ACCOUNT, REGION, "fast", b"{}")
        timings = []
        for _ in range(30):
            started = time.perf_counter()
            invoke(mock.instance, ACCOUNT, REGION, "fast", b'{"a": 1}')
            timings.append(time.perf_counter() - started)
        assert statistics.median(timings) < 0.005


def test_unknown_functions_are_forwarded(server, monkeypatch):
    server.reset()
    remote = boto3.client("lambda", endpoint_url=server.url, region_name=REGION,
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=NO_RETRIES)
    create(remote, "remote-only", ECHO)
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", server.url)
    with mock_apigateway() as mock:
        local = boto3.client("lambda", region_name=REGION)
        create(local, "local-only", "def handler(event, context):\n    return 'local'\n")
        result = local.invoke(FunctionName="remote-only", Payload=b'{"from": "mock"}',
                              LogType="Tail")
        assert answer(result) == {"event": {"from": "mock"}, "version": "$LATEST"}
        assert result["ExecutedVersion"] == "$LATEST"
        assert "LogResult" in result
        assert answer(local.invoke(FunctionName="local-only")) == "local"
        direct = invoke(mock.instance, ACCOUNT, REGION, f"{ARN}:remote-only", b"{}")
        assert json.loads(direct.payload)["event"] == {}
        with pytest.raises(ClientError) as exc:
            local.invoke(FunctionName="nowhere")
        assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: "
                                 f"{ARN}:nowhere", 404)
        with pytest.raises(ClientError) as exc:
            local.get_function(FunctionName="remote-only")  # only Invoke is forwarded
        assert error_of(exc)[0] == "ResourceNotFoundException"


def test_workers_end_with_the_mock():
    with mock_apigateway():
        c = boto3.client("lambda", region_name=REGION)
        create(c, "spawner", SPAWNS)
        worker, child = answer(c.invoke(FunctionName="spawner"))
        assert alive(worker) and alive(child)
    wait_gone(worker, child)


KILLED_PARENT = """
import json, sys, threading
import boto3
from mockgw import mock_apigateway
from tests.lambda_support import answer, create
from tests.test_lambda_runtime import SPAWNS

mock = mock_apigateway().start()
c = boto3.client("lambda", region_name="us-east-1")
create(c, "spawner", SPAWNS)
first = []
thread = threading.Thread(target=lambda: first.append(answer(c.invoke(FunctionName="spawner"))))
thread.start()
thread.join()
again = answer(c.invoke(FunctionName="spawner"))[0]
print(json.dumps([*first[0], again, mock.instance.service("lambda.workers", None).root]),
      flush=True)
sys.stdin.read()
"""


def test_workers_die_with_a_killed_parent():
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT], cwd=Path(__file__).parents[1],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        worker, child, same_worker, files = json.loads(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait()
    shutil.rmtree(files)  # a killed process leaves its files; its workers must not stay
    assert same_worker == worker  # started by a thread that ended, still warm
    wait_gone(worker, child)


NODE_KILLED_PARENT = """
import json, sys, threading
import boto3
from mockgw import mock_apigateway
from tests.lambda_support import answer, create_node

mock = mock_apigateway().start()
c = boto3.client("lambda", region_name="us-east-1")
create_node(c, "spinner", '''
    const { spawn } = require("node:child_process");
    let child;
    exports.handler = async (event) => {
      child = child || spawn("sleep", ["60"]);
      if (event.spin) while (true) {}
      return [process.pid, child.pid];
    };
''', Timeout=60)
worker, child = answer(c.invoke(FunctionName="spinner"))
threading.Thread(target=c.invoke, kwargs={"FunctionName": "spinner", "Payload": b'{"spin": 1}'},
                 daemon=True).start()
print(json.dumps([worker, child, mock.instance.service("lambda.workers", None).root]), flush=True)
sys.stdin.read()
"""


@needs_node
def test_busy_node_workers_die_with_a_killed_parent():
    parent = subprocess.Popen([sys.executable, "-c", NODE_KILLED_PARENT],
                              cwd=Path(__file__).parents[1], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        worker, child, files = json.loads(parent.stdout.readline())
        deadline = time.monotonic() + 10
        while _cpu_ticks(worker) < 20 and time.monotonic() < deadline:
            time.sleep(0.02)  # polling until the handler spins
        assert _cpu_ticks(worker) >= 20
    finally:
        parent.kill()
        parent.wait()
    shutil.rmtree(files)
    wait_gone(worker, child)


def _cpu_ticks(pid: int) -> int:
    """User CPU time a process has used, in clock ticks."""
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[11])


def test_reset_stops_workers(gw):
    c = gw.client("lambda")
    create(c, "reset-me", SPAWNS)
    worker, child = answer(c.invoke(FunctionName="reset-me"))
    assert gw.raw("POST", "/_mockgw/reset").status_code == 200
    wait_gone(worker, child)
    with pytest.raises(ClientError) as exc:
        c.invoke(FunctionName="reset-me")
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_deleting_a_function_stops_its_workers(gw):
    c = gw.client("lambda")
    create(c, "short-lived", SPAWNS)
    worker, child = answer(c.invoke(FunctionName="short-lived"))
    c.delete_function(FunctionName="short-lived")
    wait_gone(worker, child)


def test_server_shutdown_stops_workers():
    with ServerProcess() as server:
        c = boto3.client("lambda", endpoint_url=server.url, region_name=REGION,
                         aws_access_key_id="testing", aws_secret_access_key="testing",
                         config=NO_RETRIES)
        create(c, "served", SPAWNS)
        worker, child = answer(c.invoke(FunctionName="served"))
        assert alive(worker)
    assert server.process.returncode == 0
    wait_gone(worker, child)


def test_least_recently_used_idle_workers_are_stopped(monkeypatch):
    monkeypatch.setattr(worker_module, "MAX_IDLE_WORKERS", 2)
    with mock_apigateway():
        c = boto3.client("lambda", region_name=REGION)
        pids = {}
        for name in ("one", "two", "three"):
            create(c, name, "import os\ndef handler(event, context):\n    return os.getpid()\n")
            pids[name] = answer(c.invoke(FunctionName=name))
        wait_gone(pids["one"])
        assert alive(pids["two"]) and alive(pids["three"])
        assert answer(c.invoke(FunctionName="three")) == pids["three"]
        assert answer(c.invoke(FunctionName="one")) != pids["one"]


def test_no_worker_files_are_left_behind():
    with mock_apigateway() as mock:
        create(boto3.client("lambda", region_name=REGION), "files", ECHO)
        invoke(mock.instance, ACCOUNT, REGION, "files", b"{}")
        root = mock.instance.service("lambda.workers", None).root
        assert os.listdir(root)
    assert not os.path.exists(root)

"""Canary releases on the data plane: the traffic split, stage-variable overrides,
``$context.isCanaryRequest``, promotion, and which deployment served (context, access log).

Splits are deterministic: a mockgw seeded through ``Settings.seed`` (in-process) or
``MOCKGW_SEED`` (server) draws the same sequence after every reset.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockgw.mock import mock_apigateway
from mockgw.settings import Settings
from mockgw.testing import ServerProcess
from tests.conftest import Harness
from tests.dataplane_support import access_log_lines, new_api, set_method

TEMPLATE = ('{"version": "%s", "canary": "$context.isCanaryRequest", '
            '"deployment": "$context.deploymentId", "color": "$stageVariables.color", '
            '"only": "$stageVariables.canaryOnly"}')
LOG_FORMAT = json.dumps({"deployment": "$context.deploymentId", "canary":
                         "$context.isCanaryRequest", "status": "$context.status"})


def versioned_api(c: Any, version: str) -> tuple[str, str]:
    api_id, res = new_api(c)
    set_method(c, api_id, res, integration={
        "type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
        responses={"200": {"responseTemplates": {"application/json": TEMPLATE % version}}})
    return api_id, res


def answer(c: Any, api_id: str, res: str, version: str) -> None:
    c.put_integration_response(restApiId=api_id, resourceId=res, httpMethod="GET",
                               statusCode="200",
                               responseTemplates={"application/json": TEMPLATE % version})


def canary_stage(c: Any, percent: float) -> dict:
    """Stage ``live`` serving v1, with a canary deployment of v2 taking ``percent``."""
    api_id, res = versioned_api(c, "v1")
    base = c.create_deployment(restApiId=api_id, stageName="live",
                               variables={"color": "blue"})["id"]
    c.update_stage(restApiId=api_id, stageName="live", patchOperations=[
        {"op": "replace", "path": "/accessLogSettings/format", "value": LOG_FORMAT},
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": "arn:aws:logs:us-east-1:123456789012:log-group:access"}])
    answer(c, api_id, res, "v2")
    canary = c.create_deployment(restApiId=api_id, stageName="live", canarySettings={
        "percentTraffic": percent,
        "stageVariableOverrides": {"color": "green", "canaryOnly": "yes"}})["id"]
    return {"api_id": api_id, "base": base, "canary": canary}


def test_all_traffic_to_the_canary(gw):
    c = gw.client()
    setup = canary_stage(c, 100.0)
    url = gw.invoke_url(setup["api_id"], "live", "/items")
    assert gw.http.get(url, timeout=10).json() == {
        "version": "v2", "canary": "true", "deployment": setup["canary"], "color": "green",
        "only": "yes"}
    line = json.loads(access_log_lines(gw, setup["api_id"], "live")[-1])
    assert line == {"deployment": setup["canary"], "canary": "true", "status": "200"}


def test_no_traffic_to_the_canary(gw):
    c = gw.client()
    setup = canary_stage(c, 0.0)
    url = gw.invoke_url(setup["api_id"], "live", "/items")
    for _ in range(5):
        assert gw.http.get(url, timeout=10).json() == {
            "version": "v1", "canary": "false", "deployment": setup["base"], "color": "blue",
            "only": ""}
    line = json.loads(access_log_lines(gw, setup["api_id"], "live")[-1])
    assert line == {"deployment": setup["base"], "canary": "false", "status": "200"}


def test_promotion_serves_the_canary_deployment(gw):
    c = gw.client()
    setup = canary_stage(c, 0.0)
    stage = c.update_stage(restApiId=setup["api_id"], stageName="live", patchOperations=[
        {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
        {"op": "copy", "from": "/canarySettings/stageVariableOverrides", "path": "/variables"}])
    assert stage["deploymentId"] == setup["canary"]
    body = gw.http.get(gw.invoke_url(setup["api_id"], "live", "/items"), timeout=10).json()
    assert body == {"version": "v2", "canary": "false", "deployment": setup["canary"],
                    "color": "green", "only": "yes"}
    c.update_stage(restApiId=setup["api_id"], stageName="live", patchOperations=[
        {"op": "remove", "path": "/canarySettings"}])
    again = gw.http.get(gw.invoke_url(setup["api_id"], "live", "/items"), timeout=10).json()
    assert again["deployment"] == setup["canary"] and again["canary"] == "false"


SPLIT_REQUESTS = 120


def split(gw: Harness) -> list[bool]:
    """Which of ``SPLIT_REQUESTS`` requests a 25% canary served."""
    setup = canary_stage(gw.client(), 25.0)
    url = gw.invoke_url(setup["api_id"], "live", "/items")
    return [gw.http.get(url, timeout=10).json()["canary"] == "true"
            for _ in range(SPLIT_REQUESTS)]


def assert_plausible(served: list[bool]) -> None:
    # 25% of 120 is 30; a seeded draw lands well inside [15, 45]
    assert 15 <= sum(served) <= 45


def test_seeded_split_in_process_is_deterministic():
    runs = []
    for _ in range(2):
        with mock_apigateway(settings=Settings(seed=7)) as mock:
            runs.append(split(Harness("inprocess", mock=mock)))
    assert runs[0] == runs[1]
    assert_plausible(runs[0])


@pytest.fixture(scope="module")
def seeded_server():
    with ServerProcess(env={"MOCKGW_SEED": "7"}) as process:
        yield process


def test_seeded_split_on_a_server_is_deterministic(seeded_server):
    runs = []
    for _ in range(2):
        seeded_server.reset()  # a reset starts the seeded sequence over
        runs.append(split(Harness("server", server_url=seeded_server.url)))
    assert runs[0] == runs[1]
    assert_plausible(runs[0])

"""``mockgw serve`` as a process: startup, admin endpoints, logs, clean shutdown."""

from __future__ import annotations

import signal

import boto3
import requests

from mockgw.testing import ServerProcess


def test_health_and_reset(server):
    health = requests.get(f"{server.url}/_mockgw/health", timeout=5)
    assert health.status_code == 200
    assert health.json()["status"] == "running"
    client = boto3.client("apigateway", endpoint_url=server.url, region_name="us-east-1",
                          aws_access_key_id="a", aws_secret_access_key="b")
    client.create_rest_api(name="before-reset")
    assert requests.post(f"{server.url}/_mockgw/reset", timeout=5).json() == {"reset": True}
    assert client.get_rest_apis()["items"] == []


def test_unknown_admin_endpoint_is_json_404(server):
    response = requests.get(f"{server.url}/_mockgw/nothing", timeout=5)
    assert response.status_code == 404
    assert "message" in response.json()


def test_sigterm_stops_cleanly_and_requests_are_logged():
    with ServerProcess() as process:
        requests.get(f"{process.url}/restapis", timeout=5)
        code = process.stop(signal.SIGTERM)
    assert code == 0
    lines = list(process.output)
    assert any("GET /restapis 200" in line for line in lines), lines
    assert lines[-1] == "mockgw stopped"


def test_sigint_stops_cleanly():
    with ServerProcess() as process:
        assert process.stop(signal.SIGINT) == 0

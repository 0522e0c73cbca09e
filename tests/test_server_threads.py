"""``mockgw serve`` answers requests that never wait on its own thread and the others on a
pool (``mockgw/blocking.py``): a request waiting on its backend holds up no other, and one
handed to the pool is answered and counted once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
import requests

from mockgw.blocking import WouldBlock
from mockgw.protocol.wire import WireRequest
from mockgw.testing import ServerProcess
from tests.backend import Reply
from tests.conftest import NO_RETRIES
from tests.helpers import mock_api


@pytest.fixture
def client(server: ServerProcess) -> Any:
    server.reset()
    return boto3.client("apigateway", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="a", aws_secret_access_key="b", config=NO_RETRIES)


def proxy_api(client: Any, uri: str, *, api_key: bool = False) -> str:
    """A REST API whose ``GET /`` is an HTTP_PROXY integration to ``uri``, on stage dev."""
    api = client.create_rest_api(name="proxied")
    client.put_method(restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="GET",
                      authorizationType="NONE", apiKeyRequired=api_key)
    client.put_integration(restApiId=api["id"], resourceId=api["rootResourceId"],
                           httpMethod="GET", type="HTTP_PROXY", integrationHttpMethod="GET",
                           uri=uri)
    client.create_deployment(restApiId=api["id"], stageName="dev")
    return api["id"]


def seen_paths(backend: Any, count: int, within: float = 10.0) -> list[str]:
    """The paths the backend has been asked for, once it has had ``count`` requests."""
    deadline = time.monotonic() + within
    while len(backend.seen) < count:
        assert time.monotonic() < deadline, f"the backend saw {len(backend.seen)} requests"
        time.sleep(0.01)  # polling the backend's record, not waiting for a server
    return [seen.path for seen in backend.seen]


def test_requests_waiting_on_a_backend_hold_up_no_other(server, client, backend):
    hold = threading.Event()
    backend.replies["/slow"] = Reply(body=b'{"slow": true}', hold=hold)
    slow = f"{server.url}/restapis/{proxy_api(client, backend.url + '/slow')}/dev/_user_request_/"
    fast = mock_api(client, path="fast")
    client.create_deployment(restApiId=fast["api_id"], stageName="dev")
    with ThreadPoolExecutor(2) as pool:
        pending = [pool.submit(requests.get, slow, timeout=30) for _ in range(2)]
        assert seen_paths(backend, 2) == ["/slow", "/slow"]  # both wait at once
        answer = requests.get(
            f"{server.url}/restapis/{fast['api_id']}/dev/_user_request_/fast", timeout=10)
        assert (answer.status_code, answer.json()) == (200, {"ok": True})
        assert client.get_rest_api(restApiId=fast["api_id"])["name"] == "api"
        assert not any(future.done() for future in pending)
        hold.set()
        for future in pending:
            slow_answer = future.result()
            assert (slow_answer.status_code, slow_answer.json()) == (200, {"slow": True})


def test_a_request_answered_on_the_pool_is_counted_once(server, client, backend):
    api_id = proxy_api(client, backend.url + "/counted", api_key=True)
    plan = client.create_usage_plan(name="two", apiStages=[{"apiId": api_id, "stage": "dev"}],
                                    quota={"limit": 2, "period": "DAY"})
    key = client.create_api_key(name="k", enabled=True)
    client.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    url = f"{server.url}/restapis/{api_id}/dev/_user_request_/"
    statuses = [requests.get(url, headers={"x-api-key": key["value"]}, timeout=10)
                for _ in range(3)]
    assert [answer.status_code for answer in statuses] == [200, 200, 429]
    assert statuses[2].json() == {"message": "Limit Exceeded"}
    assert seen_paths(backend, 2) == ["/counted", "/counted"]
    usage = client.get_usage(usagePlanId=plan["id"], keyId=key["id"],
                             startDate="2000-01-01", endDate="2100-01-01")
    assert sum(used for used, _remaining in usage["items"][key["id"]]) == 2


def test_a_canary_stage_rolls_once_per_request(server, client):
    ids = mock_api(client, path="pets", body='{"deployment": "base"}')
    client.create_deployment(restApiId=ids["api_id"], stageName="dev")
    where = {"restApiId": ids["api_id"], "resourceId": ids["resource_id"],
             "httpMethod": "GET", "statusCode": "200"}
    client.update_integration_response(**where, patchOperations=[
        {"op": "replace", "path": "/responseTemplates/application~1json",
         "value": '{"deployment": "canary"}'}])
    client.create_deployment(restApiId=ids["api_id"], stageName="dev",
                             canarySettings={"percentTraffic": 100.0})
    answer = requests.get(f"{server.url}/restapis/{ids['api_id']}/dev/_user_request_/pets",
                          timeout=10)
    assert (answer.status_code, answer.json()) == (200, {"deployment": "canary"})


def test_what_may_wait_says_so_before_it_changes_anything():
    from mockgw import create_app
    from mockgw.app import front_of

    app = create_app()
    front = front_of(app)
    try:
        def request(method: str, path: str, **headers: str) -> WireRequest:
            headers.setdefault("host", "localhost")
            return WireRequest(method, path, {}, headers, header_items=list(headers.items()))

        created = front.handle(request("POST", "/restapis"), inline=True)
        assert created.status == 400  # answered on the spot: a name is missing
        for waits in (request("GET", "/_mockgw/health"),  # admin endpoints
                      request("GET", "/2015-03-31/functions/"),  # Lambda's API
                      request("POST", "/", **{"x-amz-target": "AmazonSQS.ListQueues"})):
            with pytest.raises(WouldBlock):
                front.handle(waits, inline=True)
        assert front.handle(request("GET", "/_mockgw/health")).status == 200
    finally:
        front.instance.close()

"""A long in-process mock keeps nothing per ``requests`` call it answers: ``responses``,
which builds the answers, records every call (request and response), and mockgw's own
interception forgets them (a test session making thousands of calls would otherwise keep
every response, and the garbage collector would walk them all again and again)."""

from __future__ import annotations

import gc

import boto3
import requests

from mockgw import mock_apigateway
from tests.conftest import NO_RETRIES
from tests.helpers import mock_api


def _responses_alive() -> int:
    gc.collect()
    return sum(isinstance(o, requests.Response) for o in gc.get_objects())


def test_answered_calls_are_not_kept():
    with mock_apigateway():
        client = boto3.client("apigateway", region_name="us-east-1", config=NO_RETRIES)
        api_id = mock_api(client)["api_id"]
        client.create_deployment(restApiId=api_id, stageName="dev")
        url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/dev/items"
        session = requests.Session()
        assert session.get(url).json() == {"ok": True}
        before = _responses_alive()
        for _ in range(50):
            answer = session.get(url)
            assert answer.status_code == 200
        del answer
        assert _responses_alive() <= before

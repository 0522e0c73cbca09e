"""``mock_apigateway`` as decorator, class decorator, context manager and fixture."""

from __future__ import annotations

import threading
import unittest

import boto3
import pytest
import requests
import responses
from botocore.exceptions import ClientError

from mockgw import mock_apigateway
from mockgw.mock import active_application


def _names() -> list[str]:
    client = boto3.client("apigateway", region_name="eu-west-1")
    return [a["name"] for a in client.get_rest_apis()["items"]]


@mock_apigateway
def test_bare_decorator():
    boto3.client("apigateway", region_name="eu-west-1").create_rest_api(name="one")
    assert _names() == ["one"]


@mock_apigateway()
def test_decorator_with_parentheses():
    assert _names() == []  # fresh state on every entry


def test_context_manager_gives_fresh_state_each_time():
    with mock_apigateway() as gw:
        boto3.client("apigateway", region_name="eu-west-1").create_rest_api(name="a")
        assert _names() == ["a"]
        assert gw.instance.backends.find("123456789012", "eu-west-1") is not None
    with mock_apigateway():
        assert _names() == []
    assert active_application() is None


def test_nested_mocks_have_their_own_state():
    with mock_apigateway():
        boto3.client("apigateway", region_name="eu-west-1").create_rest_api(name="outer")
        with mock_apigateway():
            assert _names() == []
        assert _names() == ["outer"]


def test_client_created_before_entry_is_answered():
    client = boto3.client("apigateway", region_name="ap-south-1",
                          aws_access_key_id="k", aws_secret_access_key="s")
    with mock_apigateway():
        created = client.create_rest_api(name="early")
        assert client.get_rest_api(restApiId=created["id"])["name"] == "early"


def test_fixture(mockgw, apigateway_client):
    apigateway_client.create_rest_api(name="from-fixture")
    assert [a["name"] for a in apigateway_client.get_rest_apis()["items"]] == ["from-fixture"]
    assert mockgw.instance.backends.find("123456789012", "us-east-1") is not None


@mock_apigateway
class TestClassDecorator:
    def test_one(self):
        boto3.client("apigateway", region_name="eu-west-1").create_rest_api(name="c1")
        assert _names() == ["c1"]

    def test_two(self):
        assert _names() == []


@mock_apigateway
class TestUnittestCase(unittest.TestCase):
    def setUp(self):
        self.client = boto3.client("apigateway", region_name="eu-west-1")
        self.api = self.client.create_rest_api(name="from-setup")

    def test_sees_setup_state(self):
        got = self.client.get_rest_api(restApiId=self.api["id"])
        self.assertEqual(got["name"], "from-setup")


def test_mock_is_usable_from_threads():
    with mock_apigateway():
        client = boto3.client("apigateway", region_name="eu-west-1")
        errors: list[BaseException] = []

        def work(i: int) -> None:
            try:
                client.create_rest_api(name=f"t{i}")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(_names()) == sorted(f"t{i}" for i in range(8))


def test_other_services_pass_through_to_moto():
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_apigateway():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="kept-by-moto")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept-by-moto"]
        client = boto3.client("apigateway", region_name="us-east-1")
        client.create_rest_api(name="kept-by-mockgw", tags={"_custom_id_": "mine"})
        # mockgw answered, not moto: the custom id convention is ours
        assert client.get_rest_api(restApiId="mine")["name"] == "kept-by-mockgw"


def test_requests_to_execute_api_hosts_reach_the_data_plane():
    with mock_apigateway():
        response = requests.get("https://abc123.execute-api.us-east-1.amazonaws.com/dev/x",
                                timeout=5)
        assert response.status_code != 200 or response.text  # answered in-process
        assert response.headers.get("Content-Type", "").startswith("application/json")


def test_other_requests_pass_through():
    with responses.RequestsMock() as outer:
        outer.add(responses.GET, "http://example.invalid/ping", body="pong")
        with mock_apigateway():
            assert requests.get("http://example.invalid/ping", timeout=5).text == "pong"


def test_errors_keep_their_codes_in_process():
    with mock_apigateway():
        client = boto3.client("apigateway", region_name="us-east-1")
        with pytest.raises(client.exceptions.NotFoundException):
            client.get_rest_api(restApiId="missing")
        with pytest.raises(ClientError):
            client.create_resource(restApiId="missing", parentId="x", pathPart="y")


def test_requests_imported_after_entry_is_intercepted():
    """mockgw waits for ``requests`` to be imported before intercepting it (no import cost
    for processes that never use it); a late import is still answered in-process."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from mockgw import mock_apigateway\n"
        "with mock_apigateway():\n"
        "    assert 'requests' not in sys.modules\n"
        "    import requests\n"
        "    r = requests.get('https://abc1234567.execute-api.us-east-1.amazonaws.com/dev/x')\n"
        "    print(r.status_code, r.json())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "403 {'message': 'Forbidden'}"

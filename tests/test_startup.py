"""``mockgw serve --openapi FILE --stage NAME``: files checked at once, APIs deployed at start."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import boto3
import pytest
import requests
import yaml

from mockgw import control, startup
from mockgw.mock import mock_apigateway
from mockgw.operations import Call, Operation
from mockgw.startup import StartupError, read_definition, read_definitions

PETS_YAML = """\
openapi: 3.0.1
info: {title: pets, version: "1"}
paths:
  /pets:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200"}}
"""


@pytest.fixture
def pets(tmp_path):
    path = tmp_path / "pets.yaml"
    path.write_text(PETS_YAML)
    return str(path)


def test_a_definition_is_read_and_checked(pets):
    definition = read_definition(pets, "dev")
    assert (definition.title, definition.stage, definition.body) == (
        "pets", "dev", PETS_YAML.encode())


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "is not valid JSON: "),
    ("a: [b", "is not valid YAML: "),
    ("- a list", "is not an OpenAPI document: it is not a JSON or YAML object"),
    ('{"info": {"title": "x"}}',
     "is not an OpenAPI document: it has neither a 'swagger' nor an 'openapi' key"),
    ("swagger: '1.2'\ninfo: {title: x}", "swagger 1.2 is not supported (API Gateway reads 2.0)"),
    ("openapi: 3.1.0\ninfo: {title: x}",
     "openapi 3.1.0 is not supported (API Gateway reads 3.0.x)"),
    ("swagger: '2.0'\ninfo: {version: '1'}", "info.title (the API's name) is missing"),
])
def test_a_file_that_is_no_openapi_document_is_refused(tmp_path, text, message):
    path = tmp_path / "api.txt"
    path.write_text(text)
    with pytest.raises(StartupError) as caught:
        read_definition(str(path), "dev")
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_files_and_stages_pair_up(pets, tmp_path):
    other = tmp_path / "orders.json"
    other.write_text(json.dumps({"swagger": "2.0", "info": {"title": "orders"}}))
    assert [(d.title, d.stage) for d in read_definitions([pets, str(other)], ["v1"])] == [
        ("pets", "v1"), ("orders", "v1")]
    assert [(d.title, d.stage) for d in read_definitions([pets, str(other)], ["a", "b"])] == [
        ("pets", "a"), ("orders", "b")]
    with pytest.raises(StartupError, match=r"give one --stage for every --openapi file, or "
                                           r"one for all \(2 files, 3 stages\)"):
        read_definitions([pets, str(other)], ["a", "b", "c"])
    with pytest.raises(StartupError, match="--stage needs an --openapi file"):
        read_definitions([], ["a"])
    with pytest.raises(StartupError, match="stage name 'a b' may only contain"):
        read_definitions([pets], ["a b"])
    with pytest.raises(StartupError, match=r"cannot read OpenAPI file /nowhere\.yaml: No such"):
        read_definitions(["/nowhere.yaml"], ["a"])


def test_a_bad_file_stops_the_command_before_it_serves(tmp_path):
    path = tmp_path / "api.json"
    path.write_text("[]")
    done = subprocess.run([sys.executable, "-m", "mockgw", "serve", "--port", "0",
                           "--openapi", str(path), "--stage", "dev"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"error: {path} is not an OpenAPI document" in done.stderr


def _handler(name: str):
    return control.operations()[("apigateway", name)].func


def _fake_import(call: Call, params: dict[str, Any]) -> dict:
    """Stands in for the OpenAPI importer: an API named by the title, with a MOCK GET /."""
    title = yaml.safe_load(params["body"])["info"]["title"]
    if "restApiId" in params:  # PutRestApi: the same definition again changes nothing
        return _handler("GetRestApi")(call, {"restApiId": params["restApiId"]})
    api = _handler("CreateRestApi")(call, {"name": title})
    root = {"restApiId": api["id"], "resourceId": api["rootResourceId"], "httpMethod": "GET"}
    _handler("PutMethod")(call, {**root, "authorizationType": "NONE"})
    _handler("PutIntegration")(call, {**root, "type": "MOCK", "requestTemplates": {
        "application/json": '{"statusCode": 200}'}})
    _handler("PutMethodResponse")(call, {**root, "statusCode": "200"})
    _handler("PutIntegrationResponse")(call, {**root, "statusCode": "200", "responseTemplates": {
        "application/json": f'{{"title": "{title}"}}'}})
    return {**api, "warnings": ["fake importer"]}


@pytest.fixture
def fake_importer(monkeypatch):
    table = control.operations()
    monkeypatch.setitem(table, ("apigateway", "ImportRestApi"),
                        Operation("apigateway", "ImportRestApi", _fake_import))
    monkeypatch.setitem(table, ("apigateway", "PutRestApi"),
                        Operation("apigateway", "PutRestApi", _fake_import))
    return table


def test_deploy_imports_then_deploys_and_reuses_the_api_of_the_same_name(pets, fake_importer):
    with mock_apigateway() as mock:
        definition = read_definition(pets, "dev")
        api_id, _ = startup.deploy(mock.instance, definition)
        answer = requests.get(
            f"https://{api_id}.execute-api.us-east-1.amazonaws.com/dev/", timeout=10)
        assert (answer.status_code, answer.json()) == (200, {"title": "pets"})
        again, _ = startup.deploy(mock.instance, read_definition(pets, "prod"))
        assert again == api_id  # overwritten in place, not imported twice
        client = boto3.client("apigateway", region_name="us-east-1")
        assert [a["id"] for a in client.get_rest_apis()["items"]] == [api_id]
        stages = {s["stageName"] for s in client.get_stages(restApiId=api_id)["item"]}
        assert stages == {"dev", "prod"}


def test_an_api_that_cannot_deploy_stops_the_start(pets, fake_importer, monkeypatch):
    def no_methods(call: Call, params: dict[str, Any]) -> dict:
        return _handler("CreateRestApi")(call, {"name": "empty"})

    monkeypatch.setitem(fake_importer, ("apigateway", "ImportRestApi"),
                        Operation("apigateway", "ImportRestApi", no_methods))
    with mock_apigateway() as mock, pytest.raises(StartupError) as caught:
        startup.deploy(mock.instance, read_definition(pets, "dev"))
    assert str(caught.value) == (f"{pets}: BadRequestException: The REST API doesn't contain "
                                 "any methods")


def test_the_server_comes_up_with_the_api_deployed_and_keeps_its_id(pets, tmp_path):
    from mockgw.testing import ServerProcess

    args = ["--openapi", pets, "--stage", "dev", "--state-dir", str(tmp_path / "state")]
    seen = []
    for _ in range(2):  # the restart finds the API in its state and overwrites it in place
        with ServerProcess(args) as server:
            client = boto3.client("apigateway", endpoint_url=server.url,
                                  region_name="us-east-1", aws_access_key_id="testing",
                                  aws_secret_access_key="testing")
            (api,) = client.get_rest_apis()["items"]
            assert api["name"] == "pets"
            answer = requests.get(
                f"{server.url}/restapis/{api['id']}/dev/_user_request_/pets", timeout=10)
            assert answer.status_code == 200
            seen.append(api["id"])
    assert seen[0] == seen[1]

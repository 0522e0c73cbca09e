"""Inputs that used to give 500s or poison state (issue 14): JSON nested thousands deep,
lone surrogates, damaged state directories.  Each gets AWS's answer or a clear message."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mockgw.protocol.models import service_model
from mockgw.state.persistence import DATABASE
from mockgw.testing import ServerProcess
from tests.guards import Api
from tests.helpers import error_of

DEEP = 5000  # far beyond any JSON parser's nesting limit
TOO_DEEP = "Could not parse request body into json: JSON nested deeper than 1000 levels"


def nested(depth: int, leaf: str = "1") -> str:
    return '{"a":' * depth + leaf + "}" * depth


def body_operations() -> list[tuple[str, str, str]]:
    """``(operation, method, path)`` of every API Gateway operation that takes a JSON body,
    its URI labels filled in."""
    model = service_model("apigateway")
    found = []
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        if shape is None:
            continue
        payload = shape.serialization.get("payload")
        if any(not m.serialization.get("location") and n != payload
               for n, m in shape.members.items()) or (
                payload and shape.members[payload].type_name not in ("blob", "string")):
            http = model.operation_model(name).http
            path = re.sub(r"\{[^}]+\}", "abc", http["requestUri"])
            found.append((name, http["method"], path))
    return found


def test_deeply_nested_bodies_are_a_serialization_error_on_every_operation(gw):
    operations = body_operations()
    assert len(operations) >= 27
    body = '{"name": ' + "[" * DEEP + "]" * DEEP + "}"
    for name, method, path in operations:
        got = gw.raw(method, path, data=body, headers={"Content-Type": "application/json"})
        assert got.status_code == 400, name
        assert got.headers["x-amzn-ErrorType"] == "SerializationException", name
        assert got.json()["message"] == TOO_DEEP, name
    # as deep as AWS reads: the body is read, the member is of the wrong type
    got = gw.raw("POST", "/restapis", data='{"name": ' + "[" * 999 + "]" * 999 + "}")
    assert got.status_code == 400
    assert got.json()["message"] == "Start of list found where not expected"
    assert gw.client().get_rest_apis()["items"] == []


def test_deeply_nested_documents_inside_members_are_refused(gw):
    c = gw.client()
    deep = nested(DEEP)
    with pytest.raises(ClientError) as exc:
        c.create_rest_api(name="deep", policy=deep)
    assert error_of(exc) == ("BadRequestException", "Invalid policy document. Please check "
                             "the policy syntax and ensure that Principals are valid.", 400)
    api_id = c.create_rest_api(name="models")["id"]
    with pytest.raises(ClientError) as exc:
        c.create_model(restApiId=api_id, name="Deep", contentType="application/json",
                       schema=deep)
    assert error_of(exc) == ("BadRequestException", "Invalid model specified: Validation "
                             "Result: warnings : [], errors : [Invalid model schema "
                             "specified]", 400)
    for document in (deep, "a: " + "[" * DEEP + "]" * DEEP):
        with pytest.raises(ClientError) as exc:
            c.import_rest_api(body=document)
        assert error_of(exc) == ("BadRequestException",
                                 "Unable to build importer with provided input.", 400)
    assert [a["name"] for a in c.get_rest_apis()["items"]] == ["models"]


def test_request_validation_of_deeply_nested_bodies(gw):
    c = gw.client()
    api = Api(gw, c)
    c.create_model(restApiId=api.id, name="Thing", contentType="application/json",
                   schema=json.dumps({"type": "object", "required": ["a"]}))
    validator = c.create_request_validator(restApiId=api.id, name="body",
                                           validateRequestBody=True)["id"]
    api.mock("/things", "POST", requestValidatorId=validator,
             requestModels={"application/json": "Thing"})
    api.deploy()
    headers = {"Content-Type": "application/json"}
    served = gw.http.post(api.url("/things"), data=nested(1000), headers=headers, timeout=30)
    assert (served.status_code, served.json()) == (200, {"ok": True})
    refused = gw.http.post(api.url("/things"), data=nested(DEEP), headers=headers, timeout=30)
    assert (refused.status_code, refused.json()) == (400, {"message": "Invalid request body"})
    assert refused.headers["x-amzn-ErrorType"] == "BadRequestException"


def test_mock_passthrough_of_deeply_nested_bodies(gw):
    c = gw.client()
    api = Api(gw, c)
    res = api.resource("/echo")
    c.put_method(restApiId=api.id, resourceId=res, httpMethod="POST", authorizationType="NONE")
    c.put_integration(restApiId=api.id, resourceId=res, httpMethod="POST", type="MOCK")
    for status in ("200", "201"):
        c.put_method_response(restApiId=api.id, resourceId=res, httpMethod="POST",
                              statusCode=status)
    c.put_integration_response(restApiId=api.id, resourceId=res, httpMethod="POST",
                               statusCode="200", responseTemplates={
                                   "application/json": '{"ok": true}'})
    c.put_integration_response(restApiId=api.id, resourceId=res, httpMethod="POST",
                               statusCode="201", selectionPattern="201",
                               responseTemplates={"application/json": '{"created": true}'})
    api.deploy()
    headers = {"Content-Type": "application/json"}
    deep_status = '{"statusCode": 201, "deep": ' + "[" * 998 + "]" * 998 + "}"
    got = gw.http.post(api.url("/echo"), data=deep_status, headers=headers, timeout=30)
    assert (got.status_code, got.json()) == (201, {"created": True})
    got = gw.http.post(api.url("/echo"), data=nested(DEEP), headers=headers, timeout=30)
    assert (got.status_code, got.json()) == (200, {"ok": True})


SURROGATE_NAME = "key-\ud800-\udfff"
CLEANED_NAME = "key-\ufffd-\ufffd"


def test_lone_surrogates_are_replaced_at_the_door(gw):
    c = gw.client()
    key = c.create_api_key(name=SURROGATE_NAME, tags={"t\udc00": "v\ud800"})
    assert key["name"] == CLEANED_NAME and key["tags"] == {"t\ufffd": "v\ufffd"}
    c.create_rest_api(name=SURROGATE_NAME, description="\ud83d")
    assert [k["name"] for k in c.get_api_keys()["items"]] == [CLEANED_NAME]
    apis = c.get_rest_apis()["items"]
    assert [(a["name"], a["description"]) for a in apis] == [(CLEANED_NAME, "\ufffd")]
    raw = gw.raw("POST", "/apikeys", data=b'{"name": "raw-\xed\xa0\x80"}')  # UTF-8 of U+D800
    assert raw.status_code == 201 and raw.json()["name"] == "raw-\ufffd"


def client_of(url: str):
    return boto3.client("apigateway", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}))


def test_lone_surrogates_never_reach_durable_state(tmp_path):
    state_dir = tmp_path / "state"
    with ServerProcess(["--state-dir", str(state_dir)]) as server:
        client_of(server.url).create_api_key(name=SURROGATE_NAME)
    # a journal row an older mockgw wrote, with the surrogate in it
    with sqlite3.connect(state_dir / DATABASE) as db:
        db.execute("INSERT INTO journal (account, region, service, operation, request_id, "
                   "params, generated) VALUES ('123456789012', 'us-east-1', 'apigateway', "
                   "'CreateRestApi', 'old', ?, ?)",
                   (json.dumps({"name": "old-\ud800"}), json.dumps(["abcdefghij", 1, "r"])))
    for _ in range(2):  # and again after the restart's own snapshot
        with ServerProcess(["--state-dir", str(state_dir)]) as server:
            c = client_of(server.url)
            assert [k["name"] for k in c.get_api_keys()["items"]] == [CLEANED_NAME]
            assert [a["name"] for a in c.get_rest_apis()["items"]] == ["old-\ufffd"]


def serve(state_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockgw", "serve", "--port", "0",
                           "--state-dir", str(state_dir)],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def saved_state(tmp_path_factory) -> Path:
    """A state directory a clean stop left: one snapshot, no journal rows."""
    state_dir = tmp_path_factory.mktemp("saved") / "state"
    with ServerProcess(["--state-dir", str(state_dir)]) as server:
        client_of(server.url).create_rest_api(name="kept")
    return state_dir


def damaged_copy(saved: Path, tmp_path: Path, damage) -> Path:
    copy = tmp_path / "state"
    shutil.copytree(saved, copy)
    damage(copy / DATABASE)
    return copy


def bad_snapshot(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE snapshots SET tables = '{\"apigateway.restapis\": {'")


def truncated(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(100)


def damaged_page(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xff" * 4096)


@pytest.mark.parametrize("damage, why", [
    (bad_snapshot, "the snapshot of 123456789012/us-east-1 is not valid JSON: "),
    (truncated, "database disk image is malformed"),
    (damaged_page, "database disk image is malformed"),
])
def test_a_damaged_state_directory_stops_the_server_with_one_line(saved_state, tmp_path,
                                                                  damage, why):
    state_dir = damaged_copy(saved_state, tmp_path, damage)
    done = serve(state_dir)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"mockgw: state file {state_dir / DATABASE} is damaged ({why}")
    assert lines[0].endswith("); move the state directory away (or delete it) to start "
                             "with empty state")


def test_one_bad_journal_row_does_not_stop_a_start(saved_state, tmp_path):
    def bad_rows(path: Path) -> None:
        with sqlite3.connect(path) as db:
            for params, generated in (('{"name": ', "[]"), ('{"name": "k"}', "[")):
                db.execute("INSERT INTO journal (account, region, service, operation, "
                           "request_id, params, generated) VALUES ('123456789012', "
                           "'us-east-1', 'apigateway', 'CreateApiKey', 'bad', ?, ?)",
                           (params, generated))

    state_dir = damaged_copy(saved_state, tmp_path, bad_rows)
    with ServerProcess(["--state-dir", str(state_dir)]) as server:
        c = client_of(server.url)
        assert [a["name"] for a in c.get_rest_apis()["items"]] == ["kept"]
        skipped = [line for line in server.output if "skipping journal row" in line]
        assert len(skipped) == 2 and str(state_dir / DATABASE) in skipped[0]
        c.create_api_key(name="after")  # the server works on
        assert [k["name"] for k in c.get_api_keys()["items"]] == ["after"]

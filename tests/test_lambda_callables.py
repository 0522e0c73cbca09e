"""Plain Python callables registered as Lambda functions (in-process only: a callable cannot
cross into a server process)."""

from __future__ import annotations

import base64
import json
import threading
from decimal import Decimal

import boto3
import pytest
from botocore.exceptions import ClientError

from mockgw import mock_apigateway
from mockgw.lambda_ import register_function
from tests.lambda_support import ACCOUNT, ARN, REGION, answer, error_of


@pytest.fixture
def mock():
    with mock_apigateway() as active:
        yield active


@pytest.fixture
def client(mock):
    return boto3.client("lambda", region_name=REGION)


def greet(event, context):
    print("greeting", event["name"])
    return {"greeting": f"hello {event['name']}", "version": context.function_version,
            "arn": context.invoked_function_arn, "request_id": context.aws_request_id,
            "memory": context.memory_limit_in_mb,
            "remaining": context.get_remaining_time_in_millis()}


def test_registered_callable_is_a_function(mock, client):
    config = mock.register_function("greeter", greet, timeout=10, memory_size=256,
                                    description="says hello")
    assert config["FunctionArn"] == f"{ARN}:greeter"
    assert config["Handler"] == f"{__name__}.greet"
    got = client.get_function_configuration(FunctionName="greeter")
    assert (got["Runtime"], got["Timeout"], got["MemorySize"], got["Description"]) == (
        "python3.12", 10, 256, "says hello")
    assert got["Role"] == f"arn:aws:iam::{ACCOUNT}:role/mockgw-callable"
    result = client.invoke(FunctionName="greeter", Payload=json.dumps({"name": "Ada"}),
                           LogType="Tail")
    doc = answer(result)
    assert doc["greeting"] == "hello Ada"
    assert (doc["version"], doc["arn"], doc["memory"]) == ("$LATEST", f"{ARN}:greeter", "256")
    assert doc["request_id"] == result["ResponseMetadata"]["RequestId"]
    assert 9_000 < doc["remaining"] <= 10_000
    log = base64.b64decode(result["LogResult"]).decode()
    assert log.startswith(f"START RequestId: {doc['request_id']} Version: $LATEST\n"
                          "greeting Ada\nEND RequestId: ")


def test_callables_work_with_versions_and_aliases(mock, client):
    mock.register_function("versioned", greet)
    client.publish_version(FunctionName="versioned")
    client.create_alias(FunctionName="versioned", Name="live", FunctionVersion="1")
    result = client.invoke(FunctionName="versioned:live", Payload=b'{"name": "Bo"}')
    assert result["ExecutedVersion"] == "1"
    assert answer(result)["arn"] == f"{ARN}:versioned:live"


def test_callable_errors_and_timeouts(mock, client):
    release = threading.Event()

    def fails(event, context):
        raise RuntimeError("no luck")

    def hangs(event, context):
        release.wait(30)

    mock.register_function("fails", fails)
    mock.register_function("hangs", hangs, timeout=1)
    failed = client.invoke(FunctionName="fails")
    assert failed["FunctionError"] == "Unhandled"
    doc = answer(failed)
    assert (doc["errorType"], doc["errorMessage"]) == ("RuntimeError", "no luck")
    assert doc["stackTrace"][0].endswith('in fails\n    raise RuntimeError("no luck")\n')
    try:
        timed_out = client.invoke(FunctionName="hangs")
    finally:
        release.set()
    request_id = timed_out["ResponseMetadata"]["RequestId"]
    assert timed_out["FunctionError"] == "Unhandled"
    assert answer(timed_out) == {"errorType": "Sandbox.Timedout", "errorMessage": (
        f"RequestId: {request_id} Error: Task timed out after 1.00 seconds")}


def test_callables_reach_the_mock_in_process(mock, client):
    def lists_apis(event, context):
        return [api["name"] for api in boto3.client("apigateway").get_rest_apis()["items"]]

    boto3.client("apigateway", region_name=REGION).create_rest_api(name="pets")
    mock.register_function("lister", lists_apis)
    assert answer(client.invoke(FunctionName="lister")) == ["pets"]


def test_register_function_api(mock, client):
    config = register_function(mock.instance, "plain", greet, region="eu-west-1")
    assert config["FunctionArn"] == f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:plain"
    west = boto3.client("lambda", region_name="eu-west-1")
    assert answer(west.invoke(FunctionName="plain", Payload=b'{"name": "Cy"}'))[
        "greeting"] == "hello Cy"
    with pytest.raises(ClientError) as exc:
        client.get_function(FunctionName="plain")
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(Exception) as conflict:
        register_function(mock.instance, "plain", greet, region="eu-west-1")
    assert str(conflict.value) == "Function already exist: plain"
    with pytest.raises(Exception) as invalid:
        register_function(mock.instance, "bad", greet, timeout=0)
    assert str(invalid.value) == ("1 validation error detected: Value '0' at 'timeout' failed "
                                  "to satisfy constraint: Member must have value greater than "
                                  "or equal to 1")
    with pytest.raises(Exception) as invalid:
        register_function(mock.instance, "long", greet, timeout=901)
    assert str(invalid.value) == ("1 validation error detected: Value '901' at 'timeout' failed "
                                  "to satisfy constraint: Member must have value less than or "
                                  "equal to 900")
    with pytest.raises(Exception) as invalid:
        register_function(mock.instance, "large", greet, memory_size=10241)
    assert str(invalid.value) == ("1 validation error detected: Value '10241' at 'memorySize' "
                                  "failed to satisfy constraint: Member must have value less "
                                  "than or equal to 10240")


@pytest.mark.parametrize("runtime, text", [
    ("python3.12", "\u00a3 caf\u00e9"), ("python3.11", "\\u00a3 caf\\u00e9")])
def test_callable_answers_are_written_as_their_runtime_writes_them(mock, client, runtime,
                                                                   text):
    mock.register_function("priced", lambda event, context: {
        "price": Decimal("1.10"), "text": "\u00a3 caf\u00e9", "bytes": b"raw"}, runtime=runtime)
    mock.register_function("raw", lambda event, context: b"\x00\xff", runtime=runtime)
    assert client.invoke(FunctionName="priced")["Payload"].read() == (
        f'{{"price": 1.10, "text": "{text}", "bytes": "raw"}}').encode()
    assert client.invoke(FunctionName="raw")["Payload"].read() == b"\x00\xff"


def test_callables_log_as_their_logging_config_says(mock, client):
    def noisy(event, context):
        print("printed")
        print('{"level": "WARN", "message": "printed warning"}')
        raise RuntimeError("caf\u00e9")

    mock.register_function("noisy", noisy)
    text = base64.b64decode(client.invoke(FunctionName="noisy", LogType="Tail")["LogResult"])
    lines = text.decode().splitlines()
    assert lines[1:4] == ["printed", '{"level": "WARN", "message": "printed warning"}',
                          "[ERROR] RuntimeError: caf\u00e9"]
    raised_at = noisy.__code__.co_firstlineno + 3
    assert lines[4:7] == ["Traceback (most recent call last):",
                          f'\u00a0\u00a0File "{__file__}", line {raised_at}, in noisy',
                          '\u00a0\u00a0\u00a0\u00a0raise RuntimeError("caf\\u00e9")']
    client.update_function_configuration(FunctionName="noisy", LoggingConfig={
        "LogFormat": "JSON", "ApplicationLogLevel": "WARN"})
    result = client.invoke(FunctionName="noisy", LogType="Tail")
    request_id = result["ResponseMetadata"]["RequestId"]
    lines = base64.b64decode(result["LogResult"]).decode().splitlines()
    assert [json.loads(line).get("type") for line in lines] == [
        "platform.start", None, None, "platform.report"]
    assert lines[1] == '{"level": "WARN", "message": "printed warning"}'
    error = json.loads(lines[2])
    assert error == {"timestamp": error["timestamp"], "level": "ERROR",
                     "errorMessage": "caf\u00e9", "errorType": "RuntimeError",
                     "requestId": request_id, "stackTrace": error["stackTrace"]}
    assert lines[2] == json.dumps(error, ensure_ascii=False)  # as python3.12 writes it
    assert json.loads(lines[3])["record"]["status"] == "success"

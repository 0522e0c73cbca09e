"""AWS service integrations (Kinesis, SQS, Step Functions, DynamoDB, S3) against a moto
server, in-process and through ``mockgw serve``; and in-process under moto's ``mock_aws``."""

from __future__ import annotations

import base64
import json
import logging
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from mockgw.mock import mock_apigateway
from mockgw.testing import ServerProcess
from tests.conftest import NO_RETRIES, Harness, harnesses
from tests.services_support import apigateway_role

ACCOUNT = "123456789012"
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
_RUNNING_ON = re.compile(r"Running on (http://\S+)")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """One moto server for the whole session (``python -m moto.server -p 0``)."""
    process = subprocess.Popen([sys.executable, "-u", "-m", "moto.server", "-p", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    found: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            match = _RUNNING_ON.search(line)
            if match and not found:
                found.append(match.group(1))
                ready.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        assert ready.wait(30), "moto server did not start"
        url = found[0]
        deadline = time.monotonic() + 30
        while True:  # poll until it answers
            try:
                requests.get(f"{url}/moto-api/", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "moto server does not answer"
                time.sleep(0.02)  # the polling interval
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def aws_server(moto_url: str) -> Iterator[ServerProcess]:
    """A ``mockgw serve`` whose environment points AWS integrations at the moto server."""
    with ServerProcess(env={**CREDENTIALS, "AWS_ENDPOINT_URL": moto_url}) as process:
        yield process


@pytest.fixture(params=["inprocess", "server"])
def gw(request: pytest.FixtureRequest, moto_url: str,
       monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    yield from harnesses(request, "aws_server")


def aws(service: str) -> Any:
    """A client of the AWS service (moto, through the endpoint variables)."""
    return boto3.client(service, region_name=REGION, config=NO_RETRIES)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def aws_api(c: Any, *, uri: str, method: str = "POST", integration_method: str = "POST",
            path: str = "items", integration: dict | None = None,
            responses: dict[str, dict] | None = None,
            method_kwargs: dict | None = None) -> str:
    """A deployed API (stage ``dev``) whose ``{method} /{path}`` is an AWS integration."""
    api = c.create_rest_api(name="aws")
    parent = api["rootResourceId"]
    for part in path.split("/"):
        parent = c.create_resource(restApiId=api["id"], parentId=parent, pathPart=part)["id"]
    c.put_method(restApiId=api["id"], resourceId=parent, httpMethod=method,
                 authorizationType="NONE", **(method_kwargs or {}))
    c.put_integration(restApiId=api["id"], resourceId=parent, httpMethod=method, type="AWS",
                      integrationHttpMethod=integration_method, uri=uri,
                      credentials=f"arn:aws:iam::{ACCOUNT}:role/apigateway",
                      **(integration or {}))
    for status, response in (responses or {"200": {"selectionPattern": ""}}).items():
        c.put_method_response(restApiId=api["id"], resourceId=parent, httpMethod=method,
                              statusCode=status)
        c.put_integration_response(restApiId=api["id"], resourceId=parent, httpMethod=method,
                                   statusCode=status, **response)
    c.create_deployment(restApiId=api["id"], stageName="dev")
    return api["id"]


# -- the five services --------------------------------------------------------------------

def kinesis_api(c: Any, stream: str) -> str:
    template = json.dumps({"StreamName": stream, "Data": "$util.base64Encode($input.body)",
                           "PartitionKey": "$input.path('$.key')"})
    return aws_api(c, uri=f"arn:aws:apigateway:{REGION}:kinesis:action/PutRecord",
                   integration={"requestTemplates": {"application/json": template}})


def test_kinesis_put_record_from_a_mapping_template(gw):
    kinesis = aws("kinesis")
    stream = unique("stream")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    api_id = kinesis_api(gw.client(), stream)
    payload = json.dumps({"key": "k1", "reading": 42})
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items"), data=payload,
                            headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["ShardId"] == "shardId-000000000000"
    shard = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [(r["Data"], r["PartitionKey"], r["SequenceNumber"]) for r in records] == [
        (payload.encode(), "k1", answer["SequenceNumber"])]


def test_sqs_send_message_through_a_queue_path(gw):
    sqs = aws("sqs")
    queue = unique("queue")
    queue_url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    api_id = aws_api(gw.client(), uri=f"arn:aws:apigateway:{REGION}:sqs:path/{ACCOUNT}/{queue}",
                     integration={
                         "requestParameters": {"integration.request.header.Content-Type":
                                               "'application/x-www-form-urlencoded'"},
                         "requestTemplates": {"application/json":
                                              "Action=SendMessage&MessageBody="
                                              "$util.urlEncode($input.body)"},
                         "passthroughBehavior": "NEVER"},
                     responses={"200": {"selectionPattern": "",
                                        "responseTemplates": {"application/json":
                                                              '{"queued": true}'}}})
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items"),
                            data='{"order": "a & b = c"}', timeout=10)
    assert response.status_code == 200, response.text
    assert response.json() == {"queued": True}
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ['{"order": "a & b = c"}']


def test_sqs_send_message_action_with_mapped_query_strings(gw):
    sqs = aws("sqs")
    queue_url = sqs.create_queue(QueueName=unique("queue"))["QueueUrl"]
    api_id = aws_api(gw.client(), uri=f"arn:aws:apigateway:{REGION}:sqs:action/SendMessage",
                     method_kwargs={"requestParameters": {"method.request.querystring.text":
                                                          True}},
                     integration={"requestParameters": {
                         "integration.request.querystring.QueueUrl": f"'{queue_url}'",
                         "integration.request.querystring.MessageBody":
                             "method.request.querystring.text"}})
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items?text=hello%20there"),
                            timeout=10)
    assert response.status_code == 200, response.text
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ["hello there"]


def state_machine(name: str) -> str:
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    return aws("stepfunctions").create_state_machine(
        name=name, definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn")["stateMachineArn"]


def test_step_functions_start_execution(gw):
    machine = state_machine(unique("machine"))
    template = ('{"input": "$util.escapeJavaScript($input.json(\'$\'))", '
                f'"stateMachineArn": "{machine}"}}')
    api_id = aws_api(gw.client(), uri=f"arn:aws:apigateway:{REGION}:states:action/StartExecution",
                     integration={"requestTemplates": {"application/json": template}})
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items"), data='{"order": 7}',
                            timeout=10)
    assert response.status_code == 200, response.text
    execution_arn = response.json()["executionArn"]
    assert execution_arn.startswith(machine.replace(":stateMachine:", ":execution:") + ":")
    execution = aws("stepfunctions").describe_execution(executionArn=execution_arn)
    assert json.loads(execution["input"]) == {"order": 7}


#: The integration response for DynamoDB's errors (status 4xx): the error's ``__type``.
DYNAMODB_ERROR = {"selectionPattern": "4\\d{2}",
                  "responseTemplates": {"application/json":
                                        '{"error": "$input.path(\'$.__type\')"}'}}


def test_dynamodb_get_item_with_a_response_template(gw):
    dynamodb = aws("dynamodb")
    table = unique("table")
    dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    dynamodb.put_item(TableName=table, Item={"id": {"S": "42"}, "name": {"S": "Ada"}})
    template = json.dumps({"TableName": table, "Key": {"id": {"S": "$input.params('id')"}}})
    output = ("#set($item = $input.path('$.Item'))\n"
              '{"id": "$item.id.S", "name": "$item.name.S"}')
    api_id = aws_api(gw.client(), uri=f"arn:aws:apigateway:{REGION}:dynamodb:action/GetItem",
                     method="GET", path="users/{id}",
                     integration={"requestTemplates": {"application/json": template}},
                     responses={"200": {"selectionPattern": "",
                                        "responseTemplates": {"application/json": output}},
                                "400": DYNAMODB_ERROR})
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/users/42"), timeout=10)
    assert response.status_code == 200, response.text
    assert response.json() == {"id": "42", "name": "Ada"}


def test_dynamodb_error_is_selected_by_status(gw):
    template = json.dumps({"TableName": "no-such-table", "Key": {"id": {"S": "1"}}})
    api_id = aws_api(gw.client(), uri=f"arn:aws:apigateway:{REGION}:dynamodb:action/GetItem",
                     integration={"requestTemplates": {"application/json": template}},
                     responses={"200": {"selectionPattern": ""},
                                "400": DYNAMODB_ERROR})
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.status_code == 400
    assert response.json()["error"].endswith("ResourceNotFoundException")


def s3_api(c: Any, bucket: str) -> str:
    return aws_api(c, uri=f"arn:aws:apigateway:{REGION}:s3:path/{bucket}/{{key}}",
                   method="GET", integration_method="GET", path="files/{name}",
                   integration={"requestParameters": {
                       "integration.request.path.key": "method.request.path.name"}},
                   method_kwargs={"requestParameters": {"method.request.path.name": True}},
                   responses={"200": {"selectionPattern": ""},
                              "404": {"selectionPattern": "404",
                                      "responseTemplates": {"application/json":
                                                            '{"missing": true}'}}})


def test_s3_path_get_object(gw):
    s3 = aws("s3")
    bucket = unique("bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="report.txt", Body=b"quarterly numbers")
    api_id = s3_api(gw.client(), bucket)
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/files/report.txt"), timeout=10)
    assert response.status_code == 200, response.text
    assert response.content == b"quarterly numbers"
    missing = gw.http.get(gw.invoke_url(api_id, "dev", "/files/nothing.txt"), timeout=10)
    assert missing.status_code == 404
    assert missing.json() == {"missing": True}


def test_s3_path_put_object_with_the_bucket_as_subdomain(gw):
    s3 = aws("s3")
    bucket = unique("bucket")
    s3.create_bucket(Bucket=bucket)
    api_id = aws_api(gw.client(), uri=f"arn:aws:apigateway:{REGION}:{bucket}.s3:path/{{key}}",
                     method="PUT", integration_method="PUT", path="files/{name}",
                     integration={"requestParameters": {
                         "integration.request.path.key": "method.request.path.name"}},
                     method_kwargs={"requestParameters": {"method.request.path.name": True}})
    response = gw.http.put(gw.invoke_url(api_id, "dev", "/files/notes.txt"), data=b"hello s3",
                           headers={"Content-Type": "text/plain"}, timeout=10)
    assert response.status_code == 200, response.text
    stored = s3.get_object(Bucket=bucket, Key="notes.txt")
    assert (stored["Body"].read(), stored["ContentType"]) == (b"hello s3", "text/plain")


# -- in-process only: the request on the wire, endpoints, failures -------------------------

@pytest.fixture
def inprocess(monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_SFN"):
        monkeypatch.delenv(name, raising=False)
    with mock_apigateway() as mock:
        harness = Harness("inprocess", mock=mock)
        yield harness
    assert not harness.checker.problems, "\n".join(harness.checker.problems)


def test_json_protocol_action_request_on_the_wire(inprocess, backend, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_KINESIS", backend.url)
    api_id = kinesis_api(inprocess.client(), "orders")
    response = inprocess.http.post(inprocess.invoke_url(api_id, "dev", "/items"),
                                   data='{"key": "k"}', timeout=10)
    assert response.status_code == 200
    seen = backend.seen[-1]
    assert (seen.method, seen.path) == ("POST", "/?Action=PutRecord")
    assert seen.headers["X-Amz-Target"] == "Kinesis_20131202.PutRecord"
    assert seen.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert seen.headers["Accept"] == "application/json"
    assert seen.headers["User-Agent"] == f"AmazonAPIGateway_{api_id}"
    assert seen.headers["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert "X-Amzn-Apigateway-Api-Id" not in seen.headers
    assert re.fullmatch(r"AWS4-HMAC-SHA256 Credential=testing/\d{8}/us-east-1/kinesis/"
                        r"aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}",
                        seen.headers["Authorization"])
    assert json.loads(seen.body) == {"StreamName": "orders", "PartitionKey": "k",
                                     "Data": base64.b64encode(b'{"key": "k"}').decode()}


def test_query_protocol_action_request_on_the_wire(inprocess, backend, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", backend.url)
    topic = f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts"
    api_id = aws_api(inprocess.client(),
                     uri="arn:aws:apigateway:eu-west-1:sns:action/Publish&Subject={subject}",
                     integration={"requestParameters": {
                         "integration.request.path.subject": "'Alert'",
                         "integration.request.querystring.TopicArn": f"'{topic}'",
                         "integration.request.querystring.Message": "'disk full'"}})
    response = inprocess.http.post(inprocess.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.status_code == 200
    seen = backend.seen[-1]
    assert seen.path == ("/?Action=Publish&Version=2010-03-31&Subject=Alert&TopicArn=arn%3Aaws"
                         f"%3Asns%3Aeu-west-1%3A{ACCOUNT}%3Aalerts&Message=disk%20full")
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "X-Amz-Target" not in seen.headers
    assert "/eu-west-1/sns/aws4_request" in seen.headers["Authorization"]


def test_service_endpoint_variable_wins_over_the_global_one(inprocess, moto_url, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"  # nothing listens there
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SFN", moto_url)  # botocore's name: Step Functions is SFN
    machine = boto3.client("stepfunctions", region_name=REGION, endpoint_url=moto_url,
                           config=NO_RETRIES).create_state_machine(
        name=unique("machine"), roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn",
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    )["stateMachineArn"]
    api_id = aws_api(inprocess.client(),
                     uri=f"arn:aws:apigateway:{REGION}:states:action/StartExecution",
                     integration={"requestTemplates": {"application/json":
                                                       f'{{"stateMachineArn": "{machine}"}}'}})
    response = inprocess.http.post(inprocess.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.status_code == 200, response.text
    assert ":execution:" in response.json()["executionArn"]


def test_unreachable_service_is_a_500_naming_the_variable(inprocess, monkeypatch, caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_KINESIS", closed)
    api_id = kinesis_api(inprocess.client(), "orders")
    with caplog.at_level(logging.WARNING, logger="mockgw.execute"):
        response = inprocess.http.post(inprocess.invoke_url(api_id, "dev", "/items"),
                                       data="{}", timeout=10)
    assert response.status_code == 500
    assert response.content == b'{"message": "Internal server error"}'
    assert response.headers["x-amzn-ErrorType"] == "InternalServerErrorException"
    [record] = [r for r in caplog.records if r.name == "mockgw.execute"]
    assert "could not reach Kinesis" in record.getMessage()
    assert "Set AWS_ENDPOINT_URL_KINESIS (or AWS_ENDPOINT_URL)" in record.getMessage()


def test_under_moto_mock_aws_without_endpoint_variables(monkeypatch):
    from moto import mock_aws

    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KINESIS"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws(), mock_apigateway():
        apigateway_role(boto3.client("iam", region_name=REGION), "apigateway")
        kinesis = boto3.client("kinesis", region_name=REGION)
        kinesis.create_stream(StreamName="in-process", ShardCount=1)
        api_id = kinesis_api(boto3.client("apigateway", region_name=REGION), "in-process")
        response = requests.post(
            f"https://{api_id}.execute-api.{REGION}.amazonaws.com/dev/items",
            data='{"key": "moto"}', timeout=10)
        assert response.status_code == 200, response.text
        iterator = kinesis.get_shard_iterator(StreamName="in-process",
                                              ShardId="shardId-000000000000",
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = kinesis.get_records(ShardIterator=iterator)["Records"]
        assert [r["Data"] for r in records] == [b'{"key": "moto"}']

"""AWS service integrations of HTTP APIs (``IntegrationSubtype``) against a moto server,
in-process and through ``mockgw serve``: SQS, Kinesis, Step Functions, EventBridge."""

from __future__ import annotations

import json

import pytest

from tests.http_api_support import HttpApi, expect_message
from tests.test_aws_integrations import (  # noqa: F401  (fixtures: a moto server, gw)
    ACCOUNT,
    aws,
    aws_server,
    gw,
    moto_url,
    state_machine,
    unique,
)

ROLE = f"arn:aws:iam::{ACCOUNT}:role/apigateway"


def service_api(gw, routes: dict[str, tuple[str, dict[str, str]]]) -> HttpApi:  # noqa: F811
    """An API whose route keys each call a subtype with request parameters."""
    api = HttpApi(gw)
    for key, (subtype, parameters) in routes.items():
        integration = api.integration(IntegrationType="AWS_PROXY", IntegrationSubtype=subtype,
                                      PayloadFormatVersion="1.0", CredentialsArn=ROLE,
                                      RequestParameters=parameters)
        api.route(key, integration)
    api.stage()
    return api


def test_sqs_send_receive_delete_and_purge(gw):  # noqa: F811
    sqs = aws("sqs")
    queue_url = sqs.create_queue(QueueName=unique("queue"))["QueueUrl"]
    api = service_api(gw, {
        "POST /send": ("SQS-SendMessage", {"QueueUrl": queue_url,
                                           "MessageBody": "$request.body.message",
                                           "DelaySeconds": "$request.querystring.delay"}),
        "GET /receive": ("SQS-ReceiveMessage", {"QueueUrl": queue_url,
                                                "MaxNumberOfMessages": "5",
                                                "VisibilityTimeout": "0"}),
        "DELETE /message": ("SQS-DeleteMessage", {"QueueUrl": queue_url,
                                                  "ReceiptHandle": "$request.header.x-handle"}),
        "POST /purge": ("SQS-PurgeQueue", {"QueueUrl": queue_url}),
    })
    sent = api.call("POST", "/send", json={"message": "order #7"})
    assert sent.status_code == 200, sent.text
    message_id = sent.json()["MessageId"]
    received = api.call("GET", "/receive")
    assert received.status_code == 200, received.text
    messages = received.json()["Messages"]
    assert [(m["MessageId"], m["Body"]) for m in messages] == [(message_id, "order #7")]
    deleted = api.call("DELETE", "/message", headers={"x-handle": messages[0]["ReceiptHandle"]})
    assert deleted.status_code == 200, deleted.text
    assert sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=0).get("Messages") is None
    sqs.send_message(QueueUrl=queue_url, MessageBody="left over")
    assert api.call("POST", "/purge").status_code == 200
    assert sqs.receive_message(QueueUrl=queue_url).get("Messages") is None
    expect_message(api.call("POST", "/send?delay=soon", json={"message": "x"}), 400,
                   "Bad Request")


def test_kinesis_put_record(gw):  # noqa: F811
    kinesis = aws("kinesis")
    stream = unique("stream")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    api = service_api(gw, {"POST /readings": ("Kinesis-PutRecord", {
        "StreamName": stream, "Data": "$request.body", "PartitionKey": "$request.body.sensor"})})
    payload = json.dumps({"sensor": "s1", "value": 42})
    answer = api.call("POST", "/readings", data=payload,
                      headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["ShardId"] == "shardId-000000000000"
    shard = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [(r["Data"], r["PartitionKey"]) for r in records] == [(payload.encode(), "s1")]


def test_step_functions_start_and_stop_executions(gw):  # noqa: F811
    machine = state_machine(unique("machine"))
    api = service_api(gw, {
        "POST /orders": ("StepFunctions-StartExecution", {
            "StateMachineArn": machine, "Input": "$request.body",
            "Name": "order-${request.body.order}-${context.requestTimeEpoch}"}),
        "DELETE /executions": ("StepFunctions-StopExecution", {
            "ExecutionArn": "$request.querystring.arn", "Cause": "cancelled by API"}),
    })
    answer = api.call("POST", "/orders", data='{"order": 7}')
    assert answer.status_code == 200, answer.text
    execution_arn = answer.json()["executionArn"]
    execution = aws("stepfunctions").describe_execution(executionArn=execution_arn)
    assert json.loads(execution["input"]) == {"order": 7}
    assert execution["name"].startswith("order-7-")
    stopped = api.call("DELETE", "/executions", params={"arn": execution_arn})
    assert stopped.status_code == 200, stopped.text
    assert "stopDate" in stopped.json()


def test_eventbridge_put_events(gw):  # noqa: F811
    api = service_api(gw, {"POST /events": ("EventBridge-PutEvents", {
        "Detail": "$request.body", "DetailType": "order placed", "Source": "shop.api",
        "Resources": '["arn:aws:shop:::order/7"]'})})
    answer = api.call("POST", "/events", json={"order": 7})
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    assert doc["FailedEntryCount"] == 0
    assert len(doc["Entries"]) == 1 and doc["Entries"][0]["EventId"]


@pytest.mark.parametrize("gw", ["inprocess"], indirect=True)
def test_sync_executions_and_appconfig_reach_their_endpoints_signed(gw, backend,  # noqa: F811
                                                                     monkeypatch):
    """moto implements neither: a local endpoint shows what is sent (no ``sync-`` host
    prefix on an emulator's host, the REST path of AppConfig, SigV4 for the service)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_SFN", backend.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_APPCONFIG", backend.url)
    machine = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:express"
    api = service_api(gw, {
        "POST /sync": ("StepFunctions-StartSyncExecution", {
            "StateMachineArn": machine, "Input": "$request.body"}),
        "GET /config": ("AppConfig-GetConfiguration", {
            "Application": "shop", "Environment": "prod", "Configuration": "flags",
            "ClientId": "$request.querystring.client"}),
    })
    assert api.call("POST", "/sync", data='{"n": 1}').status_code == 200
    sync = backend.seen[-1]
    assert (sync.method, sync.path) == ("POST", "/")
    assert sync.headers["X-Amz-Target"] == "AWSStepFunctions.StartSyncExecution"
    assert json.loads(sync.body) == {"stateMachineArn": machine, "input": '{"n": 1}'}
    assert "/us-east-1/states/aws4_request" in sync.headers["Authorization"]
    assert api.call("GET", "/config?client=c1").status_code == 200
    config = backend.seen[-1]
    assert (config.method, config.path) == (
        "GET", "/applications/shop/environments/prod/configurations/flags?client_id=c1")
    assert "/us-east-1/appconfig/aws4_request" in config.headers["Authorization"]

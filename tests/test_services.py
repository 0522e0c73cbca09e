"""One endpoint for the whole stack: the AWS services mockgw does not implement itself,
answered by moto's backends — on ``mockgw serve``'s port, and in-process under
``mock_apigateway`` with moto's ``mock_aws`` (entered first, or inside).  Accounts follow
the access key everywhere; AWS integrations reach the services with no endpoint variable,
as their ``credentials`` role's account."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from mockgw.mock import mock_apigateway
from mockgw.testing import ServerProcess
from tests.conftest import NO_RETRIES, Harness
from tests.http_api_support import HttpApi
from tests.lambda_support import needs_node
from tests.services_support import apigateway_role

REGION = "us-east-1"
ACCOUNT = "123456789012"
OTHER = "111111111111"
MODES = ["server", "moto-first", "moto-inside"]


class Stack(Harness):
    """A harness whose clients of any AWS service reach the same endpoint."""

    def aws(self, service: str, *, access_key: str = "testing",
            region: str = REGION) -> Any:
        """A client of another AWS service (no shape checks: moto's answers are moto's)."""
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint_url,
                            aws_access_key_id=access_key, aws_secret_access_key="testing",
                            config=NO_RETRIES)


def _without_endpoint_variables(environ: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in environ.items() if not k.startswith("AWS_ENDPOINT_URL")}


@pytest.fixture(scope="session")
def stack_server() -> Iterator[ServerProcess]:
    """``mockgw serve`` with no AWS endpoint variable: other services are its own."""
    process = ServerProcess()
    process.env = _without_endpoint_variables(process.env)
    with process:
        yield process


@pytest.fixture(params=MODES)
def stack(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    for name in os.environ:
        if name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    if request.param == "server":
        process = request.getfixturevalue("stack_server")
        process.reset()
        harness = Stack("server", server_url=process.url)
        yield harness
    else:
        from moto import mock_aws

        gateway = mock_apigateway()
        outer, inner = ((mock_aws(), gateway) if request.param == "moto-first"
                        else (gateway, mock_aws()))
        with outer, inner:
            harness = Stack("inprocess", mock=gateway)
            yield harness
    assert not harness.checker.problems, "\n".join(harness.checker.problems)


@pytest.fixture
def served(stack_server: ServerProcess) -> Stack:
    stack_server.reset()
    return Stack("server", server_url=stack_server.url)


# -- accounts ---------------------------------------------------------------------------------

def test_iam_roles_and_caller_identity_follow_the_access_key(stack):
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    mine = stack.aws("iam", access_key=OTHER)
    role = mine.create_role(RoleName="worker", AssumeRolePolicyDocument=trust)["Role"]
    assert role["Arn"] == f"arn:aws:iam::{OTHER}:role/worker"
    identity = stack.aws("sts", access_key=OTHER).get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == (OTHER, f"arn:aws:sts::{OTHER}:user/moto")
    assert stack.aws("sts").get_caller_identity()["Account"] == ACCOUNT
    assert [r["RoleName"] for r in mine.list_roles()["Roles"]] == ["worker"]
    assert stack.aws("iam").list_roles()["Roles"] == []  # another account's roles

    # keys STS issues name the role's account, at mockgw's own services too
    assumed = stack.aws("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    keys = assumed["Credentials"]
    session = {"region_name": REGION, "endpoint_url": stack.endpoint_url,
               "aws_access_key_id": keys["AccessKeyId"],
               "aws_secret_access_key": keys["SecretAccessKey"],
               "aws_session_token": keys["SessionToken"]}
    identity = boto3.client("sts", **session).get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == (
        OTHER, f"arn:aws:sts::{OTHER}:assumed-role/worker/s1")
    api = boto3.client("apigateway", **session).create_rest_api(name="as-the-role")
    assert [a["id"] for a in stack.client(access_key=OTHER).get_rest_apis()["items"]] == [
        api["id"]]
    assert stack.client().get_rest_apis()["items"] == []


# -- AWS integrations with no endpoint variable -------------------------------------------------

def rest_aws_api(c: Any, *, uri: str, credentials: str, template: str | None = None,
                 integration: dict | None = None, path: str = "items") -> str:
    """A deployed REST API (stage ``dev``) whose ``POST /{path}`` is an AWS integration."""
    api = c.create_rest_api(name="aws")
    res = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                            pathPart=path)["id"]
    c.put_method(restApiId=api["id"], resourceId=res, httpMethod="POST",
                 authorizationType="NONE")
    more = dict(integration or {})
    if template is not None:
        more["requestTemplates"] = {"application/json": template}
    c.put_integration(restApiId=api["id"], resourceId=res, httpMethod="POST", type="AWS",
                      integrationHttpMethod="POST", uri=uri, credentials=credentials, **more)
    c.put_method_response(restApiId=api["id"], resourceId=res, httpMethod="POST",
                          statusCode="200")
    c.put_integration_response(restApiId=api["id"], resourceId=res, httpMethod="POST",
                               statusCode="200", selectionPattern="")
    c.create_deployment(restApiId=api["id"], stageName="dev")
    return api["id"]


def kinesis_template(stream: str) -> str:
    return json.dumps({"StreamName": stream, "Data": "$util.base64Encode($input.body)",
                       "PartitionKey": "$input.path('$.user')"})


def records(kinesis: Any, stream: str) -> list[dict]:
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return kinesis.get_records(ShardIterator=iterator)["Records"]


def test_kinesis_put_record_from_a_rest_api(stack):
    role = apigateway_role(stack.aws("iam"), "apigateway-kinesis")
    kinesis = stack.aws("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    api_id = rest_aws_api(stack.client(), credentials=role, template=kinesis_template("clicks"),
                          uri=f"arn:aws:apigateway:{REGION}:kinesis:action/PutRecord")
    response = stack.http.post(stack.invoke_url(api_id, "dev", "/items"),
                               json={"user": "ada", "page": "/home"}, timeout=30)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["ShardId"] == "shardId-000000000000"
    [record] = records(kinesis, "clicks")
    assert (record["PartitionKey"], record["SequenceNumber"]) == ("ada",
                                                                  answer["SequenceNumber"])
    assert json.loads(record["Data"]) == {"user": "ada", "page": "/home"}


def test_sqs_send_message_through_a_queue_path(stack):
    role = apigateway_role(stack.aws("iam"), "apigateway-sqs")
    sqs = stack.aws("sqs")
    queue_url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    api_id = rest_aws_api(
        stack.client(), credentials=role, uri=f"arn:aws:apigateway:{REGION}:sqs:path/"
                                              f"{ACCOUNT}/orders",
        template="Action=SendMessage&MessageBody=$util.urlEncode($input.body)",
        integration={"requestParameters": {"integration.request.header.Content-Type":
                                           "'application/x-www-form-urlencoded'"},
                     "passthroughBehavior": "NEVER"})
    response = stack.http.post(stack.invoke_url(api_id, "dev", "/items"),
                               data='{"order": "a & b"}',
                               headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    assert "MessageId" in response.text
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ['{"order": "a & b"}']


def state_machine(stack: Stack, name: str) -> str:
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    return stack.aws("stepfunctions").create_state_machine(
        name=name, definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn")["stateMachineArn"]


def test_step_functions_start_execution(stack):
    role = apigateway_role(stack.aws("iam"), "apigateway-sfn")
    machine = state_machine(stack, "orders")
    template = ('{"input": "$util.escapeJavaScript($input.json(\'$\'))", '
                f'"stateMachineArn": "{machine}"}}')
    api_id = rest_aws_api(stack.client(), credentials=role, template=template,
                          uri=f"arn:aws:apigateway:{REGION}:states:action/StartExecution")
    response = stack.http.post(stack.invoke_url(api_id, "dev", "/items"), data='{"order": 7}',
                               headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    execution = response.json()["executionArn"]
    assert execution.startswith(f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders:")
    described = stack.aws("stepfunctions").describe_execution(executionArn=execution)
    assert json.loads(described["input"]) == {"order": 7}


def test_http_api_service_integrations(stack):
    role = apigateway_role(stack.aws("iam"), "apigateway-v2")
    sqs, kinesis = stack.aws("sqs"), stack.aws("kinesis")
    queue_url = sqs.create_queue(QueueName="v2-orders")["QueueUrl"]
    kinesis.create_stream(StreamName="v2-clicks", ShardCount=1)
    machine = state_machine(stack, "v2-machine")
    api = HttpApi(stack)
    api.route("POST /queue", api.integration(
        IntegrationType="AWS_PROXY", IntegrationSubtype="SQS-SendMessage",
        CredentialsArn=role, PayloadFormatVersion="1.0",
        RequestParameters={"QueueUrl": queue_url, "MessageBody": "$request.body.message"}))
    api.route("POST /stream", api.integration(
        IntegrationType="AWS_PROXY", IntegrationSubtype="Kinesis-PutRecord",
        CredentialsArn=role, PayloadFormatVersion="1.0",
        RequestParameters={"StreamName": "v2-clicks", "Data": "$request.body",
                           "PartitionKey": "$request.body.user"}))
    api.route("POST /machine", api.integration(
        IntegrationType="AWS_PROXY", IntegrationSubtype="StepFunctions-StartExecution",
        CredentialsArn=role, PayloadFormatVersion="1.0",
        RequestParameters={"StateMachineArn": machine, "Input": "$request.body"}))
    api.stage()

    sent = api.call("POST", "/queue", json={"message": "hello"})
    assert sent.status_code == 200, sent.text
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ["hello"]
    assert sent.json()["MessageId"] == messages[0]["MessageId"]

    put = api.call("POST", "/stream", json={"user": "ada"})
    assert put.status_code == 200, put.text
    [record] = records(kinesis, "v2-clicks")
    assert (record["PartitionKey"], json.loads(record["Data"])) == ("ada", {"user": "ada"})

    started = api.call("POST", "/machine", json={"order": 8})
    assert started.status_code == 200, started.text
    described = stack.aws("stepfunctions").describe_execution(
        executionArn=started.json()["executionArn"])
    assert json.loads(described["input"]) == {"order": 8}


def test_calls_are_made_in_the_roles_account(stack):
    role = apigateway_role(stack.aws("iam", access_key=OTHER), "cross-account")
    theirs, ours = stack.aws("kinesis", access_key=OTHER), stack.aws("kinesis")
    for kinesis in (theirs, ours):
        kinesis.create_stream(StreamName="shared-name", ShardCount=1)
    api_id = rest_aws_api(stack.client(), credentials=role,
                          template=kinesis_template("shared-name"),
                          uri=f"arn:aws:apigateway:{REGION}:kinesis:action/PutRecord")
    response = stack.http.post(stack.invoke_url(api_id, "dev", "/items"),
                               json={"user": "bob"}, timeout=30)
    assert response.status_code == 200, response.text
    assert [r["PartitionKey"] for r in records(theirs, "shared-name")] == ["bob"]
    assert records(ours, "shared-name") == []


ROLE_REFUSED = ("Execution failed due to configuration error: API Gateway does not have "
                "permission to assume the provided role {}")


@pytest.mark.parametrize("problem", ["missing", "untrusted"])
def test_a_role_api_gateway_cannot_assume(stack, problem, caplog):
    iam = stack.aws("iam")
    role = f"arn:aws:iam::{ACCOUNT}:role/nobody"
    if problem == "untrusted":  # exists, but only Lambda may assume it
        role = apigateway_role(iam, "lambda-only", trust={
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]})
    kinesis = stack.aws("kinesis")
    kinesis.create_stream(StreamName="guarded", ShardCount=1)
    api_id = rest_aws_api(stack.client(), credentials=role, template=kinesis_template("guarded"),
                          uri=f"arn:aws:apigateway:{REGION}:kinesis:action/PutRecord")
    api = HttpApi(stack)
    api.route("POST /stream", api.integration(
        IntegrationType="AWS_PROXY", IntegrationSubtype="Kinesis-PutRecord",
        CredentialsArn=role, PayloadFormatVersion="1.0",
        RequestParameters={"StreamName": "guarded", "Data": "$request.body",
                           "PartitionKey": "k"}))
    api.stage()
    with caplog.at_level(logging.WARNING, logger="mockgw.execute"):
        rest = stack.http.post(stack.invoke_url(api_id, "dev", "/items"), json={"user": "x"},
                               timeout=30)
        v2 = api.call("POST", "/stream", json={"user": "x"})
    assert (rest.status_code, rest.json()) == (500, {"message": "Internal server error"})
    assert rest.headers["x-amzn-ErrorType"] == "InternalServerErrorException"
    assert (v2.status_code, v2.json()) == (500, {"message": "Internal Server Error"})
    assert records(kinesis, "guarded") == []
    if stack.mode == "inprocess":
        logged = [r.getMessage() for r in caplog.records if r.name == "mockgw.execute"]
        assert len(logged) == 2
        assert all(line.startswith(f"API {i}: " + ROLE_REFUSED.format(role))
                   for line, i in zip(logged, [api_id, api.id], strict=True))


def test_a_lambda_function_reaches_the_services_through_the_same_endpoint(served):
    """Functions get ``AWS_ENDPOINT_URL`` = the server (in-process, functions run in worker
    processes that ``mock_aws`` cannot reach)."""
    from tests.lambda_support import create

    sqs = served.aws("sqs")
    queue_url = sqs.create_queue(QueueName="from-lambda")["QueueUrl"]
    create(served.client("lambda"), "sender", f"""
        import boto3

        def handler(event, context):
            sqs = boto3.client("sqs")
            return sqs.send_message(QueueUrl="{queue_url}", MessageBody=event["text"])["MessageId"]
    """)
    answer = served.client("lambda").invoke(FunctionName="sender",
                                            Payload=json.dumps({"text": "from lambda"}))
    message_id = json.loads(answer["Payload"].read())
    [message] = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert (message["MessageId"], message["Body"]) == (message_id, "from lambda")


# -- Lambda beside the other services ---------------------------------------------------------

@needs_node
def test_a_nodejs_function_behind_rest_and_http_apis_and_as_a_function_url(stack):
    from tests.http_api_support import function_arn
    from tests.lambda_support import create_node
    from tests.test_dataplane_lambda import function_uri, lambda_api
    from tests.test_lambda_urls import public_url

    role = apigateway_role(stack.aws("iam"), "lambda-role", trust={
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole"}]})
    c = stack.client("lambda")
    create_node(c, "greeter", {"index.mjs": """
        export const handler = async (event) => ({
          statusCode: 200, headers: { "content-type": "application/json" },
          body: JSON.stringify({ path: event.rawPath ?? event.path,
                                 version: event.version ?? "rest" }),
        });
    """}, Role=role)
    assert c.get_function(FunctionName="greeter")["Configuration"]["Role"] == role
    rest_id, _ = lambda_api(stack.client(), function_uri("greeter"))
    answer = stack.http.get(stack.invoke_url(rest_id, "dev", "/hi"), timeout=30)
    assert (answer.status_code, answer.json()) == (200, {"path": "/hi", "version": "rest"})

    url = public_url(c, "greeter")  # a resource policy: API Gateway needs its own grant
    c.add_permission(FunctionName="greeter", StatementId="apigateway",
                     Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com")
    api = HttpApi(stack)
    api.route("GET /{proxy+}", api.function(function_arn("greeter")))
    api.route("GET /url/{proxy+}", api.http(f"{url}{{proxy}}"))
    api.stage()
    answer = api.call("GET", "/hello")
    assert (answer.status_code, answer.json()) == (200, {"path": "/hello", "version": "2.0"})
    answer = api.call("GET", "/url/there")  # HTTP_PROXY to the function's URL
    assert (answer.status_code, answer.json()) == (200, {"path": "/there", "version": "2.0"})


# -- the server's port ------------------------------------------------------------------------

def test_reset_clears_every_service(served):
    served.aws("iam").create_role(RoleName="kept", AssumeRolePolicyDocument="{}")
    served.aws("sqs").create_queue(QueueName="kept")
    served.aws("s3").create_bucket(Bucket="kept-bucket")
    served.aws("dynamodb").create_table(
        TableName="kept", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    served.client().create_rest_api(name="kept")
    assert requests.post(f"{served.endpoint_url}/_mockgw/reset", timeout=30).json() == {
        "reset": True}
    assert served.aws("iam").list_roles()["Roles"] == []
    assert "QueueUrls" not in served.aws("sqs").list_queues()
    assert served.aws("s3").list_buckets()["Buckets"] == []
    assert served.aws("dynamodb").list_tables()["TableNames"] == []
    assert served.client().get_rest_apis()["items"] == []


def test_a_seed_makes_moto_ids_repeat_after_reset():
    with ServerProcess(["--seed", "7"]) as seeded:
        sqs = Stack("server", server_url=seeded.url).aws("sqs")
        ids = []
        for _ in range(2):
            queue = sqs.create_queue(QueueName="seeded")["QueueUrl"]
            ids.append(sqs.send_message(QueueUrl=queue, MessageBody="x")["MessageId"])
            assert requests.post(f"{seeded.url}/_mockgw/reset", timeout=30).status_code == 200
    assert ids[0] == ids[1]


def test_health_lists_what_is_served(served, tmp_path):
    health = requests.get(f"{served.endpoint_url}/_mockgw/health", timeout=30).json()
    services = health["services"]
    assert services[:4] == ["apigateway", "apigatewayv2", "apigatewaymanagementapi", "lambda"]
    for name in ("iam", "sts", "kinesis", "sqs", "sns", "dynamodb", "s3", "stepfunctions",
                 "events", "cognitoidp", "logs", "secretsmanager", "ssm"):
        assert name in services
    assert "awslambda" not in services and services.count("apigateway") == 1
    other = health["otherServices"]
    assert (other["enabled"], other["servedBy"], other["persisted"]) == (True, "moto", False)
    from importlib.metadata import version

    assert other["motoVersion"] == version("moto")
    again = requests.get(f"{served.endpoint_url}/_mockgw/health", timeout=30).json()
    assert again["otherServices"]["motoVersion"] == version("moto")  # read once, kept
    assert (health["stateDir"], health["persisted"]) == (None, [])
    with ServerProcess(["--state-dir", str(tmp_path)]) as durable:
        health = requests.get(f"{durable.url}/_mockgw/health", timeout=30).json()
    assert (health["stateDir"], health["persisted"]) == (str(tmp_path), [
        "apigateway", "apigatewayv2", "lambda"])


def test_s3_path_style_virtual_hosts_and_presigned_urls(served):
    s3 = served.aws("s3")
    s3.create_bucket(Bucket="reports")
    s3.put_object(Bucket="reports", Key="q1/sales.txt", Body=b"path style")
    assert s3.get_object(Bucket="reports", Key="q1/sales.txt")["Body"].read() == b"path style"
    head = s3.head_object(Bucket="reports", Key="q1/sales.txt")  # HEAD keeps its length
    assert (head["ContentLength"], head["ETag"]) == (10, '"' + md5(b"path style") + '"')

    # virtual-host style on the same port: the bucket in the Host (signed for s3)
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    port = served.endpoint_url.rsplit(":", 1)[1]
    signed = AWSRequest("PUT", f"http://reports.localhost:{port}/q2/sales.txt",
                        data=b"virtual host")
    S3SigV4Auth(Credentials("testing", "testing"), "s3", REGION).add_auth(signed)
    headers = dict(signed.headers.items())
    headers["Host"] = f"reports.localhost:{port}"
    put = requests.put(f"{served.endpoint_url}/q2/sales.txt", data=b"virtual host",
                       headers=headers, timeout=30)
    assert put.status_code == 200, put.text
    assert s3.get_object(Bucket="reports", Key="q2/sales.txt")["Body"].read() == b"virtual host"

    for version in ("s3v4", "s3"):  # presigned: SigV4 and SigV2 query strings
        from botocore.config import Config

        signer = boto3.client("s3", region_name=REGION, endpoint_url=served.endpoint_url,
                              aws_access_key_id="testing", aws_secret_access_key="testing",
                              config=Config(signature_version=version))
        url = signer.generate_presigned_url("get_object", Params={"Bucket": "reports",
                                                                  "Key": "q1/sales.txt"})
        fetched = requests.get(url, timeout=30)
        assert (fetched.status_code, fetched.content) == (200, b"path style"), url


def test_a_service_moto_does_not_serve_and_unsigned_requests(served):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    signed = AWSRequest("POST", f"{served.endpoint_url}/", data=b"{}",
                        headers={"Content-Type": "application/x-amz-json-1.1",
                                 "X-Amz-Target": "Nothing_20200101.DoIt"})
    SigV4Auth(Credentials("testing", "testing"), "nothing", REGION).add_auth(signed)
    answer = requests.post(signed.url, data=b"{}", headers=dict(signed.headers.items()),
                           timeout=30)
    assert answer.status_code == 501
    assert answer.json() == {"__type": "NotImplemented", "message": (
        "mockgw does not serve the AWS service 'nothing': moto "
        f"{answer_version()} implements no such service")}
    unsigned = requests.get(f"{served.endpoint_url}/nowhere", timeout=30)  # mockgw's own
    assert unsigned.status_code == 404
    assert unsigned.headers["x-amzn-ErrorType"] == "UnknownOperationException"


def md5(data: bytes) -> str:
    import hashlib

    return hashlib.md5(data).hexdigest()


def answer_version() -> str:
    from importlib.metadata import version

    return version("moto")


def test_browser_pages_of_other_origins_are_refused(served):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    signed = AWSRequest("POST", f"{served.endpoint_url}/", data="Action=ListRoles&Version="
                        "2010-05-08", headers={"Content-Type":
                                               "application/x-www-form-urlencoded"})
    SigV4Auth(Credentials("testing", "testing"), "iam", REGION).add_auth(signed)
    for origin, status in (("https://evil.example", 403), ("http://localhost:3000", 200)):
        answer = requests.post(signed.url, data=signed.body,
                               headers={**dict(signed.headers.items()), "Origin": origin},
                               timeout=30)
        assert answer.status_code == status, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_cognito_user_pool_authorizers_find_the_pools_keys(served):
    from tests.authorizer_support import cognito_authorizer, guarded_api
    from tests.test_dataplane_cognito import CLAIMS_TEMPLATE, get, moto_pool

    pool, token = moto_pool(served.aws("cognito-idp"))
    api_id = guarded_api(served, cognito_authorizer(pool), authorization="COGNITO_USER_POOLS",
                         template=CLAIMS_TEMPLATE)[0]
    response = get(served, api_id, token)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "bob"
    assert get(served, api_id, token[:-4] + "AAAA").status_code == 401


def test_unsigned_requests_moto_can_place(served):
    from botocore import UNSIGNED
    from botocore.config import Config

    from tests.test_dataplane_cognito import moto_pool

    cognito = served.aws("cognito-idp")
    pool, _ = moto_pool(cognito)
    client_id = cognito.list_user_pool_clients(UserPoolId=pool)["UserPoolClients"][0][
        "ClientId"]
    anonymous = boto3.client("cognito-idp", region_name=REGION,
                             endpoint_url=served.endpoint_url,
                             config=Config(signature_version=UNSIGNED))
    tokens = anonymous.initiate_auth(  # X-Amz-Target, no Authorization
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Passw0rd!bob"})
    assert tokens["AuthenticationResult"]["IdToken"].count(".") == 2
    keys = requests.get(f"{served.endpoint_url}/{pool}/.well-known/jwks.json", timeout=30)
    assert keys.status_code == 200 and keys.json()["keys"][0]["kty"] == "RSA"
    listed = requests.post(f"{served.endpoint_url}/", data="Action=ListQueues",  # by Host
                           headers={"Host": "sqs.us-east-1.amazonaws.com",
                                    "Content-Type": "application/x-www-form-urlencoded"},
                           timeout=30)
    assert listed.status_code == 200 and "ListQueuesResult" in listed.text


def test_the_off_switch(backend):
    env = {"MOCKGW_OTHER_SERVICES": "0", "AWS_ENDPOINT_URL_KINESIS": backend.url,
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = ServerProcess(env=env)
    process.env = {**_without_endpoint_variables(process.env), **env}
    with process:
        off = Stack("server", server_url=process.url)
        with pytest.raises(ClientError) as refused:
            off.aws("iam").list_roles()
        error = refused.value.response
        assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
            "NotImplemented", 501)
        assert error["Error"]["Message"] == (
            "mockgw does not serve the AWS service 'iam': other AWS services are turned off "
            "(MOCKGW_OTHER_SERVICES=0, or mockgw serve --no-other-services)")
        with pytest.raises(ClientError) as refused:
            off.aws("kinesis").list_streams()
        assert refused.value.response["Error"]["Code"] == "NotImplemented"
        health = requests.get(f"{process.url}/_mockgw/health", timeout=30).json()
        assert health["services"] == ["apigateway", "apigatewayv2", "apigatewaymanagementapi",
                                      "lambda"]
        assert health["otherServices"]["enabled"] is False
        # AWS integrations go to the endpoint variable, as ever (no role is checked)
        api_id = rest_aws_api(off.client(), credentials=f"arn:aws:iam::{ACCOUNT}:role/any",
                              template=kinesis_template("clicks"),
                              uri=f"arn:aws:apigateway:{REGION}:kinesis:action/PutRecord")
        response = off.http.post(off.invoke_url(api_id, "dev", "/items"), json={"user": "a"},
                                 timeout=30)
        assert response.status_code == 200
        seen = backend.seen[-1]
        assert seen.headers["X-Amz-Target"] == "Kinesis_20131202.PutRecord"
        assert "x-moto-account-id" not in {k.lower() for k in seen.headers}


# -- in-process: custom domain names reached with requests -------------------------------------

@pytest.mark.parametrize("moto", ["without", "moto-first", "moto-inside"])
def test_custom_domain_hosts_reach_the_data_plane_in_process(moto):
    from contextlib import ExitStack

    from moto import mock_aws

    from tests.helpers import mock_api

    with ExitStack() as stack:
        if moto == "moto-first":
            stack.enter_context(mock_aws())
        stack.enter_context(mock_apigateway())
        if moto == "moto-inside":
            stack.enter_context(mock_aws())
        rest = boto3.client("apigateway", region_name=REGION)
        ids = mock_api(rest, name="shop", body='{"api": "rest"}')
        rest.create_deployment(restApiId=ids["api_id"], stageName="live")
        rest.create_domain_name(
            domainName="shop.example.com", endpointConfiguration={"types": ["REGIONAL"]},
            regionalCertificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/shop")
        rest.create_base_path_mapping(domainName="shop.example.com", restApiId=ids["api_id"],
                                      stage="live", basePath="v1")
        v2 = boto3.client("apigatewayv2", region_name=REGION)
        api = v2.create_api(Name="orders", ProtocolType="HTTP",
                            Target="https://example.com/unused")
        integration = v2.create_integration(
            ApiId=api["ApiId"], IntegrationType="HTTP_PROXY", IntegrationMethod="GET",
            IntegrationUri=f"https://{ids['api_id']}.execute-api.{REGION}.amazonaws.com/live"
                           "/items", PayloadFormatVersion="1.0")["IntegrationId"]
        v2.create_route(ApiId=api["ApiId"], RouteKey="GET /orders",
                        Target=f"integrations/{integration}")
        v2.create_domain_name(DomainName="orders.example.org", DomainNameConfigurations=[{
            "CertificateArn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/orders",
            "EndpointType": "REGIONAL"}])
        v2.create_api_mapping(DomainName="orders.example.org", ApiId=api["ApiId"],
                              Stage="$default")

        answer = requests.get("https://shop.example.com/v1/items", timeout=30)
        assert (answer.status_code, answer.json()) == (200, {"api": "rest"})
        unmapped = requests.get("https://shop.example.com/v2/items", timeout=30)
        assert (unmapped.status_code, unmapped.json()) == (403, {"message": "Forbidden"})
        answer = requests.get("http://orders.example.org/orders", timeout=30)
        assert (answer.status_code, answer.json()) == (200, {"api": "rest"})
        if moto != "without":  # the other URLs still reach moto
            s3 = boto3.client("s3", region_name=REGION)
            s3.create_bucket(Bucket="beside")
            url = s3.generate_presigned_url("get_object", Params={"Bucket": "beside",
                                                                  "Key": "none"})
            assert requests.get(url, timeout=30).status_code == 404

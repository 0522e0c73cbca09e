"""The compose example's app: an ordinary boto3 program, pointed at mockgw by
``AWS_ENDPOINT_URL`` alone.  On that one endpoint it builds a small serverless stack — an
IAM role, a Node.js function, a Kinesis stream, and a REST API whose ``GET /hello`` runs
the function and ``POST /clicks`` puts the request on the stream as that role — then calls
the API and reads the record back from the stream.

It can run again and again: mockgw keeps the API and the function in its state directory,
while the role and the stream (moto's services) start afresh when mockgw restarts, so
each part is made only when it is missing."""

import io
import json
import os
import urllib.request
import zipfile

import boto3
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
iam, kinesis = boto3.client("iam"), boto3.client("kinesis")  # endpoint, region, keys: env
lambda_, apigateway = boto3.client("lambda"), boto3.client("apigateway")
region = apigateway.meta.region_name

HANDLER = """
export const handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ hello: event.queryStringParameters?.name ?? "world",
                         runtime: process.release.name }),
});
"""


def role(name: str, service: str) -> str:
    """The ARN of IAM role ``name``, which ``service`` may assume."""
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except ClientError:
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": service},
            "Action": "sts:AssumeRole"}]}
        return iam.create_role(RoleName=name,
                               AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def stream() -> None:
    if "clicks" not in kinesis.list_streams()["StreamNames"]:
        kinesis.create_stream(StreamName="clicks", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def function(role_arn: str) -> str:
    try:
        return lambda_.get_function(FunctionName="hello")["Configuration"]["FunctionArn"]
    except ClientError:
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w") as archive:
            archive.writestr("index.mjs", HANDLER)
        return lambda_.create_function(
            FunctionName="hello", Runtime="nodejs20.x", Handler="index.handler",
            Role=role_arn, Code={"ZipFile": package.getvalue()})["FunctionArn"]


def api(function_arn: str, role_arn: str) -> str:
    found = {a["name"]: a["id"] for a in apigateway.get_rest_apis()["items"]}
    if "stack" in found:
        return found["stack"]
    api_id = apigateway.create_rest_api(name="stack")["id"]
    root = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    hello = apigateway.create_resource(restApiId=api_id, parentId=root, pathPart="hello")["id"]
    apigateway.put_method(restApiId=api_id, resourceId=hello, httpMethod="GET",
                          authorizationType="NONE")
    apigateway.put_integration(
        restApiId=api_id, resourceId=hello, httpMethod="GET", type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}"
            "/invocations")
    clicks = apigateway.create_resource(restApiId=api_id, parentId=root,
                                        pathPart="clicks")["id"]
    apigateway.put_method(restApiId=api_id, resourceId=clicks, httpMethod="POST",
                          authorizationType="NONE")
    apigateway.put_integration(
        restApiId=api_id, resourceId=clicks, httpMethod="POST", type="AWS",
        integrationHttpMethod="POST", credentials=role_arn,
        uri=f"arn:aws:apigateway:{region}:kinesis:action/PutRecord",
        requestTemplates={"application/json": json.dumps({
            "StreamName": "clicks", "Data": "$util.base64Encode($input.body)",
            "PartitionKey": "$input.path('$.user')"})})
    apigateway.put_method_response(restApiId=api_id, resourceId=clicks, httpMethod="POST",
                                   statusCode="200")
    apigateway.put_integration_response(restApiId=api_id, resourceId=clicks,
                                        httpMethod="POST", statusCode="200",
                                        selectionPattern="")
    apigateway.create_deployment(restApiId=api_id, stageName="dev")
    return api_id


def call(url: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


stream()
api_id = api(function(role("stack-lambda", "lambda.amazonaws.com")),
             role("stack-apigateway", "apigateway.amazonaws.com"))
base = f"{ENDPOINT}/_aws/execute-api/{api_id}/dev"
hello = call(f"{base}/hello?name=compose")
put = call(f"{base}/clicks", {"user": "ada", "page": "/home"})
shard = kinesis.describe_stream(StreamName="clicks")["StreamDescription"]["Shards"][0]
iterator = kinesis.get_shard_iterator(
    StreamName="clicks", ShardId=shard["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
    StartingSequenceNumber=put["SequenceNumber"])["ShardIterator"]
record = kinesis.get_records(ShardIterator=iterator, Limit=1)["Records"][0]
print(json.dumps({"apiId": api_id, "hello": hello,
                  "click": {"partitionKey": record["PartitionKey"],
                            "data": json.loads(record["Data"])}}))

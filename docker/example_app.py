"""The compose example's app: an ordinary boto3 program, pointed at mockgw by
``AWS_ENDPOINT_URL`` alone.  It deploys a MOCK API and calls it."""

import json
import os
import urllib.request

import boto3

client = boto3.client("apigateway")  # endpoint, region, keys: from the environment
apis = {a["name"]: a["id"] for a in client.get_rest_apis()["items"]}
api_id = apis.get("hello")
if api_id is None:  # mockgw keeps state across restarts, so only the first run builds it
    api = client.create_rest_api(name="hello")
    api_id, root = api["id"], api["rootResourceId"]
    client.put_method(restApiId=api_id, resourceId=root, httpMethod="GET",
                      authorizationType="NONE")
    client.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
    client.put_method_response(restApiId=api_id, resourceId=root, httpMethod="GET",
                               statusCode="200")
    client.put_integration_response(
        restApiId=api_id, resourceId=root, httpMethod="GET", statusCode="200",
        responseTemplates={"application/json": '{"hello": "$context.stage"}'})
    client.create_deployment(restApiId=api_id, stageName="dev")

url = f"{os.environ['AWS_ENDPOINT_URL']}/_aws/execute-api/{api_id}/dev/"
with urllib.request.urlopen(url, timeout=10) as response:
    print(json.dumps({"apiId": api_id, "status": response.status, "body": json.load(response)}))

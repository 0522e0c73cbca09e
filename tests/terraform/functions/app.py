"""The Lambda function the Terraform configurations deploy: a proxy handler (REST
payload 1.0 and HTTP API payload 2.0) that is also a TOKEN authorizer (REST) and a simple
REQUEST authorizer (HTTP APIs) — one function, since the provider creates functions from
local files one at a time, waiting 5 s after each."""

import json
import os


def handler(event, context):
    """Echo what API Gateway sent, so the test can check the event."""
    if event.get("type") == "TOKEN":
        return authorizer(event, context)
    if event.get("type") == "REQUEST" and event.get("version") == "2.0":
        allowed = (event.get("headers") or {}).get("authorization") == "allow"
        return {"isAuthorized": allowed, "context": {"team": "platform"}}
    if event.get("version") == "2.0":
        request = event["requestContext"]["http"]
        seen = {"method": request["method"], "path": event["rawPath"],
                "routeKey": event["routeKey"], "stage": event["requestContext"]["stage"]}
    else:
        seen = {"method": event["httpMethod"], "path": event["path"],
                "resource": event["resource"], "pathParameters": event["pathParameters"],
                "stageVariables": event["stageVariables"],
                "stage": event["requestContext"]["stage"]}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"from": "lambda", "release": os.environ.get("RELEASE"), **seen})}


def authorizer(event, context):
    """Allow the token ``allow``, deny anything else."""
    effect = "Allow" if event.get("authorizationToken") == "allow" else "Deny"
    return {"principalId": "terraform-user",
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect,
                 "Resource": event["methodArn"]}]},
            "context": {"team": "platform"}}

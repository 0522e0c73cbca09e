"""Helpers of the console tests: APIs built with boto3, and reading the console's pages."""

from __future__ import annotations

import html
import re
from typing import Any

import boto3

from tests.conftest import NO_RETRIES

ACCOUNT, REGION = "123456789012", "us-east-1"
BASE = f"/_mockgw/console/{ACCOUNT}/{REGION}"
#: The answer of the pets methods: what the test invocation and the data plane fill in.
ECHO = ('{"stage": "$stageVariables.v", "q": "$input.params(\'q\')", '
        '"who": "$input.params(\'X-Who\')"}')


def client(service: str = "apigateway", *, endpoint_url: str | None = None,
           region: str = REGION, access_key: str = "testing") -> Any:
    return boto3.client(service, region_name=region, endpoint_url=endpoint_url,
                        aws_access_key_id=access_key, aws_secret_access_key="testing",
                        config=NO_RETRIES)


def pets_api(apigw: Any, *, name: str = "pets", canary: float | None = 25.0) -> dict[str, str]:
    """A REST API: ``GET /pets`` (MOCK, echoes stage variable ``v``, query ``q``, header
    ``X-Who``), ``GET /pets/{petId}``; deployed to ``prod`` (``v=one``), then
    a second deployment as the canary (``v=two``) unless ``canary`` is ``None``."""
    api = apigw.create_rest_api(name=name, description="The pet store")
    api_id = api["id"]
    pets = apigw.create_resource(restApiId=api_id, parentId=api["rootResourceId"],
                                 pathPart="pets")["id"]
    pet = apigw.create_resource(restApiId=api_id, parentId=pets, pathPart="{petId}")["id"]
    for resource in (pets, pet):
        apigw.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                         authorizationType="NONE",
                         requestParameters={"method.request.querystring.q": False})
        apigw.put_integration(restApiId=api_id, resourceId=resource, httpMethod="GET",
                              type="MOCK",
                              requestTemplates={"application/json": '{"statusCode": 200}'})
        apigw.put_method_response(restApiId=api_id, resourceId=resource, httpMethod="GET",
                                  statusCode="200",
                                  responseParameters={"method.response.header.X-Stage": False})
        apigw.put_integration_response(
            restApiId=api_id, resourceId=resource, httpMethod="GET", statusCode="200",
            responseTemplates={"application/json": ECHO},
            responseParameters={"method.response.header.X-Stage": "stageVariables.v"})
    first = apigw.create_deployment(restApiId=api_id, stageName="prod", description="first",
                                    variables={"v": "one"})["id"]
    ids = {"api_id": api_id, "pets": pets, "pet": pet, "first": first}
    if canary is not None:
        ids["second"] = apigw.create_deployment(
            restApiId=api_id, stageName="prod", description="second",
            canarySettings={"percentTraffic": canary, "stageVariableOverrides": {"v": "two"}},
        )["id"]
    return ids


_NOTICE = re.compile(r'<div class="notice (ok|error)" role="(?:status|alert)">(.*?)</div>', re.S)


def notice(page: str) -> tuple[str, str] | None:
    """(kind, text) of the notice a page shows after an action."""
    found = _NOTICE.search(page)
    return (found.group(1), html.unescape(found.group(2)).strip()) if found else None


def text(page: str) -> str:
    """A page's visible text, tags dropped and whitespace squeezed (for phrases)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()

"""Lambda behind the gateway: AWS_PROXY events and responses, non-proxy AWS integrations,
versions and aliases per stage, permissions, errors and timeouts."""

from __future__ import annotations

import base64
import json

import pytest

from tests.dataplane_support import header_lines
from tests.lambda_support import ACCOUNT, REGION, create

PROXY_ECHO = """
    import json
    def handler(event, context):
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"event": event, "version": context.function_version})}
"""


def function_uri(name: str) -> str:
    return (f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}/invocations")


def lambda_api(c, uri: str, *, kind: str = "AWS_PROXY", path: str = "{proxy+}",
               method: str = "ANY", integration_method: str = "POST", stage: str = "dev",
               integration: dict | None = None, **api_kwargs) -> tuple[str, str]:
    api = c.create_rest_api(name="lambda", **api_kwargs)
    res = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                            pathPart=path)["id"]
    c.put_method(restApiId=api["id"], resourceId=res, httpMethod=method,
                 authorizationType="NONE")
    c.put_integration(restApiId=api["id"], resourceId=res, httpMethod=method, type=kind,
                      integrationHttpMethod=integration_method, uri=uri, **(integration or {}))
    if stage:
        c.create_deployment(restApiId=api["id"], stageName=stage)
    return api["id"], res


@pytest.fixture
def echo(gw):
    create(gw.client("lambda"), "echo", PROXY_ECHO)
    return gw


def test_proxy_event_fields(echo):
    gw = echo
    api_id, res = lambda_api(gw.client(), function_uri("echo"))
    gw.client().create_deployment(restApiId=api_id, stageName="dev",
                                  variables={"color": "blue"})
    url = gw.invoke_url(api_id, "dev", "/pets/a%2Bb//x/?q=1&q=2&plus=a+b&enc=%2B")
    response = gw.http.post(url, data=b'{"hello": "world"}',
                            headers={"Content-Type": "application/json", "X-Custom": "v",
                                     "tEsT-HEADeR": "t"},
                            timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    doc = response.json()
    event = doc["event"]
    assert doc["version"] == "$LATEST"
    assert event["resource"] == "/{proxy+}"
    assert event["path"] == "/pets/a%2Bb//x/"
    assert event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"proxy": "pets/a%2Bb//x"}
    assert event["queryStringParameters"] == {"q": "2", "plus": "a b", "enc": "+"}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"], "plus": ["a b"],
                                                         "enc": ["+"]}
    assert event["stageVariables"] == {"color": "blue"}
    assert event["body"] == '{"hello": "world"}'
    assert event["isBase64Encoded"] is False
    assert event["headers"]["X-Custom"] == "v"
    assert event["multiValueHeaders"]["X-Custom"] == ["v"]
    assert event["headers"]["tEsT-HEADeR"] == "t"  # the name as sent, on the server too
    assert event["multiValueHeaders"]["tEsT-HEADeR"] == ["t"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert "Content-Length" not in event["headers"]
    context = event["requestContext"]
    assert context["accountId"] == ACCOUNT
    assert context["apiId"] == api_id
    assert context["stage"] == "dev"
    assert context["resourceId"] == res
    assert context["resourcePath"] == "/{proxy+}"
    assert context["httpMethod"] == "POST"
    assert context["path"] == "/dev/pets/a%2Bb//x/"
    assert context["protocol"] == "HTTP/1.1"
    assert context["requestId"] == response.headers["x-amzn-RequestId"]
    assert context["extendedRequestId"] == response.headers["x-amz-apigw-id"]
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == response.request.headers["User-Agent"]
    assert isinstance(context["requestTimeEpoch"], int)
    assert context["deploymentId"] == gw.client().get_stage(
        restApiId=api_id, stageName="dev")["deploymentId"]
    assert "domainName" in context and "requestTime" in context


def test_proxy_event_nulls_when_empty(echo):
    gw = echo
    api_id, _ = lambda_api(gw.client(), function_uri("echo"), path="things")
    event = gw.http.get(gw.invoke_url(api_id, "dev", "/things"), timeout=30).json()["event"]
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["body"] is None


def test_binary_request_body_is_base64_in_the_event(echo):
    gw = echo
    api_id, _ = lambda_api(gw.client(), function_uri("echo"), binaryMediaTypes=["image/*"])
    data = bytes(range(256))
    event = gw.http.post(gw.invoke_url(api_id, "dev", "/img"), data=data,
                         headers={"Content-Type": "image/png"}, timeout=30).json()["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == data


@pytest.mark.parametrize("result, status, body, headers", [
    ({"statusCode": 201, "body": "made", "headers": {"X-A": "1"}}, 201, b"made", {"X-A": "1"}),
    ({"statusCode": "202"}, 202, b"", {"Content-Type": "application/json"}),
    ({}, 200, b"", {}),
    ({"statusCode": 200, "headers": {"X-B": True},
      "multiValueHeaders": {"x-b": ["m1", "m2"]}}, 200, b"", {"x-b": "m1, m2, true"}),
    ({"statusCode": 200, "body": "aGk=", "isBase64Encoded": True}, 200, b"aGk=", {}),
])
def test_proxy_response_mapping(gw, result, status, body, headers):
    gw.client("lambda")
    create(gw.client("lambda"), "shaped", f"""
        def handler(event, context):
            return {result!r}
    """)
    api_id, _ = lambda_api(gw.client(), function_uri("shaped"))
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/x"), timeout=30)
    assert response.status_code == status
    assert response.content == body
    for name, value in headers.items():
        assert response.headers[name] == value


MULTI_VALUE = """
    import uuid
    def handler(event, context):
        return {"statusCode": 200, "body": str(uuid.uuid4()),
                "headers": {"X-Same": "s", "X-Other": "single", "X-Only": "one"},
                "multiValueHeaders": {"Set-Cookie": ["a=1; Path=/", "b=2; Path=/"],
                                      "X-Same": ["s", "m2"], "x-other": ["m1"]}}
"""
MULTI_VALUE_LINES = [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"),
                     ("X-Same", "s"), ("X-Same", "m2"), ("x-other", "m1"),
                     ("x-other", "single"), ("X-Only", "one")]


def test_multi_value_headers_go_out_one_line_per_value(gw):
    create(gw.client("lambda"), "multi", MULTI_VALUE)
    c = gw.client()
    api_id, res = lambda_api(c, function_uri("multi"))
    url = gw.invoke_url(api_id, "dev", "/x")
    # each value its own line; a headers value also in multiValueHeaders is sent once, one
    # that differs comes after the multi values (names as multiValueHeaders spell them)
    assert header_lines(gw, url, "set-cookie", "x-same", "x-other",
                        "x-only") == MULTI_VALUE_LINES
    response = gw.http.get(url, timeout=30)
    assert response.status_code == 200
    assert response.headers["X-Same"] == "s, m2"  # a client joining repeated headers
    assert response.headers["x-other"] == "m1, single"
    assert response.headers["Content-Type"] == "application/json"
    assert gw.http.cookies.get_dict() == {"a": "1", "b": "2"}  # both reach the cookie jar
    tested = c.test_invoke_method(restApiId=api_id, resourceId=res, httpMethod="GET",
                                  pathWithQueryString="/x")
    assert tested["multiValueHeaders"]["Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/"]
    assert tested["headers"]["X-Same"] == "s,m2"


def test_multi_value_headers_survive_the_stage_cache(gw):
    create(gw.client("lambda"), "multi", MULTI_VALUE)
    c = gw.client()
    api_id, _ = lambda_api(c, function_uri("multi"), method="GET")
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
        {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"}])
    url = gw.invoke_url(api_id, "dev", "/x")
    first = gw.http.get(url, timeout=30)
    assert header_lines(gw, url, "set-cookie", "x-same", "x-other",
                        "x-only") == MULTI_VALUE_LINES
    assert gw.http.get(url, timeout=30).text == first.text  # a hit: the function's uuid


def test_binary_proxy_response_is_decoded_when_accepted(gw):
    create(gw.client("lambda"), "png", """
        import base64
        def handler(event, context):
            return {"statusCode": 200, "headers": {"Content-Type": "image/png"},
                    "body": base64.b64encode(b"\\x89PNG").decode(), "isBase64Encoded": True}
    """)
    api_id, _ = lambda_api(gw.client(), function_uri("png"), binaryMediaTypes=["image/png"])
    url = gw.invoke_url(api_id, "dev", "/x")
    assert gw.http.get(url, headers={"Accept": "image/png"}, timeout=30).content == b"\x89PNG"
    assert gw.http.get(url, headers={"Accept": "application/json"},
                       timeout=30).content == base64.b64encode(b"\x89PNG")


@pytest.mark.parametrize("source", [
    "def handler(event, context):\n    raise ValueError('boom')",
    "def handler(event, context):\n    return 'just a string'",
    "def handler(event, context):\n    return {'statusCode': 200, 'unexpected': 1}",
    "def handler(event, context):\n    return {'statusCode': 'abc'}",
    "def handler(event, context):\n    return {'headers': {'a': ['list']}}",
    # AWS: "body" is a string; an execution log shows {"hey": "dude"} refused as malformed
    "def handler(event, context):\n    return {'statusCode': 200, 'body': {'hey': 'dude'}}",
    "def handler(event, context):\n    return {'statusCode': 200, 'body': 42}",
])
def test_malformed_or_failing_function_gives_502(gw, source):
    create(gw.client("lambda"), "bad", source)
    api_id, _ = lambda_api(gw.client(), function_uri("bad"))
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/x"), timeout=30)
    assert response.status_code == 502
    assert response.content == b'{"message": "Internal server error"}'
    assert response.headers["x-amzn-ErrorType"] == "InternalServerErrorException"


def test_a_body_that_is_no_string_is_a_malformed_answer(gw):
    create(gw.client("lambda"), "object-body", """
        def handler(event, context):
            return {"statusCode": 200, "body": {"hey": "dude"}}
    """)
    c = gw.client()
    api_id, res = lambda_api(c, function_uri("object-body"))
    tested = c.test_invoke_method(restApiId=api_id, resourceId=res, httpMethod="GET",
                                  pathWithQueryString="/x")
    assert tested["status"] == 502
    assert tested["body"] == '{"message": "Internal server error"}'
    assert "Execution failed due to configuration error: Malformed Lambda proxy response " \
           "(body is not a string)" in tested["log"]


def test_proxy_integration_method_must_be_post(echo):
    gw = echo
    api_id, _ = lambda_api(gw.client(), function_uri("echo"), integration_method="GET")
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/x"), timeout=30)
    assert response.status_code == 500
    assert response.content == b'{"message": "Internal server error"}'


def test_function_timeout_beyond_integration_timeout_gives_504(gw):
    create(gw.client("lambda"), "slow", """
        import time
        def handler(event, context):
            time.sleep(5)
            return {}
    """, Timeout=10)
    api_id, _ = lambda_api(gw.client(), function_uri("slow"),
                           integration={"timeoutInMillis": 200})
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/x"), timeout=30)
    assert response.status_code == 504
    assert response.content == b'{"message": "Endpoint request timed out"}'


def test_unknown_function_gives_502(gw):
    api_id, _ = lambda_api(gw.client(), function_uri("missing"))
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/x"), timeout=30)
    assert response.status_code == 502
    assert response.content == b'{"message": "Internal server error"}'


def test_stage_variable_alias_per_stage(gw):
    """The classic tutorial: one URI with ${stageVariables.lambdaAlias}, three stages."""
    lam = gw.client("lambda")
    create(lam, "tutorial", """
        def handler(event, context):
            return {"statusCode": 200, "body": "v1:" + context.function_version}
    """)
    v1 = lam.publish_version(FunctionName="tutorial")["Version"]
    lam.update_function_code(FunctionName="tutorial", ZipFile=__import__(
        "tests.lambda_support", fromlist=["zip_code"]).zip_code("""
        def handler(event, context):
            return {"statusCode": 200, "body": "v2:" + context.function_version}
    """))
    v2 = lam.publish_version(FunctionName="tutorial")["Version"]
    lam.create_alias(FunctionName="tutorial", Name="dev", FunctionVersion="$LATEST")
    lam.create_alias(FunctionName="tutorial", Name="test", FunctionVersion=v2)
    lam.create_alias(FunctionName="tutorial", Name="prod", FunctionVersion=v1)
    uri = (f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:"
           f"{REGION}:{ACCOUNT}:function:tutorial:${{stageVariables.lambdaAlias}}/invocations")
    c = gw.client()
    api_id, _ = lambda_api(c, uri, stage="")
    for stage in ("dev", "test", "prod"):
        c.create_deployment(restApiId=api_id, stageName=stage, variables={"lambdaAlias": stage})
    answers = {stage: gw.http.get(gw.invoke_url(api_id, stage, "/x"), timeout=30).text
               for stage in ("dev", "test", "prod")}
    assert answers == {"dev": "v2:$LATEST", "test": "v2:2", "prod": "v1:1"}


def test_permissions_are_enforced_when_a_policy_exists(echo):
    gw = echo
    lam = gw.client("lambda")
    api_id, _ = lambda_api(gw.client(), function_uri("echo"))
    lam.add_permission(FunctionName="echo", StatementId="other", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:otherapi/*/*/*")
    url = gw.invoke_url(api_id, "dev", "/x")
    denied = gw.http.get(url, timeout=30)
    assert denied.status_code == 500
    assert denied.content == b'{"message": "Internal server error"}'
    lam.add_permission(FunctionName="echo", StatementId="mine", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/*/GET/*")
    assert gw.http.get(url, timeout=30).status_code == 200
    assert gw.http.post(url, timeout=30).status_code == 500  # only GET is allowed


def test_non_proxy_lambda_with_templates_and_error_selection(gw):
    create(gw.client("lambda"), "calc", """
        def handler(event, context):
            if event.get("b") == 0:
                raise ZeroDivisionError("division by zero")
            return {"result": event["a"] / event["b"]}
    """)
    c = gw.client()
    api_id, res = lambda_api(c, function_uri("calc"), kind="AWS", path="divide", method="GET",
                             stage="", integration={"requestTemplates": {
                                 "application/json": '{"a": $input.params("a"), '
                                                     '"b": $input.params("b")}'}})
    for code, pattern, template in (
            ("200", "", '{"answer": $input.json("$.result")}'),
            ("400", ".*division by zero.*",
             '{"error": "$util.escapeJavaScript($input.path(\'$.errorMessage\'))"}')):
        c.put_method_response(restApiId=api_id, resourceId=res, httpMethod="GET",
                              statusCode=code)
        c.put_integration_response(restApiId=api_id, resourceId=res, httpMethod="GET",
                                   statusCode=code, selectionPattern=pattern,
                                   responseTemplates={"application/json": template})
    c.create_deployment(restApiId=api_id, stageName="dev")
    ok = gw.http.get(gw.invoke_url(api_id, "dev", "/divide?a=6&b=3"), timeout=30)
    assert (ok.status_code, ok.json()) == (200, {"answer": 2.0})
    err = gw.http.get(gw.invoke_url(api_id, "dev", "/divide?a=6&b=0"), timeout=30)
    assert (err.status_code, err.json()) == (400, {"error": "division by zero"})


def test_registered_callable_behind_the_gateway(gw):
    if gw.mode != "inprocess":
        pytest.skip("callables are registered in-process")
    gw.mock.register_function("py-callable", lambda event, context: {
        "statusCode": 200, "body": json.dumps({"path": event["path"]})})
    api_id, _ = lambda_api(gw.client(), function_uri("py-callable"))
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/a/b"), timeout=30)
    assert response.json() == {"path": "/a/b"}

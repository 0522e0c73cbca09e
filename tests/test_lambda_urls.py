"""Lambda function URLs: the configuration API through boto3 (with Lambda's errors) and the
URLs themselves over HTTP, by Host and by path, with the payload 2.0 event and response
rules, permissions, AWS_IAM, CORS, aliases, and as an HTTP integration's backend."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

from tests.guards import sign
from tests.lambda_support import (
    ACCOUNT,
    ARN,
    REGION,
    create,
    create_node,
    error_of,
    needs_node,
)

URL = re.compile(r"https://([a-z0-9]{32})\.lambda-url\.us-east-1\.on\.aws/")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
FORBIDDEN = {"Message": "Forbidden. For troubleshooting Function URL authorization issues, "
                        "see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}
NO_RESOURCE = "The resource you requested does not exist."
ECHO_EVENT = """
    import json

    def handler(event, context):
        return {"statusCode": 200, "body": json.dumps({"event": event,
                                                      "request_id": context.aws_request_id})}
"""
ANSWERS = """
    import json

    def handler(event, context):
        return json.loads(event["body"])
"""


def address(gw, function_url: str, path: str = "/", *, form: str = "host"
            ) -> tuple[str, dict[str, str]]:
    """``(url, headers)`` reaching a function URL: AWS's URL in-process; on the server the
    Host form (``Host: {url id}.lambda-url...``) or the path form."""
    host = urlsplit(function_url).netloc
    if gw.mode == "inprocess":
        return f"https://{host}{path}", {}
    if form == "host":
        return f"{gw.endpoint_url}{path}", {"Host": host}
    return f"{gw.endpoint_url}/_aws/lambda-url/{host.split('.')[0]}{path}", {}


def call(gw, function_url: str, method: str = "GET", path: str = "/", *,
         form: str = "host", headers: dict | None = None, **kwargs):
    url, extra = address(gw, function_url, path, form=form)
    return gw.http.request(method, url, headers={**extra, **(headers or {})}, timeout=30,
                           **kwargs)


def public_url(c, name: str, **options) -> str:
    """A function URL with AuthType NONE that anyone may call (both permissions)."""
    url = c.create_function_url_config(FunctionName=name, AuthType="NONE", **options)
    qualifier = {"Qualifier": options["Qualifier"]} if "Qualifier" in options else {}
    c.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl",
                     Principal="*", FunctionUrlAuthType="NONE", **qualifier)
    c.add_permission(FunctionName=name, StatementId="invoke", Action="lambda:InvokeFunction",
                     Principal="*", InvokedViaFunctionUrl=True, **qualifier)
    return url["FunctionUrl"]


# -- the configuration API -----------------------------------------------------------------

def test_function_url_config_lifecycle(gw):
    c = gw.client("lambda")
    create(c, "web", ECHO_EVENT)
    created = c.create_function_url_config(
        FunctionName="web", AuthType="NONE",
        Cors={"AllowOrigins": ["https://example.com"], "MaxAge": 60})
    created.pop("ResponseMetadata")
    assert URL.fullmatch(created.pop("FunctionUrl"))
    assert STAMP.fullmatch(created.pop("CreationTime"))
    assert created == {"FunctionArn": f"{ARN}:web", "AuthType": "NONE",
                       "Cors": {"AllowOrigins": ["https://example.com"], "MaxAge": 60}}
    got = c.get_function_url_config(FunctionName="web")
    assert (got["AuthType"], got["InvokeMode"]) == ("NONE", "BUFFERED")
    assert STAMP.fullmatch(got["LastModifiedTime"])
    with pytest.raises(ClientError) as exc:
        c.create_function_url_config(FunctionName="web", AuthType="AWS_IAM")
    assert error_of(exc) == (
        "ResourceConflictException", f"Failed to create function url config for [functionArn "
        f"= {ARN}:web]. Error message:  FunctionUrlConfig exists for this Lambda function", 409)
    updated = c.update_function_url_config(FunctionName="web", AuthType="AWS_IAM",
                                           InvokeMode="RESPONSE_STREAM")
    assert (updated["AuthType"], updated["InvokeMode"], updated["FunctionUrl"]) == (
        "AWS_IAM", "RESPONSE_STREAM", got["FunctionUrl"])
    assert updated["Cors"] == {"AllowOrigins": ["https://example.com"], "MaxAge": 60}
    c.delete_function_url_config(FunctionName="web")
    with pytest.raises(ClientError) as exc:
        c.get_function_url_config(FunctionName="web")
    assert error_of(exc) == ("ResourceNotFoundException", NO_RESOURCE, 404)
    again = c.create_function_url_config(FunctionName="web", AuthType="NONE",
                                         InvokeMode="BUFFERED")
    assert again["FunctionUrl"] != got["FunctionUrl"] and again["InvokeMode"] == "BUFFERED"


def test_urls_of_aliases_and_listing(gw):
    c = gw.client("lambda")
    create(c, "web", ECHO_EVENT, Publish=True)
    c.create_alias(FunctionName="web", Name="live", FunctionVersion="1")
    c.create_alias(FunctionName="web", Name="beta", FunctionVersion="1")
    assert c.list_function_url_configs(FunctionName="web")["FunctionUrlConfigs"] == []
    for qualifier in ("live", None, "beta"):
        c.create_function_url_config(FunctionName="web", AuthType="NONE",
                                     **({"Qualifier": qualifier} if qualifier else {}))
    listed = c.list_function_url_configs(FunctionName="web")["FunctionUrlConfigs"]
    assert [u["FunctionArn"] for u in listed] == [f"{ARN}:web", f"{ARN}:web:beta",
                                                  f"{ARN}:web:live"]
    first = c.list_function_url_configs(FunctionName="web", MaxItems=2)
    rest = c.list_function_url_configs(FunctionName="web", Marker=first["NextMarker"])
    assert [u["FunctionArn"] for u in first["FunctionUrlConfigs"] + rest["FunctionUrlConfigs"]
            ] == [u["FunctionArn"] for u in listed]
    assert "NextMarker" not in rest
    assert c.get_function_url_config(FunctionName=f"{ARN}:web:live")["FunctionArn"] == \
        f"{ARN}:web:live"
    c.delete_function(FunctionName="web")
    create(c, "web", ECHO_EVENT)
    assert c.list_function_url_configs(FunctionName="web")["FunctionUrlConfigs"] == []


@pytest.mark.parametrize(("operation", "params", "code", "message", "status"), [
    ("create_function_url_config", {"FunctionName": "nope", "AuthType": "NONE"},
     "ResourceNotFoundException", "Function does not exist", 404),
    ("create_function_url_config", {"FunctionName": "web", "Qualifier": "v1",
                                    "AuthType": "NONE"},
     "ResourceNotFoundException", "Function does not exist", 404),
    ("create_function_url_config", {"FunctionName": "web", "Qualifier": "1", "AuthType": "NONE"},
     "ValidationException", "1 validation error detected: Value '1' at 'qualifier' failed to "
     "satisfy constraint: Member must satisfy regular expression pattern: "
     "((?!^\\d+$)^[0-9a-zA-Z-_]+$)", 400),
    ("create_function_url_config", {"FunctionName": "web:1", "AuthType": "NONE"},
     "ValidationException", re.compile(r"1 validation error detected: Value 'web:1' at "
                                       r"'functionName' failed to satisfy constraint: Member "
                                       r"must satisfy regular expression pattern: .+"), 400),
    ("create_function_url_config", {"FunctionName": "web", "AuthType": "NONE",
                                    "InvokeMode": "LATER"},
     "ValidationException", "1 validation error detected: Value 'LATER' at 'invokeMode' failed "
     "to satisfy constraint: Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]",
     400),
    ("get_function_url_config", {"FunctionName": "nope"},
     "ResourceNotFoundException", NO_RESOURCE, 404),
    ("get_function_url_config", {"FunctionName": "web"},
     "ResourceNotFoundException", NO_RESOURCE, 404),
    ("update_function_url_config", {"FunctionName": "nope", "AuthType": "NONE"},
     "ResourceNotFoundException", "Function does not exist", 404),
    ("update_function_url_config", {"FunctionName": "web", "AuthType": "NONE"},
     "ResourceNotFoundException", NO_RESOURCE, 404),
    ("delete_function_url_config", {"FunctionName": "web"},
     "ResourceNotFoundException", NO_RESOURCE, 404),
    ("list_function_url_configs", {"FunctionName": "nope"},
     "ResourceNotFoundException", "Function does not exist", 404),
])
def test_configuration_errors(gw, operation, params, code, message, status):
    c = gw.client("lambda")
    create(c, "web", ECHO_EVENT)
    with pytest.raises(ClientError) as exc:
        getattr(c, operation)(**params)
    got_code, got_message, got_status = error_of(exc)
    assert (got_code, got_status) == (code, status)
    if isinstance(message, re.Pattern):
        assert message.fullmatch(got_message), got_message
    else:
        assert got_message == message
    assert c.list_function_url_configs(FunctionName="web")["FunctionUrlConfigs"] == []


# -- invoking a URL ------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["host", "path"])
def test_the_event_is_payload_format_2(gw, form):
    if gw.mode == "inprocess" and form == "path":
        pytest.skip("in-process, requests reach function URLs by their host")
    c = gw.client("lambda")
    create(c, "web", ECHO_EVENT)
    function_url = public_url(c, "web")
    url_id = URL.fullmatch(function_url).group(1)
    response = call(gw, function_url, "POST", "/items/a%2Fb?q=1&q=2&x=", form=form,
                    data=b'{"a": 1}', headers={"Content-Type": "application/json",
                                               "Cookie": "s=1; t=2", "User-Agent": "tests/1",
                                               "X-Custom": "v"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    doc = response.json()
    event = doc["event"]
    assert response.headers["x-amzn-RequestId"] == doc["request_id"]
    assert (event["version"], event["routeKey"], event["rawPath"], event["rawQueryString"]) == (
        "2.0", "$default", "/items/a%2Fb", "q=1&q=2&x=")  # an encoded slash stays encoded
    assert event["cookies"] == ["s=1", "t=2"]
    assert event["queryStringParameters"] == {"q": "1,2", "x": ""}
    assert (event["body"], event["isBase64Encoded"]) == ('{"a": 1}', False)
    headers = event["headers"]
    domain = urlsplit(function_url).netloc if form == "host" or gw.mode == "inprocess" else \
        f"{url_id}.lambda-url.{REGION}.on.aws"
    assert (headers["host"], headers["x-custom"], headers["user-agent"]) == (
        domain, "v", "tests/1")
    assert "cookie" not in headers and headers["x-forwarded-proto"] == "https"
    assert headers["content-length"] == "8"  # kept, as in events recorded from AWS
    context = event["requestContext"]
    assert context.pop("timeEpoch") > 0 and re.fullmatch(
        r"\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000", context.pop("time"))
    assert context == {  # accountId: the caller's, here nobody's; no "authentication"
        "accountId": "anonymous", "apiId": url_id, "domainName": domain,
        "domainPrefix": url_id, "http": {"method": "POST", "path": "/items/a%2Fb",
                                         "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                                         "userAgent": "tests/1"},
        "requestId": doc["request_id"], "routeKey": "$default", "stage": "$default"}
    assert "authorizer" not in context and "pathParameters" not in event

    binary = call(gw, function_url, "PUT", form=form, data=b"\x00\xff",
                  headers={"Content-Type": "application/octet-stream"}).json()["event"]
    assert (binary["body"], binary["isBase64Encoded"]) == ("AP8=", True)
    empty = call(gw, function_url, form=form).json()["event"]
    assert "body" not in empty and empty["isBase64Encoded"] is False
    assert "content-length" not in empty["headers"]  # the client sent none
    assert "queryStringParameters" not in empty and empty["rawQueryString"] == ""


@pytest.mark.parametrize(("answer", "status", "content_type", "body", "more"), [
    ({"hello": "world"}, 200, "application/json", b'{"hello":"world"}', {}),
    ("hello", 200, "application/json", b"hello", {}),
    (["hello", 3, True], 200, "application/json", b'["hello",3,true]', {}),
    (3.1, 200, "application/json", b"3.1", {}),
    (None, 200, "application/json", b"null", {}),
    ({"statusCode": 201, "body": "body123"}, 201, "application/json", b"body123", {}),
    ({"statusCode": 404, "headers": {"Content-Type": "text/plain", "X-A": 1}, "body": "no"},
     404, "text/plain", b"no", {"X-A": "1"}),
    ({"statusCode": 200, "cookies": ["a=1; Path=/", "b=2"], "body": ""}, 200,
     "application/json", b"", {"Set-Cookie": "a=1; Path=/, b=2"}),
    ({"statusCode": 200, "isBase64Encoded": True, "body": "AP8=",
      "headers": {"content-type": "image/png"}}, 200, "image/png", b"\x00\xff", {}),
])
def test_response_inference(gw, answer, status, content_type, body, more):
    c = gw.client("lambda")
    create(c, "answers", ANSWERS)
    response = call(gw, public_url(c, "answers"), "POST", data=json.dumps(answer),
                    headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.headers["Content-Type"] == content_type
    assert response.content == body
    for name, value in more.items():
        assert response.headers[name] == value


def test_failures_and_unknown_urls(gw):
    c = gw.client("lambda")
    create(c, "fails", "def handler(event, context):\n    raise ValueError('no')\n")
    create(c, "malformed", "def handler(event, context):\n    return {'statusCode': 'abc'}\n")
    urls = {name: public_url(c, name) for name in ("fails", "malformed")}
    for function_url in urls.values():
        response = call(gw, function_url)
        assert (response.status_code, response.text) == (502, "Internal Server Error")
    unknown = f"https://{'0' * 32}.lambda-url.{REGION}.on.aws/"
    response = call(gw, unknown)
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    if gw.mode == "server":  # another region's URL is not this one
        other = urls["fails"].replace(f".{REGION}.", ".eu-west-1.")
        assert call(gw, other).status_code == 403


def test_resource_policy_decides_who_may_call(gw):
    c = gw.client("lambda")
    create(c, "guarded", ECHO_EVENT)
    function_url = c.create_function_url_config(FunctionName="guarded",
                                                AuthType="NONE")["FunctionUrl"]
    assert call(gw, function_url).status_code == 200  # no policy at all: not strict
    c.add_permission(FunctionName="guarded", StatementId="apigw", Action="lambda:InvokeFunction",
                     Principal="apigateway.amazonaws.com")
    response = call(gw, function_url)
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    statement = json.loads(c.add_permission(
        FunctionName="guarded", StatementId="url", Action="lambda:InvokeFunctionUrl",
        Principal="*", FunctionUrlAuthType="NONE")["Statement"])
    assert statement == {"Sid": "url", "Effect": "Allow", "Principal": "*",
                         "Action": "lambda:InvokeFunctionUrl",
                         "Resource": f"{ARN}:guarded",
                         "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}
    assert call(gw, function_url).status_code == 403  # lambda:InvokeFunction is needed too
    statement = json.loads(c.add_permission(
        FunctionName="guarded", StatementId="invoke", Action="lambda:InvokeFunction",
        Principal="*", InvokedViaFunctionUrl=True)["Statement"])
    assert statement["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}
    assert call(gw, function_url).status_code == 200
    c.update_function_url_config(FunctionName="guarded", AuthType="AWS_IAM")
    assert call(gw, function_url).status_code == 403  # unsigned


def test_aws_iam_urls_verify_sigv4(gw):
    c = gw.client("lambda")
    create(c, "private", ECHO_EVENT)
    function_url = c.create_function_url_config(FunctionName="private",
                                                AuthType="AWS_IAM")["FunctionUrl"]
    url, extra = address(gw, function_url, "/who?x=1")
    target = f"https://{extra['Host']}/who?x=1" if "Host" in extra else url
    signed = sign("GET", target, service="lambda", access_key="AKIDTESTING", at=time.time())
    response = gw.http.get(url, headers={**extra, **signed}, timeout=30)
    assert response.status_code == 200
    context = response.json()["event"]["requestContext"]
    assert context["accountId"] == ACCOUNT and "authentication" not in context
    assert context["authorizer"] == {"iam": {
        "accessKey": "AKIDTESTING", "accountId": ACCOUNT, "callerId": "AKIDTESTING",
        "cognitoIdentity": None, "principalOrgId": None,
        "userArn": f"arn:aws:iam::{ACCOUNT}:user/AKIDTESTING", "userId": "AKIDTESTING"}}

    wrong_service = sign("GET", target, service="execute-api", at=time.time())
    response = gw.http.get(url, headers={**extra, **wrong_service}, timeout=30)
    assert response.status_code == 403
    assert response.json() == {"message": "Credential should be scoped to correct service: "
                                          "'lambda'. "}
    assert response.headers["x-amzn-ErrorType"] == "InvalidSignatureException"

    other_account = sign("GET", target, service="lambda", access_key="444455556666",
                         at=time.time())
    assert gw.http.get(url, headers={**extra, **other_account}, timeout=30).status_code == 403
    for sid, action in (("url", "lambda:InvokeFunctionUrl"), ("fn", "lambda:InvokeFunction")):
        c.add_permission(FunctionName="private", StatementId=sid, Action=action,
                         Principal="444455556666", FunctionUrlAuthType="AWS_IAM")
    response = gw.http.get(url, headers={**extra, **other_account}, timeout=30)
    assert response.status_code == 200
    context = response.json()["event"]["requestContext"]  # the caller's account
    assert (context["accountId"], context["authorizer"]["iam"]["accountId"]) == (
        "444455556666", "444455556666")


def test_cors(gw):
    c = gw.client("lambda")
    create(c, "counted", """
        calls = 0

        def handler(event, context):
            global calls
            calls += 1
            return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "evil"},
                    "body": str(calls)}
    """)
    function_url = public_url(c, "counted", Cors={
        "AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["x-token"], "ExposeHeaders": ["x-total"], "MaxAge": 300,
        "AllowCredentials": True})
    preflight = call(gw, function_url, "OPTIONS", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200 and preflight.content == b""
    assert {k.lower(): v for k, v in preflight.headers.items()
            if k.lower().startswith("access-control")} == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET,POST", "access-control-allow-headers": "x-token",
        "access-control-max-age": "300"}
    actual = call(gw, function_url, headers={"Origin": "https://app.example.com"})
    assert actual.text == "1"  # the preflight did not reach the function
    assert actual.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert actual.headers["Access-Control-Expose-Headers"] == "x-total"
    assert actual.headers["Vary"] == "Origin"
    stranger = call(gw, function_url, headers={"Origin": "https://elsewhere.example"})
    assert stranger.text == "2" and "Vary" not in stranger.headers
    assert stranger.headers["Access-Control-Allow-Origin"] == "evil"  # the function's own
    refused = call(gw, function_url, "OPTIONS", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"})
    assert refused.status_code == 200 and "Access-Control-Allow-Origin" not in refused.headers


def test_alias_urls_run_the_alias_version_until_the_alias_is_deleted(gw):
    c = gw.client("lambda")
    create(c, "versions", "def handler(event, context):\n    return context.function_version\n",
           Publish=True)
    c.update_function_code(FunctionName="versions", ZipFile=_zip(
        "def handler(event, context):\n    return 'new ' + context.function_version\n"))
    c.create_alias(FunctionName="versions", Name="live", FunctionVersion="1")
    live = public_url(c, "versions", Qualifier="live")
    latest = public_url(c, "versions")
    assert call(gw, live).text == "1"
    assert call(gw, latest).text == "new $LATEST"
    c.delete_alias(FunctionName="versions", Name="live")
    response = call(gw, live)
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


def test_a_function_url_behind_a_rest_api(gw):
    c = gw.client("lambda")
    create(c, "backend", ECHO_EVENT)
    function_url = public_url(c, "backend")
    apigw = gw.client()
    api = apigw.create_rest_api(name="front")
    res = apigw.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                pathPart="{proxy+}")["id"]
    apigw.put_method(restApiId=api["id"], resourceId=res, httpMethod="ANY",
                     authorizationType="NONE",
                     requestParameters={"method.request.path.proxy": True})
    apigw.put_integration(restApiId=api["id"], resourceId=res, httpMethod="ANY",
                          type="HTTP_PROXY", integrationHttpMethod="ANY",
                          uri=f"{function_url}{{proxy}}",
                          requestParameters={"integration.request.path.proxy":
                                             "method.request.path.proxy"})
    apigw.create_deployment(restApiId=api["id"], stageName="prod")
    response = gw.http.post(gw.invoke_url(api["id"], "prod", "/orders/7?rush=yes"),
                            data="order", headers={"Content-Type": "text/plain"}, timeout=30)
    assert response.status_code == 200
    event = response.json()["event"]
    assert (event["rawPath"], event["queryStringParameters"], event["body"]) == (
        "/orders/7", {"rush": "yes"}, "order")
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["headers"]["x-amzn-apigateway-api-id"] == api["id"]


def test_a_function_url_behind_an_http_api(gw):
    from tests.http_api_support import HttpApi

    c = gw.client("lambda")
    create(c, "v2-backend", ECHO_EVENT)
    function_url = public_url(c, "v2-backend")
    api = HttpApi(gw, name="front")
    api.route("ANY /{proxy+}", api.http(f"{function_url}{{proxy}}"))
    api.stage()
    response = api.call("PUT", "/orders/7?rush=yes", data="order",
                        headers={"Content-Type": "text/plain"})
    assert response.status_code == 200, response.text
    event = response.json()["event"]
    assert (event["rawPath"], event["queryStringParameters"], event["body"]) == (
        "/orders/7", {"rush": "yes"}, "order")
    assert event["requestContext"]["http"]["method"] == "PUT"
    assert event["requestContext"]["domainName"] == urlsplit(function_url).hostname


@needs_node
def test_a_nodejs_function_url(gw):
    c = gw.client("lambda")
    create_node(c, "node-web", {"index.mjs": """
        export const handler = async (event) => ({
          statusCode: 200,
          headers: { "content-type": "text/plain" },
          body: `${event.requestContext.http.method} ${event.rawPath}`,
        });
    """})
    response = call(gw, public_url(c, "node-web"), "DELETE", "/things/1")
    assert (response.status_code, response.text) == (200, "DELETE /things/1")


def _zip(source: str) -> bytes:
    from tests.lambda_support import zip_code

    return zip_code(source)


def test_function_urls_are_regional(gw):
    east = gw.client("lambda")
    west = gw.client("lambda", region="eu-west-1")
    create(east, "web", ECHO_EVENT)
    create(west, "web", "def handler(event, context):\n    return 'west'\n")
    east_url = public_url(east, "web")
    west_url = public_url(west, "web")
    assert re.fullmatch(r"https://[a-z0-9]{32}\.lambda-url\.eu-west-1\.on\.aws/", west_url)
    assert [u["FunctionUrl"] for u in west.list_function_url_configs(
        FunctionName="web")["FunctionUrlConfigs"]] == [west_url]
    assert call(gw, west_url).text == "west"
    assert call(gw, east_url).json()["event"]["requestContext"]["apiId"] == \
        URL.fullmatch(east_url).group(1)

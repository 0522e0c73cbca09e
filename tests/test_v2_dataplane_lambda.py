"""Lambda proxy integrations of HTTP APIs: the payload 2.0 and 1.0 events field by field,
how answers become responses, malformed answers, errors, timeouts and permissions."""

from __future__ import annotations

import base64
import json
import re

import pytest

from tests.dataplane_support import freeze_clock, header_lines
from tests.http_api_support import (
    ECHO_V2,
    HttpApi,
    event_of,
    expect_message,
    lambda_function,
    send_raw,
)
from tests.lambda_support import ACCOUNT, REGION

EPOCH = 1_700_000_000  # 14/Nov/2023:22:13:20 +0000
TRACE = re.compile(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$")

ANSWERS = """
    import json
    ANSWERS = {
        "/string": "Hello from Lambda!",
        "/object": {"message": "Hello from Lambda!"},
        "/number": 42,
        "/list": [1, "two"],
        "/body-without-status": {"body": "ignored", "headers": {"x": "1"}},
        "/full": {"statusCode": 201, "headers": {"x-custom": "yes", "flag": True},
                  "cookies": ["a=1; Path=/", "b=2"], "body": "made"},
        "/no-content-type": {"statusCode": 200, "body": "plain"},
        "/binary": {"statusCode": 200, "headers": {"content-type": "image/png"},
                    "body": "iVBORw==", "isBase64Encoded": True},
        "/json-body": {"statusCode": 202, "body": {"not": "a string"}},
        "/gateway-headers": {"statusCode": 200, "body": "ok", "headers": {
            "Content-Length": "999", "Connection": "close", "Date": "yesterday",
            "x-ok": "1"}},
        "/bad-status": {"statusCode": "abc"},
        "/huge-status": {"statusCode": 700},
        "/bad-headers": {"statusCode": 200, "headers": ["x"]},
        "/bad-cookies": {"statusCode": 200, "cookies": "a=1"},
        "/bad-base64": {"statusCode": 200, "body": "***", "isBase64Encoded": True},
    }
    def handler(event, context):
        if event["rawPath"] == "/raise":
            raise ValueError("boom")
        return ANSWERS[event["rawPath"]]
"""


@pytest.fixture
def echo(gw):
    lambda_function(gw, "echo", ECHO_V2)
    return gw


def expected_headers(gw, host: str, extra: dict[str, str]) -> dict[str, str]:
    """The headers a payload 2.0 event carries for a request sent by :func:`send_raw`."""
    server = gw.mode == "server"
    headers = {"host": host, **extra,
               "x-forwarded-for": "127.0.0.1",
               "x-forwarded-port": "80" if server else "443",
               "x-forwarded-proto": "http" if server else "https"}
    if server:
        headers["accept-encoding"] = "identity"  # http.client's
    return dict(sorted(headers.items()))


def test_payload_2_event_field_by_field(echo):
    gw = echo
    freeze_clock(gw, EPOCH)
    api = HttpApi(gw)
    api.route("POST /pets/{petId}/{rest+}", api.function(
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo"))
    api.stage("dev", StageVariables={"color": "blue"})
    status, headers, body = send_raw(
        gw, "POST", api.id, "dev", "/pets/7/toys/ball%20x?b=2&a=1&a=3&enc=%2B&sp=a+b",
        [("User-Agent", "probe/1"), ("X-Multi", "one"), ("X-Multi", "two"),
         ("Cookie", "c1=v1; c2=v2"), ("Cookie", "c3=v3"), ("Content-Type", "application/json")],
        b'{"hello": "world"}')
    assert status == 200
    assert headers["apigw-requestid"]
    event = json.loads(body)
    request_id = headers["apigw-requestid"]
    trace = event["headers"].pop("x-amzn-trace-id")
    assert TRACE.match(trace)
    domain = f"{api.id}.execute-api.{REGION}.amazonaws.com"
    host = domain if gw.mode == "inprocess" else gw.endpoint_url.split("//")[1]
    assert event == {
        "version": "2.0",
        "routeKey": "POST /pets/{petId}/{rest+}",
        "rawPath": "/dev/pets/7/toys/ball x",
        "rawQueryString": "b=2&a=1&a=3&enc=%2B&sp=a+b",
        "cookies": ["c1=v1", "c2=v2", "c3=v3"],
        "headers": expected_headers(gw, host, {
            "user-agent": "probe/1", "x-multi": "one,two", "content-type": "application/json",
            "content-length": "18"}),
        "queryStringParameters": {"b": "2", "a": "1,3", "enc": "+", "sp": "a b"},
        "requestContext": {
            "accountId": ACCOUNT, "apiId": api.id, "domainName": domain,
            "domainPrefix": api.id,
            "http": {"method": "POST", "path": "/dev/pets/7/toys/ball x",
                     "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "probe/1"},
            "requestId": request_id, "routeKey": "POST /pets/{petId}/{rest+}", "stage": "dev",
            "time": "14/Nov/2023:22:13:20 +0000", "timeEpoch": EPOCH * 1000},
        "body": '{"hello": "world"}',
        "pathParameters": {"petId": "7", "rest": "toys/ball x"},
        "isBase64Encoded": False,
        "stageVariables": {"color": "blue"},
    }
    assert list(event) == ["version", "routeKey", "rawPath", "rawQueryString", "cookies",
                           "headers", "queryStringParameters", "requestContext", "body",
                           "pathParameters", "isBase64Encoded", "stageVariables"]


def test_payload_2_leaves_out_empty_fields_and_encodes_binary_bodies(echo):
    gw = echo
    api = HttpApi(gw)
    api.route("$default", api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo"))
    api.stage()
    bare = event_of(api.call("GET", "/"))
    assert set(bare) == {"version", "routeKey", "rawPath", "rawQueryString", "headers",
                         "requestContext", "isBase64Encoded"}
    assert (bare["routeKey"], bare["rawPath"], bare["rawQueryString"]) == ("$default", "/", "")
    assert bare["requestContext"]["stage"] == "$default"
    assert bare["headers"]["content-length"] == "0"
    assert bare["isBase64Encoded"] is False

    def sent(content_type: str | None, body: bytes) -> tuple[str, bool]:
        headers = {"Content-Type": content_type} if content_type else {}
        event = event_of(api.call("POST", "/up", data=body, headers=headers))
        return event["body"], event["isBase64Encoded"]

    png = b"\x89PNG\r\n"
    assert sent("image/png", png) == (base64.b64encode(png).decode(), True)
    assert sent("application/octet-stream", b"abc") == ("YWJj", True)
    # AWS base64-encodes form posts and bodies without a content type too
    assert sent("application/x-www-form-urlencoded", b"a=1") == ("YT0x", True)
    assert sent(None, b"raw") == ("cmF3", True)
    assert sent("text/csv; charset=utf-8", b"a,b") == ("a,b", False)
    assert sent("application/xml", b"<a/>") == ("<a/>", False)


def test_payload_2_answers_become_responses(gw):
    lambda_function(gw, "answers", ANSWERS)
    api = HttpApi(gw)
    api.route("$default", api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:answers"))
    api.stage()

    def answer(path: str):
        return api.call("GET", path)

    string = answer("/string")
    assert (string.status_code, string.content) == (200, b"Hello from Lambda!")
    assert string.headers["Content-Type"] == "application/json"
    as_object = answer("/object")
    assert (as_object.status_code, as_object.json()) == (200, {"message": "Hello from Lambda!"})
    assert as_object.headers["Content-Type"] == "application/json"
    assert answer("/number").content == b"42"
    assert answer("/list").json() == [1, "two"]
    # without statusCode the whole answer is the body
    assert answer("/body-without-status").json() == {"body": "ignored", "headers": {"x": "1"}}

    full = answer("/full")
    assert full.status_code == 201
    assert full.content == b"made"
    assert full.headers["x-custom"] == "yes"
    assert full.headers["flag"] == "true"
    assert full.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert full.headers["set-cookie"] == "a=1; Path=/, b=2"
    assert answer("/no-content-type").headers["Content-Type"] == "text/plain; charset=utf-8"
    binary = answer("/binary")
    assert (binary.content, binary.headers["Content-Type"]) == (b"\x89PNG", "image/png")
    assert answer("/json-body").content == b'{"not": "a string"}'
    own = answer("/gateway-headers")  # headers only the gateway sets are its own
    assert (own.content, own.headers["x-ok"]) == (b"ok", "1")
    assert own.headers.get("Content-Length") in (None, "2")  # the server's, when it sets one
    assert own.headers["date"].endswith(" GMT")

    for path in ("/bad-status", "/huge-status", "/bad-headers", "/bad-cookies",
                 "/bad-base64", "/raise"):
        expect_message(answer(path), 500, "Internal Server Error")


def test_payload_1_event_and_answers(gw):
    lambda_function(gw, "v1", """
        import json
        def handler(event, context):
            if event["path"] == "/v1/bad":
                return {"statusCode": 200, "unexpected": True}
            return {"statusCode": 200, "multiValueHeaders": {"x-two": ["a", "b"]},
                    "headers": {"content-type": "application/json"},
                    "body": json.dumps(event)}
    """)
    freeze_clock(gw, EPOCH)
    api = HttpApi(gw)
    api.route("GET /{proxy+}", api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:v1",
                                            version="1.0"))
    api.stage("v1")
    response = api.call("GET", "/things/1?q=1&q=2", stage="v1", headers={"X-Custom": "v"})
    assert response.status_code == 200
    assert response.headers["x-two"] == "a, b"
    event = response.json()
    assert {k: event[k] for k in ("version", "resource", "path", "httpMethod", "body",
                                  "isBase64Encoded", "pathParameters", "stageVariables",
                                  "queryStringParameters",
                                  "multiValueQueryStringParameters")} == {
        "version": "1.0", "resource": "/{proxy+}", "path": "/v1/things/1", "httpMethod": "GET",
        "body": None, "isBase64Encoded": False, "pathParameters": {"proxy": "things/1"},
        "stageVariables": None, "queryStringParameters": {"q": "1"},
        "multiValueQueryStringParameters": {"q": ["1", "2"]}}
    assert event["headers"]["X-Custom"] == "v"
    assert event["multiValueHeaders"]["X-Custom"] == ["v"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    context = event["requestContext"]
    assert {k: context[k] for k in ("accountId", "apiId", "authorizer", "httpMethod", "path",
                                    "protocol", "requestTimeEpoch", "requestTime",
                                    "resourceId", "resourcePath", "stage")} == {
        "accountId": ACCOUNT, "apiId": api.id, "authorizer": {"claims": None, "scopes": None},
        "httpMethod": "GET", "path": "/v1/things/1", "protocol": "HTTP/1.1",
        "requestTimeEpoch": EPOCH * 1000, "requestTime": "14/Nov/2023:22:13:20 +0000",
        "resourceId": None, "resourcePath": "/{proxy+}", "stage": "v1"}
    assert context["requestId"] == response.headers["apigw-requestid"]
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["accessKey"] is None
    expect_message(api.call("GET", "/bad", stage="v1"), 500, "Internal Server Error")


def test_payload_1_multi_value_headers_and_bodies(gw):
    lambda_function(gw, "v1-answers", """
        def handler(event, context):
            if event["path"] == "/object-body":  # AWS's 1.0 format: "body" is a string
                return {"statusCode": 200, "body": {"hey": "dude"}}
            return {"statusCode": 200, "body": "ok", "headers": {"x-same": "s"},
                    "multiValueHeaders": {"Set-Cookie": ["a=1; Path=/", "b=2; Path=/"],
                                          "x-same": ["s", "m2"]}}
    """)
    api = HttpApi(gw)
    api.route("GET /{proxy+}", api.function(
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:v1-answers", version="1.0",
        ResponseParameters={"200": {"append:header.x-same": "more"}}))
    api.stage()
    url = gw.http_api_url(api.id, "$default", "/cookies")
    assert header_lines(gw, url, "set-cookie", "x-same") == [
        ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"),
        ("x-same", "s"), ("x-same", "m2,more")]  # appended once, to the header's last line
    response = api.call("GET", "/cookies")
    assert (response.status_code, response.text) == (200, "ok")
    assert gw.http.cookies.get_dict() == {"a": "1", "b": "2"}
    expect_message(api.call("GET", "/object-body"), 500, "Internal Server Error")


def test_timeouts_errors_and_unknown_functions(gw):
    lambda_function(gw, "slow", """
        import time
        def handler(event, context):
            time.sleep(5)
            return "late"
    """, Timeout=10)
    lambda_function(gw, "cut", """
        import time
        def handler(event, context):
            time.sleep(5)
    """, Timeout=1)
    api = HttpApi(gw)
    api.route("GET /slow", api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:slow",
                                        TimeoutInMillis=300))
    api.route("GET /cut", api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:cut"))
    api.route("GET /missing", api.function(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nope"))
    api.stage()
    expect_message(api.call("GET", "/slow"), 503, "Service Unavailable")
    expect_message(api.call("GET", "/cut"), 500, "Internal Server Error")
    expect_message(api.call("GET", "/missing"), 500, "Internal Server Error")


def test_permissions_and_stage_variables_in_the_uri(echo):
    gw = echo
    lambda_function(gw, "other", """
        def handler(event, context):
            return "other"
    """)
    api = HttpApi(gw)
    api.route("GET /who", api.function(
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:${{stageVariables.fn}}"))
    api.stage(StageVariables={"fn": "other"})
    api.stage("echoing", StageVariables={"fn": "echo"})
    assert api.call("GET", "/who").content == b"other"
    assert event_of(api.call("GET", "/who", stage="echoing"))["routeKey"] == "GET /who"

    lam = gw.client("lambda")
    lam.add_permission(FunctionName="other", StatementId="elsewhere",
                       Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:otherapi/*/*")
    expect_message(api.call("GET", "/who"), 500, "Internal Server Error")
    lam.add_permission(FunctionName="other", StatementId="mine",
                       Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api.id}/*/GET/who")
    assert api.call("GET", "/who").content == b"other"

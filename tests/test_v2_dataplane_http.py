"""HTTP proxy integrations of HTTP APIs: what reaches the backend, request and response
parameter mapping, timeouts, unreachable backends, VPC links."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError

from tests.backend import Reply
from tests.helpers import error_of
from tests.http_api_support import HttpApi, expect_message


def seen_query(path: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(path).query, keep_blank_values=True)


def test_the_request_and_answer_pass_through(gw, backend):
    api = HttpApi(gw)
    api.route("ANY /api/{proxy+}", api.http(f"{backend.url}/base/{{proxy}}"))
    api.route("GET /fixed", api.http(f"{backend.url}/always", IntegrationMethod="POST"))
    api.stage()
    backend.replies["/base/teapot"] = Reply(418, [("Content-Type", "text/plain"),
                                                  ("X-From-Backend", "yes"),
                                                  ("Date", "Mon, 01 Jan 2001 00:00:00 GMT")],
                                            b"short and stout")
    answer = api.call("PUT", "/api/teapot?x=1&x=2", data=b"tea",
                      headers={"Content-Type": "text/plain", "X-Custom": "v",
                               "User-Agent": "probe/1"})
    assert (answer.status_code, answer.content) == (418, b"short and stout")
    assert answer.headers["X-From-Backend"] == "yes"
    assert answer.headers["date"] != "Mon, 01 Jan 2001 00:00:00 GMT"  # the gateway's own
    assert answer.headers["apigw-requestid"]
    seen = backend.seen[-1]
    assert (seen.method, seen.path, seen.body) == ("PUT", "/base/teapot?x=1&x=2", b"tea")
    assert seen.headers["X-Custom"] == "v"
    assert seen.headers["User-Agent"] == "probe/1"
    assert seen.headers["Content-Type"] == "text/plain"
    assert seen.headers["Host"] == backend.url.split("//")[1]
    assert seen.headers["X-Forwarded-For"] == "127.0.0.1"
    proto = "https" if gw.mode == "inprocess" else "http"
    assert seen.headers["X-Forwarded-Proto"] == proto
    assert seen.headers["Forwarded"].startswith("for=127.0.0.1;host=")
    assert seen.headers["X-Amzn-Trace-Id"].startswith("Root=1-")

    echoed = api.call("GET", "/fixed?q=1", data=b"kept").json()
    assert (echoed["method"], echoed["path"], echoed["body"]) == ("POST", "/always?q=1", "kept")
    bodyless = api.call("GET", "/api/x", data=b"dropped").json()  # GET sends no body on
    assert (bodyless["method"], bodyless["body"]) == ("GET", "")


def test_request_parameters_change_headers_query_and_path(gw, backend):
    api = HttpApi(gw)
    api.route("POST /items/{id}", api.http(backend.url, RequestParameters={
        "append:header.h-request-id": "$context.requestId",
        "overwrite:header.x-renamed": "$request.header.x-original",
        "remove:header.x-original": "''",
        "overwrite:header.x-combined":
            "${request.path.id}-${stageVariables.env}-$request.body.user.name",
        "overwrite:header.x-whole": "route $request.path on $context.stage",
        "overwrite:querystring.page": "$request.querystring.p",
        "append:querystring.tag": "static",
        "remove:querystring.drop": "''",
        "overwrite:path": "/rewritten/$request.path.id",
    }))
    api.stage("live", StageVariables={"env": "prod"})
    answer = api.call("POST", "/items/42?p=3&drop=1&tag=a", stage="live",
                      json={"user": {"name": "ada"}}, headers={"X-Original": "orig"})
    assert answer.status_code == 200
    seen = backend.seen[-1]
    assert seen.path.split("?")[0] == "/rewritten/42"
    assert seen_query(seen.path) == {"p": ["3"], "tag": ["a", "static"], "page": ["3"]}
    assert seen.headers["h-request-id"] == answer.headers["apigw-requestid"]
    assert seen.headers["x-renamed"] == "orig"
    assert "X-Original" not in seen.headers
    assert seen.headers["x-combined"] == "42-prod-ada"
    assert seen.headers["x-whole"] == "route /items/42 on live"
    assert json.loads(seen.body) == {"user": {"name": "ada"}}


def test_response_parameters_apply_by_status_code(gw, backend):
    api = HttpApi(gw)
    api.route("GET /{name}", api.http(f"{backend.url}/{{name}}", ResponseParameters={
        "404": {"overwrite:statuscode": "410", "append:header.x-gone": "$context.requestId",
                "remove:header.x-internal": "''"},
        "200": {"overwrite:header.x-from-body": "$response.body.id",
                "append:header.x-stage": "$stageVariables.env",
                "overwrite:header.x-echo": "$response.header.x-internal",
                "append:header.x-internal": "more"},
    }))
    api.stage(StageVariables={"env": "test"})
    backend.replies["/missing"] = Reply(404, [("X-Internal", "secret")], b"nope")
    backend.replies["/found"] = Reply(200, [("X-Internal", "inner"),
                                            ("Content-Type", "application/json")],
                                      b'{"id": "abc"}')
    gone = api.call("GET", "/missing")
    assert (gone.status_code, gone.content) == (410, b"nope")
    assert gone.headers["x-gone"] == gone.headers["apigw-requestid"]
    assert "x-internal" not in gone.headers
    found = api.call("GET", "/found")
    assert found.status_code == 200
    assert (found.headers["x-from-body"], found.headers["x-stage"]) == ("abc", "test")
    assert found.headers["x-echo"] == "inner"
    assert found.headers["x-internal"] == "inner,more"


def test_reserved_headers_cannot_be_mapped(gw, backend):
    api = HttpApi(gw)
    for key in ("overwrite:header.x-amzn-trace", "append:header.Authorization",
                "remove:header.content-length"):
        with pytest.raises(ClientError) as raised:
            api.http(backend.url, RequestParameters={key: "x"})
        code, message, status = error_of(raised)
        assert (code, status) == ("BadRequestException", 400)
        assert "is reserved and cannot be mapped" in message


def test_slow_and_unreachable_backends(gw, backend):
    held = threading.Event()
    backend.replies["/slow"] = Reply(hold=held)
    api = HttpApi(gw)
    api.route("GET /slow", api.http(f"{backend.url}/slow", TimeoutInMillis=200))
    api.route("GET /down", api.http("http://127.0.0.1:9/down"))
    api.stage()
    try:
        expect_message(api.call("GET", "/slow"), 504, "Gateway Timeout")
    finally:
        held.set()
    expect_message(api.call("GET", "/down"), 500, "Internal Server Error")


def test_vpc_link_integrations_and_stage_variables_reach_the_uri(gw, backend):
    api = HttpApi(gw)
    api.route("GET /private", api.http(f"{backend.url}/through-link",
                                       ConnectionType="VPC_LINK", ConnectionId="abc123"))
    api.route("GET /var", api.http("${stageVariables.base}/by-variable"))
    api.stage(StageVariables={"base": backend.url})
    assert api.call("GET", "/private").json()["path"] == "/through-link"
    assert api.call("GET", "/var").json()["path"] == "/by-variable"

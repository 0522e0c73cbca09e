"""REST API data-plane answers measured against AWS (issue 14): one test per difference,
through real HTTP requests (and boto3 for TestInvokeMethod), in-process and against a
server."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.backend import Reply
from tests.dataplane_support import request_with_host
from tests.guards import Api


def answer_headers(response) -> list[str]:
    """The answer's header names as sent (requests keeps their case)."""
    return list(response.headers.keys())


def test_test_invoke_method_falls_back_to_the_any_method(gw):
    c = gw.client()
    api = Api(gw, c)
    res = api.mock("/pets", "ANY", body='{"via": "$context.httpMethod"}')
    out = c.test_invoke_method(restApiId=api.id, resourceId=res, httpMethod="GET")
    assert (out["status"], out["body"]) == (200, '{"via": "GET"}')
    assert "HTTP Method: GET, Resource Path: /pets" in out["log"]


def test_test_invoke_method_log_lists_what_aws_lists(gw):
    c = gw.client()
    api = Api(gw, c)
    res = api.mock("/pets/{petId}", "GET")
    out = c.test_invoke_method(restApiId=api.id, resourceId=res, httpMethod="GET",
                               pathWithQueryString="/random")
    lines = [line.split(" : ", 1)[-1] for line in out["log"].splitlines()]
    assert "Method request path: {}" in lines
    assert "Method response headers: {Content-Type=application/json}" in lines
    assert out["headers"] == {"Content-Type": "application/json"}
    fitting = c.test_invoke_method(restApiId=api.id, resourceId=res, httpMethod="GET",
                                   pathWithQueryString="/pets/7")
    assert "Method request path: {petId=7}" in fitting["log"]


def test_mock_answers_carry_no_trace_id(gw, backend):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/mocked", "GET")
    api.http(backend.url + "/echo", "/proxied")
    api.deploy()
    mocked = gw.http.get(api.url("/mocked"), timeout=10)
    assert mocked.status_code == 200
    assert "X-Amzn-Trace-Id" not in mocked.headers
    assert mocked.headers["x-amzn-RequestId"]
    proxied = gw.http.get(api.url("/proxied"), timeout=10)
    assert proxied.headers["X-Amzn-Trace-Id"].startswith("Root=1-")


def test_a_resource_without_the_method_gives_way_to_a_sibling_proxy(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/{proxy+}", "ANY", body='{"resource": "$context.resourcePath"}')
    api.mock("/orders", "POST", body='{"resource": "orders"}')
    api.mock("/orders/{id}", "DELETE", body='{"resource": "order"}')
    api.deploy()
    got = gw.http.get(api.url("/orders"), timeout=10)
    assert (got.status_code, got.json()) == (200, {"resource": "/{proxy+}"})
    assert gw.http.post(api.url("/orders"), timeout=10).json() == {"resource": "orders"}
    assert gw.http.get(api.url("/orders/7"), timeout=10).json() == {"resource": "/{proxy+}"}
    assert gw.http.delete(api.url("/orders/7"), timeout=10).json() == {"resource": "order"}


def test_doubled_slashes_around_the_stage(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items", "GET", body='{"path": "$context.path"}')
    api.deploy()
    host = f"{api.id}.execute-api.us-east-1.amazonaws.com"
    for path in ("//dev/items", "/dev//items", "//dev//items/"):
        got = request_with_host(gw, "GET", host, path)
        assert got.status_code == 200, path
        assert got.json() == {"path": "/" + path.lstrip("/")}  # slashes after it are kept


def test_input_path_of_null_and_of_an_empty_payload(gw, backend):
    c = gw.client()
    api = Api(gw, c)
    template = ("#set($root = $input.path('$'))#set($a = $input.path('$.a'))"
                '{"rootNull": #if($root == $null)true#{else}false#end, '
                '"rootEmpty": #if($root == "")true#{else}false#end, '
                '"aNull": #if($a == $null)true#{else}false#end, '
                '"aEmpty": #if($a == "")true#{else}false#end}')
    res = api.resource("/check")
    c.put_method(restApiId=api.id, resourceId=res, httpMethod="POST", authorizationType="NONE")
    c.put_integration(restApiId=api.id, resourceId=res, httpMethod="POST", type="HTTP",
                      integrationHttpMethod="POST", uri=backend.url + "/echo",
                      requestTemplates={"application/json": template})
    c.put_method_response(restApiId=api.id, resourceId=res, httpMethod="POST",
                          statusCode="200")
    c.put_integration_response(restApiId=api.id, resourceId=res, httpMethod="POST",
                               statusCode="200", selectionPattern="")
    api.deploy()

    def check(body: bytes) -> dict:
        got = gw.http.post(api.url("/check"), data=body,
                           headers={"Content-Type": "application/json"}, timeout=10)
        assert got.status_code == 200
        return json.loads(got.json()["body"])  # what the template sent the backend

    assert check(b'{"a": null}') == {"rootNull": False, "rootEmpty": False, "aNull": True,
                                     "aEmpty": False}
    assert check(b"null") == {"rootNull": True, "rootEmpty": False, "aNull": False,
                              "aEmpty": True}
    assert check(b"") == {"rootNull": False, "rootEmpty": True, "aNull": False,
                          "aEmpty": True}


HOP_BY_HOP_AND_RESERVED = [("Keep-Alive", "timeout=5"), ("Upgrade", "h2c"),
                           ("Trailer", "Expires"), ("Proxy-Authenticate", "Basic"),
                           ("Server", "tea"), ("Date", "yesterday"), ("X-Custom", "kept")]


def test_hop_by_hop_and_reserved_answer_headers_are_remapped(gw, backend):
    c = gw.client()
    api = Api(gw, c)
    backend.replies["/hop"] = Reply(headers=[("Content-Type", "application/json"),
                                             *HOP_BY_HOP_AND_RESERVED], body=b'{"ok": 1}')
    api.http(backend.url + "/hop", "/proxied")
    api.mock("/mapped", "GET", response_parameters={
        "method.response.header.Upgrade": "'h2c'",
        "method.response.header.Keep-Alive": "'timeout=5'",
        "method.response.header.Connection": "'close'",
        "method.response.header.X-Custom": "'kept'"})
    api.deploy()
    proxied = gw.http.get(api.url("/proxied"), timeout=10)
    assert (proxied.status_code, proxied.json()) == (200, {"ok": 1})
    names = answer_headers(proxied)
    for name in ("Keep-Alive", "Upgrade", "Trailer", "Proxy-Authenticate"):
        assert f"x-amzn-Remapped-{name}" in names and name not in names
    assert "tea" in proxied.headers["x-amzn-Remapped-Server"]
    assert "yesterday" in proxied.headers["x-amzn-Remapped-Date"]
    assert proxied.headers["X-Custom"] == "kept"
    mapped = gw.http.get(api.url("/mapped"), timeout=10)
    assert mapped.status_code == 200
    assert mapped.headers["x-amzn-Remapped-Upgrade"] == "h2c"
    assert mapped.headers["x-amzn-Remapped-Keep-Alive"] == "timeout=5"
    assert mapped.headers["x-amzn-Remapped-Connection"] == "close"
    assert mapped.headers["X-Custom"] == "kept"
    assert "Upgrade" not in answer_headers(mapped)


def test_request_headers_aws_drops_before_an_http_backend(gw, backend):
    c = gw.client()
    api = Api(gw, c)
    api.http(backend.url + "/seen", "/proxied")
    api.deploy()
    sent = {"Content-Encoding": "identity", "Max-Forwards": "3", "Upgrade": "h2c",
            "WWW-Authenticate": "Basic", "Content-MD5": "Q2hlY2sgSW50ZWdyaXR5IQ==",
            "Via": "1.1 proxy", "X-Custom": "kept"}
    got = gw.http.get(api.url("/proxied"), headers=sent, timeout=10)
    assert got.status_code == 200
    seen = {name.lower(): value for name, value in backend.seen[-1].headers.items()}
    for name in ("content-encoding", "max-forwards", "upgrade", "www-authenticate",
                 "content-md5", "via", "x-forwarded-for"):
        assert name not in seen, name
    assert seen["x-custom"] == "kept"
    assert seen["x-amzn-apigateway-api-id"] == api.id
    forwarded = gw.http.get(api.url("/proxied"), headers={"X-Forwarded-For": "203.0.113.9"},
                            timeout=10)
    assert forwarded.status_code == 200
    assert backend.seen[-1].headers["X-Forwarded-For"] == "203.0.113.9"  # as sent, no more


def test_answer_header_names_keep_their_case(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items", "GET", response_parameters={
        "method.response.header.x-lower-Mixed": "'v'"})
    api.deploy()
    ok = gw.http.get(api.url("/items"), timeout=10)
    names = answer_headers(ok)
    assert {"x-amzn-RequestId", "x-amz-apigw-id", "x-lower-Mixed", "Content-Type", "Date",
            "Content-Length"} <= set(names)
    assert ok.headers["Content-Length"] == str(len(ok.content))
    missing = gw.http.get(api.url("/nothing"), timeout=10)
    assert {"x-amzn-RequestId", "x-amzn-ErrorType"} <= set(answer_headers(missing))


def test_request_header_names_reach_templates_as_sent(gw):
    """AWS hands mappings the client's header names as sent; so does mockgw serve."""
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items", "GET", body="#foreach($name in $input.params().header.keySet())"
                                   "#if($name.toLowerCase() == 'test-header')$name#end#end")
    api.deploy()
    response = gw.http.get(api.url("/items"), headers={"tEsT-HEADeR": "v"}, timeout=10)
    assert (response.status_code, response.text) == (200, "tEsT-HEADeR")


@pytest.fixture
def broken_backend() -> Iterator[dict[str, str]]:
    """Backends that answer with bytes that are no valid HTTP answer: name -> URL."""
    answers = {"garbage": b"garbage\r\n\r\n",
               "short": b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
               "status": b"HTTP/1.1 999 Weird\r\nContent-Length: 2\r\n\r\nok",
               "silent": b""}
    servers, urls = [], {}
    for name, payload in answers.items():
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        servers.append(listener)
        urls[name] = f"http://127.0.0.1:{listener.getsockname()[1]}"

        def serve(listener: socket.socket = listener, payload: bytes = payload) -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                with conn:
                    conn.recv(65536)
                    conn.sendall(payload)

        threading.Thread(target=serve, daemon=True).start()
    yield urls
    for listener in servers:
        listener.close()


def test_an_invalid_backend_answer_is_an_internal_server_error(gw, broken_backend):
    c = gw.client()
    api = Api(gw, c)
    for name, url in broken_backend.items():
        api.http(url, f"/{name}")
    api.deploy()
    for name in broken_backend:
        got = gw.http.get(api.url(f"/{name}"), timeout=30)
        assert got.status_code == 500, name
        assert got.headers["x-amzn-ErrorType"] == "InternalServerErrorException"
        assert got.json() == {"message": "Internal server error"}


def test_integration_failure_gateway_response_without_a_status_answers_500(gw, broken_backend):
    c = gw.client()
    api = Api(gw, c)
    api.http(broken_backend["garbage"], "/broken")
    shown = c.put_gateway_response(restApiId=api.id, responseType="INTEGRATION_FAILURE",
                                   responseTemplates={"application/json": '{"oops": true}'})
    assert shown["statusCode"] == "504"  # what the control plane shows, as on AWS
    api.deploy()
    got = gw.http.get(api.url("/broken"), timeout=30)
    assert (got.status_code, got.json()) == (500, {"oops": True})
    c.update_gateway_response(restApiId=api.id, responseType="INTEGRATION_FAILURE",
                              patchOperations=[{"op": "replace", "path": "/statusCode",
                                                "value": "502"}])
    api.deploy()
    assert gw.http.get(api.url("/broken"), timeout=30).status_code == 502


def test_binary_media_type_with_a_wildcard_type_matches_nothing(gw, backend):
    c = gw.client()
    api = Api(gw, c, binaryMediaTypes=["*/test", "image/*"])
    backend.replies["/bytes"] = Reply(headers=[("Content-Type", "image/png")], body=b"\x89PNG")
    res = api.resource("/bytes")
    c.put_method(restApiId=api.id, resourceId=res, httpMethod="GET", authorizationType="NONE")
    c.put_integration(restApiId=api.id, resourceId=res, httpMethod="GET", type="HTTP",
                      integrationHttpMethod="GET", uri=backend.url + "/bytes")
    c.put_method_response(restApiId=api.id, resourceId=res, httpMethod="GET",
                          statusCode="200")
    c.put_integration_response(restApiId=api.id, resourceId=res, httpMethod="GET",
                               statusCode="200", selectionPattern="")
    api.deploy()
    # Accept */test is no binary type (*/test matches nothing): the binary body goes base64
    as_text = gw.http.get(api.url("/bytes"), headers={"Accept": "*/test"}, timeout=10)
    assert (as_text.status_code, as_text.content) == (200, b"iVBORw==")
    as_binary = gw.http.get(api.url("/bytes"), headers={"Accept": "image/png"}, timeout=10)
    assert (as_binary.status_code, as_binary.content) == (200, b"\x89PNG")

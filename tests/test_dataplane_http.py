"""HTTP and HTTP_PROXY integrations against a real local backend."""

from __future__ import annotations

import gzip
import json
import threading

import requests

from tests.backend import Reply


def http_api(c, *, kind: str, uri: str, method: str = "GET", path: str = "items",
             integration: dict | None = None, method_kwargs: dict | None = None,
             stage_variables: dict | None = None) -> str:
    api = c.create_rest_api(name="http")
    res = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                            pathPart=path)["id"]
    c.put_method(restApiId=api["id"], resourceId=res, httpMethod=method,
                 authorizationType="NONE", **(method_kwargs or {}))
    c.put_integration(restApiId=api["id"], resourceId=res, httpMethod=method, type=kind,
                      integrationHttpMethod=method, uri=uri, **(integration or {}))
    if kind == "HTTP":
        c.put_method_response(restApiId=api["id"], resourceId=res, httpMethod=method,
                              statusCode="200",
                              responseParameters={"method.response.header.X-Out": True})
        c.put_integration_response(restApiId=api["id"], resourceId=res, httpMethod=method,
                                   statusCode="200", selectionPattern="",
                                   responseParameters={
                                       "method.response.header.X-Out":
                                           "integration.response.header.X-Backend"})
    c.create_deployment(restApiId=api["id"], stageName="dev", variables=stage_variables or {})
    return api["id"]


def test_http_proxy_passes_everything_through(gw, backend):
    backend.replies["/echo"] = Reply(status=418, headers=[
        ("Content-Type", "text/plain"), ("X-Backend", "yes"), ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"), ("Server", "tea")], body=b"short and stout")
    api_id = http_api(gw.client(), kind="HTTP_PROXY", uri=backend.url + "/echo", method="POST")
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items?a=1&a=2&b=x"), data=b"payload",
                            headers={"X-Client": "c1", "Content-Type": "text/plain"}, timeout=10)
    assert response.status_code == 418
    assert response.text == "short and stout"
    assert response.headers["X-Backend"] == "yes"
    assert "tea" in response.headers["x-amzn-Remapped-Server"]
    assert "Server" not in response.headers or response.headers["Server"] != "tea"
    assert "a=1" in response.headers["Set-Cookie"] and "b=2" in response.headers["Set-Cookie"]
    seen = backend.seen[-1]
    assert seen.method == "POST"
    assert seen.path == "/echo?a=1&a=2&b=x"
    assert seen.body == b"payload"
    assert seen.headers["X-Client"] == "c1"
    assert seen.headers["X-Amzn-Apigateway-Api-Id"] == api_id
    assert seen.headers["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert seen.headers["User-Agent"] != f"AmazonAPIGateway_{api_id}"  # the client's is kept


def test_http_non_proxy_maps_only_configured_parameters(gw, backend):
    backend.replies["/target/42"] = Reply(headers=[("Content-Type", "application/json"),
                                                   ("X-Backend", "mapped-out")],
                                          body=b'{"from": "backend"}')
    api_id = http_api(
        gw.client(), kind="HTTP", uri=backend.url + "/target/{id}",
        method_kwargs={"requestParameters": {"method.request.querystring.id": True,
                                             "method.request.header.X-Tenant": False}},
        integration={"requestParameters": {
            "integration.request.path.id": "method.request.querystring.id",
            "integration.request.header.X-Tenant-Id": "method.request.header.X-Tenant",
            "integration.request.querystring.stage": "context.stage",
            "integration.request.header.X-Static": "'fixed'"}})
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items?id=42&dropped=1"),
                           headers={"X-Tenant": "acme", "X-Not-Forwarded": "no"}, timeout=10)
    assert response.status_code == 200
    assert response.json() == {"from": "backend"}
    assert response.headers["X-Out"] == "mapped-out"
    assert "X-Backend" not in response.headers  # non-proxy: only mapped headers
    seen = backend.seen[-1]
    assert seen.path == "/target/42?stage=dev"
    assert seen.headers["X-Tenant-Id"] == "acme"
    assert seen.headers["X-Static"] == "fixed"
    assert "X-Not-Forwarded" not in seen.headers
    assert seen.headers["User-Agent"] == f"AmazonAPIGateway_{api_id}"
    assert seen.headers["Accept"] == "application/json"


def test_unmatched_status_without_default_is_a_configuration_error(gw, backend):
    backend.replies["/fail"] = Reply(status=500, body=b"{}")
    c = gw.client()
    api_id = http_api(c, kind="HTTP", uri=backend.url + "/fail")
    ids = c.get_resources(restApiId=api_id)["items"]
    res = next(r["id"] for r in ids if r["path"] == "/items")
    c.update_integration_response(restApiId=api_id, resourceId=res, httpMethod="GET",
                                  statusCode="200", patchOperations=[
        {"op": "replace", "path": "/selectionPattern", "value": "2\\d{2}"}])
    c.create_deployment(restApiId=api_id, stageName="dev")
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.status_code == 500
    assert response.content == b'{"message": "Internal server error"}'
    assert response.headers["x-amzn-ErrorType"] == "ApiConfigurationException"


def test_timeout_gives_504(gw, backend):
    release = threading.Event()
    backend.replies["/slow"] = Reply(hold=release)
    api_id = http_api(gw.client(), kind="HTTP_PROXY", uri=backend.url + "/slow",
                      integration={"timeoutInMillis": 50})
    try:
        response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    finally:
        release.set()
    assert response.status_code == 504
    assert response.content == b'{"message": "Endpoint request timed out"}'
    assert response.headers["x-amzn-ErrorType"] == "InternalServerErrorException"


def test_unreachable_backend_gives_500(gw):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once we leave: nothing listens there
    api_id = http_api(gw.client(), kind="HTTP_PROXY", uri=f"http://127.0.0.1:{port}/x")
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.status_code == 500
    assert response.content == b'{"message": "Internal server error"}'


def test_stage_variables_in_the_uri(gw, backend):
    host = backend.url.split("://")[1]
    api_id = http_api(gw.client(), kind="HTTP_PROXY",
                      uri="http://${stageVariables.host}/v/${stageVariables.version}",
                      stage_variables={"host": host, "version": "v2"})
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.status_code == 200
    assert response.json()["path"] == "/v/v2"


def test_access_log_in_stage_format(gw, backend):
    c = gw.client()
    api_id = http_api(c, kind="HTTP_PROXY", uri=backend.url + "/x")
    fmt = json.dumps({"requestId": "$context.requestId", "status": "$context.status",
                      "path": "$context.path", "stage": "$context.stage",
                      "deployment": "$context.deploymentId", "ip": "$context.identity.sourceIp"})
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/accessLogSettings/format", "value": fmt},
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": "arn:aws:logs:us-east-1:123456789012:log-group:access"}])
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    if gw.mode == "server":
        lines = gw.http.get(f"{gw.endpoint_url}/_mockgw/logs/{api_id}/dev",
                            timeout=10).json()["lines"]
    else:
        from mockgw.execute.accesslog import AccessLogs

        lines = gw.mock.instance.service("execute.accesslogs", AccessLogs).lines(api_id, "dev")
    entry = json.loads(lines[-1])
    stage = c.get_stage(restApiId=api_id, stageName="dev")
    assert entry == {"requestId": response.headers["x-amzn-RequestId"], "status": "200",
                     "path": "/dev/items", "stage": "dev",
                     "deployment": stage["deploymentId"], "ip": "127.0.0.1"}


def test_tracing_adds_trace_header(gw, backend):
    c = gw.client()
    api_id = http_api(c, kind="HTTP_PROXY", uri=backend.url + "/x")
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/tracingEnabled", "value": "true"}])
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.headers["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert backend.seen[-1].headers["X-Amzn-Trace-Id"] == response.headers["X-Amzn-Trace-Id"]


def test_header_mapping_survives_the_servers_header_case(gw, backend):
    """Behind a WSGI server header names arrive title-cased; mappings still find them."""
    api_id = http_api(
        gw.client(), kind="HTTP", uri=backend.url + "/target",
        integration={"requestParameters": {
            "integration.request.header.x-tenant-id": "method.request.header.tenant"}},
        method_kwargs={"requestParameters": {"method.request.header.tenant": False}})
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), headers={"tenant": "acme"},
                           timeout=10)
    assert response.status_code == 200
    assert backend.seen[-1].headers["x-tenant-id"] == "acme"


def test_only_gateway_headers_reach_a_non_proxy_backend(gw, backend):
    """Non-proxy HTTP sends AWS's defaults and nothing of an HTTP client library's own
    (no Accept-Encoding, no cookies kept from an earlier answer)."""
    backend.replies["/target/42"] = Reply(headers=[("Content-Type", "application/json"),
                                                   ("Set-Cookie", "session=abc")],
                                          body=b"{}")
    api_id = http_api(gw.client(), kind="HTTP", uri=backend.url + "/target/42")
    for _ in range(2):  # the second call must not carry the first answer's cookie
        response = requests.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
        assert response.status_code == 200
    first, second = backend.seen[-2:]
    assert first.headers == second.headers | {"X-Amzn-Trace-Id": first.headers["X-Amzn-Trace-Id"]}
    assert sorted(second.headers) == ["Accept", "Connection", "Host", "User-Agent",
                                      "X-Amzn-Apigateway-Api-Id", "X-Amzn-Trace-Id"]
    assert second.headers["Accept"] == "application/json"
    assert second.headers["Connection"] == "keep-alive"
    assert second.headers["User-Agent"] == f"AmazonAPIGateway_{api_id}"


def test_proxy_cookies_are_the_clients_only(gw, backend):
    backend.replies["/echo"] = Reply(headers=[("Set-Cookie", "session=abc")], body=b"{}")
    api_id = http_api(gw.client(), kind="HTTP_PROXY", uri=backend.url + "/echo")
    assert requests.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10).status_code == 200
    response = requests.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10,
                            headers={"Cookie": "mine=1"})
    assert response.status_code == 200
    assert backend.seen[-1].headers["Cookie"] == "mine=1"
    requests.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert "Cookie" not in backend.seen[-1].headers


def test_compressed_proxy_answer_reaches_the_client_decoded(gw, backend):
    """HTTP_PROXY drops the backend's Content-Encoding: the body is passed on decoded."""
    data = json.dumps({"hello": "world" * 50}).encode()
    backend.replies["/packed"] = Reply(headers=[("Content-Type", "application/json"),
                                                ("Content-Encoding", "gzip")],
                                       body=gzip.compress(data, mtime=0))
    api_id = http_api(gw.client(), kind="HTTP_PROXY", uri=backend.url + "/packed")
    response = requests.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10,
                            headers={"Accept-Encoding": "gzip"}, stream=True)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.raw.read(decode_content=False) == data
    assert backend.seen[-1].headers["Accept-Encoding"] == "gzip"  # the client's

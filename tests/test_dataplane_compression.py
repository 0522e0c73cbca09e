"""Payload compression of REST APIs: compressed answers (``minimumCompressionSize``,
``Accept-Encoding``) and compressed method requests (``Content-Encoding``)."""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import zlib
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.backend import Reply
from tests.guards import Api, expect_error, freeze
from tests.lambda_support import create
from tests.test_dataplane_lambda import function_uri, lambda_api

BODY = '{"pets": ["dog", "cat", "fish"], "note": "a payload worth compressing"}'
DOG = json.dumps({"pet": "dog", "name": "Rex"}).encode()
TEMPLATE = '{"kind": $input.json(\'$.pet\'), "raw": "$util.escapeJavaScript($input.body)"}'


def exchange(gw: Any, url: str, *, method: str = "GET", headers: dict | None = None,
             body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """``(status, headers by lower-case name, body)``, the body's bytes as they came (not
    decoded); only the headers given are sent, no ``Accept-Encoding`` of a client's own:
    ``http.client`` on the server, ``requests`` in-process (its default removed)."""
    headers = dict(headers or {})
    if gw.mode == "server":
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.putrequest(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                                  skip_accept_encoding=True)
            if body is not None:
                headers["Content-Length"] = str(len(body))
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders(body)
            answer = connection.getresponse()
            raw = answer.read()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, raw
        finally:
            connection.close()
    response = gw.http.request(method, url, data=body, stream=True, timeout=30,
                               headers={"Accept-Encoding": None, **headers})
    raw = response.raw.read(decode_content=False)
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}, raw


def compressing_api(gw, c, *, minimum: int | None = 0, body: str = BODY, **api_kwargs) -> Api:
    """``GET /items`` answering ``body`` (MOCK), on an API with ``minimumCompressionSize``."""
    if minimum is not None:
        api_kwargs["minimumCompressionSize"] = minimum
    api = Api(gw, c, **api_kwargs)
    api.mock("/items", body=body)
    return api.deploy()


# -- compressed answers ----------------------------------------------------------------------

@pytest.mark.parametrize(("coding", "decompress"), [("gzip", gzip.decompress),
                                                    ("deflate", zlib.decompress)])
def test_answers_are_compressed_with_the_coding_asked_for(gw, coding, decompress):
    api = compressing_api(gw, gw.client())
    status, headers, raw = exchange(gw, api.url(), headers={"Accept-Encoding": coding})
    assert status == 200
    assert headers["content-encoding"] == coding
    assert headers["content-length"] == str(len(raw))
    assert raw != BODY.encode()
    assert decompress(raw) == BODY.encode()
    assert headers["content-type"] == "application/json"


def test_requests_users_get_the_answer_decoded(gw):
    """``requests`` asks for gzip by default and decodes what comes back, in-process too."""
    api = compressing_api(gw, gw.client())
    response = gw.http.get(api.url(), timeout=10)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.json() == json.loads(BODY)


def test_minimum_compression_size_is_a_threshold(gw):
    c = gw.client()
    size = len(BODY.encode())
    api = compressing_api(gw, c, minimum=size)  # at the minimum: compressed
    status, headers, raw = exchange(gw, api.url(), headers={"Accept-Encoding": "gzip"})
    assert (status, headers["content-encoding"], gzip.decompress(raw)) == (
        200, "gzip", BODY.encode())
    c.update_rest_api(restApiId=api.id, patchOperations=[
        {"op": "replace", "path": "/minimumCompressionSize", "value": str(size + 1)}])
    status, headers, raw = exchange(gw, api.url(), headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" in headers  # the deployed API still compresses
    api.deploy()
    status, headers, raw = exchange(gw, api.url(), headers={"Accept-Encoding": "gzip"})
    assert (status, "content-encoding" in headers, raw) == (200, False, BODY.encode())
    c.update_rest_api(restApiId=api.id, patchOperations=[
        {"op": "replace", "path": "/minimumCompressionSize", "value": ""}])
    api.deploy()  # compression off
    status, headers, raw = exchange(gw, api.url(), headers={"Accept-Encoding": "gzip"})
    assert ("content-encoding" in headers, raw) == (False, BODY.encode())


ACCEPT_ENCODINGS = [  # Accept-Encoding, the coding of the answer (None: not compressed)
    (None, None),  # no header means "*": not compressed
    ("", None),
    ("*", None),
    ("identity", None),
    ("br", None),  # a coding API Gateway lacks
    ("br, gzip", None),  # the highest-priority coding must be one API Gateway supports
    ("gzip, deflate, br", "gzip"),
    ("GZip", "gzip"),
    ("deflate;q=0.5,gzip;q=1.0", "gzip"),
    ("gzip;q=1.0,identity;q=0.5,*;q=0", "gzip"),
    ("gzip;q=0.2, deflate;q=0.8", "deflate"),
    ("br;q=0.9, deflate", "deflate"),
    ("gzip;q=0", None),
    ("identity;q=0.5, gzip;q=0.4", None),
]


def test_the_highest_priority_accepted_coding_decides(gw):
    api = compressing_api(gw, gw.client())
    for accept, coding in ACCEPT_ENCODINGS:
        headers = {} if accept is None else {"Accept-Encoding": accept}
        status, answer_headers, raw = exchange(gw, api.url(), headers=headers)
        assert (status, answer_headers.get("content-encoding")) == (200, coding), accept
        unpacked = {"gzip": gzip.decompress, "deflate": zlib.decompress}.get(coding)
        assert (unpacked(raw) if unpacked else raw) == BODY.encode()


def test_no_compression_unless_the_api_asks_for_it(gw):
    api = compressing_api(gw, gw.client(), minimum=None)
    status, headers, raw = exchange(gw, api.url(), headers={"Accept-Encoding": "gzip"})
    assert (status, "content-encoding" in headers, raw) == (200, False, BODY.encode())


def test_gateway_errors_head_and_bodiless_answers_are_not_compressed(gw):
    c = gw.client()
    api = compressing_api(gw, c)
    api.mock("/items", "HEAD", body=BODY)
    api.mock("/empty", status="204", body="")
    api.mock("/nothing", body="")
    api.deploy()
    status, headers, raw = exchange(gw, api.url("/nope"), headers={"Accept-Encoding": "gzip"})
    assert (status, "content-encoding" in headers) == (403, False)
    assert json.loads(raw) == {"message": "Missing Authentication Token"}
    status, headers, raw = exchange(gw, api.url(), method="HEAD",
                                    headers={"Accept-Encoding": "gzip"})
    assert (status, "content-encoding" in headers, raw) == (200, False, b"")
    for path, expected in (("/empty", 204), ("/nothing", 200)):
        status, headers, raw = exchange(gw, api.url(path), headers={"Accept-Encoding": "gzip"})
        assert (status, "content-encoding" in headers, raw) == (expected, False, b"")


def test_binary_answers_are_compressed_too(gw, backend):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    backend.replies["/img"] = Reply(headers=[("Content-Type", "image/png")], body=png)
    api = Api(gw, gw.client(), minimumCompressionSize=0, binaryMediaTypes=["image/png"])
    api.http(backend.url + "/img")
    api.deploy()
    status, headers, raw = exchange(gw, api.url(), headers={"Accept": "image/png",
                                                            "Accept-Encoding": "gzip"})
    assert (status, headers["content-encoding"]) == (200, "gzip")
    assert gzip.decompress(raw) == png


def test_an_answer_the_backend_encoded_is_not_compressed_again(gw, backend):
    """An integration response with a ``Content-Encoding`` is taken as compressed already;
    HTTP_PROXY passes the backend's body on decoded, without the header."""
    backend.replies["/packed"] = Reply(headers=[("Content-Type", "application/json"),
                                                ("Content-Encoding", "gzip")],
                                       body=gzip.compress(BODY.encode(), mtime=0))
    api = Api(gw, gw.client(), minimumCompressionSize=0)
    api.http(backend.url + "/packed")
    api.deploy()
    status, headers, raw = exchange(gw, api.url(), headers={"Accept-Encoding": "gzip"})
    assert (status, "content-encoding" in headers, raw) == (200, False, BODY.encode())


def test_a_lambda_proxy_answer_with_its_own_coding_passes_as_it_is(gw):
    packed = gzip.compress(BODY.encode(), mtime=0)
    create(gw.client("lambda"), "packed", f"""
        def handler(event, context):
            return {{"statusCode": 200, "isBase64Encoded": True,
                     "headers": {{"Content-Type": "application/json",
                                  "Content-Encoding": "gzip"}},
                     "body": "{base64.b64encode(packed).decode()}"}}
    """)
    api_id, _ = lambda_api(gw.client(), function_uri("packed"), binaryMediaTypes=["*/*"],
                           minimumCompressionSize=0)
    status, headers, raw = exchange(gw, gw.invoke_url(api_id, "dev", "/x"), headers={
        "Accept": "application/json", "Accept-Encoding": "gzip"})
    assert (status, headers["content-encoding"], raw) == (200, "gzip", packed)


def test_the_stage_cache_keeps_answers_uncompressed(gw, backend):
    c = gw.client()
    api = Api(gw, c, minimumCompressionSize=0)
    api.http(backend.url + "/backend")
    api.deploy()
    api.update_stage(("/cacheClusterEnabled", "true"), ("/*/*/caching/enabled", "true"))
    freeze(gw)
    status, headers, first = exchange(gw, api.url(), headers={"Accept-Encoding": "gzip"})
    assert (status, headers["content-encoding"]) == (200, "gzip")
    status, headers, second = exchange(gw, api.url())  # a hit, for a client without gzip
    assert (status, "content-encoding" in headers) == (200, False)
    assert second == gzip.decompress(first)
    status, headers, third = exchange(gw, api.url(), headers={"Accept-Encoding": "deflate"})
    assert zlib.decompress(third) == second
    assert len(backend.seen) == 1


def test_test_invoke_method_answers_uncompressed(gw):
    c = gw.client()
    api = compressing_api(gw, c)
    out = c.test_invoke_method(restApiId=api.id, resourceId=api.resource("/items"),
                               httpMethod="GET", headers={"Accept-Encoding": "gzip"})
    assert (out["status"], out["body"]) == (200, BODY)
    assert "Content-Encoding" not in out["headers"]


# -- compressed requests ---------------------------------------------------------------------

def test_a_compressed_request_is_validated_and_mapped_decompressed(gw, backend):
    """Decompressed before validation and templates, whether or not the API compresses
    answers (no ``minimumCompressionSize`` here)."""
    c = gw.client()
    api = Api(gw, c)
    c.create_model(restApiId=api.id, name="Pet", contentType="application/json",
                   schema=json.dumps({"type": "object", "required": ["pet"]}))
    validator = c.create_request_validator(restApiId=api.id, name="body",
                                           validateRequestBody=True)
    res = api.resource("/items")
    c.put_method(restApiId=api.id, resourceId=res, httpMethod="POST", authorizationType="NONE",
                 requestValidatorId=validator["id"], requestModels={"application/json": "Pet"})
    c.put_integration(restApiId=api.id, resourceId=res, httpMethod="POST", type="HTTP",
                      integrationHttpMethod="POST", uri=backend.url + "/mapped",
                      requestTemplates={"application/json": TEMPLATE})
    c.put_method_response(restApiId=api.id, resourceId=res, httpMethod="POST", statusCode="200")
    c.put_integration_response(restApiId=api.id, resourceId=res, httpMethod="POST",
                               statusCode="200", selectionPattern="")
    api.deploy()
    for coding, packed in (("gzip", gzip.compress(DOG)), ("deflate", zlib.compress(DOG)),
                           ("deflate", _raw_deflate(DOG)), ("identity", DOG),
                           ("deflate, gzip", gzip.compress(zlib.compress(DOG)))):
        status, _, _ = exchange(gw, api.url(), method="POST", body=packed, headers={
            "Content-Type": "application/json", "Content-Encoding": coding})
        assert status == 200, coding
        assert json.loads(backend.seen[-1].body) == {"kind": "dog", "raw": DOG.decode()}
    status, _, raw = exchange(gw, api.url(), method="POST", body=gzip.compress(b"{}"),
                              headers={"Content-Type": "application/json",
                                       "Content-Encoding": "gzip"})
    assert (status, json.loads(raw)) == (400, {"message": "Invalid request body"})


def _raw_deflate(data: bytes) -> bytes:
    """A raw deflate stream (no zlib header), as some clients send for ``deflate``."""
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def test_an_http_proxy_backend_gets_the_request_decompressed(gw, backend):
    api = Api(gw, gw.client())
    api.http(backend.url + "/echo", method="POST")
    api.deploy()
    data = "ünïcode payload ".encode() * 20
    status, _, _ = exchange(gw, api.url(), method="POST", body=gzip.compress(data),
                            headers={"Content-Type": "text/plain", "Content-Encoding": "gzip",
                                     "X-Client": "c1"})
    assert status == 200
    seen = backend.seen[-1]
    assert seen.body == data
    assert "Content-Encoding" not in seen.headers
    assert seen.headers["Content-Length"] == str(len(data))
    assert seen.headers["X-Client"] == "c1"


def test_a_lambda_proxy_event_carries_the_request_decompressed(gw):
    """The event's body is the decompressed payload; its headers are the client's, the
    ``Content-Encoding`` included (as API Gateway sends them)."""
    create(gw.client("lambda"), "echo", """
        import json
        def handler(event, context):
            return {"statusCode": 200, "body": json.dumps(event)}
    """)
    api_id, _ = lambda_api(gw.client(), function_uri("echo"))
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/pets"), data=gzip.compress(DOG),
                            headers={"Content-Type": "application/json",
                                     "Content-Encoding": "gzip"}, timeout=30)
    assert response.status_code == 200
    event = response.json()
    assert (event["body"], event["isBase64Encoded"]) == (DOG.decode(), False)
    assert event["headers"]["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(("coding", "body"), [
    ("gzip", b'{"pet": "dog"}'),  # not compressed
    ("gzip", gzip.compress(DOG)[:-6]),  # cut short
    ("gzip", gzip.compress(DOG) + b"trailing"),
    ("deflate", gzip.compress(DOG)),  # the wrong coding
    ("br", DOG),  # a coding API Gateway does not support
    ("gzip, br", DOG),
])
def test_an_undecodable_request_is_unsupported_media_type(gw, backend, coding, body):
    api = Api(gw, gw.client())
    api.http(backend.url + "/echo", method="POST")
    api.deploy()
    response = api.call("POST", data=body, headers={"Content-Type": "application/json",
                                                    "Content-Encoding": coding})
    expect_error(response, 415, "BadRequestException", "Unsupported Media Type")
    assert backend.seen == []


def test_a_request_that_decodes_past_the_payload_limit_is_too_large(gw, backend):
    """API Gateway's 10 MB payload limit holds for the decoded payload too: 10 KB of gzip
    that would inflate to 11 MB is refused without being held whole."""
    api = Api(gw, gw.client())
    api.http(backend.url + "/echo", method="POST")
    api.deploy()
    bomb = gzip.compress(b"0" * (11 * 1024 * 1024))
    assert len(bomb) < 20 * 1024
    response = api.call("POST", data=bomb, headers={"Content-Type": "application/json",
                                                    "Content-Encoding": "gzip"})
    assert response.status_code == 413
    assert response.json() == {"message": "Request Too Long"}
    assert backend.seen == []
    at_limit = gzip.compress(b" " * (10 * 1024 * 1024 - 2) + b"{}")
    response = api.call("POST", data=at_limit, headers={"Content-Type": "application/json",
                                                        "Content-Encoding": "gzip"})
    assert response.status_code == 200, response.text


def test_the_415_is_the_apis_unsupported_media_type_response(gw, backend):
    c = gw.client()
    api = Api(gw, c)
    api.http(backend.url + "/echo", method="POST")
    c.put_gateway_response(restApiId=api.id, responseType="UNSUPPORTED_MEDIA_TYPE",
                           responseTemplates={"application/json":
                                              '{"why": "$context.error.responseType"}'})
    api.deploy()
    response = api.call("POST", data=b"not gzip", headers={"Content-Encoding": "gzip"})
    assert (response.status_code, response.json()) == (415, {"why": "UNSUPPORTED_MEDIA_TYPE"})

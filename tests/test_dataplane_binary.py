"""Binary media types and contentHandling, per AWS's content type conversion tables."""

from __future__ import annotations

import base64

import pytest

from tests.backend import Reply
from tests.dataplane_support import new_api, set_method

PNG = b"\x89PNG\r\n\x1a\n\x00\xff\xfe"
NOT_UTF8 = b"caf\xe9"  # latin-1, invalid UTF-8


def binary_api(c, backend, *, kind: str = "HTTP", handling: str | None = None,
               response_handling: str | None = None,
               media_types: tuple[str, ...] = ("image/png", "application/octet-stream"),
               map_content_type: bool = True) -> str:
    api_id, res = new_api(c, binaryMediaTypes=list(media_types))
    integration = {"type": kind, "integrationHttpMethod": "POST", "uri": backend.url + "/bin"}
    if handling:
        integration["contentHandling"] = handling
    response: dict = {"selectionPattern": ""}
    if response_handling:
        response["contentHandling"] = response_handling
    if map_content_type:
        response["responseParameters"] = {
            "method.response.header.Content-Type": "integration.response.header.Content-Type"}
    set_method(c, api_id, res, method="POST", integration=integration,
               responses=None if kind == "HTTP_PROXY" else {"200": response})
    c.create_deployment(restApiId=api_id, stageName="dev")
    return api_id


def post(gw, api_id, body: bytes, content_type: str, accept: str | None = None):
    headers = {"Content-Type": content_type}
    if accept:
        headers["Accept"] = accept
    return gw.http.post(gw.invoke_url(api_id, "dev", "/items"), data=body, headers=headers,
                        timeout=10)


# -- request payloads ------------------------------------------------------------------------

REQUEST_CASES = [
    # Content-Type, contentHandling, body sent, body the backend receives
    ("image/png", None, PNG, PNG),
    ("image/png", "CONVERT_TO_BINARY", PNG, PNG),
    ("image/png", "CONVERT_TO_TEXT", PNG, base64.b64encode(PNG)),
    ("text/plain", None, NOT_UTF8, b"caf\xef\xbf\xbd"),  # text is UTF-8: bad bytes replaced
    ("text/plain", "CONVERT_TO_TEXT", b"plain", b"plain"),
    ("text/plain", "CONVERT_TO_BINARY", base64.b64encode(PNG), PNG),
]


@pytest.mark.parametrize(("content_type", "handling", "sent", "received"), REQUEST_CASES)
def test_request_payload_conversions(gw, backend, content_type, handling, sent, received):
    api_id = binary_api(gw.client(), backend, handling=handling)
    response = post(gw, api_id, sent, content_type)
    assert response.status_code == 200
    assert backend.seen[-1].body == received


def test_request_base64_decoding_failure_is_a_configuration_error(gw, backend):
    api_id = binary_api(gw.client(), backend, handling="CONVERT_TO_BINARY")
    response = post(gw, api_id, b"not base64!", "text/plain")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal server error"}
    assert response.headers["x-amzn-ErrorType"] == "ApiConfigurationException"
    assert backend.seen == []


def test_binary_media_type_wildcards(gw, backend):
    api_id = binary_api(gw.client(), backend, handling="CONVERT_TO_TEXT",
                        media_types=("image/*",))
    post(gw, api_id, PNG, "image/jpeg")
    assert backend.seen[-1].body == base64.b64encode(PNG)
    post(gw, api_id, b"x", "text/plain")
    assert backend.seen[-1].body == b"x"


# -- response payloads -----------------------------------------------------------------------

RESPONSE_CASES = [
    # backend Content-Type, backend body, client Accept, contentHandling, client receives
    ("image/png", PNG, "image/png", None, PNG),
    ("image/png", PNG, "application/json", None, base64.b64encode(PNG)),
    ("image/png", PNG, "image/png", "CONVERT_TO_TEXT", base64.b64encode(PNG)),
    ("image/png", PNG, "application/json", "CONVERT_TO_BINARY", PNG),
    ("text/plain", base64.b64encode(PNG), "image/png", None, PNG),
    ("text/plain", base64.b64encode(PNG), "text/plain", "CONVERT_TO_BINARY", PNG),
    ("text/plain", base64.b64encode(PNG), "image/png", "CONVERT_TO_TEXT",
     base64.b64encode(PNG)),
    ("text/plain", NOT_UTF8, "text/plain", None, b"caf\xef\xbf\xbd"),
    # only the first Accept type counts
    ("image/png", PNG, "application/json, image/png", None, base64.b64encode(PNG)),
    ("image/png", PNG, "image/png, application/json", None, PNG),
]


@pytest.mark.parametrize(("backend_type", "backend_body", "accept", "handling", "received"),
                         RESPONSE_CASES)
def test_response_payload_conversions(gw, backend, backend_type, backend_body, accept,
                                      handling, received):
    backend.replies["/bin"] = Reply(headers=[("Content-Type", backend_type)], body=backend_body)
    api_id = binary_api(gw.client(), backend, response_handling=handling)
    response = post(gw, api_id, b"{}", "application/json", accept=accept)
    assert response.status_code == 200
    assert response.content == received
    assert response.headers["Content-Type"] == backend_type  # as mapped


def test_response_content_type_is_json_unless_mapped(gw, backend):
    backend.replies["/bin"] = Reply(headers=[("Content-Type", "image/png")], body=PNG)
    api_id = binary_api(gw.client(), backend, map_content_type=False)
    response = post(gw, api_id, b"{}", "application/json", accept="image/png")
    assert response.content == PNG
    assert response.headers["Content-Type"] == "application/json"


def test_response_template_sees_the_base64_text_of_binary_payloads(gw, backend):
    backend.replies["/bin"] = Reply(headers=[("Content-Type", "image/png")], body=PNG)
    c = gw.client()
    api_id, res = new_api(c, binaryMediaTypes=["image/png"])
    set_method(c, api_id, res, method="POST", integration={
        "type": "HTTP", "integrationHttpMethod": "POST", "uri": backend.url + "/bin"},
        responses={"200": {"selectionPattern": "", "contentHandling": "CONVERT_TO_TEXT",
                           "responseTemplates": {"application/json":
                                                 '{"data": "$input.body"}'}}})
    c.create_deployment(restApiId=api_id, stageName="dev")
    response = post(gw, api_id, b"{}", "application/json")
    assert response.json() == {"data": base64.b64encode(PNG).decode()}


def test_http_proxy_follows_the_same_tables(gw, backend):
    backend.replies["/bin"] = Reply(headers=[("Content-Type", "image/png")], body=PNG)
    api_id = binary_api(gw.client(), backend, kind="HTTP_PROXY")
    assert post(gw, api_id, PNG, "image/png", accept="image/png").content == PNG
    assert backend.seen[-1].body == PNG
    as_text = post(gw, api_id, b"{}", "application/json", accept="*/*")
    assert as_text.content == base64.b64encode(PNG)
    assert as_text.headers["Content-Type"] == "image/png"
    post(gw, api_id, NOT_UTF8, "text/plain")
    assert backend.seen[-1].body == b"caf\xef\xbf\xbd"

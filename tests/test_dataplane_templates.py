"""MOCK integrations end to end, mapping templates, overrides and passthrough behaviour,
through the data plane (in-process and against a server)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.backend import Reply
from tests.dataplane_support import freeze_clock, new_api, set_method

SCOPED = ('#if($input.params("scope") == "internal"){"statusCode": 200}'
          '#elseif($input.params("scope") == "gone"){"statusCode": 410}'
          '#else{"statusCode": 403}#end')


def mock_integration(templates: dict[str, str] | None = None, **kwargs) -> dict:
    integration = {"type": "MOCK", **kwargs}
    if templates is not None:
        integration["requestTemplates"] = templates
    return integration


def deploy(c, api_id: str, **kwargs) -> str:
    return c.create_deployment(restApiId=api_id, stageName="dev", **kwargs)["id"]


def test_request_template_decides_the_status_and_selection_patterns_match_whole(gw):
    c = gw.client()
    api_id, res = new_api(c)
    set_method(c, api_id, res, integration=mock_integration({"application/json": SCOPED}),
               responses={
                   "200": {"responseTemplates": {"application/json": '{"ok": true}'}},
                   "403": {"selectionPattern": "40[0-3]",
                           "responseTemplates": {"application/json": '{"error": "no"}'}},
                   # AWS matches the whole status: "4" does not select 410
                   "404": {"selectionPattern": "4",
                           "responseTemplates": {"application/json": '{"error": "404"}'}},
               })
    deploy(c, api_id)
    url = gw.invoke_url(api_id, "dev", "/items")
    internal = gw.http.get(url, params={"scope": "internal"}, timeout=10)
    assert (internal.status_code, internal.json()) == (200, {"ok": True})
    assert internal.headers["Content-Type"] == "application/json"
    denied = gw.http.get(url, timeout=10)
    assert (denied.status_code, denied.json()) == (403, {"error": "no"})
    assert "x-amzn-ErrorType" not in denied.headers  # an integration answer, not an error
    gone = gw.http.get(url, params={"scope": "gone"}, timeout=10)
    assert (gone.status_code, gone.json()) == (200, {"ok": True})  # the default response


def test_mock_without_request_template_answers_the_default_response(gw):
    c = gw.client()
    api_id, res = new_api(c)
    set_method(c, api_id, res, integration=mock_integration(),
               responses={"201": {"responseTemplates": {"application/json": "done"}}})
    deploy(c, api_id)
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert (response.status_code, response.text) == (201, "done")


def test_unmatched_mock_status_without_default_is_a_configuration_error(gw):
    c = gw.client()
    api_id, res = new_api(c)
    set_method(c, api_id, res,
               integration=mock_integration({"application/json": '{"statusCode": 500}'}),
               responses={"200": {"selectionPattern": "2\\d{2}"}})
    deploy(c, api_id)
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.status_code == 500
    assert response.content == b'{"message": "Internal server error"}'
    assert response.headers["x-amzn-ErrorType"] == "ApiConfigurationException"


def test_response_parameters_map_context_stage_variables_and_statics(gw):
    c = gw.client()
    api_id, res = new_api(c)
    set_method(c, api_id, res,
               integration=mock_integration({"application/json": '{"statusCode": 200}'}),
               responses={"200": {"responseParameters": {
                   "method.response.header.X-Request-Id": "context.requestId",
                   "method.response.header.X-Api": "context.apiId",
                   "method.response.header.X-Env": "stageVariables.env",
                   "method.response.header.X-Static": "'fixed'",
               }}})
    deploy(c, api_id, variables={"env": "test"})
    response = gw.http.get(gw.invoke_url(api_id, "dev", "/items"), timeout=10)
    assert response.status_code == 200
    assert response.headers["X-Request-Id"] == response.headers["x-amzn-RequestId"]
    assert response.headers["X-Api"] == api_id
    assert response.headers["X-Env"] == "test"
    assert response.headers["X-Static"] == "fixed"


def test_response_template_is_chosen_by_accept(gw):
    c = gw.client()
    api_id, res = new_api(c)
    set_method(c, api_id, res,
               integration=mock_integration({"application/json": '{"statusCode": 200}'}),
               responses={"200": {"responseTemplates": {
                   "application/xml": "<ok/>", "text/plain": "ok",
                   "application/json": '{"ok": 1}'}}})
    deploy(c, api_id)
    url = gw.invoke_url(api_id, "dev", "/items")
    for accept, body, content_type in (("application/xml", b"<ok/>", "application/xml"),
                                       ("text/plain", b"ok", "text/plain"),
                                       ("image/png", b'{"ok": 1}', "application/json"),
                                       (None, b'{"ok": 1}', "application/json")):
        headers = {"Accept": accept} if accept else {}
        response = gw.http.get(url, headers=headers, timeout=10)
        assert (response.content, response.headers["Content-Type"]) == (body, content_type)


def test_response_overrides_set_status_and_headers(gw):
    c = gw.client()
    api_id, res = new_api(c)
    template = ('#set($context.responseOverride.status = $input.params("status"))'
                '#set($context.responseOverride.header.X-Over = "yes")'
                '#set($context.responseOverride.header.X-Mapped = "override")teapot')
    set_method(c, api_id, res,
               integration=mock_integration({"application/json": '{"statusCode": 200}'}),
               responses={"200": {
                   "responseTemplates": {"application/json": template},
                   "responseParameters": {"method.response.header.X-Mapped": "'mapping'"}}})
    deploy(c, api_id)
    url = gw.invoke_url(api_id, "dev", "/items")
    response = gw.http.get(url, params={"status": "418"}, timeout=10)
    assert (response.status_code, response.text) == (418, "teapot")
    assert response.headers["X-Over"] == "yes"
    assert response.headers["X-Mapped"] == "override"  # overrides come after mappings
    ignored = gw.http.get(url, params={"status": "700"}, timeout=10)
    assert ignored.status_code == 200  # not a status code: AWS ignores the override


def test_request_overrides_change_the_integration_request(gw, backend):
    c = gw.client()
    api_id, res = new_api(c)
    template = ('#set($context.requestOverride.header.X-Over = "o")'
                '#set($context.requestOverride.querystring.q = "2")'
                '#set($context.requestOverride.path.id = "77")'
                '{"sent": true}')
    set_method(c, api_id, res, method="POST", integration={
        "type": "HTTP", "integrationHttpMethod": "POST", "uri": backend.url + "/target/{id}",
        "requestParameters": {"integration.request.path.id": "'1'",
                              "integration.request.querystring.q": "'1'"},
        "requestTemplates": {"application/json": template}},
        responses={"200": {"selectionPattern": ""}})
    deploy(c, api_id)
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items"), json={"a": 1}, timeout=10)
    assert response.status_code == 200
    seen = backend.seen[-1]
    assert seen.path == "/target/77?q=2"
    assert seen.headers["X-Over"] == "o"
    assert json.loads(seen.body) == {"sent": True}


PASSTHROUGH_CASES = [
    # behaviour, templates, request Content-Type, expected backend body (None: 415)
    ("WHEN_NO_MATCH", {"application/xml": "xml-template"}, "application/json", b'{"x": 1}'),
    ("WHEN_NO_MATCH", {"application/xml": "xml-template"}, "application/xml", b"xml-template"),
    ("WHEN_NO_TEMPLATES", {"application/xml": "xml-template"}, "application/json", None),
    ("WHEN_NO_TEMPLATES", {}, "application/json", b'{"x": 1}'),
    ("NEVER", {}, "application/json", None),
    ("NEVER", {"application/xml": "xml-template"}, "application/xml", b"xml-template"),
    ("NEVER", {"application/json": "json-template"}, None, b"json-template"),
    ("NEVER", {"application/json": "json-template"}, "application/json; charset=UTF-8",
     b"json-template"),
]


@pytest.mark.parametrize(("behavior", "templates", "content_type", "expected"),
                         PASSTHROUGH_CASES)
def test_passthrough_behavior(gw, backend, behavior, templates, content_type, expected):
    c = gw.client()
    api_id, res = new_api(c)
    integration = {"type": "HTTP", "integrationHttpMethod": "POST", "uri": backend.url + "/in",
                   "passthroughBehavior": behavior}
    if templates:
        integration["requestTemplates"] = templates
    set_method(c, api_id, res, method="POST", integration=integration,
               responses={"200": {"selectionPattern": ""}})
    deploy(c, api_id)
    headers = {"Content-Type": content_type} if content_type else {}
    before = len(backend.seen)
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items"), data=b'{"x": 1}',
                            headers=headers, timeout=10)
    if expected is None:
        assert response.status_code == 415
        assert response.json() == {"message": "Unsupported Media Type"}
        assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
        assert len(backend.seen) == before  # the backend is never called
    else:
        assert response.status_code == 200
        assert backend.seen[-1].body == expected


def test_stage_variables_in_templates_mappings_and_uri(gw, backend):
    c = gw.client()
    api_id, res = new_api(c)
    set_method(c, api_id, res, method="POST", integration={
        "type": "HTTP", "integrationHttpMethod": "POST",
        "uri": backend.url + "/${stageVariables.prefix}/in",
        "requestParameters": {"integration.request.header.X-Env": "stageVariables.env"},
        "requestTemplates": {"application/json": '{"env": "$stageVariables.env", '
                                                 '"missing": "$stageVariables.nothing"}'}},
        responses={"200": {"selectionPattern": "",
                           "responseTemplates": {"application/json":
                                                 '{"echoEnv": "$stageVariables.env"}'}}})
    deploy(c, api_id, variables={"env": "qa", "prefix": "v9"})
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items"), json={}, timeout=10)
    assert response.json() == {"echoEnv": "qa"}
    seen = backend.seen[-1]
    assert seen.path == "/v9/in"
    assert seen.headers["X-Env"] == "qa"
    assert json.loads(seen.body) == {"env": "qa", "missing": ""}


def test_input_and_util_through_the_data_plane(gw, backend):
    c = gw.client()
    api = c.create_rest_api(name="vtl")
    items = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                              pathPart="items")["id"]
    item = c.create_resource(restApiId=api["id"], parentId=items, pathPart="{id}")["id"]
    request_template = """#set($b = $input.path('$'))
{"name": "$b.name", "firstItem": $input.json('$.items[0]'), "itemCount": $b.items.size(),
 "q": "$input.params('q')", "h": "$input.params('X-H')", "id": "$input.params('id')",
 "enc": "$util.urlEncode($input.params('q'))", "b64": "$util.base64Encode($b.name)",
 "unb64": "$util.base64Decode('QW5u')", "esc": "$util.escapeJavaScript($b.quote)",
 "parsed": "$util.parseJson($input.params('js')).k", "raw": $input.json('$')}"""
    response_template = ('{"user": $input.json(\'$.user\'), '
                         '"name": "$input.path(\'$.user.name\')", '
                         '"tags": $input.json(\'$.user.tags\'), "count": '
                         '$input.path(\'$.user.tags\').size()}')
    backend.replies["/vtl"] = Reply(body=json.dumps(
        {"user": {"name": "Bo", "tags": ["a", "b"]}}).encode())
    set_method(c, api["id"], item, method="POST", integration={
        "type": "HTTP", "integrationHttpMethod": "POST", "uri": backend.url + "/vtl",
        "requestTemplates": {"application/json": request_template}},
        responses={"200": {"selectionPattern": "",
                           "responseTemplates": {"application/json": response_template}}})
    deploy(c, api["id"])
    body = {"name": "Ann", "items": [{"n": 1}, {"n": 2}], "quote": 'say "hi"'}
    response = gw.http.post(gw.invoke_url(api["id"], "dev", "/items/7"),
                            params={"q": "a b", "js": '{"k": "v"}'}, json=body,
                            headers={"X-H": "hv"}, timeout=10)
    assert response.status_code == 200
    assert response.json() == {"user": {"name": "Bo", "tags": ["a", "b"]}, "name": "Bo",
                               "tags": ["a", "b"], "count": 2}
    sent = json.loads(backend.seen[-1].body)
    assert sent == {"name": "Ann", "firstItem": {"n": 1}, "itemCount": 2, "q": "a b",
                    "h": "hv", "id": "7", "enc": "a+b", "b64": "QW5u", "unb64": "Ann",
                    "esc": 'say "hi"', "parsed": "v", "raw": body}


FORM_TO_JSON = """{
#foreach($token in $input.path('$').split('&'))
  #set($keyVal = $token.split('='))
  #if($keyVal.size() == 2)
    #set($key = $util.escapeJavaScript($util.urlDecode($keyVal[0])))
    #set($val = $util.escapeJavaScript($util.urlDecode($keyVal[1])))
  "$key": "$val"#if($foreach.hasNext),#end
  #end
#end
}"""


def test_a_form_post_through_the_form_urlencoded_template(gw, backend):
    # $input.path('$') of a body that is not JSON is the body itself, as on AWS: the
    # widely used form-to-JSON template splits it
    c = gw.client()
    api_id, res = new_api(c)
    set_method(c, api_id, res, method="POST", integration={
        "type": "HTTP", "integrationHttpMethod": "POST", "uri": backend.url + "/form",
        "requestTemplates": {"application/x-www-form-urlencoded": FORM_TO_JSON}},
        responses={"200": {"selectionPattern": ""}})
    deploy(c, api_id)
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/items"),
                            data=b"name=Ann+Lee&flag=&city=K%C3%B6ln&note=a%26b%3Dc",
                            headers={"Content-Type": "application/x-www-form-urlencoded"},
                            timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    # Java's split drops the trailing empty string of "flag=": one part, left out
    expected = {"name": "Ann Lee", "city": "Köln", "note": "a&b=c"}
    assert json.loads(response.json()["body"]) == expected  # the backend's echo
    assert json.loads(backend.seen[-1].body) == expected


CONTEXT_TEMPLATE = """{
 "requestId": "$context.requestId", "extendedRequestId": "$context.extendedRequestId",
 "sourceIp": "$context.identity.sourceIp", "userAgent": "$context.identity.userAgent",
 "requestTime": "$context.requestTime", "requestTimeEpoch": $context.requestTimeEpoch,
 "path": "$context.path", "protocol": "$context.protocol",
 "domainName": "$context.domainName", "domainPrefix": "$context.domainPrefix",
 "apiId": "$context.apiId", "accountId": "$context.accountId",
 "resourcePath": "$context.resourcePath", "resourceId": "$context.resourceId",
 "httpMethod": "$context.httpMethod", "stage": "$context.stage",
 "deploymentId": "$context.deploymentId", "isCanaryRequest": "$context.isCanaryRequest"
}"""


def test_context_variables_in_templates(gw):
    c = gw.client()
    api = c.create_rest_api(name="ctx")
    items = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                              pathPart="items")["id"]
    item = c.create_resource(restApiId=api["id"], parentId=items, pathPart="{id}")["id"]
    set_method(c, api["id"], item,
               integration=mock_integration({"application/json": '{"statusCode": 200}'}),
               responses={"200": {"responseTemplates": {"application/json": CONTEXT_TEMPLATE}}})
    deployment_id = deploy(c, api["id"])
    freeze_clock(gw, 1700000000.5)
    url = gw.invoke_url(api["id"], "dev", "/items/7")
    response = gw.http.get(url, headers={"User-Agent": "tester/1.0"}, timeout=10)
    assert response.status_code == 200
    assert "X-Amzn-Trace-Id" not in response.headers  # AWS sends none with MOCK answers
    host = urlsplit(url).hostname
    assert response.json() == {
        "requestId": response.headers["x-amzn-RequestId"],
        "extendedRequestId": response.headers["x-amz-apigw-id"],
        "sourceIp": "127.0.0.1", "userAgent": "tester/1.0",
        "requestTime": "14/Nov/2023:22:13:20 +0000", "requestTimeEpoch": 1700000000500,
        "path": "/dev/items/7", "protocol": "HTTP/1.1",
        "domainName": host, "domainPrefix": host.split(".")[0],
        "apiId": api["id"], "accountId": "123456789012",
        "resourcePath": "/items/{id}", "resourceId": item, "httpMethod": "GET",
        "stage": "dev", "deploymentId": deployment_id, "isCanaryRequest": "false",
    }

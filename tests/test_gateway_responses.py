"""Gateway responses: every type's default, put/update/delete, DEFAULT_4XX/5XX inheritance,
AWS's errors, and the resolver the data plane uses."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from mockgw import gateway_responses
from tests.helpers import error_of

TEMPLATES = {"application/json": '{"message":$context.error.messageString}'}
STATUS = {
    "ACCESS_DENIED": "403", "API_CONFIGURATION_ERROR": "500",
    "AUTHORIZER_CONFIGURATION_ERROR": "500", "AUTHORIZER_FAILURE": "500",
    "BAD_REQUEST_BODY": "400", "BAD_REQUEST_PARAMETERS": "400", "DEFAULT_4XX": None,
    "DEFAULT_5XX": None, "EXPIRED_TOKEN": "403", "INTEGRATION_FAILURE": "504",
    "INTEGRATION_TIMEOUT": "504", "INVALID_API_KEY": "403", "INVALID_SIGNATURE": "403",
    "MISSING_AUTHENTICATION_TOKEN": "403", "QUOTA_EXCEEDED": "429", "REQUEST_TOO_LARGE": "413",
    "RESOURCE_NOT_FOUND": "404", "THROTTLED": "429", "UNAUTHORIZED": "401",
    "UNSUPPORTED_MEDIA_TYPE": "415", "WAF_FILTERED": "403",
}
FIVE_XX = ("API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE",
           "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT")
CORS = {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}


def body(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def default(kind, status="same"):
    out = {"responseType": kind, "defaultResponse": True, "responseParameters": {},
           "responseTemplates": TEMPLATES}
    status = STATUS[kind] if status == "same" else status
    if status is not None:
        out["statusCode"] = status
    return out


@pytest.fixture
def api(gw):
    c = gw.client()
    return c, c.create_rest_api(name="errors")["id"]


def test_every_type_has_a_default(api):
    c, api_id = api
    got = c.get_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert body(got) == default("MISSING_AUTHENTICATION_TOKEN")
    items = c.get_gateway_responses(restApiId=api_id)["items"]
    assert sorted(items, key=lambda r: r["responseType"]) == [default(k) for k in sorted(STATUS)]
    assert body(c.get_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")) == \
        default("DEFAULT_4XX")


@pytest.mark.parametrize("kwargs, expected", [
    ({"statusCode": "401"}, {"statusCode": "401", "responseParameters": {},
                             "responseTemplates": TEMPLATES}),
    ({"responseParameters": CORS}, {"statusCode": "403", "responseParameters": CORS,
                                    "responseTemplates": TEMPLATES}),
    ({"responseTemplates": {"application/xml": "<e/>"}},
     {"statusCode": "403", "responseParameters": {},
      "responseTemplates": {"application/xml": "<e/>"}}),
])
def test_put_fills_in_defaults(api, kwargs, expected):
    c, api_id = api
    put = c.put_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN",
                                 **kwargs)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 201
    want = {"responseType": "MISSING_AUTHENTICATION_TOKEN", "defaultResponse": False, **expected}
    assert body(put) == want
    got = c.get_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN")
    assert body(got) == want


def test_default_5xx_is_inherited_by_undefined_5xx_types(api):
    c, api_id = api
    own = {"gatewayresponse.header.x-own": "'yes'"}
    fallback = {"statusCode": "599", "responseParameters": CORS,
                "responseTemplates": {"application/json": '{"error":"$context.error.message"}'}}
    put = c.put_gateway_response(restApiId=api_id, responseType="DEFAULT_5XX", **fallback)
    assert body(put) == {"responseType": "DEFAULT_5XX", "defaultResponse": False, **fallback}
    c.put_gateway_response(restApiId=api_id, responseType="AUTHORIZER_FAILURE",
                           responseParameters=own)
    items = {r["responseType"]: r for r in c.get_gateway_responses(restApiId=api_id)["items"]}
    for kind in FIVE_XX:
        if kind != "AUTHORIZER_FAILURE":
            assert items[kind] == {"responseType": kind, "defaultResponse": True, **fallback}
    assert items["AUTHORIZER_FAILURE"] == {
        "responseType": "AUTHORIZER_FAILURE", "defaultResponse": False, "statusCode": "500",
        "responseParameters": own, "responseTemplates": TEMPLATES}
    assert items["THROTTLED"] == default("THROTTLED")


def test_default_4xx_without_status_keeps_each_types_status(api):
    c, api_id = api
    c.put_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX",
                           responseParameters=CORS)
    got = c.get_gateway_response(restApiId=api_id, responseType="UNAUTHORIZED")
    assert body(got) == {**default("UNAUTHORIZED"), "responseParameters": CORS}
    fallback = c.get_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")
    assert body(fallback) == {"responseType": "DEFAULT_4XX", "defaultResponse": False,
                              "responseParameters": CORS, "responseTemplates": TEMPLATES}


def test_delete_restores_the_default(api):
    c, api_id = api
    c.put_gateway_response(restApiId=api_id, responseType="THROTTLED", statusCode="503")
    response = c.delete_gateway_response(restApiId=api_id, responseType="THROTTLED")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert body(c.get_gateway_response(restApiId=api_id, responseType="THROTTLED")) == \
        default("THROTTLED")
    with pytest.raises(ClientError) as exc:
        c.delete_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")
    assert error_of(exc) == ("NotFoundException", "Gateway response type not defined on api", 404)


def test_update_makes_a_default_the_apis_own(api):
    c, api_id = api
    updated = c.update_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX",
                                        patchOperations=[
                                            {"op": "replace", "path": "/statusCode",
                                             "value": "444"}])
    assert body(updated) == {"responseType": "DEFAULT_4XX", "defaultResponse": False,
                             "statusCode": "444", "responseParameters": {},
                             "responseTemplates": TEMPLATES}
    inherited = c.get_gateway_response(restApiId=api_id, responseType="BAD_REQUEST_BODY")
    assert inherited["statusCode"] == "444"
    assert inherited["defaultResponse"] is True


def test_update_parameters_and_templates(api):
    c, api_id = api
    c.put_gateway_response(restApiId=api_id, responseType="DEFAULT_5XX",
                           responseParameters=CORS)
    header = "/responseParameters/gatewayresponse.header.Access-Control-Allow-Origin"
    updated = c.update_gateway_response(restApiId=api_id, responseType="DEFAULT_5XX",
                                        patchOperations=[
        {"op": "replace", "path": header, "value": "'example.com'"},
        {"op": "add", "path": "/responseParameters/gatewayresponse.header.x-a", "value": "'a'"},
        {"op": "add", "path": "/responseTemplates/application~1xml", "value": "<e/>"},
        {"op": "remove", "path": "/responseTemplates/application~1json"},
        {"op": "replace", "path": "/statusCode", "value": "503"}])
    assert body(updated) == {
        "responseType": "DEFAULT_5XX", "defaultResponse": False, "statusCode": "503",
        "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin":
                               "'example.com'", "gatewayresponse.header.x-a": "'a'"},
        "responseTemplates": {"application/xml": "<e/>"}}
    assert body(c.get_gateway_response(restApiId=api_id, responseType="DEFAULT_5XX")) == \
        body(updated)


@pytest.mark.parametrize("patch, error", [
    ({"op": "add", "path": "/statusCode", "value": "444"},
     ("BadRequestException", "Invalid patch path /statusCode", 400)),
    ({"op": "remove", "path": "/statusCode"},
     ("BadRequestException", "Invalid patch path /statusCode", 400)),
    ({"op": "add", "path": "/wrongPath", "value": "x"},
     ("BadRequestException", "Invalid patch path /wrongPath", 400)),
    ({"op": "add", "value": "'example.com'"},
     ("BadRequestException", "Invalid patch path null", 400)),
    ({"op": "replace", "path": "/statusCode", "value": "99"},
     ("BadRequestException", "Invalid status code specified: 99. Must match [1-5]\\d\\d", 400)),
    ({"op": "replace",
      "path": "/responseParameters/gatewayresponse.header.Access-Control-Allow-Origin",
      "value": "'*'"},
     ("NotFoundException", "Invalid parameter name specified", 404)),
    ({"op": "remove", "path": "/responseParameters/gatewayresponse.header.x"},
     ("NotFoundException", "Invalid parameter name specified", 404)),
    ({"op": "replace", "path": "/responseTemplates/application~1xml", "value": "<e/>"},
     ("NotFoundException", "Content-Type specified was not found", 404)),
    ({"op": "add", "path": "/responseTemplates/application~1xml"},
     ("BadRequestException", "Invalid null or empty value in responseTemplates", 400)),
    ({"op": "add", "path": "/responseParameters/gatewayresponse.header.x"},
     ("BadRequestException", "Invalid null or empty value in responseParameters", 400)),
    ({"op": "wrong-op", "path": "/statusCode", "value": "444"},
     ("ValidationException", "1 validation error detected: Value 'wrong-op' at "
      "'updateGatewayResponseInput.patchOperations.2.member.op' failed to satisfy constraint: "
      "Member must satisfy enum value set: [add, remove, move, test, replace, copy]", 400)),
])
def test_failed_patch_changes_nothing(api, patch, error):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        c.update_gateway_response(restApiId=api_id, responseType="DEFAULT_5XX",
                                  patchOperations=[{"op": "replace", "path": "/statusCode",
                                                    "value": "555"}, patch])
    assert error_of(exc) == error
    assert body(c.get_gateway_response(restApiId=api_id, responseType="DEFAULT_5XX")) == \
        default("DEFAULT_5XX")


def test_unknown_response_type_is_a_validation_error(api):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        c.get_gateway_response(restApiId=api_id, responseType="FAKE_RESPONSE_TYPE")
    assert error_of(exc) == (
        "ValidationException", "1 validation error detected: Value 'FAKE_RESPONSE_TYPE' at "
        "'responseType' failed to satisfy constraint: Member must satisfy enum value set: "
        "[REQUEST_TOO_LARGE, RESOURCE_NOT_FOUND, AUTHORIZER_CONFIGURATION_ERROR, "
        "MISSING_AUTHENTICATION_TOKEN, BAD_REQUEST_BODY, INVALID_SIGNATURE, INVALID_API_KEY, "
        "BAD_REQUEST_PARAMETERS, AUTHORIZER_FAILURE, UNAUTHORIZED, INTEGRATION_TIMEOUT, "
        "ACCESS_DENIED, DEFAULT_4XX, DEFAULT_5XX, WAF_FILTERED, QUOTA_EXCEEDED, THROTTLED, "
        "API_CONFIGURATION_ERROR, UNSUPPORTED_MEDIA_TYPE, INTEGRATION_FAILURE, EXPIRED_TOKEN]",
        400)


def test_unknown_api(gw):
    c = gw.client()
    calls = [c.get_gateway_responses,
             lambda **kw: c.get_gateway_response(**kw, responseType="THROTTLED"),
             lambda **kw: c.put_gateway_response(**kw, responseType="THROTTLED"),
             lambda **kw: c.update_gateway_response(**kw, responseType="THROTTLED",
                                                    patchOperations=[]),
             lambda **kw: c.delete_gateway_response(**kw, responseType="THROTTLED")]
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call(restApiId="nope123456")
        assert error_of(exc) == (
            "NotFoundException", "Invalid API identifier specified 123456789012:nope123456", 404)


def test_paging(api):
    c, api_id = api
    first = c.get_gateway_responses(restApiId=api_id, limit=20)
    rest = c.get_gateway_responses(restApiId=api_id, limit=20, position=first["position"])
    assert len(first["items"]) == 20 and len(rest["items"]) == 1
    assert {r["responseType"] for r in first["items"] + rest["items"]} == set(STATUS)


def test_resolver_for_the_data_plane():
    resolve = gateway_responses.effective
    assert resolve("BAD_REQUEST_BODY", {}) == default("BAD_REQUEST_BODY")
    assert resolve("DEFAULT_5XX", {}) == default("DEFAULT_5XX")
    own = {"responseType": "THROTTLED", "defaultResponse": False, "statusCode": "503",
           "responseParameters": {}, "responseTemplates": {}}
    fallback = {"responseType": "DEFAULT_4XX", "defaultResponse": False, "statusCode": "400",
                "responseParameters": CORS, "responseTemplates": TEMPLATES}
    defined = {"THROTTLED": own, "DEFAULT_4XX": fallback}
    assert resolve("THROTTLED", defined) == own
    assert resolve("UNAUTHORIZED", defined) == {**default("UNAUTHORIZED", "400"),
                                                "responseParameters": CORS}
    assert resolve("INTEGRATION_TIMEOUT", defined) == default("INTEGRATION_TIMEOUT")
    resolved = resolve("UNAUTHORIZED", defined)
    resolved["responseParameters"]["x"] = "changed"
    assert fallback["responseParameters"] == CORS  # callers get copies
    assert gateway_responses.family("UNAUTHORIZED") == "DEFAULT_4XX"
    assert gateway_responses.family("DEFAULT_5XX") is None

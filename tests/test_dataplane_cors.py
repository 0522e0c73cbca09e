"""CORS as the console's "Enable CORS" sets it up: an OPTIONS method with a MOCK
integration, the allowed origin on the real method, and DEFAULT_4XX/5XX gateway
responses that carry the headers on errors."""

from __future__ import annotations

import socket

from tests.guards import Api, expect_error

ALLOW_HEADERS = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
CORS = ("Access-Control-Allow-Headers", "Access-Control-Allow-Methods",
        "Access-Control-Allow-Origin")


def enable_cors(c, api_id: str, resource_id: str, methods: str, *,
                gateway_responses: bool = True) -> None:
    """The calls the console's "Enable CORS" makes (see README)."""
    c.put_method(restApiId=api_id, resourceId=resource_id, httpMethod="OPTIONS",
                 authorizationType="NONE")
    c.put_integration(restApiId=api_id, resourceId=resource_id, httpMethod="OPTIONS",
                      type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'})
    c.put_method_response(restApiId=api_id, resourceId=resource_id, httpMethod="OPTIONS",
                          statusCode="200", responseModels={"application/json": "Empty"},
                          responseParameters={f"method.response.header.{h}": False
                                              for h in CORS})
    c.put_integration_response(
        restApiId=api_id, resourceId=resource_id, httpMethod="OPTIONS", statusCode="200",
        responseTemplates={"application/json": ""},
        responseParameters={
            "method.response.header.Access-Control-Allow-Headers": f"'{ALLOW_HEADERS}'",
            "method.response.header.Access-Control-Allow-Methods": f"'{methods}'",
            "method.response.header.Access-Control-Allow-Origin": "'*'"})
    if gateway_responses:
        for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
            c.put_gateway_response(restApiId=api_id, responseType=kind, responseParameters={
                "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                "gatewayresponse.header.Access-Control-Allow-Headers": f"'{ALLOW_HEADERS}'"})


def cors_api(gw, c) -> Api:
    api = Api(gw, c)
    validator = c.create_request_validator(restApiId=api.id, name="params",
                                           validateRequestParameters=True)
    res = api.mock("/items", "GET", apiKeyRequired=False,
                   response_parameters={"method.response.header.Access-Control-Allow-Origin":
                                        "'*'"})
    api.mock("/items", "POST", apiKeyRequired=True)
    api.mock("/checked", "GET", requestValidatorId=validator["id"],
             requestParameters={"method.request.querystring.q": True})
    enable_cors(c, api.id, res, "GET,OPTIONS,POST")
    return api.deploy()


def test_preflight_answers_from_the_mock(gw):
    api = cors_api(gw, gw.client())
    response = api.call("OPTIONS", headers={"Origin": "https://app.example.com",
                                            "Access-Control-Request-Method": "POST"})
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET,OPTIONS,POST"
    assert response.headers["Access-Control-Allow-Headers"] == ALLOW_HEADERS
    assert response.headers["Content-Type"] == "application/json"


def test_the_real_method_carries_the_origin(gw):
    api = cors_api(gw, gw.client())
    response = api.get(headers={"Origin": "https://app.example.com"})
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Methods" not in response.headers


def test_errors_carry_the_cors_headers_of_default_4xx(gw):
    api = cors_api(gw, gw.client())
    errors = [
        (api.call("POST"), 403, "ForbiddenException", "Forbidden"),  # no API key
        (api.get("/nowhere"), 403, "MissingAuthenticationTokenException",
         "Missing Authentication Token"),
        (api.get("/checked"), 400, "BadRequestException",
         "Missing required request parameters: [q]"),
    ]
    for response, status, error_type, message in errors:
        expect_error(response, status, error_type, message)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Access-Control-Allow-Headers"] == ALLOW_HEADERS


def test_errors_carry_the_cors_headers_of_default_5xx(gw):
    c = gw.client()
    api = Api(gw, c)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once we leave: nothing listens there
    res = api.http(f"http://127.0.0.1:{port}/down")
    enable_cors(c, api.id, res, "GET,OPTIONS")
    api.deploy()
    response = api.get()
    expect_error(response, 500, "InternalServerErrorException", "Internal server error",
                 key="message")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_without_gateway_responses_errors_have_no_cors_headers(gw):
    c = gw.client()
    api = Api(gw, c)
    res = api.mock("/items", "POST", apiKeyRequired=True)
    enable_cors(c, api.id, res, "POST,OPTIONS", gateway_responses=False)
    api.deploy()
    assert api.call("OPTIONS").headers["Access-Control-Allow-Origin"] == "*"
    response = api.call("POST")
    expect_error(response, 403, "ForbiddenException", "Forbidden")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_gateway_responses_can_echo_the_origin(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items", "POST", apiKeyRequired=True)
    c.put_gateway_response(restApiId=api.id, responseType="DEFAULT_4XX", responseParameters={
        "gatewayresponse.header.Access-Control-Allow-Origin": "method.request.header.Origin",
        "gatewayresponse.header.Access-Control-Allow-Credentials": "'true'"})
    api.deploy()
    response = api.call("POST", headers={"Origin": "https://app.example.com"})
    assert response.status_code == 403
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"

"""Request validators on the data plane: required parameters and request bodies."""

from __future__ import annotations

import json

import pytest

from tests.guards import Api, expect_error

PET = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "Pet",
    "type": "object",
    "required": ["name", "type"],
    "properties": {
        "name": {"type": "string", "minLength": 2},
        "type": {"type": "string", "enum": ["dog", "cat", "fish"]},
        "price": {"type": "number", "minimum": 25, "maximum": 500},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
        "owner": {"$ref": "https://apigateway.amazonaws.com/restapis/{api}/models/Owner"},
    },
    "additionalProperties": False,
}
OWNER = {"type": "object", "required": ["email"],
         "properties": {"email": {"type": "string", "pattern": "^[^@]+@[^@]+$"}}}


def validated_api(gw, c, *, parameters: bool, body: bool, models: dict | None = None,
                  request_parameters: dict | None = None, details: bool = False) -> Api:
    """POST /items/{id} with a validator; ``details`` answers validation errors with
    ``$context.error.validationErrorString`` as the body."""
    api = Api(gw, c)
    c.create_model(restApiId=api.id, name="Owner", contentType="application/json",
                   schema=json.dumps(OWNER))
    c.create_model(restApiId=api.id, name="Pet", contentType="application/json",
                   schema=json.dumps(PET).replace("{api}", api.id))
    validator = c.create_request_validator(restApiId=api.id, name="v",
                                           validateRequestParameters=parameters,
                                           validateRequestBody=body)
    api.mock("/items/{id}", "POST", requestValidatorId=validator["id"],
             requestModels=models if models is not None else {"application/json": "Pet"},
             requestParameters=request_parameters or {})
    if details:
        for kind in ("BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS"):
            c.put_gateway_response(restApiId=api.id, responseType=kind, responseTemplates={
                "application/json": "$context.error.validationErrorString"})
    return api.deploy()


PARAMETERS = {"method.request.header.x-header-param": True,
              "method.request.path.issuer": True,  # not in the resource path: never sent
              "method.request.querystring.qs1": True,
              "method.request.querystring.qs2": False,
              "method.request.header.X-Optional": False}


def test_missing_parameters_are_listed_in_aws_order(gw):
    c = gw.client()
    api = validated_api(gw, c, parameters=True, body=False, request_parameters=PARAMETERS)
    post = lambda path, **kw: api.call("POST", path, json={}, **kw)  # noqa: E731
    expect_error(post("/items/1"), 400, "BadRequestException",
                 "Missing required request parameters: [x-header-param, issuer, qs1]")
    expect_error(post("/items/1?qs1=a", headers={"x-header-param": "h"}), 400,
                 "BadRequestException", "Missing required request parameters: [issuer]")


def test_required_parameters_decision_table(gw):
    c = gw.client()
    params = {"method.request.header.x-tenant": True, "method.request.querystring.q1": True,
              "method.request.path.id": True, "method.request.querystring.q2": False}
    api = validated_api(gw, c, parameters=True, body=False, request_parameters=params)
    cases = [  # (query, headers, missing)
        ("?q1=cat", {"x-tenant": "t"}, None),
        ("?q1=cat&q2=", {"X-TENANT": "t"}, None),  # header names ignore case
        ("?q1=&x=1", {"x-tenant": "t"}, "q1"),  # blank counts as missing
        ("?q1=cat", {}, "x-tenant"),
        ("?q1=cat", {"x-tenant": ""}, "x-tenant"),
        ("", {}, "x-tenant, q1"),
        ("?Q1=cat", {"x-tenant": "t"}, "q1"),  # query string names are case-sensitive
    ]
    for query, headers, missing in cases:
        response = api.call("POST", f"/items/7{query}", headers=headers, json={})
        if missing is None:
            assert response.status_code == 200, (query, headers, response.text)
        else:
            expect_error(response, 400, "BadRequestException",
                         f"Missing required request parameters: [{missing}]")


def test_without_parameter_validation_required_parameters_are_not_checked(gw):
    c = gw.client()
    api = validated_api(gw, c, parameters=False, body=True, request_parameters=PARAMETERS)
    assert api.call("POST", "/items/1", json={"name": "Rex", "type": "dog"}).status_code == 200


GOOD = {"name": "Rex", "type": "dog", "price": 260, "owner": {"email": "a@b.c"}}


@pytest.mark.parametrize(("body", "details"), [
    ({**GOOD}, None),
    ({"name": "Rex"}, '[object has missing required properties (["type"])]'),
    ({}, '[object has missing required properties (["name","type"])]'),
    ({**GOOD, "type": "bird"},
     '[instance value ("bird") not found in enum (possible values: ["dog","cat","fish"])]'),
    ({**GOOD, "price": 501},
     "[numeric instance is greater than the required maximum (maximum: 500, found: 501)]"),
    ({**GOOD, "price": "cheap"},
     '[instance type (string) does not match any allowed primitive type (allowed: '
     '["integer","number"])]'),
    ({**GOOD, "name": "R"}, '[string "R" is too short (length: 1, required minimum: 2)]'),
    ({**GOOD, "tags": ["a", "b", "c"]},
     "[array is too long: must have at most 2 elements but instance has 3 elements]"),
    ({**GOOD, "color": "brown"},
     '[object instance has properties which are not allowed by the schema: ["color"]]'),
    ({**GOOD, "owner": {"email": "nobody"}},  # through the $ref to the Owner model
     '[ECMA 262 regex "^[^@]+@[^@]+$" does not match input string "nobody"]'),
    ({**GOOD, "owner": {}}, '[object has missing required properties (["email"])]'),
    ({"name": 5, "type": "dog", "price": 1},
     '[instance type (integer) does not match any allowed primitive type (allowed: '
     '["string"]), numeric instance is lower than the required minimum (minimum: 25, '
     'found: 1)]'),  # every problem, comma-separated
])
def test_body_against_the_model(gw, body, details):
    c = gw.client()
    api = validated_api(gw, c, parameters=False, body=True, details=True)
    plain = validated_api(gw, c, parameters=False, body=True)
    response = api.call("POST", "/items/1", json=body)
    if details is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert response.text == details
    expect_error(plain.call("POST", "/items/1", json=body), 400, "BadRequestException",
                 "Invalid request body")


def test_body_model_follows_the_content_type(gw):
    c = gw.client()
    api = validated_api(gw, c, parameters=False, body=True,
                        models={"application/json": "Pet", "application/xml": "Empty"})
    bad = json.dumps({"name": "Rex"})
    expect_error(api.call("POST", "/items/1", data=bad,
                          headers={"Content-Type": "application/json; charset=utf-8"}),
                 400, "BadRequestException", "Invalid request body")
    # no Content-Type: application/json
    expect_error(api.call("POST", "/items/1", data=bad, headers={"Content-Type": ""}),
                 400, "BadRequestException", "Invalid request body")
    # a content type without a model is not validated
    assert api.call("POST", "/items/1", data="<pet/>",
                    headers={"Content-Type": "text/plain"}).status_code == 200
    # the Empty model accepts any object
    assert api.call("POST", "/items/1", data="{}",
                    headers={"Content-Type": "application/xml"}).status_code == 200


def test_default_model_covers_every_content_type(gw):
    c = gw.client()
    api = validated_api(gw, c, parameters=False, body=True, models={"$default": "Pet"})
    expect_error(api.call("POST", "/items/1", data='{"name": "Rex"}',
                          headers={"Content-Type": "text/plain"}),
                 400, "BadRequestException", "Invalid request body")
    assert api.call("POST", "/items/1", data=json.dumps(GOOD),
                    headers={"Content-Type": "text/plain"}).status_code == 200


def test_empty_and_malformed_bodies(gw):
    c = gw.client()
    api = validated_api(gw, c, parameters=False, body=True)
    for body in (b"", b"{not json", b"[1, 2]", b'"text"'):
        expect_error(api.call("POST", "/items/1", data=body,
                              headers={"Content-Type": "application/json"}),
                     400, "BadRequestException", "Invalid request body")


def test_parameters_are_checked_before_the_body(gw):
    c = gw.client()
    api = validated_api(gw, c, parameters=True, body=True,
                        request_parameters={"method.request.querystring.q": True},
                        details=True)
    response = api.call("POST", "/items/1", json={})
    assert response.status_code == 400
    assert response.text == "Missing required request parameters: [q]"


def test_one_of_between_models(gw):
    c = gw.client()
    api = Api(gw, c)
    c.create_model(restApiId=api.id, name="Cat", contentType="application/json",
                   schema=json.dumps({"type": "object", "required": ["meow"]}))
    c.create_model(restApiId=api.id, name="Dog", contentType="application/json",
                   schema=json.dumps({"type": "object", "required": ["woof"]}))
    ref = f"https://apigateway.amazonaws.com/restapis/{api.id}/models"
    c.create_model(restApiId=api.id, name="Animal", contentType="application/json",
                   schema=json.dumps({"oneOf": [{"$ref": f"{ref}/Cat"}, {"$ref": f"{ref}/Dog"}]}))
    validator = c.create_request_validator(restApiId=api.id, name="body",
                                           validateRequestBody=True)
    api.mock("/animals", "POST", requestValidatorId=validator["id"],
             requestModels={"application/json": "Animal"})
    c.put_gateway_response(restApiId=api.id, responseType="BAD_REQUEST_BODY",
                           responseTemplates={"application/json":
                                              "$context.error.validationErrorString"})
    api.deploy()
    assert api.call("POST", "/animals", json={"meow": 1}).status_code == 200
    both = api.call("POST", "/animals", json={"meow": 1, "woof": 2})
    assert both.status_code == 400
    assert both.text == "[instance failed to match exactly one schema (matched 2 out of 2)]"
    neither = api.call("POST", "/animals", json={})
    assert neither.text == "[instance failed to match exactly one schema (matched 0 out of 2)]"


def test_an_api_key_is_checked_before_validation(gw):
    c = gw.client()
    api = Api(gw, c)
    validator = c.create_request_validator(restApiId=api.id, name="params",
                                           validateRequestParameters=True)
    api.mock("/items", "GET", apiKeyRequired=True, requestValidatorId=validator["id"],
             requestParameters={"method.request.querystring.q": True})
    api.deploy()
    expect_error(api.get("/items"), 403, "ForbiddenException", "Forbidden")

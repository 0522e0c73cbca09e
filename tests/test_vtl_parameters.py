"""Parameter-mapping values (``requestParameters`` / ``responseParameters``).

Cases marked "AWS" are recorded as validated against AWS in LocalStack's parameter
mapping tests (empty body reads ``{}``, a body starting with ``{`` that is not JSON is
rejected, names match case-sensitively).
"""

from __future__ import annotations

import json

import pytest

from mockgw.vtl import (
    INTEGRATION_RESPONSE,
    InvalidJsonBody,
    ParameterSource,
    body_value,
    resolve_parameter,
)

PETS = json.dumps({"petstore": {"pets": [{"name": "rex", "age": 3, "good": True},
                                         {"name": "tom", "tags": ["a", "b"]}]}})

REQUEST = ParameterSource(
    path={"id": "42"},
    querystring={"q": ["one", "two"], "single": ["s"]},
    headers={"X-Multi": ["v1", "v2"], "X-One": ["h"]},
    body=PETS,
)
CONTEXT = {"requestId": "r-1", "identity": {"sourceIp": "1.2.3.4", "apiKey": None}}


def resolve(expression: str, source: ParameterSource = REQUEST):
    return resolve_parameter(expression, source, context=CONTEXT,
                             stage_variables={"env": "dev"})


@pytest.mark.parametrize(("expression", "value"), [
    ("'static value'", "static value"),
    ("''", None),
    ("context.requestId", "r-1"),
    ("context.identity.sourceIp", "1.2.3.4"),
    ("context.identity.apiKey", None),
    ("context.missing.deeper", None),
    ("stageVariables.env", "dev"),
    ("stageVariables.nope", None),
    ("method.request.path.id", "42"),
    ("method.request.querystring.q", "two"),
    ("method.request.multivaluequerystring.q", ["one", "two"]),
    ("method.request.multivaluequerystring.single", ["s"]),
    ("method.request.header.X-Multi", "v2"),
    ("method.request.multivalueheader.X-Multi", "v1,v2"),
    ("method.request.multivalueheader.X-One", "h"),
    ("method.request.header.x-multi", None),     # AWS: names match case-sensitively
    ("method.request.querystring.Q", None),
    ("method.request.path.missing", None),
    ("method.request.body.petstore.pets[0].name", "rex"),
    ("method.request.body.petstore.pets[0].age", "3"),
    ("method.request.body.petstore.pets[0].good", "true"),
    ("method.request.body.petstore.pets[1].tags", '["a","b"]'),
    ("method.request.body.petstore.pets[0]", '{"name":"rex","age":3,"good":true}'),
    ("method.request.body.petstore.pets[5].name", None),
    ("method.request.body.$.petstore.pets[1].name", "tom"),
    ("integration.response.header.X-One", None),  # wrong prefix for a method request
    ("unknown.thing", None),
])
def test_request_parameter_values(expression, value):
    assert resolve(expression) == value


def test_method_request_body_is_the_body_text():
    assert resolve("method.request.body") == PETS


def test_empty_body_reads_as_empty_object():
    empty = ParameterSource(body=b"")
    assert resolve("method.request.body", empty) == "{}"  # AWS
    assert resolve("method.request.body.a", empty) is None


def test_body_that_does_not_look_like_json_has_no_fields():
    xml = ParameterSource(body=b"<a>1</a>")
    assert resolve("method.request.body", xml) == "<a>1</a>"
    assert resolve("method.request.body.a", xml) is None


@pytest.mark.parametrize("body", [b"\n{wrongjson", b"[1,", b"'single'"])
def test_body_that_looks_like_json_but_is_not_is_rejected(body):
    # AWS: 400 "Invalid JSON in request body" (500 for an integration response)
    with pytest.raises(InvalidJsonBody):
        resolve("method.request.body.a", ParameterSource(body=body))
    with pytest.raises(InvalidJsonBody):
        resolve("method.request.body", ParameterSource(body=body))


def test_integration_response_sources():
    response = ParameterSource(prefix=INTEGRATION_RESPONSE, headers={"X-App": ["a", "b"]},
                               body=b'{"redirect": {"url": "https://x/y"}}')
    assert resolve("integration.response.header.X-App", response) == "b"
    assert resolve("integration.response.multivalueheader.X-App", response) == "a,b"
    assert resolve("integration.response.body.redirect.url", response) == "https://x/y"
    assert resolve("integration.response.body", response) == (
        '{"redirect": {"url": "https://x/y"}}')
    assert resolve("integration.response.querystring.q", response) is None
    assert resolve("method.request.path.id", response) is None
    assert resolve("'*'", response) == "*"


def test_body_value_helper():
    assert body_value(b'  {"a": {"b": 1.5}}  ', "a.b") == "1.5"
    assert body_value("", None) == "{}"

"""The model-driven protocol layer seen from raw HTTP and from botocore."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def test_request_id_on_every_response(gw):
    ok = gw.raw("GET", "/restapis")
    assert ok.status_code == 200
    assert ok.headers["x-amzn-RequestId"]
    missing = gw.raw("GET", "/restapis/nope123456")
    assert missing.status_code == 404
    assert missing.headers["x-amzn-RequestId"]
    assert missing.headers["x-amzn-ErrorType"] == "NotFoundException"
    assert missing.json() == {"message": "Invalid API identifier specified 123456789012:nope123456"}


def test_unimplemented_operation_names_itself(gw):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.get_sdk_types()
    err = exc.value.response["Error"]
    if err["Code"] == "BadRequestException":  # still unimplemented
        assert "GetSdkTypes" in err["Message"]
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_path_is_a_modeled_json_error(gw):
    response = gw.raw("GET", "/definitely/not/an/operation")
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert "GET /definitely/not/an/operation" in response.json()["message"]


def test_malformed_json_body_is_a_bad_request(gw):
    response = gw.raw("POST", "/restapis", data=b"{not json",
                      headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert response.json()["message"].startswith("Could not parse request body into json")


def test_wrong_member_type_is_a_bad_request(gw):
    response = gw.raw("POST", "/restapis", data=json.dumps({"name": 42}))
    assert response.status_code == 400
    assert response.json()["message"] == (
        "1 validation error detected: Value '42' at 'createRestApiInput.name' failed to "
        "satisfy constraint: Member must be a string")


def test_missing_required_member_is_a_bad_request(gw):
    response = gw.raw("POST", "/restapis", data=json.dumps({"description": "no name"}))
    assert response.status_code == 400
    assert response.json()["message"] == (
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: "
        "Member must not be null")


def test_querystring_integer_coercion(gw):
    response = gw.raw("GET", "/restapis?limit=abc")
    assert response.status_code == 400
    assert "Member must be an integer" in response.json()["message"]


def test_lambda_errors_use_lambda_codes(gw):
    c = gw.client("lambda")
    with pytest.raises(ClientError) as exc:
        c.list_layers()  # not implemented: answered with a modeled Lambda error
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

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
    with pytest.raises(ClientError) as exc:  # NotFoundException once implemented
        c.get_export(restApiId="nope123456", stageName="prod", exportType="oas30")
    err = exc.value.response["Error"]
    if err["Code"] == "BadRequestException":  # still unimplemented
        assert "GetExport" in err["Message"]
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_path_is_a_modeled_json_error(gw):
    response = gw.raw("GET", "/definitely/not/an/operation")
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert "GET /definitely/not/an/operation" in response.json()["message"]


def test_malformed_json_body_is_a_serialization_error(gw):
    response = gw.raw("POST", "/restapis", data=b"{not json",
                      headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "SerializationException"
    assert response.json()["message"].startswith("Could not parse request body into json")


@pytest.mark.parametrize("value, java_class", [
    (42, "com.amazon.coral.value.json.numbers.TruncatingBigNumber"),
    (True, "java.lang.Boolean"),
])
def test_wrong_member_type_is_a_serialization_error(gw, value, java_class):
    response = gw.raw("POST", "/restapis", data=json.dumps({"name": value}))
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "SerializationException"
    assert response.json()["message"] == f"class {java_class} can not be converted to an String"


def test_missing_required_member_is_a_validation_error(gw):
    response = gw.raw("POST", "/restapis", data=json.dumps({"description": "no name"}))
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert response.json()["message"] == (
        "1 validation error detected: Value null at 'createRestApiInput.name' failed to "
        "satisfy constraint: Member must not be null")


def test_validation_errors_are_collected_in_member_order(gw):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.create_rest_api(name="x", endpointConfiguration={
            "ipAddressType": "wrong", "types": ["wrong"]})
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert exc.value.response["Error"]["Message"] == (
        "2 validation errors detected: Value '[wrong]' at "
        "'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: Member "
        "must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, "
        "REGIONAL]]; Value 'wrong' at 'createRestApiInput.endpointConfiguration.ipAddressType' "
        "failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack]")


def test_patch_op_enum_uses_one_based_indices(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="x")["id"]
    with pytest.raises(ClientError) as exc:
        c.update_rest_api(restApiId=api_id, patchOperations=[
            {"op": "wrong", "path": "/name", "value": "a"},
            {"op": "replace", "path": "/name", "value": "b"},
            {"op": "wrong", "path": "/name", "value": "c"}])
    clause = ("failed to satisfy constraint: Member must satisfy enum value set: "
              "[add, remove, move, test, replace, copy]")
    assert exc.value.response["Error"]["Message"] == (
        f"2 validation errors detected: Value 'wrong' at "
        f"'updateRestApiInput.patchOperations.1.member.op' {clause}; Value 'wrong' at "
        f"'updateRestApiInput.patchOperations.3.member.op' {clause}")


def test_uri_pattern_violation_names_the_bare_member(gw):
    response = gw.raw("GET", "/restapis/a/resources/b/methods/GET/responses/wrong")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "1 validation error detected: Value 'wrong' at 'statusCode' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d")


def test_querystring_integer_coercion(gw):
    response = gw.raw("GET", "/restapis?limit=abc")
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "SerializationException"


def test_lambda_errors_use_lambda_codes(gw):
    c = gw.client("lambda")
    with pytest.raises(ClientError) as exc:
        c.list_layers()  # not implemented: answered with a modeled Lambda error
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_paths_no_greedy_rule_starts_like_skip_the_greedy_map():
    """A decoded path no rule matches is tried against the greedy map only when its first
    segment starts a greedy rule: every such rule still is, ``/`` builds no map."""
    from mockgw.app import create_app, front_of
    from mockgw.protocol import rules
    from mockgw.protocol.wire import WireRequest
    from mockgw.server import _may_match_greedy

    greedy = [route.greedy_rule() for route in rules.routes().values() if route.greedy_rule()]
    assert greedy and all(_may_match_greedy(rule) for rule in greedy)
    front = front_of(create_app())

    def match(path: str):
        return front.match(WireRequest(method="GET", path=path, query={}, headers={},
                                       query_string="", header_items=[]), decoded=True)

    assert match("/") is None and front._decoded_adapter is None
    arn = "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod"
    route, labels = match(f"/tags/{arn}")
    assert (route.operation, labels) == ("GetTags", {"resource_arn": arn})

"""RequestValidator CRUD: defaults, AWS's errors for unknown APIs and ids, patches, paging."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of

NOT_FOUND = ("NotFoundException", "Invalid Request Validator identifier specified", 404)


def body(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


@pytest.fixture
def api(gw):
    c = gw.client()
    return c, c.create_rest_api(name="validated")["id"]


def test_create_defaults_and_get(api):
    c, api_id = api
    assert c.get_request_validators(restApiId=api_id)["items"] == []
    created = c.create_request_validator(restApiId=api_id, name="plain")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(created["id"]) == 6
    assert body(created) == {"id": created["id"], "name": "plain",
                             "validateRequestBody": False, "validateRequestParameters": False}
    both = c.create_request_validator(restApiId=api_id, name="both", validateRequestBody=True,
                                      validateRequestParameters=True)
    assert (both["validateRequestBody"], both["validateRequestParameters"]) == (True, True)
    got = c.get_request_validator(restApiId=api_id, requestValidatorId=created["id"])
    assert body(got) == body(created)
    assert c.get_request_validators(restApiId=api_id)["items"] == [body(created), body(both)]


@pytest.mark.parametrize("name", ["", "  "])
def test_blank_name_is_refused(api, name):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        c.create_request_validator(restApiId=api_id, name=name)
    assert error_of(exc) == ("BadRequestException", "Request Validator name cannot be blank", 400)
    with pytest.raises(ClientError) as exc:
        c.create_request_validator(restApiId=api_id)
    assert error_of(exc)[1] == "Request Validator name cannot be blank"


def test_unknown_api_and_validator(gw):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.create_request_validator(restApiId="test-fake-rest-id", name="v")
    assert error_of(exc) == ("BadRequestException", "Invalid REST API identifier specified", 400)
    with pytest.raises(ClientError) as exc:
        c.get_request_validators(restApiId="test-fake-rest-id")
    assert error_of(exc) == ("NotFoundException",
                             "Invalid API identifier specified 123456789012:test-fake-rest-id",
                             404)
    api_id = c.create_rest_api(name="v")["id"]
    valid_id = c.create_request_validator(restApiId=api_id, name="v")["id"]
    for call in (c.get_request_validator, c.delete_request_validator,
                 lambda **kw: c.update_request_validator(**kw, patchOperations=[])):
        with pytest.raises(ClientError) as exc:
            call(restApiId="test-fake-rest-id", requestValidatorId=valid_id)
        assert error_of(exc) == NOT_FOUND
        with pytest.raises(ClientError) as exc:
            call(restApiId=api_id, requestValidatorId="zzzzzz")
        assert error_of(exc) == NOT_FOUND


def test_update_patches(api):
    c, api_id = api
    validator_id = c.create_request_validator(restApiId=api_id, name="v")["id"]
    updated = c.update_request_validator(
        restApiId=api_id, requestValidatorId=validator_id, patchOperations=[
            {"op": "replace", "path": "/validateRequestBody", "value": "true"},
            {"op": "replace", "path": "/validateRequestParameters", "value": "TRUE"},
            {"op": "replace", "path": "/name", "value": "renamed"}])
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert body(updated) == {"id": validator_id, "name": "renamed", "validateRequestBody": True,
                             "validateRequestParameters": True}
    cleared = c.update_request_validator(
        restApiId=api_id, requestValidatorId=validator_id, patchOperations=[
            {"op": "replace", "path": "/validateRequestBody"},  # no value: false
            {"op": "replace", "path": "/validateRequestParameters", "value": "yes"}])
    assert (cleared["validateRequestBody"], cleared["validateRequestParameters"]) == (False,
                                                                                      False)
    got = c.get_request_validator(restApiId=api_id, requestValidatorId=validator_id)
    assert body(got) == body(cleared)


@pytest.mark.parametrize("patch, message", [
    ({"op": "add", "path": "/validateRequestBody", "value": "true"},
     "Invalid patch path  '/validateRequestBody' specified for op 'add'. Please choose "
     "supported operations"),
    ({"op": "remove", "path": "/validateRequestBody"},
     "Invalid patch path  '/validateRequestBody' specified for op 'remove'. Please choose "
     "supported operations"),
    ({"op": "replace", "path": "/invalidPath", "value": "true"},
     "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of: "
     "[/name, /validateRequestParameters, /validateRequestBody]"),
    ({"op": "replace", "path": "/name"}, "Request Validator name cannot be blank"),
    ({"op": "replace", "path": "/name", "value": ""}, "Request Validator name cannot be blank"),
])
def test_failed_patch_changes_nothing(api, patch, message):
    c, api_id = api
    validator_id = c.create_request_validator(restApiId=api_id, name="keep")["id"]
    with pytest.raises(ClientError) as exc:
        c.update_request_validator(
            restApiId=api_id, requestValidatorId=validator_id, patchOperations=[
                {"op": "replace", "path": "/validateRequestBody", "value": "true"}, patch])
    assert error_of(exc) == ("BadRequestException", message, 400)
    got = c.get_request_validator(restApiId=api_id, requestValidatorId=validator_id)
    assert (got["name"], got["validateRequestBody"]) == ("keep", False)


def test_paging(api):
    c, api_id = api
    ids = [c.create_request_validator(restApiId=api_id, name=f"v{i}")["id"] for i in range(5)]
    first = c.get_request_validators(restApiId=api_id, limit=3)
    rest = c.get_request_validators(restApiId=api_id, limit=3, position=first["position"])
    assert [v["id"] for v in first["items"] + rest["items"]] == ids
    assert "position" not in rest


def test_delete(api):
    c, api_id = api
    validator_id = c.create_request_validator(restApiId=api_id, name="v")["id"]
    response = c.delete_request_validator(restApiId=api_id, requestValidatorId=validator_id)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        c.get_request_validator(restApiId=api_id, requestValidatorId=validator_id)
    assert error_of(exc) == NOT_FOUND


def test_delete_refused_while_a_method_uses_it(gw):
    c = gw.client()
    api = c.create_rest_api(name="used")
    validator_id = c.create_request_validator(restApiId=api["id"], name="body")["id"]
    c.put_method(restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="POST",
                 authorizationType="NONE", requestValidatorId=validator_id)
    with pytest.raises(ClientError) as exc:
        c.delete_request_validator(restApiId=api["id"], requestValidatorId=validator_id)
    assert error_of(exc) == (
        "ConflictException", "Cannot delete Request Validator 'body', is referenced in method: "
        "POST//", 409)
    c.update_method(restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="POST",
                    patchOperations=[{"op": "replace", "path": "/requestValidatorId",
                                      "value": ""}])
    c.delete_request_validator(restApiId=api["id"], requestValidatorId=validator_id)
    assert c.get_request_validators(restApiId=api["id"])["items"] == []

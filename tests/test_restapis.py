"""RestApi CRUD through boto3, in-process and against the server."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of


def test_create_rest_api_defaults(gw):
    c = gw.client()
    api = c.create_rest_api(name="pets", description="Pet store")
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(api["id"]) == 10 and api["id"].isalnum() and api["id"].islower()
    assert api["name"] == "pets"
    assert api["description"] == "Pet store"
    assert api["apiKeySource"] == "HEADER"
    assert api["endpointConfiguration"]["types"] == ["EDGE"]
    assert api["disableExecuteApiEndpoint"] is False
    assert "createdDate" in api
    resources = c.get_resources(restApiId=api["id"])["items"]
    assert resources == [{"id": api["rootResourceId"], "path": "/"}]


def test_create_rest_api_all_options(gw):
    c = gw.client()
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    api = c.create_rest_api(
        name="full", version="v1", binaryMediaTypes=["image/png", "image/png", "*/*"],
        minimumCompressionSize=1024, apiKeySource="AUTHORIZER",
        endpointConfiguration={"types": ["REGIONAL"]}, policy=policy,
        tags={"team": "core"}, disableExecuteApiEndpoint=True)
    got = c.get_rest_api(restApiId=api["id"])
    assert got["version"] == "v1"
    assert got["binaryMediaTypes"] == ["image/png", "*/*"]
    assert got["minimumCompressionSize"] == 1024
    assert got["apiKeySource"] == "AUTHORIZER"
    assert got["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert got["policy"] == r'{\"Version\":\"2012-10-17\",\"Statement\":[]}'
    assert got["tags"] == {"team": "core"}
    assert got["disableExecuteApiEndpoint"] is True


def test_policy_is_answered_escaped_as_aws_writes_it(gw):
    # AWS answers a resource policy compacted and escaped once more (quotes and slashes);
    # Terraform's provider unquotes it before parsing, and fails on plain JSON
    c = gw.client()
    policy = json.dumps({"Statement": [{
        "Action": "execute-api:Invoke", "Effect": "Allow", "Principal": "*",
        "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/pets"}],
        "Version": "2012-10-17"}, indent=2)
    created = c.create_rest_api(name="guarded", policy=policy)
    expected = (r'{\"Statement\":[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\",'
                r'\"Principal\":\"*\",\"Resource\":\"arn:aws:execute-api:us-east-1:'
                r'123456789012:abc\/*\/GET\/pets\"}],\"Version\":\"2012-10-17\"}')
    assert created["policy"] == expected
    assert c.get_rest_api(restApiId=created["id"])["policy"] == expected
    assert [a["policy"] for a in c.get_rest_apis()["items"]] == [expected]
    assert json.loads(json.loads(f'"{expected}"')) == json.loads(policy)
    updated = c.update_rest_api(restApiId=created["id"], patchOperations=[
        {"op": "replace", "path": "/policy", "value": '{"Version": "2012-10-17"}'}])
    assert updated["policy"] == r'{\"Version\":\"2012-10-17\"}'


def test_custom_id_tag_fixes_the_id(gw):
    c = gw.client()
    api = c.create_rest_api(name="stable", tags={"_custom_id_": "myapi123"})
    assert api["id"] == "myapi123"
    assert c.get_rest_api(restApiId="myapi123")["name"] == "stable"
    with pytest.raises(ClientError) as exc:
        c.create_rest_api(name="again", tags={"_custom_id_": "myapi123"})
    assert error_of(exc)[0] == "ConflictException"
    assert [a["name"] for a in c.get_rest_apis()["items"]] == ["stable"]


@pytest.mark.parametrize("kwargs, message", [
    ({"minimumCompressionSize": 10485761},
     "Invalid minimum compression size, must be between 0 and 10485760"),
    ({"policy": "{not json"},
     "Invalid policy document. Please check the policy syntax and ensure that Principals "
     "are valid."),
    ({"endpointConfiguration": {"types": ["EDGE", "REGIONAL"]}},
     "Cannot create an api with multiple Endpoint Types."),
])
def test_create_rest_api_validation(gw, kwargs, message):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.create_rest_api(name="bad", **kwargs)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_rest_apis()["items"] == []


def test_endpoint_type_enum_is_validated(gw):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.create_rest_api(name="bad", endpointConfiguration={"types": ["GLOBAL"]})
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value '[GLOBAL]' at "
        "'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must satisfy enum value set: "
        "[PRIVATE, EDGE, REGIONAL]]", 400)


def test_get_unknown_rest_api(gw):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.get_rest_api(restApiId="nope123456")
    assert error_of(exc) == ("NotFoundException",
                             "Invalid API identifier specified 123456789012:nope123456", 404)


def test_get_rest_apis_pagination(gw):
    c = gw.client()
    ids = [c.create_rest_api(name=f"api{i}")["id"] for i in range(7)]
    first = c.get_rest_apis(limit=3)
    assert [a["id"] for a in first["items"]] == ids[:3]
    second = c.get_rest_apis(limit=3, position=first["position"])
    third = c.get_rest_apis(limit=3, position=second["position"])
    assert [a["id"] for a in second["items"] + third["items"]] == ids[3:]
    assert "position" not in third
    paged = [a["id"] for page in c.get_paginator("get_rest_apis").paginate(
        PaginationConfig={"PageSize": 2}) for a in page["items"]]
    assert paged == ids


def test_update_rest_api_patch_operations(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="old", binaryMediaTypes=["image/gif"])["id"]
    updated = c.update_rest_api(restApiId=api_id, patchOperations=[
        {"op": "replace", "path": "/name", "value": "new"},
        {"op": "replace", "path": "/description", "value": "described"},
        {"op": "add", "path": "/binaryMediaTypes/image~1png"},
        {"op": "remove", "path": "/binaryMediaTypes/image~1gif"},
        {"op": "replace", "path": "/minimumCompressionSize", "value": "0"},
        {"op": "replace", "path": "/apiKeySource", "value": "AUTHORIZER"},
        {"op": "replace", "path": "/endpointConfiguration/types/EDGE", "value": "REGIONAL"},
    ])
    assert updated["name"] == "new"
    assert updated["description"] == "described"
    assert updated["binaryMediaTypes"] == ["image/png"]
    assert updated["minimumCompressionSize"] == 0
    assert updated["apiKeySource"] == "AUTHORIZER"
    assert updated["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert c.get_rest_api(restApiId=api_id)["name"] == "new"
    cleared = c.update_rest_api(restApiId=api_id, patchOperations=[
        {"op": "replace", "path": "/minimumCompressionSize", "value": ""}])
    assert "minimumCompressionSize" not in cleared


def test_failed_patch_changes_nothing(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="keep")["id"]
    with pytest.raises(ClientError) as exc:
        c.update_rest_api(restApiId=api_id, patchOperations=[
            {"op": "replace", "path": "/name", "value": "changed"},
            {"op": "replace", "path": "/nonsense", "value": "x"},
        ])
    code, message, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    assert "/nonsense" in message
    assert c.get_rest_api(restApiId=api_id)["name"] == "keep"
    with pytest.raises(ClientError) as exc:
        c.update_rest_api(restApiId=api_id, patchOperations=[
            {"op": "replace", "path": "/apiKeySource", "value": "NOPE"}])
    assert error_of(exc)[0] == "BadRequestException"
    assert c.get_rest_api(restApiId=api_id)["apiKeySource"] == "HEADER"


def test_delete_rest_api(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="doomed")["id"]
    assert c.delete_rest_api(restApiId=api_id)["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        c.get_rest_api(restApiId=api_id)
    assert error_of(exc)[0] == "NotFoundException"
    with pytest.raises(ClientError) as exc:
        c.delete_rest_api(restApiId=api_id)
    assert error_of(exc)[2] == 404


def test_clone_from_copies_resources_not_ids(gw):
    c = gw.client()
    source = c.create_rest_api(name="source")
    child = c.create_resource(restApiId=source["id"], parentId=source["rootResourceId"],
                              pathPart="pets")
    c.create_resource(restApiId=source["id"], parentId=child["id"], pathPart="{petId}")
    clone = c.create_rest_api(name="clone", cloneFrom=source["id"])
    paths = sorted(r["path"] for r in c.get_resources(restApiId=clone["id"])["items"])
    assert paths == ["/", "/pets", "/pets/{petId}"]
    source_ids = {r["id"] for r in c.get_resources(restApiId=source["id"])["items"]}
    clone_ids = {r["id"] for r in c.get_resources(restApiId=clone["id"])["items"]}
    assert not source_ids & clone_ids
    with pytest.raises(ClientError) as exc:
        c.create_rest_api(name="orphan", cloneFrom="missing123")
    assert error_of(exc)[0] == "NotFoundException"


@pytest.mark.parametrize("kwargs, message", [
    ({"description": ""}, "Description cannot be an empty string"),
    ({"minimumCompressionSize": -1},
     "Invalid minimum compression size, must be between 0 and 10485760"),
    ({"endpointConfiguration": {"types": []}},
     "REGIONAL Configuration and EDGE Configuration cannot be both DISABLED."),
    ({"endpointConfiguration": {"ipAddressType": "ipv4", "types": ["PRIVATE"]}},
     "Only dualstack ipAddressType is supported for Private APIs."),
])
def test_create_rest_api_aws_recorded_errors(gw, kwargs, message):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.create_rest_api(name="bad", **kwargs)
    assert error_of(exc) == ("BadRequestException", message, 400)


def test_private_api_defaults_to_dualstack(gw):
    c = gw.client()
    api = c.create_rest_api(name="p", endpointConfiguration={"types": ["PRIVATE"]})
    assert api["endpointConfiguration"] == {"types": ["PRIVATE"], "ipAddressType": "dualstack"}


def test_update_rest_api_binary_media_types_and_endpoint(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="b")["id"]
    patch = [{"op": "add", "path": "/binaryMediaTypes/image~1png"},
             {"op": "add", "path": "/binaryMediaTypes/image~1jpeg"},
             {"op": "replace", "path": "/binaryMediaTypes/image~1png", "value": "image/gif"}]
    updated = c.update_rest_api(restApiId=api_id, patchOperations=patch)
    assert updated["binaryMediaTypes"] == ["image/jpeg", "image/gif"]
    assert updated["tags"] == {}  # UpdateRestApi always answers with tags
    moved = c.update_rest_api(restApiId=api_id, patchOperations=[
        {"op": "replace", "path": "/endpointConfiguration/types/0", "value": "REGIONAL"},
        {"op": "replace", "path": "/endpointConfiguration/types/0", "value": "PRIVATE"}])
    assert moved["endpointConfiguration"] == {"types": ["PRIVATE"], "ipAddressType": "dualstack"}


@pytest.mark.parametrize("patch, message", [
    ({"op": "replace", "path": "/minimumCompressionSize", "value": "test"},
     "Invalid minimum compression size, must be between 0 and 10485760"),
    ({"op": "add", "path": "/minimumCompressionSize", "value": "10"},
     "Invalid patch operation specified. Must be one of: [replace]"),
    ({"op": "add", "path": "/binaryMediaTypes", "value": "image/gif"},
     "Invalid patch path /binaryMediaTypes"),
    ({"op": "replace", "path": "/endpointConfiguration/ipAddressType", "value": "wrong"},
     "ipAddressType must be either ipv4 or dualstack."),
    ({"op": "replace", "path": "/endpointConfiguration/types/0", "value": "wrong"},
     "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE"),
    ({"op": "remove", "path": "/endpointConfiguration/ipAddressType"},
     "Invalid patch operation specified. Must be one of: [replace]"),
    ({"op": "remove", "path": "/endpointConfiguration/types/0"},
     "Invalid patch operation specified. Must be 'add'|'remove'|'replace'"),
])
def test_update_rest_api_aws_recorded_errors(gw, patch, message):
    c = gw.client()
    api_id = c.create_rest_api(name="e")["id"]
    with pytest.raises(ClientError) as exc:
        c.update_rest_api(restApiId=api_id, patchOperations=[patch])
    assert error_of(exc) == ("BadRequestException", message, 400)

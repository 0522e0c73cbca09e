"""Documentation parts and documentation versions."""

from __future__ import annotations

import json

import pytest
import yaml
from botocore.exceptions import ClientError

from tests.support import ACCOUNT, add_stage, error_of, without_metadata


@pytest.fixture
def api(gw):
    c = gw.client()
    return c, c.create_rest_api(name="pets")["id"]


def create_part(c, api_id, location, properties='{"description": "d"}'):
    return c.create_documentation_part(restApiId=api_id, location=location,
                                       properties=properties)


# -- parts ---------------------------------------------------------------------------------

def test_create_and_get_documentation_part(gw, api):
    c, api_id = api
    properties = '{ "description": "Sample API description" }'
    created = create_part(c, api_id, {"type": "API"}, properties)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(created["id"]) == 6
    assert created["location"] == {"type": "API"}
    assert created["properties"] == properties
    got = c.get_documentation_part(restApiId=api_id, documentationPartId=created["id"])
    assert without_metadata(got) == without_metadata(created)


@pytest.mark.parametrize("location, stored", [
    ({"type": "RESOURCE"}, {"type": "RESOURCE", "path": "/"}),
    ({"type": "RESOURCE", "path": "/pets/{petId}"},
     {"type": "RESOURCE", "path": "/pets/{petId}"}),
    ({"type": "METHOD", "path": "/pets", "method": "GET"},
     {"type": "METHOD", "path": "/pets", "method": "GET"}),
    ({"type": "METHOD", "path": "/pets"}, {"type": "METHOD", "path": "/pets", "method": "*"}),
    ({"type": "RESPONSE", "statusCode": "200"},
     {"type": "RESPONSE", "path": "/", "method": "*", "statusCode": "200"}),
    ({"type": "RESPONSE_HEADER", "method": "GET", "statusCode": "200",
      "name": "Content-Type"},
     {"type": "RESPONSE_HEADER", "path": "/", "method": "GET", "statusCode": "200",
      "name": "Content-Type"}),
    ({"type": "QUERY_PARAMETER", "path": "/pets", "method": "GET", "name": "page"},
     {"type": "QUERY_PARAMETER", "path": "/pets", "method": "GET", "name": "page"}),
    ({"type": "AUTHORIZER", "name": "myAuthorizer"},
     {"type": "AUTHORIZER", "name": "myAuthorizer"}),
    ({"type": "MODEL", "name": "Error.message"}, {"type": "MODEL", "name": "Error.message"}),
    ({"type": "REQUEST_BODY", "path": "/pets", "method": "POST"},
     {"type": "REQUEST_BODY", "path": "/pets", "method": "POST"}),
])
def test_locations_get_aws_defaults(gw, api, location, stored):
    c, api_id = api
    assert create_part(c, api_id, location)["location"] == stored


def test_empty_location_fields_count_as_left_out(gw, api):
    # Terraform's provider sends every location field, "" for those not set
    c, api_id = api
    empty = {"path": "", "method": "", "name": "", "statusCode": ""}
    assert create_part(c, api_id, {"type": "API", **empty})["location"] == {"type": "API"}
    method = create_part(c, api_id, {**empty, "type": "METHOD", "path": "/pets",
                                     "method": "GET"})
    assert method["location"] == {"type": "METHOD", "path": "/pets", "method": "GET"}


@pytest.mark.parametrize("location, properties, message", [
    ({"type": "API", "method": "GET"}, "{}",
     "Invalid documentation part location: method is not a valid location field for type "
     "API"),
    ({"type": "RESOURCE", "statusCode": "200"}, "{}",
     "Invalid documentation part location: statusCode is not a valid location field for "
     "type RESOURCE"),
    ({"type": "REQUEST_HEADER", "path": "/pets"}, "{}",
     "Invalid documentation part location: name is required for type REQUEST_HEADER"),
    ({"type": "RESOURCE", "path": "pets"}, "{}",
     "Invalid documentation part location: path must start with '/': pets"),
    ({"type": "METHOD", "method": "FETCH"}, "{}",
     "Invalid documentation part location: invalid method FETCH"),
    ({"type": "API"}, "{not json", "Documentation part properties must be valid JSON"),
])
def test_create_documentation_part_validation(gw, api, location, properties, message):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        create_part(c, api_id, location, properties)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_documentation_parts(restApiId=api_id)["items"] == []


def test_location_enum_is_validated(gw, api):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        create_part(c, api_id, {"type": "INVALID"})
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value 'INVALID' at "
        "'createDocumentationPartInput.location.type' failed to satisfy constraint: Member must "
        "satisfy enum value set: [RESPONSE_BODY, RESPONSE, METHOD, MODEL, AUTHORIZER, "
        "RESPONSE_HEADER, RESOURCE, PATH_PARAMETER, REQUEST_BODY, QUERY_PARAMETER, API, "
        "REQUEST_HEADER]", 400)


def test_location_status_code_pattern_is_validated(gw, api):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        create_part(c, api_id, {"type": "RESPONSE", "statusCode": "700"})
    assert error_of(exc)[0] == "ValidationException"
    assert "Member must satisfy regular expression pattern" in error_of(exc)[1]


def test_duplicate_location_conflicts(gw, api):
    c, api_id = api
    create_part(c, api_id, {"type": "API"})
    create_part(c, api_id, {"type": "METHOD", "path": "/pets"})
    cases = [
        ({"type": "API"}, "type 'API'"),
        ({"type": "METHOD", "path": "/pets", "method": "*"},
         "type 'METHOD', path '/pets', method '*'"),
    ]
    for location, described in cases:
        with pytest.raises(ClientError) as exc:
            create_part(c, api_id, location)
        assert error_of(exc) == (
            "ConflictException",
            f"Documentation part already exists for the specified location: {described}.",
            409)


def test_get_documentation_parts_filters_and_paging(gw, api):
    c, api_id = api
    ids = {
        "api": create_part(c, api_id, {"type": "API"})["id"],
        "pets": create_part(c, api_id, {"type": "RESOURCE", "path": "/pets"})["id"],
        "get": create_part(c, api_id, {"type": "METHOD", "path": "/pets", "method": "GET"},
                           "{}")["id"],
        "page": create_part(c, api_id, {"type": "QUERY_PARAMETER", "path": "/pets",
                                        "name": "page"})["id"],
        "pet": create_part(c, api_id, {"type": "MODEL", "name": "Pet"})["id"],
        "petlist": create_part(c, api_id, {"type": "MODEL", "name": "PetList"})["id"],
    }

    def listed(**kwargs):
        return [p["id"] for p in c.get_documentation_parts(restApiId=api_id,
                                                           **kwargs)["items"]]

    assert listed() == list(ids.values())
    assert listed(type="MODEL") == [ids["pet"], ids["petlist"]]
    assert listed(nameQuery="Pet") == [ids["pet"], ids["petlist"]]
    assert listed(nameQuery="PetL") == [ids["petlist"]]
    assert listed(nameQuery="pet") == []
    assert listed(path="/pets") == [ids["pets"], ids["get"], ids["page"]]
    assert listed(type="METHOD", path="/pets") == [ids["get"]]
    assert listed(locationStatus="UNDOCUMENTED") == [ids["get"]]
    assert ids["get"] not in listed(locationStatus="DOCUMENTED")
    first = c.get_documentation_parts(restApiId=api_id, limit=4)
    rest = c.get_documentation_parts(restApiId=api_id, limit=4, position=first["position"])
    assert [p["id"] for p in first["items"] + rest["items"]] == list(ids.values())


def test_update_documentation_part(gw, api):
    c, api_id = api
    part_id = create_part(c, api_id, {"type": "API"})["id"]
    updated = c.update_documentation_part(restApiId=api_id, documentationPartId=part_id,
                                          patchOperations=[
        {"op": "replace", "path": "/properties", "value": '{"description": "new"}'}])
    assert updated["properties"] == '{"description": "new"}'
    failures = [
        ({"op": "add", "path": "/properties", "value": "{}"},
         "Invalid patch path  '/properties' specified for op 'add'. Please choose supported "
         "operations"),
        ({"op": "replace", "path": "/invalidPath", "value": "{}"},
         "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of: "
         "[/properties]"),
        ({"op": "replace", "path": "/properties", "value": "{oops"},
         "Documentation part properties must be valid JSON"),
    ]
    for operation, message in failures:
        with pytest.raises(ClientError) as exc:
            c.update_documentation_part(restApiId=api_id, documentationPartId=part_id,
                                        patchOperations=[
                {"op": "replace", "path": "/properties", "value": '{"lost": 1}'},
                operation])
        assert error_of(exc) == ("BadRequestException", message, 400)
    got = c.get_documentation_part(restApiId=api_id, documentationPartId=part_id)
    assert got["properties"] == '{"description": "new"}'


def test_documentation_part_not_found_messages(gw, api):
    c, api_id = api
    part_id = create_part(c, api_id, {"type": "API"})["id"]
    part_missing = ("NotFoundException", "Invalid Documentation part identifier specified",
                    404)
    api_missing = ("NotFoundException", f"Invalid API identifier specified {ACCOUNT}:api_id",
                   404)
    cases = [
        (lambda: c.get_documentation_part(restApiId="api_id", documentationPartId=part_id),
         part_missing),
        (lambda: c.get_documentation_part(restApiId=api_id, documentationPartId="nope"),
         part_missing),
        (lambda: c.update_documentation_part(restApiId="api_id", documentationPartId=part_id,
                                             patchOperations=[]), part_missing),
        (lambda: c.delete_documentation_part(restApiId="api_id",
                                             documentationPartId=part_id), api_missing),
        (lambda: c.get_documentation_parts(restApiId="api_id"), api_missing),
        (lambda: create_part(c, "api_id", {"type": "API"}), api_missing),
    ]
    for call, error in cases:
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == error
    deleted = c.delete_documentation_part(restApiId=api_id, documentationPartId=part_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        c.delete_documentation_part(restApiId=api_id, documentationPartId=part_id)
    assert error_of(exc) == part_missing


# -- import --------------------------------------------------------------------------------

SPEC = {
    "swagger": "2.0",
    "info": {"title": "doc", "version": "1"},
    "paths": {},
    "x-amazon-apigateway-documentation": {
        "version": "1.0.3",
        "documentationParts": [
            {"location": {"type": "API"},
             "properties": {"description": "API description",
                            "info": {"description": "API info description 4"}}},
            {"location": {"type": "METHOD", "method": "GET"},
             "properties": {"description": "Method description."}},
            {"location": {"type": "MODEL", "name": "Empty"},
             "properties": {"title": "Empty Schema"}},
            {"location": {"type": "RESPONSE", "method": "GET", "statusCode": "200"},
             "properties": {"description": "200 response"}},
        ],
    },
}


def test_import_documentation_parts_overwrite(gw, api):
    c, api_id = api
    create_part(c, api_id, {"type": "RESOURCE", "path": "/old"})
    imported = c.import_documentation_parts(restApiId=api_id, mode="overwrite",
                                            body=json.dumps(SPEC).encode())
    assert imported["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "warnings" not in imported
    parts = c.get_documentation_parts(restApiId=api_id)["items"]
    assert [p["id"] for p in parts] == imported["ids"]
    assert [p["location"] for p in parts] == [
        {"type": "API"},
        {"type": "METHOD", "path": "/", "method": "GET"},
        {"type": "MODEL", "name": "Empty"},
        {"type": "RESPONSE", "path": "/", "method": "GET", "statusCode": "200"},
    ]
    assert json.loads(parts[2]["properties"]) == {"title": "Empty Schema"}


def test_import_documentation_parts_merge_yaml(gw, api):
    c, api_id = api
    existing = create_part(c, api_id, {"type": "API"}, '{"description": "old", "x": 1}')
    kept = create_part(c, api_id, {"type": "RESOURCE", "path": "/old"})
    imported = c.import_documentation_parts(restApiId=api_id,
                                            body=yaml.safe_dump(SPEC).encode())
    assert imported["ids"][0] == existing["id"]
    merged = c.get_documentation_part(restApiId=api_id, documentationPartId=existing["id"])
    assert json.loads(merged["properties"]) == {
        "description": "API description", "x": 1,
        "info": {"description": "API info description 4"}}
    ids = [p["id"] for p in c.get_documentation_parts(restApiId=api_id)["items"]]
    assert kept["id"] in ids and len(ids) == 5


def test_import_documentation_parts_warnings(gw, api):
    c, api_id = api
    spec = {"x-amazon-apigateway-documentation": {"documentationParts": [
        {"location": {"type": "API"}, "properties": {"d": 1}},
        {"location": {"type": "API", "name": "x"}, "properties": {}},
    ]}}
    body = json.dumps(spec).encode()
    with pytest.raises(ClientError) as exc:
        c.import_documentation_parts(restApiId=api_id, body=body, failOnWarnings=True)
    code, message, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    assert "Documentation part 1 was not imported" in message
    assert c.get_documentation_parts(restApiId=api_id)["items"] == []
    imported = c.import_documentation_parts(restApiId=api_id, body=body)
    assert len(imported["ids"]) == 1
    assert imported["warnings"] == [
        "Documentation part 1 was not imported: Invalid documentation part location: name "
        "is not a valid location field for type API"]


@pytest.mark.parametrize("body", [b"{'key:value}", b"- a list\n", b"\xff\xfe"])
def test_import_documentation_parts_bad_input(gw, api, body):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        c.import_documentation_parts(restApiId=api_id, body=body)
    assert error_of(exc) == ("BadRequestException",
                             "Unable to build importer with provided input.", 400)


# -- versions ------------------------------------------------------------------------------

def test_documentation_version_lifecycle(gw, api):
    c, api_id = api
    create_part(c, api_id, {"type": "API"})
    created = c.create_documentation_version(restApiId=api_id, documentationVersion="v123")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["version"] == "v123" and "createdDate" in created
    assert "description" not in created
    updated = c.update_documentation_version(restApiId=api_id, documentationVersion="v123",
                                             patchOperations=[
        {"op": "replace", "path": "/description", "value": "doc version new"}])
    assert updated["description"] == "doc version new"
    got = c.get_documentation_version(restApiId=api_id, documentationVersion="v123")
    assert without_metadata(got) == without_metadata(updated)
    c.create_documentation_version(restApiId=api_id, documentationVersion="v124")
    first = c.get_documentation_versions(restApiId=api_id, limit=1)
    rest = c.get_documentation_versions(restApiId=api_id, limit=1, position=first["position"])
    assert [v["version"] for v in first["items"] + rest["items"]] == ["v123", "v124"]
    deleted = c.delete_documentation_version(restApiId=api_id, documentationVersion="v123")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    for call in (c.get_documentation_version, c.delete_documentation_version):
        with pytest.raises(ClientError) as exc:
            call(restApiId=api_id, documentationVersion="v123")
        assert error_of(exc) == ("NotFoundException",
                                 "Invalid Documentation version specified", 404)


def test_documentation_version_errors(gw, api):
    c, api_id = api
    c.create_documentation_version(restApiId=api_id, documentationVersion="v1",
                                   description="first")
    cases = [
        (lambda: c.create_documentation_version(restApiId=api_id, documentationVersion="v1"),
         ("ConflictException", "Documentation version v1 already exists", 409)),
        (lambda: c.create_documentation_version(restApiId=api_id, documentationVersion="v2",
                                                stageName="nope"),
         ("NotFoundException", "Invalid Stage identifier specified", 404)),
        (lambda: c.create_documentation_version(restApiId="api_id", documentationVersion="v2"),
         ("NotFoundException", f"Invalid API identifier specified {ACCOUNT}:api_id", 404)),
        (lambda: c.update_documentation_version(restApiId=api_id, documentationVersion="v1",
                                                patchOperations=[
            {"op": "replace", "path": "/description", "value": "lost"},
            {"op": "replace", "path": "/version", "value": "v9"}]),
         ("BadRequestException", "Invalid patch path  '/version' specified for op "
          "'replace'. Must be one of: [/description]", 400)),
    ]
    for call, error in cases:
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == error
    versions = c.get_documentation_versions(restApiId=api_id)["items"]
    assert [(v["version"], v["description"]) for v in versions] == [("v1", "first")]


def test_documentation_version_published_to_a_stage(gw, api):
    c, api_id = api
    add_stage(gw, c, api_id, "prod")
    c.create_documentation_version(restApiId=api_id, documentationVersion="v1",
                                   stageName="prod")
    try:
        stage = c.get_stage(restApiId=api_id, stageName="prod")
    except ClientError as exc:
        if "does not implement" not in exc.response["Error"]["Message"]:
            raise
        store = gw.mock.instance.backends.store(ACCOUNT, "us-east-1")
        stage = store.table("apigateway.restapis")[api_id]["stages"]["prod"]
    assert stage["documentationVersion"] == "v1"

"""Model CRUD: default models, schema checks (JSON, draft 4, references), flatten, the
generated mapping template, patches, deletes refused while something refers to a model."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from mockgw import model_schemas
from tests.helpers import error_of

PET = {"$schema": "http://json-schema.org/draft-04/schema#", "title": "Pet", "type": "object",
       "properties": {"name": {"type": "string"}, "price": {"type": "number"}}}
INVALID = "Invalid model specified: Validation Result: warnings : [], errors : [{}]"


def ref(api_id, name):
    return f"https://apigateway.amazonaws.com/restapis/{api_id}/models/{name}"


def body(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


@pytest.fixture
def api(gw):
    c = gw.client()
    return c, c.create_rest_api(name="models")["id"]


def create(c, api_id, name="Pet", schema=PET, **kwargs):
    return c.create_model(restApiId=api_id, name=name, contentType="application/json",
                          schema=schema if isinstance(schema, str) else json.dumps(schema),
                          **kwargs)


def test_new_api_has_empty_and_error_models(api):
    c, api_id = api
    items = c.get_models(restApiId=api_id)["items"]
    assert [(m["name"], m["contentType"], m["description"]) for m in items] == [
        ("Empty", "application/json", "This is a default empty schema model"),
        ("Error", "application/json", "This is a default error schema model")]
    assert json.loads(items[0]["schema"]) == {
        "$schema": "http://json-schema.org/draft-04/schema#", "title": "Empty Schema",
        "type": "object"}
    assert json.loads(items[1]["schema"])["properties"] == {"message": {"type": "string"}}


def test_create_and_get(api):
    c, api_id = api
    created = create(c, api_id, description="A pet")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(created["id"]) == 6
    assert body(created) == {"id": created["id"], "name": "Pet", "description": "A pet",
                             "contentType": "application/json", "schema": json.dumps(PET)}
    assert body(c.get_model(restApiId=api_id, modelName="Pet")) == body(created)
    plain = create(c, api_id, name="Plain", schema={"type": "object"}, description="")
    assert "description" not in plain
    assert [m["name"] for m in c.get_models(restApiId=api_id)["items"]] == [
        "Empty", "Error", "Pet", "Plain"]


@pytest.mark.parametrize("name, schema, code, message", [
    ("", PET, "BadRequestException", "Model name must be non-empty"),
    ("pet-model", PET, "BadRequestException", "Model name must be alphanumeric"),
    ("Empty", PET, "ConflictException", "Model name already exists for this REST API"),
    ("Pet", "", "BadRequestException",
     "Model schema must have at least 1 property or array items defined"),
    ("Pet", "{not json", "BadRequestException", INVALID.format("Invalid model schema specified")),
    ("Pet", "[]", "BadRequestException", INVALID.format("Invalid model schema specified")),
    ("Pet", {"type": "object", "required": []}, "BadRequestException",
     INVALID.format("Invalid model schema specified")),
    ("Pet", {"type": "String"}, "BadRequestException",
     INVALID.format("Invalid model schema specified")),
    ("Pet", {"type": "object", "properties": {"n": {"type": "string", "example": "Rex"}}},
     "BadRequestException",
     INVALID.format('Invalid model schema specified. Unsupported keyword(s): ["example"]')),
    ("Pet", {"type": "object", "properties": {"owner": {"$ref": "#/definitions/Owner"}},
             "definitions": {"Owner": {"$ref": "Owner"}}}, "BadRequestException",
     INVALID.format("Model reference must be in canonical form")),
])
def test_create_validation(api, name, schema, code, message):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        create(c, api_id, name=name, schema=schema)
    assert error_of(exc) == (code, message, 409 if code == "ConflictException" else 400)
    assert [m["name"] for m in c.get_models(restApiId=api_id)["items"]] == ["Empty", "Error"]


def test_property_named_example_is_not_a_keyword(api):
    c, api_id = api
    schema = {"type": "object", "properties": {"example": {"type": "string"}}}
    assert json.loads(create(c, api_id, schema=schema)["schema"]) == schema


def test_missing_schema_is_refused(api):
    c, api_id = api
    with pytest.raises(ClientError) as exc:
        c.create_model(restApiId=api_id, name="Xml", contentType="application/xml")
    assert error_of(exc) == ("BadRequestException",
                             "Model schema must have at least 1 property or array items defined",
                             400)


def test_references_must_resolve(api):
    c, api_id = api
    create(c, api_id)
    pets = {"type": "array", "items": {"$ref": ref(api_id, "Pet")}}
    assert create(c, api_id, name="Pets", schema=pets)["name"] == "Pets"
    for target in (ref(api_id, "Cat"), ref("otherapi01", "Pet")):
        with pytest.raises(ClientError) as exc:
            create(c, api_id, name="Bad", schema={"type": "array", "items": {"$ref": target}})
        name = target.rsplit("/", 1)[1]
        assert error_of(exc) == ("BadRequestException", INVALID.format(
            f"Invalid model identifier specified: {name}"), 400)


def test_several_schema_errors_are_listed_together(api):
    c, api_id = api
    schema = {"type": "object", "example": {}, "properties": {"a": {"$ref": "Pet"}}}
    with pytest.raises(ClientError) as exc:
        create(c, api_id, schema=schema)
    assert error_of(exc)[1] == INVALID.format(
        'Invalid model schema specified. Unsupported keyword(s): ["example"], '
        "Model reference must be in canonical form")


def test_get_flattened(api):
    c, api_id = api
    create(c, api_id)
    pets = {"type": "array", "items": {"$ref": ref(api_id, "Pet")}}
    create(c, api_id, name="Pets", schema=pets)
    plain = c.get_model(restApiId=api_id, modelName="Pets")
    assert json.loads(plain["schema"]) == pets
    flat = c.get_model(restApiId=api_id, modelName="Pets", flatten=True)
    assert json.loads(flat["schema"]) == {"type": "array", "items": PET}


def test_unknown_api_and_model(gw):
    c = gw.client()
    for call in (c.get_models, lambda **kw: create(c, kw["restApiId"])):
        with pytest.raises(ClientError) as exc:
            call(restApiId="nope123456")
        assert error_of(exc) == (
            "NotFoundException", "Invalid API identifier specified 123456789012:nope123456", 404)
    api_id = c.create_rest_api(name="m")["id"]
    for rest_api_id in ("nope123456", api_id):
        for call in (c.get_model, c.delete_model, c.get_model_template,
                     lambda **kw: c.update_model(**kw, patchOperations=[])):
            with pytest.raises(ClientError) as exc:
                call(restApiId=rest_api_id, modelName="Missing")
            assert error_of(exc) == ("NotFoundException",
                                     "Invalid model name specified: Missing", 404)


def test_update_schema_and_description(api):
    c, api_id = api
    create(c, api_id, description="old")
    schema = {"type": "object", "properties": {"id": {"type": "integer"}}}
    updated = c.update_model(restApiId=api_id, modelName="Pet", patchOperations=[
        {"op": "replace", "path": "/schema", "value": json.dumps(schema)},
        {"op": "replace", "path": "/description", "value": ""}])
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert json.loads(updated["schema"]) == schema
    assert "description" not in updated
    described = c.update_model(restApiId=api_id, modelName="Pet", patchOperations=[
        {"op": "replace", "path": "/description", "value": "new"}])
    assert described["description"] == "new"
    assert body(c.get_model(restApiId=api_id, modelName="Pet")) == body(described)


@pytest.mark.parametrize("patch, message", [
    ({"op": "add", "path": "/wrong-path", "value": "x"},
     "Invalid patch path  '/wrong-path' specified for op 'add'. Please choose supported "
     "operations"),
    ({"op": "replace", "path": "/name", "value": "invalid"},
     "Invalid patch path  '/name' specified for op 'replace'. Must be one of: "
     "[/description, /schema]"),
    ({"op": "add", "path": "/schema", "value": "{}"},
     "Invalid patch path  '/schema' specified for op 'add'. Please choose supported "
     "operations"),
    ({"op": "replace", "path": "/schema", "value": ""},
     "Model schema must have at least 1 property or array items defined"),
    ({"op": "replace", "path": "/schema", "value": '{"type": 1}'},
     INVALID.format("Invalid model schema specified")),
])
def test_failed_patch_changes_nothing(api, patch, message):
    c, api_id = api
    create(c, api_id, description="keep")
    with pytest.raises(ClientError) as exc:
        c.update_model(restApiId=api_id, modelName="Pet", patchOperations=[
            {"op": "replace", "path": "/description", "value": "changed"}, patch])
    assert error_of(exc) == ("BadRequestException", message, 400)
    got = c.get_model(restApiId=api_id, modelName="Pet")
    assert (got["description"], json.loads(got["schema"])) == ("keep", PET)


def test_delete(api):
    c, api_id = api
    create(c, api_id)
    response = c.delete_model(restApiId=api_id, modelName="Pet")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        c.get_model(restApiId=api_id, modelName="Pet")
    assert error_of(exc) == ("NotFoundException", "Invalid model name specified: Pet", 404)
    assert c.delete_model(restApiId=api_id, modelName="Empty")


def test_delete_refused_while_another_model_refers_to_it(api):
    c, api_id = api
    create(c, api_id)
    create(c, api_id, name="Pets", schema={"type": "array", "items": {"$ref": ref(api_id, "Pet")}})
    with pytest.raises(ClientError) as exc:
        c.delete_model(restApiId=api_id, modelName="Pet")
    assert error_of(exc) == ("ConflictException",
                             "Cannot delete model 'Pet', is referenced in model: Pets", 409)
    c.delete_model(restApiId=api_id, modelName="Pets")
    c.delete_model(restApiId=api_id, modelName="Pet")
    assert [m["name"] for m in c.get_models(restApiId=api_id)["items"]] == ["Empty", "Error"]


def test_delete_refused_while_a_method_uses_it(gw):
    c = gw.client()
    api = c.create_rest_api(name="used")
    api_id, root = api["id"], api["rootResourceId"]
    create(c, api_id)
    create(c, api_id, name="Out", schema={"type": "object"})
    c.put_method(restApiId=api_id, resourceId=root, httpMethod="ANY", authorizationType="NONE",
                 requestModels={"application/json": "Pet"})
    pets = c.create_resource(restApiId=api_id, parentId=root, pathPart="pets")["id"]
    c.put_method(restApiId=api_id, resourceId=pets, httpMethod="GET", authorizationType="NONE")
    c.put_method_response(restApiId=api_id, resourceId=pets, httpMethod="GET", statusCode="200",
                          responseModels={"application/json": "Out"})
    with pytest.raises(ClientError) as exc:
        c.delete_model(restApiId=api_id, modelName="Pet")
    assert error_of(exc) == (
        "ConflictException", "Cannot delete model 'Pet', is referenced in method request: //ANY",
        409)
    with pytest.raises(ClientError) as exc:
        c.delete_model(restApiId=api_id, modelName="Out")
    assert error_of(exc) == (
        "ConflictException",
        "Cannot delete model 'Out', is referenced in method response: /pets/GET/200", 409)
    c.delete_method(restApiId=api_id, resourceId=root, httpMethod="ANY")
    c.delete_method_response(restApiId=api_id, resourceId=pets, httpMethod="GET",
                             statusCode="200")
    c.delete_model(restApiId=api_id, modelName="Pet")
    c.delete_model(restApiId=api_id, modelName="Out")
    assert [m["name"] for m in c.get_models(restApiId=api_id)["items"]] == ["Empty", "Error"]


def test_model_template_of_an_object(api):
    c, api_id = api
    schema = {"type": "object", "properties": {
        "a": {"type": "number"}, "b": {"type": "integer"}, "op": {"type": "string"},
        "ok": {"type": "boolean"}, "owner": {"type": "object", "properties": {
            "name": {"type": "string"}}},
        "tags": {"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}, "n": {"type": "integer"}}}}}}
    create(c, api_id, name="Calc", schema=schema)
    template = c.get_model_template(restApiId=api_id, modelName="Calc")
    assert template["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert template["value"] == "\n".join([
        "#set($inputRoot = $input.path('$'))",
        "{",
        '  "a" : 3.1415,',
        '  "b" : 42,',
        '  "op" : "foo",',
        '  "ok" : true,',
        '  "owner" : {',
        '    "name" : "foo"',
        "  },",
        '  "tags" : [',
        "  ##TODO: Update this foreach loop to reference array from input json",
        "  #foreach($elem in $inputRoot.tags)",
        "   {",
        '    "key" : "$elem.key",',
        '    "n" : $elem.n',
        "  } ",
        "  #if($foreach.hasNext),#end",
        "  #end",
        "  ]",
        "}"])


def test_model_template_of_an_array_follows_references(api):
    c, api_id = api
    create(c, api_id)
    create(c, api_id, name="Pets", schema={"type": "array", "items": {"$ref": ref(api_id, "Pet")}})
    assert c.get_model_template(restApiId=api_id, modelName="Pets")["value"] == "\n".join([
        "#set($inputRoot = $input.path('$'))",
        "[",
        "##TODO: Update this foreach loop to reference array from input json",
        "#foreach($elem in $inputRoot)",
        " {",
        '  "name" : "$elem.name",',
        '  "price" : $elem.price',
        "} ",
        "#if($foreach.hasNext),#end",
        "#end",
        "]"])


def test_paging(api):
    c, api_id = api
    for name in ("Cat", "Dog", "Fish"):
        create(c, api_id, name=name)
    first = c.get_models(restApiId=api_id, limit=3)
    rest = c.get_models(restApiId=api_id, limit=3, position=first["position"])
    assert [m["name"] for m in first["items"]] == ["Cat", "Dog", "Empty"]
    assert [m["name"] for m in rest["items"]] == ["Error", "Fish"]
    assert "position" not in rest


def test_validator_resolves_recursive_references():
    node = {"type": "object", "properties": {
        "value": {"type": "integer"},
        "children": {"type": "array", "items": {"$ref": ref("api1", "Node")}}}}
    check = model_schemas.validator("Node", "api1", {"Node": node})
    assert check.is_valid({"value": 1, "children": [{"value": 2, "children": []}]})
    assert not check.is_valid({"value": 1, "children": [{"value": "two"}]})

"""Resource CRUD: path parts, conflicts, greedy variables, moves and subtree deletes."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of


@pytest.fixture
def api(gw):
    c = gw.client()
    created = c.create_rest_api(name="tree")
    return c, created["id"], created["rootResourceId"]


def test_create_and_get_resources(api):
    c, api_id, root = api
    pets = c.create_resource(restApiId=api_id, parentId=root, pathPart="pets")
    assert pets["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (pets["path"], pets["pathPart"], pets["parentId"]) == ("/pets", "pets", root)
    assert len(pets["id"]) == 6
    pet = c.create_resource(restApiId=api_id, parentId=pets["id"], pathPart="{petId}")
    assert pet["path"] == "/pets/{petId}"
    got = c.get_resource(restApiId=api_id, resourceId=pet["id"])
    assert {k: got[k] for k in ("id", "path", "pathPart", "parentId")} == {
        "id": pet["id"], "path": "/pets/{petId}", "pathPart": "{petId}",
        "parentId": pets["id"]}
    paths = sorted(r["path"] for r in c.get_resources(restApiId=api_id)["items"])
    assert paths == ["/", "/pets", "/pets/{petId}"]


def test_duplicate_path_part_conflicts(api):
    c, api_id, root = api
    c.create_resource(restApiId=api_id, parentId=root, pathPart="pets")
    with pytest.raises(ClientError) as exc:
        c.create_resource(restApiId=api_id, parentId=root, pathPart="pets")
    assert error_of(exc) == (
        "ConflictException", "Another resource with the same parent already has this name: pets",
        409)


@pytest.mark.parametrize("part", ["a b", "{bad", "x}", "{}", "a/b", "", "{a+}b"])
def test_invalid_path_parts(api, part):
    c, api_id, root = api
    with pytest.raises(ClientError) as exc:
        c.create_resource(restApiId=api_id, parentId=root, pathPart=part)
    code, message, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    if part:
        assert message.startswith("Resource's path part only allow a-zA-Z0-9._- and curly")


def test_only_one_variable_sibling_and_no_child_of_greedy(api):
    c, api_id, root = api
    proxy = c.create_resource(restApiId=api_id, parentId=root, pathPart="{proxy+}")
    with pytest.raises(ClientError) as exc:
        c.create_resource(restApiId=api_id, parentId=root, pathPart="{id}")
    assert error_of(exc) == (
        "BadRequestException",
        "A sibling ({proxy+}) of this resource already has a variable path part -- only one "
        "is allowed", 400)
    with pytest.raises(ClientError) as exc:
        c.create_resource(restApiId=api_id, parentId=proxy["id"], pathPart="child")
    assert error_of(exc) == (
        "BadRequestException",
        "Cannot create a child of a resource with a greedy path variable: {proxy+}", 400)


def test_unknown_parent_and_resource(api):
    c, api_id, _root = api
    with pytest.raises(ClientError) as exc:
        c.create_resource(restApiId=api_id, parentId="zzzzzz", pathPart="x")
    assert error_of(exc) == ("NotFoundException", "Invalid Resource identifier specified", 404)
    with pytest.raises(ClientError) as exc:
        c.get_resource(restApiId=api_id, resourceId="zzzzzz")
    assert error_of(exc)[0] == "NotFoundException"


def test_rename_and_move_update_paths_of_subtree(api):
    c, api_id, root = api
    a = c.create_resource(restApiId=api_id, parentId=root, pathPart="a")
    b = c.create_resource(restApiId=api_id, parentId=root, pathPart="b")
    leaf = c.create_resource(restApiId=api_id, parentId=a["id"], pathPart="leaf")
    renamed = c.update_resource(restApiId=api_id, resourceId=a["id"], patchOperations=[
        {"op": "replace", "path": "/pathPart", "value": "alpha"}])
    assert renamed["path"] == "/alpha"
    assert c.get_resource(restApiId=api_id, resourceId=leaf["id"])["path"] == "/alpha/leaf"
    moved = c.update_resource(restApiId=api_id, resourceId=a["id"], patchOperations=[
        {"op": "replace", "path": "/parentId", "value": b["id"]}])
    assert moved["path"] == "/b/alpha"
    assert c.get_resource(restApiId=api_id, resourceId=leaf["id"])["path"] == "/b/alpha/leaf"
    with pytest.raises(ClientError) as exc:
        c.update_resource(restApiId=api_id, resourceId=b["id"], patchOperations=[
            {"op": "replace", "path": "/parentId", "value": leaf["id"]}])
    assert error_of(exc) == ("BadRequestException", "Resources cannot be cyclical.", 400)
    assert c.get_resource(restApiId=api_id, resourceId=b["id"])["path"] == "/b"


@pytest.mark.parametrize("patch, message", [
    ({"op": "replace", "path": "/invalid", "value": "dogs"},
     "Invalid patch path  '/invalid' specified for op 'replace'. Must be one of: "
     "[/parentId, /pathPart]"),
    ({"op": "remove", "path": "/pathPart"},
     "Invalid patch path  '/pathPart' specified for op 'remove'. Please choose supported "
     "operations"),
    ({"op": "add", "path": "/pathPart", "value": "x"},
     "Invalid patch path  '/pathPart' specified for op 'add'. Please choose supported "
     "operations"),
])
def test_update_resource_patch_errors(api, patch, message):
    c, api_id, root = api
    pets = c.create_resource(restApiId=api_id, parentId=root, pathPart="pets")
    with pytest.raises(ClientError) as exc:
        c.update_resource(restApiId=api_id, resourceId=pets["id"], patchOperations=[patch])
    assert error_of(exc) == ("BadRequestException", message, 400)


@pytest.mark.parametrize("key", ["pathPart", "parentId"])
def test_root_resource_cannot_change(api, key):
    c, api_id, root = api
    with pytest.raises(ClientError) as exc:
        c.update_resource(restApiId=api_id, resourceId=root, patchOperations=[
            {"op": "replace", "path": f"/{key}", "value": root}])
    assert error_of(exc) == ("BadRequestException", f"Root resource cannot update its {key}.",
                             400)


def test_rename_into_conflict_is_refused(api):
    c, api_id, root = api
    c.create_resource(restApiId=api_id, parentId=root, pathPart="x")
    y = c.create_resource(restApiId=api_id, parentId=root, pathPart="y")
    with pytest.raises(ClientError) as exc:
        c.update_resource(restApiId=api_id, resourceId=y["id"], patchOperations=[
            {"op": "replace", "path": "/pathPart", "value": "x"}])
    assert error_of(exc)[0] == "ConflictException"
    assert c.get_resource(restApiId=api_id, resourceId=y["id"])["pathPart"] == "y"


def test_delete_removes_subtree_but_not_root(api):
    c, api_id, root = api
    a = c.create_resource(restApiId=api_id, parentId=root, pathPart="a")
    b = c.create_resource(restApiId=api_id, parentId=a["id"], pathPart="b")
    c.create_resource(restApiId=api_id, parentId=b["id"], pathPart="c")
    keep = c.create_resource(restApiId=api_id, parentId=root, pathPart="keep")
    response = c.delete_resource(restApiId=api_id, resourceId=a["id"])
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    ids = {r["id"] for r in c.get_resources(restApiId=api_id)["items"]}
    assert ids == {root, keep["id"]}
    with pytest.raises(ClientError) as exc:
        c.delete_resource(restApiId=api_id, resourceId=root)
    assert error_of(exc)[0] == "BadRequestException"


def test_get_resources_pages(api):
    c, api_id, root = api
    for i in range(30):
        c.create_resource(restApiId=api_id, parentId=root, pathPart=f"r{i:02d}")
    first = c.get_resources(restApiId=api_id)
    assert len(first["items"]) == 25 and "position" in first
    rest = c.get_resources(restApiId=api_id, position=first["position"])
    assert len(rest["items"]) == 6 and "position" not in rest
    big = c.get_resources(restApiId=api_id, limit=500)
    assert len(big["items"]) == 31

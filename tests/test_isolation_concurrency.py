"""Accounts and regions are isolated; concurrent clients never lose or tear updates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from tests.helpers import error_of


def test_regions_are_isolated(gw):
    east = gw.client(region="us-east-1")
    west = gw.client(region="eu-west-1")
    api = east.create_rest_api(name="east-only")
    assert [a["name"] for a in east.get_rest_apis()["items"]] == ["east-only"]
    assert west.get_rest_apis()["items"] == []
    with pytest.raises(ClientError) as exc:
        west.get_rest_api(restApiId=api["id"])
    assert error_of(exc)[0] == "NotFoundException"


def test_accounts_come_from_access_keys(gw):
    alice = gw.client(access_key="111111111111")
    bob = gw.client(access_key="222222222222")
    default = gw.client(access_key="AKIAEXAMPLE")
    api = alice.create_rest_api(name="alice")
    assert bob.get_rest_apis()["items"] == []
    assert default.get_rest_apis()["items"] == []
    with pytest.raises(ClientError) as exc:
        bob.get_rest_api(restApiId=api["id"])
    assert error_of(exc)[1] == f"Invalid API identifier specified 222222222222:{api['id']}"
    default.create_rest_api(name="default-account")
    with pytest.raises(ClientError) as exc:
        default.get_rest_api(restApiId="missing")
    assert error_of(exc)[1] == "Invalid API identifier specified 123456789012:missing"


def test_concurrent_creates_are_all_kept(gw):
    c = gw.client()
    api = c.create_rest_api(name="busy")

    def create(i: int) -> str:
        return c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                 pathPart=f"r{i}")["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
    listed = c.get_resources(restApiId=api["id"], limit=500)["items"]
    assert sorted(r["pathPart"] for r in listed if "pathPart" in r) == sorted(
        f"r{i}" for i in range(40))


def test_concurrent_patches_lose_no_update(gw):
    c = gw.client()
    api_id = c.create_rest_api(name="patched")["id"]

    def add(i: int) -> None:
        c.update_rest_api(restApiId=api_id, patchOperations=[
            {"op": "add", "path": f"/binaryMediaTypes/type~1n{i}"}])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(add, range(32)))
    got = c.get_rest_api(restApiId=api_id)["binaryMediaTypes"]
    assert sorted(got) == sorted(f"type/n{i}" for i in range(32))


def test_concurrent_duplicate_creates_conflict_exactly_once(gw):
    c = gw.client()
    api = c.create_rest_api(name="race")

    def create(_: int) -> str:
        try:
            c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                              pathPart="same")
            return "created"
        except ClientError as exc:
            return exc.response["Error"]["Code"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(create, range(16)))
    assert outcomes.count("created") == 1
    assert outcomes.count("ConflictException") == 15

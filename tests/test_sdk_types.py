"""GetSdkTypes and GetSdkType."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support import error_of, without_metadata


def test_get_sdk_types(gw):
    c = gw.client()
    items = c.get_sdk_types()["items"]
    assert [t["id"] for t in items] == ["javascript", "android", "objectivec", "swift",
                                        "java", "ruby"]
    by_id = {t["id"]: t for t in items}
    assert by_id["javascript"]["configurationProperties"] == []
    assert [p["name"] for p in by_id["android"]["configurationProperties"]] == [
        "groupId", "invokerPackage", "artifactId", "artifactVersion"]
    assert [(p["name"], p["required"]) for p in by_id["ruby"]["configurationProperties"]] == [
        ("service.name", True), ("ruby.gem-name", False), ("ruby.gem-version", False)]
    page = c.get_sdk_types(limit=4)
    assert len(page["items"]) == 4 and "position" in page


def test_get_sdk_type(gw):
    c = gw.client()
    java = c.get_sdk_type(id="java")
    assert java["friendlyName"] == "Java"
    assert without_metadata(java) == next(
        t for t in c.get_sdk_types()["items"] if t["id"] == "java")
    with pytest.raises(ClientError) as exc:
        c.get_sdk_type(id="cobol")
    assert error_of(exc) == ("NotFoundException", "Invalid SDK type specified: cobol", 404)

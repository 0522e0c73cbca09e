"""Versions: PublishVersion and ListVersionsByFunction."""

from __future__ import annotations

from typing import Any

from mockgw.errors import InvalidParameterValueException
from mockgw.lambda_.common import (
    arn,
    check_revision,
    configuration,
    function_record,
    last_modified,
    listed,
    new_revision,
    page,
    unqualified_ref,
)
from mockgw.lambda_.registry import operation
from mockgw.operations import Call
from mockgw.runtime.functions import LATEST
from mockgw.state.tree import copy_tree


def publish(call: Call, found: dict, name: str, description: str | None = None) -> dict:
    """Publish $LATEST as the next version and answer its configuration; when nothing
    changed since the last version, that version is answered instead (as Lambda does)."""
    if not found["unpublished"] and found["versions"]:
        return found["versions"][max(found["versions"], key=int)]["config"]
    number = str(found["nextVersion"])
    config = copy_tree(found["config"])
    config.update(Version=number, FunctionArn=arn(call, name, number),
                  RevisionId=new_revision(call), LastModified=last_modified(call))
    if description is not None:
        config["Description"] = description
    found["versions"][number] = {"config": config, "code": dict(found["code"])}
    found["nextVersion"] += 1
    found["unpublished"] = False
    return config


@operation("PublishVersion")
def publish_version(call: Call, params: dict[str, Any]) -> dict:
    name = unqualified_ref(call, params)
    found = function_record(call, name)
    latest = found["config"]
    if "CodeSha256" in params and params["CodeSha256"] != latest["CodeSha256"]:
        raise InvalidParameterValueException(
            f"CodeSHA256 ({params['CodeSha256']}) is different from current CodeSHA256 in "
            f"$LATEST ({latest['CodeSha256']}). Please try again with the CodeSHA256 in "
            "$LATEST.")
    check_revision(params.get("RevisionId"), latest["RevisionId"])
    return copy_tree(publish(call, found, name, params.get("Description")))


@operation("ListVersionsByFunction")
def list_versions_by_function(call: Call, params: dict[str, Any]) -> dict:
    name = unqualified_ref(call, params)
    found = function_record(call, name)
    items = [listed(configuration(call, found, name, LATEST))]
    items += [listed(found["versions"][v]["config"]) for v in sorted(found["versions"], key=int)]
    return page(items, params, "Versions")

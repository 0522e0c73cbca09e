"""Lambda versions and aliases through boto3, with the classic dev/test/prod flow."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.lambda_support import (
    ARN,
    ECHO,
    ROLE,
    answer,
    create,
    error_of,
    without_metadata,
    zip_code,
)


def version_code(label: str) -> bytes:
    return zip_code(f"""
        def handler(event, context):
            return {{"code": "{label}", "version": context.function_version,
                     "arn": context.invoked_function_arn}}
    """)


def test_classic_flow_each_alias_answers_its_version(gw):
    c = gw.client("lambda")
    c.create_function(FunctionName="tutorial", Runtime="python3.12", Role=ROLE,
                      Handler="handler.handler", Code={"ZipFile": version_code("one")})
    v1 = c.publish_version(FunctionName="tutorial", Description="first")
    c.update_function_code(FunctionName="tutorial", ZipFile=version_code("two"))
    v2 = c.publish_version(FunctionName="tutorial")
    c.update_function_code(FunctionName="tutorial", ZipFile=version_code("three"))
    assert (v1["Version"], v2["Version"]) == ("1", "2")
    assert v1["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (v1["FunctionArn"], v1["Description"]) == (f"{ARN}:tutorial:1", "first")
    for alias, version in (("dev", "$LATEST"), ("test", "2"), ("prod", "1")):
        created = c.create_alias(FunctionName="tutorial", Name=alias, FunctionVersion=version)
        assert created["AliasArn"] == f"{ARN}:tutorial:{alias}"
    expected = {"dev": ("three", "$LATEST"), "test": ("two", "2"), "prod": ("one", "1")}
    for alias, (code, version) in expected.items():
        result = c.invoke(FunctionName="tutorial", Qualifier=alias)
        assert result["ExecutedVersion"] == version
        assert answer(result) == {"code": code, "version": version,
                                  "arn": f"{ARN}:tutorial:{alias}"}
    by_arn = c.invoke(FunctionName=f"{ARN}:tutorial:prod", Payload=b"{}")
    assert answer(by_arn)["code"] == "one"
    by_version = c.invoke(FunctionName="tutorial", Qualifier="2")
    assert answer(by_version) == {"code": "two", "version": "2", "arn": f"{ARN}:tutorial:2"}
    unqualified = c.invoke(FunctionName="tutorial")
    assert answer(unqualified)["arn"] == f"{ARN}:tutorial"
    config = c.get_function(FunctionName="tutorial", Qualifier="prod")["Configuration"]
    assert (config["FunctionArn"], config["Version"]) == (f"{ARN}:tutorial:prod", "1")
    assert config["CodeSha256"] == v1["CodeSha256"]


def test_publish_version_only_when_something_changed(gw):
    c = gw.client("lambda")
    created = create(c, "pub", ECHO, Publish=True)
    assert (created["Version"], created["FunctionArn"]) == ("1", f"{ARN}:pub")
    again = c.publish_version(FunctionName="pub", Description="ignored")
    assert (again["Version"], again["Description"]) == ("1", "")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    c.update_function_configuration(FunctionName="pub", Description="changed")
    second = c.publish_version(FunctionName="pub")
    assert (second["Version"], second["Description"]) == ("2", "changed")
    assert second["RevisionId"] != again["RevisionId"]
    versions = c.list_versions_by_function(FunctionName="pub")["Versions"]
    assert [(v["Version"], v["FunctionArn"]) for v in versions] == [
        ("$LATEST", f"{ARN}:pub:$LATEST"), ("1", f"{ARN}:pub:1"), ("2", f"{ARN}:pub:2")]
    assert all("State" not in v for v in versions)
    page = c.list_versions_by_function(FunctionName="pub", MaxItems=2)
    assert [v["Version"] for v in page["Versions"]] == ["$LATEST", "1"]
    rest = c.list_versions_by_function(FunctionName="pub", Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["Versions"]] == ["2"]


def test_published_versions_are_immutable(gw):
    c = gw.client("lambda")
    create(c, "frozen", ECHO, Timeout=5)
    c.publish_version(FunctionName="frozen")
    c.update_function_configuration(FunctionName="frozen", Timeout=9)
    assert c.get_function_configuration(FunctionName="frozen", Qualifier="1")["Timeout"] == 5
    assert c.get_function_configuration(FunctionName="frozen")["Timeout"] == 9


def test_publish_version_checks(gw):
    c = gw.client("lambda")
    created = create(c, "checked", ECHO)
    with pytest.raises(ClientError) as exc:
        c.publish_version(FunctionName="checked", CodeSha256="somenonexistentsha256")
    assert error_of(exc) == (
        "InvalidParameterValueException",
        f"CodeSHA256 (somenonexistentsha256) is different from current CodeSHA256 in $LATEST "
        f"({created['CodeSha256']}). Please try again with the CodeSHA256 in $LATEST.", 400)
    with pytest.raises(ClientError) as exc:
        c.publish_version(FunctionName="checked", RevisionId="wrong")
    assert error_of(exc)[::2] == ("PreconditionFailedException", 412)
    assert c.list_versions_by_function(FunctionName="checked")["Versions"][-1]["Version"] == \
        "$LATEST"
    with pytest.raises(ClientError) as exc:
        c.publish_version(FunctionName="missing")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {ARN}:missing",
                             404)


def test_alias_lifecycle(gw):
    c = gw.client("lambda")
    create(c, "aliased", ECHO)
    c.publish_version(FunctionName="aliased")
    c.update_function_configuration(FunctionName="aliased", Description="2")
    c.publish_version(FunctionName="aliased")
    live = c.create_alias(FunctionName="aliased", Name="live", FunctionVersion="1",
                          Description="canary", RoutingConfig={
                              "AdditionalVersionWeights": {"2": 0.2}})
    assert live["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert without_metadata(live) == {
        "AliasArn": f"{ARN}:aliased:live", "Name": "live", "FunctionVersion": "1",
        "Description": "canary", "RevisionId": live["RevisionId"],
        "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.2}}}
    c.create_alias(FunctionName="aliased", Name="beta", FunctionVersion="2")
    assert without_metadata(c.get_alias(FunctionName="aliased", Name="live")) == \
        without_metadata(live)
    assert [a["Name"] for a in c.list_aliases(FunctionName="aliased")["Aliases"]] == [
        "beta", "live"]
    assert [a["Name"] for a in c.list_aliases(FunctionName="aliased",
                                               FunctionVersion="2")["Aliases"]] == ["beta"]
    updated = c.update_alias(FunctionName="aliased", Name="live", FunctionVersion="2",
                             RoutingConfig={"AdditionalVersionWeights": {}},
                             RevisionId=live["RevisionId"])
    assert "RoutingConfig" not in updated
    assert (updated["FunctionVersion"], updated["Description"]) == ("2", "canary")
    assert updated["RevisionId"] != live["RevisionId"]
    with pytest.raises(ClientError) as exc:
        c.update_alias(FunctionName="aliased", Name="live", Description="x",
                       RevisionId=live["RevisionId"])
    assert error_of(exc) == (
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the "
        "GetFunction/GetAlias API to retrieve the latest Revision Id", 412)
    deleted = c.delete_alias(FunctionName="aliased", Name="live")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        c.get_alias(FunctionName="aliased", Name="live")
    assert error_of(exc) == ("ResourceNotFoundException",
                             f"Cannot find alias arn: {ARN}:aliased:live", 404)


@pytest.mark.parametrize("alias, code, message", [
    ({"FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.5,
                                                                             "3": 0.1}}},
     "InvalidParameterValueException",
     "Number of items in AdditionalVersionWeights cannot be greater than 1"),
    ({"FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"2": 2.0}}},
     "ValidationException",
     "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' "
     "failed to satisfy constraint: Map value must satisfy constraint: [Member must have value "
     "less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member "
     "must not be null]"),
    ({"FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"$LATEST": 0.5}}},
     "ValidationException",
     "1 validation error detected: Value '{$LATEST=0.5}' at "
     "'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must "
     "satisfy constraint: [Member must have length less than or equal to 1024, Member must "
     "have length greater than or equal to 1, Member must satisfy regular expression pattern: "
     "[0-9]+, Member must not be null]"),
    ({"FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.5}}},
     "InvalidParameterValueException",
     "Invalid function version 1. Function version 1 is already included in routing "
     "configuration."),
    ({"FunctionVersion": "10"}, "ResourceNotFoundException", f"Function not found: {ARN}:r:10"),
    ({"FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"10": 0.5}}},
     "ResourceNotFoundException", f"Function not found: {ARN}:r:10"),
    ({"FunctionVersion": "$LATEST", "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.5}}},
     "InvalidParameterValueException",
     "$LATEST is not supported for an alias pointing to more than 1 version"),
    ({"FunctionVersion": "1", "Name": "2024"}, "ValidationException",
     "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member "
     "must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"),
    ({"FunctionVersion": "1", "Name": "taken"}, "ResourceConflictException",
     f"Alias already exists: {ARN}:r:taken"),
    ({"FunctionVersion": "1", "FunctionName": "r-unknown"}, "ResourceNotFoundException",
     f"Function not found: {ARN}:r-unknown:1"),
])
def test_alias_validation(gw, alias, code, message):
    c = gw.client("lambda")
    create(c, "r", ECHO)
    c.publish_version(FunctionName="r")
    c.update_function_configuration(FunctionName="r", Description="2")
    c.publish_version(FunctionName="r")
    c.create_alias(FunctionName="r", Name="taken", FunctionVersion="1")
    params = {"FunctionName": "r", "Name": "custom", **alias}
    with pytest.raises(ClientError) as exc:
        c.create_alias(**params)
    got = error_of(exc)
    assert got[:2] == (code, message)
    assert [a["Name"] for a in c.list_aliases(FunctionName="r")["Aliases"]] == ["taken"]


def test_weighted_alias_runs_both_versions(gw):
    c = gw.client("lambda")
    c.create_function(FunctionName="split", Runtime="python3.12", Role=ROLE,
                      Handler="handler.handler", Code={"ZipFile": version_code("one")},
                      Publish=True)
    c.update_function_code(FunctionName="split", ZipFile=version_code("two"), Publish=True)
    c.create_alias(FunctionName="split", Name="canary", FunctionVersion="1",
                   RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    seen = {}
    for _ in range(40):
        result = c.invoke(FunctionName="split:canary")
        seen[result["ExecutedVersion"]] = json.loads(result["Payload"].read())["code"]
    assert seen == {"1": "one", "2": "two"}

"""Lambda resource policies: AddPermission/GetPolicy/RemovePermission through boto3, and the
evaluator the data plane asks whether API Gateway may invoke a function."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from mockgw import mock_apigateway
from mockgw.runtime import may_invoke, policy_allows
from mockgw.runtime.permissions import arn_like
from mockgw.settings import Settings
from tests.lambda_support import ACCOUNT, ARN, ECHO, REGION, create, error_of

API_ARN = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:abc123"


def test_add_permission_builds_lambdas_statement(gw):
    c = gw.client("lambda")
    created = create(c, "guarded", ECHO)
    added = c.add_permission(FunctionName="guarded", StatementId="apigw",
                             Principal="apigateway.amazonaws.com",
                             Action="lambda:InvokeFunction", SourceArn=f"{API_ARN}/*/GET/pets")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    statement = {"Sid": "apigw", "Effect": "Allow",
                 "Principal": {"Service": "apigateway.amazonaws.com"},
                 "Action": "lambda:InvokeFunction", "Resource": f"{ARN}:guarded",
                 "Condition": {"ArnLike": {"AWS:SourceArn": f"{API_ARN}/*/GET/pets"}}}
    assert json.loads(added["Statement"]) == statement
    policy = c.get_policy(FunctionName="guarded")
    assert json.loads(policy["Policy"]) == {"Version": "2012-10-17", "Id": "default",
                                            "Statement": [statement]}
    revision = c.get_function_configuration(FunctionName="guarded")["RevisionId"]
    assert policy["RevisionId"] == revision != created["RevisionId"]


@pytest.mark.parametrize("principal, options, expected", [
    ("*", {"SourceAccount": ACCOUNT}, {
        "Principal": "*", "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}}),
    ("111111111111", {}, {"Principal": {"AWS": "arn:aws:iam::111111111111:root"}}),
    ("arn:aws:iam::111111111111:user/me", {}, {
        "Principal": {"AWS": "arn:aws:iam::111111111111:user/me"}}),
    ("s3.amazonaws.com", {"SourceArn": "arn:aws:s3:::bucket", "SourceAccount": ACCOUNT,
                          "PrincipalOrgID": "o-1234567890"},
     {"Principal": {"Service": "s3.amazonaws.com"},
      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1234567890",
                                     "AWS:SourceAccount": ACCOUNT},
                    "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}}}),
])
def test_principal_and_condition_forms(gw, principal, options, expected):
    c = gw.client("lambda")
    create(c, "forms", ECHO)
    added = c.add_permission(FunctionName="forms", StatementId="s", Principal=principal,
                             Action="lambda:InvokeFunction", **options)
    statement = json.loads(added["Statement"])
    assert {k: statement[k] for k in expected} == expected
    assert list(statement.get("Condition", {})) == list(expected.get("Condition", {}))


def test_policies_belong_to_a_qualifier(gw):
    c = gw.client("lambda")
    create(c, "layered", ECHO, Publish=True)
    alias = c.create_alias(FunctionName="layered", Name="prod", FunctionVersion="1")
    c.add_permission(FunctionName="layered", Qualifier="prod", StatementId="a",
                     Principal="apigateway.amazonaws.com", Action="lambda:InvokeFunction")
    c.add_permission(FunctionName="layered:1", StatementId="v",
                     Principal="apigateway.amazonaws.com", Action="lambda:InvokeFunction")
    on_alias = c.get_policy(FunctionName="layered", Qualifier="prod")
    assert [s["Resource"] for s in json.loads(on_alias["Policy"])["Statement"]] == [
        f"{ARN}:layered:prod"]
    assert on_alias["RevisionId"] == c.get_alias(FunctionName="layered", Name="prod")[
        "RevisionId"] != alias["RevisionId"]
    on_version = json.loads(c.get_policy(FunctionName="layered", Qualifier="1")["Policy"])
    assert [s["Sid"] for s in on_version["Statement"]] == ["v"]
    with pytest.raises(ClientError) as exc:
        c.get_policy(FunctionName="layered")
    assert error_of(exc) == ("ResourceNotFoundException",
                             "The resource you requested does not exist.", 404)


@pytest.mark.parametrize("params, code, message", [
    ({"StatementId": "example.com"}, "ValidationException",
     "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy "
     "constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)"),
    ({"Qualifier": "$LATEST"}, "InvalidParameterValueException",
     "We currently do not support adding policies for $LATEST."),
    ({"FunctionName": "perm:1", "Qualifier": "2"}, "InvalidParameterValueException",
     "The derived qualifier from the function name does not match the specified qualifier."),
    ({"Principal": "invalid principal"}, "InvalidParameterValueException",
     "The provided principal was invalid. Please check the principal and try again."),
    ({"StatementId": "taken"}, "ResourceConflictException",
     "The statement id (taken) provided already exists. Please provide a new statement id, "
     "or remove the existing statement."),
    ({"FunctionName": "doesnotexist"}, "ResourceNotFoundException",
     f"Function not found: {ARN}:doesnotexist"),
    ({"Qualifier": "alias-doesnotexist"}, "ResourceNotFoundException",
     f"Cannot find alias arn: {ARN}:perm:alias-doesnotexist"),
    ({"Qualifier": "42"}, "ResourceNotFoundException", f"Function not found: {ARN}:perm:42"),
    ({"Qualifier": "invalid-qualifier-with-?-char"}, "ValidationException",
     "1 validation error detected: Value 'invalid-qualifier-with-?-char' at 'qualifier' "
     "failed to satisfy constraint: Member must satisfy regular expression pattern: "
     "(|[a-zA-Z0-9$_-]+)"),
    ({"RevisionId": "stale"}, "PreconditionFailedException",
     "The Revision Id provided does not match the latest Revision Id. Call the "
     "GetFunction/GetAlias API to retrieve the latest Revision Id"),
    ({"Action": "invoke"}, "ValidationException",
     "1 validation error detected: Value 'invoke' at 'action' failed to satisfy constraint: "
     "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])"),
])
def test_add_permission_errors(gw, params, code, message):
    c = gw.client("lambda")
    create(c, "perm", ECHO)
    c.add_permission(FunctionName="perm", StatementId="taken", Principal="s3.amazonaws.com",
                     Action="lambda:InvokeFunction")
    request = {"FunctionName": "perm", "StatementId": "new", "Action": "lambda:InvokeFunction",
               "Principal": "apigateway.amazonaws.com", **params}
    with pytest.raises(ClientError) as exc:
        c.add_permission(**request)
    assert error_of(exc)[:2] == (code, message)
    assert [s["Sid"] for s in json.loads(c.get_policy(FunctionName="perm")["Policy"])[
        "Statement"]] == ["taken"]


def test_remove_permission(gw):
    c = gw.client("lambda")
    create(c, "removal", ECHO)
    with pytest.raises(ClientError) as exc:
        c.remove_permission(FunctionName="removal", StatementId="s3")
    assert error_of(exc) == ("ResourceNotFoundException",
                             "No policy is associated with the given resource.", 404)
    for sid in ("s3", "sqs"):
        c.add_permission(FunctionName="removal", StatementId=sid,
                         Principal=f"{sid}.amazonaws.com", Action="lambda:InvokeFunction")
    with pytest.raises(ClientError) as exc:
        c.remove_permission(FunctionName="removal", StatementId="non-existent")
    assert error_of(exc) == ("ResourceNotFoundException",
                             "Statement non-existent is not found in resource policy.", 404)
    with pytest.raises(ClientError) as exc:
        c.remove_permission(FunctionName="removal", StatementId="s3", RevisionId="stale")
    assert error_of(exc)[::2] == ("PreconditionFailedException", 412)
    removed = c.remove_permission(FunctionName="removal", StatementId="sqs")
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    statements = json.loads(c.get_policy(FunctionName="removal")["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["s3"]
    c.remove_permission(FunctionName="removal", StatementId="s3")
    with pytest.raises(ClientError) as exc:
        c.get_policy(FunctionName="removal")
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        c.remove_permission(FunctionName="doesnotexist", StatementId="s3")
    assert error_of(exc) == ("ResourceNotFoundException",
                             f"No policy found for: {ARN}:doesnotexist", 404)


# -- evaluation --------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, arn, expected", [
    (f"{API_ARN}/*/GET/pets", f"{API_ARN}/prod/GET/pets", True),
    (f"{API_ARN}/*", f"{API_ARN}/prod/POST/pets/1/toys", True),
    (f"{API_ARN}/*/GET/pets", f"{API_ARN}/prod/POST/pets", False),
    (f"{API_ARN}/prod/GET/pets", f"arn:aws:execute-api:{REGION}:{ACCOUNT}:zzz999/prod/GET/pets",
     False),
    (f"arn:aws:execute-api:*:{ACCOUNT}:abc123/*", f"{API_ARN}/dev/GET/", True),
    ("arn:aws:execute-api:us-*:*:abc123/*", f"{API_ARN}/dev/GET/", True),
    ("arn:aws:execute-api:eu-*:*:abc123/*", f"{API_ARN}/dev/GET/", False),
    (f"{API_ARN}/pro?/GET/*", f"{API_ARN}/prod/GET/pets", True),
    (f"{API_ARN}/pro?/GET/*", f"{API_ARN}/production/GET/pets", False),
    ("arn:aws:execute-api:*", f"{API_ARN}/prod/GET/pets", False),
    ("*", f"{API_ARN}/prod/GET/pets", True),
])
def test_arn_like(pattern, arn, expected):
    assert arn_like(pattern, arn) is expected


def _statement(**fields):
    return {"Sid": "s", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": f"{ARN}:fn", **fields}


@pytest.mark.parametrize("statements, expected", [
    ([_statement()], True),
    ([_statement(Condition={"ArnLike": {"AWS:SourceArn": f"{API_ARN}/*/GET/pets"}})], True),
    ([_statement(Condition={"ArnLike": {"AWS:SourceArn": f"{API_ARN}/*/POST/pets"}})], False),
    ([_statement(Principal={"Service": "s3.amazonaws.com"})], False),
    ([_statement(Principal="*")], True),
    ([_statement(Action="lambda:*")], True),
    ([_statement(Action="lambda:GetFunction")], False),
    ([_statement(Resource=f"{ARN}:other")], False),
    ([_statement(Condition={"StringEquals": {"AWS:SourceAccount": ACCOUNT}})], True),
    ([_statement(Condition={"StringEquals": {"AWS:SourceAccount": "999999999999"}})], False),
    ([_statement(Condition={"StringEquals": {"aws:PrincipalOrgID": "o-123"}})], False),
    ([_statement(), _statement(Effect="Deny")], False),
    ([], False),
])
def test_policy_allows(statements, expected):
    assert policy_allows(statements, principal="apigateway.amazonaws.com",
                         action="lambda:InvokeFunction", resource=f"{ARN}:fn",
                         source_arn=f"{API_ARN}/prod/GET/pets",
                         source_account=ACCOUNT) is expected


def test_may_invoke_reads_the_invoked_qualifiers_policy():
    with mock_apigateway() as mock:
        c = boto3.client("lambda", region_name=REGION)
        create(c, "open", ECHO)
        create(c, "guarded", ECHO, Publish=True)
        c.create_alias(FunctionName="guarded", Name="prod", FunctionVersion="1")
        c.create_alias(FunctionName="guarded", Name="dev", FunctionVersion="$LATEST")
        c.add_permission(FunctionName="guarded", Qualifier="prod", StatementId="apigw",
                         Principal="apigateway.amazonaws.com", Action="lambda:InvokeFunction",
                         SourceArn=f"{API_ARN}/*/GET/pets")

        def allowed(ref, source=f"{API_ARN}/prod/GET/pets", **options):
            return may_invoke(mock.instance, ACCOUNT, REGION, ref, source_arn=source,
                              **options)

        assert allowed("open")  # no policy at all
        assert allowed(f"{ARN}:guarded:prod")
        assert allowed("guarded", qualifier="prod")
        assert not allowed(f"{ARN}:guarded:prod", source=f"{API_ARN}/prod/DELETE/pets")
        assert not allowed(f"{ARN}:guarded:dev")  # the alias has no statement
        assert not allowed(f"{ARN}:guarded")
        assert not allowed(f"{ARN}:guarded:prod", principal="s3.amazonaws.com")
        assert allowed(f"{ARN}:unknown")  # not held here: whoever holds it decides


def test_strict_mode_refuses_functions_without_policy(monkeypatch):
    monkeypatch.setenv("MOCKGW_STRICT_LAMBDA_PERMISSIONS", "1")
    with mock_apigateway() as mock:
        c = boto3.client("lambda", region_name=REGION)
        create(c, "open", ECHO)
        assert mock.instance.settings.strict_lambda_permissions is True
        assert not may_invoke(mock.instance, ACCOUNT, REGION, "open",
                              source_arn=f"{API_ARN}/prod/GET/")
    with mock_apigateway(settings=Settings(strict_lambda_permissions=False)) as mock:
        create(boto3.client("lambda", region_name=REGION), "open", ECHO)
        assert may_invoke(mock.instance, ACCOUNT, REGION, "open",
                          source_arn=f"{API_ARN}/prod/GET/")

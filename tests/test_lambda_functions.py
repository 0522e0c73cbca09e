"""Lambda functions through boto3: create, read, list, update, delete and their errors."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from botocore.exceptions import ClientError

from tests.lambda_support import (
    ARN,
    ECHO,
    REGION,
    ROLE,
    create,
    error_of,
    without_metadata,
    zip_code,
)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
LAST_MODIFIED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


def test_create_function_answers_its_configuration(gw):
    c = gw.client("lambda")
    code = zip_code(ECHO)
    fn = c.create_function(FunctionName="echo", Runtime="python3.12", Role=ROLE,
                           Handler="handler.handler", Code={"ZipFile": code},
                           Environment={"Variables": {"STAGE": "test"}}, Timeout=10,
                           MemorySize=256, Description="echoes")
    assert fn["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert fn["FunctionName"] == "echo"
    assert fn["FunctionArn"] == f"{ARN}:echo"
    assert fn["CodeSha256"] == base64.b64encode(hashlib.sha256(code).digest()).decode()
    assert fn["CodeSize"] == len(code)
    assert (fn["Runtime"], fn["Handler"], fn["Role"]) == ("python3.12", "handler.handler", ROLE)
    assert (fn["Timeout"], fn["MemorySize"], fn["Description"]) == (10, 256, "echoes")
    assert fn["Environment"] == {"Variables": {"STAGE": "test"}}
    assert (fn["State"], fn["LastUpdateStatus"], fn["Version"]) == (
        "Active", "Successful", "$LATEST")
    assert fn["PackageType"] == "Zip"
    assert fn["Architectures"] == ["x86_64"]
    assert fn["TracingConfig"] == {"Mode": "PassThrough"}
    assert fn["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/echo"}
    assert UUID.match(fn["RevisionId"])
    assert LAST_MODIFIED.match(fn["LastModified"])


def test_defaults_and_get_function(gw):
    c = gw.client("lambda")
    created = create(c, "plain", ECHO, Tags={"team": "core"})
    assert (created["Timeout"], created["MemorySize"], created["Description"]) == (3, 128, "")
    assert "Environment" not in created
    got = c.get_function(FunctionName="plain")
    assert got["Configuration"] == without_metadata(created)
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Code"]["Location"].startswith("https://")
    assert got["Tags"] == {"team": "core"}
    config = c.get_function_configuration(FunctionName="plain")
    assert config["RevisionId"] == created["RevisionId"]
    assert "Tags" not in c.get_function(FunctionName=create(c, "untagged", ECHO)["FunctionName"])


@pytest.mark.parametrize("ref, arn_suffix", [
    ("named", "named"),
    (f"{ARN}:named", "named"),
    ("123456789012:function:named", "named"),
    ("named:$LATEST", "named:$LATEST"),
    (f"{ARN}:named:$LATEST", "named:$LATEST"),
])
def test_function_name_forms(gw, ref, arn_suffix):
    c = gw.client("lambda")
    create(c, "named", ECHO)
    config = c.get_function_configuration(FunctionName=ref)
    assert config["FunctionArn"] == f"{ARN}:{arn_suffix}"
    assert config["Version"] == "$LATEST"


def test_create_function_by_arn(gw):
    c = gw.client("lambda")
    created = create(c, f"{ARN}:by-arn", ECHO)
    assert created["FunctionName"] == "by-arn"


def test_create_existing_function_conflicts(gw):
    c = gw.client("lambda")
    create(c, "twice", ECHO)
    with pytest.raises(ClientError) as exc:
        create(c, "twice", ECHO, Description="again")
    assert error_of(exc) == ("ResourceConflictException", "Function already exist: twice", 409)
    assert c.get_function_configuration(FunctionName="twice")["Description"] == ""


@pytest.mark.parametrize("call, message", [
    (lambda c: c.get_function(FunctionName="nope"), f"Function not found: {ARN}:nope"),
    (lambda c: c.get_function(FunctionName="nope", Qualifier="$LATEST"),
     f"Function not found: {ARN}:nope:$LATEST"),
    (lambda c: c.get_function_configuration(FunctionName="exists", Qualifier="7"),
     f"Function not found: {ARN}:exists:7"),
    (lambda c: c.get_function(FunctionName="exists:missing-alias"),
     f"Function not found: {ARN}:exists:missing-alias"),
    (lambda c: c.delete_function(FunctionName="nope"), f"Function not found: {ARN}:nope"),
    (lambda c: c.get_function(FunctionName="arn:aws:lambda:eu-west-1:123456789012:function:x"),
     "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"),
])
def test_not_found(gw, call, message):
    c = gw.client("lambda")
    create(c, "exists", ECHO)
    with pytest.raises(ClientError) as exc:
        call(c)
    assert error_of(exc) == ("ResourceNotFoundException", message, 404)


def test_qualifier_must_match_the_name(gw):
    c = gw.client("lambda")
    create(c, "qualified", ECHO)
    with pytest.raises(ClientError) as exc:
        c.get_function(FunctionName="qualified:1", Qualifier="2")
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified "
        "qualifier.", 400)


def test_function_of_another_account_is_refused(gw):
    c = gw.client("lambda")
    with pytest.raises(ClientError) as exc:
        c.get_function(FunctionName="arn:aws:lambda:us-east-1:999999999999:function:theirs")
    assert error_of(exc)[::2] == ("AccessDeniedException", 403)


ENV_KEYS = ("1 validation error detected: Value at 'environment.variables' failed to satisfy "
            "constraint: Map keys must satisfy constraint: [Member must satisfy regular "
            "expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")


def _runtime_message(runtime: str) -> re.Pattern[str]:
    return re.compile(rf"^Value {re.escape(runtime)} at 'runtime' failed to satisfy constraint: "
                      r"Member must satisfy enum value set: \[.*python3\.12.*\] or be a valid "
                      r"ARN$")


@pytest.mark.parametrize("options, code, message", [
    ({"Role": "r1"}, "ValidationException",
     "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member "
     "must satisfy regular expression pattern: "
     r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"),
    ({"Runtime": "python3.99"}, "InvalidParameterValueException", _runtime_message("python3.99")),
    ({"Runtime": "PYTHON3.12"}, "InvalidParameterValueException", _runtime_message("PYTHON3.12")),
    ({"Runtime": "python3.7"}, "InvalidParameterValueException",
     "The runtime parameter of python3.7 is no longer supported for creating or updating AWS "
     "Lambda functions. We recommend you use the new runtime (python3.13) while creating or "
     "updating functions."),
    ({"Code": {"ZipFile": b"not a zip"}}, "InvalidParameterValueException",
     "Could not unzip uploaded file. Please check your file, then try to upload again."),
    ({"FunctionName": "a" * 65}, "InvalidParameterValueException",
     f"1 validation error detected: Value '{'a' * 65}' at 'functionName' failed to satisfy "
     "constraint: Member must have length less than or equal to 64"),
    ({"FunctionName": "invalid:function:name"}, "ValidationException",
     "1 validation error detected: Value 'invalid:function:name' at 'functionName' failed to "
     "satisfy constraint: Member must satisfy regular expression pattern: "
     r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
     r"(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"),
    ({"Environment": {"Variables": {"AWS_REGION": "x", "FINE": "y"}}},
     "InvalidParameterValueException",
     "Lambda was unable to configure your environment variables because the environment "
     "variables you have provided contains reserved keys that are currently not supported "
     "for modification. Reserved keys used in this request: AWS_REGION"),
    # TZ is not reserved (AWS lists it as unreserved); the runtime API's address is
    ({"Environment": {"Variables": {"TZ": "Asia/Tokyo", "AWS_LAMBDA_RUNTIME_API": "x"}}},
     "InvalidParameterValueException",
     "Lambda was unable to configure your environment variables because the environment "
     "variables you have provided contains reserved keys that are currently not supported "
     "for modification. Reserved keys used in this request: AWS_LAMBDA_RUNTIME_API"),
    ({"Environment": {"Variables": {"BIG": "x" * 4090}}}, "InvalidParameterValueException",
     "Lambda was unable to configure your environment variables because the environment "
     "variables you have provided exceeded the 4KB limit. String measured: "
     f'{{"BIG":"{"x" * 4090}"}}'),
    # environment variables are sensitive: AWS leaves their values out of its messages
    ({"Environment": {"Variables": {"9LIVES": "cat"}}}, "ValidationException", ENV_KEYS),
    ({"Environment": {"Variables": {"A": "secret", "FINE": "y"}}}, "ValidationException",
     ENV_KEYS),
    # over the model's maximum (those of Lambda Managed Instances)
    ({"Timeout": 99999}, "ValidationException",
     "1 validation error detected: Value '99999' at 'timeout' failed to satisfy constraint: "
     "Member must have value less than or equal to 5400"),
    # over what a function without a capacity provider may have
    ({"Timeout": 901}, "ValidationException",
     "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
     "Member must have value less than or equal to 900"),
    ({"Timeout": 3000}, "ValidationException",
     "1 validation error detected: Value '3000' at 'timeout' failed to satisfy constraint: "
     "Member must have value less than or equal to 900"),
    ({"MemorySize": 20000}, "ValidationException",
     "1 validation error detected: Value '20000' at 'memorySize' failed to satisfy constraint: "
     "Member must have value less than or equal to 10240"),
    ({"MemorySize": 40000}, "ValidationException",
     "1 validation error detected: Value '40000' at 'memorySize' failed to satisfy constraint: "
     "Member must have value less than or equal to 32768"),
])
def test_create_function_validation(gw, options, code, message):
    c = gw.client("lambda")
    with pytest.raises(ClientError) as exc:
        options = dict(options)
        create(c, options.pop("FunctionName", "invalid"), ECHO, **options)
    got_code, got_message, status = error_of(exc)
    assert (got_code, status) == (code, 400)
    if isinstance(message, re.Pattern):
        assert message.match(got_message), got_message
    else:
        assert got_message == message
    assert c.list_functions()["Functions"] == []


def test_zip_functions_need_runtime_and_handler(gw):
    c = gw.client("lambda")
    with pytest.raises(ClientError) as exc:
        c.create_function(FunctionName="bare", Role=ROLE, Code={"ZipFile": zip_code(ECHO)})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Runtime and Handler are mandatory parameters for functions created with deployment "
        "packages.", 400)


def test_list_functions_pages_and_versions(gw):
    c = gw.client("lambda")
    for name in ("b-fn", "a-fn", "c-fn"):
        create(c, name, ECHO)
    c.publish_version(FunctionName="a-fn")
    first = c.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in first["Functions"]] == ["a-fn", "b-fn"]
    assert all("State" not in f and "LastUpdateStatus" not in f for f in first["Functions"])
    rest = c.list_functions(MaxItems=2, Marker=first["NextMarker"])
    assert [f["FunctionName"] for f in rest["Functions"]] == ["c-fn"]
    assert "NextMarker" not in rest
    every = c.list_functions(FunctionVersion="ALL")["Functions"]
    assert [f["FunctionArn"] for f in every] == [
        f"{ARN}:a-fn:$LATEST", f"{ARN}:a-fn:1", f"{ARN}:b-fn:$LATEST", f"{ARN}:c-fn:$LATEST"]


def test_list_functions_version_enum(gw):
    response = gw.raw("GET", "/2015-03-31/functions?FunctionVersion=invalid")
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert response.json()["message"] == (
        "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ALL]")


def test_update_function_configuration(gw):
    c = gw.client("lambda")
    created = create(c, "conf", ECHO, Environment={"Variables": {"AA": "1", "BB": "2"}})
    updated = c.update_function_configuration(
        FunctionName="conf", Environment={"Variables": {"CC": "3"}}, Timeout=7,
        MemorySize=512, Description="changed", Runtime="python3.11",
        RevisionId=created["RevisionId"])
    assert updated["Environment"] == {"Variables": {"CC": "3"}}
    assert (updated["Timeout"], updated["MemorySize"], updated["Description"]) == (
        7, 512, "changed")
    assert updated["Runtime"] == "python3.11"
    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["CodeSha256"] == created["CodeSha256"]
    assert without_metadata(c.get_function_configuration(FunctionName="conf")) == \
        without_metadata(updated)
    with pytest.raises(ClientError) as exc:
        c.update_function_configuration(FunctionName="conf", Timeout=9,
                                        RevisionId=created["RevisionId"])
    assert error_of(exc) == (
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the "
        "GetFunction/GetAlias API to retrieve the latest Revision Id", 412)
    assert c.get_function_configuration(FunctionName="conf")["Timeout"] == 7


def test_on_demand_maximums(gw):
    c = gw.client("lambda")
    created = create(c, "big", ECHO, Timeout=900, MemorySize=10240)
    assert (created["Timeout"], created["MemorySize"]) == (900, 10240)
    for options, message in (
            ({"Timeout": 1000}, "Value '1000' at 'timeout' failed to satisfy constraint: "
                                "Member must have value less than or equal to 900"),
            ({"MemorySize": 10241}, "Value '10241' at 'memorySize' failed to satisfy "
                                    "constraint: Member must have value less than or equal "
                                    "to 10240"),
            ({"Environment": {"Variables": {"X": "1"}}},
             ENV_KEYS.removeprefix("1 validation error detected: "))):
        with pytest.raises(ClientError) as exc:
            c.update_function_configuration(FunctionName="big", Description="no", **options)
        assert error_of(exc) == ("ValidationException",
                                 f"1 validation error detected: {message}", 400)
    unchanged = c.get_function_configuration(FunctionName="big")
    assert (unchanged["Timeout"], unchanged["MemorySize"], unchanged["Description"],
            unchanged["RevisionId"]) == (900, 10240, "", created["RevisionId"])


def test_update_function_code(gw):
    c = gw.client("lambda")
    created = create(c, "code", ECHO)
    new_code = zip_code("def handler(event, context):\n    return 2\n")
    updated = c.update_function_code(FunctionName="code", ZipFile=new_code)
    assert updated["CodeSha256"] == base64.b64encode(hashlib.sha256(new_code).digest()).decode()
    assert updated["CodeSize"] == len(new_code)
    assert updated["RevisionId"] != created["RevisionId"]
    published = c.update_function_code(FunctionName="code", ZipFile=zip_code(ECHO),
                                       Publish=True)
    assert (published["Version"], published["FunctionArn"]) == ("1", f"{ARN}:code:1")
    assert published["CodeSha256"] == created["CodeSha256"]
    with pytest.raises(ClientError) as exc:
        c.update_function_code(FunctionName="code", ZipFile=b"garbage")
    assert error_of(exc)[0] == "InvalidParameterValueException"
    assert c.get_function_configuration(FunctionName="code")["CodeSha256"] == \
        created["CodeSha256"]


def test_delete_function(gw):
    c = gw.client("lambda")
    create(c, "doomed", ECHO)
    c.publish_version(FunctionName="doomed")
    c.update_function_configuration(FunctionName="doomed", Description="v2")
    c.publish_version(FunctionName="doomed")
    c.create_alias(FunctionName="doomed", Name="live", FunctionVersion="2")
    with pytest.raises(ClientError) as exc:
        c.delete_function(FunctionName="doomed", Qualifier="$LATEST")
    assert error_of(exc) == ("InvalidParameterValueException",
                             "$LATEST version cannot be deleted without deleting the function.",
                             400)
    with pytest.raises(ClientError) as exc:
        c.delete_function(FunctionName="doomed", Qualifier="2")
    assert error_of(exc) == (
        "ResourceConflictException",
        "Unable to delete version because the following aliases reference it: [live]", 409)
    bodies = []
    c.meta.events.register("after-call.lambda.DeleteFunction",
                           lambda http_response, **_: bodies.append(http_response.content))
    deleted = c.delete_function(FunctionName="doomed", Qualifier="1")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert bodies == [b""]  # AWS's 204 has no body (a "{}" broke the server's answer)
    versions = c.list_versions_by_function(FunctionName="doomed")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "2"]
    c.delete_function(FunctionName="doomed")
    with pytest.raises(ClientError) as exc:
        c.get_function(FunctionName="doomed")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {ARN}:doomed",
                             404)


def test_function_code_signing_config_is_empty(gw):
    # Terraform's aws_lambda_function reads it after every create and refresh
    c = gw.client("lambda")
    create(c, "unsigned", ECHO)
    answer = without_metadata(c.get_function_code_signing_config(FunctionName="unsigned"))
    assert answer == {"CodeSigningConfigArn": "", "FunctionName": "unsigned"}
    by_arn = c.get_function_code_signing_config(FunctionName=f"{ARN}:unsigned")
    assert by_arn["FunctionName"] == "unsigned"
    with pytest.raises(ClientError) as exc:
        c.get_function_code_signing_config(FunctionName="missing")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {ARN}:missing",
                             404)


def test_account_settings(gw):
    c = gw.client("lambda")
    size = create(c, "counted", ECHO)["CodeSize"]
    settings = c.get_account_settings()
    assert settings["AccountUsage"] == {"TotalCodeSize": size, "FunctionCount": 1}
    assert settings["AccountLimit"]["CodeSizeZipped"] == 52428800
    assert settings["AccountLimit"]["CodeSizeUnzipped"] == 262144000


def test_regions_are_isolated(gw):
    east = gw.client("lambda")
    west = gw.client("lambda", region="eu-west-1")
    create(east, "local", ECHO)
    assert west.list_functions()["Functions"] == []
    assert east.get_function(FunctionName="local")["Configuration"]["FunctionArn"].startswith(
        f"arn:aws:lambda:{REGION}:")


def test_tags(gw):
    c = gw.client("lambda")
    create(c, "tagged", ECHO, Tags={"a": "1"})
    resource = f"{ARN}:tagged"
    c.tag_resource(Resource=resource, Tags={"b": "2", "a": "one"})
    assert c.list_tags(Resource=resource)["Tags"] == {"a": "one", "b": "2"}
    c.untag_resource(Resource=resource, TagKeys=["a", "absent"])
    assert c.list_tags(Resource=resource)["Tags"] == {"b": "2"}
    assert c.get_function(FunctionName="tagged")["Tags"] == {"b": "2"}
    with pytest.raises(ClientError) as exc:
        c.tag_resource(Resource=f"{resource}:1", Tags={"c": "3"})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Tags on function aliases and versions are not supported. Please specify a function "
        "ARN.", 400)
    with pytest.raises(ClientError) as exc:
        c.tag_resource(Resource=resource, Tags={f"k{i}": "v" for i in range(50)})
    assert error_of(exc) == ("InvalidParameterValueException",
                             "Number of tags exceeds resource tag limit.", 400)
    with pytest.raises(ClientError) as exc:
        c.list_tags(Resource=f"{ARN}:doesnotexist")
    assert error_of(exc) == ("ResourceNotFoundException",
                             f"Function not found: {ARN}:doesnotexist", 404)
    with pytest.raises(ClientError) as exc:
        c.list_tags(Resource="arn:aws:something")
    assert error_of(exc)[::2] == ("ValidationException", 400)


def test_code_from_s3_served_by_moto():
    moto = pytest.importorskip("moto")
    import boto3

    from mockgw import mock_apigateway
    from tests.lambda_support import answer

    with moto.mock_aws(), mock_apigateway():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="code")
        s3.put_object(Bucket="code", Key="fn.zip", Body=zip_code(ECHO))
        c = boto3.client("lambda", region_name=REGION)
        created = c.create_function(FunctionName="from-s3", Runtime="python3.12", Role=ROLE,
                                    Handler="handler.handler",
                                    Code={"S3Bucket": "code", "S3Key": "fn.zip"})
        assert created["CodeSize"] == len(zip_code(ECHO))
        assert answer(c.invoke(FunctionName="from-s3", Payload=b'{"a": 1}'))["event"] == {
            "a": 1}
        with pytest.raises(ClientError) as exc:
            c.update_function_code(FunctionName="from-s3", S3Bucket="code", S3Key="nope.zip")
        assert error_of(exc) == (
            "InvalidParameterValueException",
            "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The "
            "specified key does not exist.", 400)


def test_container_image_functions_are_recorded(gw):
    c = gw.client("lambda")
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"
    created = c.create_function(FunctionName="image", Role=ROLE, PackageType="Image",
                                Code={"ImageUri": uri})
    assert created["PackageType"] == "Image"
    assert "Runtime" not in created and "Handler" not in created
    code = c.get_function(FunctionName="image")["Code"]
    assert (code["RepositoryType"], code["ImageUri"]) == ("ECR", uri)
    with pytest.raises(ClientError) as exc:
        c.update_function_code(FunctionName="image", ZipFile=zip_code(ECHO))
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Please provide ImageUri when updating a function with packageType Image.", 400)
    with pytest.raises(ClientError) as exc:
        c.invoke(FunctionName="image")
    assert error_of(exc)[::2] == ("InvalidRuntimeException", 502)

"""Lookups, validation and record building shared by the ``lambda`` handlers.

The record layout of table ``lambda.functions`` is documented in
:mod:`mockgw.runtime.functions` (the runtime reads the same records).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import time
import uuid
import zipfile
from typing import Any

from mockgw.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ServiceError,
)
from mockgw.operations import Call
from mockgw.protocol.models import service_model
from mockgw.runtime.engine import RESERVED_VARIABLES
from mockgw.runtime.functions import (
    FUNCTIONS,
    LATEST,
    check_pattern,
    constraint_error,
    function_arn,
    is_version,
    locate,
    not_found,
    parse_ref,
    record,
)
from mockgw.state.tree import copy_tree

DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY_SIZE = 128
DEFAULT_PAGE_SIZE = 50
ZIPPED_LIMIT = 52428800
UNZIPPED_LIMIT = 262144000
ENVIRONMENT_LIMIT = 4096
#: The largest Timeout and MemorySize of a function without a capacity provider (Lambda
#: Managed Instances take up to the model's maximums, 5400 s and 32768 MB).
ON_DEMAND_MAXIMUMS = {"Timeout": 900, "MemorySize": 10240}

#: Runtimes Lambda no longer lets functions be created or updated with.
DEPRECATED_RUNTIMES = frozenset({
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
    "nodejs12.x", "java8", "python2.7", "python3.6", "python3.7", "dotnetcore1.0",
    "dotnetcore2.0", "dotnetcore2.1", "ruby2.5", "go1.x", "custom"})
_SUCCESSORS = {"nodejs": "nodejs22.x", "python": "python3.13", "java": "java21",
               "dotnet": "dotnet8", "ruby": "ruby3.3", "go": "provided.al2023",
               "custom": "provided.al2023"}
#: Members a listing (ListFunctions, ListVersionsByFunction) leaves out.
_UNLISTED = ("State", "StateReason", "StateReasonCode", "LastUpdateStatus",
             "LastUpdateStatusReason", "LastUpdateStatusReasonCode", "RuntimeVersionConfig")
UNQUALIFIED_ONLY = ("This operation is permitted on Lambda functions only. Aliases and "
                    "versions do not support this operation. Please specify either a "
                    "function name or an unqualified function ARN.")


def functions(call: Call) -> dict[str, dict]:
    return call.store.table(FUNCTIONS)


def function_ref(call: Call, params: dict[str, Any]) -> tuple[str, str | None]:
    """``(name, qualifier)`` of the operation's FunctionName and Qualifier members."""
    member = service_model("lambda").operation_model(call.operation) \
        .input_shape.members["FunctionName"]
    ref = parse_ref(params["FunctionName"], member.name)
    qualifier = params.get("Qualifier")
    if qualifier is not None:
        check_pattern(qualifier, "Qualifier", "qualifier")
    return locate(ref, account=call.account, region=call.region, qualifier=qualifier)


def unqualified_ref(call: Call, params: dict[str, Any]) -> str:
    """The function name of an operation that acts on the function itself."""
    name, qualifier = function_ref(call, params)
    if qualifier is not None:
        raise InvalidParameterValueException(UNQUALIFIED_ONLY)
    return name


def function_record(call: Call, name: str, qualifier: str | None = None) -> dict:
    return record(call.store, name, qualifier)


def arn(call: Call, name: str, qualifier: str | None = None) -> str:
    return function_arn(call.region, call.account, name, qualifier)


def configuration(call: Call, found: dict, name: str, qualifier: str | None) -> dict:
    """The FunctionConfiguration of ``name:qualifier`` (an alias shows its version's
    configuration under the alias ARN)."""
    if qualifier is None:
        return copy_tree(found["config"])
    version = qualifier
    if not is_version(qualifier) and qualifier != LATEST:
        alias = found["aliases"].get(qualifier)
        if alias is None:
            raise not_found(call.store, name, qualifier)
        version = alias["FunctionVersion"]
    if version == LATEST:
        config = copy_tree(found["config"])
    elif version in found["versions"]:
        config = copy_tree(found["versions"][version]["config"])
    else:
        raise not_found(call.store, name, qualifier)
    config["FunctionArn"] = arn(call, name, qualifier)
    return config


def listed(config: dict) -> dict:
    """A configuration as the list operations show it."""
    return {k: v for k, v in config.items() if k not in _UNLISTED}


def page(items: list, params: dict[str, Any], key: str) -> dict[str, Any]:
    """Lambda's ``Marker``/``MaxItems`` paging over ``items``, listed under ``key``."""
    size = params.get("MaxItems") or DEFAULT_PAGE_SIZE
    start = 0
    if params.get("Marker"):
        try:
            start = int(base64.urlsafe_b64decode(params["Marker"].encode()))
        except (ValueError, binascii.Error):
            raise InvalidParameterValueException("Invalid marker.") from None
    out: dict[str, Any] = {key: items[start:start + size]}
    if start + size < len(items):
        out["NextMarker"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return out


def new_revision(call: Call) -> str:
    """A fresh RevisionId (a UUID from the instance's seeded random)."""
    bits = call.instance.random.getrandbits
    return call.remember(lambda: str(uuid.UUID(int=bits(128), version=4)))


def last_modified(call: Call) -> str:
    """``LastModified`` in Lambda's format: ``2024-01-31T12:00:00.000+0000``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(call.now()))


def check_revision(given: str | None, current: str) -> None:
    if given is not None and given != current:
        raise PreconditionFailedException(
            "The Revision Id provided does not match the latest Revision Id. Call the "
            "GetFunction/GetAlias API to retrieve the latest Revision Id")


# -- validating configuration ---------------------------------------------------------------

def check_settings(params: dict[str, Any], current: dict | None = None) -> None:
    """Validate the members CreateFunction and UpdateFunctionConfiguration share
    (``current``: the configuration an update changes)."""
    if "Role" in params:
        check_pattern(params["Role"], "RoleArn", "role")
    if "Handler" in params:
        check_pattern(params["Handler"], "Handler", "handler")
    if "CapacityProviderConfig" not in {**(current or {}), **params}:
        check_on_demand_limits(params)
    if "Runtime" in params:
        check_runtime(params["Runtime"])
    variables = params.get("Environment", {}).get("Variables", {})
    reserved = [name for name in variables if name in RESERVED_VARIABLES]
    if reserved:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the "
            "environment variables you have provided contains reserved keys that are "
            "currently not supported for modification. Reserved keys used in this request: "
            + ", ".join(reserved))
    measured = json.dumps(variables, separators=(",", ":"))
    if len(measured.encode()) > ENVIRONMENT_LIMIT:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the "
            "environment variables you have provided exceeded the 4KB limit. String "
            f"measured: {measured}")


def check_on_demand_limits(params: dict[str, Any]) -> None:
    """Refuse a Timeout or MemorySize over what a function without a capacity provider may
    have (the model allows more: its maximums are those of Lambda Managed Instances)."""
    for member, highest in ON_DEMAND_MAXIMUMS.items():
        value = params.get(member)
        if value is not None and value > highest:
            raise constraint_error(value, member[:1].lower() + member[1:],
                                   f"Member must have value less than or equal to {highest}")


def check_runtime(runtime: str) -> None:
    known = service_model("lambda").shape_for("Runtime").metadata["enum"]
    if runtime not in known:
        supported = ", ".join(r for r in known if r not in DEPRECATED_RUNTIMES)
        raise InvalidParameterValueException(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy "
            f"enum value set: [{supported}] or be a valid ARN")
    if runtime in DEPRECATED_RUNTIMES:
        family = next(f for f in _SUCCESSORS if runtime.startswith(f))
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or "
            "updating AWS Lambda functions. We recommend you use the new runtime "
            f"({_SUCCESSORS[family]}) while creating or updating functions.")


def configure(config: dict, params: dict[str, Any]) -> None:
    """Apply the settable members of CreateFunction/UpdateFunctionConfiguration."""
    for key in ("Role", "Handler", "Description", "Timeout", "MemorySize", "Runtime",
                "DeadLetterConfig", "KMSKeyArn", "EphemeralStorage", "Architectures"):
        if key in params:
            config[key] = params[key]
    if "Environment" in params:
        config["Environment"] = {"Variables": params["Environment"].get("Variables", {})}
    if "TracingConfig" in params:
        config["TracingConfig"] = {"Mode": params["TracingConfig"].get("Mode", "PassThrough")}
    if "LoggingConfig" in params:
        config["LoggingConfig"] = {**config["LoggingConfig"], **params["LoggingConfig"]}
    if "Layers" in params:
        config["Layers"] = [{"Arn": layer, "CodeSize": 0} for layer in params["Layers"]]
    if "VpcConfig" in params:
        vpc = params["VpcConfig"]
        config["VpcConfig"] = {"SubnetIds": vpc.get("SubnetIds", []),
                               "SecurityGroupIds": vpc.get("SecurityGroupIds", []),
                               "Ipv6AllowedForDualStack": vpc.get("Ipv6AllowedForDualStack",
                                                                  False), "VpcId": ""}


# -- code ----------------------------------------------------------------------------------

def load_code(call: Call, source: dict[str, Any]) -> tuple[dict, str, int]:
    """``(code, CodeSha256, CodeSize)`` from a ``FunctionCode`` (or UpdateFunctionCode's
    members): a zip file, an S3 object (fetched with botocore: moto's ``mock_aws`` or
    ``AWS_ENDPOINT_URL_S3`` can serve it) or a container image URI."""
    if "ImageUri" in source:
        digest = hashlib.sha256(source["ImageUri"].encode()).hexdigest()
        return {"imageUri": source["ImageUri"]}, digest, 0
    if "ZipFile" in source:
        data = source["ZipFile"]
    elif "S3Bucket" in source and "S3Key" in source:
        data = call.remember(lambda: _s3_object(call, source["S3Bucket"], source["S3Key"],
                                                source.get("S3ObjectVersion")))
    else:
        raise InvalidParameterValueException("Please provide a source for function code.")
    check_zip(data)
    sha = base64.b64encode(hashlib.sha256(data).digest()).decode()
    return {"zipFile": base64.b64encode(data).decode()}, sha, len(data)


def check_zip(data: bytes) -> None:
    if len(data) > ZIPPED_LIMIT:
        raise ServiceError(f"Zipped size must be smaller than {ZIPPED_LIMIT} bytes",
                           code="RequestEntityTooLargeException", status=413)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload "
            "again.") from None
    if unzipped > UNZIPPED_LIMIT:
        raise InvalidParameterValueException(
            f"Unzipped size must be smaller than {UNZIPPED_LIMIT} bytes")


def _s3_object(call: Call, bucket: str, key: str, version: str | None) -> bytes:
    import botocore.session
    from botocore.exceptions import BotoCoreError, ClientError

    client = botocore.session.get_session().create_client("s3", region_name=call.region)
    try:
        found = client.get_object(Bucket=bucket, Key=key,
                                  **({"VersionId": version} if version else {}))
        return found["Body"].read()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise InvalidParameterValueException(
            f"Error occurred while GetObject. S3 Error Code: {error.get('Code')}. S3 Error "
            f"Message: {error.get('Message')}") from None
    except BotoCoreError as exc:
        raise InvalidParameterValueException(f"Error occurred while GetObject. {exc}") from None


def code_location(call: Call, found: dict, config: dict) -> dict:
    """GetFunction's ``Code``: where the package can be had."""
    if config.get("PackageType") == "Image":
        uri = found["code"]["imageUri"]
        return {"RepositoryType": "ECR", "ImageUri": uri,
                "ResolvedImageUri": f"{uri.split(':')[0]}@sha256:{config['CodeSha256']}"}
    digest = hashlib.sha256(config["CodeSha256"].encode()).hexdigest()
    return {"RepositoryType": "S3",
            "Location": f"https://awslambda-{call.region}-tasks.s3.{call.region}.amazonaws.com"
                        f"/snapshots/{call.account}/{config['FunctionName']}-{digest}"}

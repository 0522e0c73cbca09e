"""Lambda functions in the state store: the record layout, names and ARNs, and lookups.

Table ``lambda.functions`` of each region store maps a function name to one record::

    {"config": {...FunctionConfiguration of $LATEST (unqualified FunctionArn)...},
     "code": {"zipFile": "<base64>"} | {"imageUri": "..."} | {"callable": "<CodeSha256>"},
     "versions": {"1": {"config": {...}, "code": {...}}, ...},
     "aliases": {"prod": {...AliasConfiguration...}},
     "policies": {"": [statement, ...], "1": [...], "prod": [...]},  # by qualifier
     "tags": {...},
     "nextVersion": 1,
     "unpublished": True}  # $LATEST changed since the last PublishVersion

Control-plane handlers build and change records; the runtime and the data plane only read
them (under the store's lock) through the functions below.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from mockgw.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    ServiceError,
)
from mockgw.protocol.models import service_model
from mockgw.state.backends import RegionStore
from mockgw.state.tree import copy_tree

FUNCTIONS = "lambda.functions"
LATEST = "$LATEST"

_REF = re.compile(
    r"(?:arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?"
    r"(?:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?(?:function:)?(?P<name>[a-zA-Z0-9-_.]+)"
    r"(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?")


class ValidationException(ServiceError):
    """A value outside its model constraint (Lambda reports these as ValidationException)."""

    code, status = "ValidationException", 400


def constraint_error(value: Any, path: str, why: str) -> ValidationException:
    """AWS's single-violation validation message for ``value`` at member ``path``."""
    shown = "null" if value is None else f"'{value}'"
    return ValidationException(f"1 validation error detected: Value {shown} at '{path}' "
                               f"failed to satisfy constraint: {why}")


def check_pattern(value: str, shape: str, path: str) -> None:
    """Refuse ``value`` unless it fully matches the pattern of the model's ``shape``."""
    pattern = service_model("lambda").shape_for(shape).metadata["pattern"]
    if re.fullmatch(pattern, value) is None:
        raise constraint_error(
            value, path, f"Member must satisfy regular expression pattern: {pattern}")


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A FunctionName as given: a name, ``name:qualifier``, a partial or a full ARN."""

    name: str
    qualifier: str | None = None
    region: str | None = None
    account: str | None = None


def parse_ref(text: str, shape: str = "NamespacedFunctionName") -> FunctionRef:
    """Split a FunctionName (checked against the model's ``shape`` pattern)."""
    check_pattern(text, shape, "functionName")
    found = _REF.fullmatch(text)
    if found is None:  # pragma: no cover - the model pattern admits only these forms
        raise constraint_error(text, "functionName", "Member must be a function name")
    return FunctionRef(found["name"], found["qualifier"], found["region"], found["account"])


def locate(ref: FunctionRef, *, account: str, region: str,
           qualifier: str | None = None) -> tuple[str, str | None]:
    """``(name, qualifier)`` of a reference made in ``account`` and ``region``.

    A qualifier in the name and an explicit ``qualifier`` must agree; ARNs of another
    region are unreachable and ARNs of another account are refused, as Lambda does.
    """
    if ref.region and ref.region != region:
        raise ResourceNotFoundException(
            f"Functions from '{ref.region}' are not reachable in this region ('{region}')")
    if ref.account and ref.account != account:
        raise ServiceError(None, code="AccessDeniedException", status=403)
    if ref.qualifier and qualifier and ref.qualifier != qualifier:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified "
            "qualifier.")
    return ref.name, ref.qualifier or qualifier


def function_arn(region: str, account: str, name: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def not_found(store: RegionStore, name: str, qualifier: str | None = None
              ) -> ResourceNotFoundException:
    arn = function_arn(store.region, store.account, name, qualifier)
    return ResourceNotFoundException(f"Function not found: {arn}")


def record(store: RegionStore, name: str, qualifier: str | None = None) -> dict:
    """The record of function ``name``, or Lambda's "Function not found" error."""
    found = store.table(FUNCTIONS).get(name)
    if found is None:
        raise not_found(store, name, qualifier)
    return found


def is_version(qualifier: str) -> bool:
    return qualifier.isdigit()


@dataclass(frozen=True, slots=True)
class Target:
    """One function version resolved for an invocation (copies, safe outside the lock)."""

    name: str
    qualifier: str | None  # as requested: None, $LATEST, a version or an alias
    version: str  # the version that runs ($LATEST or a number)
    arn: str  # the invoked ARN, qualified when a qualifier was given
    config: dict[str, Any]
    code: dict[str, Any]


def resolve(store: RegionStore, name: str, qualifier: str | None,
            rand: random.Random) -> Target:
    """The version an invocation of ``name:qualifier`` runs (an alias's routing config
    picks between its two versions by weight)."""
    found = record(store, name, qualifier)
    version = qualifier or LATEST
    if not is_version(version) and version != LATEST:
        alias = found["aliases"].get(version)
        if alias is None:
            raise not_found(store, name, qualifier)
        version = alias["FunctionVersion"]
        weights = alias.get("RoutingConfig", {}).get("AdditionalVersionWeights", {})
        for other, weight in weights.items():
            if rand.random() < weight:
                version = other
    if version == LATEST:
        config, code = found["config"], found["code"]
    else:
        published = found["versions"].get(version)
        if published is None:
            raise not_found(store, name, qualifier)
        config, code = published["config"], published["code"]
    return Target(name=name, qualifier=qualifier, version=version,
                  arn=function_arn(store.region, store.account, name, qualifier),
                  config=copy_tree(config), code=dict(code))


def policy_key(qualifier: str | None) -> str:
    """The key of a resource policy in ``record["policies"]`` ("" for the function)."""
    return "" if qualifier in (None, LATEST) else qualifier

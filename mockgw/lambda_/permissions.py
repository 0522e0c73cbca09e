"""Resource policies: AddPermission, GetPolicy and RemovePermission.

A function, each of its versions and each alias has its own policy (the Qualifier picks
which).  Statements are built as Lambda builds them; changing a policy changes the
RevisionId of what it is attached to.  :mod:`mockgw.runtime.permissions` evaluates them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mockgw.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from mockgw.lambda_.common import (
    arn,
    check_revision,
    function_record,
    function_ref,
    functions,
    new_revision,
)
from mockgw.lambda_.registry import operation
from mockgw.operations import Call
from mockgw.runtime.functions import LATEST, check_pattern, is_version, not_found, policy_key

_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.amazon(aws)?\.com(\.cn)?")
_ALIAS_NAME = re.compile(r"[a-zA-Z0-9-_]+")
_NO_POLICY = "The resource you requested does not exist."


@operation("AddPermission")
def add_permission(call: Call, params: dict[str, Any]) -> dict:
    name, qualifier = function_ref(call, params)
    check_pattern(params["StatementId"], "StatementId", "statementId")
    check_pattern(params["Action"], "Action", "action")
    found = function_record(call, name)
    if qualifier == LATEST:
        raise InvalidParameterValueException(
            "We currently do not support adding policies for $LATEST.")
    guarded = _guarded(call, found, name, qualifier)
    check_revision(params.get("RevisionId"), guarded["RevisionId"])
    statements = found["policies"].get(policy_key(qualifier), [])
    sid = params["StatementId"]
    if any(statement["Sid"] == sid for statement in statements):
        raise ResourceConflictException(
            f"The statement id ({sid}) provided already exists. Please provide a new "
            "statement id, or remove the existing statement.")
    statement = {"Sid": sid, "Effect": "Allow", "Principal": _principal(params["Principal"]),
                 "Action": params["Action"], "Resource": arn(call, name, qualifier)}
    condition = _condition(params)
    if condition:
        statement["Condition"] = condition
    found["policies"][policy_key(qualifier)] = [*statements, statement]
    guarded["RevisionId"] = new_revision(call)
    return {"Statement": json.dumps(statement, separators=(",", ":"))}


@operation("GetPolicy")
def get_policy(call: Call, params: dict[str, Any]) -> dict:
    name, qualifier = function_ref(call, params)
    found = function_record(call, name)
    statements = found["policies"].get(policy_key(qualifier))
    if not statements:
        raise ResourceNotFoundException(_NO_POLICY)
    policy = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
    return {"Policy": json.dumps(policy, separators=(",", ":")),
            "RevisionId": _guarded(call, found, name, qualifier)["RevisionId"]}


@operation("RemovePermission")
def remove_permission(call: Call, params: dict[str, Any]) -> None:
    name, qualifier = function_ref(call, params)
    found = functions(call).get(name)
    if found is None:
        raise ResourceNotFoundException(f"No policy found for: {arn(call, name)}")
    guarded = _guarded(call, found, name, qualifier)
    statements = found["policies"].get(policy_key(qualifier))
    if not statements:
        raise ResourceNotFoundException("No policy is associated with the given resource.")
    check_revision(params.get("RevisionId"), guarded["RevisionId"])
    sid = params["StatementId"]
    kept = [statement for statement in statements if statement["Sid"] != sid]
    if len(kept) == len(statements):
        raise ResourceNotFoundException(f"Statement {sid} is not found in resource policy.")
    if kept:
        found["policies"][policy_key(qualifier)] = kept
    else:
        del found["policies"][policy_key(qualifier)]
    guarded["RevisionId"] = new_revision(call)


def _guarded(call: Call, found: dict, name: str, qualifier: str | None) -> dict:
    """What a qualifier's policy belongs to (its RevisionId guards the policy): the
    function's $LATEST configuration, a version's configuration or an alias."""
    if qualifier in (None, LATEST):
        return found["config"]
    if not is_version(qualifier) and _ALIAS_NAME.fullmatch(qualifier):
        alias = found["aliases"].get(qualifier)
        if alias is None:
            raise ResourceNotFoundException(
                f"Cannot find alias arn: {arn(call, name, qualifier)}")
        return alias
    version = found["versions"].get(qualifier)
    if version is None:
        raise not_found(call.store, name, qualifier)
    return version["config"]


def _principal(principal: str) -> str | dict[str, str]:
    """The statement's Principal as Lambda writes it."""
    if principal == "*":
        return "*"
    if re.fullmatch(r"\d{12}", principal):
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    if _SERVICE_PRINCIPAL.fullmatch(principal):
        return {"Service": principal}
    raise InvalidParameterValueException(
        "The provided principal was invalid. Please check the principal and try again.")


def _condition(params: dict[str, Any]) -> dict[str, dict[str, str]]:
    equals = {key: params[member] for member, key in (
        ("FunctionUrlAuthType", "lambda:FunctionUrlAuthType"),
        ("PrincipalOrgID", "aws:PrincipalOrgID"), ("SourceAccount", "AWS:SourceAccount"),
        ("EventSourceToken", "lambda:EventSourceToken")) if params.get(member)}
    condition: dict[str, dict[str, str]] = {"StringEquals": equals} if equals else {}
    if params.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": params["SourceArn"]}
    if params.get("InvokedViaFunctionUrl"):
        condition["Bool"] = {"lambda:InvokedViaFunctionUrl": "true"}
    return condition

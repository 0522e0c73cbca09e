"""The roles API Gateway assumes (an integration's ``credentials``), resolved against IAM's
roles in moto's backends: the role must exist and trust ``apigateway.amazonaws.com``."""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any
from urllib.parse import unquote

_ROLE_ARN = re.compile(r"^arn:(aws[\w-]*):iam::(\d{12}):role/[\w+=,.@/-]+$")
SERVICE_PRINCIPAL = "apigateway.amazonaws.com"


def role_account(arn: str) -> str | None:
    """The account of a role ARN (``None``: not a role ARN, e.g. ``arn:aws:iam::*:user/*``,
    API Gateway's "the caller's credentials")."""
    found = _ROLE_ARN.match(arn)
    return found.group(2) if found else None


def assume_refusal(arn: str) -> str | None:
    """Why API Gateway may not assume role ``arn`` in moto's IAM (the role does not exist,
    or its trust policy does not let API Gateway assume it), or ``None``: it may."""
    found = _ROLE_ARN.match(arn)
    if found is None:
        return "not a role ARN"
    from moto.iam.models import iam_backends

    partition, account = found.group(1), found.group(2)
    try:
        role = iam_backends[account][partition].get_role_by_arn(arn)
    except Exception:  # moto's NotFoundException (or a partition it does not know)
        return "no such role"
    if not trusts(role.assume_role_policy_document, SERVICE_PRINCIPAL):
        return f"its trust policy does not let {SERVICE_PRINCIPAL} assume it"
    return None


def trusts(document: Any, service: str) -> bool:
    """Whether a trust policy lets ``service`` call ``sts:AssumeRole`` (an Allow naming
    it, or ``*``, and no Deny; conditions are not evaluated)."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            try:
                document = json.loads(unquote(document))
            except ValueError:
                return False
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for statement in statements if isinstance(statements, list) else ():
        if not isinstance(statement, dict) or not _names(statement.get("Action"),
                                                         "sts:AssumeRole"):
            continue
        if not _principal_names(statement.get("Principal"), service):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def _names(patterns: Any, action: str) -> bool:
    if isinstance(patterns, str):
        patterns = [patterns]
    return isinstance(patterns, list) and any(
        isinstance(p, str) and fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


def _principal_names(principal: Any, service: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    services = principal.get("Service", [])
    services = [services] if isinstance(services, str) else services
    anyone = principal.get("AWS") == "*" or principal.get("AWS") == ["*"]
    return anyone or (isinstance(services, list) and (service in services or "*" in services))

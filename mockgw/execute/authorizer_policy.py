"""What a Lambda authorizer answers, and how API Gateway judges a request by it.

The answer is ``{"principalId", "policyDocument", "context", "usageIdentifierKey"}``.  Its
policy is an IAM policy over ``execute-api:Invoke``: a request is allowed when some
``Allow`` statement matches its method ARN and no ``Deny`` statement does (an explicit deny
wins; no matching statement is an implicit deny).  Actions and resources take ``*`` and
``?`` wildcards (resources field by field, as IAM compares ARNs); ``NotAction`` and
``NotResource`` are understood; a statement with a ``Condition`` never matches, since
API Gateway has no request context to evaluate one against.

``context`` values, ``principalId`` and ``usageIdentifierKey`` must be strings, numbers or
booleans; API Gateway hands them on as strings (``true``, ``1``).  Anything else is a
malformed answer.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

from mockgw import jsonsafe
from mockgw.runtime.permissions import arn_like

INVOKE = "execute-api:Invoke"


class MalformedAnswer(ValueError):
    """The authorizer's answer is not what API Gateway expects (the reason is the text)."""


class Verdict(enum.Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True, slots=True)
class LambdaAnswer:
    """A well-formed Lambda authorizer answer."""

    principal_id: str
    policy: dict[str, Any]
    statements: tuple[dict[str, Any], ...]
    context: dict[str, str] = field(default_factory=dict)
    usage_key: str | None = None


def parse_answer(payload: bytes) -> LambdaAnswer:
    """The answer in a function's output, or :class:`MalformedAnswer`."""
    try:
        doc = jsonsafe.loads(payload or b"null")
    except ValueError:
        raise MalformedAnswer("the answer is not JSON") from None
    if not isinstance(doc, dict):
        raise MalformedAnswer("the answer is not a JSON object")
    principal = doc.get("principalId")
    if principal is None:
        raise MalformedAnswer("principalId is missing")
    policy = doc.get("policyDocument")
    if not isinstance(policy, dict):
        raise MalformedAnswer("policyDocument is missing or not an object")
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not all(_well_formed(s) for s in statements):
        raise MalformedAnswer("the policy's Statement is not a list of statements with an "
                              "Effect (Allow or Deny), an Action and a Resource")
    context = doc.get("context") or {}
    if not isinstance(context, dict):
        raise MalformedAnswer("context is not an object")
    usage_key = doc.get("usageIdentifierKey")
    return LambdaAnswer(
        principal_id=_text(principal, "principalId"), policy=policy,
        statements=tuple(statements),
        context={k: _text(v, f"context.{k}") for k, v in context.items() if v is not None},
        usage_key=None if usage_key is None else _text(usage_key, "usageIdentifierKey"))


def evaluate(statements: tuple[dict[str, Any], ...], method_arn: str) -> Verdict:
    """Whether the statements allow invoking ``method_arn``."""
    allowed = False
    for statement in statements:
        if not _applies(statement, method_arn):
            continue
        if statement["Effect"] == "Deny":
            return Verdict.EXPLICIT_DENY
        allowed = True
    return Verdict.ALLOW if allowed else Verdict.IMPLICIT_DENY


def _well_formed(statement: Any) -> bool:
    return (isinstance(statement, dict) and statement.get("Effect") in ("Allow", "Deny")
            and _one_of(statement, "Action", "NotAction")
            and _one_of(statement, "Resource", "NotResource"))


def _one_of(statement: dict, key: str, negated: str) -> bool:
    values = [statement[k] for k in (key, negated) if k in statement]
    return len(values) == 1 and all(isinstance(v, str) for v in _listed(values[0]))


def _applies(statement: dict[str, Any], method_arn: str) -> bool:
    if statement.get("Condition"):
        return False
    if "Action" in statement:
        action = any(_action_like(a) for a in _listed(statement["Action"]))
    else:
        action = not any(_action_like(a) for a in _listed(statement["NotAction"]))
    if "Resource" in statement:
        resource = any(arn_like(r, method_arn) for r in _listed(statement["Resource"]))
    else:
        resource = not any(arn_like(r, method_arn) for r in _listed(statement["NotResource"]))
    return action and resource


def _action_like(pattern: str) -> bool:
    """IAM action matching (case-insensitive, ``*`` and ``?`` wildcards) on Invoke."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, INVOKE, re.IGNORECASE) is not None


def _text(value: Any, name: str) -> str:
    """A scalar as API Gateway passes it on (always a string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise MalformedAnswer(f"{name} must be a string, a number or a boolean")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]

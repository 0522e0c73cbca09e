"""Does a function's resource policy let a service invoke it?

Lambda keeps one resource policy per function, per version and per alias (AddPermission
with a Qualifier); an invocation is judged by the policy of exactly what it invokes.  A
statement allows when its Effect is Allow and its Principal, Action, Resource and every
Condition match; a matching Deny wins.  ``ArnLike`` compares the six ARN fields one by one,
``*`` and ``?`` matching within a field (the last field may hold ``:`` and ``/``).
Conditions mockgw cannot know the value of (organization ids, event source tokens) never
match; ``lambda:FunctionUrlAuthType`` and ``lambda:InvokedViaFunctionUrl`` are known for
invocations through a function URL (:func:`may_invoke_url`).
"""

from __future__ import annotations

import re
from typing import Any

from mockgw.instance import Instance
from mockgw.runtime.functions import (
    FUNCTIONS,
    LATEST,
    function_arn,
    parse_ref,
    policy_key,
)

INVOKE_ACTION = "lambda:InvokeFunction"
INVOKE_URL_ACTION = "lambda:InvokeFunctionUrl"
APIGATEWAY = "apigateway.amazonaws.com"
ANONYMOUS = "*"  # the caller of a function URL whose AuthType is NONE


def may_invoke(instance: Instance, account: str, region: str, function_ref: str, *,
               source_arn: str, qualifier: str | None = None,
               principal: str = APIGATEWAY, source_account: str | None = None) -> bool:
    """May ``principal`` (API Gateway by default) calling from ``source_arn`` invoke the
    function ``function_ref`` (a name or ARN, maybe qualified) in ``account``/``region``?

    A function with no resource policy at all is invocable unless the instance's
    ``strict_lambda_permissions`` setting is on; a function mockgw does not hold is
    left to whoever holds it.  ``source_account`` defaults to the account in
    ``source_arn``.
    """
    ref = parse_ref(function_ref)
    qualifier = ref.qualifier or qualifier
    store = instance.backends.store(account, region)
    with store.lock:
        found = store.table(FUNCTIONS).get(ref.name)
        if found is None:
            return True
        policies = found["policies"]
        if not any(policies.values()):
            return not instance.settings.strict_lambda_permissions
        statements = list(policies.get(policy_key(qualifier), []))
    resource_qualifier = None if qualifier in (None, LATEST) else qualifier
    resource = function_arn(region, account, ref.name, resource_qualifier)
    if source_account is None:
        source_account = _arn_fields(source_arn)[4] if source_arn.startswith("arn:") else None
    return policy_allows(statements, principal=principal, action=INVOKE_ACTION,
                         resource=resource, source_arn=source_arn,
                         source_account=source_account)


def may_invoke_url(instance: Instance, account: str, region: str, name: str,
                   qualifier: str | None, *, auth_type: str, caller: str = ANONYMOUS) -> bool:
    """May ``caller`` (an IAM principal ARN, or :data:`ANONYMOUS`) invoke function ``name``
    (or its alias ``qualifier``) through its function URL of ``auth_type``?

    Lambda asks the resource policy for both ``lambda:InvokeFunctionUrl`` and
    ``lambda:InvokeFunction`` (function URLs created since October 2025).  An ``AWS_IAM``
    caller of the function's own account needs no resource policy (its identity policy
    would grant it; mockgw has none to read); other accounts need the resource policy.  A
    public URL (``NONE``) of a function with no resource policy at all is invocable unless
    ``strict_lambda_permissions`` is on, as for API Gateway.
    """
    store = instance.backends.store(account, region)
    with store.lock:
        found = store.table(FUNCTIONS).get(name)
        if found is None:
            return False
        policies = found["policies"]
        if auth_type == "AWS_IAM" and caller != ANONYMOUS and _arn_fields(caller)[4] == account:
            return True
        if caller == ANONYMOUS and not any(policies.values()):
            return not instance.settings.strict_lambda_permissions
        statements = list(policies.get(policy_key(qualifier), []))
    resource = function_arn(region, account, name, qualifier)
    context = {"lambda:functionurlauthtype": auth_type, "lambda:invokedviafunctionurl": "true"}
    return all(policy_allows(statements, principal=caller, action=action, resource=resource,
                             context=context)
               for action in (INVOKE_URL_ACTION, INVOKE_ACTION))


def policy_allows(statements: list[dict], *, principal: str, action: str, resource: str,
                  source_arn: str | None = None, source_account: str | None = None,
                  context: dict[str, str] | None = None) -> bool:
    """Whether the statements allow the request (some Allow matches and no Deny does);
    ``context`` holds further condition keys (lowercase) and their values."""
    context = {"aws:sourcearn": source_arn, "aws:sourceaccount": source_account,
               **(context or {})}
    allowed = False
    for statement in statements:
        if not _matches(statement, principal, action, resource, context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def arn_like(pattern: str, arn: str) -> bool:
    """IAM's ``ArnLike``: the six ARN fields compared with ``*``/``?`` wildcards."""
    if pattern == "*":
        return True
    wanted, actual = _arn_fields(pattern), _arn_fields(arn)
    if len(wanted) != 6 or len(actual) != 6:
        return False
    return all(_wildcard(w).fullmatch(a) for w, a in zip(wanted, actual, strict=True))


def _matches(statement: dict, principal: str, action: str, resource: str,
             context: dict[str, str | None]) -> bool:
    return (_principal_matches(statement.get("Principal"), principal)
            and any(_wildcard(a, ignore_case=True).fullmatch(action)
                    for a in _listed(statement.get("Action")))
            and any(arn_like(r, resource) for r in _listed(statement.get("Resource")))
            and all(_condition_holds(operator, checks, context)
                    for operator, checks in statement.get("Condition", {}).items()))


def _principal_matches(stated: Any, principal: str) -> bool:
    """``principal`` is a service (``apigateway.amazonaws.com``), an IAM ARN or ``*``."""
    if stated == "*":
        return True
    if not isinstance(stated, dict):
        return False
    aws = _listed(stated.get("AWS"))
    if "*" in aws:
        return True
    if principal.startswith("arn:"):
        account = _arn_fields(principal)[4]
        return any(p in (principal, account, f"arn:aws:iam::{account}:root") for p in aws)
    return any(service.lower() == principal.lower() for service in _listed(stated.get("Service")))


def _condition_holds(operator: str, checks: dict[str, Any],
                     context: dict[str, str | None]) -> bool:
    compare = {"arnlike": arn_like, "arnequals": str.__eq__, "stringequals": str.__eq__,
               "stringlike": _string_like, "bool": _same_bool}.get(operator.lower())
    if compare is None:
        return False
    for key, wanted in checks.items():
        actual = context.get(key.lower())
        if actual is None or not any(compare(w, actual) for w in _listed(wanted)):
            return False
    return True


def _same_bool(wanted: Any, value: str) -> bool:
    return str(wanted).lower() == value


def _string_like(pattern: str, value: str) -> bool:
    return _wildcard(pattern).fullmatch(value) is not None


def _wildcard(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    text = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(text, re.IGNORECASE if ignore_case else 0)


def _arn_fields(arn: str) -> list[str]:
    return arn.split(":", 5)


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]

"""Resource policies and private APIs.

The API's ``policy`` (as deployed) is evaluated for every request against the action
``execute-api:Invoke`` on the method ARN
``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}``: any matching
``Deny`` statement is an explicit deny, else any matching ``Allow`` an allow, else
neither.  Statements match on ``Principal``/``NotPrincipal`` (``*``, account ids, account
root and IAM ARNs; the caller is the IAM identity of an ``AWS_IAM`` method, anonymous
otherwise), ``Action``/``NotAction`` and ``Resource``/``NotResource`` (``*`` and ``?``
wildcards; ``execute-api:/...`` is short for this API's ARN prefix) and ``Condition``
(``IpAddress``/``NotIpAddress`` on ``aws:SourceIp``, the ``String*`` operators on
``aws:SourceVpce``, ``aws:SourceVpc``, ``aws:PrincipalAccount`` and ``aws:PrincipalArn``,
with ``...IfExists``; a missing key fails positive operators and satisfies negated ones).

The verdict combines with the authorization type as AWS's authorization-flow tables say:

* ``NONE``: the policy must allow (an API without a policy lets everyone in);
* ``AWS_IAM``: the caller's own IAM policies are taken to allow; a caller of the API's
  account is denied only by an explicit deny, a caller of another account also needs an
  explicit allow;
* ``CUSTOM`` / ``COGNITO_USER_POOLS``: an explicit deny stops the request before the
  authorizer runs; :func:`combine` gives the final answer once the authorizer decided.

PRIVATE APIs answer only requests that come through a VPC endpoint: the host
``{api}-{vpce}.execute-api.{region}.vpce.amazonaws.com``, the endpoint's own host
``{vpce}-xxxx.execute-api.{region}.vpce.amazonaws.com`` with the ``x-apigw-api-id``
header, or any data-plane URL with the header ``x-mockgw-vpce-id`` (as a request through
an endpoint with private DNS).  ``x-mockgw-vpc-id`` gives the endpoint's VPC
(``aws:SourceVpc``).  A private API without a policy admits nobody.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockgw import jsonsafe
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.routing import RESTAPIS

ALLOW, DENY, NEITHER = "Allow", "Deny", "Neither"
ACTION = "execute-api:Invoke"
VPCE_HEADER = "x-mockgw-vpce-id"
VPC_HEADER = "x-mockgw-vpc-id"
_AUTHORIZER_TYPES = ("CUSTOM", "COGNITO_USER_POOLS")
_ACCOUNT_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):root$")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking, as a policy sees it (``arn`` and ``account`` ``None``: anonymous)."""

    arn: str | None
    account: str | None
    source_ip: str
    vpce: str | None
    vpc: str | None

    @property
    def name(self) -> str:
        return self.arn or "anonymous"


def method_arn(inv: Invocation) -> str:
    """``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}``."""
    assert inv.store is not None and inv.stage is not None
    return (f"arn:aws:execute-api:{inv.store.region}:{inv.store.account}:{inv.api_id}/"
            f"{inv.stage['stageName']}/{inv.request.method}/{inv.path.lstrip('/')}")


def caller_of(inv: Invocation) -> Caller:
    identity = inv.context["identity"]
    return Caller(identity.get("userArn"), identity.get("accountId"),
                  identity.get("sourceIp") or "", vpce_id(inv),
                  inv.request.headers.get(VPC_HEADER))


def vpce_id(inv: Invocation) -> str | None:
    """The VPC endpoint a request came through (``None``: not through one)."""
    return inv.target.vpce_id or inv.request.headers.get(VPCE_HEADER)


# -- evaluation --------------------------------------------------------------------------------

def parse_policy(text: str | None) -> dict | None:
    """The policy document of an API (AWS may hand it back with escaped quotes)."""
    if not text:
        return None
    for candidate in (text, text.replace('\\"', '"')):
        try:
            doc = jsonsafe.loads(candidate)
        except ValueError:
            continue
        if isinstance(doc, dict):
            return doc
    return None


def evaluate(policy: dict, caller: Caller, resource: str, arn_prefix: str) -> str:
    """``Deny`` if a Deny statement applies, else ``Allow`` if an Allow statement applies,
    else ``Neither``.  ``arn_prefix`` expands ``execute-api:/`` resources."""
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    applies = [s.get("Effect") for s in statements
               if isinstance(s, dict) and _applies(s, caller, resource, arn_prefix)]
    if DENY in applies:
        return DENY
    return ALLOW if ALLOW in applies else NEITHER


def _applies(statement: dict, caller: Caller, resource: str, prefix: str) -> bool:
    return (_either(statement, "Principal", lambda p: _principal_matches(p, caller))
            and _either(statement, "Action",
                        lambda a: any(_wildcard(str(x), ACTION, fold=True) for x in _list(a)))
            and _either(statement, "Resource",
                        lambda r: any(_wildcard(_expand(str(x), prefix), resource)
                                      for x in _list(r)))
            and _conditions_hold(statement.get("Condition") or {}, caller))


def _either(statement: dict, name: str, matches: Callable[[Any], bool]) -> bool:
    """``name`` must match, ``Not<name>`` must not; a statement without either matches."""
    if name in statement:
        return matches(statement[name])
    if f"Not{name}" in statement:
        return not matches(statement[f"Not{name}"])
    return name != "Principal"  # a resource policy statement names its principal


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _principal_matches(principal: Any, caller: Caller) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for entry in map(str, _list(principal.get("AWS", []))):
        if entry == "*":
            return True
        if caller.arn is None:
            continue
        root = _ACCOUNT_ARN.match(entry)
        if entry == caller.account or (root and root.group(1) == caller.account) \
                or entry == caller.arn:
            return True
    return False


def _expand(pattern: str, prefix: str) -> str:
    return prefix + pattern[len("execute-api:/"):] if pattern.startswith("execute-api:/") \
        else pattern


def _wildcard(pattern: str, value: str, *, fold: bool = False) -> bool:
    """IAM's ``*`` (any run) and ``?`` (any one character) matching."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if fold else re.DOTALL) \
        is not None


def _conditions_hold(conditions: dict, caller: Caller) -> bool:
    context = {"aws:sourceip": caller.source_ip, "aws:sourcevpce": caller.vpce,
               "aws:sourcevpc": caller.vpc, "aws:principalaccount": caller.account,
               "aws:principalarn": caller.arn}
    for operator, tests in conditions.items():
        if not isinstance(tests, dict):
            return False
        for key, wanted in tests.items():
            if not _condition_holds(operator, context.get(key.lower()), _list(wanted)):
                return False
    return True


def _condition_holds(operator: str, value: str | None, wanted: list) -> bool:
    base = operator.removesuffix("IfExists")
    if base not in _OPERATORS:
        return False
    test, negated = _OPERATORS[base]
    if value is None:
        return operator.endswith("IfExists") or negated
    found = any(test(value, str(w)) for w in wanted)
    return not found if negated else found


def _in_network(value: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def _equals(value: str, wanted: str) -> bool:
    return value == wanted


def _equals_ignore_case(value: str, wanted: str) -> bool:
    return value.lower() == wanted.lower()


def _like(value: str, wanted: str) -> bool:
    return _wildcard(wanted, value)


#: Condition operator -> (test of one value, negated).
_OPERATORS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "StringEquals": (_equals, False),
    "StringNotEquals": (_equals, True),
    "StringEqualsIgnoreCase": (_equals_ignore_case, False),
    "StringNotEqualsIgnoreCase": (_equals_ignore_case, True),
    "StringLike": (_like, False),
    "StringNotLike": (_like, True),
    "IpAddress": (_in_network, False),
    "NotIpAddress": (_in_network, True),
}


# -- the steps -------------------------------------------------------------------------------

def check_private_endpoint(inv: Invocation) -> None:
    """PRIVATE APIs only through a VPC endpoint, and VPC endpoints only to PRIVATE APIs."""
    assert inv.store is not None
    api = inv.store.tables[RESTAPIS][inv.api_id]["api"]
    private = "PRIVATE" in (api.get("endpointConfiguration") or {}).get("types", ())
    through_endpoint = vpce_id(inv) is not None
    if private and not through_endpoint:
        raise GatewayError("FORBIDDEN", log="A private API is reachable only through a VPC "
                                            "endpoint")
    if through_endpoint and not private and inv.target.vpce_id:
        raise GatewayError("FORBIDDEN", log="Only private APIs are reachable through a VPC "
                                            "endpoint")


def check_resource_policy(inv: Invocation) -> None:
    """Evaluate the deployed policy and combine it with the method's authorization type."""
    assert inv.method is not None and inv.snapshot is not None and inv.store is not None
    api = inv.snapshot["api"]
    caller = caller_of(inv)
    auth_type = inv.method.get("authorizationType") or "NONE"
    cross_account = caller.account not in (None, inv.store.account)
    policy = parse_policy(api.get("policy"))
    inv.policy_decision = NEITHER
    if policy is None:
        private = "PRIVATE" in (api.get("endpointConfiguration") or {}).get("types", ())
        if private or (auth_type == "AWS_IAM" and cross_account):
            deny(inv, caller, explicit=False)
        return  # no policy: the authorization type alone decides
    arn = method_arn(inv)
    decision = inv.policy_decision = evaluate(policy, caller, arn, arn[:arn.index("/") + 1])
    if decision == DENY:
        deny(inv, caller, explicit=True)
    if auth_type in _AUTHORIZER_TYPES:
        return  # the authorizer decides the rest (combine)
    identity = ALLOW if auth_type == "AWS_IAM" else NEITHER
    if combine(identity, decision, cross_account=cross_account) != ALLOW:
        deny(inv, caller, explicit=False)


def combine(identity: str, policy: str, *, cross_account: bool) -> str:
    """AWS's tables A (same account: either allows) and B (cross-account: both allow);
    any deny wins."""
    if DENY in (identity, policy):
        return DENY
    if cross_account:
        return ALLOW if identity == policy == ALLOW else NEITHER
    return ALLOW if ALLOW in (identity, policy) else NEITHER


def deny(inv: Invocation, caller: Caller, *, explicit: bool) -> None:
    """AWS's 403 for a request the resource policy does not let in."""
    arn = method_arn(inv)
    account = inv.store.account if inv.store else ""
    masked = arn.replace(f":{account}:", f":{'*' * 8}{account[-4:]}:", 1)
    message = (f"User: {caller.name} is not authorized to perform: {ACTION} on resource: "
               f"{masked} " + ("with an explicit deny in a resource-based policy" if explicit
                               else f"because no resource-based policy allows the {ACTION} "
                                    "action"))
    raise GatewayError("ACCESS_DENIED", message, log=message)

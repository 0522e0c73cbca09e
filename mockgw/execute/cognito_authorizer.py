"""COGNITO_USER_POOLS authorizers: the identity source must hold a JWT of one of the
authorizer's user pools (``providerARNs``), with or without a ``Bearer `` prefix.

Strict checks (the default): an RS256 signature by a key of the pool (found as
:mod:`mockgw.cognito` says), ``iss`` naming one of the pools, ``exp`` after the instance
clock's now, ``token_use`` ``id`` or ``access``.  With the ``cognito_trust_any_jwt``
setting (``MOCKGW_COGNITO_TRUST_ANY_JWT=1``) any well-formed JWT will do: neither signature
nor issuer is checked, ``exp`` only when present, and a token without ``token_use`` counts
as an ID token.

Then, as API Gateway does: a method with ``authorizationScopes`` needs an access token
granting one of them, and refuses ID tokens; a method without scopes needs an ID token.
An ``identityValidationExpression`` must match the token's audience (its app client).
Every refusal is 401 ``Unauthorized`` (``The incoming token has expired`` for an expired
token).  The claims reach ``$context.authorizer.claims`` as strings, the way REST APIs
pass them on: ``exp`` and ``iat`` as Java dates, lists comma-joined, booleans lowercase.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from typing import Any

import jwt

from mockgw.cognito import KeysUnavailable, issuer, keys, pool_of_arn
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError

EXPIRED = "The incoming token has expired"
_BEARER = re.compile(r"^bearer\s+", re.IGNORECASE)
_DATE_CLAIMS = ("exp", "iat")


def verify_token(inv: Invocation, authorizer: dict[str, Any], token: str,
                 scopes: Iterable[str] = ()) -> dict[str, str]:
    """The claims of ``token`` if ``authorizer`` accepts it for a method with ``scopes``;
    raises the :class:`GatewayError` API Gateway answers otherwise."""
    token = _BEARER.sub("", token.strip())
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _refused("the token is not a well-formed JWT") from None
    trust = inv.instance.settings.cognito_trust_any_jwt
    if not trust:
        pools = [pool_of_arn(arn) for arn in authorizer.get("providerARNs") or ()]
        pool = next((p for p in pools if issuer(p) == claims.get("iss")), None)
        if pool is None:
            raise _refused(f"the token's issuer {claims.get('iss')} is none of the "
                           f"authorizer's user pools {pools}")
        _check_signature(inv, token, header, pool)
    _check_expiry(claims, inv.instance.clock(), required=not trust)
    use = claims.get("token_use", "id" if trust else None)
    if use not in ("id", "access"):
        raise _refused(f"token_use {use!r} is neither id nor access")
    expression = authorizer.get("identityValidationExpression")
    audience = claims.get("aud", claims.get("client_id"))
    if expression and not _matches(expression, str(audience or "")):
        raise _refused(f"the audience {audience} does not match {expression}")
    _check_scopes(use, claims, list(scopes))
    return {name: claim_text(name, value) for name, value in claims.items()}


def claim_text(name: str, value: Any) -> str:
    """A claim as REST APIs hand it on."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in _DATE_CLAIMS and isinstance(value, (int, float)):
        return java_date(value)
    if isinstance(value, list):
        return ",".join(claim_text("", v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def java_date(epoch: float) -> str:
    """``Thu Sep 05 04:56:39 UTC 2019``: a time as Java's ``Date.toString`` prints it."""
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(epoch))


def _check_signature(inv: Invocation, token: str, header: dict[str, Any], pool: str) -> None:
    try:
        jwk = keys(inv.instance).key(pool, header.get("kid"))
    except KeysUnavailable as exc:
        raise GatewayError("AUTHORIZER_CONFIGURATION_ERROR", log=str(exc)) from None
    if jwk is None:
        raise _refused(f"user pool {pool} has no signing key {header.get('kid')}")
    if header.get("alg") != "RS256":
        raise _refused(f"the token is signed with {header.get('alg')}, not RS256")
    try:
        key = jwt.PyJWK(jwk, algorithm="RS256").key
    except jwt.PyJWTError as exc:
        raise GatewayError("AUTHORIZER_CONFIGURATION_ERROR",
                           log=f"Signing key {header.get('kid')} of {pool} is unusable: {exc}"
                           ) from None
    try:
        jwt.decode(token, key, algorithms=["RS256"],
                   options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                            "verify_aud": False, "verify_iss": False})
    except jwt.PyJWTError:
        raise _refused("the token's signature is not valid") from None


def _check_expiry(claims: dict[str, Any], now: float, *, required: bool) -> None:
    expires = claims.get("exp")
    if expires is None and not required:
        return
    if not isinstance(expires, (int, float)) or isinstance(expires, bool):
        raise _refused("the token has no exp")
    if expires <= now:
        raise GatewayError("UNAUTHORIZED", EXPIRED, log="Token expired")


def _check_scopes(use: str, claims: dict[str, Any], scopes: list[str]) -> None:
    if not scopes:
        if use != "id":
            raise _refused("methods without authorization scopes take ID tokens")
        return
    if use != "access":
        raise _refused("methods with authorization scopes take access tokens")
    granted = str(claims.get("scope") or "").split()
    if not set(granted) & set(scopes):
        raise _refused(f"the token's scopes {granted} include none of {scopes}")


def _matches(expression: str, value: str) -> bool:
    try:
        return re.fullmatch(expression, value) is not None
    except re.error:
        return False


def _refused(why: str) -> GatewayError:
    return GatewayError("UNAUTHORIZED", log=f"Unauthorized: {why}")

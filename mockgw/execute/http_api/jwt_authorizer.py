"""JWT authorizers of HTTP APIs, checked as AWS's developer guide lists the steps.

The identity source holds the token (a ``Bearer `` prefix is dropped); missing, it is 401
``Unauthorized``.  Then: an RSA signature (RS256, RS384 or RS512) by the key its ``kid``
names in the issuer's key set; ``iss`` equal to the authorizer's ``Issuer``; ``aud`` (or,
for tokens without one, ``client_id``) among its ``Audience``; ``exp`` after now, ``nbf``
and ``iat`` (when present) not after now, on the instance clock.  Any failure is 401
``Unauthorized`` with a ``www-authenticate`` header saying why (AWS's wording for the
audience; ours, in the same form, for the rest).  A route with ``AuthorizationScopes``
needs a token whose ``scope`` (space separated) or ``scp`` grants one of them, else 403
``Forbidden``.

Key sets are found by OpenID discovery (``{issuer}/.well-known/openid-configuration`` ->
``jwks_uri``, plain ``http://`` included, for local identity providers), or for a Cognito
issuer (``https://cognito-idp.{region}.amazonaws.com/{pool}``) as
:mod:`mockgw.cognito` finds a pool's keys (registered keys first).  They are kept per
instance and fetched again when a token names a key they lack.

Claims reach the integration as strings, as measured on AWS: numbers and booleans as
text, lists as ``[a b]``, objects as JSON, null claims left out.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import jwt

from mockgw.cognito import KeysUnavailable, check_jwks
from mockgw.cognito import keys as pool_keys
from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.http_api.errors import FORBIDDEN, UNAUTHORIZED, HttpApiError

ALGORITHMS = ("RS256", "RS384", "RS512")
FETCH_TIMEOUT = 5.0
_BEARER = re.compile(r"^bearer\s+", re.IGNORECASE)
_COGNITO_ISSUER = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/([\w-]+_\w+)$")
KEYS = "execute.http_api.jwks"  # instance service: IssuerKeys


class IssuerKeys:
    """The key sets of JWT issuers, fetched by discovery and kept for the instance."""

    def __init__(self, instance: Any = None) -> None:
        self.instance = instance
        self._sets: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def key(self, issuer: str, kid: str) -> dict[str, Any] | None:
        """The issuer's JSON Web Key ``kid`` (``None`` if its set has none such).

        Raises :class:`~mockgw.cognito.KeysUnavailable` when the set cannot be had."""
        pool = _COGNITO_ISSUER.match(issuer)
        if pool is not None:
            return pool_keys(self.instance).key(pool.group(1), kid)
        with self._lock:
            known = self._sets.get(issuer)
        found = _find(known, kid)
        if found is not None:
            return found
        fetched = discover(issuer)
        with self._lock:
            self._sets[issuer] = fetched
        return _find(fetched, kid)


def discover(issuer: str) -> dict[str, Any]:
    """The issuer's key set: its OpenID configuration's ``jwks_uri``, fetched."""
    import requests  # loaded only by those who fetch keys

    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT)
        response.raise_for_status()
        jwks_uri = response.json().get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise ValueError(f"{url} names no jwks_uri")
        response = requests.get(jwks_uri, timeout=FETCH_TIMEOUT)
        response.raise_for_status()
        return check_jwks(response.json())
    except (requests.RequestException, ValueError, AttributeError) as exc:
        raise KeysUnavailable(f"mockgw could not get the signing keys of issuer {issuer} "
                              f"({exc})") from None


def _find(jwks: dict[str, Any] | None, kid: str) -> dict[str, Any] | None:
    for key in (jwks or {}).get("keys", ()):
        if key.get("kid") == kid:
            return key
    return None


def _invalid(description: str, log: str | None = None) -> HttpApiError:
    challenge = f'Bearer scope="" error="invalid_token" error_description="{description}"'
    return HttpApiError(UNAUTHORIZED, "UNAUTHORIZED", log=f"JWT refused: {log or description}",
                        headers={"www-authenticate": challenge})


def verify(inv: HttpApiInvocation, authorizer: dict[str, Any], token: str,
           route_scopes: list[str]) -> tuple[dict[str, str], list[str] | None]:
    """``(claims as strings, scopes)`` of a token the authorizer accepts for a route with
    ``route_scopes`` (``scopes`` is ``None`` for routes without any); raises the answer
    API Gateway gives otherwise."""
    config = authorizer.get("JwtConfiguration") or {}
    issuer, audiences = config.get("Issuer") or "", config.get("Audience") or []
    token = _BEARER.sub("", token.strip())
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _invalid("the token is not a valid JWT") from None
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ALGORITHMS:
        raise _invalid(f"signing method {algorithm} is invalid")
    if not isinstance(kid, str):
        raise _invalid("the token has no kid header")
    if claims.get("iss") != issuer:
        raise _invalid("the token does not have a valid issuer",
                       f"iss {claims.get('iss')!r} is not {issuer!r}")
    _check_signature(inv, token, issuer, kid, algorithm)
    _check_audience(claims, audiences)
    _check_times(claims, inv.instance.clock())
    scopes = _check_scopes(claims, route_scopes)
    return {name: claim_text(value) for name, value in claims.items() if value is not None}, \
        scopes


def _check_signature(inv: HttpApiInvocation, token: str, issuer: str, kid: str,
                     algorithm: str) -> None:
    try:
        jwk = inv.instance.service(KEYS, IssuerKeys).key(issuer, kid)
    except KeysUnavailable as exc:
        raise _invalid("the signing keys of the issuer are unavailable", str(exc)) from None
    if jwk is None:
        raise _invalid("the token's kid matches no signing key of the issuer")
    try:
        key = jwt.PyJWK(jwk, algorithm=algorithm).key
        jwt.decode(token, key, algorithms=[algorithm],
                   options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                            "verify_aud": False, "verify_iss": False})
    except jwt.PyJWTError:
        raise _invalid("the token has an invalid signature") from None


def _check_audience(claims: dict[str, Any], audiences: list[str]) -> None:
    if "aud" in claims:
        given = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    else:
        given = [claims.get("client_id")]
    if not any(isinstance(a, str) and a in audiences for a in given):
        raise _invalid("the token does not have a valid audience")


def _check_times(claims: dict[str, Any], now: float) -> None:
    expires = claims.get("exp")
    if not _number(expires):
        raise _invalid("the token has no valid exp claim")
    if expires <= now:
        raise _invalid("the token has expired")
    if "nbf" in claims and (not _number(claims["nbf"]) or claims["nbf"] > now):
        raise _invalid("the token is not valid yet")
    if "iat" in claims and (not _number(claims["iat"]) or claims["iat"] > now):
        raise _invalid("the token was issued in the future")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def token_scopes(claims: dict[str, Any]) -> list[str]:
    """The scopes a token grants (``scope``, space separated, or ``scp``)."""
    found: list[str] = []
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.extend(value.split())
        elif isinstance(value, list):
            found.extend(v for v in value if isinstance(v, str))
    return found


def _check_scopes(claims: dict[str, Any], route_scopes: list[str]) -> list[str] | None:
    if not route_scopes:
        return None
    granted = token_scopes(claims)
    if not set(granted) & set(route_scopes):
        wanted = " ".join(route_scopes)
        raise HttpApiError(FORBIDDEN, "ACCESS_DENIED",
                           log=f"JWT refused: the token's scopes {granted} include none of "
                               f"{route_scopes}",
                           headers={"www-authenticate":
                                    f'Bearer scope="{wanted}" error="insufficient_scope" '
                                    'error_description="expected scopes: '
                                    f'[{wanted}]"'})
    return granted


def claim_text(value: Any) -> str:
    """A claim as HTTP APIs hand it on."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(claim_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)

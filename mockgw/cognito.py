"""Cognito user pools as COGNITO_USER_POOLS authorizers see them: issuers and signing keys.

A pool's tokens are checked against its JSON Web Key Set (JWKS), which mockgw looks for,
in this order:

1. keys registered for the pool: :func:`register_keys` (``mock.register_user_pool_keys``
   in-process) or ``PUT /_mockgw/cognito/userpools/{poolId}/jwks`` on a server;
2. the Cognito endpoint that ``AWS_ENDPOINT_URL_COGNITO_IDP`` (or ``AWS_ENDPOINT_URL``)
   names, e.g. a moto server: ``{endpoint}/{poolId}/.well-known/jwks.json``;
3. moto's Cognito in this process, when the instance serves the other AWS services
   (:mod:`mockgw.services`: pools created on mockgw's own port);
4. the pool's issuer, ``https://cognito-idp.{region}.amazonaws.com/{poolId}`` — which
   moto's ``mock_aws`` answers in-process, and AWS answers for real pools.

Keys fetched from an endpoint are kept for the instance's life (fetched again when a token
names a key they lack).  :class:`UserPoolKey` is a signing key a test holds: register its
``jwks`` and mint tokens with it.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from mockgw.instance import Instance

KEYS = "cognito.keys"  # instance service: UserPoolKeys
FETCH_TIMEOUT = 5.0


class KeysUnavailable(Exception):
    """No signing keys could be found for a pool (the text says why)."""


def issuer(pool_id: str) -> str:
    """The ``iss`` of a pool's tokens."""
    return f"https://cognito-idp.{pool_region(pool_id)}.amazonaws.com/{pool_id}"


def pool_region(pool_id: str) -> str:
    return pool_id.split("_", 1)[0]


def pool_of_arn(arn: str) -> str:
    """The pool id (``us-east-1_abc``) of a user pool ARN (``...:userpool/us-east-1_abc``)."""
    return arn.rsplit("/", 1)[-1]


def check_jwks(jwks: Any) -> dict[str, Any]:
    """``jwks`` if it is a JWKS document (``{"keys": [{...}, ...]}``), else ValueError."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not all(
            isinstance(key, dict) and key.get("kty") for key in jwks["keys"]):
        raise ValueError('A JWKS is a JSON object {"keys": [...]} of JSON Web Keys')
    return jwks


class UserPoolKeys:
    """The signing keys mockgw knows, per user pool (one instance service)."""

    def __init__(self, instance: Instance | None = None) -> None:
        self._instance = instance
        self._registered: dict[str, dict[str, Any]] = {}
        self._fetched: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def register(self, pool_id: str, jwks: dict[str, Any]) -> None:
        with self._lock:
            self._registered[pool_id] = check_jwks(jwks)

    def forget(self, pool_id: str) -> bool:
        with self._lock:
            return self._registered.pop(pool_id, None) is not None

    def registered(self, pool_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._registered.get(pool_id)

    def key(self, pool_id: str, kid: str | None) -> dict[str, Any] | None:
        """The pool's JSON Web Key ``kid`` (``None`` if the pool has no such key).

        Raises :class:`KeysUnavailable` when the pool's key set cannot be had at all.
        """
        with self._lock:
            registered = self._registered.get(pool_id)
            known = registered or self._fetched.get(pool_id)
        found = _find(known, kid)
        if found is not None or registered is not None:
            return found
        fetched = _fetch(pool_id, self._instance)
        with self._lock:
            self._fetched[pool_id] = fetched
        return _find(fetched, kid)


def register_keys(instance: Instance, pool_id: str, jwks: dict[str, Any]) -> None:
    """Make ``jwks`` the signing keys of user pool ``pool_id`` in ``instance``."""
    keys(instance).register(pool_id, jwks)


def keys(instance: Instance) -> UserPoolKeys:
    return instance.service(KEYS, UserPoolKeys)


def _find(jwks: dict[str, Any] | None, kid: str | None) -> dict[str, Any] | None:
    for key in (jwks or {}).get("keys", ()):
        if key.get("kid") == kid:
            return key
    return None


def _fetch(pool_id: str, instance: Instance | None = None) -> dict[str, Any]:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDP") or os.environ.get(
        "AWS_ENDPOINT_URL")
    if not endpoint and instance is not None:
        from mockgw import services

        if services.enabled(instance):
            return _from_moto(instance, pool_id)
    base = f"{endpoint.rstrip('/')}/{pool_id}" if endpoint else issuer(pool_id)
    url = f"{base}/.well-known/jwks.json"
    import requests  # loaded only by those who fetch keys

    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT)
        response.raise_for_status()
        return check_jwks(response.json())
    except (requests.RequestException, ValueError) as exc:
        raise KeysUnavailable(
            f"mockgw could not get the signing keys of user pool {pool_id} from {url} "
            f"({exc}); register them (mockgw.cognito.register_keys or PUT "
            f"/_mockgw/cognito/userpools/{pool_id}/jwks) or set "
            "MOCKGW_COGNITO_TRUST_ANY_JWT=1") from None


def _from_moto(instance: Instance, pool_id: str) -> dict[str, Any]:
    """The pool's key set as moto's Cognito in this process serves it."""
    from mockgw import services
    from mockgw.protocol.wire import WireRequest

    path = f"/{pool_id}/.well-known/jwks.json"
    host = f"cognito-idp.{pool_region(pool_id)}.amazonaws.com"
    request = WireRequest("GET", path, {}, {"host": host}, header_items=[("Host", host)],
                          scheme="https")
    answer = services.answer(instance, request, "cognito-idp")
    try:
        if answer is None or answer.status != 200:
            raise ValueError(f"status {answer.status if answer else None}")
        return check_jwks(answer.json())
    except ValueError as exc:
        raise KeysUnavailable(
            f"mockgw could not get the signing keys of user pool {pool_id} from moto's "
            f"Cognito ({exc}); register them (mockgw.cognito.register_keys or PUT "
            f"/_mockgw/cognito/userpools/{pool_id}/jwks)") from None


class UserPoolKey:
    """An RSA signing key for a user pool, held by a test.

    Register :attr:`jwks` with mockgw for :attr:`pool_id`, then mint tokens that a
    COGNITO_USER_POOLS authorizer of that pool accepts::

        key = UserPoolKey("us-east-1_test")
        mock.register_user_pool_keys(key.pool_id, key.jwks)
        token = key.id_token({"email": "ada@example.com"})
    """

    def __init__(self, pool_id: str, *, kid: str | None = None,
                 client_id: str = "mockgwclient") -> None:
        self.pool_id = pool_id
        self.kid = kid or uuid.uuid4().hex
        self.client_id = client_id
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def issuer(self) -> str:
        return issuer(self.pool_id)

    @property
    def jwks(self) -> dict[str, Any]:
        """The public half, as a pool's ``/.well-known/jwks.json`` serves it."""
        jwk = RSAAlgorithm.to_jwk(self._private.public_key(), as_dict=True)
        jwk.pop("key_ops", None)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def id_token(self, claims: dict[str, Any] | None = None, *, now: float | None = None,
                 expires_in: int = 3600) -> str:
        """An ID token (``token_use: id``) with Cognito's usual claims and ``claims``."""
        base = {"aud": self.client_id, "token_use": "id", "cognito:username": "user",
                "email": "user@example.com"}
        return self.sign({**base, **(claims or {})}, now=now, expires_in=expires_in)

    def access_token(self, scopes: Iterable[str] = ("aws.cognito.signin.user.admin",),
                     claims: dict[str, Any] | None = None, *, now: float | None = None,
                     expires_in: int = 3600) -> str:
        """An access token (``token_use: access``) granting ``scopes``."""
        base = {"client_id": self.client_id, "token_use": "access", "username": "user",
                "scope": " ".join(scopes)}
        return self.sign({**base, **(claims or {})}, now=now, expires_in=expires_in)

    def sign(self, claims: dict[str, Any], *, now: float | None = None,
             expires_in: int = 3600) -> str:
        """A token of exactly ``claims`` plus ``iss``, ``sub``, ``iat``, ``auth_time``,
        ``exp`` and ``jti`` where ``claims`` lacks them, signed RS256 with this key."""
        issued = int(time.time() if now is None else now)
        full = {"iss": self.issuer, "sub": str(uuid.uuid4()), "iat": issued,
                "auth_time": issued, "exp": issued + expires_in, "jti": str(uuid.uuid4()),
                **claims}
        return jwt.encode(full, self._private, algorithm="RS256", headers={"kid": self.kid})

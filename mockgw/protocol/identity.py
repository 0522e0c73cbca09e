"""Who is calling and where: account and region from a SigV4-signed request."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_ACCOUNT_KEY = re.compile(r"^\d{12}$")


def caller(headers: Mapping[str, str], query: Mapping[str, list[str]], *,
           default_account: str, default_region: str) -> tuple[str, str, str | None]:
    """``(account, region, access_key)`` of a request.

    The region comes from the SigV4 credential scope (header or presigned query); the
    account is the access key's (:func:`account_of_key`).
    """
    scope = None
    auth = headers.get("authorization")
    if auth:
        scope = _CREDENTIAL.search(auth)
    elif "X-Amz-Credential" in query:
        scope = _CREDENTIAL.search("Credential=" + query["X-Amz-Credential"][-1])
    if scope is None:
        return default_account, default_region, None
    key, region = scope.group(1), scope.group(2)
    return account_of_key(key, default_account), region, key


def account_of_key(key: str, default_account: str) -> str:
    """The account of access key ``key``, one rule for every service on mockgw's port:
    a 12-digit key is the account; a key that IAM or STS issued (moto's, once loaded:
    CreateAccessKey, AssumeRole) is its account's; any other is ``default_account``."""
    if _ACCOUNT_KEY.match(key):
        return key
    return issued_account(key) or default_account


def issued_account(key: str) -> str | None:
    """The account of a key moto's IAM or STS issued, if moto is loaded and did."""
    iam = sys.modules.get("moto.iam.models")
    if iam is None:
        return None
    try:
        accounts = list(dict.items(iam.iam_backends))
        for account, partitions in accounts:
            for backend in list(dict.values(partitions)):
                if key in backend.access_keys:
                    return account
    except (AttributeError, TypeError, RuntimeError):  # a moto that keeps keys otherwise
        return None
    return None

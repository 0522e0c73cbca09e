"""Who is calling and where: account and region from a SigV4-signed request."""

from __future__ import annotations

import re
from collections.abc import Mapping

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_ACCOUNT_KEY = re.compile(r"^\d{12}$")


def caller(headers: Mapping[str, str], query: Mapping[str, list[str]], *,
           default_account: str, default_region: str) -> tuple[str, str, str | None]:
    """``(account, region, access_key)`` of a request.

    The region comes from the SigV4 credential scope (header or presigned query); the
    account is the access key when that is 12 digits, else ``default_account``.
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
    account = key if _ACCOUNT_KEY.match(key) else default_account
    return account, region, key

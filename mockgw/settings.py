"""Settings of a mockgw instance, from arguments or ``MOCKGW_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass
class Settings:
    """Knobs of one mockgw instance.  Each has a ``MOCKGW_<NAME>`` environment variable."""

    account: str = DEFAULT_ACCOUNT  # account of requests whose key is not 12 digits
    region: str = DEFAULT_REGION  # region of unsigned requests
    seed: int | None = None  # seeds ids and canary splits (deterministic tests)
    # credentials AWS_IAM methods verify signatures with: "AKID:SECRET[:ARN],..."
    iam_credentials: str = ""
    # refuse SigV4 access keys that are not in iam_credentials
    strict_iam: bool = False
    # API Gateway may invoke a function without a resource policy only when this is off
    strict_lambda_permissions: bool = False
    # COGNITO_USER_POOLS authorizers accept any well-formed, unexpired JWT (no signature
    # or issuer check) when this is on
    cognito_trust_any_jwt: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"MOCKGW_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(raw, f.type)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _coerce(raw: str, kind: Any) -> Any:
    kind = str(kind)
    if "bool" in kind:
        return raw.lower() in ("1", "true", "yes", "on")
    if "int" in kind:
        return int(raw)
    return raw

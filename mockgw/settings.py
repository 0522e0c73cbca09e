"""Settings of a mockgw instance, from arguments or ``MOCKGW_*`` environment variables.

Every field of :class:`Settings` is a knob in one place: ``mockgw serve`` offers it as a
``--flag`` (bools as ``--flag/--no-flag``) and reads ``MOCKGW_<NAME>`` for it, flags
winning over the environment.  A new field (a strict mode, say) gets both for free; its
``help`` metadata becomes the flag's help text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _knob(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass
class Settings:
    """Knobs of one mockgw instance.  Each has a ``MOCKGW_<NAME>`` environment variable."""

    account: str = _knob(DEFAULT_ACCOUNT, "account of callers whose access key is not 12 "
                                          "digits")
    region: str = _knob(DEFAULT_REGION, "region of requests that name none (unsigned)")
    seed: int | None = _knob(None, "seeds generated ids and canary splits, moto's ids too "
                                   "(deterministic runs)")
    iam_credentials: str = _knob("", "credentials AWS_IAM methods verify signatures with: "
                                     "AKID:SECRET[:ARN],...")
    strict_iam: bool = _knob(False, "refuse SigV4 access keys that are not in "
                                    "iam_credentials")
    strict_lambda_permissions: bool = _knob(
        False, "API Gateway may invoke a function only if its resource policy allows it "
               "(AddPermission); off: any function")
    other_services: bool = _knob(
        True, "answer the AWS services mockgw does not implement itself (IAM, STS, Kinesis, "
              "SQS, DynamoDB, S3, ...) with moto's backends on the same port; off: they get "
              "501 NotImplemented, and AWS integrations go to AWS_ENDPOINT_URL_<SERVICE>")
    cognito_trust_any_jwt: bool = _knob(
        False, "COGNITO_USER_POOLS authorizers accept any well-formed JWT, checking neither "
               "signature nor issuer (exp only when present)")
    # the server (``mockgw serve``)
    host: str = _knob("127.0.0.1", "interface to listen on")
    port: int = _knob(4566, "port to listen on (0 picks a free one)")
    threads: int = _knob(16, "threads for requests that may wait (Lambda, HTTP integrations)")
    log_level: str = _knob("INFO", "DEBUG, INFO (a line per request), WARNING or ERROR")
    state_dir: str | None = _knob(None, "keep API Gateway and Lambda state in this "
                                        "directory (SQLite), so it survives restarts (the "
                                        "other services' state is not kept)")
    requests_kept: int = _knob(1000, "data-plane requests GET /_mockgw/requests remembers")
    # WebSocket APIs (``mockgw/websocket_listener.py``), with AWS's quotas as defaults
    websocket_port: int = _knob(4510, "port WebSocket APIs listen on (0 picks a free one)")
    websocket_idle_timeout: int = _knob(600, "seconds a WebSocket connection may stay idle "
                                             "before it is closed (AWS: 10 minutes)")
    websocket_max_duration: int = _knob(7200, "seconds a WebSocket connection may last "
                                              "(AWS: 2 hours)")
    websocket_message_size: int = _knob(131072, "largest WebSocket message in bytes, in and "
                                                "out (AWS: 128 KB)")
    websocket_frame_size: int = _knob(32768, "largest WebSocket frame a client may send, in "
                                             "bytes (AWS: 32 KB)")
    # who may reach the control plane, the Lambda API and /_mockgw/* (mockgw/crosssite.py)
    cross_origin_checks: bool = _knob(
        True, "refuse browser requests (Origin, Sec-Fetch-Site) from origins that are not "
              "localhost or allowed_origins; off: any web page can reach mockgw")
    allowed_origins: str = _knob("", "more browser origins allowed to call mockgw, comma "
                                     "separated (https://app.example.com,...; * for any)")
    admin_token: str = _knob("", "when set, /_mockgw/* needs 'Authorization: Bearer "
                                 "TOKEN' (health without it says only that mockgw runs)")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``MOCKGW_*`` variables, then ``overrides`` (``None`` ones skipped)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = env_name(f.name)
            raw = environ.get(name)
            if raw is not None and raw != "":
                try:
                    values[f.name] = coerce(raw, f.type)
                except ValueError:
                    raise SettingError(f"{name}: {raw!r} is not {kind_of(f.type)}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __post_init__(self) -> None:
        self.log_level = self.log_level.upper()
        if self.log_level not in LOG_LEVELS:
            raise SettingError(f"log level must be one of {', '.join(LOG_LEVELS)}, "
                               f"not {self.log_level!r}")


class SettingError(ValueError):
    """A setting has a value it cannot take."""


def env_name(name: str) -> str:
    """The environment variable of setting ``name``: ``MOCKGW_STATE_DIR``."""
    return f"MOCKGW_{name.upper()}"


def kind_of(annotation: Any) -> str:
    """``bool``, ``int`` or ``str``: what a setting's annotation holds."""
    text = str(annotation)
    if "bool" in text:
        return "bool"
    if "int" in text:
        return "int"
    return "str"


def coerce(raw: str, annotation: Any) -> Any:
    """``raw`` (text from the environment) as the setting's type."""
    kind = kind_of(annotation)
    if kind == "bool":
        lowered = raw.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(raw)
    if kind == "int":
        return int(raw)
    return raw

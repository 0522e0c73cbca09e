"""The one object every data-plane step reads and writes."""

from __future__ import annotations

import base64
import functools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mockgw.protocol.wire import WireRequest, WireResponse
from mockgw.requestids import new_request_id
from mockgw.state.stages import setting_key

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance
    from mockgw.state import RegionStore


@dataclass(slots=True)
class ExecuteTarget:
    """Where a data-plane request goes: an API, maybe a stage, and the rest of the path.

    ``path`` is raw (as sent) and starts with ``/``.  ``stage`` is ``None`` when the first
    path segment is still to be read as the stage (the host form).
    """

    api_id: str
    stage: str | None
    path: str
    region: str | None = None
    domain_name: str = ""
    via_custom_domain: bool = False
    vpce_id: str | None = None  # the VPC endpoint named by the host (private APIs)


@dataclass(slots=True)
class IntegrationRequest:
    """What is sent to the backend (after parameter mapping and templates)."""

    method: str = "POST"
    uri: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, list[str]] = field(default_factory=dict)
    path: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(slots=True)
class IntegrationResult:
    """What the backend answered (status, headers in order, body)."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error_message: str | None = None  # Lambda's errorMessage, for selection patterns

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in reversed(self.headers):
            if key.lower() == lname:
                return value
        return None


@functools.lru_cache(maxsize=4)
def _request_time(epoch_seconds: int) -> str:
    moment = datetime.fromtimestamp(epoch_seconds, UTC)
    return moment.strftime("%d/%b/%Y:%H:%M:%S +0000")


@dataclass(slots=True)
class Invocation:
    """A data-plane request on its way through the pipeline."""

    instance: Instance
    request: WireRequest
    target: ExecuteTarget
    request_id: str = field(default_factory=new_request_id)
    extended_request_id: str = ""
    started: float = field(default_factory=time.perf_counter)
    epoch_ms: int = 0  # when the request arrived, by the instance's clock
    # where the request goes
    store: RegionStore | None = None
    api_id: str = ""
    stage: dict[str, Any] | None = None
    snapshot: dict[str, Any] | None = None
    deployment_id: str = ""
    is_canary: bool = False
    stage_variables: dict[str, str] = field(default_factory=dict)
    path: str = "/"  # the raw path after the stage, as sent
    resource: dict[str, Any] | None = None
    method: dict[str, Any] | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    usage_plan: dict[str, Any] | None = None  # the plan that admitted the API key
    policy_decision: str | None = None  # the resource policy's verdict (policy.py)
    # $context, and what templates override in it
    context: dict[str, Any] = field(default_factory=dict)
    # the integration
    integration_request: IntegrationRequest | None = None
    integration_result: IntegrationResult | None = None
    integration_latency_ms: int | None = None
    integration_error: str | None = None  # ``$context.integrationErrorMessage``
    cache_status: str | None = None  # "hit" or "miss" when the stage cache was consulted
    response: WireResponse | None = None
    answered: bool = False  # a step answered by itself (a cache hit): the pipeline stops
    log: list[str] | None = None  # the execution log, kept only when asked (TestInvokeMethod)
    inline: bool = False  # on the server's own thread: a method that may wait must not run

    def __post_init__(self) -> None:
        if not self.epoch_ms:
            self.epoch_ms = int(self.instance.clock() * 1000)
        if not self.extended_request_id:
            raw = self.instance.random.getrandbits(88).to_bytes(11, "big")
            self.extended_request_id = base64.b64encode(raw).decode()[:15] + "="

    @property
    def integration(self) -> dict[str, Any]:
        assert self.method is not None
        return self.method.get("methodIntegration") or {}

    @property
    def stage_name(self) -> str | None:
        """The stage's name (``None`` before a stage is selected)."""
        return self.stage["stageName"] if self.stage is not None else None

    @property
    def api_name(self) -> str | None:
        return ((self.snapshot or {}).get("api") or {}).get("name")

    @property
    def access_log_format(self) -> str | None:
        """The stage's access-log format, if it logs access."""
        return ((self.stage or {}).get("accessLogSettings") or {}).get("format")

    @property
    def authorization_type(self) -> str | None:
        """The method's ``authorizationType`` (``None`` before a method is matched)."""
        return (self.method or {}).get("authorizationType")

    @property
    def execution_logging(self) -> str | None:
        """The logging level (``INFO``, ``ERROR``) of the method's stage setting (its own,
        else ``*/*``): API Gateway writes an execution log for such requests."""
        settings = (self.stage or {}).get("methodSettings")
        if not settings or self.resource is None or self.method is None:
            return None
        chosen = settings.get(setting_key(self.resource["path"], self.method["httpMethod"])) \
            or settings.get("*/*") or {}
        level = chosen.get("loggingLevel")
        return level if level in ("INFO", "ERROR") else None

    @property
    def request_time(self) -> str:
        """``$context.requestTime``: ``24/Nov/2026:14:03:01 +0000``."""
        return _request_time(self.epoch_ms // 1000)

    def elapsed_ms(self) -> int:
        return int((time.perf_counter() - self.started) * 1000)

    @property
    def tracing(self) -> bool:
        """Whether the execution log is kept (steps skip building its lines otherwise)."""
        return self.log is not None

    def trace(self, line: str) -> None:
        """Add a line to the execution log, if it is kept."""
        if self.log is not None:
            self.log.append(line)

"""Who gets in and how much: API keys, usage plans (throttle and quota), stage and
account throttling.

Throttles are token buckets (``burstLimit`` tokens, refilled at ``rateLimit`` per second)
on the instance's clock; a throttled request answers 429 ``Too Many Requests``.  AWS
applies them in this order, and within each kind the narrowest configured limit wins:

1. the usage plan's throttle for the method (``apiStages[].throttle``), else the plan's
   own ``throttle`` — per API key;
2. the stage's ``methodSettings`` for the method, else the stage's ``*/*`` — per method;
3. the account's limits (GetAccount's ``throttleSettings``: 10,000 requests a second with
   a burst of 5,000) across every API of the account in the region.

Only then does the request count against the key's quota (429 ``Limit Exceeded`` once the
plan's DAY, WEEK or MONTH quota is spent); GetUsage shows what was counted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.state.stages import setting_key
from mockgw.state.usageplans import find_plan, record_request

ACCOUNT = "apigateway.account"
ACCOUNT_RATE, ACCOUNT_BURST = 10000.0, 5000


@dataclass(slots=True)
class TokenBucket:
    rate: float
    burst: int
    tokens: float
    updated: float

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Buckets:
    """Token buckets of one instance, by key; a changed limit starts a fresh bucket."""

    def __init__(self, instance: Any = None) -> None:
        self._buckets: dict[tuple, TokenBucket] = {}
        self._lock = threading.Lock()

    def take(self, key: tuple, rate: float, burst: int, now: float) -> bool:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or (bucket.rate, bucket.burst) != (rate, burst):
                bucket = self._buckets[key] = TokenBucket(rate, burst, float(burst), now)
            return bucket.take(now)


def take(inv: Invocation, key: tuple, rate: float | None, burst: int | None) -> None:
    """Take a token from the bucket ``key`` (``rate`` per second up to ``burst``); an empty
    bucket answers 429 ``THROTTLED``.  No limit at all (both ``None``) takes nothing."""
    if rate is None and burst is None:
        return
    buckets = inv.instance.service("execute.buckets", Buckets)
    if not buckets.take(key, float(rate or 0.0), int(burst or 0), inv.instance.clock()):
        raise GatewayError("THROTTLED", log=f"Request throttled ({key[0]} limit)")


def check_api_key(inv: Invocation) -> None:
    """Methods with ``apiKeyRequired`` need an enabled key in a plan of this API stage:
    the ``x-api-key`` header, or with ``apiKeySource`` AUTHORIZER the key an authorizer
    put in ``$context.identity.apiKey`` (its ``usageIdentifierKey``)."""
    assert inv.method is not None and inv.store is not None and inv.stage is not None
    if not inv.method.get("apiKeyRequired"):
        return
    source = (inv.snapshot or {}).get("api", {}).get("apiKeySource", "HEADER")
    if source == "AUTHORIZER":
        value = inv.context["identity"].get("apiKey")
    else:
        value = inv.request.headers.get("x-api-key")
    found = find_plan(inv.store, inv.api_id, inv.stage["stageName"], value) if value else None
    if found is None:
        raise GatewayError("INVALID_API_KEY", log="API Key not authorized")
    key, plan_record = found
    inv.context["identity"]["apiKey"] = key["value"]
    inv.context["identity"]["apiKeyId"] = key["id"]
    inv.usage_plan = plan_record["plan"]


def throttle_usage_plan(inv: Invocation) -> None:
    """The key's usage-plan throttle: the plan's throttle for this method, else the
    plan's own."""
    plan = inv.usage_plan
    if plan is None:
        return
    assert inv.stage is not None and inv.resource is not None and inv.method is not None
    key_id = inv.context["identity"]["apiKeyId"]
    method_key = f"{inv.resource['path']}/{inv.method['httpMethod']}"
    stage_entry = next((s for s in plan.get("apiStages", ())
                        if s["apiId"] == inv.api_id and s["stage"] == inv.stage["stageName"]),
                       {})
    per_method = (stage_entry.get("throttle") or {}).get(method_key)
    if per_method is not None:
        take(inv, ("plan-method", plan["id"], key_id, inv.api_id, inv.stage["stageName"],
                   method_key), per_method.get("rateLimit"), per_method.get("burstLimit"))
    elif plan.get("throttle"):
        take(inv, ("plan", plan["id"], key_id), plan["throttle"].get("rateLimit"),
             plan["throttle"].get("burstLimit"))


def throttle_stage(inv: Invocation) -> None:
    """The method's stage throttling (its own ``methodSettings``, else ``*/*``), then the
    account-level limits."""
    assert inv.store is not None and inv.stage is not None and inv.resource is not None
    assert inv.method is not None
    settings = inv.stage.get("methodSettings") or {}
    chosen = settings.get(setting_key(inv.resource["path"], inv.method["httpMethod"])) \
        or settings.get("*/*")
    if chosen is not None:
        take(inv, ("stage", inv.api_id, inv.stage["stageName"], inv.resource["path"],
                   inv.method["httpMethod"]),
             chosen.get("throttlingRateLimit"), chosen.get("throttlingBurstLimit"))
    throttle_account(inv)


def throttle_account(inv: Invocation) -> None:
    """The account's limits, shared by every API (REST and HTTP) of the account in the
    region: GetAccount's ``throttleSettings``, else AWS's defaults."""
    assert inv.store is not None
    limits = (inv.store.tables.get(ACCOUNT, {}).get("settings") or {}).get(
        "throttleSettings") or {}
    take(inv, ("account", inv.store.account, inv.store.region),
         limits.get("rateLimit", ACCOUNT_RATE), limits.get("burstLimit", ACCOUNT_BURST))


def count_quota(inv: Invocation) -> None:
    """Count the request against the key's quota; a spent quota answers 429."""
    plan = inv.usage_plan
    if plan is None:
        return
    assert inv.store is not None
    if not record_request(inv.store, plan["id"], inv.context["identity"]["apiKeyId"],
                          inv.instance.clock()):
        raise GatewayError("QUOTA_EXCEEDED", log="Usage plan quota exceeded")

"""Calling a Lambda authorizer and keeping its answers, the same for REST, HTTP and
WebSocket APIs: the function its URI names (stage variables resolved), the permission API
Gateway needs to invoke it (source ARN ``.../{api}/authorizers/{id}``) unless the
authorizer has credentials, and the stage's cache of answers
(:data:`~mockgw.execute.stagecache.AUTHORIZER_CACHE`).  Each data plane builds the event
and reads the answer its own way; ``failure(why)`` makes its configuration error."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from mockgw.errors import ServiceError
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.integrations.lambda_ import function_of
from mockgw.execute.request import substitute_stage_variables
from mockgw.execute.stagecache import AUTHORIZER_CACHE, StageCache, stage_scope
from mockgw.runtime import InvokeResult, invoke, may_invoke

Failure = Callable[[str], GatewayError]
G = TypeVar("G")


@dataclass(frozen=True, slots=True)
class AuthorizerFunction:
    """The function an authorizer calls, and the source ARN API Gateway calls it from."""

    account: str
    region: str
    function: str
    source_arn: str


def authorizer_function(inv: Invocation, uri: str, authorizer_id: str,
                        failure: Failure) -> AuthorizerFunction:
    """The function authorizer ``authorizer_id``'s ``uri`` names (``failure`` when it names
    none)."""
    assert inv.store is not None
    uri = substitute_stage_variables(uri, inv.stage_variables)
    target = function_of(uri, inv.store.account)
    if target is None:
        raise failure(f"Invalid Lambda function ARN in {uri}")
    account, region, function = target
    source_arn = (f"arn:aws:execute-api:{inv.store.region}:{inv.store.account}:{inv.api_id}/"
                  f"authorizers/{authorizer_id}")
    return AuthorizerFunction(account, region, function, source_arn)


def invoke_authorizer(inv: Invocation, target: AuthorizerFunction, payload: bytes, *,
                      credentials: Any, failure: Failure) -> tuple[InvokeResult, int]:
    """Lambda's answer to ``payload`` and the call's latency in ms; ``failure`` when API
    Gateway may not invoke the function (without ``credentials``) or Lambda refuses."""
    started = time.perf_counter()
    try:
        if not credentials and not may_invoke(inv.instance, target.account, target.region,
                                              target.function, source_arn=target.source_arn):
            raise failure("Invalid permissions on Lambda function")
        result = invoke(inv.instance, target.account, target.region, target.function, payload)
    except ServiceError as exc:
        raise failure(f"Lambda invocation failed: {exc.code}: {exc.message}") from None
    return result, int((time.perf_counter() - started) * 1000)


def cached_grant(inv: Invocation, key: Hashable, ttl: int,
                 fetch: Callable[[], G]) -> tuple[G, bool]:
    """``(grant, from the cache)``: the stage's cached answer for ``key`` (its latency 0),
    else ``fetch()``, cached for ``ttl`` seconds (``ttl`` 0: the cache is not used)."""
    assert inv.store is not None
    cache: StageCache = inv.instance.service(AUTHORIZER_CACHE, StageCache)
    scope = stage_scope(inv.store.account, inv.store.region, inv.api_id, inv.stage_name or "")
    hit = cache.get(scope, key, inv.instance.clock()) if ttl > 0 else None
    if hit is not None:
        return replace(hit, latency_ms=0), True
    grant = fetch()
    if ttl > 0:
        cache.put(scope, key, grant, ttl, inv.instance.clock())
    return grant, False

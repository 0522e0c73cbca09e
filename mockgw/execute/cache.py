"""The stage cache: method responses kept for ``cacheTtlInSeconds`` on the instance clock.

A stage caches only with ``cacheClusterEnabled``.  A method caches when its own method
setting (``{resourcePath}/{METHOD}``) enables caching, or, for GET only, when the stage's
``*/*`` setting does (AWS caches only GET unless a method overrides); a TTL of 0 turns
caching off.  Canary requests use the cache only with ``canarySettings.useStageCache``.

Entries are keyed by the integration's ``cacheNamespace`` (the resource id by default),
the HTTP method and the values of its ``cacheKeyParameters`` — so, as on AWS, requests
that differ only in parameters outside the cache keys share one entry.  A canary serving
another deployment than production's keeps entries of its own ("responses for production
and canary requests are cached separately"; shared when the deployment is the same).
Responses up to 1 MB are cached; a hit does not call the integration.

``Cache-Control: max-age=0`` asks for a fresh response (which then replaces the entry).
With ``requireAuthorizationForCacheControl`` (the default) only an authorized caller — an
``AWS_IAM``-signed one — may do so; for others ``unauthorizedCacheControlHeaderStrategy``
decides: ``FAIL_WITH_403``, ``SUCCEED_WITH_RESPONSE_HEADER`` (served as usual, with a
``Warning`` header) or ``SUCCEED_WITHOUT_RESPONSE_HEADER``.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.mapping import method_request_source
from mockgw.execute.stagecache import RESPONSE_CACHE, Scope, StageCache, stage_scope
from mockgw.protocol.wire import WireResponse
from mockgw.state.stages import setting_key

MAX_ENTRY_BYTES = 1_048_576
DEFAULT_TTL = 300
UNAUTHORIZED_WARNING = "199 Cache-control headers were ignored because the caller was unauthorized."


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one request uses the cache."""

    key: tuple
    ttl: int
    read: bool  # may a stored response answer it?
    warn: bool  # add the unauthorized Cache-Control warning?


def _method_setting(inv: Invocation) -> dict | None:
    """The method setting that decides caching for this request, if caching applies."""
    assert inv.stage is not None and inv.resource is not None and inv.method is not None
    stage = inv.stage
    if not stage.get("cacheClusterEnabled"):
        return None
    if inv.is_canary and not (stage.get("canarySettings") or {}).get("useStageCache"):
        return None
    settings = stage.get("methodSettings") or {}
    own = settings.get(setting_key(inv.resource["path"], inv.method["httpMethod"]))
    chosen = own if own is not None or inv.request.method != "GET" else settings.get("*/*")
    if not chosen or not chosen.get("cachingEnabled"):
        return None
    return chosen


def _plan(inv: Invocation) -> _Plan | None:
    setting = _method_setting(inv)
    if setting is None:
        return None
    ttl = setting.get("cacheTtlInSeconds", DEFAULT_TTL)
    if ttl <= 0:
        return None
    read, warn = True, False
    if _asks_for_fresh(inv):
        authorized = not setting.get("requireAuthorizationForCacheControl", True) or bool(
            inv.context["identity"].get("accessKey"))
        strategy = setting.get("unauthorizedCacheControlHeaderStrategy",
                               "SUCCEED_WITH_RESPONSE_HEADER")
        if authorized:
            read = False
        elif strategy == "FAIL_WITH_403":
            raise GatewayError("UNAUTHORIZED", "Unauthorized", status=403,
                               log="Unauthorized Cache-Control: max-age=0")
        else:
            warn = strategy == "SUCCEED_WITH_RESPONSE_HEADER"
    return _Plan(cache_key(inv), ttl, read, warn)


def _asks_for_fresh(inv: Invocation) -> bool:
    directives = inv.request.headers.get("cache-control", "").split(",")
    return any(d.strip().lower() == "max-age=0" for d in directives)


def cache_key(inv: Invocation) -> tuple:
    """``(cacheNamespace, method, ((parameter, value), ...), release)`` of a request."""
    assert inv.resource is not None
    integration = inv.integration
    resolve = method_request_source(inv)
    mapped = integration.get("requestParameters") or {}
    values = []
    for name in integration.get("cacheKeyParameters") or ():
        expression = name if name.startswith("method.request.") else mapped.get(name)
        value = resolve(expression) if expression else None
        values.append((name, ",".join(value) if isinstance(value, list) else value))
    namespace = integration.get("cacheNamespace") or inv.resource["id"]
    return (namespace, inv.request.method, tuple(values), _release(inv))


def _release(inv: Invocation) -> str | None:
    """The canary's deployment for a canary request while it differs from production's
    (entries of their own); ``None``, production's entries, otherwise."""
    assert inv.stage is not None
    if not inv.is_canary or inv.deployment_id == inv.stage.get("deploymentId"):
        return None
    return inv.deployment_id


def _scope(inv: Invocation) -> Scope:
    assert inv.store is not None and inv.stage is not None
    return stage_scope(inv.store.account, inv.store.region, inv.api_id,
                       inv.stage["stageName"])


def serve_from_cache(inv: Invocation) -> None:
    """Answer from the stage cache when a live entry exists (the integration is skipped)."""
    plan = _plan(inv)
    if plan is None:
        return
    inv.cache_status = "miss"  # the stage's CacheMissCount, unless an entry answers
    if not plan.read:
        return
    cache = inv.instance.service(RESPONSE_CACHE, StageCache)
    stored: WireResponse | None = cache.get(_scope(inv), plan.key, inv.instance.clock())
    if stored is None:
        return
    inv.cache_status = "hit"
    inv.trace("Sending response from cache")
    inv.response = WireResponse(stored.status, list(stored.headers), stored.body)
    _warn(inv, plan)
    inv.answered = True


def store_in_cache(inv: Invocation) -> None:
    """Keep the method response for the TTL (after a miss or a Cache-Control refresh)."""
    plan = _plan(inv)
    if plan is None or inv.response is None:
        return
    response = inv.response
    if len(response.body) <= MAX_ENTRY_BYTES:
        cache = inv.instance.service(RESPONSE_CACHE, StageCache)
        cache.put(_scope(inv), plan.key,
                  WireResponse(response.status, list(response.headers), response.body),
                  plan.ttl, inv.instance.clock())
    _warn(inv, plan)


def _warn(inv: Invocation, plan: _Plan) -> None:
    if plan.warn and inv.response is not None:
        inv.response.headers.append(("Warning", UNAUTHORIZED_WARNING))

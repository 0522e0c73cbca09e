"""FlushStageCache and FlushStageAuthorizersCache: empty a stage's response cache or
its authorizer cache (both kept by the data plane, :mod:`mockgw.execute.stagecache`)."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import rest_api
from mockgw.apigateway.registry import operation
from mockgw.apigateway.stages import stage_of
from mockgw.execute.stagecache import (
    AUTHORIZER_CACHE,
    RESPONSE_CACHE,
    StageCache,
    stage_scope,
)
from mockgw.operations import Call


def _flush(call: Call, params: dict[str, Any], service: str) -> dict:
    stage_of(rest_api(call, params["restApiId"]), params["stageName"])
    scope = stage_scope(call.account, call.region, params["restApiId"], params["stageName"])
    call.instance.service(service, StageCache).flush(scope)
    return {}


@operation("FlushStageCache")
def flush_stage_cache(call: Call, params: dict[str, Any]) -> dict:
    return _flush(call, params, RESPONSE_CACHE)


@operation("FlushStageAuthorizersCache")
def flush_stage_authorizers_cache(call: Call, params: dict[str, Any]) -> dict:
    return _flush(call, params, AUTHORIZER_CACHE)

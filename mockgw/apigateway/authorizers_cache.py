"""FlushStageAuthorizersCache: forget the Lambda authorizer answers a stage has cached
(:mod:`mockgw.execute.authorizer_cache`)."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import rest_api
from mockgw.apigateway.registry import operation
from mockgw.apigateway.stages import stage_of
from mockgw.execute.authorizer_cache import CACHE, AuthorizerCache, stage_scope
from mockgw.operations import Call


@operation("FlushStageAuthorizersCache")
def flush_stage_authorizers_cache(call: Call, params: dict[str, Any]) -> dict:
    stage_of(rest_api(call, params["restApiId"]), params["stageName"])
    scope = stage_scope(call.account, call.region, params["restApiId"], params["stageName"])
    call.instance.service(CACHE, AuthorizerCache).flush(scope)
    return {}

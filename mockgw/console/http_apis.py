"""HTTP and WebSocket API pages (apigatewayv2): the API (routes, integrations,
authorizers, models, stages, deployments) and a stage (settings, route settings, deployment
history with rollback, invoke URLs, metrics, request log, WebSocket connections)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request

from mockgw.console import console, present
from mockgw.console.pages import after_action, fragment, page, refused, websocket_url
from mockgw.console.rest import live_context
from mockgw.console.source import ActionFailed, Source, instance

_STAGE = "admin.console.v2_stage"


def _api(source: Source, api_id: str) -> dict[str, Any]:
    return source.found("apigatewayv2", "GetApi", ApiId=api_id)


def _route_sort(route: dict[str, Any]) -> tuple[int, str]:
    key = route.get("RouteKey", "")
    return (1 if key.startswith("$") else 0, key)


@console.get("/<account>/<region>/apis/<api_id>")
def v2_api(account: str, region: str, api_id: str) -> Response:
    source = Source(account, region)
    api = _api(source, api_id)
    websocket = api.get("ProtocolType") == "WEBSOCKET"
    routes = sorted(source.all("apigatewayv2", "GetRoutes", ApiId=api_id), key=_route_sort)
    integrations = source.all("apigatewayv2", "GetIntegrations", ApiId=api_id)
    if websocket:
        for route in routes:
            route["responses"] = source.all("apigatewayv2", "GetRouteResponses",
                                            ApiId=api_id, RouteId=route["RouteId"])
        for integration in integrations:
            integration["responses"] = source.all(
                "apigatewayv2", "GetIntegrationResponses", ApiId=api_id,
                IntegrationId=integration["IntegrationId"])
    authorizers = source.all("apigatewayv2", "GetAuthorizers", ApiId=api_id)
    return page(
        "v2_api.html", account=account, region=region, api=api, websocket=websocket,
        routes=routes, integrations=integrations,
        integration_by_target={f"integrations/{i['IntegrationId']}": i for i in integrations},
        authorizers=authorizers,
        authorizer_names={a["AuthorizerId"]: a.get("Name", "") for a in authorizers},
        models=source.all("apigatewayv2", "GetModels", ApiId=api_id) if websocket else [],
        stages=sorted(source.all("apigatewayv2", "GetStages", ApiId=api_id),
                      key=lambda s: s["StageName"]),
        deployments=_deployments(source, api_id))


def _deployments(source: Source, api_id: str, current: str | None = None
                 ) -> list[dict[str, Any]]:
    return present.history(source.all("apigatewayv2", "GetDeployments", ApiId=api_id),
                           current, "DeploymentId")


def _mappings(source: Source, api_id: str, stage: str) -> list[tuple[str, str]]:
    found = []
    for domain in source.all("apigatewayv2", "GetDomainNames"):
        name = domain["DomainName"]
        mappings = source.maybe("apigatewayv2", "GetApiMappings", {}, DomainName=name)
        for mapping in mappings.get("Items") or []:
            if mapping.get("ApiId") == api_id and mapping.get("Stage") == stage:
                found.append((name, mapping.get("ApiMappingKey") or "(none)"))
    return found


def connections(account: str, region: str, api_id: str,
                stage: str) -> list[dict[str, Any]]:
    """The stage's WebSocket connections, live ones first (``GET /_mockgw/connections``)."""
    from mockgw.execute.websocket.connections import connections as registry

    return [c for c in registry(instance()).listing(api_id=api_id, stage=stage)
            if (c["account"], c["region"]) == (account, region)]


@console.get("/<account>/<region>/apis/<api_id>/stages/<stage>")
def v2_stage(account: str, region: str, api_id: str, stage: str) -> Response:
    source = Source(account, region)
    api = _api(source, api_id)
    found = source.found("apigatewayv2", "GetStage", ApiId=api_id, StageName=stage)
    websocket = api.get("ProtocolType") == "WEBSOCKET"
    mappings = _mappings(source, api_id, stage)
    if websocket:
        urls = present.websocket_urls(api_id, stage, region=region,
                                      websocket_url=websocket_url())
    else:
        urls = present.http_invoke_urls(api_id, stage, region=region, scheme=request.scheme,
                                        host=request.host, mappings=mappings)
    return page("v2_stage.html", account=account, region=region, api=api, stage=found,
                websocket=websocket, urls=urls,
                deployments=_deployments(source, api_id, found.get("DeploymentId")),
                connections=connections(account, region, api_id, stage) if websocket else None,
                **live_context(account, region, api_id, stage, "admin.console.v2_live"))


@console.get("/<account>/<region>/apis/<api_id>/stages/<stage>/live")
def v2_live(account: str, region: str, api_id: str, stage: str) -> Response:
    source = Source(account, region)
    source.found("apigatewayv2", "GetStage", ApiId=api_id, StageName=stage)
    return fragment("live.html", account=account, region=region,
                    **live_context(account, region, api_id, stage, "admin.console.v2_live"))


@console.post("/<account>/<region>/apis/<api_id>/stages/<stage>/rollback")
def v2_rollback(account: str, region: str, api_id: str, stage: str) -> Response:
    """UpdateStage with an older ``DeploymentId`` (AWS refuses it on auto-deployed
    stages; the page says so)."""
    deployment = request.form.get("deploymentId", "")
    if not deployment:
        abort(400, "Choose a deployment")
    source = Source(account, region)
    try:
        source.act("apigatewayv2", "UpdateStage", ApiId=api_id, StageName=stage,
                   DeploymentId=deployment)
    except ActionFailed as failure:
        return refused(_STAGE, failure, account=account, region=region, api_id=api_id,
                       stage=stage)
    return after_action(_STAGE, "ok", f"The stage now serves deployment {deployment}",
                        account=account, region=region, api_id=api_id, stage=stage)

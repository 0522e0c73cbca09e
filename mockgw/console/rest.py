"""REST API pages: the API (resource tree, models, authorizers, validators, gateway
responses, stages, deployments), a method (its execution flow and the Test panel), a stage
(settings, canary, deployment history, invoke URLs, metrics, request log), and the actions
on them, each one control-plane call (``UpdateStage``, ``TestInvokeMethod``)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, request, url_for

from mockgw.console import charts, console, present
from mockgw.console.pages import after_action, fragment, page, refused
from mockgw.console.source import ActionFailed, Source
from mockgw.console.telemetry import stage_metrics, stage_requests

_STAGE = "admin.console.rest_stage"


def _api(source: Source, api_id: str) -> dict[str, Any]:
    return source.found("apigateway", "GetRestApi", restApiId=api_id)


@console.get("/<account>/<region>/restapis/<api_id>")
def rest_api(account: str, region: str, api_id: str) -> Response:
    source = Source(account, region)
    api = _api(source, api_id)
    resources = source.all("apigateway", "GetResources", restApiId=api_id, embed=["methods"])
    stages = source.call("apigateway", "GetStages", restApiId=api_id).get("item") or []
    responses = source.all("apigateway", "GetGatewayResponses", restApiId=api_id)
    responses.sort(key=lambda r: (r.get("defaultResponse", True), r.get("responseType", "")))
    return page(
        "rest_api.html", account=account, region=region, api=api,
        tree=present.resource_tree(resources),
        stages=sorted(stages, key=lambda s: s["stageName"]),
        deployments=_deployments(source, api_id),
        authorizers=source.all("apigateway", "GetAuthorizers", restApiId=api_id),
        validators=source.all("apigateway", "GetRequestValidators", restApiId=api_id),
        models=source.all("apigateway", "GetModels", restApiId=api_id),
        gateway_responses=responses)


def _deployments(source: Source, api_id: str, current: str | None = None
                 ) -> list[dict[str, Any]]:
    return present.history(source.all("apigateway", "GetDeployments", restApiId=api_id),
                           current, "id")


# -- a method: execution flow and the Test panel ---------------------------------------------

def _method_context(source: Source, api_id: str, resource_id: str,
                    http_method: str) -> dict[str, Any]:
    api = _api(source, api_id)
    resource = source.found("apigateway", "GetResource", restApiId=api_id,
                            resourceId=resource_id)
    method = source.found("apigateway", "GetMethod", restApiId=api_id, resourceId=resource_id,
                          httpMethod=http_method)
    authorizers = {a["id"]: a for a in source.all("apigateway", "GetAuthorizers",
                                                  restApiId=api_id)}
    validators = {v["id"]: v for v in source.all("apigateway", "GetRequestValidators",
                                                 restApiId=api_id)}
    stages = source.call("apigateway", "GetStages", restApiId=api_id).get("item") or []
    return {"api": api, "resource": resource, "method": method,
            "flow": present.flow(method, authorizers=authorizers, validators=validators),
            "backend": present.backend(method.get("methodIntegration") or {}),
            "stages": sorted(s["stageName"] for s in stages)}


@console.get("/<account>/<region>/restapis/<api_id>/resources/<resource_id>/methods/"
             "<http_method>")
def rest_method(account: str, region: str, api_id: str, resource_id: str,
                http_method: str) -> Response:
    source = Source(account, region)
    context = _method_context(source, api_id, resource_id, http_method)
    form = {"path": context["resource"]["path"], "query": "", "headers": "", "body": "",
            "variables": ""}
    return page("rest_method.html", account=account, region=region, form=form, result=None,
                **context)


@console.post("/<account>/<region>/restapis/<api_id>/resources/<resource_id>/methods/"
              "<http_method>/test")
def rest_test(account: str, region: str, api_id: str, resource_id: str,
              http_method: str) -> Response:
    """TestInvokeMethod with the panel's path, query, headers, body and stage variables:
    JSON for the panel's script, else the method page with the result."""
    source = Source(account, region)
    form = {name: request.form.get(name, "") for name in
            ("path", "query", "headers", "body", "variables")}
    result = _test_invoke(source, api_id, resource_id, http_method, form)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(result)
    context = _method_context(source, api_id, resource_id, http_method)
    return page("rest_method.html", status=200 if "error" not in result else 400,
                account=account, region=region, form=form, result=result, **context)


def _test_invoke(source: Source, api_id: str, resource_id: str, http_method: str,
                 form: dict[str, str]) -> dict[str, Any]:
    headers, bad_headers = present.parse_pairs(form["headers"], ":")
    variables, bad_variables = present.parse_pairs(form["variables"], "=")
    if bad_headers or bad_variables:
        what = ("headers take 'Name: value' lines" if bad_headers
                else "stage variables take 'name=value' lines")
        return {"error": f"Cannot read {(bad_headers or bad_variables)[0]!r}: {what}"}
    path = form["path"].strip() or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = form["query"].strip().lstrip("?")
    params: dict[str, Any] = {"restApiId": api_id, "resourceId": resource_id,
                              "httpMethod": http_method,
                              "pathWithQueryString": f"{path}?{query}" if query else path}
    if headers:
        params["headers"] = headers
    if variables:
        params["stageVariables"] = variables
    if form["body"]:
        params["body"] = form["body"]
    try:
        out = source.act("apigateway", "TestInvokeMethod", **params)
    except ActionFailed as failure:
        return {"error": f"{failure.code}: {failure.message}"}
    return {"status": out["status"], "latency": out["latency"],
            "headers": out.get("multiValueHeaders") or {},
            "body": out.get("body") or "", "pretty": present.pretty(out.get("body")),
            "log": out.get("log") or ""}


# -- a stage ----------------------------------------------------------------------------------

def _mappings(source: Source, api_id: str, stage: str) -> list[tuple[str, str]]:
    """(domain, base path) of every custom domain mapping that serves the stage."""
    found = []
    for domain in source.all("apigateway", "GetDomainNames"):
        name = domain["domainName"]
        for mapping in source.maybe("apigateway", "GetBasePathMappings", {},
                                    domainName=name).get("items") or []:
            if mapping.get("restApiId") == api_id and mapping.get("stage") == stage:
                found.append((name, mapping.get("basePath") or "(none)"))
    return found


def live_context(account: str, region: str, api_id: str, stage: str,
                 endpoint: str) -> dict[str, Any]:
    """The request log and metrics of a stage (what the page refreshes)."""
    requests = stage_requests(account, region, api_id, stage)
    metrics = stage_metrics(account, region, api_id, stage)

    def link(found: dict[str, Any]) -> str:
        return url_for("admin.console.recent_request", account=account, region=region,
                       request_id=found["requestId"])

    latency = (metrics or {}).get("production", {}).get("Latency")
    live_url = url_for(endpoint, account=account, region=region, api_id=api_id, stage=stage)
    return {"requests": requests, "metrics": metrics, "link": link,
            "chart": charts.latency_chart(requests, latency, link),
            "counts": charts.count_rows(metrics),
            "live_url": live_url, "page_url": live_url.removesuffix("/live")}


@console.get("/<account>/<region>/restapis/<api_id>/stages/<stage>")
def rest_stage(account: str, region: str, api_id: str, stage: str) -> Response:
    source = Source(account, region)
    api = _api(source, api_id)
    found = source.found("apigateway", "GetStage", restApiId=api_id, stageName=stage)
    deployments = _deployments(source, api_id, found["deploymentId"])
    settings = sorted((found.get("methodSettings") or {}).items(),
                      key=lambda item: (item[0] != "*/*", item[0]))
    urls = present.rest_invoke_urls(api_id, stage, region=region, scheme=request.scheme,
                                    host=request.host,
                                    mappings=_mappings(source, api_id, stage))
    logging_level = ((found.get("methodSettings") or {}).get("*/*") or {}).get("loggingLevel")
    return page("rest_stage.html", account=account, region=region, api=api, stage=found,
                deployments=deployments, settings=settings, urls=urls,
                logging_level=logging_level or "OFF",
                **live_context(account, region, api_id, stage, "admin.console.rest_live"))


@console.get("/<account>/<region>/restapis/<api_id>/stages/<stage>/live")
def rest_live(account: str, region: str, api_id: str, stage: str) -> Response:
    """The stage's request log and metrics alone (refreshed by the page's script)."""
    source = Source(account, region)
    source.found("apigateway", "GetStage", restApiId=api_id, stageName=stage)
    return fragment("live.html", account=account, region=region,
                    **live_context(account, region, api_id, stage, "admin.console.rest_live"))


def _update_stage(account: str, region: str, api_id: str, stage: str,
                  operations: list[dict[str, str]], done: str) -> Response:
    """One UpdateStage call; back to the stage page with what it did or why it failed."""
    source = Source(account, region)
    try:
        source.act("apigateway", "UpdateStage", restApiId=api_id, stageName=stage,
                   patchOperations=operations)
    except ActionFailed as failure:
        return refused(_STAGE, failure, account=account, region=region, api_id=api_id,
                       stage=stage)
    return after_action(_STAGE, "ok", done, account=account, region=region, api_id=api_id,
                        stage=stage)


@console.post("/<account>/<region>/restapis/<api_id>/stages/<stage>/promote")
def rest_promote(account: str, region: str, api_id: str, stage: str) -> Response:
    """Promote the canary as AWS's console does: the stage takes the canary's deployment
    and stage variable overrides, and the canary's share drops to 0% (the copies first:
    they refuse a stage without a canary, where setting the share would make one)."""
    operations = [{"op": "copy", "from": "/canarySettings/stageVariableOverrides",
                   "path": "/variables"},
                  {"op": "copy", "from": "/canarySettings/deploymentId",
                   "path": "/deploymentId"},
                  {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0.0"}]
    return _update_stage(account, region, api_id, stage, operations,
                         "Canary promoted: the stage serves the canary's deployment and "
                         "stage variables; canary traffic is now 0%")


@console.post("/<account>/<region>/restapis/<api_id>/stages/<stage>/rollback")
def rest_rollback(account: str, region: str, api_id: str, stage: str) -> Response:
    deployment = request.form.get("deploymentId", "")
    if not deployment:
        abort(400, "Choose a deployment")
    return _update_stage(account, region, api_id, stage,
                         [{"op": "replace", "path": "/deploymentId", "value": deployment}],
                         f"The stage now serves deployment {deployment}")


@console.post("/<account>/<region>/restapis/<api_id>/stages/<stage>/canary")
def rest_canary(account: str, region: str, api_id: str, stage: str) -> Response:
    """Set the canary's share of traffic (creating a canary on the stage's deployment if
    there is none), or remove the canary (``remove``)."""
    if request.form.get("remove"):
        return _update_stage(account, region, api_id, stage,
                             [{"op": "remove", "path": "/canarySettings"}],
                             "Canary removed: the stage serves all traffic")
    percent = request.form.get("percentTraffic", "").strip()
    return _update_stage(account, region, api_id, stage,
                         [{"op": "replace", "path": "/canarySettings/percentTraffic",
                           "value": percent}],
                         f"Canary traffic set to {percent}%")


@console.post("/<account>/<region>/restapis/<api_id>/stages/<stage>/logging")
def rest_logging(account: str, region: str, api_id: str, stage: str) -> Response:
    """The stage's ``*/*`` logging level (``INFO`` keeps every request's execution log)."""
    level = request.form.get("loggingLevel", "")
    return _update_stage(account, region, api_id, stage,
                         [{"op": "replace", "path": "/*/*/logging/loglevel", "value": level}],
                         f"Execution logging is now {level} for every method")

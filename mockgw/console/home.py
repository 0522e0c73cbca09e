"""The front page (every account and region: APIs, custom domains, API keys, usage
plans) and one recent request's page (request, response, execution log)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort

from mockgw.console import console
from mockgw.console.pages import page
from mockgw.console.source import Source, instance, stores
from mockgw.console.telemetry import telemetry


@console.get("/")
def index() -> Response:
    regions = [found for store in stores()
               if (found := _region(Source(store.account, store.region))) is not None]
    return page("index.html", regions=regions)


def _region(source: Source) -> dict[str, Any] | None:
    """What the front page shows of one account and region (``None`` if nothing)."""
    rest = source.all("apigateway", "GetRestApis")
    v2 = source.all("apigatewayv2", "GetApis")
    kinds = {api["id"]: "restapis" for api in rest}
    kinds.update((api["ApiId"], "apis") for api in v2)
    domains = source.all("apigateway", "GetDomainNames")
    for domain in domains:
        domain["mappings"] = source.maybe("apigateway", "GetBasePathMappings", {},
                                          domainName=domain["domainName"]).get("items") or []
    keys = source.all("apigateway", "GetApiKeys", includeValues=True)
    plans = source.all("apigateway", "GetUsagePlans")
    if not (rest or v2 or domains or keys or plans):
        return None
    apis = [{"id": api["id"], "name": api.get("name", ""), "kind": "REST",
             "endpoint": ", ".join((api.get("endpointConfiguration") or {}).get("types")
                                   or []),
             "created": api.get("createdDate"), "section": "restapis",
             "description": api.get("description", "")} for api in rest]
    apis.extend({"id": api["ApiId"], "name": api.get("Name", ""),
                 "kind": api.get("ProtocolType", ""), "endpoint": "REGIONAL",
                 "created": api.get("CreatedDate"), "section": "apis",
                 "description": api.get("Description", "")} for api in v2)
    apis.sort(key=lambda a: (a["name"].lower(), a["id"]))
    return {"account": source.account, "region": source.region, "apis": apis,
            "kinds": kinds, "domains": domains, "api_keys": keys, "plans": plans}


@console.get("/<account>/<region>/requests/<request_id>")
def recent_request(account: str, region: str, request_id: str) -> Response:
    found = telemetry().request(request_id)
    if found is None or found["accountId"] != account or found["region"] != region:
        abort(404, f"No recent request {request_id} (mockgw keeps the last "
                   f"{instance().settings.requests_kept})")
    source = Source(account, region)
    rest = source.maybe("apigateway", "GetRestApi", restApiId=found["apiId"])
    v2 = None if rest else source.maybe("apigatewayv2", "GetApi", ApiId=found["apiId"])
    name = (rest or {}).get("name") or (v2 or {}).get("Name") or found["apiId"]
    return page("request.html", account=account, region=region, found=found,
                kind="apis" if v2 else "restapis", api_name=name)

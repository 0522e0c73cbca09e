"""Admin endpoints under ``/_mockgw/``: health, reset, state dump and load, recent
data-plane requests, stage metrics, access logs, the clock, Cognito user pool keys."""

from __future__ import annotations

import json
from collections.abc import Callable

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from mockgw import __version__
from mockgw.instance import Instance
from mockgw.protocol.wire import WireRequest, WireResponse
from mockgw.state import codec

_ROUTES = Map([
    Rule("/_mockgw/health", endpoint="health", methods=["GET", "HEAD"]),
    Rule("/_mockgw/reset", endpoint="reset", methods=["POST"]),
    Rule("/_mockgw/logs/<api_id>/<stage>", endpoint="access_logs", methods=["GET"]),
    Rule("/_mockgw/clock", endpoint="clock", methods=["GET", "POST"]),
    Rule("/_mockgw/state", endpoint="state", methods=["GET", "POST"]),
    Rule("/_mockgw/requests", endpoint="requests", methods=["GET"]),
    Rule("/_mockgw/metrics", endpoint="metrics", methods=["GET"]),
    Rule("/_mockgw/cognito/userpools/<pool_id>/jwks", endpoint="user_pool_keys",
         methods=["GET", "PUT", "POST", "DELETE"]),
])

_HANDLERS: dict[str, Callable[[Instance, WireRequest], WireResponse]] = {}


def endpoint(name: str):
    def register(func):
        _HANDLERS[name] = func
        return func
    return register


def json_response(status: int, doc: object) -> WireResponse:
    return WireResponse(status, [("Content-Type", "application/json")],
                        json.dumps(doc).encode())


def handle(instance: Instance, request: WireRequest) -> WireResponse:
    """Answer a request under ``/_mockgw/``."""
    adapter = _ROUTES.bind("mockgw", "/")
    try:
        name, args = adapter.match(request.path, method=request.method)
    except NotFound:
        return json_response(404, {"message": f"No admin endpoint at {request.path}"})
    except MethodNotAllowed as exc:
        return json_response(405, {"message": f"Use {', '.join(exc.valid_methods or [])}"})
    return _HANDLERS[name](instance, request, **args)


@endpoint("health")
def health(instance: Instance, request: WireRequest) -> WireResponse:
    return json_response(200, {"status": "running", "version": __version__,
                               "services": ["apigateway", "apigatewayv2",
                                            "apigatewaymanagementapi", "lambda"],
                               "stateDir": instance.state.directory if instance.state else None})


@endpoint("reset")
def reset(instance: Instance, request: WireRequest) -> WireResponse:
    instance.reset()
    return json_response(200, {"reset": True})


@endpoint("access_logs")
def access_logs(instance: Instance, request: WireRequest, api_id: str,
                stage: str) -> WireResponse:
    """The recent access-log lines of a stage (its ``accessLogSettings.format``)."""
    from mockgw.execute.accesslog import AccessLogs

    logs = instance.service("execute.accesslogs", AccessLogs)
    return json_response(200, {"apiId": api_id, "stage": stage,
                               "lines": logs.lines(api_id, stage)})


@endpoint("clock")
def clock(instance: Instance, request: WireRequest) -> WireResponse:
    """Read the clock, or ``POST {"freeze": epoch|null, "advance": seconds, "thaw": true}``."""
    if request.method == "POST":
        try:
            doc = json.loads(request.body or b"{}")
        except ValueError:
            return json_response(400, {"message": "Body must be JSON"})
        if not isinstance(doc, dict):
            return json_response(400, {"message": "Body must be a JSON object"})
        try:
            if doc.get("thaw"):
                instance.clock.thaw()
            if "freeze" in doc:
                instance.clock.freeze(doc["freeze"])
            if "advance" in doc:
                instance.clock.advance(float(doc["advance"]))
        except (TypeError, ValueError):
            return json_response(400, {"message": "freeze and advance take numbers"})
    return json_response(200, {"now": instance.clock(), "frozen": instance.clock.frozen})


@endpoint("state")
def state(instance: Instance, request: WireRequest) -> WireResponse:
    """``GET``: every store's tables as JSON (bytes as ``{"__bytes__": base64}``);
    ``POST`` such a document: it replaces all state."""
    if request.method == "GET":
        body = codec.dumps({"version": __version__, **instance.dump()}).encode()
        return WireResponse(200, [("Content-Type", "application/json")], body)
    try:
        doc = codec.loads(request.body or b"null")
    except ValueError:
        return json_response(400, {"message": "Body must be JSON"})
    problem = _state_problem(doc)
    if problem:
        return json_response(400, {"message": problem})
    instance.load(doc)
    return json_response(200, {"loaded": len(doc["stores"])})


def _state_problem(doc: object) -> str | None:
    if not isinstance(doc, dict) or not isinstance(doc.get("stores"), list):
        return 'Body must be a state document: {"stores": [...]}'
    for store in doc["stores"]:
        if not (isinstance(store, dict) and isinstance(store.get("account"), str)
                and isinstance(store.get("region"), str)
                and isinstance(store.get("tables"), dict)
                and all(isinstance(t, dict) for t in store["tables"].values())):
            return ("Each store must be {\"account\": str, \"region\": str, "
                    "\"tables\": {name: {key: record}}}")
    return None


@endpoint("requests")
def requests(instance: Instance, request: WireRequest) -> WireResponse:
    """The last data-plane requests, newest first, with their access-log fields
    (``?apiId=&stage=&limit=``)."""
    from mockgw.execute.telemetry import Telemetry

    try:
        limit = int(request.query["limit"][0]) if "limit" in request.query else None
    except ValueError:
        return json_response(400, {"message": "limit takes a number"})
    found = instance.service("execute.telemetry", Telemetry).requests(
        api_id=_query(request, "apiId"), stage=_query(request, "stage"), limit=limit)
    return json_response(200, {"requests": found})


@endpoint("metrics")
def metrics(instance: Instance, request: WireRequest) -> WireResponse:
    """CloudWatch-like metrics of every stage that served requests (``?apiId=&stage=``)."""
    from mockgw.execute.telemetry import Telemetry

    found = instance.service("execute.telemetry", Telemetry).metrics(
        api_id=_query(request, "apiId"), stage=_query(request, "stage"))
    return json_response(200, {"metrics": found})


def _query(request: WireRequest, name: str) -> str | None:
    values = request.query.get(name)
    return values[0] if values else None


@endpoint("user_pool_keys")
def user_pool_keys(instance: Instance, request: WireRequest, pool_id: str) -> WireResponse:
    """The signing keys (JWKS) a user pool's tokens are checked with: ``PUT`` (or
    ``POST``) a JWKS to register it, ``GET`` it back, ``DELETE`` it."""
    from mockgw.cognito import keys

    known = keys(instance)
    if request.method in ("PUT", "POST"):
        try:
            known.register(pool_id, json.loads(request.body or b"null"))
        except ValueError as exc:
            return json_response(400, {"message": str(exc)})
    elif request.method == "DELETE":
        if not known.forget(pool_id):
            return json_response(404, {"message": f"No keys registered for {pool_id}"})
        return json_response(200, {"userPoolId": pool_id, "deleted": True})
    registered = known.registered(pool_id)
    if registered is None:
        return json_response(404, {"message": f"No keys registered for {pool_id}"})
    return json_response(200, registered)

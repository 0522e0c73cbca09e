"""Admin endpoints under ``/_mockgw/``, as the Flask blueprint ``admin``: health, reset,
state dump and load, recent data-plane requests, stage metrics, access logs, the clock,
WebSocket connections, Cognito user pool keys.

Every admin request passes :mod:`mockgw.crosssite`'s checks first (browser origins, the
admin token) and answers allowed browser origins with CORS headers.  The web console
(:mod:`mockgw.console`) is a blueprint nested in this one, under the same checks; its
sign-in page and static files are open, and its pages send a browser without the token to
the sign-in page.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from mockgw import __version__, crosssite
from mockgw.console import console
from mockgw.console.access import OPEN_ENDPOINTS, sign_in_redirect
from mockgw.instance import Instance
from mockgw.protocol.wire import WireResponse
from mockgw.state import codec

admin = Blueprint("admin", __name__, url_prefix="/_mockgw")
admin.register_blueprint(console)  # /_mockgw/console/, behind the same guard


def instance() -> Instance:
    """The instance the current application serves."""
    return current_app.extensions["mockgw"].instance


def flask_response(wire: WireResponse) -> Response:
    """A Flask response carrying ``wire`` as it is."""
    return Response(wire.body, status=wire.status, headers=wire.headers)


def message(status: int, text: str) -> tuple[Response, int]:
    return jsonify(message=text), status


@admin.before_request
def guard() -> Response | None:
    """Refuse cross-site browser requests, and requests without the admin token (if one
    is set), before any admin endpoint runs."""
    settings = instance().settings
    refused = crosssite.check(request, settings)
    if refused is None and request.endpoint not in OPEN_ENDPOINTS:
        refused = crosssite.admin_refusal(request, settings)
        if refused is not None and request.blueprint == "admin.console":
            return sign_in_redirect()  # a browser page: the sign-in form, not JSON
    return flask_response(refused) if refused is not None else None


@admin.after_request
def cors(response: Response) -> Response:
    return crosssite.with_cors(request, response, instance().settings)


def routing_error(error: HTTPException) -> Response | tuple[Response, int]:
    """The answer to a path under ``/_mockgw/`` that names no endpoint, or a method it
    does not take (routing errors never reach the blueprint's own hooks)."""
    refused = guard()
    if refused is not None:
        return cors(refused)
    if isinstance(error, MethodNotAllowed):
        answer = message(405, f"Use {', '.join(error.valid_methods or [])}")
    elif request.path.startswith("/_mockgw/console/"):
        from mockgw.console.pages import not_found

        return cors(not_found())
    else:
        answer = message(404, f"No admin endpoint at {request.path}")
    return cors(current_app.make_response(answer))


@admin.get("/health")
def health():
    """What runs: the services answered on this port, the state directory and what it
    keeps (mockgw's own services; moto's state is never kept)."""
    from mockgw import services

    current = instance()
    state = current.state
    return jsonify(status="running", version=__version__,
                   services=services.served(current),
                   otherServices=services.describe(current),
                   stateDir=state.directory if state else None,
                   persisted=list(services.PERSISTED) if state else [],
                   websocket_url=instance().websocket_url)


@admin.post("/reset")
def reset():
    instance().reset()
    return jsonify(reset=True)


@admin.get("/logs/<api_id>/<stage>")
def access_logs(api_id: str, stage: str):
    """The recent access-log lines of a stage (its ``accessLogSettings.format``)."""
    from mockgw.execute.accesslog import AccessLogs

    logs = instance().service("execute.accesslogs", AccessLogs)
    return jsonify(apiId=api_id, stage=stage, lines=logs.lines(api_id, stage))


@admin.route("/clock", methods=["GET", "POST"])
def clock():
    """Read the clock, or ``POST {"freeze": epoch|null, "advance": seconds, "thaw": true}``."""
    now = instance().clock
    if request.method == "POST":
        try:
            doc = json.loads(request.get_data() or b"{}")
        except ValueError:
            return message(400, "Body must be JSON")
        if not isinstance(doc, dict):
            return message(400, "Body must be a JSON object")
        try:
            if doc.get("thaw"):
                now.thaw()
            if "freeze" in doc:
                now.freeze(doc["freeze"])
            if "advance" in doc:
                now.advance(float(doc["advance"]))
        except (TypeError, ValueError):
            return message(400, "freeze and advance take numbers")
    return jsonify(now=now(), frozen=now.frozen)


@admin.route("/state", methods=["GET", "POST"])
def state():
    """``GET``: every store's tables as JSON (bytes as ``{"__bytes__": base64}``);
    ``POST`` such a document: it replaces all state."""
    if request.method == "GET":
        body = codec.dumps({"version": __version__, **instance().dump()})
        return Response(body, mimetype="application/json")
    try:
        doc = codec.loads(request.get_data() or b"null")
    except ValueError:
        return message(400, "Body must be JSON")
    problem = _state_problem(doc)
    if problem:
        return message(400, problem)
    instance().load(doc)
    return jsonify(loaded=len(doc["stores"]))


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


@admin.get("/requests")
def requests():
    """The last data-plane requests, newest first, with their access-log fields
    (``?apiId=&stage=&limit=``)."""
    from mockgw.execute.telemetry import Telemetry

    limit = request.args.get("limit")
    if limit is not None:
        try:
            limit = int(limit)
        except ValueError:
            return message(400, "limit takes a number")
    found = instance().service("execute.telemetry", Telemetry).requests(
        api_id=request.args.get("apiId"), stage=request.args.get("stage"), limit=limit)
    return jsonify(requests=found)


@admin.get("/metrics")
def metrics():
    """CloudWatch-like metrics of every stage that served requests (``?apiId=&stage=``)."""
    from mockgw.execute.telemetry import Telemetry

    found = instance().service("execute.telemetry", Telemetry).metrics(
        api_id=request.args.get("apiId"), stage=request.args.get("stage"))
    return jsonify(metrics=found)


@admin.get("/connections")
def websocket_connections():
    """The WebSocket connections, live ones first, newest first (``?apiId=&stage=``)."""
    from mockgw.execute.websocket.connections import connections

    found = connections(instance()).listing(api_id=request.args.get("apiId"),
                                            stage=request.args.get("stage"))
    return jsonify(connections=found)


@admin.route("/cognito/userpools/<pool_id>/jwks", methods=["GET", "PUT", "POST", "DELETE"])
def user_pool_keys(pool_id: str):
    """The signing keys (JWKS) a user pool's tokens are checked with: ``PUT`` (or
    ``POST``) a JWKS to register it, ``GET`` it back, ``DELETE`` it."""
    from mockgw.cognito import keys

    known = keys(instance())
    if request.method in ("PUT", "POST"):
        try:
            known.register(pool_id, json.loads(request.get_data() or b"null"))
        except ValueError as exc:
            return message(400, str(exc))
    elif request.method == "DELETE":
        if not known.forget(pool_id):
            return message(404, f"No keys registered for {pool_id}")
        return jsonify(userPoolId=pool_id, deleted=True)
    registered = known.registered(pool_id)
    if registered is None:
        return message(404, f"No keys registered for {pool_id}")
    return jsonify(registered)

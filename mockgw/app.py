"""``create_app()``: mockgw as a Flask application.

The application is the one thing every entry point serves: ``mockgw serve``, the
in-process mock, the pytest fixtures and the Docker image.  What it holds:

* Flask's url_map holds the control plane: one rule per operation of botocore's
  ``apigateway``, ``apigatewayv2``, ``apigatewaymanagementapi`` and ``lambda`` models
  (:mod:`mockgw.protocol.rules`), in one blueprint per service, so
  ``flask --app mockgw:create_app routes`` lists them (endpoint ``apigateway.GetRestApi``);
* the ``admin`` blueprint: ``/_mockgw/*`` (:mod:`mockgw.admin`);
* :class:`mockgw.server.Front`, WSGI middleware around ``app.wsgi_app`` (Flask's documented
  pattern), in front: the execute-api data plane, chosen by Host or path prefix, never
  reaches Flask.

Control-plane requests are dispatched by the front through the same url_map, without
Flask's request context: the front matches the url_map itself (``MapAdapter.match``) and
calls the control plane.  Decided by the benchmark (``bench/``, a shared 2-CPU machine,
both ways in one run): in-process, boto3 calls ran at 0.72 of the botocore floor direct
against 0.56 through Flask (a WSGI environ, the request context, a response object: about
twice the control plane's own work); on the server, one client made 1,204 calls/s direct
against 979 through Flask.  An application with request hooks of its own
(``before_request``, ``after_request``, ``teardown_request``, ``url_value_preprocessor``)
gets every control-plane request through Flask instead, so the hooks see them
(``app.config["MOCKGW_DIRECT_DISPATCH"] = False``, or ``FLASK_MOCKGW_DIRECT_DISPATCH=false``,
forces that too).

Users extend it the Flask way: ``app.register_blueprint(...)``, ``@app.get(...)``; their
routes are served on the same port, beside the three planes.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request
from werkzeug.exceptions import HTTPException

from mockgw import admin, control, crosssite
from mockgw.instance import Instance
from mockgw.protocol import rules
from mockgw.protocol.wire import WireRequest
from mockgw.server import REQUEST_LIMIT, Front, request_from_environ
from mockgw.settings import Settings


def create_app(settings: Settings | None = None, *,
               instance: Instance | None = None) -> Flask:
    """mockgw's Flask application, serving ``instance`` (by default a new one with
    ``settings``, themselves read from ``MOCKGW_*`` variables when not given)."""
    app = Flask("mockgw", static_folder=None)
    app.url_map = rules.UrlMap()  # counts its changes: the front remembers matches
    app.url_rule_class = rules.OperationRule  # builds URLs as Rule does, compiled lazily
    app.config["MAX_CONTENT_LENGTH"] = REQUEST_LIMIT
    app.config["MOCKGW_DIRECT_DISPATCH"] = True
    app.config.from_prefixed_env()  # FLASK_MOCKGW_DIRECT_DISPATCH=false, ...
    app.json.sort_keys = False
    app.register_blueprint(admin.admin)
    for blueprint in control_blueprints():
        app.register_blueprint(blueprint)
    app.register_error_handler(404, _routing_error)
    app.register_error_handler(405, _routing_error)
    front = Front(app, instance or Instance(settings))
    app.wsgi_app = front  # type: ignore[method-assign]
    app.extensions["mockgw"] = front
    return app


def front_of(app: Flask) -> Front:
    """The :class:`~mockgw.server.Front` of an application made by :func:`create_app`."""
    return app.extensions["mockgw"]


def instance_of(app: Flask) -> Instance:
    """The :class:`~mockgw.instance.Instance` (state, settings) an application serves."""
    return front_of(app).instance


def control_blueprints() -> list[Blueprint]:
    """One blueprint per served service, with a rule for each of its operations."""
    blueprints: dict[str, Blueprint] = {}
    for route in rules.routes().values():
        blueprint = blueprints.get(route.service)
        if blueprint is None:
            blueprint = blueprints[route.service] = Blueprint(route.service, __name__)
        blueprint.add_url_rule(route.rule, endpoint=route.operation, view_func=_operation,
                               methods=[route.method], strict_slashes=True,
                               merge_slashes=False, provide_automatic_options=False)
    return list(blueprints.values())


def _operation(**_labels: str):
    """The view of every control-plane rule, when a request comes through Flask."""
    front = front_of(current_app)
    wire, decoded = request_from_environ(request.environ)
    answer = front.control_plane(wire, decoded=decoded, force=True)
    if answer is None:  # HEAD on a GET rule: no operation takes it
        return _unknown_operation(wire)
    return admin.flask_response(answer)


def _routing_error(error: HTTPException):
    """Paths no rule matches: the admin blueprint's message under ``/_mockgw/``, else the
    control plane's modeled error (never an HTML page)."""
    if request.url_rule is not None:  # raised by a view (abort(404)): not ours to answer
        return error
    if request.path.startswith("/_mockgw/"):
        return admin.routing_error(error)
    return _unknown_operation(request_from_environ(request.environ)[0])


def _unknown_operation(wire: WireRequest):
    """The control plane's modeled error for a request no operation takes, after the
    cross-site checks every control-plane request passes."""
    settings = front_of(current_app).instance.settings
    answer = crosssite.check(wire, settings)
    if answer is None:
        answer = crosssite.with_cors(wire, control.unknown_operation(wire), settings)
    return admin.flask_response(answer)

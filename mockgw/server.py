"""The front of the application: every request, from every transport, enters here.

:class:`Front` is WSGI middleware around the Flask application's ``wsgi_app`` (servers and
``app.test_client()`` call it), and :meth:`Front.handle` answers a
:class:`~mockgw.protocol.wire.WireRequest` without WSGI (the in-process mock).  A request
goes, in this order, to:

1. Flask, for ``/_mockgw/*`` (the ``admin`` blueprint);
2. the execute-api data plane, when :func:`find_execute_target` names a target (Host
   ``{api_id}.execute-api.*``, custom domain names, ``/restapis/{id}/{stage}/_user_request_/``
   and ``/_aws/execute-api/`` paths); a body over API Gateway's 10 MB limit gets the API's
   ``REQUEST_TOO_LARGE`` answer (413); ``/{stage}/@connections/{id}`` (or
   ``%40connections``) of a WebSocket API stage is its ``@connections`` API (the
   ``apigatewaymanagementapi`` operations, reaching that stage's connections only);
3. moto's backends, for AWS services mockgw does not implement itself (IAM, STS, Kinesis,
   SQS, ...; :mod:`mockgw.services` tells them by the SigV4 scope and moto's own marks);
4. the control plane, when Flask's url_map matches an operation's rule: answered here,
   through the same url_map but without Flask's request context (``mockgw/app.py`` says
   why), after :mod:`mockgw.crosssite`'s checks;
5. Flask, for everything else: routes users add, and paths no rule matches (its error
   handlers answer those with the control plane's modeled error).
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote

from mockgw import control, crosssite, lambda_url, services
from mockgw.blocking import WouldBlock
from mockgw.execute.context import ExecuteTarget
from mockgw.execute.websocket import may_be_management
from mockgw.instance import Instance
from mockgw.protocol import rules
from mockgw.protocol.wire import WireRequest, WireResponse, encoded_path
from mockgw.serving import BODY_LIMIT
from mockgw.state.backends import RegionStore
from mockgw.state.domains import resolve_custom_domain
from mockgw.wsgi import call_app, environ_of

if TYPE_CHECKING:  # pragma: no cover
    from flask import Flask
    from werkzeug.routing import Map, MapAdapter

StartResponse = Callable[..., object]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]

#: API Gateway's payload limit: a larger data-plane request gets REQUEST_TOO_LARGE (413).
DATA_PLANE_LIMIT = 10 * 1024 * 1024
#: The most any other request may carry (a Lambda zip of 50 MB is ~67 MB in JSON).
REQUEST_LIMIT = BODY_LIMIT
#: The services whose operations never wait on anything outside the process, but these
#: (they invoke the method or authorizer): the server answers the rest on its own thread
#: (:mod:`mockgw.blocking`).  Lambda's and ``@connections``' operations may all wait.
_NEVER_WAITING = frozenset({"apigateway", "apigatewayv2"})
_MAY_WAIT = frozenset({"TestInvokeMethod", "TestInvokeAuthorizer"})
#: Paths whose match the front remembers (control-plane paths repeat: ids, names).
_MATCHES_KEPT = 4096

_EXECUTE_HOST = re.compile(r"^([a-z0-9]+)(?:-([a-z0-9-]+))?\.execute-api\.([^:]+?)(?::\d+)?$",
                           re.IGNORECASE)
_REGION_IN_HOST = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d)\.(?:vpce\.)?amazonaws\.com")
_VPCE_ID = re.compile(r"^(vpce-[a-z0-9]+)", re.IGNORECASE)
_USER_REQUEST = re.compile(r"^/restapis/([^/]+)/([^/]+)/_user_request_(/.*)?$")
_LOCALSTACK_FORM = re.compile(r"^/_aws/execute-api/([^/]+)/([^/]+)(/.*)?$")


def find_execute_target(request: WireRequest,
                        stores: Iterable[RegionStore] = ()) -> ExecuteTarget | None:
    """The data-plane target of a request, or ``None`` for control-plane requests.

    ``stores`` are searched for a custom domain name matching the request's Host; a known
    domain whose base path mappings do not match the path targets no API (AWS answers 403
    ``Forbidden``).
    """
    host = request.host
    found = _EXECUTE_HOST.match(host)
    if found:
        api_id, suffix, rest = found.group(1).lower(), found.group(2) or "", found.group(3)
        region = _REGION_IN_HOST.match(rest)
        vpce = _VPCE_ID.match(suffix)
        if api_id == "vpce":  # a VPC endpoint's own name: the API is in x-apigw-api-id
            vpce = _VPCE_ID.match(host)
            api_id = request.headers.get("x-apigw-api-id", "")
        return ExecuteTarget(api_id, None, request.path or "/",
                             region.group(1) if region else None, host.split(":")[0],
                             vpce_id=vpce.group(1).lower() if vpce else None)
    name = host.split(":")[0].lower()
    if name and not name.endswith(".amazonaws.com"):  # AWS's endpoints are no custom domains
        route = resolve_custom_domain(stores, host, request.path, request.headers)
        if route is not None:
            return ExecuteTarget(route.api_id or "", route.stage, route.path, route.region,
                                 name, via_custom_domain=True)
    path = request.path
    if path.startswith("/restapis/") and "/_user_request_" in path:
        found = _USER_REQUEST.match(path)
        if found:
            return ExecuteTarget(found.group(1), unquote(found.group(2)), found.group(3) or "/",
                                 None, host.split(":")[0])
    if path.startswith("/_aws/execute-api/"):
        found = _LOCALSTACK_FORM.match(path)
        if found:
            return ExecuteTarget(found.group(1), unquote(found.group(2)), found.group(3) or "/",
                                 None, host.split(":")[0])
    return None


class Front:
    """Dispatch in front of a Flask application's ``wsgi_app`` for one
    :class:`~mockgw.instance.Instance` (``app.extensions["mockgw"]``)."""

    def __init__(self, app: Flask, instance: Instance) -> None:
        self.app = app
        self.wsgi_app: WSGIApp = app.wsgi_app  # Flask's own, behind this front
        self.instance = instance
        self._adapter: MapAdapter | None = None
        self._decoded_adapter: MapAdapter | None = None
        self._matched: dict[tuple[str, str, bool], tuple[int, str, dict[str, str]]] = {}

    # -- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/_mockgw/"):
            return self.wsgi_app(environ, start_response)
        request, decoded = request_from_environ(environ, body=False)
        target = self.find_target(request)
        limit = DATA_PLANE_LIMIT if target is not None else REQUEST_LIMIT
        body = read_body(environ, limit)
        if body is None:
            return _answer(self._too_large(request, target), start_response)
        request.body = body
        if target is not None:
            return _answer(self._data_plane(request, target), start_response)
        response = self.other_service(request) or self.control_plane(request, decoded=decoded)
        if response is not None:
            return _answer(response, start_response)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["mockgw.request"] = request, decoded
        return self.wsgi_app(environ, start_response)

    # -- without WSGI -------------------------------------------------------------------------
    def handle(self, request: WireRequest, *, decoded: bool = False,
               inline: bool = False) -> WireResponse:
        """Answer one request (the in-process mock's entry, and ``mockgw serve``'s).

        ``decoded``: the server gave the path percent-decoded (see :meth:`match`).
        ``inline``: the caller's thread must not wait; a request that may raises
        :class:`~mockgw.blocking.WouldBlock` before it changes anything.
        """
        if not request.path.startswith("/_mockgw/"):
            target = self.find_target(request)
            limit = DATA_PLANE_LIMIT if target is not None else REQUEST_LIMIT
            if len(request.body) > limit:
                return self._too_large(request, target)
            if target is not None:
                return self._data_plane(request, target, inline=inline)
            response = self.other_service(request, inline=inline) or \
                self.control_plane(request, decoded=decoded, inline=inline)
            if response is not None:
                return response
        if inline:  # the admin endpoints, the console, routes users added: any may wait
            raise WouldBlock
        return self.through_flask(request)

    def refuse_body(self, request: WireRequest, length: int) -> WireResponse | None:
        """The answer to ``request`` when the ``length`` bytes of body it announces are over
        its limit (API Gateway's 10 MB for the data plane), before the body is read; else
        ``None``."""
        if length <= DATA_PLANE_LIMIT:
            return None
        target = self.find_target(request)
        if length <= (DATA_PLANE_LIMIT if target is not None else REQUEST_LIMIT):
            return None
        return self._too_large(request, target)

    def through_flask(self, request: WireRequest) -> WireResponse:
        """Answer ``request`` with the Flask application (WSGI, without a socket)."""
        status, headers, body = call_app(self.wsgi_app, environ_from_request(request))
        return WireResponse(int(status.split(" ", 1)[0]), list(headers), body)

    # -- the planes ---------------------------------------------------------------------------
    def find_target(self, request: WireRequest) -> ExecuteTarget | lambda_url.UrlTarget | None:
        """The data-plane target of a request: a Lambda function URL, an execute-api API
        (:func:`find_execute_target`), or ``None`` for the control plane and Flask."""
        return lambda_url.find_target(request) or find_execute_target(
            request, self.instance.backends)

    def _data_plane(self, request: WireRequest, target: ExecuteTarget | lambda_url.UrlTarget,
                    *, inline: bool = False) -> WireResponse:
        if isinstance(target, lambda_url.UrlTarget):
            if inline:  # a Lambda function answers
                raise WouldBlock
            from mockgw.lambda_url.invocation import handle

            return handle(self.instance, target, request)
        if may_be_management(target.path):  # a WebSocket API stage's @connections API
            if inline:  # it waits on the WebSocket listener's thread
                raise WouldBlock
            from mockgw.execute.websocket import management_call

            found = management_call(self.instance, target)
            if found is not None:
                sent, request.path = request.path, found.path
                answer = self.control_plane(request, force=True, endpoint=found.endpoint)
                if answer is not None:
                    return answer
                request.path = sent  # no @connections operation: the API's 403 Forbidden
        from mockgw import execute

        return execute.handle(self.instance, target, request, inline=inline)

    def _too_large(self, request: WireRequest,
                   target: ExecuteTarget | lambda_url.UrlTarget | None) -> WireResponse:
        if isinstance(target, ExecuteTarget):
            from mockgw import execute

            request.body = b""
            return execute.refuse_too_large(self.instance, target, request)
        return WireResponse(413, [("Content-Type", "application/json"),
                                  ("x-amzn-ErrorType", "RequestTooLargeException")],
                            b'{"message":"Request Too Long"}')

    def other_service(self, request: WireRequest, *,
                      inline: bool = False) -> WireResponse | None:
        """moto's answer when ``request`` is for an AWS service mockgw does not implement
        itself (:mod:`mockgw.services`), after :mod:`mockgw.crosssite`'s checks; else
        ``None``."""
        service = services.requested_service(request)
        if service is None:
            return None
        if inline:  # moto's services may wait (SQS long polls, Lambda targets)
            raise WouldBlock
        settings = self.instance.settings
        refused = crosssite.check(request, settings)
        if refused is not None:
            return refused
        answer = services.answer(self.instance, request, service)
        return None if answer is None else crosssite.with_cors(request, answer, settings)

    @property
    def direct(self) -> bool:
        """Whether control-plane requests skip Flask's request context: yes, unless the
        application has request hooks that should see them (or the
        ``MOCKGW_DIRECT_DISPATCH`` config turns it off)."""
        app = self.app
        if not app.config.get("MOCKGW_DIRECT_DISPATCH", True):
            return False
        for hooks in (app.before_request_funcs, app.after_request_funcs,
                      app.teardown_request_funcs, app.url_value_preprocessors):
            if any(funcs for scope, funcs in hooks.items() if scope != "admin"):
                return False
        return True

    def control_plane(self, request: WireRequest, *, decoded: bool = False,
                      force: bool = False, inline: bool = False,
                      endpoint: tuple[str, str] | None = None) -> WireResponse | None:
        """The control plane's answer when the url_map matches an operation (directly,
        unless :attr:`direct` is off and ``force`` is not set), else ``None``;
        ``endpoint``: the API stage of an execute-api ``@connections`` call."""
        if not (force or self.direct):
            return None
        found = self.match(request, decoded=decoded)
        if found is None:
            return None
        route, labels = found
        settings = self.instance.settings
        if inline and route is not None and (
                route.service not in _NEVER_WAITING or route.operation in _MAY_WAIT
                or (settings.state_dir and request.method != "GET")):  # written to disk
            raise WouldBlock
        refused = crosssite.check(request, settings)
        if refused is not None:
            return refused
        return crosssite.with_cors(request, control.handle(self.instance, request, route,
                                                           labels, endpoint=endpoint), settings)

    def match(self, request: WireRequest, *,
              decoded: bool = False) -> tuple[rules.Route | None, dict[str, str]] | None:
        """The operation (``None``: the rule's query literals do not fit) and URI labels of
        a control-plane request, or ``None`` when no operation's rule matches.

        A path a server gave percent-decoded (``decoded``) that matches no rule is tried
        once more with each operation's last label taking the rest of the path, so an ARN
        whose ``%2F`` became ``/`` still reaches its operation.
        """
        key = (request.method, request.path, decoded)
        version = getattr(self.app.url_map, "version", -1)
        cached = self._matched.get(key)
        if cached is not None and cached[0] == version:
            endpoint, values = cached[1], cached[2]
        else:
            found = self._match_rules(request, decoded)
            if found is None:
                return None
            endpoint, values = found
            if version >= 0 and endpoint in rules.routes():
                if len(self._matched) >= _MATCHES_KEPT:
                    self._matched.clear()
                self._matched[key] = (version, endpoint, values)
        if endpoint not in rules.routes():
            return None  # a route users added: Flask serves it
        if request.method != rules.routes()[endpoint].method:
            return None  # HEAD, which werkzeug lets GET rules match: no operation takes it
        route = rules.operation(endpoint, request.query)
        return route, route.label_values(values) if route is not None else {}

    def _match_rules(self, request: WireRequest,
                     decoded: bool) -> tuple[str, dict[str, str]] | None:
        from werkzeug.exceptions import HTTPException

        if self._adapter is None:
            self._adapter = self.app.url_map.bind("localhost")
        try:
            return self._adapter.match(request.path, request.method)
        except HTTPException:
            if not decoded or not _may_match_greedy(request.path):
                return None
        try:
            return self._greedy().match(request.path, request.method)
        except HTTPException:
            return None

    def _greedy(self) -> MapAdapter:
        if self._decoded_adapter is None:
            self._decoded_adapter = greedy_map().bind("localhost")
        return self._decoded_adapter


def greedy_map() -> Map:
    """The control plane's rules with each operation's last label taking the rest of the
    path (see :meth:`Front.match`)."""
    from werkzeug.routing import Map

    table = Map(strict_slashes=False, merge_slashes=False)
    for route in rules.routes().values():
        greedy = route.greedy_rule()
        if greedy is not None:  # never built: no URL builders compiled (~50 ms)
            table.add(rules.OperationRule(greedy, endpoint=route.endpoint, methods=[route.method]))
    return table


def _may_match_greedy(path: str) -> bool:
    """Whether a rule of :func:`greedy_map` may match ``path``: whether its first segment
    starts one (``/`` and ``/favicon.ico`` build no greedy map)."""
    starts = _greedy_starts()
    return starts is None or path.lstrip("/").split("/", 1)[0] in starts


@functools.cache
def _greedy_starts() -> frozenset[str] | None:
    """The first path segments of the greedy rules (``None``: a rule starts with a
    label, which any segment may match)."""
    starts = set()
    for route in rules.routes().values():
        if route.greedy_rule() is not None:
            first = route.rule.lstrip("/").split("/", 1)[0]
            if "<" in first:
                return None
            starts.add(first)
    return frozenset(starts)


def _answer(response: WireResponse, start_response: StartResponse) -> list[bytes]:
    start_response(_status_line(response.status), response.headers)
    return [response.body]


def _status_line(status: int) -> str:
    line = _STATUS_LINES.get(status)
    if line is None:
        try:
            line = f"{status} {HTTPStatus(status).phrase}"
        except ValueError:
            line = f"{status} Unknown"
        if len(_STATUS_LINES) < 1024:
            _STATUS_LINES[status] = line
    return line


#: ``200``: ``"200 OK"``, each made once.
_STATUS_LINES: dict[int, str] = {}


def request_from_environ(environ: dict, *,
                         body: bool = True) -> tuple[WireRequest, bool]:
    """A :class:`WireRequest` from a WSGI environ (with its body unless ``body`` is false),
    and whether its path was percent-decoded by the server.

    The raw path comes from ``REQUEST_URI`` or ``RAW_URI`` when the server gives one
    (waitress, gunicorn, werkzeug's test client); otherwise ``PATH_INFO`` is encoded again,
    keeping ``/``, ``:`` and ``@`` (a server that gives no raw path).
    """
    given = environ.get("mockgw.request")
    if given is not None:
        return given
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    decoded = not raw_uri
    if raw_uri:
        path = raw_uri.split("?", 1)[0]
        if "://" in path:  # absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
    else:
        path = encoded_path(environ.get("PATH_INFO", "/").encode("latin-1"))
    query_string = environ.get("QUERY_STRING", "")
    query: dict[str, list[str]] = {}
    if query_string:
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, []).append(value)
    items = environ.get("mockgw.header_items")
    headers: dict[str, str] = {}
    if items is None:
        items = []
        names = _HEADER_NAMES
        for key, value in environ.items():
            if key[:5] == "HTTP_":
                name = names.get(key)
                if name is None:
                    name = _header_name(key)
                items.append((name, value))
        if environ.get("CONTENT_TYPE"):
            items.append(("Content-Type", environ["CONTENT_TYPE"]))
        if environ.get("CONTENT_LENGTH"):
            items.append(("Content-Length", environ["CONTENT_LENGTH"]))
    for key, value in items:
        lower = key.lower()
        headers[lower] = f"{headers[lower]}, {value}" if lower in headers else value
    request = WireRequest(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=path or "/",
        query=query,
        headers=headers,
        query_string=query_string,
        header_items=list(items),
        remote_addr=environ.get("REMOTE_ADDR") or "127.0.0.1",
        scheme=environ.get("wsgi.url_scheme", "http"),
    )
    if body:
        request.body = read_body(environ, REQUEST_LIMIT) or b""
    return request, decoded


#: Header names as WSGI environ keys (``HTTP_X_AMZ_DATE``) and as mockgw reads them
#: (``X-Amz-Date``): the names clients send, made once (bounded: any name can come).
_HEADER_NAMES: dict[str, str] = {}


def _header_name(key: str) -> str:
    name = key[5:].replace("_", "-").title()
    if len(_HEADER_NAMES) < 4096:
        _HEADER_NAMES[key] = name
    return name


def read_body(environ: dict, limit: int) -> bytes | None:
    """The request body, or ``None`` when it is longer than ``limit`` (unread then, when
    the length is announced: a client waiting on ``Expect: 100-continue`` sends nothing)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        try:
            size = int(length)
        except ValueError:
            return b""
        return None if size > limit else stream.read(size)
    if environ.get("wsgi.input_terminated") or "chunked" in environ.get(
            "HTTP_TRANSFER_ENCODING", ""):
        data = stream.read(limit + 1)
        return None if len(data) > limit else data
    return b""


def environ_from_request(request: WireRequest) -> dict:
    """A WSGI environ for ``request`` (Flask answering the in-process mock)."""
    environ = environ_of(request)
    environ["mockgw.request"] = (request, False)
    return environ

"""The WSGI application that serves everything on one port.

Requests are dispatched, in this order, to the admin endpoints (``/_mockgw/...``), the data
plane (execute-api hosts and paths, custom domains) or the control plane (every other
path, routed by the botocore models).  The in-process mock feeds this same application.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from urllib.parse import parse_qsl, unquote

from mockgw import control, crosssite, lambda_url
from mockgw.execute.context import ExecuteTarget
from mockgw.instance import Instance
from mockgw.protocol.wire import WireRequest, WireResponse
from mockgw.state.backends import RegionStore
from mockgw.state.domains import resolve_custom_domain

StartResponse = Callable[..., object]

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


class Application:
    """mockgw as a WSGI application over one :class:`~mockgw.instance.Instance`."""

    def __init__(self, instance: Instance | None = None) -> None:
        self.instance = instance or Instance()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        response = self.handle(request_from_environ(environ))
        start_response(_status_line(response.status), response.headers)
        return [response.body]

    def handle(self, request: WireRequest) -> WireResponse:
        """Answer one request (transport-free entry used by the in-process mock too)."""
        settings = self.instance.settings
        if request.path.startswith("/_mockgw/"):
            from mockgw import admin

            refused = crosssite.check(request, settings) or crosssite.admin_refusal(
                request, settings)
            if refused is not None:
                return refused
            return crosssite.with_cors(request, admin.handle(self.instance, request),
                                       settings)
        answered = lambda_url.dispatch(self.instance, request)  # function URLs
        if answered is not None:
            return answered
        target = find_execute_target(request, self.instance.backends)
        if target is not None:  # each API answers browsers with its own CORS rules
            from mockgw import execute

            return execute.handle(self.instance, target, request)
        refused = crosssite.check(request, settings)
        if refused is not None:
            return refused
        return crosssite.with_cors(request, control.handle(self.instance, request), settings)


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def request_from_environ(environ: dict) -> WireRequest:
    """A :class:`WireRequest` from a WSGI environ, keeping the raw path when known."""
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw_uri:
        path = raw_uri.split("?", 1)[0]
        if "://" in path:  # absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
    else:
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    query_string = environ.get("QUERY_STRING", "")
    query: dict[str, list[str]] = {}
    if query_string:
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, []).append(value)
    items = environ.get("mockgw.header_items")
    if items is None:
        items = []
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                items.append((key[5:].replace("_", "-").title(), value))
        if environ.get("CONTENT_TYPE"):
            items.append(("Content-Type", environ["CONTENT_TYPE"]))
        if environ.get("CONTENT_LENGTH"):
            items.append(("Content-Length", environ["CONTENT_LENGTH"]))
    headers: dict[str, str] = {}
    for key, value in items:
        lower = key.lower()
        headers[lower] = f"{headers[lower]}, {value}" if lower in headers else value
    body = b""
    stream = environ.get("wsgi.input")
    if stream is not None:
        length = environ.get("CONTENT_LENGTH")
        if length:
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated") or "chunked" in headers.get(
                "transfer-encoding", ""):
            body = stream.read()
    return WireRequest(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=path or "/",
        query=query,
        headers=headers,
        body=body,
        query_string=query_string,
        header_items=list(items),
        remote_addr=environ.get("REMOTE_ADDR") or "127.0.0.1",
        scheme=environ.get("wsgi.url_scheme", "http"),
    )

"""moto's backends behind mockgw's front: moto's own dispatch, without its server.

moto's server picks a service per request (``DomainDispatcherApplication``: the SigV4
scope, ``X-Amz-Target``, the form body's ``Action``, Cognito's unsigned paths) and answers
it with one Flask application per service (``create_backend_app``).  :class:`MotoServices`
reuses both: moto's inference picks the backend (or, for unsigned requests it cannot
place, the Host matched against moto's URL patterns, as ``mock_aws`` does), and the
backend's application answers a WSGI environ built from the request — no socket, the
same backends in this process (so ``mock_aws`` in the same process sees the same state).

Importing this module imports moto (a third of a second, tens of MiB): it is imported on
the first request for another service, never at start.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import moto
from moto import backends as moto_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from mockgw import wsgi
from mockgw.protocol.wire import WireRequest, WireResponse

log = logging.getLogger("mockgw.services")

#: moto backends of services mockgw serves itself: never asked.
OWN_BACKENDS = frozenset({"apigateway", "apigatewayv2", "apigatewaymanagementapi",
                          "awslambda", "lambda_simple"})
#: moto answers browsers itself (flask-cors); mockgw's cross-site rules decide instead.
_DROPPED = ("access-control-",)

_shared: MotoServices | None = None
_shared_lock = threading.Lock()


def shared(seed: int | None = None) -> MotoServices:
    """The process's moto services (moto keeps its state per process), seeded with
    ``seed`` when made."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                made = MotoServices()
                if seed is not None:
                    made.seed(seed)
                _shared = made
    return _shared


def loaded() -> bool:
    return _shared is not None


class MotoServices:
    """moto's service applications, made on first use of each service."""

    def __init__(self) -> None:
        self.version: str = moto.__version__
        self._dispatcher = DomainDispatcherApplication(create_backend_app)
        self._modules = frozenset(moto_backends.list_of_moto_modules())
        self._apps: dict[str, Any] = {}
        self._by_host: dict[str, str | None] = {}
        self._lock = threading.Lock()

    # -- answering -------------------------------------------------------------------------
    def answer(self, request: WireRequest, account: str, *, service: str = "",
               region: str = "us-east-1") -> WireResponse | None:
        """moto's answer to ``request``, made in ``account`` (unless the request names an
        account itself with ``x-moto-account-id``); ``None`` when moto serves no service
        for it.  ``service`` (a signing name) and ``region`` place requests moto's
        inference does not (presigned URLs)."""
        environ = environ_of(request, account)
        backend = self.backend_of(environ, service, region)
        if backend is None:
            return None
        return self.call(backend, environ)

    def backend_of(self, environ: dict[str, Any], service: str = "",
                   region: str = "us-east-1") -> str | None:
        """The moto backend that answers ``environ`` (``None``: none does), by moto's
        inference, else the signing name ``service``, else the Host."""
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api"):
            return "moto_api"
        try:
            host = self._dispatcher.infer_service_region_host(environ, path)
        except (KeyError, IndexError, ValueError, AttributeError):
            host = None  # e.g. DynamoDB signed but without X-Amz-Target
        if host is None and service:
            host = f"{service}.{region}.amazonaws.com"
        if host is None:
            host = environ.get("HTTP_HOST")
            if not host:
                return None
        backend = self._backend_for_host(host)
        return None if backend in OWN_BACKENDS else backend

    def _backend_for_host(self, host: str) -> str | None:
        if host in self._modules:  # moto's inference names some backends directly
            return host
        try:
            return self._by_host[host]
        except KeyError:
            pass
        found = None
        for backend, pattern in self._dispatcher.backend_url_patterns:
            if pattern.match(f"http://{host}"):
                found = backend
                break
        if len(self._by_host) < 1024:
            self._by_host[host] = found
        return found

    def call(self, backend: str, environ: dict[str, Any]) -> WireResponse:
        """The answer of ``backend``'s application to ``environ``."""
        app = self._app(backend)
        try:
            status, raw_headers, body = wsgi.call_app(app, environ)
        except Exception as exc:  # a bug of moto's: an AWS-shaped 500, the trace logged
            log.exception("moto's %s failed on %s %s", backend, environ.get("REQUEST_METHOD"),
                          environ.get("PATH_INFO"))
            return WireResponse(500, [("Content-Type", "application/x-amz-json-1.1"),
                                      ("x-amzn-ErrorType", "InternalFailure")],
                                json.dumps({"__type": "InternalFailure",
                                            "message": f"moto's {backend} failed: "
                                                       f"{type(exc).__name__}: {exc}"}).encode())
        headers = [(k, v) for k, v in raw_headers if not k.lower().startswith(_DROPPED)]
        return WireResponse(int(status.split(" ", 1)[0]), headers, body)

    def _app(self, backend: str) -> Any:
        app = self._apps.get(backend)
        if app is None:
            with self._lock:
                app = self._apps.get(backend)
                if app is None:
                    app = self._apps[backend] = create_backend_app(backend)  # type: ignore[arg-type]
        return app

    # -- state -----------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every moto backend's state (what moto's ``/moto-api/reset`` does)."""
        from moto.moto_api._internal import moto_api_backend

        moto_api_backend.reset()

    def seed(self, seed: int) -> None:
        """Seed moto's generated ids (what moto's ``/moto-api/seed`` does)."""
        from moto.moto_api._internal import mock_random

        mock_random.seed(seed)


def environ_of(request: WireRequest, account: str) -> dict[str, Any]:
    """A WSGI environ for ``request``, with ``x-moto-account-id: account`` unless the
    request names one."""
    environ = wsgi.environ_of(request)
    environ.setdefault("HTTP_HOST", request.host or "localhost")
    environ.setdefault("HTTP_X_MOTO_ACCOUNT_ID", account)
    return environ

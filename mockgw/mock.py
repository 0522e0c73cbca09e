"""``mock_apigateway``: answer API Gateway and Lambda calls in-process, like moto.

While a mock is active:

* every botocore client of ``apigateway``, ``apigatewayv2``, ``apigatewaymanagementapi`` and
  ``lambda`` (created before or after entry, any region) is answered by mockgw without a
  socket; clients of other services go on as they would, so moto's ``mock_aws`` (entered
  before or after) answers them — told the account of their access key by mockgw's rule;
* ``requests`` calls to ``https://{api_id}.execute-api.{region}.amazonaws.com/...``, to
  function URLs (``https://{url_id}.lambda-url.{region}.on.aws/...``) and to custom domain
  names created in the mock reach the data plane; every other ``requests`` call passes
  through (to ``mock_aws`` too, whichever was entered first).
* ``websocket_url(api_id, stage)`` gives a deployed WebSocket API stage's URL, served by
  loopback listeners started on first use (:func:`mockgw.websocket_listener.loopback`).

Each entry starts from fresh state; mocks nest (the inner one has its own state until it
exits) and are safe to use from several threads.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.abc
import importlib.util
import inspect
import os
import re
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from botocore.awsrequest import AWSResponse
from botocore.endpoint import Endpoint, convert_to_response_dict

from mockgw import bypass, lambda_url
from mockgw.protocol.models import SERVICES
from mockgw.protocol.wire import WireRequest, WireResponse, framing, http_date

if TYPE_CHECKING:  # pragma: no cover
    import unittest

    from flask import Flask

    from mockgw.instance import Instance
    from mockgw.server import Front
    from mockgw.settings import Settings

T = TypeVar("T")

_EXECUTE_API_URL = re.compile(r"^https?://[^/]+\.execute-api\.[^/]+(?:/.*)?$", re.IGNORECASE)
_HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

_lock = threading.RLock()
_active: list[Instance] = []  # the instances of the active mocks, innermost last
_app: Flask | None = None
_requests_mock: Any = None
_adapter_patch: Any = None
_MockgwAdapter: Any = None  # the adapter class, made when requests is first intercepted
#: ``responses`` keeps every call it answered (request and response) for its ``calls``,
#: which no one reads here: they are forgotten at the next call, so that a long mock does
#: not keep every response (memory, and the garbage collector's work over them).
_recorded: list[Any] = []
_saved_env: dict[str, str | None] = {}
_original_do_get_response = Endpoint._do_get_response


def application() -> Flask:
    """The Flask application (:func:`mockgw.create_app`) that answers in-process calls.

    One per process, made on first use (building its url_map takes a while); it serves the
    state of the innermost active mock.
    """
    global _app
    if _app is None:
        with _lock:
            if _app is None:
                from mockgw.app import create_app
                from mockgw.instance import Instance
                from mockgw.settings import Settings

                app = create_app(instance=_active[-1] if _active else Instance(Settings()))
                _app = app
    return _app


def _front() -> Front:
    return application().extensions["mockgw"]


def active_application() -> Flask | None:
    """The application answering in-process calls now, if a mock is active."""
    return application() if _active else None


class mock_apigateway:  # noqa: N801 (the public name, as moto spells its mocks)
    """Decorator (functions, coroutines, classes, ``unittest.TestCase`` subclasses; bare
    or called) and context manager.

    ``with mock_apigateway() as gw:`` gives access to ``gw.instance`` (the state) and
    ``gw.app`` (the Flask application answering the calls).
    """

    def __new__(cls, func: Callable[..., Any] | None = None, *,
                settings: Settings | None = None) -> Any:
        if func is not None:  # bare: @mock_apigateway gives the decorated target itself
            return _decorate(func, settings)
        return super().__new__(cls)

    def __init__(self, func: None = None, *, settings: Settings | None = None) -> None:
        self._settings = settings
        self._instances: list[Instance] = []

    # -- context manager -------------------------------------------------------------------
    @property
    def app(self) -> Flask:
        return application()

    @property
    def instance(self) -> Instance:
        return self._instances[-1]

    def register_function(self, name: str, handler: Callable[..., Any], **options: Any) -> dict:
        """Make ``handler(event, context)`` the Lambda function ``name`` of this mock (see
        :func:`mockgw.lambda_.register_function` for the options)."""
        from mockgw.lambda_ import register_function

        return register_function(self.instance, name, handler, **options)

    def websocket_url(self, api_id: str | None = None, stage: str | None = None) -> str:
        """The URL a WebSocket client connects to: ``ws://127.0.0.1:{port}/_aws/execute-api/
        {api_id}/{stage}`` for a deployed WebSocket API stage, the listener's base URL
        without them.  The first call starts loopback listeners for this process (see
        :func:`mockgw.websocket_listener.loopback`); from then on Lambda workers of this mock
        reach it at ``AWS_ENDPOINT_URL``."""
        from mockgw.websocket_listener import loopback

        listeners = loopback(application())
        self.instance.endpoint_url = listeners.http_url
        self.instance.websocket_url = listeners.websocket_url
        if api_id is None:
            return listeners.websocket_url
        return f"{listeners.websocket_url}/_aws/execute-api/{api_id}/{stage or '$default'}"

    def register_user_pool_keys(self, pool_id: str, jwks: dict) -> None:
        """Make ``jwks`` the signing keys of Cognito user pool ``pool_id`` (see
        :mod:`mockgw.cognito`)."""
        from mockgw.cognito import register_keys

        register_keys(self.instance, pool_id, jwks)

    def start(self) -> mock_apigateway:
        from mockgw.instance import Instance
        from mockgw.settings import Settings

        # other AWS services are moto's mock_aws's in-process, not this instance's
        settings = dataclasses.replace(self._settings or Settings.from_env(),
                                       other_services=False)
        instance = Instance(settings)
        with _lock:
            _active.append(instance)
            if _app is not None:
                _front().instance = instance
            if len(_active) == 1:
                _install()
        self._instances.append(instance)
        return self

    def stop(self) -> None:
        instance = self._instances.pop()
        with _lock:
            _active.remove(instance)
            if _app is not None and _active:
                _front().instance = _active[-1]
            if not _active:
                _uninstall()
        instance.close()

    def __enter__(self) -> mock_apigateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- decorator -------------------------------------------------------------------------
    def __call__(self, target: T) -> T:
        """``@mock_apigateway(...)``: decorate ``target`` as the bare form does."""
        return _decorate(target, self._settings)


def _decorate(target: Any, settings: Settings | None) -> Any:
    """``target`` run under a fresh mock: a function or coroutine each call, a
    ``unittest.TestCase`` from ``setUp`` to its cleanups, another class each ``test*``
    method (or from ``setup_method`` to ``teardown_method`` when it has them)."""
    if inspect.isclass(target):
        return _decorate_class(target, settings)
    if inspect.iscoroutinefunction(target):
        @functools.wraps(target)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with mock_apigateway(settings=settings):
                return await target(*args, **kwargs)
        return run_async

    @functools.wraps(target)
    def run(*args: Any, **kwargs: Any) -> Any:
        with mock_apigateway(settings=settings):
            return target(*args, **kwargs)
    return run


def _decorate_class(cls: type, settings: Settings | None) -> type:
    unittest = sys.modules.get("unittest")  # not imported: no class is a TestCase
    if unittest is not None and issubclass(cls, unittest.TestCase):
        original_setup = cls.setUp

        def setUp(self: unittest.TestCase) -> None:
            mock = mock_apigateway(settings=settings).start()
            self.addCleanup(mock.stop)
            original_setup(self)

        cls.setUp = setUp  # type: ignore[method-assign]
        return cls
    if hasattr(cls, "setup_method"):  # pytest: the state set up is the one tested
        original_setup, original_teardown = cls.setup_method, getattr(
            cls, "teardown_method", None)

        def setup_method(self: Any, method: Any = None) -> None:
            self._mockgw = mock_apigateway(settings=settings).start()
            original_setup(self, method)

        def teardown_method(self: Any, method: Any = None) -> None:
            try:
                if original_teardown is not None:
                    original_teardown(self, method)
            finally:
                self._mockgw.stop()

        cls.setup_method = setup_method  # type: ignore[attr-defined]
        cls.teardown_method = teardown_method  # type: ignore[attr-defined]
        return cls
    for name in dir(cls):
        attr = inspect.getattr_static(cls, name)
        if name.startswith("test") and inspect.isfunction(attr):  # inherited ones too
            setattr(cls, name, _decorate(attr, settings))
    return cls


# -- interception ----------------------------------------------------------------------------

def _install() -> None:
    Endpoint._do_get_response = _do_get_response
    for key, value in _FAKE_ENV.items():
        _saved_env[key] = os.environ.get(key)
        os.environ.setdefault(key, value)
    if not (os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")):
        _saved_env["AWS_DEFAULT_REGION"] = None
        os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    if "requests" in sys.modules:
        _intercept_requests()
    else:  # intercept once the process imports requests: no cost for those who never do
        sys.meta_path.insert(0, _REQUESTS_IMPORT_HOOK)


def _uninstall() -> None:
    global _requests_mock, _adapter_patch
    Endpoint._do_get_response = _original_do_get_response
    for key, value in _saved_env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _saved_env.clear()
    if _REQUESTS_IMPORT_HOOK in sys.meta_path:
        sys.meta_path.remove(_REQUESTS_IMPORT_HOOK)
    if _adapter_patch is not None:
        _adapter_patch.stop()
        _adapter_patch = None
    if _requests_mock is not None:
        _requests_mock.stop()
        _requests_mock.reset()
        _requests_mock = None
        _recorded.clear()


def _intercept_requests() -> None:
    """Route ``requests`` calls to execute-api URLs, function URLs and created custom
    domain names to the active application.

    Sessions pick the adapter for those URLs from ``Session.get_adapter``, before any
    adapter's ``send`` runs, so it does not matter whether moto's ``mock_aws`` (or
    another ``responses`` mock, which patch ``HTTPAdapter.send``) started before or after
    this mock: they see every other URL, never these.  The adapter's answers are built by
    ``responses``.
    """
    global _requests_mock, _adapter_patch, _MockgwAdapter
    with _lock:
        if _requests_mock is not None or not _active:
            return
        from unittest import mock as patching

        import requests
        import responses

        if _MockgwAdapter is None:
            _MockgwAdapter = _mockgw_adapter_class()

        answering = responses.RequestsMock(assert_all_requests_are_fired=False,
                                           target=f"{__name__}._MockgwAdapter.send")
        for method in _HTTP_METHODS:
            answering.add_callback(method, re.compile(".*"), callback=_requests_callback)
        answering.start()
        _recorded[:] = [answering.calls, *(r.calls for r in answering.registered())]
        _requests_mock = answering
        original = requests.Session.get_adapter
        adapter = _MockgwAdapter()

        def get_adapter(session: Any, url: str) -> Any:
            if _answered_here(url):
                return adapter
            return original(session, url)

        _adapter_patch = patching.patch.object(requests.Session, "get_adapter", get_adapter)
        _adapter_patch.start()


def _answered_here(url: str) -> bool:
    """Whether the active mock answers ``url``: an execute-api URL, a function URL, or a
    custom domain name created in it."""
    if _EXECUTE_API_URL.match(url) or lambda_url.URL_PATTERN.match(url):
        return True
    if not _active:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if not host or host.endswith(".amazonaws.com"):
        return False
    from mockgw.state.domains import resolve_custom_domain

    return resolve_custom_domain(_active[-1].backends, host, "/") is not None


def _mockgw_adapter_class() -> type:
    from requests.adapters import HTTPAdapter

    class MockgwAdapter(HTTPAdapter):
        """The adapter of the URLs the active mock answers; ``responses`` replaces its
        ``send`` while a mock is active."""

        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
            raise ConnectionError(f"mockgw is not active: {request.url}")

    return MockgwAdapter


class _RequestsImportHook(importlib.abc.MetaPathFinder):
    """Calls :func:`_intercept_requests` right after ``requests`` is first imported."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "requests":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenIntercept(spec.loader)
        return spec


class _ThenIntercept(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.loader.exec_module(module)
        _intercept_requests()


_REQUESTS_IMPORT_HOOK = _RequestsImportHook()


def _do_get_response(self: Endpoint, request: Any, operation_model: Any, context: Any) -> Any:
    """Endpoint._do_get_response, answering our services from the active application."""
    service = operation_model.service_model.service_name
    if not _active or service not in SERVICES or bypass.active():
        if _active and service not in SERVICES and not bypass.active():
            _name_the_account(request)
        return _original_do_get_response(self, request, operation_model, context)
    try:
        wire = _as_sent(request.method, _front().handle(_wire_from_botocore(request)))
        http_response = AWSResponse(request.url, wire.status, _joined(wire.headers),
                                    _RawBody(wire.body))
        response_dict = convert_to_response_dict(http_response, operation_model)
        customized: dict = {}
        service_id = operation_model.service_model.service_id.hyphenize()
        self._event_emitter.emit(f"before-parse.{service_id}.{operation_model.name}",
                                 operation_model=operation_model, response_dict=response_dict,
                                 customized_response_dict=customized)
        parser = self._response_parser_factory.create_parser(
            operation_model.service_model.resolved_protocol)
        parsed = parser.parse(response_dict, operation_model.output_shape)
        parsed.update(customized)
        if http_response.status_code >= 300:
            self._add_modeled_error_fields(response_dict, parsed, operation_model, parser)
    except Exception as exc:  # surfaces like a transport error, as botocore would
        return None, exc
    return (http_response, parsed), None


def _name_the_account(request: Any) -> None:
    """Under moto's ``mock_aws``, tell moto the account of the request's access key by
    mockgw's rule (a 12-digit key is the account), so one key means one account in both."""
    if "x-moto-account-id" in request.headers:
        return
    models = sys.modules.get("moto.core.models")
    if models is None or not getattr(models.botocore_stubber, "enabled", False):
        return
    from mockgw.protocol.identity import caller

    settings = _active[-1].settings
    auth = request.headers.get("Authorization") or ""
    if isinstance(auth, bytes):
        auth = auth.decode()
    account, _, _ = caller({"authorization": auth}, {}, default_account=settings.account,
                           default_region=settings.region)
    request.headers["x-moto-account-id"] = account


def _joined(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Answer headers as botocore reads a socket's: a repeated header's values joined by
    ``, `` (urllib3's ``HTTPHeaderDict``), not the last one alone."""
    joined: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, value in headers:
        key = names.setdefault(name.lower(), name)
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


class _RawBody:
    """The ``raw`` object botocore's AWSResponse reads a body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any):
        yield self._body

    def read(self, *_: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def _wire_from_botocore(request: Any) -> WireRequest:
    parts = urlsplit(request.url)
    body = request.body
    if body is None:
        body = b""
    elif hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = request.headers
    raw = getattr(headers, "_dict", None)  # botocore's HeadersDict: skip its key wrapping
    pairs = ((str(k), v) for k, v in raw.items()) if isinstance(raw, dict) else headers.items()
    items = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in pairs]
    if "host" not in {k.lower() for k, _ in items}:
        items.append(("Host", parts.netloc))
    return _wire(request.method, parts, items, body, "127.0.0.1")


def _wire(method: str, parts: Any, items: list[tuple[str, str]], body: bytes,
          remote_addr: str) -> WireRequest:
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    headers: dict[str, str] = {}
    for key, value in items:
        lower = key.lower()
        headers[lower] = f"{headers[lower]}, {value}" if lower in headers else value
    return WireRequest(method=method.upper(), path=parts.path or "/", query=query,
                       headers=headers, body=body, query_string=parts.query,
                       header_items=items, remote_addr=remote_addr, scheme=parts.scheme)


def _requests_callback(prepared: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Answer a ``requests`` call to an execute-api URL from the active application."""
    if not _active:  # pragma: no cover - the mock is stopped with the last application
        raise ConnectionError("mockgw is not active")
    for calls in _recorded:  # what responses records of each call: read by no one
        calls.reset()
    parts = urlsplit(prepared.url)
    body = prepared.body
    if body is None:
        body = b""
    elif isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = b"".join(body)
    items = [(k, v) for k, v in prepared.headers.items()]
    if "host" not in {k.lower() for k, _ in items}:
        items.insert(0, ("Host", parts.netloc))
    response = _as_sent(prepared.method,
                        _front().handle(_wire(prepared.method, parts, items, body, "127.0.0.1")))
    return response.status, response.headers, response.body


def _as_sent(method: str, response: WireResponse) -> WireResponse:
    """``response`` with what HTTP adds on the way, as ``mockgw serve`` sends it: the body's
    ``Content-Length`` (none for 1xx, 204, 304) and a ``Date``."""
    headers = [(name, value) for name, value in response.headers
               if name.lower() != "content-length"]
    length, body = framing(method, response.status, response.headers, response.body)
    if not any(name.lower() == "date" for name, _ in headers):
        headers.insert(0, ("Date", http_date()))
    return WireResponse(response.status, headers + length, body)



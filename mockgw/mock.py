"""``mock_apigateway``: answer API Gateway and Lambda calls in-process, like moto.

While a mock is active:

* every botocore client of ``apigateway``, ``apigatewayv2``, ``apigatewaymanagementapi`` and
  ``lambda`` (created before or after entry, any region) is answered by mockgw without a
  socket; clients of other services are untouched, so moto's ``mock_aws`` still answers
  them;
* ``requests`` calls to ``https://{api_id}.execute-api.{region}.amazonaws.com/...`` and to
  function URLs (``https://{url_id}.lambda-url.{region}.on.aws/...``) reach the data plane;
  every other ``requests`` call passes through.

Each entry starts from fresh state; mocks nest (the inner one has its own state until it
exits) and are safe to use from several threads.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import inspect
import os
import re
import sys
import threading
import unittest
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from botocore.awsrequest import AWSResponse
from botocore.endpoint import Endpoint, convert_to_response_dict

from mockgw import lambda_url
from mockgw.instance import Instance
from mockgw.protocol.models import SERVICES
from mockgw.protocol.wire import WireRequest, WireResponse
from mockgw.server import Application
from mockgw.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

_EXECUTE_API_URL = re.compile(r"^https?://[^/]+\.execute-api\.[^/]+(?:/.*)?$", re.IGNORECASE)
_HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

_lock = threading.RLock()
_active: list[Application] = []
_requests_mock: Any = None
_saved_env: dict[str, str | None] = {}
_original_do_get_response = Endpoint._do_get_response
_bypass = threading.local()


def active_application() -> Application | None:
    """The application answering in-process calls now, if a mock is active."""
    return _active[-1] if _active else None


class bypass:  # noqa: N801 (reads as a statement: with bypass():)
    """Context manager: botocore calls made inside it go out for real (used internally
    when mockgw itself calls another endpoint, e.g. a forwarded Lambda)."""

    def __enter__(self) -> None:
        _bypass.depth = getattr(_bypass, "depth", 0) + 1

    def __exit__(self, *exc: object) -> None:
        _bypass.depth -= 1


class mock_apigateway:  # noqa: N801 (the public name, as moto spells its mocks)
    """Decorator (functions, coroutines, classes) and context manager.

    ``with mock_apigateway() as gw:`` gives access to ``gw.instance`` (the state) and
    ``gw.app`` (the WSGI application answering the calls).
    """

    def __init__(self, func: Callable[..., Any] | None = None, *,
                 settings: Settings | None = None) -> None:
        self._func = func
        self._settings = settings
        self._apps: list[Application] = []
        if func is not None:
            functools.update_wrapper(self, func)

    # -- context manager -------------------------------------------------------------------
    @property
    def app(self) -> Application:
        return self._apps[-1]

    @property
    def instance(self) -> Instance:
        return self.app.instance

    def register_function(self, name: str, handler: Callable[..., Any], **options: Any) -> dict:
        """Make ``handler(event, context)`` the Lambda function ``name`` of this mock (see
        :func:`mockgw.lambda_.register_function` for the options)."""
        from mockgw.lambda_ import register_function

        return register_function(self.instance, name, handler, **options)

    def register_user_pool_keys(self, pool_id: str, jwks: dict) -> None:
        """Make ``jwks`` the signing keys of Cognito user pool ``pool_id`` (see
        :mod:`mockgw.cognito`)."""
        from mockgw.cognito import register_keys

        register_keys(self.instance, pool_id, jwks)

    def start(self) -> mock_apigateway:
        app = Application(Instance(self._settings))
        with _lock:
            _active.append(app)
            if len(_active) == 1:
                _install()
        self._apps.append(app)
        return self

    def stop(self) -> None:
        app = self._apps.pop()
        with _lock:
            _active.remove(app)
            if not _active:
                _uninstall()
        app.instance.close()

    def __enter__(self) -> mock_apigateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- decorator -------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._func is None:  # used as @mock_apigateway() with parentheses
            (target,) = args
            return mock_apigateway(target, settings=self._settings)._decorated()
        return self._decorated()(*args, **kwargs)

    def _decorated(self) -> Any:
        target = self._func
        if inspect.isclass(target):
            return _decorate_class(target, self._settings)
        settings = self._settings
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
    if issubclass(cls, unittest.TestCase):
        original_setup = cls.setUp

        def setUp(self: unittest.TestCase) -> None:
            mock = mock_apigateway(settings=settings).start()
            self.addCleanup(mock.stop)
            original_setup(self)

        cls.setUp = setUp
        return cls
    for name, attr in list(vars(cls).items()):
        if name.startswith("test") and callable(attr):
            setattr(cls, name, mock_apigateway(attr, settings=settings)._decorated())
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
    global _requests_mock
    Endpoint._do_get_response = _original_do_get_response
    for key, value in _saved_env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _saved_env.clear()
    if _REQUESTS_IMPORT_HOOK in sys.meta_path:
        sys.meta_path.remove(_REQUESTS_IMPORT_HOOK)
    if _requests_mock is not None:
        _requests_mock.stop()
        _requests_mock.reset()
        _requests_mock = None


def _intercept_requests() -> None:
    """Route ``requests`` calls to execute-api URLs to the active application."""
    global _requests_mock
    with _lock:
        if _requests_mock is not None or not _active:
            return
        import responses
        from requests.adapters import HTTPAdapter

        # Passing through to whatever ``send`` is current chains to an outer mock (moto's,
        # another ``responses``) instead of skipping it.
        mock = responses.RequestsMock(assert_all_requests_are_fired=False,
                                      real_adapter_send=HTTPAdapter.send)
        for method in _HTTP_METHODS:
            mock.add_callback(method, _EXECUTE_API_URL, callback=_requests_callback)
            mock.add_callback(method, lambda_url.URL_PATTERN, callback=_requests_callback)
        mock.add_passthru(re.compile(".*"))
        mock.start()
        _requests_mock = mock


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
    app = active_application()
    service = operation_model.service_model.service_name
    if app is None or service not in SERVICES or getattr(_bypass, "depth", 0):
        return _original_do_get_response(self, request, operation_model, context)
    try:
        wire = app.handle(_wire_from_botocore(request))
        http_response = AWSResponse(request.url, wire.status, dict(wire.headers),
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
    items = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()]
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
    app = active_application()
    if app is None:  # pragma: no cover - the mock is stopped with the last application
        raise ConnectionError("mockgw is not active")
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
    response: WireResponse = app.handle(_wire(prepared.method, parts, items, body, "127.0.0.1"))
    return response.status, list(response.headers), response.body



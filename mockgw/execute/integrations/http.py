"""HTTP and HTTP_PROXY integrations: a real outbound HTTP call."""

from __future__ import annotations

import functools
import http.client
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import check_header_validity
from urllib3.util import SKIP_HEADER

from mockgw.execute.context import IntegrationResult, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.executionlog import log_endpoint_request
from mockgw.execute.headers import DROPPED_FROM_HTTP_REQUEST, method_request_headers
from mockgw.execute.integrations import keepalive
from mockgw.execute.variables import trace_id
from mockgw.instance import Instance
from mockgw.lambda_url import URL_PATTERN
from mockgw.lambda_url import local as function_urls

_BODYLESS = ("GET", "HEAD", "OPTIONS")


def session_factory(instance: Instance) -> requests.Session:
    """The instance's outbound HTTP session: what it holds is its adapter, with as many
    keep-alive connections per host as the server has threads; its cookie jar and default
    headers are never used (:func:`send` sends through the adapter)."""
    session = requests.Session()
    session.trust_env = False
    adapter = _Adapter(instance, pool_maxsize=max(10, instance.settings.threads))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class _Adapter(HTTPAdapter):
    """Function URLs answered by the instance, without a socket (AWS keeps those calls
    inside AWS); other URLs over the network, with no ``Accept-Encoding`` or
    ``User-Agent`` the request does not carry (``http.client`` would add ``identity``,
    urllib3 its name; API Gateway adds neither)."""

    def __init__(self, instance: Instance, **adapter_args: Any) -> None:
        super().__init__(**adapter_args)
        self._instance = instance

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        answer = function_urls.answer(self._instance, request)
        return answer if answer is not None else super().send(request, *args, **kwargs)

    def add_headers(self, request: requests.PreparedRequest, **kwargs: Any) -> None:
        # called by HTTPAdapter.send only: a mock replacing it (``responses``) never sees
        # these markers, which urllib3 sends as no header at all
        for name in ("Accept-Encoding", "User-Agent"):
            if name not in request.headers:
                request.headers[name] = SKIP_HEADER


def call(inv: Invocation) -> IntegrationResult:
    assert inv.integration_request is not None and inv.method is not None
    integration = inv.integration
    proxy = integration["type"] == "HTTP_PROXY"
    request = inv.integration_request
    url = _url(request.uri, request.path)
    query = dict(request.query)
    if proxy:
        query = {**inv.request.query, **query}
    headers = _headers(inv, proxy)
    body = None if request.method.upper() in _BODYLESS else request.body
    timeout = integration.get("timeoutInMillis", 29000) / 1000
    verify = not (integration.get("tlsConfig") or {}).get("insecureSkipVerification", False)
    if query:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode(query, doseq=True)}"
    log_endpoint_request(inv, url, headers, body)
    return send(inv, request.method.upper(), url, headers, body, timeout=timeout, verify=verify)


def send(inv: Invocation, method: str, url: str, headers: dict[str, str], body: bytes | None,
         *, timeout: float, verify: bool = True) -> IntegrationResult:
    """Send one request (no redirects followed): the backend's answer, headers in order; a
    timeout is ``INTEGRATION_TIMEOUT``, an endpoint that cannot be reached
    ``INTEGRATION_FAILURE`` (REST and HTTP APIs alike).

    It goes through the instance session's adapter (``requests``), except that a plain
    ``http://`` endpoint goes on :mod:`keepalive`'s connections while nothing has replaced
    ``requests``' transport (no mock to honour, as behind ``mockgw serve``): the same
    request and answer, for about half the time."""
    if isinstance(body, str):
        body = body.encode()
    try:
        if _transport_is_requests_own() and not URL_PATTERN.match(url):
            scheme, host, port, target = _endpoint(url)
            if scheme == "http":
                pools = inv.instance.service("execute.http.keepalive", _pools_factory)
                try:
                    status, items, content = pools.request(
                        method, host, port, target, _wire_headers(method, headers, body),
                        body, timeout)
                except keepalive.BadBody as exc:
                    raise requests.exceptions.ContentDecodingError(str(exc)) from None
                except TimeoutError as exc:
                    raise requests.Timeout(str(exc)) from None
                except (OSError, http.client.HTTPException) as exc:
                    raise requests.ConnectionError(str(exc) or repr(exc)) from None
                return _result(status, items, content)
        session = inv.instance.service("execute.http", session_factory)
        request = requests.PreparedRequest()
        request.prepare(method=method, url=url, headers=headers, data=body)
        # The session's adapter, not ``session.request``: no default headers, cookies or
        # environment merged in (~150 us a call), none of them kept from one call to the
        # next. Mocks of ``requests`` (``responses``, the in-process mock's own routing of
        # execute-api URLs) act on ``get_adapter`` and the adapter's ``send``: unchanged.
        response = session.get_adapter(request.url).send(request, timeout=timeout,
                                                         verify=verify)
        content = response.content
    except requests.Timeout:
        raise GatewayError("INTEGRATION_TIMEOUT",
                           log="Execution failed due to a timeout error") from None
    except (requests.ConnectionError, requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema) as exc:
        raise GatewayError("INTEGRATION_FAILURE",
                           log=f"Execution failed due to configuration error: {exc}") from None
    except requests.RequestException as exc:  # an answer that is no valid HTTP answer
        raise GatewayError("INTEGRATION_FAILURE",
                           log=f"Execution failed due to an invalid response from the "
                               f"endpoint: {exc}") from None
    raw = response.raw.headers if response.raw is not None else None
    items = list(raw.iteritems()) if raw is not None and hasattr(raw, "iteritems") \
        else list(response.headers.items())
    return _result(response.status_code, items, content)


def _result(status: int, items: list[tuple[str, str]], content: bytes) -> IntegrationResult:
    if not 100 <= status <= 599:
        raise GatewayError("INTEGRATION_FAILURE",
                           log="Execution failed due to an invalid response from the endpoint: "
                               f"status {status}")
    return IntegrationResult(status=status, headers=items, body=content)


def _transport_is_requests_own() -> bool:
    """Whether ``requests`` picks adapters and sends as it was written to: no mock
    (``responses``, ``requests_mock``, the in-process mock's routing) has replaced either."""
    return (getattr(requests.Session.get_adapter, "__module__", None) == "requests.sessions"
            and getattr(HTTPAdapter.send, "__module__", None) == "requests.adapters")


@functools.lru_cache(maxsize=1024)
def _endpoint(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, request target)`` of ``url`` as ``requests`` prepares it
    (its errors, e.g. ``MissingSchema``, raised as it raises them)."""
    request = requests.PreparedRequest()
    request.prepare_url(url, None)
    prepared = request.url or ""
    parts = urlsplit(prepared)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname or "", port, target


def _wire_headers(method: str, headers: dict[str, str],
                  body: bytes | None) -> list[tuple[str, str]]:
    """The headers ``requests`` (then urllib3, as the session's adapter is configured)
    sends besides ``Host``: the given ones (validated; of two names differing only in
    case, the first place and the last name and value), then ``Content-Length`` unless
    given (``0`` without a body, but for GET and HEAD)."""
    wire: dict[str, tuple[str, str]] = {}
    for header in headers.items():
        check_header_validity(header)
        wire[header[0].lower()] = header
    if body:
        wire["content-length"] = ("Content-Length", str(len(body)))
    elif method not in ("GET", "HEAD") and "content-length" not in wire:
        wire["content-length"] = ("Content-Length", "0")  # an empty body is none
    return list(wire.values())


def _pools_factory(instance: Instance) -> keepalive.Pools:
    return keepalive.Pools(maxsize=max(10, instance.settings.threads))


def _url(uri: str, path_params: dict[str, str]) -> str:
    """The endpoint URL: ``{name}`` replaced by ``integration.request.path.name``."""
    for name, value in path_params.items():
        uri = uri.replace("{" + name + "}", value).replace("{" + name + "+}", value)
    parts = urlsplit(uri)
    if not parts.scheme or not parts.netloc:
        raise GatewayError("INTEGRATION_FAILURE",
                           log="Execution failed due to configuration error: "
                               "Invalid endpoint address")
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _headers(inv: Invocation, proxy: bool) -> dict[str, str]:
    request = inv.integration_request
    assert request is not None
    headers: dict[str, str] = {}
    if proxy:  # the client's headers, but those AWS never sends to an HTTP endpoint
        for name, value in method_request_headers(inv.request.header_items):
            if name.lower() not in DROPPED_FROM_HTTP_REQUEST:
                headers[name] = value
    elif inv.request.method not in _BODYLESS and inv.request.headers.get("content-type"):
        headers["Content-Type"] = inv.request.headers["content-type"]
    headers.update(request.headers)
    lowered = {k.lower() for k in headers}
    for name, value in (("Accept", "application/json"), ("Connection", "keep-alive"),
                        ("User-Agent", f"AmazonAPIGateway_{inv.api_id}")):
        if name.lower() not in lowered:
            headers[name] = value
    headers["X-Amzn-Trace-Id"] = inv.context.get("xrayTraceId") or trace_id(inv)
    headers["X-Amzn-Apigateway-Api-Id"] = inv.api_id
    return headers

"""The outbound HTTP call: the keep-alive connections a server uses and the ``requests``
adapter the in-process mock goes through put the same bytes on the wire and read the
same answer; pooled connections survive what backends do to them."""

from __future__ import annotations

import gzip
import socket
import threading
from types import SimpleNamespace

import pytest
import requests

from mockgw.execute.errors import GatewayError
from mockgw.execute.integrations import http, keepalive
from mockgw.instance import Instance


class RawBackend:
    """A backend that records each request's raw bytes and answers with ``reply`` (raw
    bytes, the request's method given); ``close`` closes each connection after its answer
    (``closed`` is set once it has)."""

    def __init__(self, reply: bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                 *, close: bool = False) -> None:
        self.reply = reply
        self.close = close
        self.requests: list[bytes] = []
        self.connections = 0
        self.closed = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffered = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffered:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffered += chunk
                head, _, buffered = buffered.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buffered) < length:
                    buffered += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + buffered[:length])
                buffered = buffered[length:]
                conn.sendall(self.reply)
                if self.close:
                    conn.close()
                    self.closed.set()
                    return

    def stop(self) -> None:
        self.sock.close()


@pytest.fixture
def instance():
    made = Instance()
    yield made
    made.close()


def _send(instance, url, *, method="GET", headers=None, body=None, timeout=5.0):
    inv = SimpleNamespace(instance=instance)
    return http.send(inv, method, url, dict(headers or {}), body, timeout=timeout)


def _both_ways(monkeypatch, instance, reply: bytes, **request):
    """The request sent once on the keep-alive connections, once through ``requests``:
    ``(raw request, answer)`` of each (asserting which way each went)."""
    direct = []
    real = keepalive.Pools.request
    monkeypatch.setattr(keepalive.Pools, "request",
                        lambda self, *a, **k: direct.append(1) or real(self, *a, **k))
    outcomes = []
    for through_requests in (False, True):
        backend = RawBackend(reply)
        try:
            with monkeypatch.context() as patch:
                if through_requests:
                    patch.setattr(http, "_transport_is_requests_own", lambda: False)
                path = request.pop("path", "/p")
                result = _send(instance, backend.url + path, **request)
                request["path"] = path
            raw = backend.requests[-1].replace(backend.url.split("//")[1].encode(), b"HOST")
            outcomes.append((raw, (result.status, result.headers, result.body)))
        finally:
            backend.stop()
        assert len(direct) == 1  # the first went direct, the second did not
    return outcomes


_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@pytest.mark.parametrize("request_", [
    {"headers": {"Accept": "application/json", "User-Agent": "AmazonAPIGateway_x",
                 "X-Amzn-Trace-Id": "Root=1-a"}},
    {"method": "POST", "body": b"payload", "headers": {"Content-Type": "text/plain"}},
    {"method": "POST", "body": b"", "headers": {"X-A": "1"}},
    {"method": "DELETE", "headers": {"X-A": "1"}},
    {"method": "OPTIONS", "headers": {}},
    {"headers": {"x-dup": "1", "Other": "o", "X-Dup": "2"}},
    {"headers": {"Host": "elsewhere.example", "Accept-Encoding": "gzip"}},
    {"path": "/a b/%7E?q=1 2&r=%20", "headers": {"X-A": "1"}},
])
def test_both_ways_send_the_same_request(monkeypatch, instance, request_):
    (direct, _), (through_requests, _) = _both_ways(monkeypatch, instance, _OK, **request_)
    assert direct == through_requests
    assert b"User-Agent: python" not in direct and b"Accept-Encoding: identity" not in direct


@pytest.mark.parametrize("reply", [
    b"HTTP/1.1 201 Created\r\nSet-Cookie: a=1\r\nX-Other: o\r\nset-cookie: b=2\r\n"
    b"Content-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%b"
    % (len(gzip.compress(b"packed", mtime=0)), gzip.compress(b"packed", mtime=0)),
    b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
    b"HTTP/1.1 599 Odd\r\nContent-Length: 0\r\n\r\n",
])
def test_both_ways_read_the_same_answer(monkeypatch, instance, reply):
    (_, direct), (_, through_requests) = _both_ways(monkeypatch, instance, reply)
    assert direct == through_requests


@pytest.fixture(params=["keepalive", "requests"])
def way(request, monkeypatch):
    """Each test once on the keep-alive connections, once through ``requests``."""
    if request.param == "requests":
        monkeypatch.setattr(http, "_transport_is_requests_own", lambda: False)
    return request.param


def test_a_connection_the_backend_closed_while_idle_is_not_reused(instance, way):
    backend = RawBackend(_OK, close=True)  # no Connection: close: the client keeps it
    try:
        assert _send(instance, backend.url + "/1").body == b"ok"
        assert backend.closed.wait(5)
        assert _send(instance, backend.url + "/2").body == b"ok"
        assert backend.connections == 2
    finally:
        backend.stop()


def test_connections_are_kept_alive(instance, way):
    backend = RawBackend(_OK)
    try:
        for n in range(3):
            assert _send(instance, f"{backend.url}/{n}").status == 200
        assert backend.connections == 1
    finally:
        backend.stop()


def test_an_answer_that_is_no_http_is_an_integration_failure(instance, way):
    backend = RawBackend(b"SMTP ready\r\n\r\n", close=True)
    try:
        with pytest.raises(GatewayError) as caught:
            _send(instance, backend.url + "/x")
        assert caught.value.response_type == "INTEGRATION_FAILURE"
    finally:
        backend.stop()


def test_a_body_that_does_not_decode_is_an_integration_failure(instance, way):
    backend = RawBackend(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                         b"Content-Length: 4\r\n\r\nnope")
    try:
        with pytest.raises(GatewayError) as caught:
            _send(instance, backend.url + "/x")
        assert caught.value.response_type == "INTEGRATION_FAILURE"
        assert "invalid response" in caught.value.log
    finally:
        backend.stop()


def test_a_mock_of_requests_is_honoured(instance):
    """With ``responses`` active, the call goes through ``requests`` (which it answers)."""
    import responses

    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, "http://backend.invalid/x", body=b"mocked", status=202)
        result = _send(instance, "http://backend.invalid/x", headers={"X-A": "1"})
        seen = dict(mocked.calls[0].request.headers)
    assert (result.status, result.body) == (202, b"mocked")
    assert seen == {"X-A": "1"}  # what was asked for, nothing of the transport's
    assert requests.adapters.HTTPAdapter.send.__module__ == "requests.adapters"


def test_idle_connections_are_kept_for_the_latest_hosts_only():
    pools = keepalive.Pools(maxsize=1, hosts=1)
    first, second = RawBackend(_OK), RawBackend(_OK)
    try:
        for backend in (first, first, second, first):
            port = int(backend.url.rsplit(":", 1)[1])
            status, _, body = pools.request("GET", "127.0.0.1", port, "/", [], None, 5.0)
            assert (status, body) == (200, b"ok")
        assert (first.connections, second.connections) == (2, 1)  # evicted for second
    finally:
        pools.close()
        first.stop()
        second.stop()

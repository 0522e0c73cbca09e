"""The HTTP server layer (``mockgw.serving``, uvicorn in this process) around any WSGI
application: headers an application must not send, ``Expect: 100-continue``, errors."""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from mockgw.serving import Server, protocol_class

SEEN: list[dict] = []


def app(environ: dict, start_response) -> list[bytes]:
    SEEN.append(dict(environ))
    path = environ["PATH_INFO"]
    body = environ["wsgi.input"].read()
    if path == "/hop-by-hop":
        start_response("200 OK", [
            ("Content-Type", "text/plain"), ("Connection", "close"), ("Keep-Alive", "5"),
            ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"), ("TE", "trailers"),
            ("Proxy-Authenticate", "Basic"), ("Content-Length", "999"),
            ("Bad Name", "x"), ("X-Split", "a\r\nX-Injected: 1"), ("X-Kept", "yes")])
        return [b"hop", b"-by-hop"]
    if path == "/fails":
        raise RuntimeError("a bug in the application")
    if path == "/status-700":
        start_response("700 Unheard Of", [("Content-Type", "text/plain")])
        return [b"no status line for it"]
    if path in ("/status-204", "/status-304"):  # a body HTTP does not let these carry
        start_response(f"{path[-3:]} No Body", [("Content-Type", "application/json")])
        return [b"{}"]
    if path == "/dated":  # a Date of its own: the server adds none
        start_response("200 OK", [("Date", "Wed, 21 Oct 2015 07:28:00 GMT")])
        return [b"then"]
    if path == "/thread":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [threading.current_thread().name.encode()]
    start_response("201 Created", [("Content-Type", "text/plain")])
    return [b"got %d bytes" % len(body)]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    os.environ["HTTP_X_FROM_THE_ENVIRONMENT"] = "leaked"  # what a WSGI launcher could
    server = Server(app, "127.0.0.1", 0, threads=4, access_log=False)  # pass as a header
    server.start()
    yield server.url
    server.stop()
    server.wait()
    del os.environ["HTTP_X_FROM_THE_ENVIRONMENT"]


def raw_exchange(url: str, head: bytes, body: bytes = b"", *,
                 wait_for_continue: bool = False) -> bytes:
    """Send ``head`` (a request with ``Connection: close``), then ``body`` (after the
    server's ``100 Continue`` when asked to wait for it); all the server answered."""
    host, port = url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        received = b""
        if wait_for_continue:
            while b"\r\n\r\n" not in received:
                received += sock.recv(65536)
            assert received == b"HTTP/1.1 100 Continue\r\n\r\n", received
            received = b""
        sock.sendall(body)
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_hop_by_hop_and_unsendable_headers_are_dropped(url):
    session = requests.Session()
    answer = session.get(f"{url}/hop-by-hop", timeout=10)
    assert (answer.status_code, answer.content) == (200, b"hop-by-hop")
    assert answer.headers["Content-Length"] == "10"
    assert answer.headers["X-Kept"] == "yes"
    for name in ("Keep-Alive", "Transfer-Encoding", "Upgrade", "TE", "Proxy-Authenticate",
                 "Bad Name", "X-Split", "X-Injected"):
        assert name not in answer.headers
    assert answer.headers.get("Connection", "keep-alive") == "keep-alive"
    again = session.post(f"{url}/after", data=b"12345", timeout=10)  # same connection
    assert (again.status_code, again.text) == (201, "got 5 bytes")


def test_answer_header_names_go_out_as_the_application_wrote_them(url):
    """uvicorn lowercases every name it writes; AWS writes ``x-amzn-RequestId``, and
    clients that keep names as received (``requests``) show them so."""
    answers = raw_exchange(url, b"GET /pipelined HTTP/1.1\r\nHost: x\r\n\r\n"  # two at once
                                b"GET /hop-by-hop HTTP/1.1\r\nHost: x\r\n"
                                b"Connection: close\r\n\r\n")
    first, second = answers.split(b"HTTP/1.1 200 OK\r\n")
    head, body = first.split(b"\r\n\r\n", 1)
    status, *lines = head.split(b"\r\n")
    assert (status, body) == (b"HTTP/1.1 201 Created", b"got 0 bytes")
    assert [line.split(b": ", 1)[0] for line in lines] == [b"Date", b"Content-Type",
                                                           b"Content-Length"]
    head, body = second.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    assert body == b"hop-by-hop"
    assert [line.split(b": ", 1)[0] for line in lines] == [
        b"Date", b"Content-Type", b"X-Kept", b"Content-Length", b"Connection"]
    assert lines[-2:] == [b"Content-Length: 10", b"Connection: close"]


def test_an_answer_with_a_date_of_its_own_gets_no_second_one(url):
    answer = raw_exchange(url, b"GET /dated HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head = answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert [line for line in head if line.lower().startswith(b"date:")] == [
        b"Date: Wed, 21 Oct 2015 07:28:00 GMT"]


def test_an_answer_to_head_names_its_length_and_carries_no_body(url):
    answer = raw_exchange(url, b"HEAD /head HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 201 Created\r\n"), answer
    assert b"\r\nContent-Length: 11\r\n" in head + b"\r\n"  # of "got 0 bytes"
    assert body == b""


def test_an_empty_body_with_expect_100_continue_is_answered(url):
    answer = raw_exchange(url, b"POST /empty HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                               b"Expect: 100-continue\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n"), answer
    assert answer.endswith(b"\r\n\r\ngot 0 bytes")


def test_a_body_is_asked_for_with_100_continue(url):
    answer = raw_exchange(url, b"POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                               b"Expect: 100-continue\r\nConnection: close\r\n\r\n", b"abcde",
                          wait_for_continue=True)
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n"), answer
    assert answer.endswith(b"\r\n\r\ngot 5 bytes")


def test_the_process_environment_never_reads_as_request_headers(url):
    SEEN.clear()
    requests.get(f"{url}/environ", headers={"X-Sent": "1"}, timeout=10)
    (environ,) = SEEN
    assert environ["HTTP_X_SENT"] == "1"
    headers = {k for k in environ if k.startswith("HTTP_")}
    assert headers == {"HTTP_HOST", "HTTP_USER_AGENT", "HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT",
                       "HTTP_CONNECTION", "HTTP_X_SENT"}
    assert "HOME" not in environ and "PATH" not in environ


def test_the_path_comes_as_sent_and_header_values_as_utf_8(url):
    SEEN.clear()
    answer = raw_exchange(url, b"GET /items/a%2Fb/caf%C3%A9?q=a%2Fb HTTP/1.1\r\nHost: x\r\n"
                               b"X-Name: caf\xc3\xa9\r\nX-Latin: caf\xe9\r\n"
                               b"Connection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n"), answer
    (environ,) = SEEN
    assert environ["REQUEST_URI"] == "/items/a%2Fb/caf%C3%A9?q=a%2Fb"
    assert environ["PATH_INFO"] == "/items/a/b/caf\xc3\xa9"  # WSGI: bytes as latin-1
    assert environ["QUERY_STRING"] == "q=a%2Fb"
    assert environ["HTTP_X_NAME"] == "café"  # UTF-8 as sent
    assert environ["HTTP_X_LATIN"] == "caf\xe9"  # not UTF-8: byte for byte


def test_an_application_error_is_a_plain_500_and_the_server_goes_on(url):
    failed = requests.get(f"{url}/fails", timeout=10)
    assert (failed.status_code, failed.text) == (500, "Internal Server Error")
    unheard = requests.get(f"{url}/status-700", timeout=10)  # HTTP/1.1 has 100-599
    assert (unheard.status_code, unheard.text) == (500, "Internal Server Error")
    assert requests.get(f"{url}/fine", timeout=10).status_code == 201


@pytest.mark.parametrize("status", [204, 304])
def test_a_status_without_a_body_is_answered_without_one(url, status):
    """An answer of 204 or 304 that came with a body goes out without it, whole, and the
    connection goes on (uvicorn broke such an answer off: a client saw no answer)."""
    with requests.Session() as session:
        answer = session.get(f"{url}/status-{status}", timeout=10)
        assert (answer.status_code, answer.content) == (status, b"")
        assert "content-length" not in answer.headers
        again = session.get(f"{url}/fine", timeout=10)  # on the same connection
        assert (again.status_code, again.text) == (201, "got 0 bytes")
    raw = raw_exchange(url, f"GET /status-{status} HTTP/1.1\r\nHost: x\r\n"
                            "Connection: close\r\n\r\n".encode())
    assert raw.startswith(f"HTTP/1.1 {status} ".encode()) and raw.endswith(b"\r\n\r\n"), raw


class RecordedWire(asyncio.Transport):
    """A connection's transport that keeps what the server writes to it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 4566)}.get(
            name, default)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def test_an_answer_leaves_in_one_write():
    """An answer's head and body go out in one write (uvicorn writes them apart): Go's
    HTTP client (Terraform's AWS provider) now and then closed the connection on a head
    that came alone and sent its request again, a create twice."""
    from uvicorn.config import Config
    from uvicorn.server import ServerState

    server = Server(app, "127.0.0.1", 0, access_log=False, inline=True)
    server._socket.close()  # not served: its protocol is driven by hand
    wire = RecordedWire()

    async def exchange() -> None:
        config = Config(server._asgi, interface="asgi3", lifespan="off", ws="none",
                        log_config=None, http=protocol_class())
        protocol = protocol_class()(config, ServerState(), {},
                                    _loop=asyncio.get_running_loop())
        protocol.connection_made(wire)
        protocol.data_received(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n")
        protocol.data_received(b"abc")
        for _ in range(20):  # the answer's task, and the loop's next turns
            await asyncio.sleep(0)

    asyncio.run(exchange())
    (answer,) = wire.writes
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n"), answer
    assert answer.endswith(b"\r\n\r\ngot 3 bytes"), answer


def test_an_application_is_called_on_the_pool_unless_it_never_waits(url):
    assert requests.get(f"{url}/thread", timeout=10).text.startswith("mockgw-request")
    server = Server(app, "127.0.0.1", 0, threads=4, access_log=False, inline=True)
    server.start()
    try:
        assert requests.get(f"{server.url}/thread", timeout=10).text == "mockgw-server"
    finally:
        server.stop()
        server.wait()


def _live_objects() -> int:
    gc.collect()
    return len(gc.get_objects())


@pytest.mark.parametrize("inline", [False, True])
def test_answered_requests_leave_nothing_behind(inline):
    """Requests that wait (for their body, sized or chunked, or for the pool) leave
    nothing alive once answered (granian, the server before, kept what every such request
    awaited, and its coroutine, waker and context: ~850 bytes a call)."""
    def echo(environ: dict, start_response) -> list[bytes]:  # keeps nothing (``app`` does)
        body = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"got %d bytes" % len(body)]

    server = Server(echo, "127.0.0.1", 0, threads=2, access_log=False, inline=inline)
    server.start()
    try:
        with requests.Session() as session:
            def exchange(count: int) -> None:
                for _ in range(count):
                    sized = session.post(f"{server.url}/x", data=b"abc", timeout=10)
                    chunked = session.post(f"{server.url}/x", data=iter([b"ab", b"c"]),
                                           timeout=10)
                    assert (sized.text, chunked.text) == ("got 3 bytes", "got 3 bytes")

            exchange(20)
            before = _live_objects()
            exchange(200)
            assert _live_objects() - before < 100
    finally:
        server.stop()
        server.wait()

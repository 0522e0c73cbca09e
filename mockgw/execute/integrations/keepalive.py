"""Plain-HTTP calls on pooled keep-alive ``http.client`` connections.

:func:`mockgw.execute.integrations.http.send` uses them for ``http://`` endpoints when
nothing has replaced ``requests``' transport (always behind ``mockgw serve``; in-process
the mock routes through ``requests``, whose adapters ``responses`` patches).  They put the
same request on the wire as ``requests``' adapter does and read the same answer, without
``requests``' and urllib3's request and response objects: on the benchmark's server that
was ~200 µs of a ~500 µs call to a backend answering in ~100 µs.

What ``requests`` + urllib3 do that is repeated here: ``Content-Length`` for a body (``0``
for a method other than GET and HEAD without one), ``Host`` unless given, no
``Accept-Encoding`` or ``User-Agent`` of their own (as the adapter is configured), a
connection found closed by its server while idle is not reused, one that ends the answer
with ``Connection: close`` (or failed) is dropped, at most ``maxsize`` idle connections a
host for at most ``hosts`` hosts; answer headers grouped by name in first-seen order (what
urllib3's header dict gives) and the body decoded as ``Content-Encoding`` says.
"""

from __future__ import annotations

import http.client
import io
import threading
from collections import OrderedDict

import urllib3
from urllib3.util.wait import wait_for_read


class _Connection(http.client.HTTPConnection):
    def putrequest(self, method: str, url: str, skip_host: bool = False,
                   skip_accept_encoding: bool = False) -> None:
        super().putrequest(method, url, skip_host=skip_host, skip_accept_encoding=True)


class Pools:
    """Idle keep-alive connections by ``(host, port)``."""

    def __init__(self, maxsize: int = 10, hosts: int = 10) -> None:
        self.maxsize = maxsize
        self.hosts = hosts
        self._idle: OrderedDict[tuple[str, int], list[_Connection]] = OrderedDict()
        self._lock = threading.Lock()

    def request(self, method: str, host: str, port: int, target: str,
                headers: list[tuple[str, str]], body: bytes | None,
                timeout: float) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send one request; ``(status, headers, body)``.  Raises ``OSError`` (a timeout
        is ``TimeoutError``) or ``http.client.HTTPException`` when there is no answer,
        :class:`BadBody` when the answer's body cannot be read or decoded."""
        connection = self._take(host, port, timeout)
        try:
            names = {name.lower() for name, _ in headers}
            connection.putrequest(method, target, skip_host="host" in names)
            for name, value in headers:
                connection.putheader(name, value)
            connection.endheaders()
            if body:
                connection.send(body)
            response = connection.getresponse()
        except BaseException:
            connection.close()
            raise
        try:
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise BadBody(exc) from None
        items = _grouped(response.msg.items())
        if connection.sock is not None:  # closed when the answer said so
            self._give(host, port, connection)
        if any(name.lower() == "content-encoding" for name, _ in items):
            content = _decoded(items, content)
        return response.status, items, content

    def _take(self, host: str, port: int, timeout: float) -> _Connection:
        while True:
            with self._lock:
                idle = self._idle.get((host, port))
                if not idle:
                    break
                self._idle.move_to_end((host, port))
                connection = idle.pop()
            if connection.sock is not None and not wait_for_read(connection.sock, timeout=0.0):
                connection.timeout = timeout
                connection.sock.settimeout(timeout)
                return connection
            connection.close()  # closed (or written to) by the server while idle
        return _Connection(host, port, timeout=timeout)

    def _give(self, host: str, port: int, connection: _Connection) -> None:
        evicted: list[_Connection] = []
        with self._lock:
            idle = self._idle.get((host, port))
            if idle is None:
                idle = self._idle[(host, port)] = []
                while len(self._idle) > self.hosts:
                    evicted += self._idle.popitem(last=False)[1]
            if len(idle) < self.maxsize:
                idle.append(connection)
            else:
                evicted.append(connection)
        for extra in evicted:
            extra.close()

    def close(self) -> None:
        with self._lock:
            pools, self._idle = list(self._idle.values()), OrderedDict()
        for idle in pools:
            for connection in idle:
                connection.close()


class BadBody(Exception):
    """The answer's body could not be read or decoded."""


def _grouped(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers grouped by name (case-insensitive) in first-seen order, each group under
    the name as first seen, as urllib3's ``HTTPHeaderDict.iteritems`` gives them."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for name, value in items:
        group = groups.get(name.lower())
        if group is None:
            groups[name.lower()] = (name, [value])
        else:
            group[1].append(value)
    return [(name, value) for name, values in groups.values() for value in values]


def _decoded(items: list[tuple[str, str]], content: bytes) -> bytes:
    """``content`` decoded as its ``Content-Encoding`` says (urllib3's decoders)."""
    raw = urllib3.HTTPResponse(body=io.BytesIO(content), headers=items,
                               preload_content=False, decode_content=True)
    try:
        return raw.read()
    except urllib3.exceptions.HTTPError as exc:
        raise BadBody(exc) from None

"""Answer header names in the case the application wrote them, under waitress.

waitress writes every response header name capitalised (``X-Amzn-Requestid``); AWS writes
``x-amzn-RequestId``, ``x-amz-apigw-id``, ``x-amzn-Remapped-Date``... and clients that
compare raw header names see the difference.  :func:`keep_header_case` makes a waitress
server write the names as given (the headers it adds itself keep waitress's case).
"""

from __future__ import annotations

from typing import Any

from waitress.channel import HTTPChannel
from waitress.task import WSGITask


def _capitalised(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class _Task(WSGITask):
    def build_response_header(self) -> bytes:
        given = {_capitalised(name): name for name, _ in self.response_headers}
        head = super().build_response_header()
        lines = head.split(b"\r\n")
        for index, line in enumerate(lines[1:], 1):
            name, sep, rest = line.partition(b": ")
            original = given.get(name.decode("latin-1"))
            if sep and original is not None:
                lines[index] = original.encode("latin-1") + sep + rest
        return b"\r\n".join(lines)


class _Channel(HTTPChannel):
    task_class = _Task


def keep_header_case(server: Any) -> None:
    """Make a waitress server (``waitress.create_server``'s) keep header names' case."""
    server.channel_class = _Channel

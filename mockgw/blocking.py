"""Telling requests that may wait from those that never do.

``mockgw serve`` answers most requests on the server's own thread, one after another: a
MOCK integration or a control-plane call is pure work in memory, and one thread doing it
beats many threads taking turns at the GIL (``mockgw/serving.py`` has the figures).  A
request whose answer may wait on something outside the process (a Lambda function, an HTTP
endpoint, moto's long polls, the disk of ``--state-dir``) must not hold that thread: the
code that finds out raises :class:`WouldBlock` *before it changes anything*, and the
server answers the request again on a thread of its own.
"""

from __future__ import annotations


class WouldBlock(Exception):
    """Answering this request may wait: answer it on a thread that may block."""

"""Running registered Python callables as Lambda functions, in-process, in a thread.

A callable gets the same event and context as a zip function and answers with the same
error documents; what it prints (from its own thread) becomes its log.  A timeout answers
Lambda's timeout error, but a thread cannot be killed: the callable keeps running in the
background until it returns, and what it prints after the timeout is dropped.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from mockgw.runtime.bootstrap import LambdaContext, call_handler
from mockgw.runtime.workers import Execution

_streams_lock = threading.Lock()


class _ThreadRoutedStream:
    """Stands in for ``sys.stdout``/``sys.stderr`` while callables run: text written by a
    thread running a callable goes to that invocation's log, everything else to the
    stream it replaced."""

    def __init__(self, target: TextIO) -> None:
        self.target = target
        self.sinks: dict[int, list[str]] = {}

    def write(self, text: str) -> int:
        sink = self.sinks.get(threading.get_ident())
        if sink is None:
            return self.target.write(text)
        sink.append(text)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


class _CapturedOutput:
    """Route this thread's ``print`` output into ``lines`` (installs the routed streams
    on first use and removes them when the last capture ends)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __enter__(self) -> None:
        ident = threading.get_ident()
        with _streams_lock:
            for name in ("stdout", "stderr"):
                stream = getattr(sys, name)
                if not isinstance(stream, _ThreadRoutedStream):
                    stream = _ThreadRoutedStream(stream)
                    setattr(sys, name, stream)
                stream.sinks[ident] = self.lines

    def __exit__(self, *exc: object) -> None:
        ident = threading.get_ident()
        with _streams_lock:
            for name in ("stdout", "stderr"):
                stream = getattr(sys, name)
                if isinstance(stream, _ThreadRoutedStream):
                    stream.sinks.pop(ident, None)
                    if not stream.sinks:
                        setattr(sys, name, stream.target)


def run_callable(handler: Callable[..., Any], payload: bytes, context: LambdaContext,
                 timeout: float, *, ensure_ascii: bool = True,
                 json_logs: bool = False) -> Execution:
    """Call ``handler(event, context)`` in a new thread and wait at most ``timeout``
    (``ensure_ascii``: how its runtime writes the answer, see
    :func:`~mockgw.runtime.bootstrap.marshal`; ``json_logs``: the function's log format
    is JSON, for the runtime's error lines)."""
    lines: list[str] = []
    answer: list[tuple[bool, bytes]] = []

    def run() -> None:
        with _CapturedOutput(lines):
            answer.append(call_handler(handler, payload, context,
                                        ensure_ascii=ensure_ascii, json_logs=json_logs))

    started = time.perf_counter()
    thread = threading.Thread(target=run, name=f"mockgw-lambda-{context.function_name}",
                              daemon=True)
    thread.start()
    thread.join(timeout)
    duration_ms = (time.perf_counter() - started) * 1000
    if thread.is_alive():
        return Execution(timed_out=True, output="".join(lines), duration_ms=duration_ms)
    if not answer:  # the thread ended without an answer (SystemExit and the like)
        return Execution(exit_status="exit status 1", output="".join(lines),
                         duration_ms=duration_ms)
    is_error, body = answer[0]
    return Execution(body, error=is_error, output="".join(lines), duration_ms=duration_ms)

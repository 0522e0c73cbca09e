"""Helpers for tests that run ``mockgw serve`` as a real process."""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

import requests

_LISTENING = re.compile(r"mockgw serving on (http://\S+)")


class ServerProcess:
    """``mockgw serve --port 0 --websocket-port 0`` (or ``command``) in a subprocess;
    ``url`` once it answers health checks.

    Use as a context manager.  The server's output is kept (last lines in ``output``) so a
    failing start can say why.
    """

    def __init__(self, args: Sequence[str] = (), *, env: dict[str, str] | None = None,
                 host: str = "127.0.0.1", port: int = 0, start_timeout: float = 30.0,
                 command: Sequence[str] | None = None) -> None:
        self.command = list(command) if command is not None else [
            sys.executable, "-m", "mockgw", "serve", "--host", host, "--port", str(port),
            *(() if "--websocket-port" in args else ("--websocket-port", "0")), *args]
        self.env = {**os.environ, **(env or {})}
        self.start_timeout = start_timeout
        self.output: collections.deque[str] = collections.deque(maxlen=500)
        self.url: str | None = None
        self.process: subprocess.Popen[str] | None = None
        self._found = threading.Event()
        self._drainer: threading.Thread | None = None

    def start(self) -> ServerProcess:
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=self.env)
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        deadline = time.monotonic() + self.start_timeout
        if not self._found.wait(self.start_timeout):
            self.stop()
            raise RuntimeError("mockgw serve did not start:\n" + "\n".join(self.output))
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/_mockgw/health", timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.02)  # polling the health endpoint, not waiting blindly
        self.stop()
        raise RuntimeError("mockgw serve did not become healthy:\n" + "\n".join(self.output))

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))
            if self.url is None:
                found = _LISTENING.search(line)
                if found:
                    self.url = found.group(1)
                    self._found.set()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int | None:
        """Stop the server (SIGTERM by default) and return its exit code, once its last
        output line is in :attr:`output`."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        if self._drainer is not None:
            self._drainer.join(timeout)  # the pipe ends with the process
        return code

    def reset(self) -> None:
        requests.post(f"{self.url}/_mockgw/reset", timeout=10).raise_for_status()

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

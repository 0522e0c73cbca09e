"""The processes a benchmark runs against: mockgw, its peers, the floor and a backend.

Each server runs in its own process on a free port, quiet (no per-request log lines), and
is stopped by its process id when the benchmark is done with it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
PEERS_VENV = HERE / ".peers"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
               "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One server process; ``url`` once it answers HTTP."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str] | None = None,
                 port: int | None = None) -> None:
        self.name = name
        started = time.perf_counter()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = tempfile.mkdtemp(prefix=f"bench-{name}-")
        command = [part.replace("{port}", str(self.port)) for part in command]
        extra = {k: v.replace("{port}", str(self.port)) for k, v in (env or {}).items()}
        self.process = subprocess.Popen(
            command, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, **extra})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited with {self.process.returncode}")
            try:
                requests.get(self.url + "/", timeout=2)
                self.ready_seconds = time.perf_counter() - started
                return
            except requests.ConnectionError:
                time.sleep(0.01)  # polling the port while the server starts
        self.stop()
        raise RuntimeError(f"{name} did not start on port {self.port}")

    def rss_kib(self) -> int:
        """The server process's resident memory."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")  # pragma: no cover - Linux only

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def compile_mockgw() -> None:
    """Write mockgw's byte-code (``__pycache__``) as installing it does: an editable
    install run with ``PYTHONDONTWRITEBYTECODE`` set would otherwise compile every module
    from source at each start (about a third of the start-up time measured), while the
    peers, installed by pip, start from byte-code."""
    import compileall

    import mockgw as package

    compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)


def mockgw(*args: str, env: dict[str, str] | None = None) -> Server:
    return Server("mockgw", [sys.executable, "-m", "mockgw", "serve", "--port", "{port}",
                             "--websocket-port", "0", "--log-level", "WARNING", *args],
                  env=env)


#: Flask configuration that sends every control-plane request through Flask's request
#: context (``create_app`` reads ``FLASK_*`` variables): the figure direct dispatch beats.
THROUGH_FLASK = {"FLASK_MOCKGW_DIRECT_DISPATCH": "false"}


def moto() -> Server:
    return Server("moto", [sys.executable, "-m", "moto.server", "-p", "{port}"])


def ministack() -> Server:
    return Server("ministack", [str(PEERS_VENV / "bin" / "ministack")],
                  env={"GATEWAY_PORT": "{port}", "LOG_LEVEL": "WARNING"})


def hello(threads: int = 16, server: str = "uvicorn", app: str = "hello") -> Server:
    """A floor: a bare "hello" WSGI route (or, ``app="control"``, canned answers to the
    control plane's calls) on uvicorn as ``mockgw serve`` runs it, or on waitress (the
    server mockgw used before)."""
    return Server(f"{app}-{server}", [sys.executable, "-m", "bench.hello", "{port}",
                                      str(threads), server, app],
                  env={"PYTHONPATH": str(HERE.parent)})


def ministack_available() -> str | None:
    """``None`` when ministack can run, else why not (install line included)."""
    if (PEERS_VENV / "bin" / "ministack").exists():
        return None
    return (f"ministack is not installed: python3 -m venv {PEERS_VENV} && "
            f"{PEERS_VENV}/bin/pip install ministack (or run with --install-peers)")


def install_peers() -> None:
    """A separate virtualenv for ministack (it pins its own botocore)."""
    subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    subprocess.run([str(PEERS_VENV / "bin" / "pip"), "install", "--quiet", "ministack"],
                   check=True)

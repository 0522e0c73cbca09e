"""HTTP load: a native generator (``wrk``, else ``hey``) when installed, else Python threads.

A Python client saturates long before a threaded server does, so its figures are a lower
bound of the server's; the report says which generator measured them.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass

import requests


@dataclass
class Load:
    """Requests per second and latency percentiles (ms) of one run."""

    rps: float
    p50: float
    p99: float
    generator: str
    errors: int = 0


def generator() -> str:
    for name in ("wrk", "hey"):
        if shutil.which(name):
            return name
    return "python"


def run(url: str, *, connections: int, seconds: int, host: str | None = None) -> Load:
    """Load ``url`` (GET) with ``connections`` concurrent clients for ``seconds``."""
    kind = generator()
    if kind == "wrk":
        return _wrk(url, connections, seconds, host)
    if kind == "hey":
        return _hey(url, connections, seconds, host)
    return _python(url, connections, seconds, host)


def _wrk(url: str, connections: int, seconds: float, host: str | None) -> Load:
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{round(seconds)}s",
               "--latency", url]
    if host:
        command += ["-H", f"Host: {host}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    percentiles = {int(p): _ms(value, unit) for p, value, unit in
                   re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)$", out, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(rps, percentiles[50], percentiles[99], "wrk",
                int(errors.group(1)) if errors else 0)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _hey(url: str, connections: int, seconds: float, host: str | None) -> Load:
    command = ["hey", "-z", f"{round(seconds)}s", "-c", str(connections)]
    if host:
        command += ["-host", host]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = float(re.search(r"50% in ([\d.]+) secs", out).group(1)) * 1000
    p99 = float(re.search(r"99% in ([\d.]+) secs", out).group(1)) * 1000
    codes = re.findall(r"\[(\d+)\]\s+(\d+) responses", out)
    errors = sum(int(n) for code, n in codes if not code.startswith("2"))
    return Load(rps, p50, p99, "hey", errors)


def _python(url: str, connections: int, seconds: float, host: str | None) -> Load:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    headers = {"Host": host} if host else {}

    def client() -> None:
        session = requests.Session()
        mine = []
        while (started := time.perf_counter()) < deadline:
            status = session.get(url, headers=headers, timeout=30).status_code
            mine.append((time.perf_counter() - started) * 1000)
            if status >= 300:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return Load(len(ordered) / elapsed, statistics.median(ordered),
                ordered[int(len(ordered) * 0.99)], "python", errors[0])

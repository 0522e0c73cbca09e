"""mockgw's benchmark: ``python -m bench.run [--quick] [--install-peers] [--json FILE]``.

Runs every workload against mockgw, moto (installed with mockgw's test extras) and
ministack (in a virtualenv of its own, ``bench/.peers``, made by ``--install-peers``), with
floors: a botocore client answered by a canned response (no mock at all), ``responses``
answering an execute-api URL with a canned body, and a bare "hello" route on uvicorn as
mockgw serves with it (beside it the same route on waitress, the server mockgw used
before).  Prints a Markdown table, then which of the project's targets this machine's run
meets.  Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import requests

from bench import loadgen, servers, workloads
from bench.workloads import client, user_request_url


@dataclass
class Row:
    """One workload's figures; ``higher`` says whether a larger figure is better."""

    name: str
    unit: str
    higher: bool
    figures: dict[str, float | None] = field(default_factory=dict)
    note: str = ""

    def ratio(self, peer: str) -> float | None:
        mine, theirs = self.figures.get("mockgw"), self.figures.get(peer)
        if not mine or not theirs:
            return None
        return mine / theirs if self.higher else theirs / mine


class Report:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.rounds = 1 if quick else 3
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def row(self, name: str, unit: str, *, higher: bool, **figures: float | None) -> Row:
        found = next((r for r in self.rows if r.name == name), None)
        if found is None:
            found = Row(name, unit, higher)
            self.rows.append(found)
        found.figures.update(figures)
        return found

    def seconds(self, long: int) -> int:
        return 2 if self.quick else long


# -- workloads ------------------------------------------------------------------------------

def import_costs(report: Report) -> None:
    runs = 3 if report.quick else 7
    boto3_s = workloads.import_seconds("boto3", runs)
    report.row("import boto3 (floor of the next row)", "ms", higher=False,
               floor=boto3_s * 1000)
    report.row("import + one mock enter/exit", "ms", higher=False,
               mockgw=workloads.import_seconds("mockgw", runs) * 1000,
               moto=workloads.import_seconds("moto", runs) * 1000, floor=boto3_s * 1000)
    report.row("mock enter/exit (imported)", "ms", higher=False,
               mockgw=workloads.enter_exit_seconds("mockgw") * 1000,
               moto=workloads.enter_exit_seconds("moto") * 1000)


def control_in_process(report: Report) -> None:
    from moto import mock_aws

    from mockgw import mock_apigateway
    from mockgw.mock import application

    seconds = report.seconds(3)
    contexts = {"mockgw": mock_apigateway, "flask": mock_apigateway, "moto": mock_aws,
                "floor": None}
    best: dict[str, float] = {}
    for _ in range(report.rounds):  # peers alternate, so a busy moment hits them alike
        for name, context in contexts.items():
            if context is None:
                calls = workloads.control_calls_per_second(workloads.canned_client(), seconds)
            else:
                with context():
                    if name in ("mockgw", "flask"):
                        application().config["MOCKGW_DIRECT_DISPATCH"] = name == "mockgw"
                    calls = workloads.control_calls_per_second(client(), seconds)
            best[name] = max(best.get(name, 0.0), calls)
    through_flask = best.pop("flask")
    report.row("control plane in-process (boto3)", "calls/s", higher=True, **best)
    report.row("control plane in-process, through Flask's request context", "calls/s",
               higher=True, mockgw=through_flask, floor=best["floor"])
    application().config["MOCKGW_DIRECT_DISPATCH"] = True


def invoke_in_process(report: Report) -> None:
    """A MOCK invoke through ``requests`` in-process, against ``responses`` answering the
    same URL with the same body (the cost of the interception itself)."""
    import responses

    from mockgw import mock_apigateway

    seconds = report.seconds(3)
    url = "https://{api}.execute-api.us-east-1.amazonaws.com/dev{path}"
    best: dict[str, float] = {}
    for _ in range(report.rounds):
        with mock_apigateway():
            api_id, path = workloads.deploy_api(client())
            target = url.format(api=api_id, path=path)
            best["mockgw"] = max(best.get("mockgw", 0.0),
                                 workloads.gets_per_second(target, seconds))
        with responses.RequestsMock() as canned:
            canned.add(responses.GET, target, body='{"hello": "world"}',
                       content_type="application/json")
            best["floor"] = max(best.get("floor", 0.0),
                                workloads.gets_per_second(target, seconds))
    report.row("MOCK invoke in-process (requests)", "req/s", higher=True, **best)
    report.notes.append("In-process invoke: the floor is `responses` answering the same URL "
                        "with the same body (no mockgw at all).")


def control_on_servers(report: Report, peers: dict[str, Callable[[], servers.Server]]) -> None:
    seconds = report.seconds(3)
    state = tempfile.mkdtemp(prefix="bench-state-")
    starts = {**peers, "durable": lambda: servers.mockgw("--state-dir", state),
              "flask": lambda: servers.mockgw(env=servers.THROUGH_FLASK),
              "floor": lambda: servers.hello(app="control")}
    running = {name: start() for name, start in starts.items()}
    best: dict[str, float] = {}
    try:
        for _ in range(report.rounds):
            for name, server in running.items():
                calls = workloads.control_calls_per_second(client(endpoint_url=server.url),
                                                           seconds)
                best[name] = max(best.get(name, 0.0), calls)
    finally:
        for server in running.values():
            server.stop()
    durable, through_flask = best.pop("durable"), best.pop("flask")
    report.row("control plane on the server (boto3, 1 client)", "calls/s", higher=True, **best)
    report.row("control plane on the server, through Flask's request context", "calls/s",
               higher=True, mockgw=through_flask, floor=best["floor"])
    report.row("control plane on the server, --state-dir (durable)", "calls/s", higher=True,
               mockgw=durable, floor=best["floor"])
    report.notes.append("Server control plane: the floor is the same boto3 client against "
                        "canned answers on uvicorn as mockgw serves it (a server doing no "
                        "work): what the client and the connection cost on their own.")


#: The HTTP API rows' name (a quick-created API: ``$default`` route, HTTP_PROXY).
HTTP_API = "HTTP API HTTP_PROXY"
#: The row of ``mockgw serve`` whose REST pipeline answers canned (``bench/hello.py``).
CANNED = "the pipeline canned"


def data_plane(report: Report, peers: dict[str, Callable[[], servers.Server]]) -> None:
    seconds = report.seconds(4)
    with servers.hello() as backend, servers.hello(server="waitress") as waitress, \
            servers.hello(app="pipeline") as canned:
        running = {name: start() for name, start in peers.items()
                   if name != "moto"}  # moto's server does not serve execute-api
        try:
            urls: dict[tuple[str, str], str] = {}
            for name, server in running.items():
                c = client(endpoint_url=server.url)
                for integration in ("MOCK", "HTTP_PROXY"):
                    api_id, path = workloads.deploy_api(c, integration=integration,
                                                        uri=backend.url + "/")
                    url = user_request_url(server.url, api_id, path)
                    if requests.get(url, timeout=10).status_code == 200:
                        urls[(integration, name)] = url
                    else:
                        report.notes.append(f"{name} does not answer {integration}: skipped")
                try:
                    url = workloads.http_api_url(
                        server.url, workloads.deploy_http_api(server.url, backend.url + "/"))
                    if requests.get(url, timeout=10).status_code != 200:
                        raise RuntimeError("no 200")
                    urls[(HTTP_API, name)] = url
                except Exception as exc:  # not served: say so, go on
                    report.notes.append(f"{name} does not answer an {HTTP_API}: skipped "
                                        f"({str(exc)[:80]})")
            for integration in ("MOCK", "HTTP_PROXY", HTTP_API):
                urls[(integration, "floor")] = backend.url + "/"
            urls[("MOCK", "waitress")] = waitress.url + "/"
            urls[("MOCK", CANNED)] = user_request_url(canned.url, "abcdefghij", "/r0")
            for connections in (1, 8):
                best: dict[tuple[str, str], loadgen.Load] = {}
                for _ in range(report.rounds):
                    for key, url in urls.items():
                        if key[1] in ("floor", "waitress") and key[0] != "MOCK":
                            continue  # one floor run serves both rows
                        if key[1] == CANNED and connections == 1:
                            continue
                        load = loadgen.run(url, connections=connections, seconds=seconds)
                        if key not in best or load.rps > best[key].rps:
                            best[key] = load
                best[("HTTP_PROXY", "floor")] = best[("MOCK", "floor")]
                best[(HTTP_API, "floor")] = best[("MOCK", "floor")]
                best[("HTTP_PROXY", "waitress")] = best[("MOCK", "waitress")]
                if (load := best.pop(("MOCK", CANNED), None)) is not None:
                    report.row(f"MOCK invoke, 8 concurrent, {CANNED}", "req/s", higher=True,
                               mockgw=load.rps, floor=best[("MOCK", "floor")].rps)
                for (integration, name), load in best.items():
                    _load_row(report, integration, connections, name, load)
        finally:
            for server in running.values():
                server.stop()
    report.notes.append(f"Data-plane load: {loadgen.generator()} on this machine"
                        + (" (a Python client: figures are a lower bound)"
                           if loadgen.generator() == "python" else "")
                        + "; the path form /restapis/{id}/{stage}/_user_request_/...; "
                          "the floor is the bare hello route on uvicorn as mockgw serves "
                          "it, which is also the HTTP_PROXY backend, and the waitress "
                          "column the same route on waitress; the row '"
                          f"{CANNED}' is mockgw's server whose REST pipeline answers at "
                          "once (what serving a MOCK invoke costs around the pipeline); "
                          f"the best of {report.rounds} alternating runs of {seconds} s.")


def _load_row(report: Report, integration: str, connections: int, name: str,
              load: loadgen.Load) -> None:
    clients = "sequential" if connections == 1 else f"{connections} concurrent"
    report.row(f"{integration} invoke, {clients}", "req/s", higher=True,
               **{name: load.rps})
    report.row(f"{integration} invoke, {clients}, p50", "ms", higher=False,
               **{name: load.p50})
    report.row(f"{integration} invoke, {clients}, p99", "ms", higher=False,
               **{name: load.p99})
    if load.errors:
        report.notes.append(f"{name} {integration} x{connections}: {load.errors} non-2xx")


def lambda_proxy(report: Report, peers: dict[str, Callable[[], servers.Server]]) -> None:
    for name, start in peers.items():
        if name == "moto":
            continue
        with start() as server:
            try:
                api_id, path = workloads.lambda_api(server.url)
                session = requests.Session()
                p50 = workloads.latency_ms(workloads.http_status(
                    session, user_request_url(server.url, api_id, path)))
            except Exception as exc:  # not served (yet): say so, go on
                report.notes.append(f"Lambda proxy on {name} skipped: {str(exc)[:160]}")
                continue
            try:  # the same function behind a quick-created HTTP API (payload 2.0)
                http_api = workloads.deploy_http_api(server.url, workloads.LAMBDA_ARN)
                v2_p50 = workloads.latency_ms(workloads.http_status(
                    session, workloads.http_api_url(server.url, http_api)))
            except Exception as exc:
                report.notes.append(f"HTTP API Lambda proxy on {name} skipped: "
                                    f"{str(exc)[:160]}")
                v2_p50 = None
        report.row("Lambda proxy invoke, warm, p50 (Python client)", "ms", higher=False,
                   **{name: p50})
        if v2_p50 is not None:
            report.row("HTTP API Lambda proxy invoke, warm, p50 (Python client)", "ms",
                       higher=False, **{name: v2_p50})


def scaling(report: Report, peers: dict[str, Callable[[], servers.Server]]) -> None:
    from moto import mock_aws

    from mockgw import mock_apigateway

    sizes = (10, 100) if report.quick else (10, 100, 1000)
    with servers.hello() as backend:
        for size in sizes:
            with mock_apigateway():
                _scale_point(report, "mockgw", size, client(), "MOCK", None,
                             "https://{api}.execute-api.us-east-1.amazonaws.com/dev{path}")
            with mock_aws():  # moto runs HTTP integrations only, and only in-process
                _scale_point(report, "moto", size, client(), "HTTP", backend.url + "/",
                             "https://{api}.execute-api.us-east-1.amazonaws.com/dev{path}")
            if "ministack" in peers:
                with peers["ministack"]() as server:
                    _scale_point(report, "ministack", size, client(endpoint_url=server.url),
                                 "MOCK", None,
                                 server.url + "/restapis/{api}/dev/_user_request_{path}")
    report.notes.append("Scaling: mockgw and moto in-process (moto: an HTTP integration, "
                        "it runs no MOCK), ministack over its server; invoke of the last "
                        "resource: the lowest median of 200 over the rounds.")


def _scale_point(report: Report, name: str, size: int, c: Any, integration: str,
                 uri: str | None, url: str) -> None:
    api_id, path = workloads.deploy_api(c, integration=integration, uri=uri, resources=size)
    listing = workloads.listing_seconds(c, api_id) * 1000
    session = requests.Session()
    get = workloads.http_status(session, url.format(api=api_id, path=path))
    invoke = min(workloads.latency_ms(get) for _ in range(report.rounds))
    report.row(f"get_resources, {size} resources", "ms", higher=False, **{name: listing})
    report.row(f"invoke latency, {size} resources", "ms", higher=False, **{name: invoke})


def spawn(report: Report, peers: dict[str, Callable[[], servers.Server]]) -> None:
    """From starting the server process to its first CreateRestApi answered, and its
    memory when ready and after that call (the median of several spawns)."""
    spawns = 3 if report.quick else 5
    firsts: dict[str, list[float]] = {name: [] for name in peers}
    ready: dict[str, list[float]] = {name: [] for name in peers}
    after: dict[str, list[float]] = {name: [] for name in peers}
    client()  # the client's model loaded before the first timing
    for _ in range(spawns):  # peers alternate, so a busy moment hits them alike
        for name, start in peers.items():
            started = time.perf_counter()
            with start() as server:
                ready[name].append(server.rss_kib() / 1024)
                client(endpoint_url=server.url).create_rest_api(name="first")
                firsts[name].append((time.perf_counter() - started) * 1000)
                after[name].append(server.rss_kib() / 1024)
    for name in peers:
        report.row("spawn to first CreateRestApi answered", "ms", higher=False,
                   **{name: statistics.median(firsts[name])})
        report.row("server memory when ready", "MiB", higher=False,
                   **{name: statistics.median(ready[name])})
        report.row("server memory after the first call", "MiB", higher=False,
                   **{name: statistics.median(after[name])})


def other_services(report: Report, peers: dict[str, Callable[[], servers.Server]]) -> None:
    """A call to another AWS service (SQS, moto's backend) through ``mockgw serve`` and
    moto's own server: the first one (mockgw loads moto on it), then a steady cycle."""
    seconds = report.seconds(3)
    for name in ("mockgw", "moto"):
        firsts, after = [], []
        for _ in range(2 if report.quick else 3):
            with peers[name]() as server:
                sqs = client("sqs", endpoint_url=server.url)
                started = time.perf_counter()
                sqs.list_queues()
                firsts.append((time.perf_counter() - started) * 1000)
                after.append(server.rss_kib() / 1024)
        report.row("first call to another service (SQS ListQueues)", "ms", higher=False,
                   **{name: statistics.median(firsts)})
        report.row("server memory after the first SQS call", "MiB", higher=False,
                   **{name: statistics.median(after)})
    running = {name: peers[name]() for name in ("mockgw", "moto")}
    best: dict[str, float] = {}
    try:
        for _ in range(report.rounds):
            for name, server in running.items():
                calls = workloads.sqs_calls_per_second(server.url, seconds)
                best[name] = max(best.get(name, 0.0), calls)
    finally:
        for server in running.values():
            server.stop()
    report.row("SQS send/receive/delete on the server (boto3, 1 client)", "calls/s",
               higher=True, **best)
    report.notes.append("Other services: mockgw answers them with moto's backends, "
                        "imported on the first such request (the first-call row).")


def memory(report: Report, peers: dict[str, Callable[[], servers.Server]]) -> None:
    apis, per_api = (20, 50) if report.quick else (100, 100)
    for name, start in peers.items():
        with start() as server:
            c = client(endpoint_url=server.url)
            c.get_rest_apis()
            before = server.rss_kib()
            for n in range(apis):
                api = c.create_rest_api(name=f"m{n}")
                root = api.get("rootResourceId") or \
                    c.get_resources(restApiId=api["id"])["items"][0]["id"]
                for r in range(per_api):
                    c.create_resource(restApiId=api["id"], parentId=root, pathPart=f"r{r}")
            after = server.rss_kib()
        report.row(f"server memory after {apis} APIs x {per_api} resources", "MiB",
                   higher=False, **{name: after / 1024})
        report.row("memory per stored resource", "bytes", higher=False,
                   **{name: (after - before) * 1024 / (apis * per_api)})


def websocket_apis(report: Report) -> None:
    """WebSocket APIs on the server: connect + one round trip, a round trip on an open
    connection, and messages a second with 50 clients connected."""
    from bench import websocket

    seconds = report.seconds(10)
    best: dict[str, float] = {}
    with servers.mockgw() as server:
        url = websocket.deploy(server.url)
        for _ in range(report.rounds):
            connect = websocket.connect_round_trip_ms(url, rounds=50 if report.quick else 200)
            best["connect"] = min(best.get("connect", 1e9), connect["p50"])
            best["connect90"] = min(best.get("connect90", 1e9), connect["p90"])
            best["trip"] = min(best.get("trip", 1e9), websocket.round_trip_ms(url))
            best["rate"] = max(best.get("rate", 0.0),
                               websocket.messages_per_second(url, 50, seconds))
    report.row("WebSocket connect + one round trip, p50", "ms", higher=False,
               mockgw=best["connect"])
    report.row("WebSocket connect + one round trip, p90", "ms", higher=False,
               mockgw=best["connect90"])
    report.row("WebSocket round trip on an open connection, p50", "ms", higher=False,
               mockgw=best["trip"])
    report.row("WebSocket messages answered, 50 clients connected", "msg/s", higher=True,
               mockgw=best["rate"])


# -- targets ------------------------------------------------------------------------------

def targets(report: Report) -> list[tuple[str, bool | None, str]]:
    """``(target, met, figures)`` for each target of the project."""
    by_name = {r.name: r for r in report.rows}

    def fig(row: str, who: str) -> float | None:
        found = by_name.get(row)
        return found.figures.get(who) if found else None

    out = []
    inproc = "control plane in-process (boto3)"
    m, moto, floor = fig(inproc, "mockgw"), fig(inproc, "moto"), fig(inproc, "floor")
    out.append(("in-process control plane >= 1.5x moto", _ge(m, moto, 1.5), _x(m, moto)))
    out.append(("in-process control plane >= 0.67 of the botocore floor",
                _ge(m, floor, 0.67), f"{_ratio(m, floor)} of the floor"))
    m, fl = fig("MOCK invoke in-process (requests)", "mockgw"), fig(
        "MOCK invoke in-process (requests)", "floor")
    out.append(("in-process MOCK invoke (requests) >= 0.8 of the `responses` floor",
                _ge(m, fl, 0.8), f"{_ratio(m, fl)} of the floor"))
    m, fl = fig("import + one mock enter/exit", "mockgw"), fig("import + one mock enter/exit",
                                                                "floor")
    out.append(("import + enter/exit <= 1.3x import boto3",
                None if not (m and fl) else m <= 1.3 * fl, f"{_ratio(m, fl)} of boto3's"))
    server = "control plane on the server (boto3, 1 client)"
    m, ms, mo = fig(server, "mockgw"), fig(server, "ministack"), fig(server, "moto")
    fl = fig(server, "floor")
    out.append(("server control plane >= 1.5x ministack", _ge(m, ms, 1.5),
                f"{_x(m, ms)}; the canned floor {_x(fl, ms)}, mockgw {_ratio(m, fl)} of it"))
    out.append(("server control plane >= 2x moto", _ge(m, mo, 2), _x(m, mo)))
    row = "MOCK invoke, 8 concurrent"
    m, fl, ms = fig(row, "mockgw"), fig(row, "floor"), fig(row, "ministack")
    out.append(("MOCK invoke (8 concurrent) >= 2x ministack", _ge(m, ms, 2), _x(m, ms)))
    canned = fig(f"{row}, {CANNED}", "mockgw")
    out.append(("MOCK invoke (8 concurrent) >= 0.5 of the server's bare hello floor",
                _ge(m, fl, 0.5), f"{_ratio(m, fl)} of the floor; with the REST pipeline "
                                 f"canned, mockgw's server {_ratio(canned, fl)} of it"))
    m, ms = (fig("MOCK invoke, sequential, p50", who) for who in ("mockgw", "ministack"))
    out.append(("sequential MOCK invoke p50 <= ministack's",
                None if not (m and ms) else m <= ms, _x(ms, m)))
    for clients in ("sequential", "8 concurrent"):
        row = f"HTTP_PROXY invoke, {clients}"
        m, ms = fig(row, "mockgw"), fig(row, "ministack")
        out.append((f"HTTP_PROXY invoke ({clients}) >= 1.2x ministack", _ge(m, ms, 1.2),
                    _x(m, ms)))
    m, ms = (fig("spawn to first CreateRestApi answered", who) for who in ("mockgw",
                                                                            "ministack"))
    out.append(("spawn to first CreateRestApi <= ministack's",
                None if not (m and ms) else m <= ms, _x(ms, m)))
    m = fig("server memory when ready", "mockgw")
    out.append(("server memory when ready <= 55 MiB", None if m is None else m <= 55,
                "n/a" if m is None else f"{m:.1f} MiB"))
    sizes = [int(r.name.split(", ")[1].split()[0]) for r in report.rows
             if r.name.startswith("invoke latency, ")]
    if sizes:
        small, large = min(sizes), max(sizes)
        lo, hi = (fig(f"invoke latency, {n} resources", "mockgw") for n in (small, large))
        growth = hi / lo if lo and hi else None
        moto_lo, moto_hi = (fig(f"invoke latency, {n} resources", "moto")
                            for n in (small, large))
        moto_growth = f"; moto {moto_hi / moto_lo:.1f}x" if moto_lo and moto_hi else ""
        out.append((f"invoke latency flat (<= 1.2x) from {small} to {large} resources",
                    None if growth is None else growth <= 1.2,
                    (f"{growth:.2f}x" if growth else "n/a") + moto_growth))
    p50 = fig("Lambda proxy invoke, warm, p50 (Python client)", "mockgw")
    out.append(("warm Lambda proxy invoke p50 < 5 ms", None if p50 is None else p50 < 5,
                "n/a (not served yet)" if p50 is None else f"{p50:.2f} ms"))
    m, mo = fig("memory per stored resource", "mockgw"), fig("memory per stored resource",
                                                             "moto")
    out.append(("memory per stored resource <= moto's",
                None if not (m and mo) else m <= mo,
                f"{m:.0f} vs {mo:.0f} bytes" if m and mo else "n/a"))
    return out


def _ge(mine: float | None, theirs: float | None, factor: float) -> bool | None:
    if not mine or not theirs:
        return None
    return mine >= factor * theirs


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "n/a"


def _x(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


# -- output ---------------------------------------------------------------------------------

PEERS = ("mockgw", "moto", "ministack", "floor", "waitress")


def markdown(report: Report) -> str:
    lines = ["| workload | unit | mockgw | moto | ministack | floor | waitress | vs moto "
             "| vs ministack | vs floor |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in report.rows:
        cells = [_cell(row.figures.get(p)) for p in PEERS]
        ratios = [_times(row.ratio(p)) for p in ("moto", "ministack", "floor")]
        lines.append(f"| {row.name} | {row.unit} | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


def _times(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, small sizes")
    parser.add_argument("--install-peers", action="store_true",
                        help="create bench/.peers with ministack (needs the package index)")
    parser.add_argument("--only", action="append", default=[],
                        choices=["imports", "control", "inprocess", "server", "spawn",
                                 "services", "dataplane", "lambda", "scaling", "memory",
                                 "websocket"])
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.install_peers:
        servers.install_peers()
    servers.compile_mockgw()
    report = Report(args.quick)
    peers: dict[str, Callable[[], servers.Server]] = {"mockgw": servers.mockgw,
                                                      "moto": servers.moto}
    missing = servers.ministack_available()
    if missing:
        report.notes.append(missing)
    else:
        peers["ministack"] = servers.ministack
    steps = {"imports": lambda: import_costs(report),
             "control": lambda: control_in_process(report),
             "inprocess": lambda: invoke_in_process(report),
             "server": lambda: control_on_servers(report, peers),
             "spawn": lambda: spawn(report, peers),
             "services": lambda: other_services(report, peers),
             "dataplane": lambda: data_plane(report, peers),
             "lambda": lambda: lambda_proxy(report, peers),
             "scaling": lambda: scaling(report, peers),
             "memory": lambda: memory(report, peers),
             "websocket": lambda: websocket_apis(report)}
    for name, step in steps.items():
        if not args.only or name in args.only:
            print(f"... {name}", file=sys.stderr, flush=True)
            step()
    print(f"Machine: {platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}"
          f", load generator: {loadgen.generator()}\n")
    print(markdown(report))
    print("\nvs columns: how many times better mockgw is (throughput ratio, or inverse "
          "ratio for times and sizes).")
    for note in report.notes:
        print(f"- {note}")
    print("\nTargets:")
    for label, ok, text in targets(report):
        verdict = {True: "met", False: "MISSED", None: "not measured"}[ok]
        print(f"- {label}: {verdict} ({text})")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"rows": [asdict(r) for r in report.rows], "notes": report.notes},
                      handle, indent=1)
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())

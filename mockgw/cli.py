"""The ``mockgw`` command: ``mockgw serve [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from collections.abc import Iterable, Sequence

log = logging.getLogger("mockgw")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mockgw", description="Amazon API Gateway mock.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the control and data planes on one port")
    serve.add_argument("--host", default=os.environ.get("MOCKGW_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("MOCKGW_PORT", "4566")),
                       help="port to listen on (0 picks a free one)")
    serve.add_argument("--threads", type=int,
                       default=int(os.environ.get("MOCKGW_THREADS", "16")))
    serve.add_argument("--log-level", default=os.environ.get("MOCKGW_LOG_LEVEL", "INFO"))
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve_forever(args.host, args.port, threads=args.threads,
                             log_level=args.log_level)
    return 2  # pragma: no cover - argparse exits first


def serve_forever(host: str, port: int, *, threads: int = 16, log_level: str = "INFO") -> int:
    """Serve until SIGINT or SIGTERM, then close cleanly."""
    from waitress.server import create_server

    from mockgw.server import Application

    logging.basicConfig(level=log_level.upper(), stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = Application()
    server = create_server(_AccessLog(app), host=host, port=port, threads=threads,
                           ident="mockgw", clear_untrusted_proxy_headers=False,
                           channel_timeout=300)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"mockgw serving on http://{host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.instance.close()
        print("mockgw stopped", flush=True)
    return 0


class _AccessLog:
    """WSGI middleware writing one line per request: method, path, status, time."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        started = time.perf_counter()
        status_holder: list[str] = []

        def capture(status: str, headers: list, exc_info=None):
            status_holder.append(status)
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, capture)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            path = environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
            status = status_holder[0].split(" ", 1)[0] if status_holder else "-"
            log.info("%s %s %s %.1fms", environ.get("REQUEST_METHOD"), path, status, elapsed)

"""The ``mockgw`` command: ``mockgw serve [options]``.

Every :class:`~mockgw.settings.Settings` field is an option (``--state-dir``, ...) and a
``MOCKGW_*`` environment variable; ``--openapi FILE --stage NAME`` deploy APIs at start.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import MISSING, fields

from mockgw.settings import SettingError, Settings, env_name, kind_of

log = logging.getLogger("mockgw")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockgw", description="Amazon API Gateway mock.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the control and data planes on one port",
        description="Serve the control plane, the data plane and the admin API on one port. "
                    "Every option also reads the MOCKGW_* variable shown; flags win.")
    for f in fields(Settings):
        _add_setting(serve, f)
    serve.add_argument("--openapi", action="append", default=[], metavar="FILE",
                       help="import this OpenAPI 2.0/3.0 file (JSON or YAML) at start and "
                            "deploy it to the matching --stage (repeatable)")
    serve.add_argument("--stage", action="append", default=[], metavar="NAME",
                       help="stage of the --openapi file at the same position (one --stage "
                            "serves every file)")
    serve.set_defaults(command_parser=serve)
    return parser


def _add_setting(parser: argparse.ArgumentParser, f) -> None:
    flag = "--" + f.name.replace("_", "-")
    default = None if f.default is MISSING else f.default
    shown = "none" if default is None else default
    help_text = f"{f.metadata.get('help', '')} [{env_name(f.name)}, default {shown}]".lstrip()
    kind = kind_of(f.type)
    if kind == "bool":
        parser.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction,
                            default=None, help=help_text)
    else:
        parser.add_argument(flag, dest=f.name, type=int if kind == "int" else str,
                            default=None, metavar=f.name.upper(), help=help_text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from mockgw import startup

    try:
        settings = Settings.from_env(**{f.name: getattr(args, f.name) for f in fields(Settings)})
        definitions = startup.read_definitions(args.openapi, args.stage)
    except (SettingError, startup.StartupError) as exc:
        args.command_parser.error(str(exc))
    return serve_forever(settings, definitions)


def serve_forever(settings: Settings, definitions: Sequence[object] = ()) -> int:
    """Serve until SIGINT or SIGTERM, then close cleanly (state is snapshotted)."""
    from waitress.server import create_server

    from mockgw import control, startup
    from mockgw.headercase import keep_header_case
    from mockgw.instance import Instance
    from mockgw.server import Application
    from mockgw.state.persistence import StateDirError

    logging.basicConfig(level=settings.log_level, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    instance = Instance(settings)
    try:
        if settings.state_dir:
            control.open_state(instance, settings.state_dir)
        for definition in definitions:
            startup.deploy(instance, definition)
    except (StateDirError, startup.StartupError) as exc:
        print(f"mockgw: {exc}", file=sys.stderr, flush=True)
        instance.close()
        return 1
    app = Application(instance)
    wsgi = _AccessLog(app) if log.isEnabledFor(logging.INFO) else app
    server = create_server(wsgi, host=settings.host, port=settings.port,
                           threads=settings.threads, ident="mockgw",
                           clear_untrusted_proxy_headers=False, channel_timeout=300)
    instance.endpoint_url = _local_url(settings.host, server.effective_port)
    keep_header_case(server)  # x-amzn-RequestId as AWS writes it, not X-Amzn-Requestid

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored (a background job)
    print(f"mockgw serving on http://{settings.host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        instance.close()
        print("mockgw stopped", flush=True)
    return 0


def _local_url(host: str, port: int) -> str:
    """The URL this machine reaches the server at (a wildcard address means loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


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

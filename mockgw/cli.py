"""The ``mockgw`` command: ``mockgw serve [options]``.

Every :class:`~mockgw.settings.Settings` field is an option (``--state-dir``, ...) and a
``MOCKGW_*`` environment variable; ``--openapi FILE --stage NAME`` deploy APIs at start.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import MISSING, fields
from typing import TYPE_CHECKING

from mockgw.settings import SettingError, Settings, env_name, kind_of

if TYPE_CHECKING:  # pragma: no cover
    from flask import Flask

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
    serve.add_argument("--app", metavar="MODULE:NAME",
                       help="serve this Flask application made by mockgw.create_app() (or a "
                            "function returning one): mockgw with routes of your own")
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
        app = startup.load_app(args.app) if args.app else None
    except (SettingError, startup.StartupError) as exc:
        args.command_parser.error(str(exc))
    return serve_forever(settings, definitions, app=app)


def run() -> None:
    """The ``mockgw`` command (and ``python -m mockgw``): :func:`main`, then the process
    ends without finalizing the interpreter, whose teardown the server's daemon threads
    (an event loop, the request pool), still winding down, must not meet (state is saved
    and workers stopped before that)."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve_forever(settings: Settings, definitions: Sequence[object] = (), *,
                  app: Flask | None = None) -> int:
    """Serve ``app`` (by default :func:`mockgw.create_app`, either way with a fresh
    instance of ``settings``) until SIGINT or SIGTERM, then close cleanly (state is
    snapshotted, Lambda workers stopped).

    The cyclic garbage collector is off while the server starts: start-up creates ~100,000
    objects that live as long as the process (modules, models, the url_map), and
    collecting while they are made cost 60-90 ms of a ~450 ms start.  Once listening, they
    are frozen (``gc.freeze``: later collections skip them, a full one no longer takes
    ~30 ms) and the collector is on again; a start that replayed ``--state-dir`` or
    imported ``--openapi`` files collects their garbage first."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _serve(settings, definitions, app, collecting)
    finally:
        if collecting:
            gc.enable()


def _serve(settings: Settings, definitions: Sequence[object], app: Flask | None,
           collecting: bool) -> int:
    from mockgw import control, startup
    from mockgw.app import create_app, front_of
    from mockgw.instance import Instance
    from mockgw.serving import Listener, Server, ServerUnavailable, listening_socket

    logging.basicConfig(level=settings.log_level, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    instance = None
    if app is not None:  # the settings of this command, not those the application was made with
        front = front_of(app)
        front.instance.close()
        instance = front.instance = Instance(settings)
    refusals: tuple[type[Exception], ...] = (startup.StartupError, OSError, ServerUnavailable)
    if settings.state_dir:  # sqlite3 (~1 MiB) is imported only then
        from mockgw.state.persistence import StateDirError

        refusals += (StateDirError,)
    try:
        # The port is bound before the application is made: a client connecting meanwhile
        # waits in the backlog and is answered once served, rather than refused and polling.
        listener = Listener(settings.host, settings.port)
        if app is None:
            app = create_app(settings)
            instance = front_of(app).instance
        if settings.state_dir:
            control.open_state(instance, settings.state_dir)
        for definition in definitions:
            startup.deploy(instance, definition)
        server = Server(app, threads=settings.threads,
                        access_log=log.isEnabledFor(logging.INFO), listener=listener)
        instance.endpoint_url = _local_url(settings.host, server.port)  # for Lambda workers
        front = front_of(app)
        websocket_socket = listening_socket(settings.host, settings.websocket_port)
        instance.websocket_url = _local_url(settings.host,
                                            websocket_socket.getsockname()[1], "ws")
    except refusals as exc:
        print(f"mockgw: {exc}", file=sys.stderr, flush=True)
        if instance is not None:
            instance.close()
        return 1
    if settings.state_dir or definitions:  # the garbage of replayed calls and imports,
        gc.collect()  # before what is left is frozen

    def stop(signum: int, frame: object) -> None:
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored (a background job)
    websockets = None
    try:
        server.start()
        gc.freeze()  # what start-up made lives as long as the process: never scanned again
        if collecting:
            gc.enable()
        # The WebSocket listener (websockets' import: ~8 ms) starts while the first HTTP
        # requests are answered; its socket, bound above, keeps connections till then.
        from mockgw.websocket_listener import WebSocketListener

        listener = WebSocketListener(lambda: front.instance, settings.host,
                                     sock=websocket_socket)
        try:
            listener.start()
        except Exception as exc:  # the HTTP server is up: stop it before saying why
            server.stop()
            server.wait()
            print(f"mockgw: WebSocket listener: {exc}", file=sys.stderr, flush=True)
            return 1
        websockets = listener
        print(f"mockgw serving on {server.url} (WebSocket APIs on {websockets.url})",
              flush=True)
        server.wait()
    finally:
        if websockets is not None:
            websockets.stop()
        else:
            websocket_socket.close()
        instance.close()
        print("mockgw stopped", flush=True)
    return 0


def _local_url(host: str, port: int, scheme: str = "http") -> str:
    """The URL this machine reaches the server at (a wildcard address means loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"

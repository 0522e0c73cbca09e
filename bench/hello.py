"""The floors of the data-plane benchmark: ``python -m bench.hello PORT [THREADS] [SERVER]``
serves a bare "hello" WSGI route on uvicorn as ``mockgw serve`` runs it
(:class:`mockgw.serving.Server`, the default; on the server's own thread, where mockgw
answers what never waits) or on waitress (``waitress``)."""

from __future__ import annotations

import signal
import sys

BODY = b"hello"


def app(environ: dict, start_response) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]


def main(port: int, threads: int, server: str) -> None:
    if server == "waitress":
        from waitress import serve

        serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)
        return
    from mockgw.serving import Server

    served = Server(app, "127.0.0.1", port, threads=threads, access_log=False, inline=True)
    signal.signal(signal.SIGTERM, lambda *_: served.stop())
    served.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 16,
         sys.argv[3] if len(sys.argv) > 3 else "uvicorn")

"""The floor of the data-plane benchmark: ``python -m bench.hello PORT [THREADS]`` serves a
bare "hello" WSGI route on waitress, the server ``mockgw serve`` runs on."""

from __future__ import annotations

import sys

from waitress import serve

BODY = b"hello"


def app(environ: dict, start_response) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]


if __name__ == "__main__":
    serve(app, host="127.0.0.1", port=int(sys.argv[1]),
          threads=int(sys.argv[2]) if len(sys.argv) > 2 else 16, _quiet=True)

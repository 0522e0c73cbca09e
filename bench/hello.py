"""The floors of the server benchmarks: ``python -m bench.hello PORT [THREADS] [SERVER] [APP]``
serves a bare "hello" WSGI route (``hello``, the default) or canned answers to the control
plane's calls (``control``) on uvicorn as ``mockgw serve`` runs it
(:class:`mockgw.serving.Server`, the default; on the server's own thread, where mockgw
answers what never waits) or on waitress (``waitress``).  ``pipeline`` is mockgw itself
with the REST data plane's pipeline answering canned: what a MOCK invoke costs the server
around the pipeline."""

from __future__ import annotations

import itertools
import json
import signal
import sys

BODY = b"hello"
#: What the control-plane workload's calls are answered with by the ``control`` floor: a
#: resource (or API) as mockgw returns it, with a request id, so boto3 parses as much.
RESOURCE = json.dumps({"id": "abc123", "parentId": "root12", "pathPart": "r1",
                       "path": "/r1", "name": "bench", "rootResourceId": "root12"}).encode()
_ids = itertools.count()


def hello_app(environ: dict, start_response) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]


def control_app(environ: dict, start_response) -> list[bytes]:
    """Canned answers to the control plane's calls (a server doing no work at all)."""
    request_id = ("x-amzn-RequestId", f"00000000-0000-4000-8000-{next(_ids):012d}")
    if environ["REQUEST_METHOD"] == "DELETE":
        start_response("202 Accepted", [request_id, ("Content-Length", "0")])
        return [b""]
    start_response("201 Created" if environ["REQUEST_METHOD"] == "POST" else "200 OK",
                   [request_id, ("Content-Type", "application/json"),
                    ("Content-Length", str(len(RESOURCE)))])
    return [RESOURCE]


def pipeline_app():
    """mockgw's application whose REST data plane answers every invoke at once, as the
    bench's MOCK method does (body and headers), without running the pipeline."""
    from mockgw import create_app, execute
    from mockgw.protocol.wire import WireResponse

    def canned(instance, target, request, *, inline=False) -> WireResponse:
        return WireResponse(200, [("Content-Type", "application/json"),
                                  ("x-amzn-RequestId",
                                   f"00000000-0000-4000-8000-{next(_ids):012d}"),
                                  ("x-amz-apigw-id", "AAAAAAAAAAAAAAA=")],
                            b'{"hello": "world"}')

    execute.handle = canned
    return create_app()


def main(port: int, threads: int, server: str, kind: str = "hello") -> None:
    if kind == "pipeline":
        from mockgw.serving import Server

        served = Server(pipeline_app(), "127.0.0.1", port, threads=threads, access_log=False)
        signal.signal(signal.SIGTERM, lambda *_: served.stop())
        served.serve_forever()
        return
    app = control_app if kind == "control" else hello_app
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
         sys.argv[3] if len(sys.argv) > 3 else "uvicorn",
         sys.argv[4] if len(sys.argv) > 4 else "hello")

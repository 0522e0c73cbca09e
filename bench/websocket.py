"""WebSocket API workloads: connect + one round trip, and messages a second with many
clients connected, against ``mockgw serve`` (``python -m bench.run --only websocket``).

The API has one two-way route (``ping``, a MOCK integration with a response template), so
the figures are the listener's and the pipeline's own cost, not a backend's.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

import boto3
import requests
from websockets.asyncio.client import connect as connect_async
from websockets.sync.client import connect

from bench.servers import CREDENTIALS

PING = json.dumps({"action": "ping"})


def deploy(endpoint_url: str) -> str:
    """A WebSocket API with a two-way MOCK ``ping`` route on stage ``bench``: its URL."""
    c = boto3.client("apigatewayv2", endpoint_url=endpoint_url, **CREDENTIALS)
    api = c.create_api(Name="bench", ProtocolType="WEBSOCKET",
                       RouteSelectionExpression="$request.body.action")["ApiId"]
    integration = c.create_integration(
        ApiId=api, IntegrationType="MOCK", TemplateSelectionExpression="\\$default",
        RequestTemplates={"$default": '{"statusCode": 200}'})["IntegrationId"]
    c.create_integration_response(
        ApiId=api, IntegrationId=integration, IntegrationResponseKey="$default",
        TemplateSelectionExpression="\\$default", ResponseTemplates={"$default": '{"pong":1}'})
    route = c.create_route(ApiId=api, RouteKey="ping", Target=f"integrations/{integration}",
                           RouteResponseSelectionExpression="$default")["RouteId"]
    c.create_route_response(ApiId=api, RouteId=route, RouteResponseKey="$default")
    c.create_stage(ApiId=api, StageName="bench", AutoDeploy=True)
    base = requests.get(f"{endpoint_url}/_mockgw/health", timeout=10).json()["websocket_url"]
    return f"{base}/_aws/execute-api/{api}/bench"


def connect_round_trip_ms(url: str, rounds: int = 200, warmup: int = 20) -> dict[str, float]:
    """p50 and p90 of: open a connection, one message and its answer, close."""
    times: list[float] = []
    for i in range(warmup + rounds):
        started = time.perf_counter()
        with connect(url, compression=None) as ws:
            ws.send(PING)
            ws.recv(timeout=10)
        if i >= warmup:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p90": times[int(len(times) * 0.9)]}


def round_trip_ms(url: str, rounds: int = 1000) -> float:
    """p50 of one message and its answer on an open connection."""
    times: list[float] = []
    with connect(url, compression=None) as ws:
        for _ in range(rounds):
            started = time.perf_counter()
            ws.send(PING)
            ws.recv(timeout=10)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def messages_per_second(url: str, clients: int = 50, seconds: float = 5.0) -> float:
    """Answered messages a second with ``clients`` connected, each sending its next message
    once the last one was answered."""
    async def main() -> int:
        sockets = [await connect_async(url, compression=None) for _ in range(clients)]
        deadline = time.perf_counter() + seconds
        counts = [0] * clients

        async def run(i: int, ws: Any) -> None:
            while time.perf_counter() < deadline:
                await ws.send(PING)
                await ws.recv()
                counts[i] += 1

        await asyncio.gather(*(run(i, ws) for i, ws in enumerate(sockets)))
        for ws in sockets:
            await ws.close()
        return sum(counts)

    started = time.perf_counter()
    answered = asyncio.run(main())
    return answered / (time.perf_counter() - started)

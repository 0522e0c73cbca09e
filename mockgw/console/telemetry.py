"""What the data plane reported (``mockgw.execute.telemetry``: the data of
``GET /_mockgw/requests`` and ``/_mockgw/metrics``), for one stage's log and chart."""

from __future__ import annotations

from typing import Any

from mockgw.console.source import instance
from mockgw.execute.telemetry import Telemetry

#: Requests a stage's log shows (newest first).
SHOWN = 50


def telemetry() -> Telemetry:
    return instance().service("execute.telemetry", Telemetry)


def stage_requests(account: str, region: str, api_id: str, stage: str,
                   limit: int = SHOWN) -> list[dict[str, Any]]:
    """The stage's recent requests, newest first."""
    return telemetry().requests(api_id=api_id, stage=stage, account=account, region=region,
                                limit=limit)


def stage_metrics(account: str, region: str, api_id: str, stage: str) -> dict[str, Any] | None:
    """The stage's metrics (production and canary), ``None`` before its first request."""
    for found in telemetry().metrics(api_id=api_id, stage=stage):
        if found["accountId"] == account and found["region"] == region:
            return found
    return None

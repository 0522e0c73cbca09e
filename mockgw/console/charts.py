"""The geometry of a stage's small charts (drawn as inline SVG by the templates, so they
need no JavaScript): the latency of its recent requests, and its counts by outcome."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from mockgw.console.present import status_class, when_ms

WIDTH, HEIGHT = 640, 150
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 22
SLOTS = 60  # requests the latency chart shows


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str  # ok | client | server (| canary, added)
    title: str
    href: str = ""


@dataclass
class Line:
    y: float
    label: str
    label_y: float = 0.0


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    ticks: list[Line] = field(default_factory=list)
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM
    empty: bool = True


def _ceiling(value: float) -> float:
    """A round number at or above ``value`` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def latency_chart(requests: list[dict[str, Any]], latency: dict[str, Any] | None,
                  link: Any = None) -> Chart:
    """One bar per recent request (oldest left), coloured by status class, with the
    stage's p50/p90/p99 latency as lines; ``link(request)`` gives a bar's page."""
    chart = Chart()
    shown = list(reversed(requests[:SLOTS]))
    if not shown:
        return chart
    chart.empty = False
    percentiles = {name: latency[name] for name in ("p50", "p90", "p99")
                   if latency and name in latency}
    top = _ceiling(max([r["responseLatency"] or 0 for r in shown]
                       + list(percentiles.values())))
    plot_height = chart.bottom - TOP
    slot = (chart.right - chart.left) / SLOTS

    def y_of(value: float) -> float:
        return chart.bottom - plot_height * min(value, top) / top

    for i, found in enumerate(shown):
        value = found["responseLatency"] or 0
        y = y_of(value)
        kind = status_class(found["status"]) + (" canary" if found["isCanaryRequest"] else "")
        title = (f"{when_ms(found['requestTimeEpoch'])} {found['httpMethod']} "
                 f"{found['path']} → {found['status']} in {value:g} ms"
                 + (" (canary)" if found["isCanaryRequest"] else ""))
        chart.bars.append(Bar(round(chart.left + i * slot + slot * 0.15, 2), round(y, 2),
                              round(slot * 0.7, 2), round(max(chart.bottom - y, 1), 2),
                              kind, title, link(found) if link else ""))
    label_y = float(chart.bottom)
    for name, value in percentiles.items():  # p50 lowest; labels kept a line apart
        y = y_of(value)
        label_y = min(y - 3, label_y - 12)
        chart.lines.append(Line(round(y, 2), f"{name} {value:g} ms", round(label_y, 2)))
    chart.ticks = [Line(round(y_of(value), 2), f"{value:g} ms") for value in (0, top / 2, top)]
    return chart


@dataclass
class CountRow:
    label: str
    count: int
    segments: list[Bar]
    cache: str


def count_rows(metrics: dict[str, Any] | None, width: int = 360) -> list[CountRow]:
    """A stacked bar per traffic series (production, canary): successes, 4XX, 5XX."""
    if metrics is None:
        return []
    series = [("Production", metrics["production"]), ("Canary", metrics["canary"])]
    most = max(s["Count"] for _, s in series) or 1
    rows = []
    for label, found in series:
        if label == "Canary" and not found["Count"]:
            continue
        ok = found["Count"] - found["4XXError"] - found["5XXError"]
        x = 0.0
        segments = []
        for kind, count, what in (("ok", ok, "other"), ("client", found["4XXError"], "4XX"),
                                  ("server", found["5XXError"], "5XX")):
            size = width * count / most
            if count:
                segments.append(Bar(round(x, 2), 0, round(size, 2), 16, kind,
                                    f"{count} {what}"))
            x += size
        cache = ""
        if found["CacheHitCount"] or found["CacheMissCount"]:
            cache = f"cache {found['CacheHitCount']} hits, {found['CacheMissCount']} misses"
        rows.append(CountRow(label, found["Count"], segments, cache))
    return rows

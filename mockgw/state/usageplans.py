"""API keys, usage plans and the usage they meter: the table layout, and the few
operations the control plane and the data plane share.

Tables of a region store::

    apigateway.apikeys     key id  -> {...ApiKey fields...}
    apigateway.usageplans  plan id -> {"plan": {...UsagePlan fields...},
                                       "keys": [api key id, ...]}
    apigateway.usage       plan id -> {api key id: {"used": {"YYYY-MM-DD": n},
                                                    "granted": {"YYYY-MM-DD": n}}}

``used`` counts the requests a key made on a (UTC) day; ``granted`` holds the quota
changes UpdateUsage made on a day.  A quota's remaining count on a day is the plan's
limit, minus what the key used, plus what was granted, from the start of that day's quota
period (DAY, WEEK from the ``offset``-th weekday counting Sunday as 0, MONTH from day
``offset + 1``) up to and including the day.

The data plane calls :func:`find_plan` to authorise a key and :func:`record_request` to
count a request against its quota; both take the clock as an argument, so tests can
drive them with fixed times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from mockgw.state.backends import RegionStore

APIKEYS = "apigateway.apikeys"
USAGEPLANS = "apigateway.usageplans"
USAGE = "apigateway.usage"

DAY_FORMAT = "%Y-%m-%d"


def day_of(now: float) -> dt.date:
    """The UTC day of the epoch time ``now``."""
    return dt.datetime.fromtimestamp(now, dt.UTC).date()


def period_start(quota: dict, day: dt.date) -> dt.date:
    """The first day of the quota period that contains ``day``."""
    offset = quota.get("offset", 0)
    period = quota["period"]
    if period == "WEEK":
        weekday = (day.weekday() + 1) % 7  # Sunday is 0, as AWS counts the offset
        return day - dt.timedelta(days=(weekday - offset) % 7)
    if period == "MONTH":
        start = day.replace(day=offset + 1)
        if start > day:
            previous = day.replace(day=1) - dt.timedelta(days=1)
            start = previous.replace(day=offset + 1)
        return start
    return day


def days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every day from ``first`` to ``last``, both included."""
    for n in range((last - first).days + 1):
        yield first + dt.timedelta(days=n)


def key_usage(store: RegionStore, plan_id: str, key_id: str, *, create: bool = False) -> dict:
    """The usage record of ``key_id`` in plan ``plan_id`` (an empty one if none; stored
    with ``create``)."""
    if not create:
        return store.table(USAGE).get(plan_id, {}).get(key_id) or {"used": {}, "granted": {}}
    per_plan = store.table(USAGE).setdefault(plan_id, {})
    return per_plan.setdefault(key_id, {"used": {}, "granted": {}})


def remaining(plan: dict, usage: dict, day: dt.date) -> int | None:
    """What is left of the plan's quota at the end of ``day`` (``None``: no quota)."""
    quota = plan.get("quota")
    if not quota:
        return None
    left = quota["limit"]
    for each in days(period_start(quota, day), day):
        name = each.strftime(DAY_FORMAT)
        left += usage["granted"].get(name, 0) - usage["used"].get(name, 0)
    return left


def daily_log(plan: dict, usage: dict, first: dt.date, last: dt.date) -> list[list[int]]:
    """GetUsage's ``[used, remaining]`` per day from ``first`` to ``last``.

    A plan without a quota reports 0 remaining.
    """
    return [[usage["used"].get(day.strftime(DAY_FORMAT), 0), remaining(plan, usage, day) or 0]
            for day in days(first, last)]


def grant(plan: dict, usage: dict, day: dt.date, left: int) -> None:
    """Make ``left`` the quota remaining on ``day`` (UpdateUsage)."""
    current = remaining(plan, usage, day) or 0
    name = day.strftime(DAY_FORMAT)
    usage["granted"][name] = usage["granted"].get(name, 0) + left - current


def find_plan(store: RegionStore, api_id: str, stage: str,
              key_value: str) -> tuple[dict, dict] | None:
    """The ``(api key, usage plan record)`` that admit ``key_value`` to ``api_id``'s
    ``stage``: an enabled key of that value in a plan that lists the stage."""
    with store.lock:
        key = next((k for k in store.table(APIKEYS).values() if k["value"] == key_value),
                   None)
        if key is None or not key["enabled"]:
            return None
        for record in store.table(USAGEPLANS).values():
            staged = any(s["apiId"] == api_id and s["stage"] == stage
                         for s in record["plan"]["apiStages"])
            if staged and key["id"] in record["keys"]:
                return key, record
    return None


def record_request(store: RegionStore, plan_id: str, key_id: str, now: float) -> bool:
    """Count one request of ``key_id`` under plan ``plan_id`` at epoch time ``now``.

    Returns False, counting nothing, when the plan's quota for the current period is
    spent (the data plane then answers 429 ``Limit Exceeded``).
    """
    with store.lock:
        record = store.table(USAGEPLANS).get(plan_id)
        if record is None:
            return False
        usage = key_usage(store, plan_id, key_id, create=True)
        day = day_of(now)
        left = remaining(record["plan"], usage, day)
        if left is not None and left <= 0:
            return False
        name = day.strftime(DAY_FORMAT)
        usage["used"][name] = usage["used"].get(name, 0) + 1
        return True


def remaining_quota(store: RegionStore, plan_id: str, key_id: str, now: float) -> int | None:
    """The quota ``key_id`` has left in plan ``plan_id`` at ``now`` (``None``: no quota)."""
    with store.lock:
        record = store.table(USAGEPLANS).get(plan_id)
        if record is None:
            return None
        return remaining(record["plan"], key_usage(store, plan_id, key_id), day_of(now))

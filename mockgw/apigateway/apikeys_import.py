"""ImportApiKeys: API keys, and the usage plans they join, from AWS's API key CSV file.

The file needs ``Name`` and ``Key`` columns and may have ``Description``, ``Enabled`` and
``UsagePlanIds`` (a comma-separated list in double or single quotes); header names are
case-insensitive, columns come in any order, other columns are ignored.  ``Enabled``
defaults to true.  A key whose value exists already is overwritten (same id).  Rows that
cannot be imported become warnings; with ``failonwarnings=true`` nothing is imported.
"""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.apikeys import api_keys, check_value, key_with_value, new_key
from mockgw.apigateway.registry import operation
from mockgw.apigateway.usageplans import plans_of_key, stage_conflict, usage_plans
from mockgw.errors import BadRequestException
from mockgw.operations import Call

#: AWS's key file allows longer keys only (CreateApiKey takes 20 characters).
MIN_IMPORTED_VALUE = 30
_CELL = re.compile(r"""\s*("[^"]*"|'[^']*'|[^,]*)\s*(,|$)""")


@operation("ImportApiKeys")
def import_api_keys(call: Call, params: dict[str, Any]) -> dict:
    lines = [line for line in params["body"].decode("utf-8-sig").splitlines() if line.strip()]
    if not lines:
        raise BadRequestException("Invalid API Key file: the file is empty")
    header = [cell.lower() for cell in _cells(lines[0])]
    missing = [name for name in ("name", "key") if name not in header]
    if missing:
        raise BadRequestException(
            f"Invalid API Key file: missing required column(s): {', '.join(missing)}")
    rows, warnings = [], []
    for number, line in enumerate(lines[1:], start=2):
        row = dict(zip(header, _cells(line), strict=False))
        problem = _check_row(call, row)
        if problem:
            warnings.append(f"Line {number}: {problem}")
        else:
            rows.append(row)
    if warnings and params.get("failOnWarnings"):
        raise BadRequestException("; ".join(warnings))
    return {"ids": [_import(call, row) for row in rows], "warnings": warnings}


def _cells(line: str) -> list[str]:
    """The cells of one CSV line; a cell in double or single quotes may hold commas."""
    cells, pos = [], 0
    while True:
        match = _CELL.match(line, pos)
        cell = match.group(1).strip()
        quoted = len(cell) > 1 and cell[0] == cell[-1] and cell[0] in "\"'"
        cells.append(cell[1:-1] if quoted else cell)
        if not match.group(2):
            return cells
        pos = match.end()


def _plan_ids(row: dict) -> list[str]:
    return [p.strip() for p in row.get("usageplanids", "").split(",") if p.strip()]


def _check_row(call: Call, row: dict) -> str | None:
    """Why ``row`` cannot be imported (``None`` if it can)."""
    problem = check_value(row.get("key", ""), MIN_IMPORTED_VALUE)
    if problem:
        return problem
    plans = usage_plans(call)
    unknown = [p for p in _plan_ids(row) if p not in plans]
    if unknown:
        return f"Invalid Usage Plan ID specified: {unknown[0]}"
    existing = key_with_value(call, row["key"])
    key_id = existing["id"] if existing else "(new key)"
    joining = [plans[p]["plan"] for p in _plan_ids(row)
               if existing is None or existing["id"] not in plans[p]["keys"]]
    joined = plans_of_key(call, existing["id"]) if existing else []
    return stage_conflict(key_id, [*joined, *joining])


def _import(call: Call, row: dict) -> str:
    """Create (or overwrite) the key of ``row`` and add it to its plans; its id."""
    key = key_with_value(call, row["key"]) or new_key(call, row["key"])
    key["name"] = row.get("name", "")
    key.pop("description", None)
    if row.get("description"):
        key["description"] = row["description"]
    key["enabled"] = row.get("enabled", "true").lower() in ("true", "")
    key["lastUpdatedDate"] = call.now()
    api_keys(call)[key["id"]] = key
    for plan_id in _plan_ids(row):
        members = usage_plans(call)[plan_id]["keys"]
        if key["id"] not in members:
            members.append(key["id"])
    return key["id"]

"""The services moto serves, by moto's names, known without importing moto (``import moto``
costs a third of a second and tens of MiB, which ``GET /_mockgw/health`` must not pay)."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path

_ENTRY = re.compile(r'\(\s*"(\w+)",\s*re\.compile')


@functools.cache
def moto_services() -> tuple[str, ...]:
    """moto's backends that answer by URL (its ``backend_index``), sorted; empty when
    moto is not installed."""
    index = sys.modules.get("moto.backend_index")
    if index is not None:
        return tuple(sorted({name for name, _ in index.backend_url_patterns}))
    spec = importlib.util.find_spec("moto")
    if spec is None or not spec.submodule_search_locations:
        return ()
    for folder in spec.submodule_search_locations:
        source = Path(folder) / "backend_index.py"
        if source.is_file():
            return tuple(sorted(set(_ENTRY.findall(source.read_text()))))
    return ()


@functools.cache
def moto_version() -> str | None:
    """The installed moto's version, or ``None`` (read once: parsing its metadata took
    ~0.9 of the ~1 ms ``GET /_mockgw/health`` cost on every poll)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("moto")
    except PackageNotFoundError:
        return None

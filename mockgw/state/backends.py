"""Stores of control-plane state, one per (account, region) as AWS isolates them.

A store holds named tables (``"apigateway.restapis"``, ``"lambda.functions"`` ...), each a
plain ``dict`` of JSON-like records, so every piece of state can be copied, dumped and
restored without knowing what it holds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from mockgw.state.tree import copy_tree


class RegionStore:
    """The state of one account in one region.

    ``lock`` serialises control-plane writers; readers on the data plane use immutable
    snapshots and do not take it.
    """

    __slots__ = ("account", "lock", "region", "tables")

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.lock = threading.RLock()
        self.tables: dict[str, dict[str, Any]] = {}

    def table(self, name: str) -> dict[str, Any]:
        """The table called ``name``, created empty on first use."""
        try:
            return self.tables[name]
        except KeyError:
            return self.tables.setdefault(name, {})

    def dump(self) -> dict[str, Any]:
        """A deep copy of every table (for the admin dump and persistence)."""
        with self.lock:
            return copy_tree(self.tables)

    def load(self, tables: dict[str, Any]) -> None:
        with self.lock:
            self.tables = copy_tree(tables)


class Backends:
    """Every store of one mockgw instance, created on first use."""

    def __init__(self) -> None:
        self._stores: dict[tuple[str, str], RegionStore] = {}
        self._lock = threading.Lock()

    def store(self, account: str, region: str) -> RegionStore:
        key = (account, region)
        found = self._stores.get(key)
        if found is not None:
            return found
        with self._lock:
            return self._stores.setdefault(key, RegionStore(account, region))

    def find(self, account: str, region: str) -> RegionStore | None:
        """The store for (account, region) if anything ever touched it."""
        return self._stores.get((account, region))

    def __iter__(self) -> Iterator[RegionStore]:
        return iter(list(self._stores.values()))

    def reset(self) -> None:
        with self._lock:
            self._stores = {}

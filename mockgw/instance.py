"""One independent mockgw: its state, settings and the services that act on them.

The server owns one instance; every entry of ``mock_apigateway`` creates a fresh one.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockgw.clock import Clock
from mockgw.settings import Settings
from mockgw.state import Backends

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.state.persistence import StateFile


class Instance:
    """State and services of one mockgw.

    Subsystems that need per-instance machinery (the Lambda worker pool, access logs,
    caches) register a factory with :meth:`service`; :meth:`close` closes them all.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.backends = Backends()
        self.random = random.Random(self.settings.seed)
        self.clock = Clock()
        self.state: StateFile | None = None  # durable state (``control.open_state``)
        #: The server's base URL under ``mockgw serve`` (functions' ``AWS_ENDPOINT_URL``).
        self.endpoint_url: str | None = None
        #: The base URL of the WebSocket listener serving this instance (``ws://...``), once
        #: one does (``GET /_mockgw/health`` reports it).
        self.websocket_url: str | None = None
        self._services: dict[str, Any] = {}
        self._lock = threading.Lock()

    def service(self, name: str, factory: Callable[[Instance], Any]) -> Any:
        """The instance's ``name`` service, created by ``factory`` on first use."""
        found = self._services.get(name)
        if found is not None:
            return found
        with self._lock:
            if name not in self._services:
                self._services[name] = factory(self)
            return self._services[name]

    def reset(self) -> None:
        """Forget all state and stop all services (``POST /_mockgw/reset``), moto's
        state too when this instance serves other AWS services; a seeded instance starts
        its random sequence (ids, canary splits) over."""
        from mockgw import services

        services.reset(self)
        self._close_services()
        self.backends.reset()
        self.clock.thaw()
        self.random.seed(self.settings.seed)
        if self.state is not None:
            self.state.replace(self.backends)

    def dump(self) -> dict[str, Any]:
        """All state: ``{"stores": [{"account", "region", "tables"}]}`` (deep copies)."""
        return {"stores": [{"account": s.account, "region": s.region, "tables": s.dump()}
                           for s in self.backends]}

    def load(self, doc: dict[str, Any]) -> None:
        """Replace all state with a :meth:`dump` (services restart, as on reset)."""
        stores = [(s["account"], s["region"], s["tables"]) for s in doc["stores"]]
        self._close_services()
        self.backends.reset()
        for account, region, tables in stores:
            self.backends.store(account, region).load(tables)
        if self.state is not None:
            self.state.replace(self.backends)

    def close(self) -> None:
        self._close_services()
        if self.state is not None:
            self.state.snapshot_all(self.backends)
            self.state.close()
            self.state = None

    def _close_services(self) -> None:
        with self._lock:
            services, self._services = self._services, {}
        for svc in services.values():
            close = getattr(svc, "close", None)
            if close is not None:
                close()

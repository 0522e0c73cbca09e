"""The clock data-plane limits read: real time, or frozen and advanced by tests."""

from __future__ import annotations

import threading
import time


class Clock:
    """Epoch seconds.  ``freeze(at)`` stops time, ``advance(s)`` moves it, ``thaw()`` makes
    it real again — so throttling and quotas can be tested without sleeping."""

    def __init__(self) -> None:
        self._frozen: float | None = None
        self._lock = threading.Lock()

    def __call__(self) -> float:
        frozen = self._frozen
        return time.time() if frozen is None else frozen

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def freeze(self, at: float | None = None) -> None:
        with self._lock:
            self._frozen = time.time() if at is None else float(at)

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen is None:
                self._frozen = time.time()
            self._frozen += seconds

    def thaw(self) -> None:
        with self._lock:
            self._frozen = None

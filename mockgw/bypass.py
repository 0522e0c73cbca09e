"""Calls mockgw itself makes to other endpoints while a mock is active.

A botocore call made inside ``with bypass():`` goes out for real instead of being answered
in-process (a Lambda invoke forwarded to ``AWS_ENDPOINT_URL_LAMBDA``, say).  It lives below
both the in-process mock, which honours it, and the runtime, which uses it.
"""

from __future__ import annotations

import threading

_state = threading.local()


class bypass:  # noqa: N801 (reads as a statement: with bypass():)
    """Context manager: botocore calls made inside it (in this thread) are not mocked."""

    def __enter__(self) -> None:
        _state.depth = getattr(_state, "depth", 0) + 1

    def __exit__(self, *exc: object) -> None:
        _state.depth -= 1


def active() -> bool:
    """Whether the current thread is inside ``with bypass():``."""
    return getattr(_state, "depth", 0) > 0

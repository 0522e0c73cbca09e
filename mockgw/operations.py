"""The registry that wires control-plane handlers to the operations of a service model.

A handler is a plain function ``handler(call, params) -> dict``: it receives the parsed
input of one operation as a dict (member names as in the botocore model) and returns the
output dict, or raises a :class:`mockgw.errors.ServiceError`.  It never sees HTTP.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance
    from mockgw.state.backends import RegionStore

Handler = Callable[["Call", dict[str, Any]], dict[str, Any] | None]

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True, slots=True)
class Operation:
    """A registered handler and how the dispatcher must run it."""

    service: str
    name: str
    func: Handler
    locked: bool = True  # run under the region store's lock (False for long calls)


class OperationTable:
    """Handlers of one service, filled by decorating functions::

        operation = OperationTable("apigateway")

        @operation("GetRestApi")
        def get_rest_api(call, params): ...
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self.handlers: dict[str, Operation] = {}

    def __call__(self, name: str, *, locked: bool = True) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            if name in self.handlers:
                raise ValueError(f"{self.service}.{name} registered twice")
            self.handlers[name] = Operation(self.service, name, func, locked)
            return func

        return register

    def get(self, name: str) -> Operation | None:
        return self.handlers.get(name)


class Call:
    """What a handler knows about the request it serves.

    Time and randomness go through the call (``now``, ``new_id``) so that a recorded call
    can be replayed to the same state.
    """

    __slots__ = (
        "account",
        "generated",
        "instance",
        "operation",
        "region",
        "request_id",
        "service",
        "store",
    )

    def __init__(self, *, service: str, operation: str, account: str, region: str,
                 store: RegionStore, instance: Instance, request_id: str | None = None) -> None:
        self.service = service
        self.operation = operation
        self.account = account
        self.region = region
        self.store = store
        self.instance = instance
        self.request_id = request_id or str(uuid.uuid4())
        self.generated: list[Any] = []

    def now(self) -> int:
        """The current time as whole epoch seconds (AWS's precision for most dates)."""
        value = int(time.time())
        self.generated.append(value)
        return value

    def new_id(self, length: int = 10, alphabet: str = _ID_ALPHABET, *,
               avoid: Container[str] = ()) -> str:
        """A fresh random identifier shaped like AWS's (lowercase alphanumerics), not one
        of ``avoid`` (the ids already taken)."""
        while True:
            value = "".join(self.instance.random.choice(alphabet) for _ in range(length))
            if value not in avoid:
                break
        self.generated.append(value)
        return value

    def arn(self, service: str, resource: str, *, account: bool = True) -> str:
        """An ARN in this call's partition and region."""
        acct = self.account if account else ""
        return f"arn:aws:{service}:{self.region}:{acct}:{resource}"

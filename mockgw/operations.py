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

    Time, randomness and anything else that would differ if the call ran again go through
    the call (``now``, ``new_id``, ``remember``): the values are recorded in ``generated``,
    so that a persisted call replays to the same state (``replayed`` gives them back).
    ``endpoint`` is the API stage ``(api_id, stage)`` whose execute-api endpoint the request
    came through (``@connections`` calls), ``None`` for the control plane's own.
    """

    __slots__ = (
        "_replayed",
        "account",
        "endpoint",
        "generated",
        "instance",
        "operation",
        "region",
        "request_id",
        "service",
        "store",
    )

    def __init__(self, *, service: str, operation: str, account: str, region: str,
                 store: RegionStore, instance: Instance, request_id: str | None = None,
                 replayed: list[Any] | None = None,
                 endpoint: tuple[str, str] | None = None) -> None:
        self.service = service
        self.operation = operation
        self.account = account
        self.region = region
        self.store = store
        self.instance = instance
        self.endpoint = endpoint
        self.request_id = request_id or str(uuid.uuid4())
        self.generated: list[Any] = []
        self._replayed = list(reversed(replayed)) if replayed else None

    def now(self) -> int:
        """The current time as whole epoch seconds (AWS's precision for most dates)."""
        return self.remember(lambda: int(time.time()))

    def new_id(self, length: int = 10, alphabet: str = _ID_ALPHABET, *,
               avoid: Container[str] = ()) -> str:
        """A fresh random identifier shaped like AWS's (lowercase alphanumerics), not one
        of ``avoid`` (the ids already taken)."""
        choice = self.instance.random.choice

        def fresh() -> str:
            while True:
                value = "".join(choice(alphabet) for _ in range(length))
                if value not in avoid:
                    return value

        return self.remember(fresh)

    def remember(self, produce: Callable[[], Any]) -> Any:
        """``produce()``, recorded; when the call is replayed, the value it had then.

        Wrap here whatever a handler stores that would come out differently if it ran
        again (random values, fetched content).  The value must be JSON-like (bytes too).
        """
        value = self._replayed.pop() if self._replayed else produce()
        self.generated.append(value)
        return value

    def arn(self, service: str, resource: str, *, account: bool = True) -> str:
        """An ARN in this call's partition and region."""
        acct = self.account if account else ""
        return f"arn:aws:{service}:{self.region}:{acct}:{resource}"

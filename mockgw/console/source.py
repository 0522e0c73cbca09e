"""What the console reads and changes, always through the control plane's handlers.

A :class:`Source` is one account and region of the instance the application serves; its
:meth:`~Source.call` runs an operation's handler exactly as a boto3 call would reach it
(``control.execute``: the store's lock, and the journal of ``--state-dir`` for calls that
change state), so the console never has a second way to change anything.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from flask import abort, current_app

from mockgw import control
from mockgw.errors import ServiceError
from mockgw.instance import Instance
from mockgw.state import RegionStore

log = logging.getLogger("mockgw.console")

#: The largest page each list operation takes (``limit`` / ``MaxResults``).
_PAGE = {"apigateway": ("limit", 500, "position", "items"),
         "apigatewayv2": ("MaxResults", "500", "NextToken", "Items")}


class ActionFailed(Exception):
    """A console action the handler refused (its message is shown on the page)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def instance() -> Instance:
    """The instance the current application serves."""
    return current_app.extensions["mockgw"].instance


def stores() -> list[RegionStore]:
    """Every account and region that holds state, in order."""
    return sorted(instance().backends, key=lambda s: (s.account, s.region))


class Source:
    """The control plane of one account and region, as the console uses it."""

    def __init__(self, account: str, region: str, *, create: bool = False) -> None:
        self.instance = instance()
        self.account, self.region = account, region
        if not create and self.instance.backends.find(account, region) is None:
            abort(404, f"Nothing was ever created in account {account}, region {region}")

    def call(self, service: str, name: str, **params: Any) -> Any:
        """The output of ``service.name`` with ``params`` (model member names); raises
        the handler's :class:`~mockgw.errors.ServiceError`."""
        op = control.operations()[(service, name)]
        return control.execute(self.instance, op, params, self.account, self.region,
                               str(uuid.uuid4()))

    def act(self, service: str, name: str, **params: Any) -> Any:
        """Like :meth:`call`, for an action: a refusal becomes :class:`ActionFailed` with
        the handler's message; a failure of ours is logged and reported the same way."""
        try:
            return self.call(service, name, **params)
        except ServiceError as error:
            raise ActionFailed(error.message or error.code, error.code) from None
        except Exception as error:  # a bug of ours: say so on the page, never a 500
            log.exception("console action %s.%s failed", service, name)
            raise ActionFailed(f"{name} failed inside mockgw: {error!r} (see the server "
                               "log)", "InternalFailure") from None

    def all(self, service: str, name: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paginated list operation (all pages)."""
        return list(self._pages(service, name, params))

    def _pages(self, service: str, name: str, params: dict[str, Any]) -> Iterator[dict]:
        size_name, size, token_name, items_key = _PAGE[service]
        params = {size_name: size, **params}
        while True:
            out = self.call(service, name, **params)
            yield from out.get(items_key) or out.get("item") or []
            token = out.get(token_name)
            if not token:
                return
            params[token_name] = token

    def found(self, service: str, name: str, **params: Any) -> Any:
        """Like :meth:`call` for reading one thing; a ``NotFoundException`` answers 404."""
        try:
            return self.call(service, name, **params)
        except ServiceError as error:
            if error.status == 404:
                abort(404, error.message or error.code)
            raise

    def maybe(self, service: str, name: str, default: Any = None, **params: Any) -> Any:
        """Like :meth:`call`, ``default`` when the handler refuses (a missing part)."""
        try:
            return self.call(service, name, **params)
        except ServiceError:
            return default

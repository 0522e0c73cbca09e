"""The control plane: one model-driven dispatcher for every served service.

The application routes a request to its operation (``mockgw.protocol.rules``, matched by
Flask's url_map); :func:`handle` parses it, runs the operation's handler and serializes
the output or error, all from the botocore model.
"""

from __future__ import annotations

import functools
import importlib
import logging
from typing import Any

from mockgw.errors import ServiceError, UnknownOperationError
from mockgw.instance import Instance
from mockgw.operations import Call, Operation
from mockgw.protocol.identity import caller
from mockgw.protocol.models import SERVICES, service_model
from mockgw.protocol.parsing import parse_request
from mockgw.protocol.rules import Route
from mockgw.protocol.serializing import (
    not_implemented,
    serialize_error,
    serialize_output,
)
from mockgw.protocol.wire import WireRequest, WireResponse
from mockgw.requestids import new_request_id

log = logging.getLogger("mockgw.control")


#: The package of each service's handlers (imported when the service is first called).
_PACKAGES = {"apigateway": "mockgw.apigateway", "apigatewayv2": "mockgw.apigatewayv2",
             "apigatewaymanagementapi": "mockgw.apigatewaymanagementapi",
             "lambda": "mockgw.lambda_"}
_TABLE: dict[tuple[str, str], Operation] = {}


@functools.cache
def _load(service: str) -> None:
    """Import ``service``'s handlers into the table: a server's first call to API Gateway
    does not pay for the other services' handlers and what they import."""
    package = _PACKAGES.get(service)
    if package is not None:
        for op in importlib.import_module(package).operation.handlers.values():
            _TABLE[(op.service, op.name)] = op


def operation(service: str, name: str) -> Operation | None:
    """The handler of ``service.name``, or ``None`` when nobody implemented it."""
    _load(service)
    return _TABLE.get((service, name))


def operations() -> dict[tuple[str, str], Operation]:
    """Every registered handler, by (service, operation)."""
    for service in _PACKAGES:
        _load(service)
    return _TABLE


def handle(instance: Instance, request: WireRequest, route: Route | None,
           labels: dict[str, str], *, endpoint: tuple[str, str] | None = None) -> WireResponse:
    """Answer one control-plane request for the operation of ``route`` (``None``: no
    operation matches), whose URI labels are ``labels``; ``endpoint`` is the API stage
    whose execute-api endpoint it came through (``@connections``, :class:`Call`)."""
    request_id = new_request_id()
    if route is None:
        return unknown_operation(request, request_id)
    service, name = route.service, route.operation
    try:
        params = parse_request(service, name, request, labels)
        op = operation(service, name)
        if op is None:
            raise not_implemented(service, name)
        account, region, _key = caller(request.headers, request.query,
                                       default_account=instance.settings.account,
                                       default_region=instance.settings.region)
        output = execute(instance, op, params, account, region, request_id,
                         endpoint=endpoint)
        return serialize_output(service, name, output, request_id)
    except ServiceError as error:
        return serialize_error(service, error, request_id)
    except Exception:  # a bug of ours: answer like AWS's internal error, log the trace
        log.exception("%s.%s failed", service, name)
        error = ServiceError("Internal server error", code=_internal_code(service),
                             status=500)
        return serialize_error(service, error, request_id)


def unknown_operation(request: WireRequest, request_id: str | None = None) -> WireResponse:
    """The modeled error answering a request that matches no operation."""
    error = UnknownOperationError(
        f"No operation of {', '.join(SERVICES)} matches {request.method} {request.path}")
    return serialize_error("apigateway", error, request_id or new_request_id())


def execute(instance: Instance, op: Operation, params: dict[str, Any], account: str,
            region: str, request_id: str, *, replayed: list[Any] | None = None,
            endpoint: tuple[str, str] | None = None) -> Any:
    """Run ``op``'s handler for (account, region) as a request would, and return its output.

    When state persists (``instance.state``), a successful call that changes state is
    journaled before this returns; ``replayed`` (the values a journaled call generated)
    replays one instead.
    """
    store = instance.backends.store(account, region)
    call = Call(service=op.service, operation=op.name, account=account, region=region,
                store=store, instance=instance, request_id=request_id, replayed=replayed,
                endpoint=endpoint)
    state = instance.state if replayed is None else None
    journaled = state is not None and changes_state(op.service, op.name)
    if not op.locked:  # a long call: it takes the lock itself, around state access
        output = op.func(call, params)
        if journaled:
            with store.lock:
                state.append(store, op.service, op.name, request_id, params, call.generated)
        return output
    with store.lock:
        output = op.func(call, params)
        if journaled:
            state.append(store, op.service, op.name, request_id, params, call.generated)
    return output


#: Operations sent with POST that change no control-plane state (replaying one would
#: run user code or call a backend again).
_NOT_STATE_CHANGING = frozenset({
    "Invoke", "InvokeAsync", "InvokeWithResponseStream", "TestInvokeMethod",
    "TestInvokeAuthorizer", "FlushStageCache", "FlushStageAuthorizersCache",
    "ResetAuthorizersCache", "PostToConnection"})


@functools.cache
def changes_state(service: str, name: str) -> bool:
    """Whether a successful ``service.name`` call may change state (and is journaled)."""
    if service == "apigatewaymanagementapi":  # live connections, no stored state
        return False
    http = service_model(service).operation_model(name).http
    return http.get("method", "POST") not in ("GET", "HEAD") and name not in _NOT_STATE_CHANGING


def open_state(instance: Instance, directory: str, *, snapshot_every: int = 1000) -> None:
    """Make ``instance``'s control-plane state durable in ``directory``.

    Restores what the directory holds (snapshots, then the journal replayed through the
    handlers with the values it recorded), snapshots the result, and journals every
    state-changing call from now on.
    """
    from mockgw.state.persistence import StateFile

    state = StateFile(directory, snapshot_every=snapshot_every)
    for account, region, tables in state.snapshots():
        instance.backends.store(account, region).load(tables)
    replayed = 0
    for entry in state.entries():
        op = operation(entry.service, entry.operation)
        if op is None:
            log.warning("state: cannot replay %s.%s (no handler)", entry.service,
                        entry.operation)
            continue
        try:
            execute(instance, op, entry.params, entry.account, entry.region, entry.request_id,
                    replayed=entry.generated)
            replayed += 1
        except Exception as error:  # one bad row must not keep the server from starting
            log.warning("state: replaying %s.%s failed: %s", entry.service, entry.operation,
                        error)
    state.snapshot_all(instance.backends)
    instance.state = state
    log.info("state: restored %d stores from %s (%d calls replayed)",
             len(list(instance.backends)), directory, replayed)


def _internal_code(service: str) -> str:
    return "ServiceException" if service == "lambda" else "InternalFailure"

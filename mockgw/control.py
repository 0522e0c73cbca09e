"""The control plane: one model-driven dispatcher for every served service."""

from __future__ import annotations

import functools
import logging
import uuid

from mockgw.errors import ServiceError, UnknownOperationError
from mockgw.instance import Instance
from mockgw.operations import Call, Operation
from mockgw.protocol.identity import caller
from mockgw.protocol.models import SERVICES
from mockgw.protocol.parsing import parse_request
from mockgw.protocol.routing import Router
from mockgw.protocol.serializing import (
    not_implemented,
    serialize_error,
    serialize_output,
)
from mockgw.protocol.wire import WireRequest, WireResponse

log = logging.getLogger("mockgw.control")


@functools.cache
def router() -> Router:
    """The router over all served models (built once per process)."""
    return Router(SERVICES)


@functools.cache
def operations() -> dict[tuple[str, str], Operation]:
    """Every registered handler, by (service, operation)."""
    from mockgw import apigateway, lambda_

    table: dict[tuple[str, str], Operation] = {}
    for package in (apigateway, lambda_):
        for op in package.operation.handlers.values():
            table[(op.service, op.name)] = op
    return table


def handle(instance: Instance, request: WireRequest) -> WireResponse:
    """Answer one control-plane request."""
    request_id = str(uuid.uuid4())
    found = router().match(request.method, request.path, request.query)
    if found is None:
        error = UnknownOperationError(
            f"No operation of {', '.join(SERVICES)} matches {request.method} {request.path}")
        return serialize_error("apigateway", error, request_id)
    route, labels = found
    service, name = route.service, route.operation
    try:
        params = parse_request(service, name, request, labels)
        op = operations().get((service, name))
        if op is None:
            raise not_implemented(service, name)
        account, region, _key = caller(request.headers, request.query,
                                       default_account=instance.settings.account,
                                       default_region=instance.settings.region)
        store = instance.backends.store(account, region)
        call = Call(service=service, operation=name, account=account, region=region,
                    store=store, instance=instance, request_id=request_id)
        if op.locked:
            with store.lock:
                output = op.func(call, params)
        else:
            output = op.func(call, params)
        return serialize_output(service, name, output, request_id)
    except ServiceError as error:
        return serialize_error(service, error, request_id)
    except Exception:  # a bug of ours: answer like AWS's internal error, log the trace
        log.exception("%s.%s failed", service, name)
        error = ServiceError("Internal server error", code=_internal_code(service),
                             status=500)
        return serialize_error(service, error, request_id)


def _internal_code(service: str) -> str:
    return "ServiceException" if service == "lambda" else "InternalFailure"

"""Every operation of botocore's ``apigateway`` model has a handler."""

from __future__ import annotations

import botocore.session

from mockgw import apigateway

#: Operations being written elsewhere (the data-plane work); empty this set once they land.
PENDING = {"TestInvokeAuthorizer"}


def model_operations() -> set[str]:
    return set(botocore.session.get_session().get_service_model("apigateway").operation_names)


def test_the_model_has_124_operations():
    assert len(model_operations()) == 124


def test_every_operation_has_a_handler():
    operations = model_operations()
    handled = set(apigateway.operation.handlers)
    assert handled <= operations, f"handlers of no operation: {sorted(handled - operations)}"
    missing = operations - handled
    assert missing <= PENDING, f"operations without a handler: {sorted(missing - PENDING)}"
    assert len(handled) == 124 - len(missing)

"""TestInvokeAuthorizer: run an authorizer of the live API definition on a made-up request
(see :mod:`mockgw.execute.authorizer_testing`)."""

from __future__ import annotations

import copy
from typing import Any

from mockgw.apigateway.authorizers import authorizer_of
from mockgw.apigateway.common import rest_api
from mockgw.apigateway.registry import operation
from mockgw.execute.authorizer_testing import try_authorizer
from mockgw.operations import Call


@operation("TestInvokeAuthorizer", locked=False)
def test_invoke_authorizer(call: Call, params: dict[str, Any]) -> dict:
    with call.store.lock:  # the run itself may take long: it works on copies
        authorizer = copy.deepcopy(authorizer_of(call, params))
        api = copy.deepcopy(rest_api(call, params["restApiId"])["api"])
    return try_authorizer(call.instance, call.store, api, authorizer, params)

"""Invoke and GetAccountSettings: running functions (through :mod:`mockgw.runtime`) and the
account's limits and usage."""

from __future__ import annotations

from typing import Any

from mockgw.lambda_.common import UNZIPPED_LIMIT, ZIPPED_LIMIT, functions
from mockgw.lambda_.registry import operation
from mockgw.operations import Call
from mockgw.runtime import engine
from mockgw.runtime.functions import check_pattern

TOTAL_CODE_SIZE_LIMIT = 80530636800
CONCURRENT_EXECUTIONS = 1000


@operation("Invoke", locked=False)
def invoke(call: Call, params: dict[str, Any]) -> dict:
    qualifier = params.get("Qualifier")
    if qualifier is not None:
        check_pattern(qualifier, "Qualifier", "qualifier")
    result = engine.invoke(call.instance, call.account, call.region, params["FunctionName"],
                           params.get("Payload", b""), qualifier=qualifier,
                           invocation_type=params.get("InvocationType", "RequestResponse"),
                           log_type=params.get("LogType"),
                           client_context=params.get("ClientContext"),
                           request_id=call.request_id)
    return {"StatusCode": result.status, "Payload": result.payload,
            "FunctionError": result.function_error, "LogResult": result.log_tail,
            "ExecutedVersion": result.executed_version}


@operation("GetAccountSettings")
def get_account_settings(call: Call, params: dict[str, Any]) -> dict:
    found = functions(call).values()
    code_size = sum(f["config"]["CodeSize"] + sum(v["config"]["CodeSize"]
                                                  for v in f["versions"].values())
                    for f in found)
    return {"AccountLimit": {"TotalCodeSize": TOTAL_CODE_SIZE_LIMIT,
                             "CodeSizeUnzipped": UNZIPPED_LIMIT, "CodeSizeZipped": ZIPPED_LIMIT,
                             "ConcurrentExecutions": CONCURRENT_EXECUTIONS,
                             "UnreservedConcurrentExecutions": CONCURRENT_EXECUTIONS},
            "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": len(found)}}

"""Code signing of functions: GetFunctionCodeSigningConfig (mockgw keeps no code signing
configurations, so a function never has one)."""

from __future__ import annotations

from typing import Any

from mockgw.lambda_.common import function_record, unqualified_ref
from mockgw.lambda_.registry import operation
from mockgw.operations import Call


@operation("GetFunctionCodeSigningConfig")
def get_function_code_signing_config(call: Call, params: dict[str, Any]) -> dict:
    """Lambda answers an empty ARN for a function without a code signing configuration
    (the model's ``CodeSigningConfigArn`` is required, with a minimum length of 0)."""
    name = unqualified_ref(call, params)
    function_record(call, name)
    return {"CodeSigningConfigArn": "", "FunctionName": name}

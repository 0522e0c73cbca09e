"""Account: the API Gateway settings of an account in a region (CloudWatch role, account
throttle, features).

Table ``apigateway.account``: ``"settings"`` -> the Account fields, created with AWS's
defaults on first read.
"""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.arns import parse_arn
from mockgw.apigateway.common import copy_out
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException
from mockgw.operations import Call
from mockgw.state.patch import PatchError, apply_patch, custom

ACCOUNT = "apigateway.account"

#: What a new account answers (AWS's default account-level throttle).
DEFAULT_SETTINGS = {
    "throttleSettings": {"burstLimit": 5000, "rateLimit": 10000.0},
    "features": ["UsagePlans"],
    "apiKeyVersion": "4",
}


def account_settings(call: Call) -> dict:
    """The account's settings record (AWS's defaults until updated)."""
    table = call.store.table(ACCOUNT)
    if "settings" not in table:
        table["settings"] = copy_out(DEFAULT_SETTINGS)
    return table["settings"]


@operation("GetAccount")
def get_account(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(account_settings(call))


@operation("UpdateAccount")
def update_account(call: Call, params: dict[str, Any]) -> dict:
    updated = apply_patch(account_settings(call), params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    call.store.table(ACCOUNT)["settings"] = updated
    return copy_out(updated)


def _set_role(settings: dict, op: str, labels: dict[str, str], value: Any) -> None:
    """An IAM role ARN, or empty/``remove`` to unset it."""
    if op == "remove" or not value:
        settings.pop("cloudwatchRoleArn", None)
        return
    parsed = parse_arn(value)
    if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
        raise BadRequestException("The role ARN is not well formed")
    settings["cloudwatchRoleArn"] = value


def _set_feature(settings: dict, op: str, labels: dict[str, str], value: Any) -> None:
    features = settings.setdefault("features", [])
    if value != "UsagePlans":
        raise PatchError(f"Invalid feature specified: {value}. Valid options are UsagePlans")
    if op == "add" and value not in features:
        features.append(value)
    elif op == "remove" and value in features:
        features.remove(value)


_PATCH_PATHS = [
    custom("/cloudwatchRoleArn", _set_role, ops=("replace", "remove"), value_required=False),
    custom("/features", _set_feature, ops=("add", "remove")),
]

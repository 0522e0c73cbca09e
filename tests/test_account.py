"""Account settings."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support import error_of, without_metadata

DEFAULTS = {"throttleSettings": {"burstLimit": 5000, "rateLimit": 10000.0},
            "features": ["UsagePlans"], "apiKeyVersion": "4"}
ROLE = "arn:aws:iam::123456789012:role/apigateway-logs"


def test_get_account_defaults(gw):
    assert without_metadata(gw.client().get_account()) == DEFAULTS


def test_update_account_cloudwatch_role(gw):
    c = gw.client()
    updated = c.update_account(patchOperations=[
        {"op": "replace", "path": "/cloudwatchRoleArn", "value": ROLE}])
    assert without_metadata(updated) == {**DEFAULTS, "cloudwatchRoleArn": ROLE}
    assert c.get_account()["cloudwatchRoleArn"] == ROLE
    # Accounts are per region.
    assert "cloudwatchRoleArn" not in gw.client(region="eu-west-1").get_account()
    cleared = c.update_account(patchOperations=[
        {"op": "replace", "path": "/cloudwatchRoleArn", "value": ""}])
    assert "cloudwatchRoleArn" not in cleared


def test_update_account_features(gw):
    c = gw.client()
    removed = c.update_account(patchOperations=[
        {"op": "remove", "path": "/features", "value": "UsagePlans"}])
    assert removed["features"] == []
    added = c.update_account(patchOperations=[
        {"op": "add", "path": "/features", "value": "UsagePlans"}])
    assert added["features"] == ["UsagePlans"]


@pytest.mark.parametrize("operation, message", [
    ({"op": "replace", "path": "/cloudwatchRoleArn", "value": "not-a-role"},
     "The role ARN is not well formed"),
    ({"op": "replace", "path": "/throttleSettings/burstLimit", "value": "1"},
     "Invalid patch path  '/throttleSettings/burstLimit' specified for op 'replace'. "
     "Must be one of: [/cloudwatchRoleArn]"),
    ({"op": "add", "path": "/features", "value": "Nope"},
     "Invalid feature specified: Nope. Valid options are UsagePlans"),
])
def test_failed_account_patch_changes_nothing(gw, operation, message):
    c = gw.client()
    with pytest.raises(ClientError) as exc:
        c.update_account(patchOperations=[
            {"op": "replace", "path": "/cloudwatchRoleArn", "value": ROLE}, operation])
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert without_metadata(c.get_account()) == DEFAULTS

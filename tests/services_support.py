"""Helpers for tests of the other AWS services (moto's backends) on mockgw's endpoint."""

from __future__ import annotations

import json
from typing import Any

#: A trust policy that lets API Gateway assume a role (what AWS's console creates).
APIGATEWAY_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


def apigateway_role(iam: Any, name: str, trust: dict | None = None) -> str:
    """The ARN of a new IAM role API Gateway may assume (or ``trust``'s principals)."""
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
        trust or APIGATEWAY_TRUST))["Role"]["Arn"]

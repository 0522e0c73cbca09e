"""Helpers shared by the apigatewayv2 domain, tag and portal tests."""

from __future__ import annotations

from typing import Any

import pytest

from mockgw import control
from tests.support import ACCOUNT

CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"

#: Tests that need HTTP APIs (CreateApi, CreateStage), which another branch brings.
needs_http_apis = pytest.mark.skipif(
    ("apigatewayv2", "CreateApi") not in control.operations(),
    reason="HTTP APIs (CreateApi, CreateStage) are not on this branch yet")

COLORS = {"AccentColor": "#ff9900", "BackgroundColor": "#ffffff",
          "ErrorValidationColor": "#d13212", "HeaderColor": "#232f3e",
          "NavigationColor": "#f2f3f3", "TextColor": "#16191f"}


def content(name: str = "Pet store portal", **extra: Any) -> dict:
    return {"DisplayName": name, "Theme": {"CustomColors": dict(COLORS)}, **extra}


def new_portal(v2: Any, **kwargs: Any) -> dict:
    """A portal on the default domain, open to everyone."""
    return v2.create_portal(**{"Authorization": {"None": {}},
                               "EndpointConfiguration": {"None": {}},
                               "PortalContent": content(), **kwargs})

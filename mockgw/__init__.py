"""mockgw: an Amazon API Gateway (and Lambda) mock backend for tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["__version__", "create_app", "mock_apigateway"]

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.app import create_app
    from mockgw.mock import mock_apigateway


def __getattr__(name: str):
    # Imported lazily: ``import mockgw`` stays cheap for the CLI and the pytest plugin.
    if name == "mock_apigateway":
        from mockgw.mock import mock_apigateway

        return mock_apigateway
    if name == "create_app":
        from mockgw.app import create_app

        return create_app
    raise AttributeError(f"module 'mockgw' has no attribute {name!r}")

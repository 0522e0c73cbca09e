"""pytest fixtures (registered through the ``pytest11`` entry point).

* ``mockgw`` — an active in-process :class:`~mockgw.mock.mock_apigateway` (fresh state).
* ``mockgw_websocket_url`` — ``url(api_id, stage)`` of a WebSocket API stage of that mock.
* ``apigateway_client`` — a boto3 ``apigateway`` client answered by that mock.
* ``mockgw_server_url`` — the URL of a ``mockgw serve`` process shared by the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def mockgw() -> Iterator[Any]:
    from mockgw.mock import mock_apigateway

    with mock_apigateway() as gateway:
        yield gateway


@pytest.fixture
def mockgw_websocket_url(mockgw: Any) -> Any:
    """``url(api_id, stage)``: the WebSocket URL of a deployed WebSocket API stage of the
    ``mockgw`` mock (its loopback listener starts on first use)."""
    return mockgw.websocket_url


@pytest.fixture
def apigateway_client(mockgw: Any) -> Any:
    import boto3

    return boto3.client("apigateway", region_name="us-east-1")


@pytest.fixture(scope="session")
def mockgw_server_url() -> Iterator[str]:
    from mockgw.testing import ServerProcess

    with ServerProcess() as server:
        assert server.url is not None
        yield server.url

"""Control-plane handlers of ``apigatewaymanagementapi``: the ``@connections`` API of
WebSocket APIs (PostToConnection, GetConnection, DeleteConnection).

They act on the live connections of :mod:`mockgw.execute.websocket.connections`, not on
stored state, so none is journaled.  The front routes them from the server root
(``/@connections/{id}``), from ``{api_id}.execute-api`` hosts under ``/{stage}`` and from
``/_aws/execute-api/{api_id}/{stage}`` (``@`` URL-encoded or not); the last two reach only
that API stage's connections (``call.endpoint``).
"""

import importlib
import pkgutil

from mockgw.apigatewaymanagementapi.registry import operation

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["operation"]

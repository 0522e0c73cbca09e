"""Control-plane handlers of ``apigatewayv2`` (HTTP and WebSocket APIs), one module per
resource family.

Every module of this package is imported on first use, so a new module registers its
handlers just by decorating them with ``@operation(...)``.
"""

import importlib
import pkgutil

from mockgw.apigatewayv2.registry import operation

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["operation"]

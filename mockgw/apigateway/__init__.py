"""Control-plane handlers of ``apigateway`` (REST APIs), one module per resource family.

Every module of this package is imported on first use, so a new module registers its
handlers just by decorating them with ``@operation(...)``.  Subpackages (``openapi``,
``sdk``) hold no handlers: they load when a handler first needs them.
"""

import importlib
import pkgutil

from mockgw.apigateway.registry import operation

for _module in pkgutil.iter_modules(__path__):
    if not _module.ispkg:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["operation"]

"""Control-plane handlers of the Lambda API subset API Gateway users touch.

Every module of this package is imported on first use, so a new module registers its
handlers just by decorating them with ``@operation(...)``.  :func:`register_function`
makes a plain Python callable a function (tests that want no zip).
"""

import importlib
import pkgutil

from mockgw.lambda_.registry import operation

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

from mockgw.lambda_.callables import register_function  # noqa: E402

__all__ = ["operation", "register_function"]

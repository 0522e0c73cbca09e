"""Control-plane handlers of ``apigateway`` (REST APIs), one module per resource family."""

from mockgw.apigateway import resources, restapis  # noqa: F401  (registers handlers)
from mockgw.apigateway.registry import operation

__all__ = ["operation"]

"""Control-plane handlers of the Lambda API subset API Gateway users touch."""

from mockgw.lambda_.registry import operation

__all__ = ["operation"]

"""Loading the botocore service models mockgw serves."""

from __future__ import annotations

import functools

from botocore.loaders import create_loader
from botocore.model import ServiceModel

#: The services whose control planes mockgw answers, by botocore service name.
SERVICES: tuple[str, ...] = ("apigateway", "apigatewayv2", "apigatewaymanagementapi", "lambda")


@functools.cache
def _loader():
    return create_loader()


@functools.cache
def service_model(name: str) -> ServiceModel:
    """The botocore model of ``name`` (loaded once per process)."""
    return ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)

"""Loading the botocore service models mockgw serves."""

from __future__ import annotations

import functools
import json
import os
from typing import Any

from botocore.loaders import JSONFileLoader, Loader, create_loader
from botocore.model import ServiceModel

#: The services whose control planes mockgw answers, by botocore service name.
SERVICES: tuple[str, ...] = ("apigateway", "apigatewayv2", "apigatewaymanagementapi", "lambda")


class _PlainJSON(JSONFileLoader):
    """botocore's JSON file loader reading objects into plain dicts (ordered too) rather
    than ``OrderedDict``s: twice as fast to parse, and smaller."""

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as handle:
            return json.loads(handle.read())


class _OurServices(Loader):
    """botocore's loader (search paths, ``AWS_DATA_PATH``, API versions, extras) that
    knows only :data:`SERVICES`: listing every service botocore has, which
    ``load_service_model`` does first, costs ~20 ms a process."""

    def list_available_services(self, type_name: str) -> list[str]:
        return list(SERVICES)


def loader() -> Loader:
    """A new loader of the :data:`SERVICES` models (each caches what it loaded)."""
    found = create_loader()  # the search paths, AWS_DATA_PATH included
    ours = _OurServices(extra_search_paths=found.search_paths, file_loader=_PlainJSON(),
                        include_default_search_paths=False)
    return ours


@functools.cache
def _loader() -> Loader:
    return loader()


#: The model every process loads first: the control plane's errors for paths no
#: operation takes speak its protocol.
FIRST = "apigateway"


def document(name: str) -> dict[str, Any]:
    """The JSON document of ``name``'s model: :data:`FIRST`'s is kept for
    :func:`service_model` (parsed once), the others are read afresh and not kept."""
    return (_loader() if name == FIRST else loader()).load_service_model(name, "service-2")


@functools.cache
def service_model(name: str) -> ServiceModel:
    """The botocore model of ``name`` (loaded once per process)."""
    return ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)

"""Loading the botocore service models mockgw serves.

The url_map needs every served operation's ``http`` (method and ``requestUri``) at start,
but a full model only once its service is called: :func:`operations` reads those of a
model file from a small cache of them (``~/.cache/mockgw``, or ``$XDG_CACHE_HOME``), kept
per model file and made again when the file's path, size or modification time differ;
parsing the three models not called first took ~20 ms of each server start.  Where the
cache cannot be written, the model is parsed each time, as before.
"""

from __future__ import annotations

import functools
import json
import os
import zlib
from stat import S_ISREG
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
    """botocore's loader (search paths, API versions, extras) that
    knows only :data:`SERVICES`: listing every service botocore has, which
    ``load_service_model`` does first, costs ~20 ms a process."""

    def list_available_services(self, type_name: str) -> list[str]:
        return list(SERVICES)


class _OperationsOnly(_PlainJSON):
    """A model file read as ``{"operations": {name: {"http": ...}}}``, from the cache
    when it describes this file as it is now (:func:`operations`)."""

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        try:
            stat = os.stat(full_path)
        except OSError:
            return None
        if not S_ISREG(stat.st_mode):
            return None
        source = [full_path, stat.st_size, stat.st_mtime_ns, CACHE_FORMAT]
        cache = _cache_file(full_path)
        if cache is not None:
            try:
                with open(cache, "rb") as handle:
                    cached = json.loads(handle.read())
                if cached.get("source") == source:
                    return {"operations": cached["operations"]}
            except (OSError, ValueError, AttributeError, KeyError):
                pass  # none yet, or unreadable: made again below
        document = super()._load_file(full_path, open_method)
        if document is None:
            return None
        found = {name: {"http": {"method": op["http"]["method"],
                                 "requestUri": op["http"]["requestUri"]}}
                 for name, op in document["operations"].items()}
        if cache is not None:
            _write(cache, {"source": source, "operations": found})
        return {"operations": found}


#: Changes when what the cache holds does.
CACHE_FORMAT = 1


def _cache_file(model_path: str) -> str | None:
    """Where the operations of ``model_path`` are cached (one file per model file)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None  # no home directory
    name = os.path.basename(os.path.dirname(os.path.dirname(model_path)))
    return os.path.join(base, "mockgw", f"operations-{name}-"
                                        f"{zlib.crc32(model_path.encode()):08x}.json")


def _write(path: str, data: dict[str, Any]) -> None:
    """Write ``path`` whole or not at all (concurrent starts may write it at once)."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "w") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def loader(file_loader: JSONFileLoader | None = None) -> Loader:
    """A new loader of the :data:`SERVICES` models (each caches what it loaded)."""
    found = create_loader()  # botocore's default search paths
    ours = _OurServices(extra_search_paths=found.search_paths,
                        file_loader=file_loader or _PlainJSON(),
                        include_default_search_paths=False)
    return ours


@functools.cache
def _loader() -> Loader:
    return loader()


#: The model every process loads first: the control plane's errors for paths no
#: operation takes speak its protocol.
FIRST = "apigateway"


def operations(name: str) -> dict[str, dict[str, Any]]:
    """The operations of ``name``'s model, each with at least its ``http``: :data:`FIRST`'s
    full model is kept for :func:`service_model` (parsed once), the others' are read from
    the cache (made from the model when the model file changed)."""
    if name == FIRST:
        return _loader().load_service_model(name, "service-2")["operations"]
    return loader(_OperationsOnly()).load_service_model(name, "service-2")["operations"]


@functools.cache
def service_model(name: str) -> ServiceModel:
    """The botocore model of ``name`` (loaded once per process)."""
    return ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)

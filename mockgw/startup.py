"""What ``mockgw serve`` loads at start: APIs (``--openapi FILE --stage NAME``) and an
application of the user's (``--app MODULE:NAME``).

Each file is read and checked when the command line is (JSON or YAML, an OpenAPI 2.0
``swagger`` or 3.0 ``openapi`` document), then imported and deployed to its stage through
the control plane's own ImportRestApi / PutRestApi and CreateDeployment handlers, in the
default account and region.  An API whose name (``info.title``) already exists there —
restored from ``--state-dir``, say — is overwritten in place and keeps its id.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mockgw.instance import Instance

log = logging.getLogger("mockgw.startup")
_STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class StartupError(RuntimeError):
    """An ``--openapi`` file or stage cannot be served."""


@dataclass(frozen=True)
class Definition:
    """One ``--openapi FILE --stage NAME`` pair, read and checked."""

    path: str
    stage: str
    body: bytes
    title: str


def load_app(spec: str) -> Any:
    """The Flask application ``--app MODULE:NAME`` names: an application made by
    :func:`mockgw.create_app`, or a function returning one (called without arguments)."""
    import importlib
    import os
    import sys

    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise StartupError(f"--app {spec}: give MODULE:NAME (myproject.fakes:app)")
    if os.getcwd() not in sys.path:  # as `flask --app` does: modules of this directory
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise StartupError(f"--app {spec}: cannot import {module_name}: {exc}") from None
    app = getattr(module, name, None)
    if app is None:
        raise StartupError(f"--app {spec}: {module_name} has no {name}")
    if callable(app) and not hasattr(app, "extensions"):
        app = app()
    if "mockgw" not in getattr(app, "extensions", {}):
        raise StartupError(f"--app {spec} is not an application made by mockgw.create_app()")
    return app


def read_definitions(files: Sequence[str], stages: Sequence[str]) -> list[Definition]:
    """The checked definitions of ``--openapi`` files paired with ``--stage`` names."""
    if not files and not stages:
        return []
    if not files:
        raise StartupError("--stage needs an --openapi file")
    if len(stages) == 1:
        stages = list(stages) * len(files)
    if len(stages) != len(files):
        raise StartupError(f"give one --stage for every --openapi file, or one for all "
                           f"({len(files)} files, {len(stages)} stages)")
    return [read_definition(path, stage) for path, stage in zip(files, stages, strict=True)]


def read_definition(path: str, stage: str) -> Definition:
    """Read ``path`` and check it is an OpenAPI 2.0 or 3.0 document in JSON or YAML."""
    if not _STAGE_NAME.match(stage):
        raise StartupError(f"stage name {stage!r} may only contain letters, digits, '-' and "
                           "'_' (1 to 128 of them)")
    try:
        with open(path, "rb") as handle:
            body = handle.read()
    except OSError as exc:
        raise StartupError(f"cannot read OpenAPI file {path}: {exc.strerror}") from None
    document = _parse(path, body)
    swagger, openapi = document.get("swagger"), document.get("openapi")
    if swagger is None and openapi is None:
        raise StartupError(f"{path} is not an OpenAPI document: it has neither a 'swagger' "
                           "nor an 'openapi' key")
    if swagger is not None and str(swagger) != "2.0":
        raise StartupError(f"{path}: swagger {swagger} is not supported (API Gateway reads "
                           "2.0)")
    if openapi is not None and not str(openapi).startswith("3.0"):
        raise StartupError(f"{path}: openapi {openapi} is not supported (API Gateway reads "
                           "3.0.x)")
    info = document.get("info")
    title = info.get("title") if isinstance(info, dict) else None
    if not isinstance(title, str) or not title:
        raise StartupError(f"{path}: info.title (the API's name) is missing")
    return Definition(path=path, stage=stage, body=body, title=title)


def _parse(path: str, body: bytes) -> dict[str, Any]:
    import yaml  # only --openapi files need it

    text = body.decode("utf-8", "replace")
    is_json = text.lstrip().startswith("{")
    try:
        document = json.loads(text) if is_json else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        kind = "JSON" if is_json else "YAML"
        raise StartupError(f"{path} is not valid {kind}: {exc}") from None
    if not isinstance(document, dict):
        raise StartupError(f"{path} is not an OpenAPI document: it is not a JSON or YAML "
                           "object")
    return document


def deploy(instance: Instance, definition: Definition) -> tuple[str, str]:
    """Import ``definition`` and deploy it to its stage; ``(api id, stage)``."""
    from mockgw.errors import ServiceError

    settings = instance.settings
    try:
        api_id = import_rest_api(instance, definition)
        _run(instance, "CreateDeployment", {"restApiId": api_id,
                                            "stageName": definition.stage})
    except ServiceError as error:
        raise StartupError(f"{definition.path}: {error.code}: {error}") from None
    log.info("deployed %s (%s) as API %s, stage %s, in %s/%s", definition.path,
             definition.title, api_id, definition.stage, settings.account, settings.region)
    return api_id, definition.stage


def import_document(instance: Instance, body: str | bytes, *, api_id: str | None = None,
                    mode: str = "overwrite", account: str | None = None,
                    region: str | None = None) -> str:
    """Import an OpenAPI 2.0/3.0 document (JSON or YAML, ``str`` or ``bytes``) into
    ``instance`` as a new REST API, or into API ``api_id`` (``mode`` ``overwrite`` or
    ``merge``), in the default account and region unless given; the API's id.

    It is ImportRestApi / PutRestApi run as a request would run them (journaled with
    ``--state-dir``); AWS's refusals raise :class:`mockgw.errors.ServiceError`.
    """
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    if api_id is None:
        output = _run(instance, "ImportRestApi", {"body": data}, account, region)
    else:
        output = _run(instance, "PutRestApi", {"restApiId": api_id, "body": data,
                                               "mode": mode}, account, region)
    return output["id"]


def import_rest_api(instance: Instance, definition: Definition) -> str:
    """The one place ``--openapi`` meets the OpenAPI importer: import ``definition`` as a
    new REST API, or overwrite the API of the same name, and return the API's id."""
    existing = _api_named(instance, definition.title)
    if existing is None:
        output = _run(instance, "ImportRestApi", {"body": definition.body})
    else:
        output = _run(instance, "PutRestApi", {"restApiId": existing, "body": definition.body,
                                               "mode": "overwrite"})
    for warning in output.get("warnings") or ():
        log.warning("%s: %s", definition.path, warning)
    return output["id"]


def _api_named(instance: Instance, name: str) -> str | None:
    settings = instance.settings
    store = instance.backends.find(settings.account, settings.region)
    if store is None:
        return None
    with store.lock:
        found = [r["api"] for r in store.table("apigateway.restapis").values()
                 if r["api"].get("name") == name]
    found.sort(key=lambda api: (api.get("createdDate", 0), api["id"]))
    return found[0]["id"] if found else None


def _run(instance: Instance, operation: str, params: dict[str, Any],
         account: str | None = None, region: str | None = None) -> dict[str, Any]:
    from mockgw import control

    op = control.operations()[("apigateway", operation)]
    settings = instance.settings
    return control.execute(instance, op, params, account or settings.account,
                           region or settings.region, str(uuid.uuid4())) or {}

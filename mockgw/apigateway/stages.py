"""Stage: create, get, list, update (variables, method settings, caching, logging, canary
settings and canary promotion), delete.  Repointing ``deploymentId`` is a rollback."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.common import check_tags, copy_out, rest_api
from mockgw.apigateway.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import (
    PatchError,
    PatchPath,
    apply_patch,
    boolean,
    custom,
    find_path,
    integer,
    map_entry,
    number,
    scalar,
)
from mockgw.state.stages import setting_key
from mockgw.state.tree import copy_tree

CACHE_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")
_STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_VARIABLE_NAME = re.compile(r"^\w+$")
_VARIABLE_VALUE = re.compile(r"^[A-Za-z0-9\-._~:/?#&=, ]+$")
_MAX_VARIABLE_VALUE = 512

#: A method setting's defaults, as AWS fills them in when the first setting is created.
DEFAULT_METHOD_SETTING = {
    "metricsEnabled": False,
    "dataTraceEnabled": False,
    "throttlingBurstLimit": 5000,
    "throttlingRateLimit": 10000.0,
    "cachingEnabled": False,
    "cacheTtlInSeconds": 300,
    "cacheDataEncrypted": False,
    "requireAuthorizationForCacheControl": True,
    "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
}

#: ``/{resourcePath}/{httpMethod}/<setting>`` -> (MethodSetting member, coercion).
_SETTINGS = {
    "metrics/enabled": ("metricsEnabled", boolean),
    "logging/dataTrace": ("dataTraceEnabled", boolean),
    "logging/loglevel": ("loggingLevel", lambda v, p: _choice(v, p, ("OFF", "ERROR", "INFO"))),
    "throttling/burstLimit": ("throttlingBurstLimit", integer),
    "throttling/rateLimit": ("throttlingRateLimit", number),
    "caching/ttlInSeconds": ("cacheTtlInSeconds", integer),
    "caching/enabled": ("cachingEnabled", boolean),
    "caching/dataEncrypted": ("cacheDataEncrypted", boolean),
    "caching/requireAuthorizationForCacheControl": ("requireAuthorizationForCacheControl",
                                                    boolean),
    "caching/unauthorizedCacheControlHeaderStrategy": (
        "unauthorizedCacheControlHeaderStrategy",
        lambda v, p: _choice(v, p, ("FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER",
                                    "SUCCEED_WITHOUT_RESPONSE_HEADER"))),
}

#: The list AWS prints when a path is not accepted, verbatim (its separators included).
_STAGE_PATHS = (
    "[/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, "
    "/clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, "
    "/accessLogSettings/format, /{resourcePath}/{httpMethod}/metrics/enabled, "
    "/{resourcePath}/{httpMethod}/logging/dataTrace, "
    "/{resourcePath}/{httpMethod}/logging/loglevel, "
    "/{resourcePath}/{httpMethod}/throttling/burstLimit"
    "/{resourcePath}/{httpMethod}/throttling/rateLimit"
    "/{resourcePath}/{httpMethod}/caching/ttlInSeconds, "
    "/{resourcePath}/{httpMethod}/caching/enabled, "
    "/{resourcePath}/{httpMethod}/caching/dataEncrypted, "
    "/{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, "
    "/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, "
    "/*/*/metrics/enabled, /*/*/logging/dataTrace, /*/*/logging/loglevel, "
    "/*/*/throttling/burstLimit /*/*/throttling/rateLimit /*/*/caching/ttlInSeconds, "
    "/*/*/caching/enabled, /*/*/caching/dataEncrypted, "
    "/*/*/caching/requireAuthorizationForCacheControl, "
    "/*/*/caching/unauthorizedCacheControlHeaderStrategy, /variables/{variable_name}, "
    "/tracingEnabled]")
#: A method setting key whose resource path keeps its slashes (``items/{id}/GET``).
_VERBATIM_KEY = re.compile(r".+/.*/(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY|\*)")
_VERBATIM_SETTING = re.compile(
    rf"/(?P<key>{_VERBATIM_KEY.pattern})/(?P<setting>{'|'.join(_SETTINGS)})")
_COPY_TARGETS = {"/canarySettings/deploymentId": "/deploymentId",
                 "/canarySettings/stageVariableOverrides": "/variables"}


@operation("CreateStage")
def create_stage(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    name = params["stageName"]
    check_stage_name(name)
    check_tags(params.get("tags"))
    check_variables(params.get("variables"))
    if params["deploymentId"] not in record["deployments"]:
        raise BadRequestException("Deployment id does not exist")
    if name in record["stages"]:
        raise ConflictException("Stage already exists")
    canary = params.get("canarySettings")
    if canary is not None:
        canary = _canary(record, canary, default_deployment=params["deploymentId"])
    stage = new_stage(call, name, params["deploymentId"], description=params.get("description"),
                      variables=params.get("variables"),
                      cache_cluster_enabled=params.get("cacheClusterEnabled"),
                      cache_cluster_size=params.get("cacheClusterSize"),
                      tracing_enabled=params.get("tracingEnabled"))
    for key in ("documentationVersion", "tags"):
        if params.get(key):
            stage[key] = dict(params[key]) if key == "tags" else params[key]
    if canary is not None:
        stage["canarySettings"] = canary
    record["stages"][name] = stage
    return copy_out(stage)


@operation("GetStage")
def get_stage(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(stage_of(rest_api(call, params["restApiId"]), params["stageName"]))


@operation("GetStages")
def get_stages(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    wanted = params.get("deploymentId")
    return {"item": [copy_out(s) for s in record["stages"].values()
                     if wanted is None or s["deploymentId"] == wanted]}


@operation("UpdateStage")
def update_stage(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    stage = stage_of(record, params["stageName"])
    updated = stage
    for op in params.get("patchOperations") or ():
        if op.get("op") in ("copy", "move"):
            updated = _promote(updated, op)
        elif (verbatim := _verbatim_method_setting(updated, op)) is not None:
            updated = verbatim
        else:
            updated = apply_patch(updated, [op], _PATCH_PATHS, unknown_path=_unknown_path,
                                  bad_op=lambda path, op, entry: _unknown_path(path, op, ()))
    _check_stage(record, updated)
    updated["lastUpdatedDate"] = call.now()
    record["stages"][stage["stageName"]] = updated
    return copy_out(updated)


@operation("DeleteStage")
def delete_stage(call: Call, params: dict[str, Any]) -> dict:
    record = rest_api(call, params["restApiId"])
    stage_of(record, params["stageName"])
    del record["stages"][params["stageName"]]
    return {}


# -- shared with deployments and the data plane ----------------------------------------------

def new_stage(call: Call, name: str, deployment_id: str, *, description: str | None = None,
              variables: dict | None = None, cache_cluster_enabled: bool | None = None,
              cache_cluster_size: str | None = None, tracing_enabled: bool | None = None) -> dict:
    """A stage record with AWS's defaults."""
    check_stage_name(name)
    if cache_cluster_size is not None and cache_cluster_size not in CACHE_SIZES:
        raise BadRequestException(f"Invalid cache cluster size specified: {cache_cluster_size}")
    now = call.now()
    stage: dict[str, Any] = {
        "stageName": name,
        "deploymentId": deployment_id,
        "createdDate": now,
        "lastUpdatedDate": now,
        "cacheClusterEnabled": bool(cache_cluster_enabled),
        "cacheClusterStatus": "AVAILABLE" if cache_cluster_enabled else "NOT_AVAILABLE",
        "methodSettings": {},
        "tracingEnabled": bool(tracing_enabled),
    }
    if cache_cluster_enabled:
        stage["cacheClusterSize"] = cache_cluster_size or "0.5"
    if description is not None:
        stage["description"] = description
    if variables:
        stage["variables"] = dict(variables)
    return stage


def stage_of(record: dict, name: str) -> dict:
    found = record["stages"].get(name)
    if found is None:
        raise NotFoundException("Invalid stage identifier specified")
    return found


def check_stage_name(name: str) -> None:
    if not _STAGE_NAME.match(name):
        raise BadRequestException("Stage name only allows a-zA-Z0-9_-")


def check_variables(variables: dict[str, str] | None) -> None:
    """AWS's rules for stage variable names and values."""
    for name, value in (variables or {}).items():
        if not _VARIABLE_NAME.match(name):
            raise BadRequestException(f"Invalid stage variable name: {name}.  Please use names "
                                      "with only word characters.")
        if not value or not _VARIABLE_VALUE.match(value) or len(value) > _MAX_VARIABLE_VALUE:
            raise BadRequestException(
                f"Invalid stage variable value: {value}.  Please use values with alphanumeric "
                "characters and the symbols ' ', -', '.', '_', ':', '/', '?', '&', '=', and "
                "','.")


# -- update helpers --------------------------------------------------------------------------

def _unknown_path(path: str, op: str, paths: Any) -> str:
    return f"Invalid method setting path: {path}. Must be one of: {_STAGE_PATHS}"


def _choice(value: Any, path: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise PatchError(f"Invalid value '{value}' for {path}. Must be one of: "
                         f"[{', '.join(allowed)}]")
    return value


def _set_method_setting(member: str) -> Any:
    def apply(stage: dict, op: str, labels: dict[str, str], value: Any) -> None:
        _put_method_setting(stage, setting_key(labels["resource"], labels["method"]), member,
                            value)
    return apply


def _put_method_setting(stage: dict, key: str, member: str, value: Any) -> None:
    """Set one member of the method setting ``key`` (a new one starts from the stage's
    ``*/*`` settings, else from AWS's defaults)."""
    settings = stage.setdefault("methodSettings", {})
    if key not in settings:
        settings[key] = dict(settings.get("*/*", DEFAULT_METHOD_SETTING)) \
            if key != "*/*" else dict(DEFAULT_METHOD_SETTING)
    settings[key][member] = value


def _remove_method_setting(stage: dict, op: str, labels: dict[str, str], value: Any) -> None:
    key = setting_key(labels["resource"], labels["method"])
    shown = f"{labels['resource']}/{labels['method']}".lstrip("/")
    _drop_method_setting(stage, key, shown)


def _drop_method_setting(stage: dict, key: str, shown: str) -> None:
    if key not in stage.get("methodSettings", {}):
        raise PatchError(f"Cannot remove method setting {shown} because there is no method "
                         "setting for this method ")
    del stage["methodSettings"][key]


def _verbatim_method_setting(stage: dict, operation: dict) -> dict | None:
    """The stage patched by a method-setting operation whose resource path keeps its
    slashes unescaped (``/items/{id}/GET/metrics/enabled``, ``remove /items/{id}/GET``:
    Terraform's ``method_path`` of a nested resource), else None.

    AWS accepts these and keys the setting by the path's text as given (``items/{id}/GET``);
    only the escaped form (``~1items~1{id}/GET``) names the method the data plane serves.
    """
    path, op = operation.get("path") or "", operation.get("op")
    if find_path(_PATCH_PATHS, path) is not None:
        return None
    setting = _VERBATIM_SETTING.fullmatch(path)
    if setting is not None and op in ("add", "replace"):
        member, coerce = _SETTINGS[setting["setting"]]
        if operation.get("value") is None:
            raise PatchError(f"Invalid null or empty value in patch operation for path "
                             f"'{path}'")
        value = coerce(operation["value"], path)
        patched = copy_tree(stage)
        _put_method_setting(patched, setting["key"], member, value)
        return patched
    if setting is None and op == "remove" and _VERBATIM_KEY.fullmatch(path[1:]):
        patched = copy_tree(stage)
        _drop_method_setting(patched, path[1:], path[1:])
        return patched
    return None


def _set_cache_enabled(stage: dict, op: str, labels: dict[str, str], value: Any) -> None:
    stage["cacheClusterEnabled"] = value
    stage["cacheClusterStatus"] = "AVAILABLE" if value else "NOT_AVAILABLE"
    if value:
        stage.setdefault("cacheClusterSize", "0.5")


def _set_cache_size(stage: dict, op: str, labels: dict[str, str], value: Any) -> None:
    if value not in CACHE_SIZES:
        raise PatchError(f"Invalid cache cluster size specified: {value}")
    stage["cacheClusterSize"] = value


def _ensure_canary(stage: dict, op: str, path: str) -> dict:
    canary = stage.get("canarySettings")
    if canary is None:
        if op == "add":
            raise PatchError(f"Invalid add operation with path: {path}")
        canary = stage["canarySettings"] = {"deploymentId": stage["deploymentId"],
                                            "percentTraffic": 0.0, "useStageCache": False}
    return canary


def _canary_field(member: str, coerce: Any) -> PatchPath:
    def apply(stage: dict, op: str, labels: dict[str, str], value: Any) -> None:
        _ensure_canary(stage, op, f"/canarySettings/{member}")[member] = value
    return custom(f"/canarySettings/{member}", apply, ops=("add", "replace"), coerce=coerce)


def _canary_override(stage: dict, op: str, labels: dict[str, str], value: Any) -> None:
    name = labels["name"]
    if op == "remove":
        overrides = (stage.get("canarySettings") or {}).get("stageVariableOverrides") or {}
        overrides.pop(name, None)
        if not overrides and "canarySettings" in stage:
            stage["canarySettings"].pop("stageVariableOverrides", None)
        return
    canary = _ensure_canary(stage, op, f"/canarySettings/stageVariableOverrides/{name}")
    canary.setdefault("stageVariableOverrides", {})[name] = value


def _remove_canary(stage: dict, op: str, labels: dict[str, str], value: Any) -> None:
    stage.pop("canarySettings", None)


def _promote(stage: dict, op: dict) -> dict:
    """The copy operations of a canary promotion (``from`` canary -> stage)."""
    source, target = op.get("from"), op.get("path")
    if _COPY_TARGETS.get(source) != target:
        raise PatchError(
            f"Invalid {op['op']} operation with path: {target} and from {source}. Valid "
            f"{op['op']}:path are [/deploymentId, /variables] and valid {op['op']}:from are "
            "[/canarySettings/deploymentId, /canarySettings/stageVariableOverrides]")
    canary = stage.get("canarySettings")
    if canary is None:
        raise PatchError("Promotion not available. Canary does not exist.")
    promoted = copy_out(stage)
    if target == "/deploymentId":
        promoted["deploymentId"] = canary["deploymentId"]
    elif canary.get("stageVariableOverrides"):
        promoted.setdefault("variables", {}).update(canary["stageVariableOverrides"])
    return promoted


def _canary(record: dict, settings: dict, *, default_deployment: str) -> dict:
    deployment_id = settings.get("deploymentId", default_deployment)
    if deployment_id not in record["deployments"]:
        raise BadRequestException("Deployment id does not exist")
    canary = {"deploymentId": deployment_id,
              "percentTraffic": float(settings.get("percentTraffic", 0.0)),
              "useStageCache": settings.get("useStageCache", False)}
    if settings.get("stageVariableOverrides"):
        check_variables(settings["stageVariableOverrides"])
        canary["stageVariableOverrides"] = dict(settings["stageVariableOverrides"])
    return canary


def _check_stage(record: dict, stage: dict) -> None:
    if stage["deploymentId"] not in record["deployments"]:
        raise BadRequestException("Deployment id does not exist")
    canary = stage.get("canarySettings")
    if canary is not None:
        if canary["deploymentId"] not in record["deployments"]:
            raise BadRequestException("Deployment id does not exist")
        if not 0.0 <= canary["percentTraffic"] <= 100.0:
            raise BadRequestException("Canary traffic percentage must be between 0.0 and 100.0")
        check_variables(canary.get("stageVariableOverrides"))
    check_variables(stage.get("variables"))
    for key in ("variables", "documentationVersion"):  # emptied: gone
        if not stage.get(key):
            stage.pop(key, None)
    for setting in stage.get("methodSettings", {}).values():
        ttl = setting.get("cacheTtlInSeconds", 0)
        if not 0 <= ttl <= 3600:
            raise BadRequestException("Cache ttl must be between 0 and 3600 seconds")


_PATCH_PATHS = [
    scalar("/deploymentId"),
    scalar("/description", ops=("add", "replace"), removable=True),
    custom("/cacheClusterEnabled", _set_cache_enabled, coerce=boolean),
    custom("/cacheClusterSize", _set_cache_size),
    scalar("/clientCertificateId", ops=("add", "replace"), removable=True),
    custom("/accessLogSettings", lambda s, op, labels, v: s.pop("accessLogSettings", None),
           ops=("remove",), coerce=None, value_required=False),
    scalar("/accessLogSettings/destinationArn", ops=("add", "replace")),
    scalar("/accessLogSettings/format", ops=("add", "replace")),
    map_entry("/variables/{name}"),
    scalar("/tracingEnabled", coerce=boolean),
    scalar("/documentationVersion", ops=("add", "replace"), removable=True),
    custom("/canarySettings", _remove_canary, ops=("remove",), coerce=None,
           value_required=False),
    _canary_field("deploymentId", None),
    _canary_field("percentTraffic", number),
    _canary_field("useStageCache", boolean),
    custom("/canarySettings/stageVariableOverrides/{name}", _canary_override,
           ops=("add", "replace", "remove")),
    *[custom(f"/{{resource}}/{{method}}/{setting}", _set_method_setting(member),
             ops=("add", "replace"), coerce=coerce)
      for setting, (member, coerce) in _SETTINGS.items()],
    custom("/{resource}/{method}", _remove_method_setting, ops=("remove",), coerce=None,
           value_required=False),
]

"""Function URLs: CreateFunctionUrlConfig, GetFunctionUrlConfig, UpdateFunctionUrlConfig,
DeleteFunctionUrlConfig and ListFunctionUrlConfigs.

A function, or one of its aliases, has at most one URL,
``https://{url id}.lambda-url.{region}.on.aws/``; :mod:`mockgw.lambda_url` serves it.
Table ``lambda.function_urls`` of each region store maps a url id to::

    {"function": name, "qualifier": alias or None,
     "config": {...FunctionUrlConfig (FunctionUrl, FunctionArn, AuthType, Cors, ...)...}}

A URL outlives a deleted alias (invoking it is then forbidden, as on AWS) but not its
function.
"""

from __future__ import annotations

import time
from typing import Any

from mockgw.errors import ResourceConflictException, ResourceNotFoundException
from mockgw.lambda_.common import arn, function_ref, functions, page
from mockgw.lambda_.registry import operation
from mockgw.operations import Call
from mockgw.runtime.functions import check_pattern
from mockgw.state.tree import copy_tree

URLS = "lambda.function_urls"
URL_ID_LENGTH = 32
DEFAULT_INVOKE_MODE = "BUFFERED"
_NO_FUNCTION = "Function does not exist"
_NO_RESOURCE = "The resource you requested does not exist."


@operation("CreateFunctionUrlConfig")
def create_function_url_config(call: Call, params: dict[str, Any]) -> dict:
    name, qualifier = _url_ref(call, params)
    found = functions(call).get(name)
    if found is None:
        raise ResourceNotFoundException(_NO_FUNCTION)
    existing = find_url(call, name, qualifier)
    if existing is not None:
        raise ResourceConflictException(
            f"Failed to create function url config for [functionArn = "
            f"{existing['config']['FunctionArn']}]. Error message:  FunctionUrlConfig exists "
            "for this Lambda function")
    if qualifier is not None and qualifier not in found["aliases"]:
        raise ResourceNotFoundException(_NO_FUNCTION)
    table = call.store.table(URLS)
    url_id = call.new_id(URL_ID_LENGTH, avoid=table)
    stamp = _timestamp(call)
    config = {"FunctionUrl": f"https://{url_id}.lambda-url.{call.region}.on.aws/",
              "FunctionArn": arn(call, name, qualifier), "AuthType": params["AuthType"],
              "CreationTime": stamp, "LastModifiedTime": stamp,
              "InvokeMode": params.get("InvokeMode", DEFAULT_INVOKE_MODE)}
    if "Cors" in params:
        config["Cors"] = copy_tree(params["Cors"])
    table[url_id] = {"function": name, "qualifier": qualifier, "config": config}
    hidden = ("LastModifiedTime",) if "InvokeMode" in params else ("LastModifiedTime",
                                                                     "InvokeMode")
    return copy_tree({k: v for k, v in config.items() if k not in hidden})


@operation("GetFunctionUrlConfig")
def get_function_url_config(call: Call, params: dict[str, Any]) -> dict:
    name, qualifier = _url_ref(call, params)
    if name not in functions(call):
        raise ResourceNotFoundException(_NO_RESOURCE)
    return copy_tree(_existing(call, name, qualifier)["config"])


@operation("UpdateFunctionUrlConfig")
def update_function_url_config(call: Call, params: dict[str, Any]) -> dict:
    name, qualifier = _url_ref(call, params)
    found = functions(call).get(name)
    if found is None or (qualifier is not None and qualifier not in found["aliases"]):
        raise ResourceNotFoundException(_NO_FUNCTION)
    url = _existing(call, name, qualifier)
    config = copy_tree(url["config"])
    for key in ("AuthType", "InvokeMode"):
        if key in params:
            config[key] = params[key]
    if "Cors" in params:
        config["Cors"] = copy_tree(params["Cors"])
    config["LastModifiedTime"] = _timestamp(call)
    url["config"] = config
    return copy_tree(config)


@operation("DeleteFunctionUrlConfig")
def delete_function_url_config(call: Call, params: dict[str, Any]) -> None:
    name, qualifier = _url_ref(call, params)
    if name not in functions(call):
        raise ResourceNotFoundException(_NO_RESOURCE)
    _existing(call, name, qualifier)
    table = call.store.table(URLS)
    for url_id, url in list(table.items()):
        if (url["function"], url["qualifier"]) == (name, qualifier):
            del table[url_id]


@operation("ListFunctionUrlConfigs")
def list_function_url_configs(call: Call, params: dict[str, Any]) -> dict:
    name, _ = function_ref(call, params)
    if name not in functions(call):
        raise ResourceNotFoundException(_NO_FUNCTION)
    configs = sorted((copy_tree(url["config"]) for url in call.store.table(URLS).values()
                      if url["function"] == name), key=lambda config: config["FunctionArn"])
    return page(configs, params, "FunctionUrlConfigs")


def find_url(call: Call, name: str, qualifier: str | None) -> dict | None:
    """The URL record of function ``name`` (or its alias ``qualifier``), if it has one."""
    for url in call.store.table(URLS).values():
        if (url["function"], url["qualifier"]) == (name, qualifier):
            return url
    return None


def delete_urls(call: Call, name: str) -> None:
    """Forget every URL of function ``name`` (the function is being deleted)."""
    table = call.store.table(URLS)
    for url_id in [u for u, url in table.items() if url["function"] == name]:
        del table[url_id]


def _existing(call: Call, name: str, qualifier: str | None) -> dict:
    url = find_url(call, name, qualifier)
    if url is None:
        raise ResourceNotFoundException(_NO_RESOURCE)
    return url


def _url_ref(call: Call, params: dict[str, Any]) -> tuple[str, str | None]:
    """``(name, alias)``: a URL belongs to a function or an alias, never a version."""
    name, qualifier = function_ref(call, params)
    if qualifier is not None:
        check_pattern(qualifier, "FunctionUrlQualifier", "qualifier")
    return name, qualifier


def _timestamp(call: Call) -> str:
    """ISO-8601 with milliseconds, as Lambda writes a function URL's times."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(call.now()))

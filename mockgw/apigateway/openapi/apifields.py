"""The RestApi fields a definition sets: name, description and version from ``info``, and
the API-wide extensions (binary media types, minimum compression size, API key source,
policy, endpoint configuration, tags), checked as CreateRestApi checks them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mockgw.apigateway import restapis
from mockgw.apigateway.openapi.document import INVALID, Document, mapping
from mockgw.errors import BadRequestException

TAG_VALUE = "x-amazon-apigateway-tag-value"


def apply(api: dict, doc: Document, *, mode: str, endpoint_type: str | None) -> None:
    """Set the fields of ``api`` from ``doc``.  ``mode``: ``import`` (a new API, which
    also gets its endpoint configuration), ``merge`` (binary media types are added, absent
    fields kept) or ``overwrite`` (absent fields removed or reset)."""
    root = doc.root
    info = mapping(root.get("info"))
    title = info.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BadRequestException(INVALID)
    api["name"] = title
    for key in ("description", "version"):
        value = info.get(key)
        if value is not None and value != "":
            api[key] = str(value)
        elif mode != "merge":
            api.pop(key, None)
    media = root.get("x-amazon-apigateway-binary-media-types")
    media = [m for m in media if isinstance(m, str)] if isinstance(media, list) else []
    if mode == "merge":
        media = [*api.get("binaryMediaTypes", []), *media]
    if media:
        api["binaryMediaTypes"] = list(dict.fromkeys(media))
    else:
        api.pop("binaryMediaTypes", None)
    settings: list[tuple[str, str, Callable[[Any], Any]]] = [
        ("x-amazon-apigateway-minimum-compression-size", "minimumCompressionSize",
         _compression),
        ("x-amazon-apigateway-api-key-source", "apiKeySource", _api_key_source),
        ("x-amazon-apigateway-policy", "policy", _policy)]
    for extension, key, convert in settings:
        if extension in root:
            value = convert(root[extension])
            if value is None:
                api.pop(key, None)
            else:
                api[key] = value
        elif mode == "overwrite":
            api.pop(key, None)
    api.setdefault("apiKeySource", "HEADER")
    if mode == "import":
        _endpoint_configuration(api, doc, endpoint_type)


def tags(doc: Document) -> dict[str, str]:
    """Root-level OpenAPI tags that carry ``x-amazon-apigateway-tag-value``."""
    found = {}
    declared = doc.root.get("tags")
    for tag in declared if isinstance(declared, list) else []:
        if isinstance(tag, dict) and TAG_VALUE in tag and isinstance(tag.get("name"), str):
            found[tag["name"]] = str(tag[TAG_VALUE])
    return found


def _endpoint_configuration(api: dict, doc: Document, endpoint_type: str | None) -> None:
    extension = mapping(doc.root.get("x-amazon-apigateway-endpoint-configuration"))
    if not extension and not doc.is_swagger:  # OpenAPI 3 puts it in the server object
        servers = doc.root.get("servers")
        if isinstance(servers, list) and servers and isinstance(servers[0], dict):
            extension = mapping(servers[0].get("x-amazon-apigateway-endpoint-configuration"))
    config: dict[str, Any] = {}
    if endpoint_type:
        config["types"] = [endpoint_type]
    ids = extension.get("vpcEndpointIds")
    if isinstance(ids, list) and ids:
        config["vpcEndpointIds"] = [str(i) for i in ids]
    if extension.get("disableExecuteApiEndpoint") is True:
        api["disableExecuteApiEndpoint"] = True
    api["endpointConfiguration"] = restapis.endpoint_configuration(config)


def _compression(value: Any) -> int | None:
    if value is None:
        return None
    try:
        size = int(value)
    except (TypeError, ValueError):
        size = -1
    restapis.check_compression(size)
    return size


def _api_key_source(value: Any) -> str:
    source = str(value).upper()
    restapis.check_api_key_source(source)
    return source


def _policy(value: Any) -> str | None:
    if value is None:
        return None
    return restapis.check_policy(value if isinstance(value, str) else json.dumps(value))

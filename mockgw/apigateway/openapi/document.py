"""Reading an OpenAPI definition as API Gateway reads it: JSON or YAML, Swagger 2.0 or
OpenAPI 3.0.x (3.1 is refused as AWS refuses it), with local ``$ref`` pointers resolved
on demand and the AWS variables of import (``${AWS::Region}`` ...) substituted.

:func:`load` (reading the body) and :class:`Document` (pointers, schemas, security
schemes, base path) serve the HTTP API importer too (:mod:`mockgw.apigatewayv2.openapi`);
:func:`parse` adds the REST API importer's version rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from mockgw.errors import BadRequestException

#: AWS's answer to a body that is neither JSON nor YAML (recorded for the importers).
UNPARSABLE = "Unable to build importer with provided input."
#: AWS's answer to a parsed body that is not an OpenAPI 2.0 / 3.0 definition.
INVALID = "Invalid OpenAPI input."

SWAGGER = "swagger"
OAS30 = "oas30"

_AWS_VARIABLE = re.compile(r"\$\{AWS::(AccountId|Partition|Region)\}")


class _Loader(yaml.SafeLoader):
    """YAML without timestamp conversion, so dates such as ``version: 2024-01-01`` stay
    the strings API Gateway keeps."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Document:
    """A parsed definition: ``root`` is the document, ``kind`` ``swagger`` or ``oas30``."""

    root: dict[str, Any]
    kind: str
    warnings: list[str] = field(default_factory=list)

    @property
    def is_swagger(self) -> bool:
        return self.kind == SWAGGER

    def resolve(self, node: Any) -> Any:
        """``node`` with a local ``$ref`` followed (repeatedly); ``None`` when it points
        nowhere."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                return None
            seen.add(ref)
            node = self.pointer(ref)
        return node

    def pointer(self, ref: str) -> Any:
        """The node a local JSON pointer (``#/definitions/Pet``) names, or ``None``."""
        if not ref.startswith("#/"):
            return None
        node: Any = self.root
        for part in ref[2:].split("/"):
            part = unquote(part).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def schemas(self) -> dict[str, Any]:
        """The named schemas: Swagger's ``definitions``, OpenAPI 3's
        ``components.schemas``."""
        found = (self.root.get("definitions") if self.is_swagger
                 else mapping(self.root.get("components")).get("schemas"))
        return mapping(found)

    def security_schemes(self) -> dict[str, Any]:
        found = (self.root.get("securityDefinitions") if self.is_swagger
                 else mapping(self.root.get("components")).get("securitySchemes"))
        return {name: self.resolve(scheme) for name, scheme in mapping(found).items()
                if isinstance(self.resolve(scheme), dict)}

    def base_path(self) -> str:
        """The path the definition puts before its paths: Swagger's ``basePath``; in
        OpenAPI 3, the first server's ``basePath`` variable (its default) when it has one,
        else the path of its URL (with its variables' defaults)."""
        if self.is_swagger:
            value = self.root.get("basePath")
            return value if isinstance(value, str) else ""
        servers = self.root.get("servers")
        if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
            return ""
        server = servers[0]
        variables = mapping(server.get("variables"))
        base = mapping(variables.get("basePath")).get("default")
        if isinstance(base, str):
            return base
        url = server.get("url") if isinstance(server.get("url"), str) else ""
        for name, variable in variables.items():
            default = mapping(variable).get("default")
            url = url.replace("{" + name + "}", str(default if default is not None else ""))
        return urlsplit(url).path if "://" in url else url


def load(body: bytes | str, *, account: str, region: str, partition: str = "aws") -> Any:
    """An import body read as API Gateway reads it (REST and HTTP APIs alike): JSON or
    YAML, with the AWS variables of import substituted; ``UNPARSABLE`` otherwise."""
    try:
        text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise BadRequestException(UNPARSABLE) from None
    values = {"AccountId": account, "Partition": partition, "Region": region}
    text = _AWS_VARIABLE.sub(lambda m: values[m.group(1)], text)
    try:
        return json.loads(text) if text.lstrip().startswith(("{", "[")) else \
            yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except (ValueError, yaml.YAMLError, RecursionError):  # nested too deeply to read too
        raise BadRequestException(UNPARSABLE) from None


def parse(body: bytes, *, account: str, region: str, partition: str = "aws") -> Document:
    """Parse a REST API import body as API Gateway does, or raise its
    ``BadRequestException``."""
    root = load(body, account=account, region=region, partition=partition)
    if not isinstance(root, dict):
        raise BadRequestException(INVALID)
    swagger, openapi = root.get("swagger"), root.get("openapi")
    if swagger is not None and str(swagger) == "2.0" and openapi is None:
        kind = SWAGGER
    elif openapi is not None and re.fullmatch(r"3\.0(\.\d+)?", str(openapi)) and \
            swagger is None:
        kind = OAS30
    else:
        raise BadRequestException(INVALID)
    for key in ("paths", "info"):
        if key in root and root[key] is not None and not isinstance(root[key], dict):
            raise BadRequestException(INVALID)
    return Document(root=root, kind=kind)


def mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one (documents are untrusted)."""
    return value if isinstance(value, dict) else {}

"""Models from OpenAPI schemas, and back.

API Gateway keeps a definition's named schemas (Swagger ``definitions``, OpenAPI 3
``components.schemas``) as models whose ``$ref`` use the model URL
(``https://apigateway.amazonaws.com/restapis/{api}/models/{name}``); an inline schema
becomes a model named ``MODEL`` and six hex digits.  Exports turn the URLs back into
``#/definitions/{name}`` or ``#/components/schemas/{name}`` and drop ``$schema``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from mockgw import model_schemas

#: Local pointers to named schemas, in either version.
NAMED_REF = re.compile(r"^#/(?:definitions|components/schemas)/(?P<name>[^/]+)$")
MODEL_NAME = re.compile(r"^[A-Za-z0-9]+$")

#: OpenAPI keywords that are no JSON Schema draft 4 and that API Gateway leaves out.
_DROPPED = frozenset({"example", "examples", "nullable", "readOnly", "writeOnly", "xml",
                      "externalDocs", "discriminator", "deprecated"})
#: Keywords whose value maps names to schemas (the names are data, not keywords).
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
#: Keywords whose value is data, never a schema.
_DATA = ("enum", "default", "required", "const")


def to_model_schema(schema: Any, api_id: str) -> Any:
    """An OpenAPI schema as API Gateway stores it in a model of API ``api_id``."""
    def rewrite(ref: str) -> str:
        found = NAMED_REF.match(ref)
        return model_schemas.model_url(api_id, found["name"]) if found else ref
    return _walk(schema, rewrite, drop=_DROPPED)


def to_openapi_schema(schema: Any, api_id: str, prefix: str) -> Any:
    """A model's schema for an export: model URLs become ``{prefix}{name}``."""
    def rewrite(ref: str) -> str:
        found = model_schemas.CANONICAL_REF.match(ref)
        if found and found["api"] == api_id:
            return prefix + found["name"]
        return ref
    return _walk(schema, rewrite, drop=frozenset({"$schema"}))


def referenced_name(ref: Any) -> str | None:
    """The schema name a local ``$ref`` names (``#/definitions/Pet`` -> ``Pet``)."""
    found = NAMED_REF.match(ref) if isinstance(ref, str) else None
    return found["name"] if found else None


def inline_model_name(schema: Any) -> str:
    """The name API Gateway gives a model made of an inline schema: ``MODEL`` and six
    hex digits (a digest of the schema, so the same schema gets the same model)."""
    text = json.dumps(schema, sort_keys=True, separators=(",", ":"))
    return "MODEL" + hashlib.sha1(text.encode()).hexdigest()[:6]


def _walk(node: Any, rewrite: Any, *, drop: frozenset[str]) -> Any:
    if isinstance(node, list):
        return [_walk(item, rewrite, drop=drop) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in drop:
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = rewrite(value)
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _walk(item, rewrite, drop=drop) for name, item in value.items()}
        elif key in _DATA:
            out[key] = value
        else:
            out[key] = _walk(value, rewrite, drop=drop)
    return out

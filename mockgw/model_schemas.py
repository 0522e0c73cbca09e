"""Model schemas: the JSON Schema (draft 4) documents of a REST API's models, which refer
to each other by the canonical URL ``https://apigateway.amazonaws.com/restapis/{api_id}/
models/{name}``.

Pure functions shared by the control plane (the checks of CreateModel and UpdateModel,
GetModel's ``flatten``, GetModelTemplate, DeleteModel's reference check) and the data
plane (request body validation, :func:`validator`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema import Draft4Validator

CANONICAL_REF = re.compile(
    r"^https://apigateway\.amazonaws\.com/restapis/(?P<api>[^/]+)/models/(?P<name>[^/]+)$")

#: Schema keywords whose value is one schema, a list of schemas, or a map of schemas.
_ONE = ("additionalItems", "additionalProperties", "not", "items")
_LIST = ("allOf", "anyOf", "oneOf", "items")
_MAP = ("properties", "patternProperties", "definitions", "dependencies")


def model_url(api_id: str, name: str) -> str:
    """The URL a schema uses in ``$ref`` to refer to model ``name`` of API ``api_id``."""
    return f"https://apigateway.amazonaws.com/restapis/{api_id}/models/{name}"


def parse(models: Mapping[str, dict]) -> dict[str, Any]:
    """The parsed schema of each model of an API's ``models`` section, by name: a REST
    API's (keyed by name, ``schema``) or an apigatewayv2 API's (keyed by id, ``Name`` and
    ``Schema``)."""
    parsed = {}
    for key, model in models.items():
        if "Schema" in model:
            parsed[model["Name"]] = json.loads(model["Schema"])
        else:
            parsed[key] = json.loads(model["schema"])
    return parsed


def subschemas(schema: Any) -> Iterator[dict]:
    """``schema`` and every schema nested in it, depth first (keys that merely hold data,
    such as ``enum`` or ``default``, are not entered)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node
        nested: list[Any] = []
        for key in _ONE:
            if isinstance(node.get(key), dict):
                nested.append(node[key])
        for key in _LIST:
            if isinstance(node.get(key), list):
                nested.extend(node[key])
        for key in _MAP:
            if isinstance(node.get(key), dict):
                nested.extend(node[key].values())
        stack.extend(reversed(nested))


def references(schema: Any) -> list[str]:
    """Every ``$ref`` in ``schema``, in document order."""
    return [node["$ref"] for node in subschemas(schema) if isinstance(node.get("$ref"), str)]


def referenced_models(schema: Any, api_id: str) -> list[str]:
    """The names of the models of API ``api_id`` that ``schema`` refers to."""
    names = []
    for ref in references(schema):
        match = CANONICAL_REF.match(ref)
        if match and match["api"] == api_id and match["name"] not in names:
            names.append(match["name"])
    return names


def flatten(name: str, api_id: str, schemas: Mapping[str, Any]) -> Any:
    """Model ``name``'s schema with every reference to another model of the API replaced
    by that model's (flattened) schema.  A reference back to a model being inlined, or to
    a model that does not exist, stays as it is."""
    def inline(node: Any, chain: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [inline(item, chain) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        match = CANONICAL_REF.match(ref) if isinstance(ref, str) else None
        if (match and match["api"] == api_id and match["name"] in schemas
                and match["name"] not in chain):
            return inline(schemas[match["name"]], chain | {match["name"]})
        return {key: inline(value, chain) for key, value in node.items()}

    return inline(schemas[name], frozenset({name}))


def validator(name: str, api_id: str, schemas: Mapping[str, Any]) -> Draft4Validator:
    """A draft-4 validator for model ``name`` that resolves references to the API's other
    models (recursive ones included)."""
    from jsonschema import Draft4Validator  # loaded when a model is first validated
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    registry: Registry = Registry().with_resources(
        (model_url(api_id, other), Resource.from_contents(schema, default_specification=DRAFT4))
        for other, schema in schemas.items())
    return Draft4Validator(schemas[name], registry=registry)

"""Request validation: a method's ``requestValidatorId`` checks required parameters and
the body against the request model, before the integration is called.

* Parameters (``validateRequestParameters``): every ``method.request.{header,querystring,
  path}.*`` marked required must be present and not blank.  Missing ones answer 400
  ``Missing required request parameters: [a, b]``, named in the sorted order of their
  full keys (headers, then path, then query strings).
* Body (``validateRequestBody``): the model of the request's content type (without
  parameters; ``application/json`` when none is sent), else the ``$default`` model, else no
  validation.  An empty body is ``{}``; a body that is not JSON or breaks the model's
  JSON Schema (draft 4, ``$ref`` to the API's other models) answers 400
  ``Invalid request body``.

``$context.error.validationErrorString`` carries the details in the wording of the Java
validator AWS runs (``[object has missing required properties (["name"])]``); failures
inside an ``allOf`` are listed one by one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft4Validator, ValidationError

from mockgw import jsonsafe, model_schemas
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError

_PREFIX = "method.request."


def validate_request(inv: Invocation) -> None:
    """Run the method's request validator, if it has one."""
    assert inv.method is not None and inv.snapshot is not None
    validator_id = inv.method.get("requestValidatorId")
    validator = (inv.snapshot.get("requestValidators") or {}).get(validator_id or "")
    if validator is None:
        return
    if validator.get("validateRequestParameters"):
        missing = missing_parameters(inv)
        if missing:
            message = f"Missing required request parameters: [{', '.join(missing)}]"
            reject(inv, "BAD_REQUEST_PARAMETERS", message, message)
    if validator.get("validateRequestBody"):
        model = request_model(inv)
        if model is not None:
            problems = body_problems(inv, model)
            if problems is not None:
                reject(inv, "BAD_REQUEST_BODY", "Invalid request body",
                      f"[{', '.join(problems)}]")


def reject(inv: Invocation, response_type: str, message: str, details: str) -> None:
    """Fail the request with AWS's validation error; ``details`` reach
    ``$context.error.validationErrorString``."""
    inv.context.setdefault("error", {})["validationErrorString"] = details
    raise GatewayError(response_type, message,
                       log=f"Request validation failed: {details}")


def missing_parameters(inv: Invocation) -> list[str]:
    """The names of the required parameters the request lacks (or sends blank)."""
    assert inv.method is not None
    request = inv.request
    missing = []
    for key, required in sorted((inv.method.get("requestParameters") or {}).items()):
        if not required or not key.startswith(_PREFIX):
            continue
        location, _, name = key[len(_PREFIX):].partition(".")
        if location == "header":
            value = request.headers.get(name.lower())
        elif location == "querystring":
            value = (request.query.get(name) or [None])[-1]
        elif location == "path":
            value = inv.path_params.get(name)
        else:
            continue
        if value is None or not value.strip():
            missing.append(name)
    return missing


def request_model(inv: Invocation) -> str | None:
    """The name of the model the body is checked against (``None``: no check)."""
    assert inv.method is not None
    models = inv.method.get("requestModels") or {}
    content_type = inv.request.headers.get("content-type") or "application/json"
    media_type = content_type.split(";")[0].strip().lower()
    return models.get(media_type) or models.get("$default")


def body_problems(inv: Invocation, model: str) -> list[str] | None:
    """What is wrong with the body for ``model`` (``None``: nothing)."""
    try:
        document = jsonsafe.loads(inv.request.body or b"{}")
    except ValueError as error:  # TooDeep included
        return [f"Invalid JSON: {error}"]
    validator = inv.instance.service("execute.validators", ValidatorCache).get(inv, model)
    if validator is None:  # a model that is gone: AWS keeps deployed models; be lenient
        return None
    problems: dict[tuple, str] = {}  # one entry per failing keyword (jsonschema reports
    try:                                 # each missing property on its own)
        for error in validator.iter_errors(document):
            where = (tuple(error.absolute_path), tuple(error.absolute_schema_path))
            problems.setdefault(where, describe(error, validator))
    except RecursionError:  # a body nested deeper than the validator can walk
        return ["Invalid JSON: nested too deeply to validate"]
    return list(problems.values()) or None


class ValidatorCache:
    """Compiled model validators per deployment (snapshots never change)."""

    def __init__(self, instance: Any = None) -> None:
        self._validators: dict[tuple[str, str, str], tuple[dict, Draft4Validator]] = {}
        self._lock = threading.Lock()

    def get(self, inv: Invocation, model: str) -> Draft4Validator | None:
        assert inv.snapshot is not None
        key = (inv.api_id, inv.deployment_id, model)
        cached = self._validators.get(key)
        if cached is not None and cached[0] is inv.snapshot:
            return cached[1]
        schemas = model_schemas.parse(inv.snapshot.get("models") or {})
        if model not in schemas:
            return None
        validator = model_schemas.validator(model, inv.api_id, schemas)
        with self._lock:
            self._validators[key] = (inv.snapshot, validator)
        return validator


# -- AWS's wording ----------------------------------------------------------------------------

#: JSON Schema's primitive types in the order AWS's validator lists them.
_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")


def describe(error: ValidationError, validator: Draft4Validator) -> str:
    """One validation error in the words of the validator AWS runs."""
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "type":
        allowed = {expected} if isinstance(expected, str) else set(expected)
        if "number" in allowed:
            allowed.add("integer")
        return (f"instance type ({_type_of(instance)}) does not match any allowed primitive "
                f"type (allowed: {_json([t for t in _TYPES if t in allowed])})")
    if keyword == "required":
        missing = [name for name in expected if name not in instance]
        return f"object has missing required properties ({_json(missing)})"
    if keyword == "enum":
        return (f"instance value ({_json(instance)}) not found in enum (possible values: "
                f"{_json(expected)})")
    if keyword == "minLength":
        return (f'string "{instance}" is too short (length: {len(instance)}, required '
                f"minimum: {expected})")
    if keyword == "maxLength":
        return (f'string "{instance}" is too long (length: {len(instance)}, maximum '
                f"allowed: {expected})")
    if keyword == "pattern":
        return f'ECMA 262 regex "{expected}" does not match input string "{instance}"'
    if keyword == "minimum":
        if schema.get("exclusiveMinimum") and instance == expected:
            return f"numeric instance is not strictly greater than the required minimum {expected}"
        return (f"numeric instance is lower than the required minimum (minimum: {expected}, "
                f"found: {instance})")
    if keyword == "maximum":
        if schema.get("exclusiveMaximum") and instance == expected:
            return f"numeric instance is not strictly lower than the required maximum {expected}"
        return (f"numeric instance is greater than the required maximum (maximum: {expected}, "
                f"found: {instance})")
    if keyword == "multipleOf":
        return f"remainder of division is not zero ({instance} / {expected})"
    if keyword == "minItems":
        return (f"array is too short: must have at least {expected} elements but instance has "
                f"{len(instance)} elements")
    if keyword == "maxItems":
        return (f"array is too long: must have at most {expected} elements but instance has "
                f"{len(instance)} elements")
    if keyword == "uniqueItems":
        return "array must not contain duplicate elements"
    if keyword == "additionalItems":
        allowed_items = len(schema.get("items") or [])
        return (f"schema only allows {allowed_items} elements in array but instance has "
                f"{len(instance)} elements")
    if keyword == "additionalProperties":
        extra = sorted(set(instance) - set(schema.get("properties") or {}))
        return f"object instance has properties which are not allowed by the schema: {_json(extra)}"
    if keyword == "minProperties":
        return (f"object has too few properties (found {len(instance)} but schema requires "
                f"at least {expected})")
    if keyword == "maxProperties":
        return (f"object has too many properties (found {len(instance)} but schema requires "
                f"at most {expected})")
    if keyword == "dependencies":
        return _dependencies(instance, expected)
    if keyword == "anyOf":
        return f"instance failed to match at least one required schema among {len(expected)}"
    if keyword == "oneOf":
        matched = sum(validator.evolve(schema=sub).is_valid(instance) for sub in expected)
        return (f"instance failed to match exactly one schema (matched {matched} out of "
                f"{len(expected)})")
    if keyword == "not":
        return "instance matched a schema which it should not have"
    return error.message


def _dependencies(instance: dict, dependencies: dict) -> str:
    for name, needed in dependencies.items():
        if name in instance and isinstance(needed, list):
            missing = [n for n in needed if n not in instance]
            if missing:
                return (f'property "{name}" of object has missing property dependencies '
                        f"(schema requires {_json(needed)}; missing: {_json(missing)})")
    return "instance failed to match a schema dependency"


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

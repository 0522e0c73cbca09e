"""Parsing a request into an operation's input dict, driven by the botocore model.

Each input member is read from where the model puts it (``uri``, ``querystring``,
``header``, ``headers`` prefix maps, the payload member, or the JSON body) and coerced to
the type the model gives it.  Input a botocore client could never send (bad JSON, wrong
types, missing required members, values outside an enum or a range) is refused with the
service's validation error, never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from typing import Any

from botocore.model import OperationModel, Shape

from mockgw.errors import ServiceError
from mockgw.protocol.models import service_model
from mockgw.protocol.wire import WireRequest

#: The error each service answers malformed input with.
VALIDATION_ERRORS: dict[str, tuple[str, int]] = {
    "apigateway": ("BadRequestException", 400),
    "apigatewayv2": ("BadRequestException", 400),
    "apigatewaymanagementapi": ("BadRequestException", 400),
    "lambda": ("ValidationException", 400),
}
#: Services whose messages name members without the ``<operation>Input.`` prefix.
_UNPREFIXED_PATHS = frozenset({"lambda"})
#: Enum shapes whose service checks values itself, in its own words (Lambda's runtimes).
_SELF_CHECKED_ENUMS = frozenset({"Runtime"})
_BODY_ERRORS: dict[str, tuple[str, int]] = {
    "lambda": ("InvalidRequestContentException", 400),
}


class ParseError(Exception):
    """Input that does not fit the model; ``path`` names the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_request(service: str, operation: str, request: WireRequest,
                  labels: dict[str, str]) -> dict[str, Any]:
    """The operation's input dict for ``request``, whose URI labels are ``labels``."""
    plan = _plan(service, operation)
    try:
        return plan(request, labels)
    except ParseError as exc:
        code, status = VALIDATION_ERRORS[service]
        raise ServiceError(exc.message, code=code, status=status) from None
    except _BodyError as exc:
        code, status = _BODY_ERRORS.get(service, VALIDATION_ERRORS[service])
        raise ServiceError(str(exc), code=code, status=status) from None


class _BodyError(Exception):
    pass


@functools.cache
def _plan(service: str, operation: str) -> Callable[[WireRequest, dict[str, str]], dict]:
    op: OperationModel = service_model(service).operation_model(operation)
    shape = op.input_shape
    if shape is None:
        return lambda request, labels: {}
    payload = shape.serialization.get("payload")
    uri, query, headers, prefixed, body = [], [], [], [], []
    query_map = None
    for name, member in shape.members.items():
        loc = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if loc == "uri":
            uri.append((name, wire_name, member))
        elif loc == "querystring":
            if member.type_name == "map":
                query_map = (name, member)
            else:
                query.append((name, wire_name, member))
        elif loc == "header":
            headers.append((name, wire_name.lower(), member))
        elif loc == "headers":
            prefixed.append((name, wire_name.lower(), member))
        elif name != payload:
            body.append((name, wire_name, member))
    payload_member = shape.members[payload] if payload else None
    uri_query = op.http["requestUri"].partition("?")[2]
    modeled_query = {wire for _, wire, _ in query}
    modeled_query.update(pair.partition("=")[0] for pair in uri_query.split("&") if pair)
    required = [n for n in shape.required_members]
    top = _context_name(operation)

    def at(name: str) -> str:
        return _lower_first(name) if service in _UNPREFIXED_PATHS else f"{top}.{name}"

    def parse(request: WireRequest, labels: dict[str, str]) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name, wire, member in uri:
            if wire in labels:
                params[name] = _scalar(labels[wire], member, at(name))
        for name, wire, member in query:
            values = request.query.get(wire)
            if values:
                if member.type_name == "list":
                    params[name] = [_scalar(v, member.member, at(name)) for v in values]
                else:
                    params[name] = _scalar(values[-1], member, at(name))
        if query_map is not None:
            extra = {k: v[-1] for k, v in request.query.items() if k not in modeled_query}
            if extra:
                params[query_map[0]] = extra
        for name, wire, member in headers:
            value = request.headers.get(wire)
            if value is not None:
                params[name] = _header(value, member, at(name))
        for name, prefix, _member in prefixed:
            found = {k[len(prefix):]: v for k, v in request.headers.items()
                     if k.startswith(prefix)}
            if found:
                params[name] = found
        if payload_member is not None:
            if payload_member.type_name in ("blob", "string"):
                if request.body or payload in required:
                    params[payload] = (request.body if payload_member.type_name == "blob"
                                       else request.body.decode("utf-8", "replace"))
            elif request.body:
                params[payload] = _value(_json(request.body), payload_member, at(payload))
        elif body and request.body.strip():
            doc = _json(request.body)
            if not isinstance(doc, dict):
                raise _BodyError("Could not parse request body into json: expected an object")
            for name, wire, member in body:
                if wire in doc and doc[wire] is not None:
                    params[name] = _value(doc[wire], member, at(name))
        missing = [n for n in required if params.get(n) is None]
        if missing:
            raise ParseError(_constraint_message(
                [(f"{_lower_first(n)}", None, "Member must not be null") for n in missing]))
        return params

    return parse


def _context_name(operation: str) -> str:
    return _lower_first(operation) + "Input"


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _constraint_message(problems: list[tuple[str, Any, str]]) -> str:
    parts = [f"Value {_show(value)} at '{path}' failed to satisfy constraint: {why}"
             for path, value, why in problems]
    count = len(parts)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(parts)


def _show(value: Any) -> str:
    return "null" if value is None else f"'{value}'"


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _BodyError(f"Could not parse request body into json: {exc}") from None


def _check_range(value: Any, shape: Shape, path: str) -> None:
    meta = shape.metadata
    if "enum" in meta and value not in meta["enum"] and shape.name not in _SELF_CHECKED_ENUMS:
        enum = ", ".join(meta["enum"])
        raise ParseError(_constraint_message(
            [(path, value, f"Member must satisfy enum value set: [{enum}]")]))
    size = len(value) if isinstance(value, (str, list, dict, bytes)) else value
    if isinstance(value, bool):
        return
    low, high = meta.get("min"), meta.get("max")
    if low is not None and size < low:
        what = "length" if not isinstance(value, (int, float)) else "value"
        raise ParseError(_constraint_message(
            [(path, value, f"Member must have {what} greater than or equal to {low}")]))
    if high is not None and size > high:
        what = "length" if not isinstance(value, (int, float)) else "value"
        raise ParseError(_constraint_message(
            [(path, value, f"Member must have {what} less than or equal to {high}")]))


def _check_map(value: dict, shape: Shape, path: str) -> None:
    """Constrained map keys and values, reported the way AWS's (Java) validator does:
    the whole map as ``{k=v}`` and the member's constraints listed."""
    problems = []
    for what, items, member in (("keys", value.keys(), shape.key),
                                ("value", value.values(), shape.value)):
        if member.metadata and not all(_fits(item, member) for item in items):
            listed = ", ".join(_constraints(member))
            problems.append(f"Map {what} must satisfy constraint: [{listed}]")
    if problems:
        shown = "{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
        raise ParseError(_constraint_message([(path, shown, why) for why in problems]))


def _fits(value: Any, shape: Shape) -> bool:
    try:
        _check_range(value, shape, "")
    except ParseError:
        return False
    pattern = shape.metadata.get("pattern")
    try:
        return pattern is None or re.fullmatch(pattern, str(value)) is not None
    except re.error:  # a Java-only construct (\p{L} ...): not checked
        return True


def _constraints(shape: Shape) -> list[str]:
    meta = shape.metadata
    what = "value" if shape.type_name in ("integer", "long", "double", "float") else "length"
    listed = [f"Member must have {what} less than or equal to {meta['max']}"] \
        if "max" in meta else []
    if "min" in meta:
        listed.append(f"Member must have {what} greater than or equal to {meta['min']}")
    if "pattern" in meta:
        listed.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    return [*listed, "Member must not be null"]


def _scalar(text: str, shape: Shape, path: str) -> Any:
    """A value from a URI label, query string or header, as the shape types it."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            value: Any = int(text)
        except ValueError:
            raise ParseError(_constraint_message(
                [(path, text, "Member must be an integer")])) from None
    elif kind in ("double", "float"):
        try:
            value = float(text)
        except ValueError:
            raise ParseError(_constraint_message(
                [(path, text, "Member must be a number")])) from None
    elif kind == "boolean":
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise ParseError(_constraint_message([(path, text, "Member must be a boolean")]))
        value = lowered == "true"
    elif kind == "timestamp":
        value = _timestamp(text, path)
    else:
        value = text
    _check_range(value, shape, path)
    return value


def _header(text: str, shape: Shape, path: str) -> Any:
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        try:
            return json.loads(base64.b64decode(text))
        except (ValueError, binascii.Error):
            raise ParseError(_constraint_message(
                [(path, text, "Member must be base64-encoded JSON")])) from None
    return _scalar(text, shape, path)


def _timestamp(value: Any, path: str) -> int | float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return float(value) if value.replace(".", "", 1).isdigit() else \
                dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise ParseError(_constraint_message([(path, value, "Member must be a timestamp")]))


def _value(value: Any, shape: Shape, path: str) -> Any:
    """A JSON body value checked and coerced against its shape."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise ParseError(_constraint_message([(path, value, "Member must be an object")]))
        out = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if value.get(wire) is not None:
                out[name] = _value(value[wire], member, f"{path}.{_lower_first(name)}")
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise ParseError(_constraint_message([(path, value, "Member must be a list")]))
        _check_range(value, shape, path)
        return [_value(v, shape.member, f"{path}.member") for v in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise ParseError(_constraint_message([(path, value, "Member must be a map")]))
        _check_map(value, shape, path)
        return {str(k): _value(v, shape.value, f"{path}.{k}") for k, v in value.items()
                if v is not None}
    if kind == "string":
        if not isinstance(value, str):
            raise ParseError(_constraint_message([(path, value, "Member must be a string")]))
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ParseError(_constraint_message(
                    [(path, value, "Member must be an integer")]))
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParseError(_constraint_message([(path, value, "Member must be a number")]))
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise ParseError(_constraint_message([(path, value, "Member must be a boolean")]))
    elif kind == "timestamp":
        return _timestamp(value, path)
    elif kind == "blob":
        if not isinstance(value, str):
            raise ParseError(_constraint_message([(path, "...", "Member must be base64")]))
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ParseError(_constraint_message(
                [(path, "...", "Member must be valid base64")])) from None
    _check_range(value, shape, path)
    return value

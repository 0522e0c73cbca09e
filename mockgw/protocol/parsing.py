"""Parsing a request into an operation's input dict, driven by the botocore model.

Each input member is read from where the model puts it (``uri``, ``querystring``,
``header``, ``headers`` prefix maps, the payload member, or the JSON body) and coerced to
the type the model gives it.  Input a botocore client could never send is refused the way
AWS's request layer refuses it, before any handler runs:

* a body that is not JSON: ``SerializationException`` (``InvalidRequestContentException`` for
  Lambda) — also a JSON value of the wrong type, with Java's class names in the message;
* values outside an enum, a pattern or a length/range, and missing required members (of
  nested structures too; members bound to headers as well):
  ``ValidationException`` listing every violation in AWS's words, e.g.
  ``1 validation error detected: Value 'wrong' at 'putIntegrationInput.type' failed to
  satisfy constraint: Member must satisfy enum value set: [HTTP, MOCK, ...]``; the value of
  a member the model marks ``sensitive`` is left out (``Value at 'environment.variables'
  failed to satisfy constraint: ...``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

from botocore.model import OperationModel, Shape

from mockgw import jsonsafe
from mockgw.errors import ServiceError
from mockgw.protocol.models import service_model
from mockgw.protocol.wire import WireRequest

#: Services whose constraint paths are bare member names (Lambda) rather than
#: ``{operation}Input.{member}`` (API Gateway).
_BARE_PATHS = {"lambda"}
_BODY_ERRORS: dict[str, str] = {"lambda": "InvalidRequestContentException",
                                 "apigatewayv2": "BadRequestException"}
#: Services that answer constraint violations with another code than ``ValidationException``
#: (the apigatewayv2 model declares no ValidationException: its front end says BadRequest).
_VALIDATION_ERRORS: dict[str, str] = {"apigatewayv2": "BadRequestException"}
#: Services whose constraint paths name members by their wire names (``locationName``:
#: apigatewayv2's members are PascalCase, its JSON camelCase).
_WIRE_PATHS = {"apigatewayv2"}
#: Enum shapes whose service checks values itself, in its own words (Lambda's runtimes).
_SELF_CHECKED_ENUMS = frozenset({("lambda", "Runtime")})
#: Services whose handlers check string patterns themselves, only where AWS does (Lambda
#: does not check every modeled pattern, e.g. AddPermission's Principal).
_SELF_CHECKED_PATTERNS = frozenset({"lambda"})

#: Enum orders as AWS prints them where they differ from the model's order.
_ENUM_ORDER: dict[tuple[str, str], list[str]] = {
    ("apigateway", "EndpointType"): ["PRIVATE", "EDGE", "REGIONAL"],
    ("apigateway", "IntegrationType"): ["HTTP", "MOCK", "AWS_PROXY", "HTTP_PROXY", "AWS"],
    ("apigateway", "Op"): ["add", "remove", "move", "test", "replace", "copy"],
    ("apigateway", "IpAddressType"): ["ipv4", "dualstack"],
    ("lambda", "InvokeMode"): ["RESPONSE_STREAM", "BUFFERED"],
    ("lambda", "InvocationType"): ["DryRun", "RequestResponse", "Event"],
    ("lambda", "LogType"): ["Tail", "None"],
    ("apigateway", "DocumentationPartType"): [
        "RESPONSE_BODY", "RESPONSE", "METHOD", "MODEL", "AUTHORIZER", "RESPONSE_HEADER",
        "RESOURCE", "PATH_PARAMETER", "REQUEST_BODY", "QUERY_PARAMETER", "API",
        "REQUEST_HEADER"],
    ("apigateway", "GatewayResponseType"): [
        "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND", "AUTHORIZER_CONFIGURATION_ERROR",
        "MISSING_AUTHENTICATION_TOKEN", "BAD_REQUEST_BODY", "INVALID_SIGNATURE",
        "INVALID_API_KEY", "BAD_REQUEST_PARAMETERS", "AUTHORIZER_FAILURE", "UNAUTHORIZED",
        "INTEGRATION_TIMEOUT", "ACCESS_DENIED", "DEFAULT_4XX", "DEFAULT_5XX", "WAF_FILTERED",
        "QUOTA_EXCEEDED", "THROTTLED", "API_CONFIGURATION_ERROR", "UNSUPPORTED_MEDIA_TYPE",
        "INTEGRATION_FAILURE", "EXPIRED_TOKEN"],
}
#: Map key and value shapes whose constraints, listed in a map entry's violation, end with
#: ``Member must not be null`` (AWS lists it for these; not for others, e.g. the keys of
#: Lambda's environment variables or of EventBridge's ``inputPathsMap``).
_NOT_NULL_LISTED = frozenset({("lambda", "AdditionalVersion"), ("lambda", "Weight")})

_JAVA_CLASS = {bool: "java.lang.Boolean", int: "com.amazon.coral.value.json.numbers."
               "TruncatingBigNumber", float: "com.amazon.coral.value.json.numbers."
               "TruncatingBigNumber", str: "java.lang.String"}
_JAVA_TARGET = {"string": "String", "integer": "Integer", "long": "Long", "double": "Double",
                "float": "Float", "boolean": "Boolean", "timestamp": "Date", "blob": "ByteBuffer"}


class _Invalid(Exception):
    """Input that cannot be read as the model's types (a serialization error)."""


def parse_request(service: str, operation: str, request: WireRequest,
                  labels: dict[str, str]) -> dict[str, Any]:
    """The operation's input dict for ``request``, whose URI labels are ``labels``."""
    parser = _parser(service, operation)
    try:
        params, problems = parser(request, labels)
    except _Invalid as exc:
        code = _BODY_ERRORS.get(service, "SerializationException")
        raise ServiceError(str(exc), code=code, status=400) from None
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ServiceError(f"{count} validation {noun} detected: " + "; ".join(problems),
                           code=_VALIDATION_ERRORS.get(service, "ValidationException"),
                           status=400)
    return params


@functools.cache
def _parser(service: str, operation: str) -> Callable[[WireRequest, dict[str, str]],
                                                       tuple[dict, list[str]]]:
    op: OperationModel = service_model(service).operation_model(operation)
    shape = op.input_shape
    if shape is None:
        return lambda request, labels: ({}, [])
    checker = _Checker(service)
    prefix = "" if service in _BARE_PATHS else operation[:1].lower() + operation[1:] + "Input."
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
                query_map = name
            else:
                query.append((name, wire_name, member))
        elif loc == "header":
            headers.append((name, wire_name.lower(), member))
        elif loc == "headers":
            prefixed.append((name, wire_name.lower()))
        elif name != payload:
            body.append((name, wire_name, member))
    payload_member = shape.members[payload] if payload else None
    uri_query = op.http["requestUri"].partition("?")[2]
    modeled_query = {wire for _, wire, _ in query}
    modeled_query.update(pair.partition("=")[0] for pair in uri_query.split("&") if pair)
    required = list(shape.required_members)

    def _bare(name: str) -> str:
        return checker.name(name, shape.members[name])

    def parse(request: WireRequest, labels: dict[str, str]) -> tuple[dict, list[str]]:
        params: dict[str, Any] = {}
        body_problems: list[str] = []
        other_problems: list[str] = []
        if payload_member is not None:
            if payload_member.type_name in ("blob", "string"):
                if request.body or payload in required:
                    params[payload] = (request.body if payload_member.type_name == "blob"
                                       else request.body.decode("utf-8", "replace"))
            elif request.body.strip():
                value = _read(_json(request.body), payload_member)
                params[payload] = value
                checker.check(value, payload_member, prefix + payload, body_problems)
        elif body and request.body.strip():
            doc = _json(request.body)
            if not isinstance(doc, dict):
                raise _Invalid("Start of structure or map found where not expected.")
            for name, wire, member in body:
                if doc.get(wire) is not None:
                    params[name] = value = _read(doc[wire], member)
                    checker.check(value, member, prefix + _bare(name), body_problems)
        for name, wire, member in uri:
            if wire in labels:
                params[name] = value = _scalar(labels[wire], member)
                checker.check(value, member, _bare(name), other_problems)
        for name, wire, member in query:
            values = request.query.get(wire)
            if values:
                if member.type_name == "list":
                    params[name] = [_scalar(v, member.member) for v in values]
                else:
                    params[name] = _scalar(values[-1], member)
                checker.check(params[name], member, _bare(name), other_problems)
        if query_map is not None:
            extra = {k: v[-1] for k, v in request.query.items() if k not in modeled_query}
            if extra:
                params[query_map] = extra
        for name, wire, member in headers:
            value = request.headers.get(wire)
            if value is not None:
                params[name] = value = _header(value, member)
                if not member.serialization.get("jsonvalue"):
                    checker.check(value, member, _bare(name), other_problems)
        for name, header_prefix in prefixed:
            found = {k[len(header_prefix):]: v for k, v in request.headers.items()
                     if k.startswith(header_prefix)}
            if found:
                params[name] = found
        for name in required:
            if params.get(name) is None:
                located = shape.members[name].serialization.get("location")
                path = _bare(name) if located else prefix + _bare(name)
                (other_problems if located else body_problems).append(
                    f"Value null at '{path}' failed to satisfy constraint: "
                    "Member must not be null")
        return params, body_problems + other_problems

    return parse


def _json(body: bytes) -> Any:
    try:
        return jsonsafe.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:  # TooDeep is a ValueError
        raise _Invalid(f"Could not parse request body into json: {exc}") from None


def _mismatch(value: Any, shape: Shape) -> _Invalid:
    if isinstance(value, dict):
        return _Invalid("Start of structure or map found where not expected.")
    if isinstance(value, list):
        return _Invalid("Start of list found where not expected")
    source = _JAVA_CLASS.get(type(value), "java.lang.Object")
    target = _JAVA_TARGET.get(shape.type_name, "String")
    return _Invalid(f"class {source} can not be converted to an {target}")


def _read(value: Any, shape: Shape) -> Any:
    """A JSON body value coerced to its shape's type (raises :class:`_Invalid`)."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise _mismatch(value, shape)
        out = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if value.get(wire) is not None:
                out[name] = _read(value[wire], member)
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise _mismatch(value, shape)
        return [_read(v, shape.member) for v in value if v is not None]
    if kind == "map":
        if not isinstance(value, dict):
            raise _mismatch(value, shape)
        return {jsonsafe.clean(k): (None if v is None else _read(v, shape.value))
                for k, v in value.items()}
    if kind == "string":
        if not isinstance(value, str):
            raise _mismatch(value, shape)
        return jsonsafe.clean(value)  # no lone surrogate ever reaches a handler
    if kind in ("integer", "long"):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _mismatch(value, shape)
        return value
    if kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _mismatch(value, shape)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _mismatch(value, shape)
        return value
    if kind == "timestamp":
        return _timestamp(value, shape)
    if kind == "blob":
        if not isinstance(value, str):
            raise _mismatch(value, shape)
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _Invalid("Base64 encoded binary data is not valid") from None
    return value


def _scalar(text: str, shape: Shape) -> Any:
    """A value from a URI label, query string or header, as the shape types it."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("double", "float"):
            return float(text)
    except ValueError:
        raise _mismatch(text, shape) from None
    if kind == "boolean":
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise _mismatch(text, shape)
        return lowered == "true"
    if kind == "timestamp":
        return _timestamp(text, shape)
    return text


def _header(text: str, shape: Shape) -> Any:
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        try:
            return jsonsafe.loads(base64.b64decode(text))
        except (ValueError, binascii.Error):
            raise _Invalid(f"Header value is not base64-encoded JSON: {text}") from None
    return _scalar(text, shape)


def _timestamp(value: Any, shape: Shape) -> int | float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise _mismatch(value, shape)


class _Checker:
    """Collects constraint violations (enum, pattern, length, range) as AWS words them."""

    def __init__(self, service: str) -> None:
        self.service = service

    def check(self, value: Any, shape: Shape, path: str, problems: list[str]) -> None:
        kind = shape.type_name
        if kind == "structure":
            for name, member in shape.members.items():
                item = value.get(name)
                if item is not None:
                    self.check(item, member, f"{path}.{self.name(name, member)}", problems)
                elif name in shape.required_members:  # a nested structure's own members
                    problems.append(f"Value null at '{path}.{self.name(name, member)}' failed "
                                    "to satisfy constraint: Member must not be null")
            return
        if kind == "list":
            self._size(value, shape, path, problems)
            enum = shape.member.metadata.get("enum")
            if enum is not None and shape.member.type_name == "string":
                bad = [v for v in value if v not in enum]
                if bad:
                    problems.append(
                        f"{_value_at('[' + ', '.join(bad) + ']', shape, path)} failed to "
                        "satisfy constraint: Member must satisfy constraint: [Member must "
                        f"satisfy enum value set: [{', '.join(self._order(shape.member))}]]")
                return
            for i, item in enumerate(value, 1):
                self.check(item, shape.member, f"{path}.{i}.member", problems)
            return
        if kind == "map":
            self._size(value, shape, path, problems)
            self._map_entries(value, shape, path, problems)
            for item in value.values():
                if item is not None and shape.value.type_name in ("structure", "list", "map"):
                    self.check(item, shape.value, f"{path}.member", problems)
            return
        meta = shape.metadata
        if "enum" in meta and value not in meta["enum"] and \
                (self.service, shape.name) not in _SELF_CHECKED_ENUMS:
            problems.append(f"{_value_at(value, shape, path)} failed to satisfy constraint: "
                            f"Member must satisfy enum value set: "
                            f"[{', '.join(self._order(shape))}]")
            return
        if kind == "string":
            if self.service not in _SELF_CHECKED_PATTERNS and \
                    not _matches(meta.get("pattern"), value):
                problems.append(f"{_value_at(value, shape, path)} failed to satisfy "
                                "constraint: Member must satisfy regular expression pattern: "
                                f"{meta['pattern']}")
                return
            self._size(value, shape, path, problems)
        elif kind in ("integer", "long", "double", "float"):
            low, high = meta.get("min"), meta.get("max")
            if low is not None and value < low:
                problems.append(f"{_value_at(value, shape, path)} failed to satisfy "
                                f"constraint: Member must have value greater than or equal to "
                                f"{low}")
            elif high is not None and value > high:
                problems.append(f"{_value_at(value, shape, path)} failed to satisfy "
                                f"constraint: Member must have value less than or equal to "
                                f"{high}")

    def _size(self, value: Any, shape: Shape, path: str, problems: list[str]) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        size = len(value)
        shown = _value_at(value if isinstance(value, str) else "...", shape, path)
        if low is not None and size < low:
            problems.append(f"{shown} failed to satisfy constraint: "
                            f"Member must have length greater than or equal to {low}")
        elif high is not None and size > high:
            problems.append(f"{shown} failed to satisfy constraint: "
                            f"Member must have length less than or equal to {high}")

    def _map_entries(self, value: dict, shape: Shape, path: str, problems: list[str]) -> None:
        """Constrained map keys and values, as AWS's (Java) validator reports them: the
        whole map printed as ``{k=v}`` (left out when the map, its keys or its values are
        sensitive) and the key's or value's constraints listed."""
        found = []
        for what, items, member in (("keys", value.keys(), shape.key),
                                    ("value", value.values(), shape.value)):
            if member.type_name in ("structure", "list", "map") or not _constrained(member):
                continue
            if not all(item is not None and self._fits(item, member) for item in items):
                found.append(f"Map {what} must satisfy constraint: "
                             f"[{', '.join(self._constraints(member))}]")
        if found:
            shown = "{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
            hidden = any(s.metadata.get("sensitive") for s in (shape, shape.key, shape.value))
            where = f"Value at '{path}'" if hidden else f"Value '{shown}' at '{path}'"
            problems.extend(f"{where} failed to satisfy constraint: {why}" for why in found)

    def _fits(self, value: Any, shape: Shape) -> bool:
        found: list[str] = []
        self.check(value, shape, "", found)
        pattern = shape.metadata.get("pattern")
        return not found and (not isinstance(value, str) or _matches(pattern, value))

    def _constraints(self, shape: Shape) -> list[str]:
        """The constraints of a map's key or value shape, in AWS's order and words."""
        meta = shape.metadata
        what = "value" if shape.type_name in ("integer", "long", "double", "float") else "length"
        listed = [f"Member must have {what} less than or equal to {meta['max']}"] \
            if "max" in meta else []
        if "min" in meta:
            listed.append(f"Member must have {what} greater than or equal to {meta['min']}")
        if "pattern" in meta:
            listed.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
        if "enum" in meta:
            listed.append(f"Member must satisfy enum value set: [{', '.join(self._order(shape))}]")
        if (self.service, shape.name) in _NOT_NULL_LISTED:
            listed.append("Member must not be null")
        return listed

    def _order(self, shape: Shape) -> list[str]:
        return _ENUM_ORDER.get((self.service, shape.name), shape.metadata["enum"])

    def name(self, name: str, member: Shape) -> str:
        """How a constraint path names member ``name``."""
        if self.service in _BARE_PATHS:
            return name[:1].lower() + name[1:]
        if self.service in _WIRE_PATHS:
            return member.serialization.get("name", name)
        return name


def _value_at(shown: Any, shape: Shape, path: str) -> str:
    """How a violation names the value and where it is: ``Value 'x' at 'path'``, or
    ``Value at 'path'`` when the model marks the member ``sensitive`` (AWS never echoes
    those)."""
    if shape.metadata.get("sensitive"):
        return f"Value at '{path}'"
    return f"Value '{shown}' at '{path}'"


def _constrained(shape: Shape) -> bool:
    return any(key in shape.metadata for key in ("min", "max", "pattern", "enum"))


def _matches(pattern: str | None, value: str) -> bool:
    if pattern is None:
        return True
    compiled = _pattern(pattern)
    return compiled is None or compiled.fullmatch(value) is not None


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct (\p{L} ...): not checked
        return None

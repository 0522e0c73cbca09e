"""Serializing an operation's output dict, or a modeled error, the way rest-json does.

Only members of the output shape are written (handlers may keep internal keys in their
records), each in its modeled location: header members become headers, a ``statusCode``
member the status, a blob payload the raw body, everything else the JSON document.
Timestamps are epoch seconds, blobs base64, as botocore expects.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import functools
import json
from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from mockgw.errors import ServiceError
from mockgw.protocol.models import service_model
from mockgw.protocol.wire import WireResponse

JSON = "application/json"

#: Modeled errors preferred, in order, to report an operation mockgw does not implement.
_NOT_IMPLEMENTED_CODES = ("BadRequestException", "InvalidParameterValueException",
                          "InvalidRequestContentException", "ForbiddenException")


def serialize_output(service: str, operation: str, output: dict[str, Any] | None,
                     request_id: str) -> WireResponse:
    """The response for a successful call of ``operation`` that returned ``output``."""
    status, members, payload = _output_plan(service, operation)
    headers = [("x-amzn-RequestId", request_id)]
    if members is None:  # AWS: "an HTTP 202 response with an empty HTTP body"
        return WireResponse(status, [*headers, ("Content-Type", JSON)], b"")
    output = output or {}
    content_type = None
    doc = {}
    for name, location, wire, member, encode in members:
        value = output.get(name)
        if value is None:
            continue
        if location is None:
            doc[wire] = encode(value)
        elif location == "header":
            text = _header_text(value, member)
            if wire.lower() == "content-type":
                content_type = text
            else:
                headers.append((wire, text))
        elif location == "headers":
            headers.extend((wire + k, str(v)) for k, v in value.items())
        elif location == "statusCode":
            status = int(value)
    if payload is not None:
        name, member, encode = payload
        value = output.get(name)
        if member.type_name in ("blob", "string"):
            body = value.encode() if isinstance(value, str) else (value or b"")
            content_type = content_type or "application/octet-stream"
        else:
            body = _dumps(encode(value) if value is not None else {})
            content_type = content_type or JSON
    else:
        body = _dumps(doc) if status != 204 else b""  # 204 has no body, not even {}
        content_type = content_type or JSON
    headers.append(("Content-Type", content_type))
    return WireResponse(status, headers, body)


@functools.cache
def _output_plan(service: str, operation: str) -> tuple[
        int, list[tuple[str, str | None, str, Shape, Callable[[Any], Any]]] | None,
        tuple[str, Shape, Callable[[Any], Any]] | None]:
    """What :func:`serialize_output` reads of an operation's model, once: its status, each
    output member (name, location, wire name, shape, encoder; the payload's last) and the
    payload member; ``None`` members when it has no output shape."""
    op = service_model(service).operation_model(operation)
    status = op.http.get("responseCode", 200)
    shape = op.output_shape
    if shape is None:
        return status, None, None
    payload_name = shape.serialization.get("payload")
    members, payload = [], None
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location not in ("header", "headers", "statusCode"):
            location = None  # in the document
        encode = _encoder(member.name, service)
        if name == payload_name:
            payload = (name, member, encode)
            if location is None:
                continue  # the body itself
        members.append((name, location, member.serialization.get("name", name), member,
                        encode))
    return status, members, payload


def serialize_error(service: str, error: ServiceError, request_id: str) -> WireResponse:
    """The response for a modeled error, with the status the model gives its shape."""
    model = service_model(service)
    status = error.status
    doc: dict[str, Any] = {}
    headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", error.code),
               ("Content-Type", JSON)]
    try:
        shape = model.shape_for(error.code)
    except Exception:  # an error code the model does not know: plain envelope
        shape = None
    if shape is not None and shape.type_name == "structure":
        status = shape.metadata.get("error", {}).get("httpStatusCode", status)
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if name.lower() == "message":
                value = error.message
            elif name == "Type" and "Type" not in error.fields:
                value = "User" if status < 500 else "Service"
            else:
                value = error.fields.get(name)
            if value is None:
                continue
            if member.serialization.get("location") == "header":
                headers.append((wire, _header_text(value, member)))
            else:
                doc[wire] = value
        if not any(n.lower() == "message" for n in shape.members):
            doc["message"] = error.message
    else:
        doc["message"] = error.message
    return WireResponse(status, headers, _dumps(doc))


def not_implemented(service: str, operation: str) -> ServiceError:
    """The modeled error an operation without a handler answers with."""
    op = service_model(service).operation_model(operation)
    codes = [s.name for s in op.error_shapes]
    code = next((c for c in _NOT_IMPLEMENTED_CODES if c in codes), None)
    if code is None:
        code = next((s.name for s in op.error_shapes
                     if s.metadata.get("error", {}).get("httpStatusCode", 500) < 500),
                    "BadRequestException")
    return ServiceError(f"mockgw does not implement the {service} operation {operation} yet",
                        code=code, status=400)


def _dumps(doc: Any) -> bytes:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()


def _header_text(value: Any, shape: Shape) -> str:
    if shape.serialization.get("jsonvalue"):
        return base64.b64encode(json.dumps(value).encode()).decode()
    if isinstance(value, bool):
        return "true" if value else "false"
    if shape.type_name == "timestamp":
        return email.utils.formatdate(_epoch(value), usegmt=True)
    return str(value)


def _epoch(value: Any) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return float(value)


def _identity(value: Any) -> Any:
    return value


def _timestamp(value: Any) -> Any:
    seconds = _epoch(value)
    return int(seconds) if float(seconds).is_integer() else seconds


def _blob(value: Any) -> str:
    return base64.b64encode(value.encode() if isinstance(value, str) else value).decode()


@functools.cache
def _encoder(shape_name: str, service: str) -> Callable[[Any], Any]:
    """A function that renders a value of the named shape as JSON-ready data."""
    shape = service_model(service).shape_for(shape_name)
    return _compile(shape, service)


def _compile(shape: Shape, service: str) -> Callable[[Any], Any]:
    kind = shape.type_name
    if kind == "structure":
        members = [(name, m.serialization.get("name", name), m.name)
                   for name, m in shape.members.items()
                   if not m.serialization.get("location")]

        def structure(value: dict) -> dict:
            out = {}
            for name, wire, member_shape in members:
                item = value.get(name)
                if item is not None:
                    out[wire] = _encoder(member_shape, service)(item)
            return out

        return structure
    if kind == "list":
        item_shape = shape.member.name

        def listing(value: list) -> list:
            encode = _encoder(item_shape, service)
            return [encode(v) for v in value]

        return listing
    if kind == "map":
        value_shape = shape.value.name

        def mapping(value: dict) -> dict:
            encode = _encoder(value_shape, service)
            return {k: None if v is None else encode(v) for k, v in value.items()}

        return mapping
    if kind == "timestamp":
        if shape.serialization.get("timestampFormat") == "iso8601":
            return lambda v: dt.datetime.fromtimestamp(_epoch(v), dt.UTC).isoformat()
        return _timestamp
    if kind == "blob":
        return _blob
    return _identity

"""Checks that every response body fits its botocore output shape exactly.

Registered on each client the tests create (``before-parse``); any member the shape does
not define, any value of the wrong type and any missing required member is recorded, and
the test harness fails the test if anything was recorded.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.model import Shape


class ShapeChecker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, operation_model: Any, response_dict: dict, **_: Any) -> None:
        status = response_dict.get("status_code", 200)
        if status >= 300:
            return self._check_error(operation_model, response_dict)
        shape = operation_model.output_shape
        if shape is None:
            return None
        payload = shape.serialization.get("payload")
        if payload and shape.members[payload].type_name in ("blob", "string"):
            return None
        body = response_dict.get("body") or b"{}"
        try:
            doc = json.loads(body)
        except ValueError:
            self.problems.append(f"{operation_model.name}: body is not JSON: {body[:80]!r}")
            return None
        target = shape.members[payload] if payload else shape
        where = operation_model.name
        self._check(doc, target, where, top=not payload)
        return None

    def _check_error(self, operation_model: Any, response_dict: dict) -> None:
        headers = {k.lower(): v for k, v in response_dict.get("headers", {}).items()}
        if "x-amzn-errortype" not in headers:
            self.problems.append(f"{operation_model.name}: error without x-amzn-ErrorType")
        try:
            doc = json.loads(response_dict.get("body") or b"")
        except ValueError:
            self.problems.append(f"{operation_model.name}: error body is not JSON")
            return
        if not isinstance(doc, dict) or not any(k.lower() == "message" for k in doc):
            self.problems.append(f"{operation_model.name}: error body has no message: {doc}")

    def _check(self, value: Any, shape: Shape, where: str, top: bool = False) -> None:
        kind = shape.type_name
        if kind == "structure":
            if not isinstance(value, dict):
                self.problems.append(f"{where}: expected object, got {value!r}")
                return
            wire_names = {}
            for name, member in shape.members.items():
                if top and member.serialization.get("location"):
                    continue
                wire_names[member.serialization.get("name", name)] = (name, member)
            for key, item in value.items():
                if key not in wire_names:
                    self.problems.append(f"{where}: member {key!r} is not in {shape.name}")
                    continue
                self._check(item, wire_names[key][1], f"{where}.{key}")
            for name in shape.required_members:
                member = shape.members[name]
                if top and member.serialization.get("location"):
                    continue
                if member.serialization.get("name", name) not in value:
                    self.problems.append(f"{where}: required member {name!r} missing")
        elif kind == "list":
            if not isinstance(value, list):
                self.problems.append(f"{where}: expected list, got {value!r}")
                return
            for i, item in enumerate(value):
                self._check(item, shape.member, f"{where}[{i}]")
        elif kind == "map":
            if not isinstance(value, dict):
                self.problems.append(f"{where}: expected map, got {value!r}")
                return
            for key, item in value.items():
                if item is not None:  # AWS writes null map values (e.g. empty templates)
                    self._check(item, shape.value, f"{where}[{key!r}]")
        elif kind == "string":
            if not isinstance(value, str):
                self.problems.append(f"{where}: expected string, got {value!r}")
        elif kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                self.problems.append(f"{where}: expected integer, got {value!r}")
        elif kind in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.problems.append(f"{where}: expected number, got {value!r}")
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.problems.append(f"{where}: expected boolean, got {value!r}")
        elif kind == "timestamp" and (
                isinstance(value, bool) or not isinstance(value, (int, float, str))):
            self.problems.append(f"{where}: expected timestamp, got {value!r}")

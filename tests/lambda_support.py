"""Helpers of the Lambda tests: in-memory zip packages and short-hands."""

from __future__ import annotations

import io
import json
import shutil
import textwrap
import zipfile
from typing import Any

import pytest

from tests.helpers import error_of  # noqa: F401  (re-exported)
from tests.support import without_metadata  # noqa: F401  (re-exported)

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"


def zip_code(source: str, filename: str = "handler.py", **more: str) -> bytes:
    """A deployment package holding ``source`` (dedented) as ``filename``; the same
    sources always give the same bytes (entries carry a fixed date, not the time of day)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in {filename: source, **more}.items():
            entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, textwrap.dedent(text))
    return buffer.getvalue()


def create(client: Any, name: str, source: str, **options: Any) -> dict:
    """CreateFunction with a python3.12 ``handler.handler`` from ``source``."""
    params = {"FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
              "Handler": "handler.handler", "Code": {"ZipFile": zip_code(source)}}
    params.update(options)
    return client.create_function(**params)


def answer(result: dict) -> Any:
    """The decoded payload of an Invoke result."""
    return json.loads(result["Payload"].read())


ECHO = """
    def handler(event, context):
        return {"event": event, "version": context.function_version}
"""


NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def package_files(files: dict[str, str]) -> bytes:
    """A deployment package holding ``files`` (name -> dedented source)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, textwrap.dedent(text))
    return buffer.getvalue()


def create_node(client: Any, name: str, source: str | dict[str, str],
                handler: str = "index.handler", **options: Any) -> dict:
    """CreateFunction with a nodejs20.x function: ``source`` is ``index.js`` or a dict of
    files."""
    files = {"index.js": source} if isinstance(source, str) else source
    params = {"FunctionName": name, "Runtime": "nodejs20.x", "Role": ROLE, "Handler": handler,
              "Code": {"ZipFile": package_files(files)}}
    params.update(options)
    return client.create_function(**params)

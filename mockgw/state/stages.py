"""Stages in state: how a stage's ``methodSettings`` are keyed."""

from __future__ import annotations


def setting_key(resource_path: str, http_method: str) -> str:
    """The ``methodSettings`` key of a method (``~1pets~1{id}/GET``, ``*/*``)."""
    escaped = resource_path.replace("~", "~0").replace("/", "~1")
    return f"{escaped}/{http_method}"

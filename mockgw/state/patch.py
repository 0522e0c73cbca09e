"""The PATCH-operations engine shared by every ``Update*`` operation.

API Gateway updates take a list of ``{op, path, value, from}`` operations in a dialect of
JSON Patch.  Each operation declares which paths it accepts with :class:`PatchPath`
entries; the engine matches paths (``~1``/``~0`` escapes, ``{label}`` segments and ``*``),
checks the op is allowed there, coerces the string value and applies the change to a copy
of the record.  Any failure raises ``BadRequestException`` and leaves the record as it was.

Example::

    PATHS = [
        scalar("/name"),
        scalar("/minimumCompressionSize", coerce=integer, removable=True),
        set_member("/binaryMediaTypes/{value}"),
        map_entry("/variables/{key}"),
    ]
    updated = apply_patch(record, params.get("patchOperations", []), PATHS)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mockgw.errors import BadRequestException
from mockgw.state.tree import copy_tree

OPS = ("add", "remove", "replace", "move", "copy", "test")

Apply = Callable[[dict, str, dict[str, str], Any], None]


class PatchError(BadRequestException):
    """A patch operation the path does not allow, or a value it cannot take."""


@dataclass(frozen=True)
class PatchPath:
    """One accepted path pattern, the ops allowed on it and how to apply them.

    ``apply(record, op, labels, value)`` changes ``record`` in place; ``value`` is already
    coerced (a ``remove`` gets the operation's value as sent, usually ``None``: AWS's
    ``remove /apiStages`` names its target in the value).  ``get(record, labels)`` reads
    the current value, for ``copy``/``move`` sources.
    """

    pattern: str
    ops: frozenset[str]
    apply: Apply
    coerce: Callable[[str, str], Any] | None = None
    get: Callable[[dict, dict[str, str]], Any] | None = None
    value_required: bool = True

    @property
    def segments(self) -> list[str]:
        return split_path(self.pattern)


def split_path(path: str) -> list[str]:
    """The segments of a patch path, with ``~1`` and ``~0`` unescaped."""
    if not path.startswith("/"):
        return [path.replace("~1", "/").replace("~0", "~")]
    return [s.replace("~1", "/").replace("~0", "~") for s in path[1:].split("/")]


def _match(pattern: list[str], segs: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(segs):
        # A trailing label may take the rest (e.g. resource paths with slashes escaped).
        return None
    labels: dict[str, str] = {}
    for want, got in zip(pattern, segs, strict=True):
        if want.startswith("{") and want.endswith("}"):
            if got == "":
                return None
            labels[want[1:-1]] = got
        elif want != got:
            return None
    return labels


def find_path(paths: Sequence[PatchPath], path: str) -> tuple[PatchPath, dict[str, str]] | None:
    segs = split_path(path)
    for entry in paths:
        labels = _match(entry.segments, segs)
        if labels is not None:
            return entry, labels
    return None


def unknown_plain(path: str, op: str, paths: Sequence[PatchPath]) -> str:
    """AWS's most common answer to a path it does not accept."""
    return f"Invalid patch path {path}"


def unknown_for_op(path: str, op: str, paths: Sequence[PatchPath]) -> str:
    """The answer that lists the paths *this op* accepts (``Please choose supported
    operations`` when it accepts none), as UpdateResource and many others word it."""
    accepted = [p.pattern for p in paths if op in p.ops]
    if not accepted:
        return _choose_supported(path, op)
    return (f"Invalid patch path  '{path}' specified for op '{op}'. "
            f"Must be one of: [{', '.join(accepted)}]")


def _choose_supported(path: str, op: str) -> str:
    return (f"Invalid patch path  '{path}' specified for op '{op}'. "
            "Please choose supported operations")


def op_must_be_one_of(path: str, op: str, entry: PatchPath) -> str:
    """AWS's most common answer to an op the path does not allow."""
    allowed = ", ".join(o for o in OPS if o in entry.ops)
    return f"Invalid patch operation specified. Must be one of: [{allowed}]"


def apply_patch(record: dict, operations: Sequence[dict] | None, paths: Sequence[PatchPath],
                *, unknown_path: Callable[[str, str, Sequence[PatchPath]], str] = unknown_plain,
                bad_op: Callable[[str, str, PatchPath], str] = op_must_be_one_of,
                paths_by_op: bool = False) -> dict:
    """A patched deep copy of ``record``; raises :class:`PatchError`, changing nothing.

    ``unknown_path`` and ``bad_op`` word the errors for a path no :class:`PatchPath`
    matches and for an op the matching path does not allow (AWS words them differently
    per operation).  ``paths_by_op`` words them as most operations do: an unknown path with
    :func:`unknown_for_op`, a refused op with ``Please choose supported operations``.
    """
    result = copy_tree(record)
    for operation in operations or ():
        op = operation.get("op")
        path = operation.get("path")
        if op not in OPS:
            raise PatchError(f"Invalid patch operation specified. Must be one of: {list(OPS)}")
        if path is None:
            raise PatchError("Invalid patch path null")
        if op == "test":
            continue
        if op in ("copy", "move"):
            _copy_or_move(result, operation, op, paths)
            continue
        found = find_path(paths, path)
        if found is None:
            raise PatchError((unknown_for_op if paths_by_op else unknown_path)(path, op, paths))
        entry, labels = found
        if op not in entry.ops:
            raise PatchError(_choose_supported(path, op) if paths_by_op
                             else bad_op(path, op, entry))
        value = operation.get("value")
        if op != "remove":
            if value is None and entry.value_required:
                raise PatchError(f"Invalid null or empty value in patch operation for path "
                                 f"'{path}'")
            if entry.coerce is not None and value is not None:
                value = entry.coerce(value, path)
        entry.apply(result, op, labels, value)
    return result


def _copy_or_move(record: dict, operation: dict, op: str, paths: Sequence[PatchPath]) -> None:
    source = operation.get("from")
    target = operation.get("path")
    if not source:
        raise PatchError(f"Invalid null or empty value in 'from' for op '{op}'")
    found = find_path(paths, source)
    if found is None or found[0].get is None:
        raise PatchError(f"Invalid 'from' path '{source}' specified for op '{op}'")
    entry, labels = found
    value = entry.get(record, labels)
    if value is None:
        raise PatchError(f"Cannot {op} from '{source}': no value exists at that path")
    target_found = find_path(paths, target)
    if target_found is None or "add" not in target_found[0].ops:
        raise PatchError(f"Invalid patch path '{target}' specified for op '{op}'")
    target_entry, target_labels = target_found
    target_entry.apply(record, "add", target_labels, copy_tree(value))
    if op == "move":
        entry.apply(record, "remove", labels, None)


# -- value coercions (patch values are strings on the wire) --------------------------------

def text(value: Any, path: str) -> str:
    return str(value)


def integer(value: Any, path: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PatchError(f"Invalid value '{value}' for path '{path}': "
                         "must be an integer") from None


def number(value: Any, path: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise PatchError(f"Invalid value '{value}' for path '{path}': "
                         "must be a number") from None


def boolean(value: Any, path: str) -> bool:
    if isinstance(value, bool):
        return value
    lowered = str(value).lower()
    if lowered not in ("true", "false"):
        raise PatchError(f"Invalid value '{value}' for path '{path}': "
                         "must be true or false")
    return lowered == "true"


# -- common path kinds ---------------------------------------------------------------------

def _keys(pattern: str) -> list[str]:
    """The record keys a literal pattern walks (``/a/b`` -> ``["a", "b"]``)."""
    return [s for s in split_path(pattern) if not s.startswith("{")]


def _walk(record: dict, keys: list[str], create: bool) -> dict | None:
    node = record
    for key in keys:
        child = node.get(key)
        if not isinstance(child, dict):
            if not create:
                return None
            child = node[key] = {}
        node = child
    return node


def scalar(pattern: str, *, coerce: Callable[[str, str], Any] = text,
           ops: Sequence[str] = ("replace",), removable: bool = False,
           validate: Callable[[Any], None] | None = None) -> PatchPath:
    """A plain field (``/name``, ``/accessLogSettings/format``) set by add/replace."""
    keys = _keys(pattern)
    allowed = set(ops) | ({"remove"} if removable else set())

    def apply(record: dict, op: str, labels: dict[str, str], value: Any) -> None:
        parent = _walk(record, keys[:-1], create=op != "remove")
        if op == "remove":
            if parent is not None:
                parent.pop(keys[-1], None)
            return
        if validate is not None:
            validate(value)
        parent[keys[-1]] = value

    def get(record: dict, labels: dict[str, str]) -> Any:
        parent = _walk(record, keys[:-1], create=False)
        return None if parent is None else parent.get(keys[-1])

    return PatchPath(pattern, frozenset(allowed), apply, coerce, get)


def map_entry(pattern: str, *, coerce: Callable[[str, str], Any] = text,
              ops: Sequence[str] = ("add", "replace", "remove"),
              validate: Callable[[str, Any], None] | None = None) -> PatchPath:
    """An entry of a string map (``/variables/{key}``): the last label is the map key."""
    keys = _keys(pattern)
    label = split_path(pattern)[-1][1:-1]

    def apply(record: dict, op: str, labels: dict[str, str], value: Any) -> None:
        key = labels[label]
        if op == "remove":
            mapping = _walk(record, keys, create=False)
            if mapping is not None:
                mapping.pop(key, None)
            return
        if validate is not None:
            validate(key, value)
        _walk(record, keys, create=True)[key] = value

    def get(record: dict, labels: dict[str, str]) -> Any:
        mapping = _walk(record, keys, create=False)
        return None if mapping is None else mapping.get(labels[label])

    return PatchPath(pattern, frozenset(ops), apply, coerce, get)


def set_member(pattern: str, *, ops: Sequence[str] = ("add", "remove", "replace")) -> PatchPath:
    """A member of a list used as a set (``/binaryMediaTypes/{value}``).

    ``add`` appends the path's own last segment (no value needed), ``remove`` drops it,
    ``replace`` swaps it for ``value``.
    """
    keys = _keys(pattern)
    label = split_path(pattern)[-1][1:-1]

    def apply(record: dict, op: str, labels: dict[str, str], value: Any) -> None:
        parent = _walk(record, keys[:-1], create=True)
        items = parent.setdefault(keys[-1], [])
        member = labels[label]
        if op == "add":
            if member not in items:
                items.append(member)
        elif op == "remove":
            if member in items:
                items.remove(member)
            if not items:
                parent.pop(keys[-1], None)
        else:  # replace: AWS drops the old member and appends the new one
            if member in items:
                items.remove(member)
            if value not in items:
                items.append(value)

    def get(record: dict, labels: dict[str, str]) -> Any:
        parent = _walk(record, keys[:-1], create=False) or {}
        return labels[label] if labels[label] in parent.get(keys[-1], []) else None

    return PatchPath(pattern, frozenset(ops), apply, text, get, value_required=False)


def custom(pattern: str, apply: Apply, *, ops: Sequence[str] = ("replace",),
           coerce: Callable[[str, str], Any] | None = text,
           get: Callable[[dict, dict[str, str]], Any] | None = None,
           value_required: bool = True) -> PatchPath:
    """A path with its own apply function."""
    return PatchPath(pattern, frozenset(ops), apply, coerce, get, value_required)

"""JSONPath as API Gateway evaluates it (Jayway JsonPath semantics, on jsonpath-ng).

A *definite* path (only names and single indexes: ``$.a.b[0]``) yields one value or
nothing; any other path (wildcards, filters, deep scans, slices, unions) yields a list
of every match, possibly empty. A path without the leading ``$`` is taken from the
root, as Jayway does.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonpath_ng import Child, Fields, Index, Root, This
from jsonpath_ng.ext import parse

from mockgw.vtl.java import JsonArray

#: What :func:`find` returns when a definite path matches nothing.
MISSING = object()


@lru_cache(maxsize=512)
def _compile(path: str) -> tuple[Any, bool]:
    expression = parse(path)
    return expression, _is_definite(expression)


def _is_definite(expression: Any) -> bool:
    if isinstance(expression, Child):
        return _is_definite(expression.left) and _is_definite(expression.right)
    if isinstance(expression, Root | This):
        return True
    if isinstance(expression, Fields):
        return len(expression.fields) == 1 and expression.fields[0] != "*"
    if isinstance(expression, Index):
        return len(expression.indices) == 1
    return False


def find(document: Any, path: str) -> Any:
    """Evaluate ``path`` on ``document``: a value, :data:`MISSING`, or a :class:`JsonArray`.

    Raises ``ValueError`` (or a jsonpath-ng error) for a malformed path.
    """
    path = path.strip() or "$"
    if path == "$":
        return document
    expression, definite = _compile(path)
    matches = [match.value for match in expression.find(document)]
    if definite:
        return matches[0] if matches else MISSING
    return JsonArray(matches)

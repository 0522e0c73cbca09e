"""What an HTTP API import reports besides errors: ``Parse issue: ...`` warnings (parts of
the document that are invalid OpenAPI 3.0 but do not stop the import) and ``ImportInfo``
(valid OpenAPI that HTTP APIs ignore).

Both are worded as AWS words them.  AWS reads documents with the Swagger parser, so its
parse issues are that parser's messages (``attribute paths. Resource $default should start
with /``, ``attribute paths.'/pets'(get).responses.200.content.schema.#/components/schemas/
Pet is missing``), and it walks the document's maps as Java hash maps, which decides the
order of its ImportInfo lines: :func:`java_order` gives that order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockgw.apigateway.openapi.document import Document, mapping

#: Operation keys of a path item (the Swagger parser's), in its order.
OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: The root keys of an OpenAPI 3.0 document.
ROOT_KEYS = ("openapi", "info", "servers", "paths", "components", "security", "tags",
             "externalDocs")
#: Parts of an operation and of ``components`` that HTTP APIs do not use.
IGNORED_OPERATION_KEYS = ("requestBody", "responses", "parameters", "callbacks")
USED_COMPONENTS = ("securitySchemes", "x-amazon-apigateway-integrations")


def parse_issues(doc: Document) -> list[str]:
    """The document's parse issues, each ``Parse issue: attribute ...``."""
    root = doc.root
    unexpected = [f"attribute {key} is unexpected" for key in root
                  if isinstance(key, str) and key not in ROOT_KEYS and not key.startswith("x-")]
    missing: list[str] = []
    notes: list[str] = []
    info = root.get("info")
    if not isinstance(info, dict):
        missing.append("attribute info is missing")
    else:
        missing.extend(f"attribute info.{key} is missing" for key in ("title", "version")
                       if info.get(key) in (None, ""))
    paths = root.get("paths")
    if not isinstance(paths, dict):
        missing.append("attribute paths is missing")
        paths = {}
    for path, item in paths.items():
        if not str(path).startswith("/"):
            notes.append(f"attribute paths. Resource {path} should start with /")
        item = mapping(doc.resolve(item))
        for method in OPERATIONS:
            operation = mapping(doc.resolve(item.get(method)))
            where = f"paths.'{path}'({method})"
            for code, response in mapping(operation.get("responses")).items():
                missing.extend(_missing_refs(doc, doc.resolve(response),
                                             f"{where}.responses.{code}"))
            missing.extend(_missing_refs(doc, doc.resolve(operation.get("requestBody")),
                                         f"{where}.requestBody"))
    return ["Parse issue: " + message for message in (*unexpected, *missing, *notes)]


def _missing_refs(doc: Document, body: Any, where: str) -> list[str]:
    """``{where}.content.schema.{ref} is missing`` for each media type's schema that
    points nowhere."""
    found = []
    for media in mapping(mapping(body).get("content")).values():
        ref = mapping(mapping(media).get("schema")).get("$ref")
        if isinstance(ref, str) and doc.pointer(ref) is None:
            found.append(f"attribute {where}.content.schema.{ref} is missing")
    return found


def import_info(doc: Document) -> list[str]:
    """``ImportInfo``: one line per part of the document an HTTP API ignores."""
    lines = [f"components: key [{key}] will be ignored by API Gateway"
             for key in java_order(mapping(doc.root.get("components")))
             if key not in USED_COMPONENTS]
    paths = mapping(doc.root.get("paths"))
    for path in java_order(paths):
        item = mapping(doc.resolve(paths[path]))
        for method in java_order(k for k in item if k in OPERATIONS):
            operation = mapping(doc.resolve(item[method]))
            lines.extend(f"paths.{path}.{method}: key [{key}] will be ignored by API Gateway"
                         for key in java_order(operation) if key in IGNORED_OPERATION_KEYS)
    return lines


def java_order(keys: Iterable[Any]) -> list[Any]:
    """``keys`` in the order a ``java.util.HashMap`` they were put into in this order
    iterates them (as strings): by bucket of the spread ``String.hashCode``, the table
    doubling from 16 whenever it is more than three quarters full."""
    keys = list(keys)
    capacity = 16
    while len(keys) > capacity * 3 // 4:
        capacity *= 2
    buckets = [_spread(_java_hash(str(key))) & (capacity - 1) for key in keys]
    order = sorted(range(len(keys)), key=lambda i: (buckets[i], i))
    return [keys[i] for i in order]


def _java_hash(text: str) -> int:
    value = 0
    units = text.encode("utf-16-be")
    for i in range(0, len(units), 2):
        value = (31 * value + int.from_bytes(units[i:i + 2], "big")) & 0xFFFFFFFF
    return value


def _spread(value: int) -> int:
    return value ^ (value >> 16)

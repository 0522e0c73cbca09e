"""The mapping template GetModelTemplate generates from a model's (flattened) schema, in
the shape API Gateway writes it::

    #set($inputRoot = $input.path('$'))
    {
      "name" : "foo",
      "price" : 3.1415,
      "tags" : [
      ##TODO: Update this foreach loop to reference array from input json
      #foreach($elem in $inputRoot.tags)
       {
        "key" : "$elem.key"
      }
      #if($foreach.hasNext),#end
      #end
      ]
    }

(the ``}`` closing an array element is followed by a space).  Fields outside a loop get
sample values (``"foo"``, ``3.1415``, ``42``, ``true``) for the developer to replace;
inside a ``#foreach`` loop they refer to the loop's element.
"""

from __future__ import annotations

from typing import Any

HEADER = "#set($inputRoot = $input.path('$'))"
_SAMPLES = {"string": '"foo"', "number": "3.1415", "integer": "42", "boolean": "true",
            "null": "null"}


def mapping_template(schema: Any) -> str:
    """The template for a flattened model schema."""
    return HEADER + "\n" + _value(schema, 0, "$inputRoot", loop_depth=None)


def _type(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "string"
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        if "properties" in schema:
            return "object"
        return "array" if "items" in schema else "string"
    return kind


def _value(schema: Any, indent: int, path: str, loop_depth: int | None) -> str:
    """The template text of one value at ``indent``; ``path`` is its VTL reference and
    ``loop_depth`` how deep in ``#foreach`` loops it is (``None``: in none)."""
    kind = _type(schema)
    if kind == "object":
        return _object(schema, indent, path, loop_depth)
    if kind == "array":
        return _array(schema, indent, path, loop_depth)
    if loop_depth is None:
        return _SAMPLES.get(kind, '"foo"')
    return f'"{path}"' if kind == "string" else path


def _object(schema: dict, indent: int, path: str, loop_depth: int | None) -> str:
    properties = schema.get("properties") or {}
    if not properties:
        return "{}"
    pad = " " * (indent + 2)
    fields = [f'{pad}"{name}" : {_value(sub, indent + 2, f"{path}.{name}", loop_depth)}'
              for name, sub in properties.items()]
    return "{\n" + ",\n".join(fields) + "\n" + " " * indent + "}"


def _array(schema: dict, indent: int, path: str, loop_depth: int | None) -> str:
    depth = 0 if loop_depth is None else loop_depth + 1
    element = "$elem" if depth == 0 else f"$elem{depth}"
    pad = " " * indent
    item = _value(schema.get("items") or {}, indent, element, depth)
    if item.startswith("{\n"):  # API Gateway's spacing around an element object
        item = " " + item + " "
    return "\n".join([
        "[",
        f"{pad}##TODO: Update this foreach loop to reference array from input json",
        f"{pad}#foreach({element} in {path})",
        pad + item,
        f"{pad}#if($foreach.hasNext),#end",
        f"{pad}#end",
        f"{pad}]",
    ])

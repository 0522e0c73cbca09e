"""The Velocity dialect API Gateway speaks, built on airspeed (airspeed-ext).

airspeed parses and evaluates Velocity; API Gateway runs Apache Velocity 1.7 in Java,
which differs in ways templates rely on. This module loads a *private* instance of
``airspeed.operators`` and replaces a few of its element classes there, so these changes
never reach other users of airspeed in the process:

- values print as Java prints them (:func:`mockgw.vtl.java.java_str`);
- ``$obj.method(...)`` calls Java's ``String``/``List``/``Map`` methods first;
- ``#if`` is false only for null and ``false``; ``==`` compares numbers by value and
  other classes by ``toString()``; arithmetic on non-numbers gives null;
- ``#set`` with a null value leaves the variable unchanged, and a variable first set
  inside ``#foreach`` or a macro stays visible after it (Velocity's context is global);
- ``#foreach`` over a map iterates its values; ``#break`` leaves the loop.
"""

from __future__ import annotations

import importlib.util
import operator
import re
from functools import lru_cache
from typing import Any

from mockgw.vtl import java


def _private_operators() -> Any:
    spec = importlib.util.find_spec("airspeed.operators")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ops = _private_operators()

TemplateError = ops.TemplateError


class BreakLoop(ops.TemplateExecutionError):
    """Raised by ``#break``; passes through airspeed's error wrapping to ``#foreach``."""

    def __init__(self) -> None:
        Exception.__init__(self, "#break")


def _assign(namespace: Any, name: str, value: Any) -> None:
    """Bind ``name`` where it is already bound, else in the template's global context."""
    scope = namespace
    while not dict.__contains__(scope, name) and isinstance(scope.parent, ops.LocalNamespace):
        scope = scope.parent
    scope[name] = value


class NameOrCall(ops.NameOrCall):
    """``$a.name`` and ``$a.name(...)`` with Java's methods and map-key properties."""

    def calculate(self, current_object: Any, loader: Any, top_namespace: Any) -> Any:
        if isinstance(current_object, ops.LocalNamespace):
            return super().calculate(current_object, loader, top_namespace)
        if isinstance(current_object, dict | str | list | int | float):
            if self.parameters is not None:
                method = java.java_method(current_object, self.name)
                if method is None:
                    return None
                return method(current_object, *self.parameters.calculate(top_namespace, loader))
            value = current_object.get(self.name) if isinstance(current_object, dict) else None
            return self._index(value, top_namespace, loader)
        if self.name.startswith("_"):
            return None
        return super().calculate(current_object, loader, top_namespace)

    def _index(self, value: Any, namespace: Any, loader: Any) -> Any:
        if self.index is None or value is None:
            return value
        key = self.index.calculate(namespace, loader)
        if isinstance(value, list):
            if not isinstance(key, int) or not 0 <= key < len(value):
                return None
            return value[key]
        return value.get(key) if isinstance(value, dict) else None


class Condition(ops.Condition):
    def calculate(self, namespace: Any, loader: Any) -> bool:
        return java.truthy(self.expression.calculate(namespace, loader))


class UnaryOperatorValue(ops.UnaryOperatorValue):
    def calculate(self, namespace: Any, loader: Any) -> bool:
        return not java.truthy(self.value.calculate(namespace, loader))


def _both(test: Any) -> Any:
    return lambda left, right: test(java.truthy(left), java.truthy(right))


class BinaryOperator(ops.BinaryOperator):
    OPERATORS = {
        **ops.BinaryOperator.OPERATORS,
        "==": java.equals,
        "eq": java.equals,
        "!=": lambda left, right: not java.equals(left, right),
        "ne": lambda left, right: not java.equals(left, right),
        ">": java.compare(operator.gt),
        "gt": java.compare(operator.gt),
        ">=": java.compare(operator.ge),
        "ge": java.compare(operator.ge),
        "<": java.compare(operator.lt),
        "lt": java.compare(operator.lt),
        "<=": java.compare(operator.le),
        "le": java.compare(operator.le),
        "&&": _both(lambda left, right: left and right),
        "and": _both(lambda left, right: left and right),
        "||": _both(lambda left, right: left or right),
        "or": _both(lambda left, right: left or right),
        "+": java.add,
        "-": java.arithmetic(operator.sub),
        "*": java.arithmetic(operator.mul),
        "/": java.divide,
        "%": java.modulo,
    }


class Range(ops.Range):
    """``[1..3]`` is a list, as in Velocity."""

    def calculate(self, namespace: Any, loader: Any) -> list[int]:
        return list(super().calculate(namespace, loader))


class Assignment(ops.Assignment):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        value = self.value.calculate(namespace, loader)
        if value is None:
            return
        if not self.terms:
            _assign(namespace, self.root_term, value)
            return
        target = namespace[self.root_term]
        for term in self.terms[:-1]:
            target = target[term.calculate(namespace, loader)]
        target[self.terms[-1].calculate(namespace, loader)] = value


class ForeachDirective(ops.ForeachDirective):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        iterable = self.value.calculate(namespace, loader)
        if isinstance(iterable, dict):
            items = list(iterable.values())
        elif isinstance(iterable, list | tuple):
            items = list(iterable)
        else:
            return
        size = len(items)
        for index, item in enumerate(items):
            scope = ops.LocalNamespace(namespace)
            scope["velocityCount"] = index + 1
            scope["velocityHasNext"] = index + 1 < size
            scope["foreach"] = {"count": index + 1, "index": index,
                                "hasNext": index + 1 < size, "first": index == 0,
                                "last": index + 1 == size}
            scope[self.loop_var_name] = item
            try:
                self.block.evaluate(stream, scope, loader)
            except BreakLoop:
                break


class BreakDirective(ops._Element):
    START = re.compile(r"#(?:break|\{break\})(?![A-Za-z0-9_])(.*)$", re.S)

    def parse(self) -> None:
        self.identity_match(self.START)

    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        raise BreakLoop()


for _element in (NameOrCall, Condition, UnaryOperatorValue, BinaryOperator, Range,
                 Assignment, ForeachDirective):
    setattr(ops, _element.__name__, _element)
ops.UserDefinedDirective.DIRECTIVES = [BreakDirective]
ops.value_to_string = java.java_str


@lru_cache(maxsize=512)
def compile_template(source: str) -> Any:
    """Parse ``source`` once; raises :data:`TemplateError` on a syntax error."""
    template = ops.Template(source)
    template.ensure_compiled()
    return template


def merge(source: str, namespace: dict[str, Any]) -> str:
    """Render ``source`` with ``namespace``; ``#break`` outside a loop ends the template."""
    stream = ops.StoppableStream()
    try:
        compile_template(source).merge_to(namespace, stream)
    except BreakLoop:
        pass
    return stream.getvalue()

"""Rendering mapping templates: the namespace API Gateway gives them, and what comes back.

A template sees ``$input`` (payload and request parameters), ``$util``, ``$context``
(whatever context the caller supplies, plus ``requestOverride`` and ``responseOverride``)
and ``$stageVariables``. Rendering never changes the caller's objects; the returned
:class:`Rendered` holds the text and the context as the template left it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockgw.state.tree import copy_tree
from mockgw.vtl import velocity
from mockgw.vtl.input import Input
from mockgw.vtl.java import java_str
from mockgw.vtl.util import Util

Params = Mapping[str, Mapping[str, str]]

REQUEST_OVERRIDE_TYPES = ("header", "querystring", "path")


class VtlError(Exception):
    """A template that API Gateway cannot render: syntax error, bad JSON, failing call.

    API Gateway answers such a request with 500 ``{"message": "Internal server error"}``.
    """


class OverrideMap(dict):
    """An override map: each key may be set once per template, or the template fails.

    AWS: "An override may only be applied to each parameter once. Trying to override the
    same parameter multiple times will result in 5XX responses."
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._assigned: set[Any] = set()

    def __setitem__(self, key: Any, value: Any) -> None:
        if key in self._assigned:
            raise VtlError(f"override {key!r} may only be set once")
        self._assigned.add(key)
        super().__setitem__(key, value)


def _template_context(context: Mapping[str, Any] | None) -> dict[str, Any]:
    """A private copy of ``context`` with fresh override maps holding earlier overrides."""
    copied = copy_tree(dict(context or {}))
    request = copied.get("requestOverride") or {}
    response = copied.get("responseOverride") or {}
    copied["requestOverride"] = OverrideMap(
        {kind: OverrideMap(request.get(kind) or {}) for kind in REQUEST_OVERRIDE_TYPES})
    copied["responseOverride"] = OverrideMap(
        {**response, "header": OverrideMap(response.get("header") or {})})
    return copied


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _after(context: dict[str, Any]) -> dict[str, Any]:
    """The context a render leaves behind, its override maps turned into plain dicts."""
    return {**context, "requestOverride": _plain(context["requestOverride"]),
            "responseOverride": _plain(context["responseOverride"])}


def _override_value(value: Any) -> str | list[str]:
    if isinstance(value, list | tuple):
        return [java_str(item) for item in value]
    return java_str(value)


@dataclass(frozen=True)
class Rendered:
    """A rendered template: its ``text`` and the ``$context`` it leaves behind."""

    text: str
    context: dict[str, Any]

    @property
    def request_override(self) -> dict[str, dict[str, str | list[str]]]:
        """``$context.requestOverride`` (``header``, ``querystring``, ``path``) as strings."""
        overrides = self.context.get("requestOverride") or {}
        return {kind: {name: _override_value(value)
                       for name, value in (overrides.get(kind) or {}).items()}
                for kind in REQUEST_OVERRIDE_TYPES}

    @property
    def response_headers(self) -> dict[str, str]:
        """``$context.responseOverride.header`` as strings."""
        headers = (self.context.get("responseOverride") or {}).get("header") or {}
        return {name: java_str(value) for name, value in headers.items()}

    @property
    def response_status(self) -> int | None:
        """``$context.responseOverride.status`` if it is a status code (100-599)."""
        status = (self.context.get("responseOverride") or {}).get("status")
        if isinstance(status, bool):
            return None
        if isinstance(status, str) and status.strip().isdigit():
            status = int(status)
        return status if isinstance(status, int) and 100 <= status <= 599 else None


def render(template: str, *, body: bytes | str | None = None, params: Params | None = None,
           context: Mapping[str, Any] | None = None,
           stage_variables: Mapping[str, str] | None = None) -> Rendered:
    """Render ``template``; raises :class:`VtlError` when API Gateway's engine would fail."""
    if "$" not in template and "#" not in template:  # nothing for Velocity to do
        return Rendered(template, dict(context or {}))
    template_context = _template_context(context)
    namespace = {
        "input": Input(body, params),
        "util": Util(),
        "context": template_context,
        "stageVariables": dict(stage_variables or {}),
    }
    try:
        text = velocity.merge(template, namespace)
    except VtlError:
        raise
    except velocity.TemplateError as error:
        cause = error.__cause__
        if isinstance(cause, VtlError):
            raise cause from None
        raise VtlError(str(error)) from error
    except Exception as error:  # the engine must never fail with anything else
        raise VtlError(f"{type(error).__name__}: {error}") from error
    return Rendered(text, _after(template_context))


def render_request(template: str, *, body: bytes | str | None = None,
                   params: Params | None = None, context: Mapping[str, Any] | None = None,
                   stage_variables: Mapping[str, str] | None = None) -> Rendered:
    """Render an integration request template over the method request.

    ``params`` holds the method request's ``path``, ``querystring`` and ``header``
    values. The result's :attr:`Rendered.request_override` says how to change the
    integration request; pass :attr:`Rendered.context` on to :func:`render_response`.
    """
    return render(template, body=body, params=params, context=context,
                  stage_variables=stage_variables)


def render_response(template: str, *, body: bytes | str | None = None,
                    params: Params | None = None, context: Mapping[str, Any] | None = None,
                    stage_variables: Mapping[str, str] | None = None) -> Rendered:
    """Render an integration response template over the integration's response ``body``.

    ``params`` are still the method request's parameters (``$input.params()``), and
    ``context`` is usually the request rendering's :attr:`Rendered.context`, so request
    overrides stay readable. The result carries :attr:`Rendered.response_status` and
    :attr:`Rendered.response_headers`.
    """
    return render(template, body=body, params=params, context=context,
                  stage_variables=stage_variables)

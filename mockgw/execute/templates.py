"""Rendering mapping templates for the data plane (Velocity, through ``mockgw.vtl``)."""

from __future__ import annotations

from mockgw.execute.context import Invocation


def template_params(inv: Invocation) -> dict[str, dict[str, str]]:
    """``$input.params()``: path, querystring and header values (last of repeats)."""
    headers: dict[str, str] = {}
    for name, value in inv.request.header_items:
        headers[name] = value
    return {"path": dict(inv.path_params),
            "querystring": {k: v[-1] for k, v in inv.request.query.items() if v},
            "header": headers}


def render_request_template(inv: Invocation, template: str) -> str:
    raise NotImplementedError  # wired to mockgw.vtl when it lands


def render_response_template(inv: Invocation, template: str, body: bytes) -> str:
    raise NotImplementedError  # wired to mockgw.vtl when it lands


def render_gateway_template(inv: Invocation, template: str) -> str:
    raise NotImplementedError  # wired to mockgw.vtl when it lands

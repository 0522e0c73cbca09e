"""Mapping templates in the data plane.

Integration request and response templates are Velocity (:mod:`mockgw.vtl`); overrides
they set (``$context.requestOverride`` / ``responseOverride``) stay in the invocation's
``$context``.  Gateway-response templates are not Velocity: AWS only substitutes
``$context.*``, ``$stageVariables.*`` and method request parameters in them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mockgw import jsonsafe
from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.headers import method_request_headers
from mockgw.execute.variables import lookup
from mockgw.vtl import VtlError, render_request, render_response

_SUBSTITUTION = re.compile(  # $name or ${name}: a closing brace only after an opening one
    r"\$(\{)?(context|stageVariables|method\.request\.(?:path|querystring|header))"
    r"\.([A-Za-z0-9_.\-]+)(?(1)\})")


def template_params(inv: Invocation) -> dict[str, dict[str, str]]:
    """``$input.params()``: path, querystring and header values (last of repeats)."""
    headers: dict[str, str] = {}
    for name, value in method_request_headers(inv.request.header_items):
        headers[name] = value
    return {"path": dict(inv.path_params),
            "querystring": {k: v[-1] for k, v in inv.request.query.items() if v},
            "header": headers}


def render_request_template(inv: Invocation, template: str, body: bytes) -> str:
    """The integration request body rendered over the method request's payload ``body``;
    the overrides the template sets go to ``$context.requestOverride`` (as strings)."""
    try:
        rendered = render_request(template, body=body, params=template_params(inv),
                                  context=inv.context, stage_variables=inv.stage_variables)
    except VtlError as exc:
        raise GatewayError("API_CONFIGURATION_ERROR",
                           log=f"Execution failed due to configuration error: Unable to "
                               f"transform request: {exc}") from None
    inv.context = {**rendered.context, "requestOverride": rendered.request_override}
    return jsonsafe.clean(rendered.text)  # a lone surrogate from the payload: no UTF-8


def render_response_template(inv: Invocation, template: str, body: bytes) -> str:
    """The method response body; ``responseOverride`` values go to ``$context``."""
    try:
        rendered = render_response(template, body=body, params=template_params(inv),
                                   context=inv.context, stage_variables=inv.stage_variables)
    except VtlError as exc:
        raise GatewayError("API_CONFIGURATION_ERROR",
                           log=f"Execution failed due to configuration error: Unable to "
                               f"transform response: {exc}") from None
    inv.context = rendered.context
    override = inv.context.setdefault("responseOverride", {})
    if rendered.response_status is not None:
        override["status"] = rendered.response_status
    override.setdefault("header", {}).update(rendered.response_headers)
    return jsonsafe.clean(rendered.text)


def render_gateway_template(inv: Invocation, template: str) -> str:
    """A gateway-response template: plain substitution, no Velocity (as AWS does)."""
    def value(match: re.Match[str]) -> str:
        _, scope, name = match.groups()
        if scope == "context":
            found: Any = lookup(inv.context, name)
        elif scope == "stageVariables":
            found = inv.stage_variables.get(name)
        else:
            location = scope.rsplit(".", 1)[1]
            found = template_params(inv)[location].get(name)
        if found is None:
            return ""
        if isinstance(found, bool):
            return "true" if found else "false"
        if isinstance(found, (dict, list)):
            return json.dumps(found, separators=(",", ":"))
        return str(found)

    return jsonsafe.clean(_SUBSTITUTION.sub(value, template))

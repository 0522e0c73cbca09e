"""API Gateway mapping templates (Velocity / VTL) and parameter-mapping values.

    from mockgw.vtl import render_request, render_response, VtlError

    rendered = render_request(template, body=b'{"a": 1}',
                              params={"path": {}, "querystring": {"q": "x"}, "header": {}},
                              context={"requestId": "...", "identity": {"sourceIp": "..."}},
                              stage_variables={"env": "dev"})
    rendered.text, rendered.request_override          # body and header/querystring/path
    response = render_response(template2, body=backend_body, params=...,
                               context=rendered.context, stage_variables=...)
    response.text, response.response_status, response.response_headers

Any template failure raises :class:`VtlError` (API Gateway answers 500). Parameter
mappings (``requestParameters``/``responseParameters``) resolve with
:func:`resolve_parameter`.
"""

from mockgw.vtl.engine import Rendered, VtlError, render, render_request, render_response
from mockgw.vtl.parameters import (
    INTEGRATION_RESPONSE,
    METHOD_REQUEST,
    InvalidJsonBody,
    ParameterSource,
    body_value,
    resolve_parameter,
)

__all__ = [
    "INTEGRATION_RESPONSE",
    "METHOD_REQUEST",
    "InvalidJsonBody",
    "ParameterSource",
    "Rendered",
    "VtlError",
    "body_value",
    "render",
    "render_request",
    "render_response",
    "resolve_parameter",
]

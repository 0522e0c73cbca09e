"""Parameter mapping in the data plane: ``requestParameters`` and ``responseParameters``.

Expressions are resolved by :func:`mockgw.vtl.resolve_parameter` (one implementation of
API Gateway's mapping sources); this module builds its sources from an invocation and
sorts the results by target location.
"""

from __future__ import annotations

from collections.abc import Callable

from mockgw.execute.context import IntegrationResult, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.headers import method_request_headers
from mockgw.vtl import (
    INTEGRATION_RESPONSE,
    METHOD_REQUEST,
    InvalidJsonBody,
    ParameterSource,
    resolve_parameter,
)

Resolver = Callable[[str], "str | list[str] | None"]


class HeaderValues(dict[str, list[str]]):
    """Header values by name as sent; a name that matches no header exactly falls back to
    a case-insensitive match (a WSGI server does not keep the case clients sent)."""

    def get(self, name: str, default: object = None) -> list[str] | None:  # type: ignore[override]
        if name in self:
            return self[name]
        lowered = name.lower()
        return next((v for k, v in self.items() if k.lower() == lowered), default)


def _multi(items: list[tuple[str, str]]) -> HeaderValues:
    values = HeaderValues()
    for name, value in items:
        values.setdefault(name, []).append(value)
    return values


def method_request_source(inv: Invocation) -> Resolver:
    """Resolves ``method.request.*``, ``context.*``, ``stageVariables.*`` and statics."""
    source = ParameterSource(prefix=METHOD_REQUEST, path=inv.path_params,
                             querystring=inv.request.query,
                             headers=_multi(method_request_headers(inv.request.header_items)),
                             body=inv.request.body)

    def resolve(expression: str) -> str | list[str] | None:
        try:
            return resolve_parameter(expression, source, context=inv.context,
                                     stage_variables=inv.stage_variables)
        except InvalidJsonBody:
            raise GatewayError("BAD_REQUEST_BODY", "Invalid JSON in request body") from None

    return resolve


def integration_response_source(inv: Invocation, result: IntegrationResult) -> Resolver:
    """Resolves ``integration.response.*`` plus the common sources."""
    source = ParameterSource(prefix=INTEGRATION_RESPONSE, headers=_multi(result.headers),
                             body=result.body)

    def resolve(expression: str) -> str | list[str] | None:
        try:
            return resolve_parameter(expression, source, context=inv.context,
                                     stage_variables=inv.stage_variables)
        except InvalidJsonBody:
            raise GatewayError("API_CONFIGURATION_ERROR",
                               log="Invalid JSON in integration response body") from None

    return resolve


def apply_mappings(mappings: dict[str, str] | None, prefix: str,
                   resolve: Resolver) -> dict[str, dict[str, str | list[str]]]:
    """``{location: {name: value}}`` for the targets under ``prefix`` (e.g.
    ``integration.request.``) whose source expression found a value."""
    out: dict[str, dict[str, str | list[str]]] = {}
    for target, expression in (mappings or {}).items():
        if not target.startswith(prefix) or not expression:
            continue
        location, _, name = target[len(prefix):].partition(".")
        value = resolve(expression.strip())
        if value is not None:
            out.setdefault(location, {})[name] = value
    return out

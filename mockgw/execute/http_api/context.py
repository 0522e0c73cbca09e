"""The invocation of an HTTP API: the shared :class:`RouteInvocation` (the route and its
integration) plus what HTTP APIs add (the paths as HTTP APIs name them, the authorizer's
grant)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockgw.execute.route_invocation import RouteInvocation


@dataclass(slots=True)
class HttpApiInvocation(RouteInvocation):
    """An HTTP API request on its way through :mod:`mockgw.execute.http_api.pipeline`.

    Besides the shared fields: ``inv.path`` is the raw path after the stage (as sent);
    ``raw_path`` is ``rawPath`` (decoded, starting with ``/{stage}`` on a named stage);
    ``api_path`` is ``$request.path`` (decoded, without the stage); ``path_params`` are
    decoded.
    """

    raw_path: str = "/"
    api_path: str = "/"
    #: ``requestContext.authorizer`` as payload 2.0 carries it (``jwt``, ``lambda`` or
    #: ``iam``) and as payload 1.0 does; ``None`` for routes without authorization.
    authorizer_v2: dict[str, Any] | None = None
    authorizer_v1: dict[str, Any] | None = None
    #: A CORS preflight's answer headers (``None`` for requests that are no preflight).
    preflight_headers: list[tuple[str, str]] | None = None

    @property
    def authorization_type(self) -> str | None:
        return (self.route or {}).get("AuthorizationType")

    @property
    def execution_logging(self) -> str | None:
        return None  # HTTP APIs write access logs only

    @property
    def cors(self) -> dict[str, Any] | None:
        """The deployed ``CorsConfiguration`` (``None`` when CORS is not configured)."""
        return ((self.snapshot or {}).get("api") or {}).get("CorsConfiguration")

"""The invocation of an HTTP API: the shared :class:`Invocation` plus what HTTP APIs add
(the route, its integration, the paths as HTTP APIs name them, the authorizer's grant)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockgw.execute.context import Invocation


@dataclass(slots=True)
class HttpApiInvocation(Invocation):
    """An HTTP API request on its way through :mod:`mockgw.execute.http_api.pipeline`.

    Besides the shared fields: ``inv.path`` is the raw path after the stage (as sent);
    ``raw_path`` is ``rawPath`` (decoded, starting with ``/{stage}`` on a named stage);
    ``api_path`` is ``$request.path`` (decoded, without the stage); ``path_params`` are
    decoded.  ``route`` and ``route_integration`` come from the deployment snapshot.
    """

    route: dict[str, Any] | None = None
    route_key: str = ""
    route_integration: dict[str, Any] | None = None
    raw_path: str = "/"
    api_path: str = "/"
    #: ``requestContext.authorizer`` as payload 2.0 carries it (``jwt``, ``lambda`` or
    #: ``iam``) and as payload 1.0 does; ``None`` for routes without authorization.
    authorizer_v2: dict[str, Any] | None = None
    authorizer_v1: dict[str, Any] | None = None
    #: A CORS preflight's answer headers (``None`` for requests that are no preflight).
    preflight_headers: list[tuple[str, str]] | None = None

    def __post_init__(self) -> None:
        Invocation.__post_init__(self)
        self.request_id = self.extended_request_id  # HTTP APIs have one id per request

    @property
    def integration(self) -> dict[str, Any]:
        return self.route_integration or {}

    @property
    def stage_name(self) -> str | None:
        return self.stage["StageName"] if self.stage is not None else None

    @property
    def api_name(self) -> str | None:
        return ((self.snapshot or {}).get("api") or {}).get("Name")

    @property
    def authorization_type(self) -> str | None:
        return (self.route or {}).get("AuthorizationType")

    @property
    def execution_logging(self) -> str | None:
        return None  # HTTP APIs write access logs only

    @property
    def access_log_format(self) -> str | None:
        return ((self.stage or {}).get("AccessLogSettings") or {}).get("Format")

    @property
    def cors(self) -> dict[str, Any] | None:
        """The deployed ``CorsConfiguration`` (``None`` when CORS is not configured)."""
        return ((self.snapshot or {}).get("api") or {}).get("CorsConfiguration")

"""Selection expressions (route, API key, route response, model, template) and route keys:
what AWS accepts for each, for HTTP and WebSocket APIs."""

from __future__ import annotations

import re

from mockgw.errors import BadRequestException

HTTP_ROUTE_SELECTION = "$request.method $request.path"
DEFAULT_API_KEY_SELECTION = "$request.header.x-api-key"
API_KEY_SELECTIONS = (DEFAULT_API_KEY_SELECTION, "$context.authorizer.usageIdentifierKey")
DEFAULT_ROUTE_KEY = "$default"
WEBSOCKET_ROUTE_KEYS = ("$connect", "$disconnect", "$default")
HTTP_METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")

#: ``$request.body.action``, ``${request.body.action}``, ``${request.header.x}-v1`` ...
_REQUEST_REFERENCE = re.compile(r"\$\{?request\.(body|header|querystring)\.[^\s}]+")
_SEGMENT = re.compile(r"^(\{[A-Za-z0-9._~-]+\}|\{[A-Za-z0-9._~-]+\+\}|[^{}]+)$")


def check_route_selection(protocol: str, expression: str | None) -> str:
    """The API's route selection expression (HTTP APIs: AWS's only one by default)."""
    if protocol == "HTTP":
        if expression not in (None, HTTP_ROUTE_SELECTION):
            raise BadRequestException(
                f"Invalid route selection expression specified: {expression}. HTTP APIs "
                f"support only {HTTP_ROUTE_SELECTION}")
        return HTTP_ROUTE_SELECTION
    if not expression:
        raise BadRequestException(
            "RouteSelectionExpression is required for WEBSOCKET protocol type APIs")
    if not _REQUEST_REFERENCE.search(expression):
        raise BadRequestException(
            f"Invalid route selection expression specified: {expression}. Use $request.body."
            "{path}, or ${request.body.{path}} with static text around it")
    return expression


def check_api_key_selection(expression: str) -> None:
    if expression not in API_KEY_SELECTIONS:
        raise BadRequestException(
            f"Invalid API key selection expression specified: {expression}. Must be one of "
            f"[{', '.join(API_KEY_SELECTIONS)}]")


def check_request_expression(what: str, expression: str) -> None:
    """Model and template selection expressions: a ``$request.*`` reference (or a
    static key)."""
    if not expression.strip():
        raise BadRequestException(f"Invalid {what} specified: empty expression")


def check_route_key(protocol: str, key: str) -> None:
    """HTTP APIs: ``$default`` or ``METHOD /path`` (``{param}`` segments, a greedy
    ``{proxy+}`` last); WebSocket APIs: ``$connect``, ``$disconnect``, ``$default`` or a
    custom key."""
    if not key:
        raise BadRequestException("Route key is required")
    if protocol == "WEBSOCKET":
        if key.startswith("$") and key not in WEBSOCKET_ROUTE_KEYS:
            raise BadRequestException(
                f"Invalid route key specified: {key}. Route keys starting with $ are reserved "
                f"for {', '.join(WEBSOCKET_ROUTE_KEYS)}")
        return
    if key == DEFAULT_ROUTE_KEY:
        return
    method, space, path = key.partition(" ")
    if not space or method not in HTTP_METHODS or not path.startswith("/"):
        raise BadRequestException(
            f"Invalid route key specified: {key}. An HTTP API route key is $default or an "
            f"HTTP method ({', '.join(HTTP_METHODS)}) and a path starting with /, for "
            "example GET /pets")
    if path == "/":
        return
    segments = path[1:].split("/")
    names = set()
    for i, segment in enumerate(segments):
        if not _SEGMENT.match(segment) or (segment.endswith("+}") and i != len(segments) - 1):
            raise BadRequestException("One or more path parts appear to be invalid")
        if segment.startswith("{"):
            name = segment.strip("{}+")
            if name in names:
                raise BadRequestException("One or more path parts appear to be invalid")
            names.add(name)

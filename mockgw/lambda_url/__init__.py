"""Lambda function URLs on the data plane: ``https://{url id}.lambda-url.{region}.on.aws/``.

A request reaches a function URL by its Host, ``{url id}.lambda-url.{region}.{anything}``
(``.on.aws`` as on AWS, ``.localhost:4566`` for a local server), or on any host by the path
``/_aws/lambda-url/{url id}/{path}``.  :func:`find_target` is what the request
dispatch (``server.Front``) asks; :func:`dispatch` (or ``invocation.handle``) answers:

    find the URL -> CORS preflight -> AWS_IAM signature -> resource policy
    -> invoke the function with the payload format 2.0 event -> its HTTP response + CORS

The control plane (CreateFunctionUrlConfig, ...) is :mod:`mockgw.lambda_.urls`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mockgw.protocol.wire import WireRequest, WireResponse

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance

#: Requests to function URLs, as ``requests`` URLs (the in-process mock intercepts them).
URL_PATTERN = re.compile(r"^https?://[a-z0-9]+\.lambda-url\.[^/]+(?:/.*)?$", re.IGNORECASE)
PATH_PREFIX = "/_aws/lambda-url/"
_HOST = re.compile(r"^([a-z0-9]+)\.lambda-url\.([a-z0-9-]+)(?:\.[^:]*)?(?::\d+)?$",
                   re.IGNORECASE)
_PATH = re.compile(r"^/_aws/lambda-url/([a-z0-9]+)(/.*)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class UrlTarget:
    """Which function URL a request calls, and the path it asks for there."""

    url_id: str
    region: str | None  # from the Host; None for the path form (any region)
    path: str
    domain: str | None  # the Host's name, when the request named the URL by its Host


def find_target(request: WireRequest) -> UrlTarget | None:
    """The function URL a request is for, or ``None`` for any other request."""
    host = request.headers.get("host", "")
    if ".lambda-url." in host:
        found = _HOST.match(host)
        if found:
            return UrlTarget(found.group(1).lower(), found.group(2).lower(),
                             request.path or "/", host.split(":")[0].lower())
    if request.path.startswith(PATH_PREFIX):
        found = _PATH.match(request.path)
        if found:
            return UrlTarget(found.group(1).lower(), None, found.group(2) or "/", None)
    return None


def dispatch(instance: Instance, request: WireRequest) -> WireResponse | None:
    """Answer ``request`` if it is for a function URL, else ``None`` (the hook the request
    dispatch calls before the data and control planes)."""
    target = find_target(request)
    if target is None:
        return None
    from mockgw.lambda_url.invocation import handle

    return handle(instance, target, request)


__all__ = ["PATH_PREFIX", "URL_PATTERN", "UrlTarget", "dispatch", "find_target"]

"""Rendering console pages: security headers, notices after actions, error pages, and
what the admin endpoints of other parts of mockgw report (read through the application)."""

from __future__ import annotations

import collections
import threading
from typing import Any

from flask import Response, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from mockgw.console import console, present
from mockgw.console.source import ActionFailed, instance
from mockgw.errors import ServiceError

#: The console loads nothing from elsewhere and cannot be framed (clickjacking).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page(template: str, status: int = 200, **context: Any) -> Response:
    """A console page rendered from ``templates/console/{template}``."""
    context.setdefault("notice", _notice())
    html = render_template(f"console/{template}", present=present, **context)
    return Response(html, status=status, headers=SECURITY_HEADERS, mimetype="text/html")


def fragment(template: str, **context: Any) -> Response:
    """A piece of a page (what the console's JavaScript refreshes)."""
    html = render_template(f"console/{template}", present=present, **context)
    return Response(html, headers=SECURITY_HEADERS, mimetype="text/html")


# -- notices: what an action did, shown on the page it redirects to -------------------------

class Notices:
    """The last notices of the console's actions, by id (one instance each)."""

    KEPT = 200

    def __init__(self, _instance: object) -> None:
        self._found: collections.OrderedDict[str, tuple[str, str]] = collections.OrderedDict()
        self._lock = threading.Lock()
        self._next = 0

    def add(self, kind: str, text: str) -> str:
        with self._lock:
            self._next += 1
            key = str(self._next)
            self._found[key] = (kind, text)
            while len(self._found) > self.KEPT:
                self._found.popitem(last=False)
            return key

    def get(self, key: str) -> tuple[str, str] | None:
        with self._lock:
            return self._found.get(key)


def _notices() -> Notices:
    return instance().service("console.notices", Notices)


def _notice() -> tuple[str, str] | None:
    key = request.args.get("notice")
    return _notices().get(key) if key else None


def after_action(endpoint: str, kind: str, text: str, **values: Any) -> Response:
    """Redirect (303) to ``endpoint`` with a notice saying what the action did."""
    values["notice"] = _notices().add(kind, text)
    return redirect(url_for(endpoint, **values), code=303)


def refused(endpoint: str, failure: ActionFailed, **values: Any) -> Response:
    text = f"{failure.code}: {failure.message}" if failure.code else failure.message
    return after_action(endpoint, "error", text, **values)


# -- what other admin endpoints report --------------------------------------------------------

def websocket_url() -> str | None:
    """The server's base WebSocket URL (``None`` in-process until a listener starts)."""
    return instance().websocket_url


# -- errors -----------------------------------------------------------------------------------

@console.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return page("error.html", status=error.code or 500, title=error.name,
                message=error.description)


@console.errorhandler(ServiceError)
def _refused(error: ServiceError) -> Response:
    """A handler's refusal while reading a page: its code and message, on the page."""
    return page("error.html", status=error.status, title=error.code,
                message=error.message or error.code)


def not_found() -> Response:
    """The page for a console path that names no page."""
    return page("error.html", status=404, title="Not Found",
                message=f"The console has no page at {request.path}")


@console.errorhandler(Exception)
def _failure(error: Exception) -> Response:
    current_app.logger.exception("console page %s failed", request.path)
    return page("error.html", status=500, title="The console failed",
                message=f"{error!r} (the server log has the trace)")


@console.context_processor
def _everywhere() -> dict[str, Any]:
    from mockgw import __version__

    return {"version": __version__, "token_required": bool(instance().settings.admin_token)}

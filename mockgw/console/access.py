"""Signing in to the console when an ``admin_token`` is set.

The admin guard (``mockgw.admin.guard``) sends a browser without the token to
``/_mockgw/console/sign-in``; the token typed there (or given once as ``?token=`` on any
console URL) sets an HttpOnly, SameSite=Strict cookie the guard accepts
(:data:`mockgw.crosssite.ADMIN_COOKIE`, a digest of the token).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Response, redirect, request, url_for

from mockgw import crosssite
from mockgw.console import console
from mockgw.console.source import instance

#: Console endpoints the admin guard lets through without the token (still after the
#: cross-site checks).
OPEN_ENDPOINTS = frozenset({"admin.console.sign_in", "admin.console.static"})
_PREFIX = "/_mockgw/"


def sign_in_redirect() -> Response:
    """Where a console request without the token goes: the sign-in page (which signs in
    at once when the request carried ``?token=``)."""
    args = request.args.to_dict()
    token = args.pop("token", None)
    target = request.path + ("?" + urlencode(args) if args else "")
    values = {"next": target}
    if token:
        values["token"] = token
    return redirect(url_for("admin.console.sign_in", **values), code=303)


def _next_url(given: str | None) -> str:
    """A local console URL to go to after signing in (anything else: the front page)."""
    if given:
        parts = urlsplit(given)
        if not parts.scheme and not parts.netloc and parts.path.startswith(_PREFIX) \
                and "\\" not in given:
            return given
    return url_for("admin.console.index")


@console.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response:
    from mockgw.console.pages import page

    settings = instance().settings
    target = _next_url(request.values.get("next"))
    if not settings.admin_token:
        return redirect(target, code=303)
    given = request.form.get("token") if request.method == "POST" else request.args.get("token")
    if given is None:
        return page("sign_in.html", next=target, failed=False, token_required=False)
    if not crosssite.token_matches(given, settings):
        return page("sign_in.html", status=401, next=target, failed=True, token_required=False)
    response = redirect(target, code=303)
    response.set_cookie(crosssite.ADMIN_COOKIE, crosssite.admin_cookie_value(
        settings.admin_token), path=_PREFIX, httponly=True, samesite="Strict",
        secure=request.scheme == "https")
    return response


@console.post("/sign-out")
def sign_out() -> Response:
    response = redirect(url_for("admin.console.sign_in"), code=303)
    response.delete_cookie(crosssite.ADMIN_COOKIE, path=_PREFIX, httponly=True,
                           samesite="Strict")
    return response

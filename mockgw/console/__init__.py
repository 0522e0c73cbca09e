"""The web console: ``/_mockgw/console/``, pages that show what tests built and what their
requests did, and a few actions (test invocations, canary promotion, rollbacks).

``console`` is a Flask blueprint nested in the admin blueprint (:mod:`mockgw.admin`), so
the admin guard (cross-site checks, the admin token) runs before every page and action.
Pages are server-rendered Jinja templates (``templates/console/``); ``static/`` holds the
console's own CSS and JavaScript, which only add conveniences (copy buttons, live refresh,
the test panel without a reload).  Everything is read and changed through the control
plane's handlers, as boto3's calls are (:mod:`mockgw.console.source`).
"""

from __future__ import annotations

from flask import Blueprint

console = Blueprint("console", __name__, url_prefix="/console",
                    template_folder="templates", static_folder="static")

from mockgw.console import access, home, http_apis, pages, rest  # noqa: E402,F401  (views)

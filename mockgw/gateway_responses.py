"""Gateway responses: API Gateway's built-in defaults and how a REST API's own
``gatewayResponses`` override them.

Pure functions over plain dicts, shared by the control plane (GetGatewayResponse(s) list
every type, defaults included) and the data plane (the response an error turns into).

Resolution of the response for a type (AWS's rule):

1. the API's own response for that type;
2. else the API's ``DEFAULT_4XX`` or ``DEFAULT_5XX`` (chosen by the class of the type's
   default status): its parameters and templates, and its status code if it has one
   (otherwise the type's own default status);
3. else the built-in default.

The result is a ``GatewayResponse`` dict as the botocore model names it.  ``DEFAULT_4XX``
and ``DEFAULT_5XX`` have no status code of their own: a caller that gets no
``statusCode`` uses the status of the error it is answering.
"""

from __future__ import annotations

from typing import Any

from mockgw.state.tree import copy_tree

#: The default status code of every response type (botocore's ``GatewayResponseType``
#: order); ``DEFAULT_4XX`` and ``DEFAULT_5XX`` have none.
DEFAULT_STATUS: dict[str, str | None] = {
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "RESOURCE_NOT_FOUND": "404",
    "UNAUTHORIZED": "401",
    "INVALID_API_KEY": "403",
    "ACCESS_DENIED": "403",
    "AUTHORIZER_FAILURE": "500",
    "AUTHORIZER_CONFIGURATION_ERROR": "500",
    "INVALID_SIGNATURE": "403",
    "EXPIRED_TOKEN": "403",
    "MISSING_AUTHENTICATION_TOKEN": "403",
    "INTEGRATION_FAILURE": "504",
    "INTEGRATION_TIMEOUT": "504",
    "API_CONFIGURATION_ERROR": "500",
    "UNSUPPORTED_MEDIA_TYPE": "415",
    "BAD_REQUEST_PARAMETERS": "400",
    "BAD_REQUEST_BODY": "400",
    "REQUEST_TOO_LARGE": "413",
    "THROTTLED": "429",
    "QUOTA_EXCEEDED": "429",
    "WAF_FILTERED": "403",
}

RESPONSE_TYPES: tuple[str, ...] = tuple(DEFAULT_STATUS)

#: Private key of a response defined without a status code: the data plane then answers
#: with the error's own status (AWS's INTEGRATION_FAILURE shows 504 but answers 500).
STATUS_NOT_GIVEN = "_statusNotGiven"

#: The body template of every built-in gateway response.
DEFAULT_TEMPLATES: dict[str, str] = {
    "application/json": '{"message":$context.error.messageString}',
}


def family(response_type: str) -> str | None:
    """``DEFAULT_4XX`` or ``DEFAULT_5XX`` for a type whose default status is 4xx or 5xx;
    ``None`` for those two types themselves."""
    status = DEFAULT_STATUS[response_type]
    if status is None:
        return None
    return "DEFAULT_4XX" if status.startswith("4") else "DEFAULT_5XX"


def built_in(response_type: str) -> dict[str, Any]:
    """API Gateway's own response for ``response_type`` (``defaultResponse: true``)."""
    out: dict[str, Any] = {"responseType": response_type, "defaultResponse": True,
                           "responseParameters": {},
                           "responseTemplates": dict(DEFAULT_TEMPLATES)}
    status = DEFAULT_STATUS[response_type]
    if status is not None:
        out["statusCode"] = status
    return out


def effective(response_type: str, defined: dict[str, dict]) -> dict[str, Any]:
    """The response API Gateway sends for ``response_type`` given an API's own responses
    ``defined`` (its ``gatewayResponses`` section, keyed by type)."""
    own = defined.get(response_type)
    if own is not None:
        return copy_tree(own)
    fallback = defined.get(family(response_type) or "")
    if fallback is None:
        return built_in(response_type)
    out = {"responseType": response_type, "defaultResponse": True,
           "responseParameters": copy_tree(fallback.get("responseParameters", {})),
           "responseTemplates": copy_tree(fallback.get("responseTemplates", {}))}
    status = fallback.get("statusCode") or DEFAULT_STATUS[response_type]
    if status is not None:
        out["statusCode"] = status
    return out

"""MOCK integrations: the request template's ``statusCode`` is the backend's answer."""

from __future__ import annotations

from mockgw import jsonsafe
from mockgw.execute.context import IntegrationResult, Invocation
from mockgw.execute.errors import GatewayError


def call(inv: Invocation) -> IntegrationResult:
    assert inv.integration_request is not None
    return answer(inv.integration_request.body)


def answer(body: bytes, *, json_required: bool = True) -> IntegrationResult:
    """The mock backend's answer to ``body`` (the rendered request template): the status
    its ``statusCode`` says, 200 without one.  A body that is not JSON fails the integration
    (REST APIs), or counts as no ``statusCode`` without ``json_required`` (WebSocket APIs)."""
    body = body.strip()
    status = _STATUSES.get(body)
    if status is None:
        status = _status(body, json_required)
    return IntegrationResult(status=status)


#: The status of each short JSON body read (most mock templates render the same text on
#: every request), each parsed once (bounded).
_STATUSES: dict[bytes, int] = {}


def _status(body: bytes, json_required: bool) -> int:
    if not body:
        return 200
    try:
        doc = jsonsafe.loads(body)
    except jsonsafe.TooDeep:  # no statusCode to read at the top: AWS's default
        return 200
    except ValueError:
        if json_required:
            raise GatewayError("INTEGRATION_FAILURE",
                               log="Mock integration template did not give valid "
                                   "JSON") from None
        return 200
    status = 200
    if isinstance(doc, dict) and doc.get("statusCode") is not None:
        try:
            status = int(doc["statusCode"])
        except (TypeError, ValueError):
            raise GatewayError("INTEGRATION_FAILURE",
                               log="Mock statusCode is not a number") from None
    if len(body) <= 1024 and len(_STATUSES) < 512:
        _STATUSES[body] = status
    return status

"""Request validation of WebSocket messages: the route's ``ModelSelectionExpression``.

A route with a ``ModelSelectionExpression`` validates each message before its integration
runs: the expression (``$request.body.kind``, or a constant) names one of the route's
``RequestModels``, else its ``$default`` model is used; with neither, validation fails.  A
message that is not JSON or breaks the model's JSON Schema (draft 4, the checks and wording
REST APIs use, :mod:`mockgw.execute.validation`) never reaches the integration: the client
gets the developer guide's "Bad request body" frame, ``{"message": "Bad request body",
"connectionId":"...", "messageId":"..."}`` (:func:`.pipeline.error_frame`).
"""

from __future__ import annotations

from mockgw.execute.validation import body_problems, reject
from mockgw.execute.websocket.context import MESSAGE, WebSocketInvocation
from mockgw.execute.websocket.selection import Body, evaluate, request_resolver

DEFAULT_MODEL = "$default"
#: The gateway response's message (apigateway-websocket-api-routes-integrations.md).
BAD_REQUEST_BODY = "Bad request body"


def validate_message(inv: WebSocketInvocation) -> None:
    """The pipeline step (messages): check the message against the model the route's
    ``ModelSelectionExpression`` selects."""
    route = inv.route or {}
    expression = route.get("ModelSelectionExpression")
    if inv.event_type != MESSAGE or not expression:
        return
    models = route.get("RequestModels") or {}
    key = evaluate(expression, request_resolver(
        Body(inv.request.body), headers=inv.request.headers, context=inv.context))
    model = models.get(key) or models.get(DEFAULT_MODEL)
    if model is None:
        reject(inv, "BAD_REQUEST_BODY", BAD_REQUEST_BODY,
               f"No model matches the selection key {key!r} and the route has no "
               f"{DEFAULT_MODEL} model")
    problems = body_problems(inv, model)
    if problems is not None:
        reject(inv, "BAD_REQUEST_BODY", BAD_REQUEST_BODY, f"[{', '.join(problems)}]")

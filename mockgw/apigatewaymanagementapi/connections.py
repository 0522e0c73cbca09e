"""PostToConnection, GetConnection, DeleteConnection.

A connection that is not open (unknown, still in ``$connect``, closing or closed) is 410
``GoneException``, as on AWS, and so is a connection of another API or stage than the
endpoint the call came through (``call.endpoint``: ``{api_id}.execute-api...`` and
``/{stage}``; the server root's ``/@connections/{id}`` reaches every connection); data
over the message size (128 KB, the ``websocket_message_size`` setting) is 413
``PayloadTooLargeException``.  Data that is UTF-8 text goes out in a text frame, anything
else in a binary frame.
"""

from __future__ import annotations

from typing import Any

from mockgw.apigatewaymanagementapi.registry import operation
from mockgw.errors import ServiceError
from mockgw.execute.websocket.connections import Connection, Gone, connections
from mockgw.operations import Call

#: The close DeleteConnection makes (the code and reason the client and $disconnect see).
DELETED = (1000, "Connection was closed by the server")


def gone() -> ServiceError:
    return ServiceError("", code="GoneException", status=410)  # AWS's message: empty


def _open(call: Call, connection_id: str) -> Connection:
    try:
        return connections(call.instance).open(connection_id, call.endpoint)
    except Gone:
        raise gone() from None


@operation("PostToConnection", locked=False)
def post_to_connection(call: Call, params: dict[str, Any]) -> dict:
    data: bytes = params.get("Data") or b""
    limit = call.instance.settings.websocket_message_size
    _open(call, params["ConnectionId"])
    if len(data) > limit:
        raise ServiceError(f"Message too long: {len(data)} bytes is more than the "
                           f"{limit} bytes a message may carry",
                           code="PayloadTooLargeException", status=413)
    try:
        frame: str | bytes = data.decode("utf-8")
    except UnicodeDecodeError:
        frame = data
    try:
        connections(call.instance).post(params["ConnectionId"], frame, call.endpoint)
    except Gone:
        raise gone() from None
    return {}


@operation("GetConnection", locked=False)
def get_connection(call: Call, params: dict[str, Any]) -> dict:
    connection = _open(call, params["ConnectionId"])
    return {"ConnectedAt": connection.connected_at,
            "Identity": {"SourceIp": connection.source_ip,
                         "UserAgent": connection.user_agent or ""},
            "LastActiveAt": connection.last_active}


@operation("DeleteConnection", locked=False)
def delete_connection(call: Call, params: dict[str, Any]) -> dict:
    try:
        connections(call.instance).disconnect(params["ConnectionId"], *DELETED,
                                              endpoint=call.endpoint)
    except Gone:
        raise gone() from None
    return {}

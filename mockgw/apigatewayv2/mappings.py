"""Parameter mappings of v2 integrations: the syntax AWS accepts for HTTP APIs
(``append|overwrite|remove:header.x``, ``overwrite:path``, ``overwrite:statuscode``; values
``$request.*``, ``$response.*``, ``$context.*``, ``$stageVariables.*`` or static text),
WebSocket APIs (``integration.request.header.x`` from ``route.request.*``) and the service
integrations of :data:`SUBTYPES` (their own parameter names)."""

from __future__ import annotations

import re
from typing import Any

from mockgw.errors import BadRequestException

#: Service integrations of HTTP APIs: subtype -> {parameter: required}.
SUBTYPES: dict[str, dict[str, bool]] = {
    "EventBridge-PutEvents": {"Detail": True, "DetailType": True, "Source": True,
                              "Time": False, "EventBusName": False, "Resources": False,
                              "Region": False},
    "SQS-SendMessage": {"QueueUrl": True, "MessageBody": True, "DelaySeconds": False,
                        "MessageAttributes": False, "MessageDeduplicationId": False,
                        "MessageGroupId": False, "MessageSystemAttributes": False,
                        "Region": False},
    "SQS-ReceiveMessage": {"QueueUrl": True, "AttributeName": False,
                           "MaxNumberOfMessages": False, "MessageAttributeNames": False,
                           "ReceiveRequestAttemptId": False, "VisibilityTimeout": False,
                           "WaitTimeSeconds": False, "Region": False},
    "SQS-DeleteMessage": {"ReceiptHandle": True, "QueueUrl": True, "Region": False},
    "SQS-PurgeQueue": {"QueueUrl": True, "Region": False},
    "AppConfig-GetConfiguration": {"Application": True, "Environment": True,
                                   "Configuration": True, "ClientId": True,
                                   "ClientConfigurationVersion": False, "Region": False},
    "Kinesis-PutRecord": {"StreamName": True, "Data": True, "PartitionKey": True,
                          "SequenceNumberForOrdering": False, "ExplicitHashKey": False,
                          "Region": False},
    "StepFunctions-StartExecution": {"StateMachineArn": True, "Name": False, "Input": False,
                                     "Region": False},
    "StepFunctions-StartSyncExecution": {"StateMachineArn": True, "Name": False,
                                         "Input": False, "Region": False,
                                         "TraceHeader": False},
    "StepFunctions-StopExecution": {"ExecutionArn": True, "Cause": False, "Error": False,
                                    "Region": False},
}

#: Headers no HTTP API mapping may name (AWS's reserved headers; ``*`` is a prefix).
RESERVED_HEADERS = ("access-control-*", "apigw-*", "authorization", "connection",
                    "content-encoding", "content-length", "content-location", "forwarded",
                    "keep-alive", "origin", "proxy-authenticate", "proxy-authorization", "te",
                    "trailers", "transfer-encoding", "upgrade", "x-amz-*", "x-amzn-*",
                    "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "via")

_REQUEST_KEY = re.compile(r"^(append|overwrite|remove):(header|querystring)\.([^\s]+)$|"
                          r"^overwrite:path$")
_RESPONSE_KEY = re.compile(r"^(append|overwrite|remove):header\.([^\s]+)$|"
                           r"^overwrite:statuscode$")
#: A variable in a value: ``$x.y`` or ``${x.y}``.
_VARIABLE = re.compile(r"\$\{([^}]*)\}|\$([A-Za-z][\w.\-]*)")
_REQUEST_SOURCES = re.compile(
    r"^request\.(header\.[^\s]+|querystring\.[^\s]+|body(\.[^\s]+)?|path(\.[^\s]+)?)$|"
    r"^context\.[A-Za-z][\w.\-]*$|^stageVariables\.\w+$")
_RESPONSE_SOURCES = re.compile(
    r"^response\.(header\.[^\s]+|body(\.[^\s]+)?)$|^context\.[A-Za-z][\w.\-]*$|"
    r"^stageVariables\.\w+$")
_WEBSOCKET_KEY = re.compile(r"^integration\.request\.(header|querystring|path)\.[^\s]+$")
_WEBSOCKET_VALUE = re.compile(
    r"^route\.request\.(header|querystring|path)\.[^\s]+$|^route\.request\.body(\..+)?$|"
    r"^context\.[\w.\-]+$|^stageVariables\.\w+$|^'[^']*'$")


def mapping_error(detail: str) -> BadRequestException:
    """AWS's wording for a mapping it refuses."""
    return BadRequestException("Invalid mapping expression specified: Validation Result: "
                               f"warnings : [], errors : [{detail}]")


def check_http_request_parameters(parameters: dict[str, str] | None,
                                  subtype: str | None) -> None:
    """The RequestParameters of an HTTP API integration (a service integration's are its
    subtype's parameters)."""
    if subtype is not None:
        return check_subtype_parameters(subtype, parameters or {})
    for key, value in (parameters or {}).items():
        match = _REQUEST_KEY.match(key)
        if match is None:
            raise mapping_error(f"Invalid mapping key specified: {key}. Use "
                                "append|overwrite|remove:header.{name}, "
                                "append|overwrite|remove:querystring.{name} or overwrite:path")
        if match.group(2) == "header":
            _check_header(match.group(3))
        if not key.startswith("remove:"):
            _check_value(value, _REQUEST_SOURCES)


def check_http_response_parameters(parameters: dict[str, dict[str, str]] | None) -> None:
    """The ResponseParameters of an HTTP API integration, by status code."""
    for status, mappings in (parameters or {}).items():
        if not status.isdigit() or not 200 <= int(status) <= 599:
            raise mapping_error(f"Invalid status code specified: {status}. Status codes must "
                                "be between 200 and 599")
        for key, value in (mappings or {}).items():
            match = _RESPONSE_KEY.match(key)
            if match is None:
                raise mapping_error(f"Invalid mapping key specified: {key}. Use "
                                    "append|overwrite|remove:header.{name} or "
                                    "overwrite:statuscode")
            if match.group(2):
                _check_header(match.group(2))
            if key == "overwrite:statuscode":
                _check_status_value(value)
            elif not key.startswith("remove:"):
                _check_value(value, _RESPONSE_SOURCES)


def check_websocket_request_parameters(parameters: dict[str, str] | None) -> None:
    for key, value in (parameters or {}).items():
        if not _WEBSOCKET_KEY.match(key):
            raise mapping_error(f"Invalid mapping expression specified: {key}")
        if not _WEBSOCKET_VALUE.match(value or ""):
            raise mapping_error(f"Invalid mapping expression specified: {value}")


def check_subtype_parameters(subtype: str, parameters: dict[str, Any]) -> None:
    accepted = SUBTYPES[subtype]
    for name in parameters:
        if name not in accepted:
            raise mapping_error(f"Parameter {name} is not supported for {subtype}. Supported "
                                f"parameters: [{', '.join(accepted)}]")
    missing = [name for name, required in accepted.items()
               if required and not parameters.get(name)]
    if missing:
        raise mapping_error(f"Parameter(s) {', '.join(missing)} must be specified for "
                            f"{subtype}")


def _check_header(name: str) -> None:
    lowered = name.lower()
    for reserved in RESERVED_HEADERS:
        if lowered == reserved or (reserved.endswith("*") and lowered.startswith(reserved[:-1])):
            raise mapping_error(f"Header {name} is reserved and cannot be mapped")


def _check_value(value: str | None, sources: re.Pattern[str]) -> None:
    if value is None or value == "":
        raise mapping_error("Mapping values cannot be empty")
    for match in _VARIABLE.finditer(value):
        reference = match.group(1) if match.group(1) is not None else match.group(2)
        if not sources.match(reference):
            raise mapping_error(f"Invalid mapping value specified: {value}")


def _check_status_value(value: str | None) -> None:
    if value and _VARIABLE.search(value):
        return _check_value(value, _RESPONSE_SOURCES)
    if not value or not value.isdigit() or not 200 <= int(value) <= 599:
        raise mapping_error(f"Invalid status code specified: {value}. Status codes must be "
                            "between 200 and 599")
    return None

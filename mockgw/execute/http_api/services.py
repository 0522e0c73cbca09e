"""AWS service integrations of HTTP APIs: an ``IntegrationSubtype`` names one action
(``SQS-SendMessage``, ``Kinesis-PutRecord``, ``StepFunctions-StartExecution``,
``EventBridge-PutEvents``, ...) and ``RequestParameters`` its parameters, each a mapping
value (``$request.body.message``, ``$context.requestId``, static text).

The action's request is serialised by botocore from its service model (the parameters
converted to the member types: numbers, lists, JSON maps), then signed and sent as REST
APIs' AWS integrations are (:func:`mockgw.execute.integrations.aws.sign_and_send`): to
the endpoint ``AWS_ENDPOINT_URL_<SERVICE>``/``AWS_ENDPOINT_URL`` name, else to moto in this
process (the instance's other services, or ``mock_aws``) as the ``CredentialsArn`` role's
account, in the ``Region`` parameter's region (else the API's).  The
service's answer goes back to the client as it is.  A parameter that cannot take its
type (``DelaySeconds: "soon"``) is 400 ``Bad Request``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSRequest, create_request_object, prepare_request_dict
from botocore.model import OperationModel, Shape
from botocore.serialize import create_serializer

from mockgw.execute.context import IntegrationResult
from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.http_api.errors import HttpApiError
from mockgw.execute.http_api.mapping import resolve
from mockgw.execute.integrations.aws import aws_services, sign_and_send

#: subtype -> (botocore client name, operation)
OPERATIONS: dict[str, tuple[str, str]] = {
    "EventBridge-PutEvents": ("events", "PutEvents"),
    "SQS-SendMessage": ("sqs", "SendMessage"),
    "SQS-ReceiveMessage": ("sqs", "ReceiveMessage"),
    "SQS-DeleteMessage": ("sqs", "DeleteMessage"),
    "SQS-PurgeQueue": ("sqs", "PurgeQueue"),
    "AppConfig-GetConfiguration": ("appconfig", "GetConfiguration"),
    "Kinesis-PutRecord": ("kinesis", "PutRecord"),
    "StepFunctions-StartExecution": ("stepfunctions", "StartExecution"),
    "StepFunctions-StartSyncExecution": ("stepfunctions", "StartSyncExecution"),
    "StepFunctions-StopExecution": ("stepfunctions", "StopExecution"),
}
#: Subtype parameters whose operation member is named otherwise.
_MEMBERS = {("SQS-ReceiveMessage", "AttributeName"): "AttributeNames"}
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
_KEPT_HEADERS = ("content-type", "x-amzn-requestid", "x-amz-request-id")


def call_service(inv: HttpApiInvocation) -> IntegrationResult:
    """Call the action the integration's subtype names."""
    assert inv.store is not None
    integration = inv.integration
    subtype = integration["IntegrationSubtype"]
    client_name, operation = OPERATIONS[subtype]
    values = {name: resolve(value or "", inv)
              for name, value in (integration.get("RequestParameters") or {}).items()}
    region = values.pop("Region", "") or inv.store.region
    client = aws_services(inv).client(client_name, region)
    model = client.meta.service_model
    operation_model = model.operation_model(operation)
    params = _parameters(subtype, operation_model, values)
    request = _request(inv, client.meta.endpoint_url, operation_model, params)
    timeout = (integration.get("TimeoutInMillis") or 30000) / 1000
    result = sign_and_send(inv, request, model, client, region, operation=operation,
                           timeout=timeout, credentials=integration.get("CredentialsArn"))
    return IntegrationResult(status=result.status, body=result.body,
                             headers=[(k, v) for k, v in result.headers
                                      if k.lower() in _KEPT_HEADERS])


def _parameters(subtype: str, operation: OperationModel,
                values: dict[str, str]) -> dict[str, Any]:
    """The operation's input: the mapped values (empty ones left out) as member types."""
    if subtype == "EventBridge-PutEvents":
        entries = operation.input_shape.members["Entries"].member
        return {"Entries": [_typed(entries, values)]}
    renamed = {_MEMBERS.get((subtype, name), name): value for name, value in values.items()}
    return _typed(operation.input_shape, renamed)


def _typed(shape: Any, values: dict[str, str]) -> dict[str, Any]:
    """``values`` under the shape's member names (matched case-insensitively: Step
    Functions names its members ``stateMachineArn``), converted to the member types."""
    members = {name.lower(): name for name in shape.members}
    out: dict[str, Any] = {}
    for given, text in values.items():
        name = members.get(given.lower())
        if name is None or text == "":
            continue
        member = shape.members[name]
        try:
            out[name] = _convert(member, text)
        except (ValueError, TypeError) as exc:
            raise HttpApiError((400, "Bad Request"), "BAD_REQUEST_PARAMETERS",
                               log=f"Parameter {name} cannot be a {member.type_name}: "
                                   f"{text!r} ({exc})") from None
    return out


def _convert(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(text)
    if kind in ("float", "double"):
        return float(text)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError("not true or false")
        return text.lower() == "true"
    if kind == "blob":
        return text.encode()
    if kind == "list":
        items = json.loads(text) if text.lstrip().startswith("[") else \
            [part.strip() for part in text.split(",")]
        if not isinstance(items, list):
            raise ValueError("not a list")
        member = shape.member  # type: ignore[attr-defined]
        return [item if not isinstance(item, str) else _convert(member, item)
                for item in items]
    if kind in ("map", "structure"):
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
        return document
    return text


def _request(inv: HttpApiInvocation, endpoint_url: str, operation: OperationModel,
             params: dict[str, Any]) -> AWSRequest:
    """The operation's HTTP request to ``endpoint_url``, serialised by botocore."""
    model = operation.service_model
    protocol = getattr(model, "resolved_protocol", None) or model.protocol
    serialized = create_serializer(protocol, include_validation=False).serialize_to_request(
        params, operation)
    host = urlsplit(endpoint_url).hostname or ""
    if not host.endswith(_AWS_HOSTS):  # an emulator's single host takes no host prefix
        serialized.pop("host_prefix", None)
    prepare_request_dict(serialized, endpoint_url=endpoint_url,
                         user_agent=f"AmazonAPIGateway_{inv.api_id}")
    return create_request_object(serialized)

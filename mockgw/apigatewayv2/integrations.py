"""Integration: create, update, delete (get and list: ``sections``), for HTTP APIs (Lambda
and HTTP proxies, service integrations by ``IntegrationSubtype``, private integrations over
VPC links) and WebSocket APIs (AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK)."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigatewayv2.common import (
    HTTP,
    INTEGRATION_ID_LENGTH,
    WEBSOCKET,
    api_record,
    copy_in,
    is_http,
    only_for,
    render,
    updated,
)
from mockgw.apigatewayv2.deployments import api_changed
from mockgw.apigatewayv2.mappings import (
    SUBTYPES,
    check_http_request_parameters,
    check_http_response_parameters,
    check_websocket_request_parameters,
)
from mockgw.apigatewayv2.registry import operation
from mockgw.apigatewayv2.routes import routes_using
from mockgw.apigatewayv2.sections import INTEGRATIONS, saved
from mockgw.apigatewayv2.selection import check_request_expression
from mockgw.errors import BadRequestException
from mockgw.operations import Call

_SCALARS = ("ConnectionId", "ConnectionType", "ContentHandlingStrategy", "CredentialsArn",
            "Description", "IntegrationMethod", "IntegrationSubtype", "IntegrationType",
            "IntegrationUri", "PassthroughBehavior", "PayloadFormatVersion",
            "TemplateSelectionExpression", "TimeoutInMillis", "TlsConfig")
_MAPS = ("RequestParameters", "RequestTemplates", "ResponseParameters")
_WEBSOCKET_ONLY = ("ContentHandlingStrategy", "PassthroughBehavior", "RequestTemplates",
                   "TemplateSelectionExpression")
_HTTP_ONLY = ("IntegrationSubtype", "ResponseParameters", "TlsConfig")

#: Timeouts AWS allows (and defaults to), in milliseconds.
MAX_TIMEOUT = {HTTP: 30000, WEBSOCKET: 29000}
MIN_TIMEOUT = 50
RESPONSE_SELECTION = "${integration.response.statuscode}"
HTTP_PROTOCOL_TYPES = ("AWS_PROXY", "HTTP_PROXY")
PAYLOAD_VERSIONS = ("1.0", "2.0")

#: ``arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]`` (stage variables
#: allowed), or API Gateway's invocation ARN of a function.
LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^/\s]+$")
INVOCATION_ARN = re.compile(r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/"
                            r"\d{4}-\d{2}-\d{2}/functions/(?P<function>[^/\s]+)/invocations$")
_SERVICE_ARN = re.compile(r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:[a-z0-9.-]+:"
                          r"(action|path)/.+$")
_PRIVATE_TARGET = re.compile(r"^arn:aws[a-z-]*:(elasticloadbalancing|servicediscovery):.+$")
_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def new_integration(call: Call, record: dict, fields: dict[str, Any],
                    *, managed: bool = False) -> dict:
    """An integration record with AWS's defaults, validated and stored."""
    integration = with_defaults(record, fields)
    check_integration(record, integration, fields)
    if managed:
        integration["ApiGatewayManaged"] = True
    return INTEGRATIONS.add(call, record, integration, INTEGRATION_ID_LENGTH,
                            integrationResponses={})


def with_defaults(record: dict, fields: dict[str, Any]) -> dict:
    protocol = record["api"]["ProtocolType"]
    kind = fields["IntegrationType"]
    integration: dict[str, Any] = {"ConnectionType": "INTERNET",
                                   "TimeoutInMillis": MAX_TIMEOUT[protocol]}
    if protocol == WEBSOCKET:
        integration["PayloadFormatVersion"] = "1.0"
        integration["PassthroughBehavior"] = "WHEN_NO_MATCH"
        if kind in ("AWS", "HTTP", "MOCK"):
            integration["IntegrationResponseSelectionExpression"] = RESPONSE_SELECTION
    elif kind == "HTTP_PROXY" or fields.get("IntegrationSubtype"):
        integration["PayloadFormatVersion"] = "1.0"
    if kind == "AWS_PROXY" and not fields.get("IntegrationSubtype"):
        integration["IntegrationMethod"] = "POST"
    copy_in(fields, (*_SCALARS, *_MAPS), integration)
    return integration


@operation("CreateIntegration")
def create_integration(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    integration = new_integration(call, record, params)
    api_changed(call, record)
    return render(integration)


@operation("UpdateIntegration")
def update_integration(call: Call, params: dict[str, Any]) -> dict:
    record, integration = INTEGRATIONS.lookup(call, params)
    result = updated(integration, params, _SCALARS, _MAPS)
    if params.get("IntegrationType") not in (None, integration["IntegrationType"]):
        defaults = with_defaults(record, {"IntegrationType": result["IntegrationType"]})
        result = {**defaults, **{k: v for k, v in result.items()
                                 if k not in ("IntegrationResponseSelectionExpression",
                                              "IntegrationMethod")}}
        copy_in(params, ("IntegrationMethod",), result)
    if params.get("ConnectionType") == "INTERNET" and params.get("ConnectionId") is None:
        result.pop("ConnectionId", None)
    check_integration(record, result, params)
    return saved(call, record, integration, result)


@operation("DeleteIntegration")
def delete_integration(call: Call, params: dict[str, Any]) -> dict:
    record, integration = INTEGRATIONS.lookup(call, params)
    integration_id = params["IntegrationId"]
    if integration.get("ApiGatewayManaged"):
        raise BadRequestException(
            f"Integration {integration_id} is managed by API Gateway and cannot be deleted; "
            "delete the API instead")
    users = routes_using(record, "Target", f"integrations/{integration_id}")
    if users:
        raise BadRequestException(
            f"Integration {integration_id} is the target of route(s) [{', '.join(users)}]: "
            "update or delete those routes first")
    return INTEGRATIONS.remove(call, record, record, params)


# -- validation ------------------------------------------------------------------------------

def check_integration(record: dict, integration: dict, params: dict[str, Any]) -> None:
    """What AWS refuses in an integration (``integration`` is the whole integration as it
    would be stored, ``params`` what the call sent)."""
    protocol = record["api"]["ProtocolType"]
    kind = integration["IntegrationType"]
    only_for(record, WEBSOCKET, params, *_WEBSOCKET_ONLY)
    only_for(record, HTTP, params, *_HTTP_ONLY)
    if protocol == HTTP and kind not in HTTP_PROTOCOL_TYPES:
        raise BadRequestException(
            "Currently, an API with a protocol type of HTTP may only be associated with proxy "
            "integrations (AWS_PROXY, HTTP_PROXY)")
    timeout = integration["TimeoutInMillis"]
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT[protocol]:
        raise BadRequestException(
            f"Timeout must be between {MIN_TIMEOUT} ms and {MAX_TIMEOUT[protocol]} ms for "
            f"{protocol} APIs")
    _check_payload_version(record, integration)
    _check_uri(record, integration)
    _check_connection(integration)
    if protocol == HTTP:
        check_http_request_parameters(integration.get("RequestParameters"),
                                      integration.get("IntegrationSubtype"))
        check_http_response_parameters(integration.get("ResponseParameters"))
    else:
        check_websocket_request_parameters(integration.get("RequestParameters"))
        if integration.get("TemplateSelectionExpression") is not None:
            check_request_expression("template selection expression",
                                     integration["TemplateSelectionExpression"])


def _check_payload_version(record: dict, integration: dict) -> None:
    version = integration.get("PayloadFormatVersion")
    lambda_proxy = (is_http(record) and integration["IntegrationType"] == "AWS_PROXY"
                    and not integration.get("IntegrationSubtype"))
    if version is None:
        if lambda_proxy:
            raise BadRequestException(
                "PayloadFormatVersion is a required parameter for integration type AWS_PROXY")
        return
    if version not in PAYLOAD_VERSIONS:
        raise BadRequestException(
            f"Invalid PayloadFormatVersion specified: {version}. Must be one of "
            f"[{', '.join(PAYLOAD_VERSIONS)}]")
    if version != "1.0" and not lambda_proxy:
        raise BadRequestException(
            f"PayloadFormatVersion {version} is supported only for Lambda proxy integrations "
            "of HTTP APIs; this integration supports only 1.0")


def _check_uri(record: dict, integration: dict) -> None:
    kind = integration["IntegrationType"]
    uri = integration.get("IntegrationUri")
    subtype = integration.get("IntegrationSubtype")
    if subtype is not None:
        if subtype not in SUBTYPES:
            raise BadRequestException(
                f"Invalid integration subtype specified: {subtype}. Must be one of "
                f"[{', '.join(SUBTYPES)}]")
        if uri is not None:
            raise BadRequestException(
                "IntegrationUri cannot be specified for an integration with an "
                "IntegrationSubtype")
        return
    if kind == "MOCK":
        return
    if not uri:
        raise BadRequestException(f"IntegrationUri is required for integration type {kind}")
    if "${stageVariables." in uri:
        return  # resolved per stage by the data plane
    if kind == "AWS_PROXY":
        if not (LAMBDA_ARN.match(uri) or INVOCATION_ARN.match(uri)):
            raise BadRequestException(
                f"Invalid integration URI specified: {uri}. A Lambda proxy integration needs a "
                "Lambda function ARN or its API Gateway invocation ARN")
    elif kind == "AWS":
        if not _SERVICE_ARN.match(uri):
            raise BadRequestException(
                f"Invalid integration URI specified: {uri}. An AWS integration needs an ARN "
                "of the form arn:aws:apigateway:{region}:{service}:action/{action} or "
                ":path/{path}")
    elif integration.get("ConnectionType") == "VPC_LINK" and is_http(record):
        if not (_PRIVATE_TARGET.match(uri) or _URL.match(uri)):
            raise BadRequestException(
                f"Invalid integration URI specified: {uri}. A private integration needs the "
                "ARN of a load balancer listener or Cloud Map service")
    elif not _URL.match(uri):
        raise BadRequestException(
            f"Invalid integration URI specified: {uri}. An HTTP integration needs an http:// "
            "or https:// URL")
    if (is_http(record) and kind == "AWS_PROXY" and not integration.get("IntegrationSubtype")
            and integration.get("IntegrationMethod") not in (None, "POST")):
        raise BadRequestException("HttpMethod must be POST for AWS_PROXY IntegrationType")
    if kind in ("HTTP", "HTTP_PROXY", "AWS") and not integration.get("IntegrationMethod"):
        if is_http(record) and kind == "HTTP_PROXY":
            integration["IntegrationMethod"] = "ANY"
        else:
            raise BadRequestException(
                f"IntegrationMethod is required for integration type {kind}")


def _check_connection(integration: dict) -> None:
    if integration.get("ConnectionType") == "VPC_LINK":
        if not integration.get("ConnectionId"):
            raise BadRequestException("ConnectionId is required for connection type VPC_LINK")
    elif integration.get("ConnectionId") is not None:
        raise BadRequestException("ConnectionId can only be set for connection type VPC_LINK")

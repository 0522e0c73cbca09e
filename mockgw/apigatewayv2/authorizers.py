"""Authorizer: create, update, delete (get and list: ``sections``).  HTTP APIs: JWT (issuer
and audience) and REQUEST (Lambda, payload 1.0/2.0, simple responses, caching); WebSocket
APIs: REQUEST (no caching: AWS refuses ``AuthorizerResultTtlInSeconds`` for them, and runs
the authorizer on every ``$connect``)."""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigatewayv2.common import (
    SHORT_ID_LENGTH,
    api_record,
    copy_in,
    is_http,
    updated,
)
from mockgw.apigatewayv2.integrations import INVOCATION_ARN
from mockgw.apigatewayv2.registry import operation
from mockgw.apigatewayv2.routes import routes_using
from mockgw.apigatewayv2.sections import AUTHORIZERS, saved
from mockgw.errors import BadRequestException
from mockgw.operations import Call

_SCALARS = ("AuthorizerCredentialsArn", "AuthorizerPayloadFormatVersion",
            "AuthorizerResultTtlInSeconds", "AuthorizerType", "AuthorizerUri",
            "EnableSimpleResponses", "IdentitySource", "IdentityValidationExpression",
            "JwtConfiguration", "Name")
PAYLOAD_VERSIONS = ("1.0", "2.0")
MAX_AUTHORIZERS = 10
#: Identity sources: HTTP APIs ``$request.header.X``, ``$request.querystring.X``,
#: ``$context.X``, ``$stageVariables.X``; WebSocket APIs the same without ``$``,
#: ``route.request.header.X`` / ``route.request.querystring.X``.
_HTTP_SOURCE = re.compile(r"^\$(request\.(header|querystring)\.[^\s]+|context\.[\w.\-]+|"
                          r"stageVariables\.\w+)$")
_WEBSOCKET_SOURCE = re.compile(r"^(route\.request\.(header|querystring)\.[^\s]+|"
                               r"context\.[\w.\-]+|stageVariables\.\w+)$")
_ISSUER = re.compile(r"^https?://[^\s]+$")
#: AWS's answer to a WebSocket API authorizer with a TTL (terraform-provider-aws#15232).
WEBSOCKET_TTL = "AuthorizerResultTtlInSeconds cannot be set for WEBSOCKET protocol Apis."


@operation("CreateAuthorizer")
def create_authorizer(call: Call, params: dict[str, Any]) -> dict:
    record = api_record(call, params["ApiId"])
    if len(record["authorizers"]) >= MAX_AUTHORIZERS:
        raise BadRequestException(
            f"Maximum number of authorizers ({MAX_AUTHORIZERS}) reached for this API")
    authorizer = copy_in(params, _SCALARS)
    if authorizer["AuthorizerType"] == "REQUEST" and is_http(record):
        authorizer.setdefault("AuthorizerResultTtlInSeconds", 0)
    check_authorizer(record, authorizer)
    return saved(call, record, AUTHORIZERS.add(call, record, authorizer, SHORT_ID_LENGTH))


@operation("UpdateAuthorizer")
def update_authorizer(call: Call, params: dict[str, Any]) -> dict:
    record, authorizer = AUTHORIZERS.lookup(call, params)
    if params.get("AuthorizerType") not in (None, authorizer["AuthorizerType"]) and \
            routes_using(record, "AuthorizerId", authorizer["AuthorizerId"]):
        raise BadRequestException(
            "The type of an authorizer that routes use cannot be changed")
    result = updated(authorizer, params, _SCALARS)
    if result["AuthorizerType"] == "JWT":
        for key in ("AuthorizerUri", "AuthorizerPayloadFormatVersion",
                    "AuthorizerResultTtlInSeconds", "EnableSimpleResponses",
                    "AuthorizerCredentialsArn"):
            if params.get(key) is None:
                result.pop(key, None)
    if not is_http(record) and params.get("AuthorizerResultTtlInSeconds") is None:
        # snapshots of earlier mockgw versions hold a 0 the client never set
        result.pop("AuthorizerResultTtlInSeconds", None)
    check_authorizer(record, result)
    return saved(call, record, authorizer, result)


@operation("DeleteAuthorizer")
def delete_authorizer(call: Call, params: dict[str, Any]) -> dict:
    record, _ = AUTHORIZERS.lookup(call, params)
    authorizer_id = params["AuthorizerId"]
    users = routes_using(record, "AuthorizerId", authorizer_id)
    if users:
        raise BadRequestException(
            f"Authorizer {authorizer_id} is used by route(s) [{', '.join(users)}]: remove it "
            "from those routes first")
    return AUTHORIZERS.remove(call, record, record, params)


def check_authorizer(record: dict, authorizer: dict) -> None:
    """What AWS refuses in an authorizer (the whole authorizer as it would be stored)."""
    kind = authorizer["AuthorizerType"]
    http = is_http(record)
    if not authorizer.get("Name", "").strip():
        raise BadRequestException("Authorizer name must be non-empty")
    sources = authorizer.get("IdentitySource") or []
    source_form = _HTTP_SOURCE if http else _WEBSOCKET_SOURCE
    for source in sources:
        if not source_form.match(source):
            raise BadRequestException(f"Invalid identity source specified: {source}")
    if kind == "JWT":
        if not http:
            raise BadRequestException("JWT authorizers are supported only for HTTP APIs")
        _check_jwt(authorizer, sources)
        return
    if authorizer.get("JwtConfiguration") is not None:
        raise BadRequestException("JwtConfiguration is supported only for JWT authorizers")
    uri = authorizer.get("AuthorizerUri")
    if not uri:
        raise BadRequestException("AuthorizerUri is required for REQUEST authorizers")
    if "${stageVariables." not in uri and not INVOCATION_ARN.match(uri):
        raise BadRequestException(
            f"Invalid authorizer URI specified: {uri}. Use arn:aws:apigateway:{{region}}:lambda:"
            "path/2015-03-31/functions/{function ARN}/invocations")
    version = authorizer.get("AuthorizerPayloadFormatVersion")
    if http:
        if version is None:
            raise BadRequestException(
                "AuthorizerPayloadFormatVersion is required for REQUEST authorizers of HTTP "
                "APIs")
        if version not in PAYLOAD_VERSIONS:
            raise BadRequestException(
                f"Invalid AuthorizerPayloadFormatVersion specified: {version}. Must be one of "
                f"[{', '.join(PAYLOAD_VERSIONS)}]")
        if authorizer.get("EnableSimpleResponses") and version != "2.0":
            raise BadRequestException(
                "EnableSimpleResponses is supported only for authorizers with payload format "
                "version 2.0")
    else:
        for key in ("AuthorizerPayloadFormatVersion", "EnableSimpleResponses"):
            if authorizer.get(key) is not None:
                raise BadRequestException(f"{key} is supported only for HTTP APIs")
        if authorizer.get("AuthorizerResultTtlInSeconds") is not None:  # 0 too
            raise BadRequestException(WEBSOCKET_TTL)
    if authorizer.get("AuthorizerResultTtlInSeconds") and not sources:
        raise BadRequestException(
            "IdentitySource is required when authorizer caching is enabled "
            "(AuthorizerResultTtlInSeconds > 0)")


def _check_jwt(authorizer: dict, sources: list[str]) -> None:
    jwt = authorizer.get("JwtConfiguration") or {}
    issuer = jwt.get("Issuer")
    if not issuer:
        raise BadRequestException("JwtConfiguration.Issuer is required for JWT authorizers")
    if not _ISSUER.match(issuer):
        raise BadRequestException(f"Invalid issuer specified: {issuer}. The issuer must be a "
                                  "URL")
    if len(sources) != 1 or not sources[0].startswith("$request."):
        raise BadRequestException(
            "A JWT authorizer needs exactly one identity source, a header or query string "
            "(for example $request.header.Authorization)")
    for key in ("AuthorizerUri", "AuthorizerPayloadFormatVersion", "EnableSimpleResponses",
                "AuthorizerCredentialsArn"):
        if authorizer.get(key) is not None:
            raise BadRequestException(f"{key} is not supported for JWT authorizers")

"""API Gateway's OpenAPI extensions for HTTP APIs, read into the fields of the
apigatewayv2 model: ``x-amazon-apigateway-integration`` into CreateIntegration's input,
``x-amazon-apigateway-cors`` into a ``CorsConfiguration``, and the values inside them."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.openapi.document import mapping
from mockgw.apigatewayv2 import apis, integrations
from mockgw.apigatewayv2.common import HTTP
from mockgw.errors import BadRequestException

ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
INTEGRATIONS = "x-amazon-apigateway-integrations"
AUTHORIZER = "x-amazon-apigateway-authorizer"
AUTHTYPE = "x-amazon-apigateway-authtype"
CORS = "x-amazon-apigateway-cors"
ENDPOINT_CONFIGURATION = "x-amazon-apigateway-endpoint-configuration"
IMPORTEXPORT_VERSION = "x-amazon-apigateway-importexport-version"
#: The list members of ``x-amazon-apigateway-cors`` and of ``CorsConfiguration``.
CORS_LISTS = {"allowOrigins": "AllowOrigins", "allowMethods": "AllowMethods",
              "allowHeaders": "AllowHeaders", "exposeHeaders": "ExposeHeaders"}


class Malformed(BadRequestException):
    """An integration extension that is not one (AWS stops the import at once)."""

    def __init__(self, path: str) -> None:
        super().__init__("Unable to parse API definition because of a malformed integration "
                         f"at path {path}.")


def integration_fields(extension: Any, path: str) -> dict[str, Any]:
    """CreateIntegration's input for an ``x-amazon-apigateway-integration`` extension."""
    if not isinstance(extension, dict) or any(
            key in extension and not isinstance(extension[key], str)
            for key in ("type", "uri", "httpMethod", "credentials", "connectionId",
                        "connectionType", "integrationSubtype", "description")):
        raise Malformed(path)
    if extension.get("payloadFormatVersion") is not None:
        version = version_text(extension["payloadFormatVersion"])
        if version not in integrations.PAYLOAD_VERSIONS:
            raise BadRequestException(f"Unsupported PayloadFormatVersion: {version}")
    kind = str(extension.get("type", "")).upper()
    if kind not in integrations.HTTP_PROTOCOL_TYPES:
        raise BadRequestException(
            "Currently, an API with a protocol type of HTTP may only be associated with proxy "
            "integrations (AWS_PROXY, HTTP_PROXY)")
    fields: dict[str, Any] = {"IntegrationType": kind}
    if extension.get("payloadFormatVersion") is not None:
        fields["PayloadFormatVersion"] = version_text(extension["payloadFormatVersion"])
    for key, member in (("uri", "IntegrationUri"), ("credentials", "CredentialsArn"),
                        ("connectionId", "ConnectionId"), ("description", "Description"),
                        ("integrationSubtype", "IntegrationSubtype")):
        if extension.get(key) is not None:
            fields[member] = extension[key]
    for key, member in (("httpMethod", "IntegrationMethod"),
                        ("connectionType", "ConnectionType")):
        if extension.get(key) is not None:
            fields[member] = extension[key].upper()
    try:
        if extension.get("timeoutInMillis") is not None:
            fields["TimeoutInMillis"] = integer(extension["timeoutInMillis"],
                                                "timeoutInMillis")
        if extension.get("requestParameters") is not None:
            fields["RequestParameters"] = _string_map(extension["requestParameters"])
        if extension.get("responseParameters") is not None:
            fields["ResponseParameters"] = {
                str(status): _string_map(_mapping_of(values))
                for status, values in _mapping_of(extension["responseParameters"]).items()}
        if extension.get("tlsConfig") is not None:
            server = _mapping_of(extension["tlsConfig"]).get("serverNameToVerify")
            if server is not None:
                fields["TlsConfig"] = {"ServerNameToVerify": str(server)}
    except (TypeError, ValueError):
        raise Malformed(path) from None
    return fields


def version_text(value: Any) -> str:
    """A payload format version as AWS reads it: a number is its shortest text (a YAML or
    JSON ``1.0`` is ``1``, which AWS does not support; ``"1.0"`` is)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _mapping_of(value: Any) -> dict:
    """``value`` if it is a mapping (else ``TypeError``: a malformed extension)."""
    if not isinstance(value, dict):
        raise TypeError("not a mapping")
    return value


def _string_map(value: Any) -> dict[str, str]:
    return {str(k): v if isinstance(v, str) else _scalar(v)
            for k, v in _mapping_of(value).items()}


def _scalar(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        raise TypeError("not a string")
    return version_text(value)


def cors(value: Any) -> dict[str, Any]:
    """``CorsConfiguration`` from ``x-amazon-apigateway-cors`` (checked as CreateApi
    checks it)."""
    cors: dict[str, Any] = {}
    for key, member in CORS_LISTS.items():
        if mapping(value).get(key) is not None:
            cors[member] = strings(value[key], key)
    if mapping(value).get("maxAge") is not None:
        cors["MaxAge"] = integer(value["maxAge"], "maxAge")
    if mapping(value).get("allowCredentials") is not None:
        cors["AllowCredentials"] = value["allowCredentials"] is True
    apis.check_cors(HTTP, cors)
    return cors


def identity_sources(value: Any) -> list[str]:
    """An ``identitySource``: a comma-separated string (or a list) of expressions."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return []


def strings(value: Any, name: str) -> list[str]:
    """A list of strings (numbers become text), or ``BadRequestException``."""
    if not isinstance(value, list) or any(isinstance(v, dict | list) for v in value):
        raise BadRequestException(f"Invalid value for {name}: a list of strings is expected")
    return [str(v) for v in value]


def integer(value: Any, name: str) -> int:
    """A whole number that fits Java's int (``5``, ``5.0``, ``"5"``), or
    ``BadRequestException``."""
    if isinstance(value, bool):
        raise BadRequestException(f"Invalid value for {name}: an integer is expected")
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not number.is_integer() or abs(number) > 2**31 - 1:
        raise BadRequestException(f"Invalid value for {name}: an integer is expected")
    return int(number)

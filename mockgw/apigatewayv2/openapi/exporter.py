"""ExportApi: an HTTP API's definition as an OpenAPI 3.0.1 document in the shape AWS
exports (``Default response for GET /pets``, generated path parameters, lowercase
``type`` in ``x-amazon-apigateway-integration``, JWT authorizers as ``oauth2`` schemes
with empty ``flows``), which ImportApi reads back into the same definition.

Without extensions the document keeps what plain OpenAPI can say: the paths and methods
(``ANY`` routes and ``$default`` need the extension, so they are left out), the security
schemes and each route's security requirement.
"""

from __future__ import annotations

import re
import time
from typing import Any

from mockgw.apigatewayv2.openapi.extensions import (
    ANY_METHOD,
    AUTHORIZER,
    AUTHTYPE,
    CORS,
    ENDPOINT_CONFIGURATION,
    IMPORTEXPORT_VERSION,
    INTEGRATION,
    INTEGRATIONS,
)
from mockgw.apigatewayv2.openapi.importer import DEFAULT_PATH, UNUSED
from mockgw.apigatewayv2.selection import DEFAULT_ROUTE_KEY

OPENAPI_VERSION = "3.0.1"
EXPORT_VERSION = "1.0"
DEFAULT_TIMEOUT = 30000
SIGV4 = "sigv4"
_PATH_VARIABLE = re.compile(r"\{([^}]+)\}")
_CORS = (("AllowMethods", "allowMethods"), ("AllowHeaders", "allowHeaders"),
         ("ExposeHeaders", "exposeHeaders"), ("MaxAge", "maxAge"),
         ("AllowCredentials", "allowCredentials"), ("AllowOrigins", "allowOrigins"))


def export_document(definition: dict, *, region: str, stage: str | None,
                    extensions: bool, date: int) -> dict:
    """The OpenAPI document of ``definition`` (an API record, or a deployment's snapshot:
    ``api``, ``routes``, ``integrations``, ``authorizers``), exported for ``stage`` (the
    server's base path) or as the latest definition (``stage`` None); ``date`` (epoch
    seconds) names the version of an API that has none."""
    return _Exporter(definition, extensions).document(region, stage, date)


class _Exporter:
    def __init__(self, definition: dict, extensions: bool) -> None:
        self.api = definition["api"]
        self.routes = list(definition["routes"].values())
        self.integrations = definition["integrations"]
        self.authorizers = definition["authorizers"]
        self.extensions = extensions
        self.schemes: dict[str, dict] = {}

    def document(self, region: str, stage: str | None, date: int) -> dict:
        info: dict[str, Any] = {"title": self.api["Name"]}
        if self.api.get("Description"):
            info["description"] = self.api["Description"]
        info["version"] = self.api.get("Version") or \
            time.strftime("%Y-%m-%d %H:%M:%SUTC", time.gmtime(date))
        server: dict[str, Any] = {
            "url": f"https://{self.api['ApiId']}.execute-api.{region}.amazonaws.com/"
                   "{basePath}",
            "variables": {"basePath": {"default": "" if stage in (None, DEFAULT_ROUTE_KEY)
                                       else stage}}}
        if self.extensions and self.api.get("DisableExecuteApiEndpoint"):
            server[ENDPOINT_CONFIGURATION] = {"disableExecuteApiEndpoint": True}
        for authorizer in self.authorizers.values():
            self.schemes[authorizer["Name"]] = self._scheme(authorizer)
        doc: dict[str, Any] = {"openapi": OPENAPI_VERSION, "info": info,
                               "servers": [server], "paths": self._paths()}
        components: dict[str, Any] = {}
        if self.schemes:
            components["securitySchemes"] = self.schemes
        unused = self._unused_integrations()
        if unused:
            components[INTEGRATIONS] = unused
        if components:
            doc["components"] = components
        if self.extensions:
            cors = self.api.get("CorsConfiguration")
            if cors:
                doc[CORS] = {name: cors[member] for member, name in _CORS if member in cors}
            doc[IMPORTEXPORT_VERSION] = EXPORT_VERSION
        return doc

    def _unused_integrations(self) -> dict[str, dict]:
        """The integrations no route targets, as AWS's exports keep them
        (``unusedIntegration_{id}``); none without extensions."""
        if not self.extensions:
            return {}
        used = {route.get("Target", "").partition("/")[2] for route in self.routes}
        return {f"unusedIntegration_{integration_id}": integration_extension(integration)
                for integration_id, integration in self.integrations.items()
                if integration_id not in used}

    def _paths(self) -> dict[str, dict]:
        paths: dict[str, dict] = {}
        for route in self.routes:
            key = route["RouteKey"]
            if key == DEFAULT_ROUTE_KEY:
                method, path = "ANY", DEFAULT_PATH
            else:
                method, _, path = key.partition(" ")
            if method == "ANY" and not self.extensions:
                continue
            item = paths.setdefault(path, {})
            operation = self._operation(route, method, path)
            item[ANY_METHOD if method == "ANY" else method.lower()] = operation
        for path, item in paths.items():
            names = _PATH_VARIABLE.findall(path)
            if names:
                item["parameters"] = [{"name": name, "in": "path",
                                       "description": f"Generated path parameter for {name}",
                                       "required": True, "schema": {"type": "string"}}
                                      for name in names]
        return paths

    def _operation(self, route: dict, method: str, path: str) -> dict:
        operation: dict[str, Any] = {}
        if route["RouteKey"] == DEFAULT_ROUTE_KEY:
            operation["isDefaultRoute"] = True
        if route.get("OperationName"):
            operation["operationId"] = route["OperationName"]
        described = "$default" if route["RouteKey"] == DEFAULT_ROUTE_KEY else \
            f"{method} {path}"
        operation["responses"] = {"default": {
            "description": f"Default response for {described}"}}
        security = self._security(route)
        if security is not None:
            operation["security"] = [security]
        target = route.get("Target", "")
        integration = self.integrations.get(target.partition("/")[2]) if target else None
        if self.extensions and integration is not None:
            operation[INTEGRATION] = integration_extension(integration)
        return operation

    def _security(self, route: dict) -> dict[str, list[str]] | None:
        kind = route.get("AuthorizationType", "NONE")
        if kind == "AWS_IAM":
            scheme = {"type": "apiKey", "name": "Authorization", "in": "header"}
            if self.extensions:
                scheme[AUTHTYPE] = "awsSigv4"
            self.schemes[SIGV4] = scheme
            return {SIGV4: []}
        authorizer = self.authorizers.get(route.get("AuthorizerId") or "")
        if kind not in ("JWT", "CUSTOM") or authorizer is None:
            return None
        return {authorizer["Name"]: list(route.get("AuthorizationScopes") or [])}

    def _scheme(self, authorizer: dict) -> dict:
        sources = authorizer.get("IdentitySource") or []
        if authorizer["AuthorizerType"] == "JWT":
            scheme: dict[str, Any] = {"type": "oauth2", "flows": {}}
            if self.extensions:
                jwt = authorizer.get("JwtConfiguration") or {}
                config: dict[str, Any] = {}
                if jwt.get("Audience"):
                    config["audience"] = list(jwt["Audience"])
                if jwt.get("Issuer"):
                    config["issuer"] = jwt["Issuer"]
                scheme[AUTHORIZER] = {"identitySource": ", ".join(sources),
                                      "jwtConfiguration": config, "type": "jwt"}
            return scheme
        first = sources[0] if sources else ""
        place, _, name = first.removeprefix("$request.").partition(".")
        if place in ("header", "querystring") and len(sources) == 1:
            scheme = {"type": "apiKey", "name": name,
                      "in": "header" if place == "header" else "query"}
        else:
            scheme = {"type": "apiKey", "name": UNUSED, "in": "header"}
        if self.extensions:
            extension: dict[str, Any] = {}
            if sources:
                extension["identitySource"] = ", ".join(sources)
            for member, key in (("AuthorizerUri", "authorizerUri"),
                                ("AuthorizerCredentialsArn", "authorizerCredentials"),
                                ("AuthorizerPayloadFormatVersion",
                                 "authorizerPayloadFormatVersion"),
                                ("AuthorizerResultTtlInSeconds",
                                 "authorizerResultTtlInSeconds")):
                if authorizer.get(member) is not None:
                    extension[key] = authorizer[member]
            extension["type"] = "request"
            if authorizer.get("EnableSimpleResponses") is not None:
                extension["enableSimpleResponses"] = authorizer["EnableSimpleResponses"]
            scheme[AUTHORIZER] = extension
        return scheme


def integration_extension(integration: dict) -> dict:
    """An integration as ``x-amazon-apigateway-integration``, keys in AWS's order."""
    out: dict[str, Any] = {}
    if integration.get("ResponseParameters"):
        out["responseParameters"] = {status: dict(values) for status, values in
                                     integration["ResponseParameters"].items()}
    if integration.get("RequestParameters"):
        out["requestParameters"] = dict(integration["RequestParameters"])
    if integration.get("PayloadFormatVersion"):
        out["payloadFormatVersion"] = integration["PayloadFormatVersion"]
    for member, key in (("ConnectionId", "connectionId"), ("CredentialsArn", "credentials"),
                        ("Description", "description")):
        if integration.get(member):
            out[key] = integration[member]
    out["type"] = integration["IntegrationType"].lower()
    if integration.get("IntegrationSubtype"):
        out["integrationSubtype"] = integration["IntegrationSubtype"]
    for member, key in (("IntegrationMethod", "httpMethod"), ("IntegrationUri", "uri"),
                        ("ConnectionType", "connectionType")):
        if integration.get(member):
            out[key] = integration[member]
    if integration.get("TlsConfig", {}).get("ServerNameToVerify"):
        out["tlsConfig"] = {"serverNameToVerify": integration["TlsConfig"]["ServerNameToVerify"]}
    if integration.get("TimeoutInMillis") not in (None, DEFAULT_TIMEOUT):
        out["timeoutInMillis"] = integration["TimeoutInMillis"]
    return out

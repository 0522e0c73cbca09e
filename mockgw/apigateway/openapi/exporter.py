"""GetExport: a deployed REST API as a Swagger 2.0 or OpenAPI 3.0.1 document, in the
shape AWS exports (``"200 response"`` descriptions, ``host``/``basePath`` or ``servers``
naming the stage, lowercase ``type`` and ``passthroughBehavior`` in the integration
extension, ``content: {}`` for a response without a model).

``extensions``: ``integrations`` adds ``x-amazon-apigateway-integration``;
``authorizers`` adds ``x-amazon-apigateway-authorizer``; ``apigateway`` adds both and
every other API Gateway extension (request validators, gateway responses, binary media
types, compression, API key source, policy, documentation); ``postman`` adds nothing.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from mockgw.apigateway.openapi import schemas

SWAGGER, OAS30 = "swagger", "oas30"
EXPORT_TYPES = (SWAGGER, OAS30)
DEFAULT_TIMEOUT = 29000
_PLACES = {"path": "path", "querystring": "query", "multivaluequerystring": "query",
           "header": "header", "multivalueheader": "header"}
_JSON = re.compile(r"^application/(?:[\w.+-]*\+)?json$")

API_KEY_SCHEME = ("api_key", {"type": "apiKey", "name": "x-api-key", "in": "header"})
SIGV4_SCHEME = ("sigv4", {"type": "apiKey", "name": "Authorization", "in": "header",
                          "x-amazon-apigateway-authtype": "awsSigv4"})


def api_version(api: dict) -> str:
    """The version an export names: the API's, else its creation time."""
    return api.get("version") or time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                               time.gmtime(api["createdDate"]))


def export_document(snapshot: dict, *, stage: str, region: str, export_type: str,
                    extensions: set[str], documentation: dict | None = None) -> dict:
    """The export of deployment ``snapshot`` (see :func:`mockgw.apigateway.deployments.
    take_snapshot`) on ``stage``; ``documentation`` is the stage's documentation version."""
    return _Exporter(snapshot, export_type, extensions).document(stage, region,
                                                                   documentation)


class _Exporter:
    def __init__(self, snapshot: dict, export_type: str, extensions: set[str]) -> None:
        self.snapshot = snapshot
        self.api = snapshot["api"]
        self.swagger = export_type == SWAGGER
        self.integrations = bool(extensions & {"integrations", "apigateway"})
        self.authorizers = bool(extensions & {"authorizers", "apigateway"})
        self.everything = "apigateway" in extensions
        self.prefix = "#/definitions/" if self.swagger else "#/components/schemas/"
        self.models = {name: model for name, model in snapshot["models"].items()
                       if _JSON.match(model.get("contentType", ""))}
        self.schemes: dict[str, dict] = {}

    def document(self, stage: str, region: str, documentation: dict | None) -> dict:
        api_id = self.api["id"]
        info = {"title": self.api["name"], "version": api_version(self.api)}
        if self.api.get("description"):
            info["description"] = self.api["description"]
        paths = self._paths()
        definitions = {name: schemas.to_openapi_schema(json.loads(model["schema"]), api_id,
                                                       self.prefix)
                       for name, model in self.models.items()}
        if self.swagger:
            doc: dict[str, Any] = {
                "swagger": "2.0",
                "info": {k: info[k] for k in ("description", "version", "title") if k in info},
                "host": f"{api_id}.execute-api.{region}.amazonaws.com",
                "basePath": f"/{stage}", "schemes": ["https"], "paths": paths}
            if self.schemes:
                doc["securityDefinitions"] = self.schemes
            if definitions:
                doc["definitions"] = definitions
        else:
            doc = {"openapi": "3.0.1", "info": info,
                   "servers": [{"url": f"https://{api_id}.execute-api.{region}.amazonaws.com"
                                       "/{basePath}",
                                "variables": {"basePath": {"default": stage}}}],
                   "paths": paths, "components": {}}
            if definitions:
                doc["components"]["schemas"] = definitions
            if self.schemes:
                doc["components"]["securitySchemes"] = self.schemes
        if self.everything:
            doc.update(self._api_extensions(documentation))
        return doc

    # -- paths ----------------------------------------------------------------------------

    def _paths(self) -> dict[str, dict]:
        paths: dict[str, dict] = {}
        for authorizer in self.snapshot["authorizers"].values():
            self.schemes[authorizer["name"]] = self._authorizer_scheme(authorizer)
        for resource in sorted(self.snapshot["resources"].values(), key=lambda r: r["path"]):
            item = {}
            for http_method, method in resource.get("resourceMethods", {}).items():
                key = "x-amazon-apigateway-any-method" if http_method == "ANY" else \
                    http_method.lower()
                item[key] = self._operation(resource, method)
            if item:
                paths[resource["path"]] = item
        return paths

    def _operation(self, resource: dict, method: dict) -> dict:
        op: dict[str, Any] = {}
        if method.get("operationName"):
            op["operationId"] = method["operationName"]
        integration = method.get("methodIntegration") or {}
        request_models = {ct: m for ct, m in (method.get("requestModels") or {}).items()
                          if m in self.models}
        responses = method.get("methodResponses") or {}
        if self.swagger:
            consumes = [*request_models, *(integration.get("requestTemplates") or {})]
            produces = [ct for r in responses.values() for ct in r.get("responseModels") or {}]
            produces += [ct for r in (integration.get("integrationResponses") or {}).values()
                         for ct in r.get("responseTemplates") or {}]
            if consumes:
                op["consumes"] = list(dict.fromkeys(consumes))
            if produces:
                op["produces"] = list(dict.fromkeys(produces))
        parameters = self._parameters(resource["path"], method)
        if self.swagger and request_models:
            name = request_models.get("application/json") or next(iter(request_models.values()))
            parameters.append({"in": "body", "name": name, "required": True,
                               "schema": {"$ref": self.prefix + name}})
        if parameters:
            op["parameters"] = parameters
        if not self.swagger and request_models:
            op["requestBody"] = {"content": {ct: {"schema": {"$ref": self.prefix + m}}
                                             for ct, m in request_models.items()},
                                 "required": True}
        op["responses"] = {status: self._response(status, response)
                           for status, response in responses.items()}
        security = self._security(method)
        if security:
            op["security"] = security
        if self.everything and method.get("requestValidatorId") in \
                self.snapshot["requestValidators"]:
            validator = self.snapshot["requestValidators"][method["requestValidatorId"]]
            op["x-amazon-apigateway-request-validator"] = validator["name"]
        if self.integrations and integration:
            op["x-amazon-apigateway-integration"] = self._integration(resource, integration)
        return op

    def _parameters(self, path: str, method: dict) -> list[dict]:
        declared = dict(method.get("requestParameters") or {})
        for part in path.split("/"):
            if part.startswith("{") and part.endswith("}"):
                declared.setdefault(f"method.request.path.{part[1:-1].rstrip('+')}", True)
        out = []
        for key, required in declared.items():
            _, _, place, name = key.split(".", 3)
            where = _PLACES.get(place)
            if where is None:
                continue
            required = bool(required) or where == "path"
            if self.swagger:
                out.append({"name": name, "in": where, "required": required,
                            "type": "string"})
            else:
                parameter: dict[str, Any] = {"name": name, "in": where}
                if required:
                    parameter["required"] = True
                parameter["schema"] = {"type": "string"}
                out.append(parameter)
        return out

    def _response(self, status: str, response: dict) -> dict:
        out: dict[str, Any] = {"description": f"{status} response"}
        response_models = {ct: m for ct, m in (response.get("responseModels") or {}).items()
                           if m in self.models}
        headers = [key.split(".", 3)[3] for key in response.get("responseParameters") or {}
                   if key.startswith("method.response.header.")]
        if self.swagger:
            if response_models:
                name = response_models.get("application/json") or \
                    next(iter(response_models.values()))
                out["schema"] = {"$ref": self.prefix + name}
            if headers:
                out["headers"] = {h: {"type": "string"} for h in headers}
        else:
            if headers:
                out["headers"] = {h: {"schema": {"type": "string"}} for h in headers}
            out["content"] = {ct: {"schema": {"$ref": self.prefix + m}}
                              for ct, m in response_models.items()}
        return out

    # -- security -------------------------------------------------------------------------

    def _security(self, method: dict) -> list[dict]:
        security = []
        auth = method.get("authorizationType")
        authorizer = self.snapshot["authorizers"].get(method.get("authorizerId") or "")
        if auth in ("CUSTOM", "COGNITO_USER_POOLS") and authorizer is not None:
            security.append({authorizer["name"]: list(method.get("authorizationScopes")
                                                      or [])})
        if auth == "AWS_IAM":
            self.schemes.setdefault(*SIGV4_SCHEME)
            security.append({SIGV4_SCHEME[0]: []})
        if method.get("apiKeyRequired"):
            self.schemes.setdefault(*API_KEY_SCHEME)
            security.append({API_KEY_SCHEME[0]: []})
        return security

    def _authorizer_scheme(self, authorizer: dict) -> dict:
        source = authorizer.get("identitySource") or ""
        single = re.fullmatch(r"method\.request\.(header|querystring)\.([^,\s]+)", source)
        scheme: dict[str, Any] = {
            "type": "apiKey", "name": single.group(2) if single else "Unused",
            "in": "query" if single and single.group(1) == "querystring" else "header",
            "x-amazon-apigateway-authtype": authorizer.get("authType", "custom")}
        if self.authorizers:
            extension: dict[str, Any] = {"type": authorizer["type"].lower()}
            for key in ("authorizerUri", "authorizerCredentials", "identitySource",
                        "identityValidationExpression", "authorizerResultTtlInSeconds",
                        "providerARNs"):
                if authorizer.get(key) is not None:
                    extension[key] = authorizer[key]
            scheme["x-amazon-apigateway-authorizer"] = extension
        return scheme

    # -- extensions -----------------------------------------------------------------------

    def _integration(self, resource: dict, integration: dict) -> dict:
        out: dict[str, Any] = {"type": integration["type"].lower()}
        for key in ("httpMethod", "uri", "credentials", "connectionId"):
            if integration.get(key):
                out[key] = integration[key]
        if integration.get("connectionType") == "VPC_LINK":
            out["connectionType"] = "VPC_LINK"
        responses = {}
        for response in (integration.get("integrationResponses") or {}).values():
            pattern = response.get("selectionPattern") or "default"
            if pattern in responses:
                pattern = response["statusCode"]
            responses[pattern] = {k: response[k] for k in
                                  ("statusCode", "responseParameters", "responseTemplates",
                                   "contentHandling") if response.get(k) is not None}
        if responses:
            out["responses"] = responses
        for key in ("requestParameters", "requestTemplates"):
            if integration.get(key):
                out[key] = integration[key]
        out["passthroughBehavior"] = integration.get("passthroughBehavior",
                                                     "WHEN_NO_MATCH").lower()
        if integration.get("contentHandling"):
            out["contentHandling"] = integration["contentHandling"]
        if integration.get("timeoutInMillis", DEFAULT_TIMEOUT) != DEFAULT_TIMEOUT:
            out["timeoutInMillis"] = integration["timeoutInMillis"]
        if integration.get("cacheNamespace") not in (None, resource["id"]):
            out["cacheNamespace"] = integration["cacheNamespace"]
        if integration.get("cacheKeyParameters"):
            out["cacheKeyParameters"] = integration["cacheKeyParameters"]
        if integration.get("tlsConfig"):
            out["tlsConfig"] = integration["tlsConfig"]
        return out

    def _api_extensions(self, documentation: dict | None) -> dict[str, Any]:
        api, out = self.api, {}
        validators = self.snapshot["requestValidators"].values()
        if validators:
            out["x-amazon-apigateway-request-validators"] = {
                v["name"]: {"validateRequestBody": v.get("validateRequestBody", False),
                            "validateRequestParameters": v.get("validateRequestParameters",
                                                               False)}
                for v in validators}
        responses = self.snapshot["gatewayResponses"]
        if responses:
            out["x-amazon-apigateway-gateway-responses"] = {
                kind: {k: r[k] for k in ("statusCode", "responseParameters",
                                         "responseTemplates") if r.get(k) is not None}
                for kind, r in responses.items()}
        if api.get("binaryMediaTypes"):
            out["x-amazon-apigateway-binary-media-types"] = list(api["binaryMediaTypes"])
        if api.get("minimumCompressionSize") is not None:
            out["x-amazon-apigateway-minimum-compression-size"] = api["minimumCompressionSize"]
        if api.get("apiKeySource", "HEADER") != "HEADER":
            out["x-amazon-apigateway-api-key-source"] = api["apiKeySource"]
        if api.get("policy"):
            out["x-amazon-apigateway-policy"] = json.loads(api["policy"])
        if documentation and documentation.get("snapshot"):
            out["x-amazon-apigateway-documentation"] = {
                "version": documentation["version"],
                "documentationParts": [{"location": p["location"],
                                        "properties": json.loads(p["properties"])}
                                       for p in documentation["snapshot"].values()]}
        return out

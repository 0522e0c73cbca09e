"""ImportRestApi and PutRestApi: a REST API record built from an OpenAPI definition.

The importer works on a copy of the API record (a fresh one for ImportRestApi) and checks
every part with the same functions the call-by-call operations use (``check_method``,
``check_integration``, ``check_authorizer``, ``check_schema``), so an imported API obeys
the same rules as a hand-built one.  Errors are collected and raised together, as AWS
does (``Errors found during import: ...``), leaving the stored API untouched; warnings
(a missing model, a parameter mapping that is no string) skip the part and are returned
in the RestApi's ``warnings``, or fail the import with ``failonwarnings=true``.

Modes: ``import`` (a new API), ``overwrite`` (the API becomes the definition: resources
with the same path keep their ids, everything else of the definition is replaced) and
``merge`` (the definition's methods, models, authorizers... are added to the API's,
replacing those of the same name).  Stages, deployments, API keys and the endpoint
configuration of an existing API are never changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mockgw.apigateway import (
    authorizers,
    documentation_parts,
    integrations,
    methods,
    models,
    resources,
    restapis,
)
from mockgw.apigateway.common import SECTIONS
from mockgw.apigateway.openapi import apifields, schemas
from mockgw.apigateway.openapi.document import Document, mapping
from mockgw.errors import BadRequestException, ServiceError
from mockgw.gateway_responses import DEFAULT_STATUS, DEFAULT_TEMPLATES, STATUS_NOT_GIVEN
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

BASEPATH_MODES = ("ignore", "prepend", "split")
ENDPOINT_TYPES = ("EDGE", "REGIONAL", "PRIVATE")
INTEGRATION_TYPES = ("HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY", "MOCK")
#: Operation keys of a path item and the method each one is.
OPERATIONS = {"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE",
              "options": "OPTIONS", "head": "HEAD", "patch": "PATCH",
              "x-amazon-apigateway-any-method": "ANY"}
DEFAULT_CONTENT_TYPE = "application/json"

_AUTHORIZER_TYPES = {"token": "TOKEN", "request": "REQUEST",
                     "cognito_user_pools": "COGNITO_USER_POOLS"}
_PARAMETER_PLACES = {"path": "path", "query": "querystring", "header": "header"}


@dataclass(frozen=True)
class Options:
    """How to import: the mode and the ``parameters`` of the request."""

    mode: str = "import"  # import | merge | overwrite
    basepath: str = "ignore"
    endpoint_type: str | None = None
    ignore_documentation: bool = False
    fail_on_warnings: bool = False

    @classmethod
    def of(cls, parameters: dict[str, str] | None, *, mode: str,
           fail_on_warnings: bool) -> Options:
        """The options of a request's ``parameters`` query map."""
        parameters = parameters or {}
        basepath = parameters.get("basepath", "ignore")
        if basepath not in BASEPATH_MODES:
            raise BadRequestException(f"Invalid basepath parameter specified: {basepath}. "
                                      "Valid options are ignore,prepend,split")
        endpoint_type = parameters.get("endpointConfigurationTypes")
        if endpoint_type is not None and endpoint_type not in ENDPOINT_TYPES:
            raise BadRequestException(
                "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE")
        return cls(mode=mode, basepath=basepath, endpoint_type=endpoint_type,
                   ignore_documentation=parameters.get("ignore") == "documentation",
                   fail_on_warnings=fail_on_warnings)


class ImportFailed(BadRequestException):
    """The errors of an import, reported together."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Errors found during import:\n\t" + "\n\t".join(errors))


def build(call: Call, doc: Document, options: Options, current: dict | None) -> tuple[dict,
                                                                                       list[str]]:
    """The API record ``doc`` makes (from ``current`` in merge and overwrite modes) and
    the import's warnings.  ``current`` is not modified."""
    builder = _Builder(call, doc, options, current)
    record = builder.run()
    if builder.errors:
        raise ImportFailed(builder.errors)
    if builder.warnings and options.fail_on_warnings:
        raise BadRequestException("Warnings found during import:\n\t"
                                  + "\n\t".join(builder.warnings))
    return record, builder.warnings


class _Builder:
    def __init__(self, call: Call, doc: Document, options: Options,
                 current: dict | None) -> None:
        self.call = call
        self.doc = doc
        self.root = doc.root
        self.options = options
        self.current = current
        self.errors: list[str] = []
        self.warnings: list[str] = []
        #: In merge and overwrite modes, the ids of the current API's resources by path.
        self.previous_ids: dict[str, str] = {}

    # -- the whole API --------------------------------------------------------------------

    def run(self) -> dict:
        self.record = self._start()
        self.api_id = self.record["api"]["id"]
        apifields.apply(self.record["api"], self.doc, mode=self.options.mode,
                        endpoint_type=self.options.endpoint_type)
        self._models()
        self._authorizers()
        self._request_validators()
        self._gateway_responses()
        self._paths()
        self._documentation()
        return self.record

    def _start(self) -> dict:
        """The record to build on: a new one, or a copy of the current API's."""
        if self.current is None:
            record: dict[str, Any] = {section: {} for section in SECTIONS}
            tags = apifields.tags(self.doc)
            api_id = restapis.new_api_id(self.call, tags.get(restapis.CUSTOM_ID_TAG))
            root_id = self.call.new_id(10)
            record["resources"][root_id] = {"id": root_id, "path": "/"}
            record["api"] = {"id": api_id, "createdDate": self.call.now(),
                             "apiKeySource": "HEADER", "disableExecuteApiEndpoint": False,
                             "rootResourceId": root_id}
            if tags:
                record["api"]["tags"] = tags
            return record
        record = copy_tree(self.current)
        self.previous_ids = {r["path"]: r["id"] for r in record["resources"].values()}
        if self.options.mode == "overwrite":
            root_id = record["api"]["rootResourceId"]
            record["resources"] = {root_id: {"id": root_id, "path": "/"}}
            for section in ("models", "authorizers", "requestValidators", "gatewayResponses"):
                record[section] = {}
        return record

    # -- models ---------------------------------------------------------------------------

    def _models(self) -> None:
        created = []
        for name, schema in self.doc.schemas().items():
            if not schemas.MODEL_NAME.match(name):
                self.warnings.append(f"Model name must be alphanumeric: {name}")
                continue
            if not isinstance(schema, dict):
                self.warnings.append(f"Invalid model schema specified for model {name}")
                continue
            created.append(self._add_model(name, schema))
        for model in created:
            self._check_model(model)

    def _add_model(self, name: str, schema: dict) -> dict:
        converted = schemas.to_model_schema(schema, self.api_id)
        existing = self.record["models"].get(name) or \
            ((self.current or {}).get("models") or {}).get(name)
        model = {"id": existing["id"] if existing else self._new_id("models"), "name": name,
                 "contentType": DEFAULT_CONTENT_TYPE, "schema": json.dumps(converted)}
        if isinstance(schema.get("description"), str) and schema["description"]:
            model["description"] = schema["description"]
        self.record["models"][name] = model
        return model

    def _check_model(self, model: dict) -> None:
        try:
            models.check_schema(model["schema"], self.record)
        except ServiceError as error:
            self.errors.append(f"Unable to create model '{model['name']}': {error.message}")

    def _model_for(self, schema: Any, where: str) -> str | None:
        """The model a method uses for ``schema``: a named one, or one made of an
        inline schema."""
        if not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = schemas.referenced_name(ref)
            if name is None or name not in self.record["models"]:
                self.warnings.append(f"Unable to find model referenced by '{ref}' {where}")
                return None
            return name
        name = schemas.inline_model_name(schema)
        if name not in self.record["models"]:
            self._check_model(self._add_model(name, schema))
        return name

    # -- authorizers, validators, gateway responses ---------------------------------------

    def _authorizers(self) -> None:
        self.security: dict[str, tuple[str, str | None]] = {}
        for name, scheme in self.doc.security_schemes().items():
            extension = scheme.get("x-amazon-apigateway-authorizer")
            authtype = str(scheme.get("x-amazon-apigateway-authtype", ""))
            if isinstance(extension, dict):
                authorizer = self._authorizer(name, scheme, extension, authtype)
                if authorizer is not None:
                    self.security[name] = ("authorizer", authorizer["id"])
            elif authtype.lower() == "awssigv4":
                self.security[name] = ("iam", None)
            elif scheme.get("type") == "apiKey" and scheme.get("in") == "header" and \
                    str(scheme.get("name", "")).lower() == "x-api-key":
                self.security[name] = ("apikey", None)

    def _authorizer(self, name: str, scheme: dict, extension: dict,
                    authtype: str) -> dict | None:
        kind = _AUTHORIZER_TYPES.get(str(extension.get("type", "")).lower())
        if kind is None:
            self.errors.append(f"Unable to create authorizer '{name}': Invalid authorizer "
                               f"type specified: {extension.get('type')}")
            return None
        existing = next((a for a in self.record["authorizers"].values()
                         if a["name"] == name), None)
        authorizer: dict[str, Any] = {
            "id": existing["id"] if existing else self._new_id("authorizers"),
            "name": name, "type": kind,
            "authType": authtype or ("cognito_user_pools" if kind == "COGNITO_USER_POOLS"
                                     else "custom")}
        source = extension.get("identitySource")
        if not source and scheme.get("in") in ("header", "query") and scheme.get("name"):
            place = "header" if scheme["in"] == "header" else "querystring"
            source = f"method.request.{place}.{scheme['name']}"
        if source:
            authorizer["identitySource"] = str(source)
        for key in ("authorizerUri", "authorizerCredentials", "identityValidationExpression"):
            if extension.get(key):
                authorizer[key] = str(extension[key])
        if extension.get("authorizerResultTtlInSeconds") is not None:
            try:
                authorizer["authorizerResultTtlInSeconds"] = int(
                    extension["authorizerResultTtlInSeconds"])
            except (TypeError, ValueError):
                self.errors.append(f"Unable to create authorizer '{name}': Invalid authorizer "
                                   "result TTL")
                return None
        arns = extension.get("providerARNs")
        if isinstance(arns, list) and arns:
            authorizer["providerARNs"] = [str(arn) for arn in arns]
        try:
            authorizers.check_authorizer(authorizer)
        except ServiceError as error:
            self.errors.append(f"Unable to create authorizer '{name}': {error.message}")
            return None
        self.record["authorizers"][authorizer["id"]] = authorizer
        return authorizer

    def _request_validators(self) -> None:
        self.validators: dict[str, str] = {v["name"]: v["id"]
                                           for v in self.record["requestValidators"].values()}
        declared = mapping(self.root.get("x-amazon-apigateway-request-validators"))
        for name, rules in declared.items():
            rules = mapping(rules)
            validator_id = self.validators.get(name) or self._new_id("requestValidators")
            self.record["requestValidators"][validator_id] = {
                "id": validator_id, "name": str(name),
                "validateRequestBody": rules.get("validateRequestBody") is True,
                "validateRequestParameters": rules.get("validateRequestParameters") is True}
            self.validators[name] = validator_id

    def _gateway_responses(self) -> None:
        declared = mapping(self.root.get("x-amazon-apigateway-gateway-responses"))
        for kind, spec in declared.items():
            if kind not in DEFAULT_STATUS:
                self.warnings.append(f"Invalid gateway response type specified: {kind}")
                continue
            spec = mapping(spec)
            where = f"of gateway response '{kind}'"
            response = {"responseType": kind, "defaultResponse": False,
                        "responseParameters": self._strings(spec.get("responseParameters"),
                                                            "responseParameters", where),
                        "responseTemplates": self._strings(spec.get("responseTemplates"),
                                                           "responseTemplates", where)
                        or dict(DEFAULT_TEMPLATES)}
            status = spec.get("statusCode", DEFAULT_STATUS[kind])
            if status is not None:
                response["statusCode"] = str(status)
            if spec.get("statusCode") is None:
                response[STATUS_NOT_GIVEN] = True  # answers with the error's own status
            self.record["gatewayResponses"][kind] = response

    # -- resources and methods -------------------------------------------------------------

    def _paths(self) -> None:
        base = self._base_path()
        for path, item in mapping(self.root.get("paths")).items():
            item = self.doc.resolve(item)
            if not isinstance(item, dict) or not isinstance(path, str):
                continue
            full = _normalize(base + "/" + path.strip("/")) if path.strip("/") else \
                _normalize(base or "/")
            resource = self._resource(full)
            if resource is None:
                continue
            for key, http_method in OPERATIONS.items():
                operation = self.doc.resolve(item.get(key))
                if isinstance(operation, dict):
                    self._method(resource, http_method, operation, item)
        if base and self.options.basepath == "prepend":
            self._resource(_normalize(base))  # the base path exists even without methods

    def _base_path(self) -> str:
        parts = [p for p in self.doc.base_path().split("/") if p]
        if self.options.basepath == "prepend":
            return "/" + "/".join(parts) if parts else ""
        if self.options.basepath == "split" and len(parts) > 1:
            return "/" + "/".join(parts[1:])
        return ""

    def _resource(self, path: str) -> dict | None:
        """The resource at ``path``, created with its parents as needed."""
        by_path = {r["path"]: r for r in self.record["resources"].values()}
        if path in by_path:
            return by_path[path]
        parent_path, _, part = path.rpartition("/")
        parent = self._resource(parent_path or "/")
        if parent is None:
            return None
        try:
            resources.check_child(self.record, parent, part, exclude=None)
        except ServiceError as error:
            self.errors.append(f"Unable to create resource at path '{path}': {error.message}")
            return None
        previous = self.previous_ids.get(path)
        taken = previous is None or previous in self.record["resources"]
        res_id = self.call.new_id(6, avoid=self.record["resources"]) if taken else previous
        created = {"id": res_id, "parentId": parent["id"], "pathPart": part, "path": path}
        self.record["resources"][res_id] = created
        return created

    def _method(self, resource: dict, http_method: str, operation: dict,
                path_item: dict) -> None:
        path = resource["path"]
        where = f"of resource '{path}' and method '{http_method}'"
        method: dict[str, Any] = {"httpMethod": http_method, "authorizationType": "NONE",
                                  "apiKeyRequired": False}
        if isinstance(operation.get("operationId"), str):
            method["operationName"] = operation["operationId"]
        self._security(method, operation, where)
        validator = operation.get("x-amazon-apigateway-request-validator",
                                  self.root.get("x-amazon-apigateway-request-validator"))
        if isinstance(validator, str):
            if validator in self.validators:
                method["requestValidatorId"] = self.validators[validator]
            else:
                self.warnings.append(f"Unable to find request validator '{validator}' {where}")
        parameters, request_models = self._request(path, operation, path_item, where)
        if parameters:
            method["requestParameters"] = parameters
        if request_models:
            method["requestModels"] = request_models
        responses = self._method_responses(operation, where)
        if responses:
            method["methodResponses"] = responses
        try:
            methods.check_method(self.record, method)
            for response in responses.values():
                methods.check_method_response(self.record, response)
        except ServiceError as error:
            self.errors.append(f"Unable to put method '{http_method}' on resource at path "
                               f"'{path}': {error.message}")
            return
        extension = operation.get("x-amazon-apigateway-integration")
        if extension is not None:
            integration = self._integration(resource, method, extension, where)
            if integration is None:
                return
            method["methodIntegration"] = integration
        resource.setdefault("resourceMethods", {})[http_method] = method

    def _security(self, method: dict, operation: dict, where: str) -> None:
        requirements = operation.get("security", self.root.get("security"))
        for requirement in requirements if isinstance(requirements, list) else []:
            for name, scopes in mapping(requirement).items():
                kind, authorizer_id = self.security.get(name, (None, None))
                if kind is None:
                    self.warnings.append(f"Unable to find security scheme '{name}' {where}")
                elif kind == "apikey":
                    method["apiKeyRequired"] = True
                elif kind == "iam":
                    method["authorizationType"] = "AWS_IAM"
                else:
                    authorizer = self.record["authorizers"][authorizer_id]
                    cognito = authorizer["type"] == "COGNITO_USER_POOLS"
                    method["authorizationType"] = "COGNITO_USER_POOLS" if cognito else "CUSTOM"
                    method["authorizerId"] = authorizer_id
                    if cognito and isinstance(scopes, list) and scopes:
                        method["authorizationScopes"] = [str(s) for s in scopes]
        auth = mapping(operation.get("x-amazon-apigateway-auth")).get("type")
        if isinstance(auth, str) and auth.upper() in ("NONE", "AWS_IAM"):
            method["authorizationType"] = auth.upper()

    def _request(self, path: str, operation: dict, path_item: dict,
                 where: str) -> tuple[dict[str, bool], dict[str, str]]:
        declared: dict[tuple[str, str], dict] = {}
        for source in (path_item.get("parameters"), operation.get("parameters")):
            for parameter in source if isinstance(source, list) else []:
                parameter = self.doc.resolve(parameter)
                if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                    declared[(parameter["name"], str(parameter.get("in")))] = parameter
        parameters: dict[str, bool] = {}
        request_models: dict[str, str] = {}
        for (name, place), parameter in declared.items():
            if place == "body":
                model = self._model_for(parameter.get("schema"), where)
                if model:
                    for content_type in self._content_types(operation, "consumes"):
                        request_models[content_type] = model
            elif place in _PARAMETER_PLACES:
                required = place == "path" or parameter.get("required") is True
                parameters[f"method.request.{_PARAMETER_PLACES[place]}.{name}"] = required
        for part in path.split("/"):
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1].rstrip("+")
                parameters.setdefault(f"method.request.path.{name}", True)
        body = self.doc.resolve(operation.get("requestBody"))
        for content_type, media in mapping(mapping(body).get("content")).items():
            model = self._model_for(mapping(media).get("schema"), where)
            if model:
                request_models[content_type] = model
        return parameters, request_models

    def _content_types(self, operation: dict, key: str) -> list[str]:
        types = operation.get(key, self.root.get(key))
        types = [t for t in types if isinstance(t, str)] if isinstance(types, list) else []
        return types or [DEFAULT_CONTENT_TYPE]

    def _method_responses(self, operation: dict, where: str) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for status, spec in mapping(operation.get("responses")).items():
            status = str(status)
            spec = self.doc.resolve(spec)
            if not status.isdigit() or not isinstance(spec, dict):
                continue
            response: dict[str, Any] = {"statusCode": status}
            headers = mapping(spec.get("headers"))
            if headers:
                response["responseParameters"] = {f"method.response.header.{h}": False
                                                  for h in headers}
            response_models = {}
            if self.doc.is_swagger:
                model = self._model_for(spec.get("schema"), where)
                if model:
                    response_models = dict.fromkeys(self._content_types(operation, "produces"),
                                                    model)
            else:
                for content_type, media in mapping(spec.get("content")).items():
                    model = self._model_for(mapping(media).get("schema"), where)
                    if model:
                        response_models[content_type] = model
            if response_models:
                response["responseModels"] = response_models
            out[status] = response
        return out

    def _integration(self, resource: dict, method: dict, extension: Any,
                     where: str) -> dict | None:
        path, http_method = resource["path"], method["httpMethod"]
        malformed = ("Unable to parse API definition because of a malformed integration at "
                     f"path {path}.")
        extension = self.doc.resolve(extension)
        kind = str(mapping(extension).get("type", "")).upper()
        if not isinstance(extension, dict) or kind not in INTEGRATION_TYPES or any(
                key in extension and not isinstance(extension[key], str)
                for key in ("uri", "httpMethod", "credentials", "connectionId")):
            raise BadRequestException(malformed)  # a parse error: AWS stops at once
        try:
            integration = integrations.new_integration(
                self._integration_params(resource, kind, extension, where))
            integrations.check_sources(integration, method)
            responses = self._integration_responses(extension, where)
        except ServiceError as error:
            self.errors.append(f"Unable to put integration on '{http_method}' for resource "
                               f"at path '{path}': {error.message}")
            return None
        try:
            for response in responses.values():
                integrations.check_targets(response, method)
        except ServiceError as error:
            self.errors.append(f"Unable to put integration response on '{http_method}' for "
                               f"resource at path '{path}': {error.message}")
            return None
        if responses:
            integration["integrationResponses"] = responses
        return integration

    def _integration_params(self, resource: dict, kind: str, extension: dict,
                            where: str) -> dict[str, Any]:
        """The extension as PutIntegration's input."""
        params: dict[str, Any] = {"resourceId": resource["id"], "type": kind}
        for key in ("uri", "credentials", "connectionId", "cacheNamespace", "tlsConfig"):
            if extension.get(key) is not None:
                params[key] = extension[key]
        for key in ("connectionType", "contentHandling", "passthroughBehavior"):
            if extension.get(key) is not None:
                params[key] = str(extension[key]).upper()
        if extension.get("httpMethod"):
            params["integrationHttpMethod"] = extension["httpMethod"].upper()
        if extension.get("timeoutInMillis") is not None:
            params["timeoutInMillis"] = _integer(extension["timeoutInMillis"])
        if isinstance(extension.get("cacheKeyParameters"), list):
            params["cacheKeyParameters"] = [str(p) for p in extension["cacheKeyParameters"]]
        request_parameters = self._strings(extension.get("requestParameters"),
                                           "requestParameters", where)
        if request_parameters:
            params["requestParameters"] = request_parameters
        templates = _templates(extension.get("requestTemplates"))
        if templates is not None:
            params["requestTemplates"] = templates
        return params

    def _integration_responses(self, extension: dict, where: str) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for pattern, spec in mapping(extension.get("responses")).items():
            spec = mapping(self.doc.resolve(spec))
            if spec.get("statusCode") is None:
                continue
            response: dict[str, Any] = {"statusCode": str(spec["statusCode"])}
            if str(pattern) != "default":
                response["selectionPattern"] = str(pattern)
            parameters = self._strings(spec.get("responseParameters"), "responseParameters",
                                       where)
            if parameters:
                response["responseParameters"] = parameters
            templates = _templates(spec.get("responseTemplates"))
            if templates is not None:
                response["responseTemplates"] = templates
            if spec.get("contentHandling"):
                response["contentHandling"] = str(spec["contentHandling"]).upper()
            integrations.check_integration_response(response)
            out[response["statusCode"]] = response
        return out

    def _strings(self, values: Any, name: str, where: str) -> dict[str, str]:
        """A map of strings; an entry of another type is left out with AWS's warning."""
        out = {}
        for key, value in mapping(values).items():
            if isinstance(value, str):
                out[str(key)] = value
            else:
                self.warnings.append(f"Invalid format for '{name}'. Expected type string for "
                                     f"property '{key}' {where} but got "
                                     f"'{json.dumps(value)}'")
        return out

    # -- documentation --------------------------------------------------------------------

    def _documentation(self) -> None:
        if self.options.ignore_documentation:
            return
        extension = mapping(self.root.get("x-amazon-apigateway-documentation"))
        entries = extension.get("documentationParts")
        if not isinstance(entries, list):
            if self.options.mode == "overwrite":
                self.record["documentationParts"] = {}
            return
        parts, _ids, warnings = documentation_parts.import_parts(
            self.call, self.record["documentationParts"], entries,
            overwrite=self.options.mode == "overwrite")
        self.record["documentationParts"] = parts
        self.warnings.extend(warnings)

    def _new_id(self, section: str) -> str:
        return self.call.new_id(6, avoid={item["id"] for item in self.record[section].values()})


def _normalize(path: str) -> str:
    path = "/" + path.strip("/")
    return path


def _integer(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequestException(f"Invalid integer value: {value}") from None


def _templates(values: Any) -> dict[str, str] | None:
    """Mapping templates: strings as they are, other JSON values as their JSON text."""
    if not isinstance(values, dict):
        return None
    return {str(k): v if isinstance(v, str) or v is None else json.dumps(v)
            for k, v in values.items()}

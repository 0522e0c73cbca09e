"""ImportApi and ReimportApi: an HTTP API record built from an OpenAPI 3.0 document.

Paths and operations become routes (``GET /pets``; ``x-amazon-apigateway-any-method`` is
``ANY``, and ``/$default`` or ``isDefaultRoute`` the ``$default`` route), each
``x-amazon-apigateway-integration`` (inline, or a ``$ref`` into ``components.
x-amazon-apigateway-integrations``, one integration per component) their integration,
``securitySchemes`` with ``x-amazon-apigateway-authorizer`` JWT and Lambda (REQUEST)
authorizers, ``x-amazon-apigateway-authtype: awsSigv4`` IAM authorization,
``x-amazon-apigateway-cors`` the CORS configuration, ``info`` the name, description and
version, root ``tags`` with ``x-amazon-apigateway-tag-value`` the API's tags and the
server's ``x-amazon-apigateway-endpoint-configuration`` the default endpoint switch.

Every part is checked by the functions CreateRoute, CreateIntegration and
CreateAuthorizer use.  As AWS does, a part that cannot be made is a warning and is left
out (a route whose integration fails is made without a target), while a document that is
no OpenAPI 3.0 at all, or a broken API-wide setting, is an error and nothing changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mockgw.apigateway.openapi import apifields
from mockgw.apigateway.openapi.document import (
    INVALID,
    OAS30,
    UNPARSABLE,
    Document,
    load,
    mapping,
)
from mockgw.apigatewayv2 import apis, authorizers, integrations, routes
from mockgw.apigatewayv2.common import (
    HTTP,
    ROUTE_ID_LENGTH,
    SECTIONS,
    SHORT_ID_LENGTH,
    check_tags,
)
from mockgw.apigatewayv2.openapi import extensions, notes
from mockgw.apigatewayv2.openapi.extensions import (
    ANY_METHOD,
    AUTHORIZER,
    AUTHTYPE,
    CORS,
    ENDPOINT_CONFIGURATION,
    INTEGRATION,
)
from mockgw.apigatewayv2.selection import (
    DEFAULT_API_KEY_SELECTION,
    DEFAULT_ROUTE_KEY,
    HTTP_ROUTE_SELECTION,
)
from mockgw.errors import BadRequestException, ServiceError
from mockgw.operations import Call
from mockgw.state.tree import copy_tree

DEFAULT_PATH = "/$default"
BASEPATH_MODES = ("ignore", "prepend", "split")
WELL_KNOWN = "/.well-known/openid-configuration"
#: A JWT authorizer's identity source when the document names none (the console's).
DEFAULT_JWT_SOURCE = "$request.header.Authorization"
IP_ADDRESS_TYPES = ("ipv4", "dualstack")
#: The ``name`` of an ``apiKey`` scheme whose identity sources are elsewhere.
UNUSED = "Unused"
#: What a security scheme maps to when its authorizer could not be created.
FAILED = "failed"
#: The API fields a definition sets; ReimportApi replaces them all.
DEFINED_FIELDS = ("Name", "Description", "Version", "CorsConfiguration",
                  "DisableExecuteApiEndpoint", "IpAddressType")

_VERSION = re.compile(r"^3\.0(\.\d+)?$")


@dataclass
class Result:
    """A built API record and what the import reports."""

    record: dict
    warnings: list[str] = field(default_factory=list)
    import_info: list[str] = field(default_factory=list)


def read(body: str | bytes, *, account: str, region: str) -> Document:
    """An HTTP API import body as a document, or AWS's error: only OpenAPI 3.0 is
    accepted (Swagger 2.0 and OpenAPI 3.1 are not)."""
    root = load(body, account=account, region=region)
    version = root.get("openapi", root.get("swagger")) if isinstance(root, dict) else None
    if version is None or not _VERSION.match(str(version)):
        shown = "null" if version is None else str(version)
        raise BadRequestException(f"{UNPARSABLE} Unable to determine OAS version from "
                                  f"'{shown}'")
    if not isinstance(root.get("info", {}), dict) or not isinstance(root.get("paths", {}),
                                                                    dict):
        raise BadRequestException(INVALID)
    return Document(root=root, kind=OAS30)


def check_basepath(mode: str | None) -> str:
    """The ``Basepath`` mode (``ignore`` when absent)."""
    mode = mode or "ignore"
    if mode not in BASEPATH_MODES:
        raise BadRequestException(f"Invalid basepath parameter specified: {mode}. Valid "
                                  f"options are {','.join(BASEPATH_MODES)}")
    return mode


def build(call: Call, doc: Document, *, basepath: str, current: dict | None) -> Result:
    """The API record ``doc`` defines: a new API (ImportApi), or ``current`` with its
    definition replaced (ReimportApi; ``current`` is not modified)."""
    return _Builder(call, doc, basepath, current).run()


def warnings_failure(warnings: list[str]) -> BadRequestException:
    """The error of an import with warnings and ``FailOnWarnings``."""
    return BadRequestException("Warnings found during import:\n\t" + "\n\t".join(warnings))


class _Builder:
    def __init__(self, call: Call, doc: Document, basepath: str,
                 current: dict | None) -> None:
        self.call = call
        self.doc = doc
        self.root = doc.root
        self.basepath = basepath
        self.current = current
        self.result = Result(record={}, warnings=notes.parse_issues(doc),
                             import_info=notes.import_info(doc))
        #: security scheme name -> ("iam", None) or ("authorizer", authorizer id)
        self.security: dict[str, tuple[str, str | None]] = {}
        #: integration component name -> integration id (None: it could not be made)
        self.shared: dict[str, str | None] = {}
        #: ReimportApi: the ids of the current routes by key, authorizers by name (kept)
        self.previous_routes: dict[str, str] = {}
        self.previous_authorizers: dict[str, str] = {}

    def warn(self, message: str) -> None:
        self.result.warnings.append(message)

    # -- the whole API --------------------------------------------------------------------

    def run(self) -> Result:
        self.record = self._start()
        self.result.record = self.record
        self._api_fields(self.record["api"])
        self._authorizers()
        self._paths()
        return self.result

    def _start(self) -> dict:
        tags = apifields.tags(self.doc)
        check_tags(tags)
        if self.current is None:
            api_id = apis.new_api_id(self.call, tags.get(apis.CUSTOM_ID_TAG))
            api = {"ApiId": api_id, "ApiEndpoint": apis.api_endpoint(self.call, api_id, HTTP),
                   "ApiKeySelectionExpression": DEFAULT_API_KEY_SELECTION,
                   "CreatedDate": self.call.now(), "ProtocolType": HTTP,
                   "RouteSelectionExpression": HTTP_ROUTE_SELECTION, "Tags": tags}
            return {"api": api, **{section: {} for section in SECTIONS}}
        if self.current["api"]["ProtocolType"] != HTTP:
            raise BadRequestException("ReimportApi is supported only for HTTP APIs")
        record = copy_tree(self.current)
        for key in DEFINED_FIELDS:
            record["api"].pop(key, None)
        record["api"]["Tags"] = {**record["api"].get("Tags", {}), **tags}
        check_tags(record["api"]["Tags"])
        self.previous_routes = {r["RouteKey"]: r["RouteId"] for r in record["routes"].values()}
        self.previous_authorizers = {a["Name"]: a["AuthorizerId"]
                                     for a in record["authorizers"].values()}
        for section in ("routes", "integrations", "authorizers", "models"):
            record[section] = {}
        return record

    def _api_fields(self, api: dict) -> None:
        info = mapping(self.root.get("info"))
        title = info.get("title")
        if not isinstance(title, str) or not title.strip():
            raise BadRequestException(INVALID)
        api["Name"] = _limited(title, 128, "name")
        if info.get("description") not in (None, ""):
            api["Description"] = _limited(str(info["description"]), 1024, "description")
        if info.get("version") not in (None, ""):
            api["Version"] = _limited(str(info["version"]), 64, "version")
        if self.root.get(CORS) is not None:
            api["CorsConfiguration"] = extensions.cors(self.root[CORS])
        endpoint = self._endpoint_configuration()
        api["DisableExecuteApiEndpoint"] = endpoint.get("disableExecuteApiEndpoint") is True
        kept = self.current["api"].get("IpAddressType") if self.current else None
        address_type = endpoint.get("ipAddressType", kept or "ipv4")
        if address_type not in IP_ADDRESS_TYPES:
            raise BadRequestException(f"Invalid ipAddressType specified: {address_type}. Must "
                                      f"be one of [{', '.join(IP_ADDRESS_TYPES)}]")
        api["IpAddressType"] = address_type

    def _endpoint_configuration(self) -> dict[str, Any]:
        """The endpoint configuration extension: on the first server (OpenAPI 3), or at
        the root."""
        servers = self.root.get("servers")
        if isinstance(servers, list) and servers and isinstance(servers[0], dict) and \
                ENDPOINT_CONFIGURATION in servers[0]:
            return mapping(servers[0][ENDPOINT_CONFIGURATION])
        return mapping(self.root.get(ENDPOINT_CONFIGURATION))

    # -- authorizers ----------------------------------------------------------------------

    def _authorizers(self) -> None:
        for name, scheme in self.doc.security_schemes().items():
            name = str(name)
            extension = scheme.get(AUTHORIZER)
            if str(scheme.get(AUTHTYPE, "")).lower() == "awssigv4":
                self.security[name] = ("iam", None)
            elif isinstance(extension, dict) or scheme.get("type") in ("oauth2",
                                                                       "openIdConnect"):
                self._authorizer(name, scheme, mapping(extension))

    def _authorizer(self, name: str, scheme: dict, extension: dict) -> None:
        try:
            authorizer = self._authorizer_fields(name, scheme, extension)
            if len(self.record["authorizers"]) >= authorizers.MAX_AUTHORIZERS:
                raise BadRequestException(f"Maximum number of authorizers "
                                          f"({authorizers.MAX_AUTHORIZERS}) reached for this API")
            authorizers.check_authorizer(self.record, authorizer)
        except ServiceError as error:  # its routes are left out too (they would be open)
            self.warn(f"Unable to create Authorizer '{name}': {_sentence(error.message)} "
                      "Ignoring.")
            self.security[name] = (FAILED, None)
            return
        authorizer_id = self.previous_authorizers.get(name) or self.call.new_id(
            SHORT_ID_LENGTH, avoid={*self.record["authorizers"],
                                    *self.previous_authorizers.values()})
        self.record["authorizers"][authorizer_id] = {"AuthorizerId": authorizer_id,
                                                     **authorizer}
        self.security[name] = ("authorizer", authorizer_id)

    def _authorizer_fields(self, name: str, scheme: dict, extension: dict) -> dict:
        kind = str(extension.get("type") or ("jwt" if scheme.get("type") in (
            "oauth2", "openIdConnect") else "request")).lower()
        sources = extensions.identity_sources(extension.get("identitySource"))
        if kind == "jwt":
            jwt = mapping(extension.get("jwtConfiguration"))
            issuer = jwt.get("issuer")
            url = scheme.get("openIdConnectUrl")
            if issuer is None and isinstance(url, str):
                issuer = url[:-len(WELL_KNOWN)] if url.endswith(WELL_KNOWN) else url
            config: dict[str, Any] = {}
            if jwt.get("audience") is not None:
                config["Audience"] = extensions.strings(jwt["audience"], "audience")
            if issuer is not None:
                config["Issuer"] = str(issuer)
            return {"AuthorizerType": "JWT", "Name": name, "JwtConfiguration": config,
                    "IdentitySource": sources or [DEFAULT_JWT_SOURCE]}
        if kind != "request":
            raise BadRequestException(f"Invalid authorizer type specified: "
                                      f"{extension.get('type')}")
        if not sources and scheme.get("type") == "apiKey" and \
                scheme.get("name") not in (None, "", UNUSED) and \
                scheme.get("in") in ("header", "query"):
            place = "header" if scheme["in"] == "header" else "querystring"
            sources = [f"$request.{place}.{scheme['name']}"]
        authorizer: dict[str, Any] = {"AuthorizerType": "REQUEST", "Name": name,
                                      "AuthorizerResultTtlInSeconds": 0}
        if sources:
            authorizer["IdentitySource"] = sources
        for key, member in (("authorizerUri", "AuthorizerUri"),
                            ("authorizerCredentials", "AuthorizerCredentialsArn"),
                            ("authorizerPayloadFormatVersion",
                             "AuthorizerPayloadFormatVersion")):
            if extension.get(key) is not None:
                authorizer[member] = extensions.version_text(extension[key]) \
                    if key == "authorizerPayloadFormatVersion" else str(extension[key])
        if extension.get("authorizerResultTtlInSeconds") is not None:
            authorizer["AuthorizerResultTtlInSeconds"] = extensions.integer(
                extension["authorizerResultTtlInSeconds"], "authorizerResultTtlInSeconds")
        if extension.get("enableSimpleResponses") is not None:
            authorizer["EnableSimpleResponses"] = extension["enableSimpleResponses"] is True
        return authorizer

    # -- routes and integrations ----------------------------------------------------------

    def _paths(self) -> None:
        prefix = self._prefix()
        for path, item in mapping(self.root.get("paths")).items():
            item = self.doc.resolve(item)
            if not isinstance(item, dict):
                continue
            path = str(path) if str(path).startswith("/") else "/" + str(path)
            for key, operation in item.items():
                operation = self.doc.resolve(operation)
                if not isinstance(operation, dict):
                    continue
                if key == ANY_METHOD:
                    default = path == DEFAULT_PATH or operation.get("isDefaultRoute") is True
                    route_key = DEFAULT_ROUTE_KEY if default else \
                        f"ANY {_join(prefix, path)}"
                elif key in notes.OPERATIONS:
                    route_key = f"{key.upper()} {_join(prefix, path)}"
                else:
                    continue
                self._route(route_key, operation)

    def _prefix(self) -> str:
        """What the ``Basepath`` mode puts before every path: nothing (``ignore``), the
        server URL's path (``prepend``) or that path without its first segment
        (``split``)."""
        if self.basepath == "ignore":
            return ""
        base = self.doc.base_path().strip("/")
        if self.basepath == "split":
            base = base.partition("/")[2]
        return "/" + base if base else ""

    def _route(self, key: str, operation: dict) -> None:
        route: dict[str, Any] = {"ApiKeyRequired": False, "AuthorizationType": "NONE",
                                 "RouteKey": key}
        if isinstance(operation.get("operationId"), str | int | float):
            route["OperationName"] = str(operation["operationId"])
        if not self._security(route, operation):
            return
        try:
            routes.check_route(self.record, route, {})
        except ServiceError as error:
            self.warn(f"Unable to create route '{key}': {_sentence(error.message)} Ignoring.")
            return
        if operation.get(INTEGRATION) is not None:
            integration_id = self._integration(key, operation[INTEGRATION])
            if integration_id is not None:
                route["Target"] = f"integrations/{integration_id}"
        route_id = self.previous_routes.get(key) or self.call.new_id(
            ROUTE_ID_LENGTH, avoid={*self.record["routes"], *self.previous_routes.values()})
        self.record["routes"][route_id] = {"RouteId": route_id, **route, "routeResponses": {}}

    def _security(self, route: dict, operation: dict) -> bool:
        """The route's authorization from its security requirement; ``False`` (with a
        warning) when it names an authorizer that could not be created: AWS leaves such
        routes out rather than open."""
        requirements = operation.get("security", self.root.get("security"))
        named = [(str(name), scopes) for requirement in
                 (requirements if isinstance(requirements, list) else [])
                 for name, scopes in mapping(requirement).items()]
        if not named:
            return True
        if len(named) > 1:
            raise BadRequestException(
                f"Errors found during import:\n\tRoute '{route['RouteKey']}' has more than "
                "one security requirement; a route can have only one of IAM authorization, a "
                "Lambda authorizer, or a JWT authorizer")
        name, scopes = named[0]
        kind, authorizer_id = self.security.get(name, (None, None))
        if kind == FAILED:
            self.warn(f"Unable to create route '{route['RouteKey']}': its authorizer "
                      f"'{name}' could not be created. Ignoring.")
            return False
        if kind is None:
            self.warn(f"Unable to find security scheme '{name}' for route "
                      f"'{route['RouteKey']}'. Ignoring.")
        elif kind == "iam":
            route["AuthorizationType"] = "AWS_IAM"
        else:
            authorizer = self.record["authorizers"][authorizer_id]
            jwt = authorizer["AuthorizerType"] == "JWT"
            route["AuthorizationType"] = "JWT" if jwt else "CUSTOM"
            route["AuthorizerId"] = authorizer_id
            if jwt and isinstance(scopes, list) and scopes:
                route["AuthorizationScopes"] = [str(s) for s in scopes]
        return True

    def _integration(self, key: str, extension: Any) -> str | None:
        """The id of the integration of route ``key`` (a component's is made once)."""
        ref = extension.get("$ref") if isinstance(extension, dict) else None
        if isinstance(ref, str) and ref in self.shared:
            return self.shared[ref]
        integration_id = self._new_integration(key, self.doc.resolve(extension))
        if isinstance(ref, str):
            self.shared[ref] = integration_id
        return integration_id

    def _new_integration(self, key: str, extension: Any) -> str | None:
        path = key.partition(" ")[2] or key
        try:
            fields = extensions.integration_fields(extension, path)
            integration = integrations.new_integration(self.call, self.record, fields)
        except extensions.Malformed:
            raise
        except ServiceError as error:
            self.warn(f"Unable to create integration for resource at path '{key}': "
                      f"{_sentence(error.message)} Ignoring.")
            return None
        return integration["IntegrationId"]


def _limited(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise BadRequestException(f"Invalid API {what} specified: it must be at most {limit} "
                                  "characters long")
    return text


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return prefix if path == "/" else prefix + path


def _sentence(message: str) -> str:
    """``message`` ending with a full stop (AWS's warnings end with ``... Ignoring.``)."""
    return message if message.endswith(".") else message + "."

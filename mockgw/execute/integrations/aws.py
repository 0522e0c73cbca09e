"""AWS integrations (except Lambda's): a SigV4-signed request to the named AWS service.

The URI says what to call: ``arn:aws:apigateway:{region}:{subdomain.service|service}:``
then ``action/{Action}[&{p1}={v1}...]`` or ``path/{path}``.  The request is built as API
Gateway builds it (the integration request's method, mapped headers and query strings,
the rendered template as body), signed with botocore's SigV4 signer and sent to the
endpoint botocore resolves for the service (see :mod:`.aws_services`).  When that is AWS's
own endpoint (none configured), moto answers in this process (:mod:`.aws_local`): the
instance's other services, or moto's ``mock_aws``; then the call is made in the account of
the integration's ``credentials`` role, which must exist in IAM and trust API Gateway.
Otherwise it goes out over HTTP, signed with the credentials botocore finds in the
environment (placeholder ones when there are none).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import requests
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSPreparedRequest, AWSRequest
from botocore.hooks import first_non_none_response
from botocore.model import ServiceModel
from requests.structures import CaseInsensitiveDict

from mockgw.execute.context import IntegrationResult, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.execute.executionlog import log_endpoint_request
from mockgw.execute.integrations import aws_local, http
from mockgw.execute.integrations.aws_services import AwsServices, endpoint_variable
from mockgw.execute.variables import trace_id

log = logging.getLogger("mockgw.execute")

_URI = re.compile(r"^arn:aws[\w-]*:apigateway:(?P<region>[^:]*):(?P<host>[^:/]+)"
                  r":(?P<kind>path|action)/(?P<api>.*)$")
_BODYLESS = ("GET", "HEAD", "OPTIONS")
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


@dataclass(frozen=True, slots=True)
class ServiceUri:
    """The parts of an AWS integration URI."""

    region: str
    host: str  # ``{subdomain.service|service}``
    kind: str  # ``action`` or ``path``
    api: str  # the action (with its parameters), or the path

    @property
    def action(self) -> str:
        """``Action`` of ``action/Action&p1=v1``."""
        return self.api.partition("&")[0]

    @property
    def parameters(self) -> str:
        """``p1=v1`` of ``action/Action&p1=v1``."""
        return self.api.partition("&")[2]


def parse_uri(uri: str) -> ServiceUri | None:
    """The parts of ``arn:aws:apigateway:{region}:{service}:{action|path}/...``."""
    found = _URI.match(uri)
    return ServiceUri(**found.groupdict()) if found else None


def call(inv: Invocation) -> IntegrationResult:
    """Call the AWS service the integration names and return its answer as it is."""
    assert inv.integration_request is not None and inv.store is not None
    uri = parse_uri(inv.integration_request.uri)
    if uri is None:
        raise _configuration_error(f"Invalid AWS integration URI: {inv.integration_request.uri}")
    services = aws_services(inv)
    found = services.find(uri.host)
    if found is None:
        raise _configuration_error(f"AWS service {uri.host!r} of integration URI "
                                   f"{inv.integration_request.uri} is unknown to botocore")
    subdomain, model = found
    region = uri.region or inv.store.region
    client = services.client(model.service_name, region)
    request = _service_request(inv, uri, model, _base_url(client.meta.endpoint_url, subdomain,
                                                          model))
    return sign_and_send(inv, request, model, client, region,
                         operation=uri.action if uri.kind == "action" else None,
                         timeout=inv.integration.get("timeoutInMillis", 29000) / 1000,
                         credentials=inv.integration.get("credentials"))


def aws_services(inv: Invocation) -> AwsServices:
    """The instance's botocore session and clients for AWS integrations."""
    return inv.instance.service("execute.aws", lambda _: AwsServices())


def sign_and_send(inv: Invocation, request: AWSRequest, model: ServiceModel, client: Any,
                  region: str, *, operation: str | None, timeout: float,
                  credentials: str | None = None) -> IntegrationResult:
    """Sign ``request`` for ``model``'s service in ``region`` and send it: to moto in this
    process when no endpoint is configured for the service (:mod:`.aws_local`: as the
    ``credentials`` role's account, which IAM must let API Gateway assume), else first
    offered to the botocore client's ``before-send`` handlers, then over HTTP to the
    endpoint in its URL.  The service's answer as it is (REST and HTTP API service
    integrations alike)."""
    signing_name = model.signing_name or model.endpoint_prefix
    way = aws_local.local_way(inv, request.url)
    account = aws_local.call_account(inv, credentials) if way else None
    _signer(model, aws_services(inv), region).add_auth(request)
    prepared = request.prepare()
    log_endpoint_request(inv, prepared.url, prepared.headers, prepared.body)
    if way == aws_local.MOTO and account is not None:
        return aws_local.call_moto(inv, prepared, signing_name, account)
    event = f"before-send.{model.service_id.hyphenize()}"
    if operation:
        event += "." + operation
    answered = None
    if way == aws_local.MOCK_AWS and account is not None:
        answered = aws_local.call_mock_aws(prepared, event, account)
    if answered is None:
        answered = first_non_none_response(client.meta.events.emit(event, request=prepared))
    if answered is None:
        return _send(inv, prepared, model, timeout)
    return IntegrationResult(status=answered.status_code, headers=list(answered.headers.items()),
                             body=answered.content)


def _service_request(inv: Invocation, uri: ServiceUri, model: ServiceModel,
                     base_url: str) -> AWSRequest:
    """The request API Gateway sends to the service."""
    request = inv.integration_request
    assert request is not None
    method = request.method.upper()
    query: dict[str, list[str]] = {}
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    if uri.kind == "action":
        path = "/"
        query["Action"] = [uri.action]
        metadata = model.metadata
        if model.protocol == "json" and "awsQueryCompatible" not in metadata:
            headers["Content-Type"] = f"application/x-amz-json-{metadata.get('jsonVersion', '1.0')}"
            headers["X-Amz-Target"] = f"{metadata['targetPrefix']}.{uri.action}"
        else:  # the query protocol (SQS still takes it besides JSON)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            query["Version"] = [metadata["apiVersion"]]
        for name, value in parse_qsl(_substitute(uri.parameters, request.path),
                                     keep_blank_values=True):
            query.setdefault(name, []).append(value)
    else:
        path = "/" + _substitute(uri.api, request.path)
        client_type = inv.request.headers.get("content-type")
        if method not in _BODYLESS and client_type:
            headers["Content-Type"] = client_type
    query.update(request.query)
    headers.update(request.headers)
    headers.setdefault("Accept", "application/json")
    headers.setdefault("User-Agent", f"AmazonAPIGateway_{inv.api_id}")
    headers["X-Amzn-Trace-Id"] = inv.context.get("xrayTraceId") or trace_id(inv)
    parts = urlsplit(base_url)
    url = urlunsplit((parts.scheme, parts.netloc,
                      parts.path.rstrip("/") + quote(path, safe="/%:@!$&'()*+,;=-._~"),
                      urlencode(query, doseq=True, quote_via=quote, safe="-_.~"), ""))
    body = b"" if method in _BODYLESS else request.body
    return AWSRequest(method=method, url=url, headers=dict(headers.items()), data=body)


def _substitute(template: str, values: dict[str, str]) -> str:
    """``{name}`` and ``{name+}`` replaced by ``integration.request.path.name``."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value).replace("{" + name + "+}", value)
    return template


def _base_url(endpoint: str, subdomain: str, model: ServiceModel) -> str:
    """The endpoint with the URI's subdomain: in the host for AWS's endpoints; for an
    emulator's single host, S3's bucket subdomain becomes the first path segment (path
    style) and other subdomains are dropped."""
    if not subdomain:
        return endpoint
    parts = urlsplit(endpoint)
    if (parts.hostname or "").endswith(_AWS_HOSTS):
        return urlunsplit((parts.scheme, f"{subdomain}.{parts.netloc}", parts.path, "", ""))
    if model.endpoint_prefix == "s3":
        return urlunsplit((parts.scheme, parts.netloc, f"{parts.path.rstrip('/')}/{subdomain}",
                           "", ""))
    return endpoint


def _signer(model: ServiceModel, services: AwsServices, region: str) -> SigV4Auth:
    signing_name = model.signing_name or model.endpoint_prefix
    auth = S3SigV4Auth if model.signature_version in ("s3", "s3v4") else SigV4Auth
    return auth(services.credentials(), signing_name, region)


def _send(inv: Invocation, prepared: AWSPreparedRequest, model: ServiceModel,
          timeout: float) -> IntegrationResult:
    """Send the signed request over HTTP."""
    session = inv.instance.service("execute.http", http.session_factory)
    try:
        response = session.request(prepared.method, prepared.url,
                                   headers=dict(prepared.headers.items()), data=prepared.body,
                                   timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        raise GatewayError("INTEGRATION_TIMEOUT",
                           log="Execution failed due to a timeout error") from None
    except requests.RequestException as exc:
        variable = endpoint_variable(model)
        message = (f"Execution failed: could not reach {model.service_id} at "
                   f"{urlsplit(prepared.url).netloc} ({type(exc).__name__}). Set {variable} "
                   f"(or AWS_ENDPOINT_URL) to the endpoint of the service, e.g. a moto server "
                   f"or LocalStack.")
        log.warning("API %s: %s", inv.api_id, message)
        raise GatewayError("INTEGRATION_FAILURE", log=message) from None
    return IntegrationResult(status=response.status_code, headers=list(response.headers.items()),
                             body=response.content)


def _configuration_error(detail: str) -> GatewayError:
    message = f"Execution failed due to configuration error: {detail}"
    log.warning("%s", message)
    return GatewayError("INTEGRATION_FAILURE", log=message)

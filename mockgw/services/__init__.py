"""The AWS services mockgw does not implement itself (IAM, STS, Kinesis, SQS, SNS,
DynamoDB, S3, Step Functions, EventBridge, Cognito, CloudWatch Logs, ...), answered on the
same port by moto's backends.

Which service a request is for comes from the request itself, before the control plane:

* SigV4: the service of the credential scope (``Authorization: AWS4-HMAC-SHA256
  Credential=AKID/date/region/SERVICE/aws4_request``, or a presigned URL's
  ``X-Amz-Credential``); ``apigateway``, ``execute-api`` and ``lambda`` are mockgw's own;
* SigV2 (``Authorization: AWS AKID:...``, ``AWSAccessKeyId`` in the query): S3;
* unsigned requests moto can tell by their ``X-Amz-Target`` header (Cognito's unsigned
  operations), a form body's ``Action`` (STS ``AssumeRoleWith*``), a Cognito
  ``/.well-known/`` path, ``/moto-api/``, or a Host that names an AWS endpoint.

moto is imported on the first such request (:mod:`.moto_app`), so a server that is never
asked for another service never pays for it.  Accounts agree with mockgw's: the account
of the access key by mockgw's rule (:func:`mockgw.protocol.identity.account_of_key`)
reaches moto as ``x-moto-account-id``.  moto's state lives in the process (one state for
every mockgw application of the process); :func:`reset` clears it, and nothing of it is
persisted by ``--state-dir``.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING

from mockgw.protocol.identity import account_of_key, caller
from mockgw.protocol.wire import WireRequest, WireResponse

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance
    from mockgw.services.moto_app import MotoServices

#: Signing names of the services mockgw implements itself (apigatewayv2 signs as
#: ``apigateway``, apigatewaymanagementapi as ``execute-api``).
OWN_SIGNING_NAMES = frozenset({"apigateway", "execute-api", "lambda"})
#: mockgw's own services, as ``GET /_mockgw/health`` lists them.
OWN_SERVICES = ("apigateway", "apigatewayv2", "apigatewaymanagementapi", "lambda")
#: mockgw's services whose state ``--state-dir`` keeps (moto's state is never kept).
PERSISTED = ("apigateway", "apigatewayv2", "lambda")
#: moto backends mockgw never hands a request to (it serves them itself), or that are no
#: service of their own.
NOT_FROM_MOTO = frozenset({"apigateway", "apigatewayv2", "apigatewaymanagementapi",
                           "awslambda", "lambda_simple", "moto_api", "instance_metadata",
                           "dynamodb_v20111205"})
#: Any of the marks moto tells an unsigned request's service by.
UNSIGNED = ""

_SCOPE = re.compile(r"Credential=[^/,\s]*/\d{8}/[^/,\s]*/([^/,\s]+)/aws4_request")
_COGNITO_WELL_KNOWN = re.compile(r"^/[a-z]{2}(?:-[a-z]+)+-\d_\w+/\.well-known/")
_AWS_HOST = re.compile(r"^([a-z0-9.-]+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws)(?::\d+)?$",
                       re.IGNORECASE)
_OWN_HOST = re.compile(r"^(?:apigateway|lambda|[^.]+\.execute-api)\.", re.IGNORECASE)


def requested_service(request: WireRequest) -> str | None:
    """The signing name of the other AWS service ``request`` is for, :data:`UNSIGNED`
    when an unsigned request carries a mark moto tells its service by, or ``None``: a
    request for mockgw itself."""
    headers = request.headers
    auth = headers.get("authorization")
    if auth:
        if auth.startswith("AWS4-"):
            return _other(_SCOPE.search(auth))
        if auth.startswith("AWS "):
            return "s3"  # Signature Version 2: only S3 still takes it
        return None
    query = request.query
    if "X-Amz-Credential" in query:
        return _other(_SCOPE.search("Credential=" + query["X-Amz-Credential"][-1]))
    if "AWSAccessKeyId" in query and "Signature" in query:
        return "s3"
    if "x-amz-target" in headers or request.path.startswith("/moto-api/") \
            or _COGNITO_WELL_KNOWN.match(request.path):
        return UNSIGNED
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded") \
            and re.search(rb"(?:^|&)Action=", request.body):
        return UNSIGNED
    host = request.host
    if _AWS_HOST.match(host) and not _OWN_HOST.match(host):
        return UNSIGNED
    return None


def _signature_v2_key(request: WireRequest) -> str | None:
    """The access key of a Signature Version 2 request (S3's legacy signing)."""
    auth = request.headers.get("authorization", "")
    if auth.startswith("AWS "):
        return auth[4:].partition(":")[0].strip()
    keys = request.query.get("AWSAccessKeyId")
    return keys[-1] if keys else None


def _other(scope: re.Match[str] | None) -> str | None:
    if scope is None:
        return None
    service = scope.group(1).lower()
    return None if service in OWN_SIGNING_NAMES else service


def enabled(instance: Instance) -> bool:
    """Whether ``instance`` answers other services with moto's backends."""
    return instance.settings.other_services


def answer(instance: Instance, request: WireRequest, service: str, *,
           account: str | None = None) -> WireResponse | None:
    """moto's answer to ``request`` for ``service`` (a :func:`requested_service`), made
    in ``account`` (by default the access key's, by mockgw's rule); an error saying why it
    is not served, or ``None`` for an unsigned request moto cannot place (mockgw answers
    it)."""
    settings = instance.settings
    if not enabled(instance):
        return None if service == UNSIGNED else not_served(
            request, service, "other AWS services are turned off (MOCKGW_OTHER_SERVICES=0, "
                              "or mockgw serve --no-other-services)")
    try:
        moto = backends(settings.seed)
    except ImportError as exc:
        return None if service == UNSIGNED else not_served(
            request, service, f"moto cannot be imported ({exc}); pip install 'moto[server]'")
    found, region, _key = caller(request.headers, request.query,
                                 default_account=settings.account,
                                 default_region=settings.region)
    if account is None:
        key = _signature_v2_key(request)
        account = found if key is None else account_of_key(key, settings.account)
    answered = moto.answer(request, account, service=service, region=region)
    if answered is None and service != UNSIGNED:
        return not_served(request, service, f"moto {moto.version} implements no such service")
    return answered


def not_served(request: WireRequest, service: str, why: str) -> WireResponse:
    """501 ``NotImplemented`` naming the service and why, as XML or JSON by what the
    request speaks (botocore reads both)."""
    message = f"mockgw does not serve the AWS service {service!r}: {why}"
    kind = request.headers.get("content-type", "")
    if "json" in kind or "x-amz-target" in request.headers:
        return WireResponse(501, [("Content-Type", "application/x-amz-json-1.1"),
                                  ("x-amzn-ErrorType", "NotImplemented")],
                            json.dumps({"__type": "NotImplemented",
                                        "message": message}).encode())
    text = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code>"
            f"<Message>{text}</Message></Error><RequestId>0</RequestId></ErrorResponse>")
    return WireResponse(501, [("Content-Type", "text/xml"),
                              ("x-amzn-ErrorType", "NotImplemented")], body.encode())


def backends(seed: int | None = None) -> MotoServices:
    """moto's services of this process (imported on first use, then seeded with ``seed``
    if given; ImportError without moto)."""
    from mockgw.services.moto_app import shared

    return shared(seed)


def loaded() -> bool:
    """Whether moto's services have been loaded in this process."""
    module = sys.modules.get("mockgw.services.moto_app")
    return module is not None and module.loaded()


def reset(instance: Instance) -> None:
    """Clear moto's state, when ``instance`` serves other services and moto is loaded."""
    if enabled(instance) and loaded():
        moto = backends()
        moto.reset()
        if instance.settings.seed is not None:
            moto.seed(instance.settings.seed)


def served(instance: Instance) -> list[str]:
    """Every service ``instance`` answers: mockgw's own, then moto's (by moto's names)."""
    names = list(OWN_SERVICES)
    if enabled(instance):
        from mockgw.services.catalog import moto_services

        names += [name for name in moto_services() if name not in NOT_FROM_MOTO]
    return names


def describe(instance: Instance) -> dict[str, object]:
    """``otherServices`` of ``GET /_mockgw/health``: who answers the other services,
    whether they are on and loaded, and that their state is not persisted."""
    from mockgw.services.catalog import moto_version

    return {"enabled": enabled(instance), "servedBy": "moto", "motoVersion": moto_version(),
            "loaded": loaded(), "persisted": False}


__all__ = ["OWN_SERVICES", "PERSISTED", "answer", "backends", "describe", "enabled", "not_served",
           "requested_service", "reset", "served"]

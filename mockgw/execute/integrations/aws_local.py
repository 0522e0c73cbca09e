"""AWS integrations answered in this process by moto, and as whom they call.

An AWS integration's request goes to the endpoint botocore resolves for its service.  When
that is AWS's own (no ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL`` or config-file
endpoint is set), moto answers it in this process instead:

* :data:`MOTO`: the instance serves the other AWS services itself (``mockgw serve``,
  ``create_app``: :mod:`mockgw.services`), so the request goes to moto's backends without
  a socket — the state a boto3 client pointed at mockgw sees;
* :data:`MOCK_AWS`: moto's ``mock_aws`` is active (in-process tests), so its
  ``before-send`` handler answers.

Calls that moto answers are made as API Gateway makes them: as the integration's
``credentials`` role, which must exist in IAM and trust ``apigateway.amazonaws.com`` (else
AWS's "Execution failed due to configuration error: API Gateway does not have permission
to assume the provided role ..."), in that role's account; ``arn:aws:iam::*:user/*`` (the
caller's credentials) calls in the caller's account, and no role in the API's.
"""

from __future__ import annotations

import logging
import sys
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from botocore.awsrequest import AWSPreparedRequest

from mockgw import services
from mockgw.execute.context import IntegrationResult, Invocation
from mockgw.execute.errors import GatewayError
from mockgw.protocol.wire import WireRequest
from mockgw.services import roles

log = logging.getLogger("mockgw.execute")

MOTO = "moto"
MOCK_AWS = "mock_aws"
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


def local_way(inv: Invocation, url: str) -> str | None:
    """:data:`MOTO` or :data:`MOCK_AWS` when moto answers a request to ``url`` in this
    process, ``None`` when it goes out over HTTP (an endpoint is configured, or nothing
    local serves AWS)."""
    host = urlsplit(url).hostname or ""
    if not host.endswith(_AWS_HOSTS):
        return None  # AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL / config: as configured
    if services.enabled(inv.instance):
        return MOTO
    if mock_aws_active():
        return MOCK_AWS
    return None


def mock_aws_active() -> bool:
    """Whether moto's ``mock_aws`` is active in this process."""
    models = sys.modules.get("moto.core.models")
    return models is not None and bool(getattr(models.botocore_stubber, "enabled", False))


def call_account(inv: Invocation, credentials: str | None) -> str:
    """The account a call moto answers is made in; a configuration error (500) when API
    Gateway cannot assume the ``credentials`` role."""
    assert inv.store is not None
    if credentials:
        account = roles.role_account(credentials)
        if account is not None:
            refusal = roles.assume_refusal(credentials)
            if refusal is not None:
                message = ("Execution failed due to configuration error: API Gateway does not "
                           f"have permission to assume the provided role {credentials}")
                log.warning("API %s: %s (%s in IAM)", inv.api_id, message, refusal)
                raise GatewayError("INTEGRATION_FAILURE", log=message)
            return account
        if credentials.endswith(":user/*"):  # the caller's own credentials
            caller = (inv.context.get("identity") or {}).get("accountId")
            if caller:
                return caller
    return inv.store.account


def call_mock_aws(prepared: AWSPreparedRequest, event: str, account: str) -> Any:
    """``mock_aws``'s answer (a botocore ``AWSResponse``, ``None`` if it has none) to the
    signed request, made in ``account`` — asked directly, so clients made before moto was
    imported do not matter."""
    prepared.headers["x-moto-account-id"] = account
    models = sys.modules.get("moto.core.models")
    if models is None:  # pragma: no cover - only chosen while mock_aws is active
        return None
    return models.botocore_stubber(event_name=event, request=prepared)


def call_moto(inv: Invocation, prepared: AWSPreparedRequest, signing_name: str,
              account: str) -> IntegrationResult:
    """Send the signed request to moto's backends in this process, as ``account``."""
    parts = urlsplit(prepared.url)
    items = [(str(k), v.decode() if isinstance(v, bytes) else str(v))
             for k, v in prepared.headers.items()]
    if "host" not in {k.lower() for k, _ in items}:
        items.append(("Host", parts.netloc))
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read()
    request = WireRequest(method=prepared.method, path=parts.path or "/", query=query,
                          headers={k.lower(): v for k, v in items}, body=body,
                          query_string=parts.query, header_items=items, scheme=parts.scheme)
    answer = services.answer(inv.instance, request, signing_name, account=account)
    if answer is None:  # pragma: no cover - a signed request always gets an answer
        answer = services.not_served(request, signing_name, "moto cannot place it")
    return IntegrationResult(status=answer.status, headers=list(answer.headers),
                             body=answer.body)

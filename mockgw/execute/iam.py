"""AWS_IAM authorization: Signature Version 4 for ``execute-api``, checked with botocore.

A method whose ``authorizationType`` is ``AWS_IAM`` needs a request signed for the
service ``execute-api`` in the API's region, dated within five minutes of the instance
clock.  mockgw knows the credentials of ``Settings.iam_credentials``
(``AKID:SECRET[:ARN],...``, env ``MOCKGW_IAM_CREDENTIALS``): for those, botocore's signer
recomputes the signature from the request and it must match.  Any other access key is
accepted when its signature is well formed (its secret is unknown), unless
``Settings.strict_iam`` (``MOCKGW_STRICT_IAM=1``) refuses keys mockgw does not know.

The caller reaches ``$context.identity``: ``accessKey``; ``accountId`` (a 12-digit access
key is the account, a key moto's IAM or STS issued is its account's, any other key means
``Settings.account``); ``caller`` and ``user`` (the access key); ``userArn`` (the
configured ARN, else ``arn:aws:iam::{account}:user/{access key}``).

A request may carry its signature in the query string instead of a header (a presigned
URL: ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-SignedHeaders``,
``X-Amz-Signature``, optionally ``X-Amz-Expires``), as browsers must for a WebSocket
``$connect``; it is valid from five minutes before its date until ``X-Amz-Expires``
seconds after it (five minutes when absent).
"""

from __future__ import annotations

import functools
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from mockgw.execute.context import Invocation
from mockgw.execute.errors import GatewayError
from mockgw.protocol.identity import account_of_key
from mockgw.protocol.wire import WireRequest
from mockgw.settings import Settings

SERVICE = "execute-api"
ALGORITHM = "AWS4-HMAC-SHA256"
CLOCK_SKEW = timedelta(minutes=5)

_SIGNATURE = re.compile(r"^[0-9a-f]{64}$")
_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
             "Check your AWS Secret Access Key and signing method. Consult the service "
             "documentation for details.\n\nThe Canonical String for this request should "
             "have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{to_sign}'\n")


@dataclass(frozen=True, slots=True)
class Known:
    """A credential mockgw knows: its secret and, optionally, the principal's ARN."""

    secret: str
    arn: str | None = None


@functools.lru_cache(maxsize=32)
def known_credentials(text: str) -> dict[str, Known]:
    """``AKID:SECRET[:ARN],...`` as ``{access key: Known}`` (malformed entries skipped)."""
    known = {}
    for entry in text.split(","):
        key, _, rest = entry.strip().partition(":")
        secret, _, arn = rest.partition(":")
        if key and secret:
            known[key] = Known(secret, arn or None)
    return known


@dataclass(frozen=True, slots=True)
class Authorization:
    """The parts of a SigV4 ``Authorization`` header."""

    access_key: str
    date: str  # YYYYMMDD of the credential scope
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str  # X-Amz-Date (or Date) in SigV4's basic ISO-8601 form
    expires: int | None = None  # X-Amz-Expires of a presigned URL
    presigned: bool = False


def _incomplete(message: str) -> GatewayError:
    return GatewayError("INVALID_SIGNATURE", message, error_type="IncompleteSignatureException",
                        log=f"IAM authorization failed: {message}")


def _invalid(message: str, error_type: str = "InvalidSignatureException") -> GatewayError:
    return GatewayError("INVALID_SIGNATURE", message, error_type=error_type,
                        log=f"IAM authorization failed: {message}")


def parse_authorization(value: str, headers: dict[str, str]) -> Authorization:
    """The SigV4 parts of an ``Authorization`` header, or AWS's IncompleteSignature error."""
    algorithm, _, rest = value.strip().partition(" ")
    fields: dict[str, str] = {}
    if algorithm == ALGORITHM:
        for part in (p.strip() for p in rest.split(",")):
            name, equals, field_value = part.partition("=")
            if not equals:
                raise _incomplete(f"'{part}' not a valid key=value pair (missing equal-sign) "
                                  f"in Authorization header: '{value}'.")
            fields[name] = field_value
    missing = [f"Authorization header requires '{name}' parameter."
               for name in ("Credential", "Signature", "SignedHeaders") if name not in fields]
    if "x-amz-date" not in headers and "date" not in headers:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or "
                       "a 'Date' header.")
    if missing:
        raise _incomplete(" ".join(missing) + f" Authorization={value}")
    scope, signed = _scope(fields["Credential"], fields["SignedHeaders"])
    return Authorization(scope[0], scope[1], scope[2], scope[3], signed, fields["Signature"],
                         _timestamp(headers))


PRESIGNED = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders",
             "X-Amz-Signature")


def is_presigned(request: WireRequest) -> bool:
    """Whether ``request`` carries a SigV4 signature in its query string."""
    return "X-Amz-Signature" in request.query or "X-Amz-Algorithm" in request.query


def parse_presigned(query: dict[str, list[str]]) -> Authorization:
    """The SigV4 parts of a presigned URL's query string, or AWS's IncompleteSignature
    error."""
    fields = {name: values[0] for name, values in query.items()
              if name.startswith("X-Amz-") and values}
    missing = [name for name in PRESIGNED if name not in fields]
    if missing:
        raise _incomplete("AWS query-string parameters must include "
                          + ", ".join(f"'{name}'" for name in missing) + ". Re-examine the "
                          "query-string parameters.")
    if fields["X-Amz-Algorithm"] != ALGORITHM:
        raise _incomplete(f"Unsupported AWS 'algorithm': '{fields['X-Amz-Algorithm']}'")
    expires = fields.get("X-Amz-Expires")
    if expires is not None and not (expires.isdigit() and 0 < int(expires) <= 604800):
        raise _incomplete("X-Amz-Expires must be a number of seconds between 1 and 604800, "
                          f"got '{expires}'")
    scope, signed = _scope(fields["X-Amz-Credential"], fields["X-Amz-SignedHeaders"])
    timestamp = fields["X-Amz-Date"]
    try:
        datetime.strptime(timestamp, SIGV4_TIMESTAMP)
    except ValueError:
        raise _incomplete(f"Date must be in ISO-8601 'basic format'. Got '{timestamp}'. See "
                          "http://en.wikipedia.org/wiki/ISO_8601") from None
    return Authorization(scope[0], scope[1], scope[2], scope[3], signed,
                         fields["X-Amz-Signature"], timestamp,
                         int(expires) if expires is not None else None, presigned=True)


def _scope(credential: str, signed_headers: str) -> tuple[list[str], tuple[str, ...]]:
    """The five parts of a credential scope and the signed header names, checked."""
    scope = credential.split("/")
    if len(scope) != 5:
        raise _incomplete("Credential must have exactly 5 slash-delimited elements, e.g. "
                          f"keyid/date/region/service/term, got '{credential}'")
    if scope[4] != "aws4_request":
        raise _invalid("Credential should be scoped with a valid terminator: 'aws4_request', "
                       f"not '{scope[4]}'. ")
    signed = tuple(h.strip().lower() for h in signed_headers.split(";") if h.strip())
    if "host" not in signed:
        raise _incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                          "Authorization.")
    return scope, signed


def _timestamp(headers: dict[str, str]) -> str:
    """The request's date as ``YYYYMMDDTHHMMSSZ`` (``X-Amz-Date``, else ``Date``)."""
    raw = headers.get("x-amz-date")
    if raw is not None:
        try:
            datetime.strptime(raw, SIGV4_TIMESTAMP)
        except ValueError:
            raise _incomplete(f"Date must be in ISO-8601 'basic format'. Got '{raw}'. See "
                              "http://en.wikipedia.org/wiki/ISO_8601") from None
        return raw
    try:
        return parsedate_to_datetime(headers["date"]).astimezone(UTC).strftime(SIGV4_TIMESTAMP)
    except (TypeError, ValueError):
        raise _incomplete(f"Date must be in ISO-8601 'basic format'. Got '{headers['date']}'. "
                          "See http://en.wikipedia.org/wiki/ISO_8601") from None


def check_fresh(timestamp: str, now: float, expires: int | None = None) -> None:
    """AWS's five-minute window around the instance clock (``expires`` seconds after the
    signing date, for a presigned URL that says so)."""
    signed = datetime.strptime(timestamp, SIGV4_TIMESTAMP).replace(tzinfo=UTC)
    current = datetime.fromtimestamp(int(now), UTC)
    if expires is not None:
        if current > signed + timedelta(seconds=expires):
            raise _invalid(f"Signature expired: {timestamp} is now earlier than "
                           f"{_basic(current - timedelta(seconds=expires))} ({_basic(current)}"
                           f" - {expires} sec.)")
    elif signed < current - CLOCK_SKEW:
        raise _invalid(f"Signature expired: {timestamp} is now earlier than "
                       f"{_basic(current - CLOCK_SKEW)} ({_basic(current)} - 5 min.)")
    if signed > current + CLOCK_SKEW:
        raise _invalid(f"Signature not yet current: {timestamp} is still later than "
                       f"{_basic(current + CLOCK_SKEW)} ({_basic(current)} + 5 min.)")


def _basic(moment: datetime) -> str:
    return moment.strftime(SIGV4_TIMESTAMP)


class _Signer(SigV4Auth):
    """botocore's SigV4 signer over exactly the headers the client signed."""

    def __init__(self, auth: Authorization, secret: str, headers: HTTPHeaders) -> None:
        super().__init__(Credentials(auth.access_key, secret), auth.service, auth.region)
        self._signed = headers

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        return self._signed


def signature_of(request: WireRequest, auth: Authorization,
                 secret: str) -> tuple[str, str, str]:
    """``(canonical request, string to sign, signature)`` of ``request`` signed by ``auth``'s
    access key with ``secret``."""
    signed = HTTPHeaders()
    for name, value in request.header_items:
        if name.lower() in auth.signed_headers:
            signed[name.lower()] = value
    url = f"{request.scheme}://{request.host or 'localhost'}{request.path}"
    query = request.query_string
    if auth.presigned:  # the signature signs every query parameter but itself
        query = "&".join(pair for pair in query.split("&")
                         if pair.partition("=")[0] != "X-Amz-Signature")
    if query:
        url += "?" + query
    aws_request = AWSRequest(method=request.method, url=url,
                             headers=dict(request.header_items), data=request.body)
    aws_request.context["timestamp"] = auth.timestamp
    signer = _Signer(auth, secret, signed)
    canonical = signer.canonical_request(aws_request)
    to_sign = signer.string_to_sign(aws_request, canonical)
    return canonical, to_sign, signer.signature(to_sign, aws_request)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signed a request."""

    access_key: str
    account: str
    user_arn: str


def verify(request: WireRequest, *, service: str, region: str, settings: Settings,
           now: float) -> Caller:
    """The caller of a SigV4-signed ``request`` for ``service`` in ``region``; a
    :class:`GatewayError` (``MISSING_AUTHENTICATION_TOKEN``, ``INVALID_SIGNATURE``) when the
    request is unsigned or its signature does not hold."""
    header = request.headers.get("authorization")
    if header:
        auth = parse_authorization(header, request.headers)
    elif is_presigned(request):
        auth = parse_presigned(request.query)
    else:
        raise GatewayError("MISSING_AUTHENTICATION_TOKEN", log="No Authorization header")
    if auth.service != service:
        raise _invalid(f"Credential should be scoped to correct service: '{service}'. ")
    if auth.region != region:
        raise _invalid(f"Credential should be scoped to a valid region, not '{auth.region}'. ")
    if auth.date != auth.timestamp[:8]:
        raise _invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                       f"of date from HTTP: '{auth.date}' != '{auth.timestamp[:8]}', from "
                       f"'{auth.timestamp}'.")
    check_fresh(auth.timestamp, now, auth.expires)
    known = known_credentials(settings.iam_credentials).get(auth.access_key)
    if known is None and settings.strict_iam:
        raise _invalid("The security token included in the request is invalid.",
                       "UnrecognizedClientException")
    canonical, to_sign, signature = signature_of(request, auth, known.secret if known else "")
    matches = (hmac.compare_digest(signature, auth.signature) if known
               else bool(_SIGNATURE.match(auth.signature)))
    if not matches:
        raise _invalid(_MISMATCH.format(canonical=canonical, to_sign=to_sign))
    account = account_of_key(auth.access_key, settings.account)
    return Caller(auth.access_key, account,
                  (known and known.arn) or f"arn:aws:iam::{account}:user/{auth.access_key}")


def authenticate_iam(inv: Invocation) -> None:
    """``AWS_IAM`` methods: verify the SigV4 signature and put the caller in
    ``$context.identity``."""
    assert inv.method is not None and inv.store is not None
    if inv.method.get("authorizationType") != "AWS_IAM":
        return
    inv.context["identity"].update(verify_caller(inv))


def verify_caller(inv: Invocation) -> dict[str, str]:
    """The ``$context.identity`` fields of the caller of a request signed with SigV4 for
    ``execute-api`` in the API's region (``accessKey``, ``accountId``, ``caller``,
    ``user``, ``userArn``); raises AWS's errors when it is unsigned or does not hold."""
    assert inv.store is not None
    caller = verify(inv.request, service=SERVICE, region=inv.store.region,
                    settings=inv.instance.settings, now=inv.instance.clock())
    return {"accessKey": caller.access_key, "accountId": caller.account,
            "caller": caller.access_key, "user": caller.access_key,
            "userArn": caller.user_arn}

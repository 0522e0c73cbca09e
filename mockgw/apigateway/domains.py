"""Custom domain names: how they are stored, and routing a request through them.

Table ``apigateway.domainnames`` holds one record per domain name, keyed by the name (or
``{name}+{domainNameId}`` for a private domain name, as its ARN spells it)::

    {"domain": {...DomainName fields...},
     "basePathMappings": {basePath: {"basePath", "restApiId", "stage"?}}}

A mapping without a base path is stored under ``(none)``, as AWS names it.
:func:`resolve_custom_domain` is the pure lookup the data plane routes custom-domain
requests with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from mockgw.errors import NotFoundException
from mockgw.operations import Call
from mockgw.state.backends import RegionStore

DOMAINNAMES = "apigateway.domainnames"
NO_BASE_PATH = "(none)"

#: The hosted zone of every CloudFront distribution (edge-optimized domain names).
CLOUDFRONT_HOSTED_ZONE = "Z2FDTNDATAQYW2"

#: Route 53 hosted zone ids of the regional ``execute-api`` endpoints, as AWS publishes
#: them ("Amazon API Gateway endpoints and quotas" in the AWS General Reference).
REGIONAL_HOSTED_ZONES = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "af-south-1": "Z2DHW2332DAMTN",
    "ap-east-1": "Z3FD1VL90ND7K5",
    "ap-south-1": "Z3VO1THU9YC4UR",
    "ap-south-2": "Z0853509Q1135NJ66RUH",
    "ap-northeast-1": "Z1YSHQZHG15GKL",
    "ap-northeast-2": "Z20JF4UZKIW1U8",
    "ap-northeast-3": "Z22ILHG95FLSZ2",
    "ap-southeast-1": "ZL327KTPIQFUL",
    "ap-southeast-2": "Z2RPCDW04V8134",
    "ap-southeast-3": "Z10132843TYUYSLUG4HA3",
    "ap-southeast-4": "Z092189423Y7RJK61311D",
    "ap-southeast-5": "Z0314042F0KBUTZ3X5HF",
    "ca-central-1": "Z19DQILCV0OWEC",
    "ca-west-1": "Z04745493436AWVTG1OQY",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "eu-central-2": "Z09222482MK253X48U76H",
    "eu-west-1": "ZLY8HYME6SFDCH",
    "eu-west-2": "ZJ5UAJN8Y3Z2Q",
    "eu-west-3": "Z3KY65QIEKYHQQ",
    "eu-north-1": "Z3UWIKFBOOGXPP",
    "eu-south-1": "Z3BT4WSQ9TDYZV",
    "eu-south-2": "Z02499852UI5HEQ5JVWX3",
    "il-central-1": "Z07264553HBI44N5X2CKP",
    "me-south-1": "Z20ZBPC0SS8806",
    "me-central-1": "Z08780021BKYYY8U0YHTV",
    "sa-east-1": "ZCMLWB8V5SYIT",
    "us-gov-east-1": "Z3SE9ATJYCRCZJ",
    "us-gov-west-1": "Z1K6XKP9SAGWDV",
}

DOMAIN_NOT_FOUND = "Invalid domain name identifier specified"


def domain_key(name: str, domain_id: str | None = None) -> str:
    """The table key of a domain name (private ones carry their id)."""
    return f"{name}+{domain_id}" if domain_id else name


def domain_names(call: Call) -> dict[str, dict]:
    return call.store.table(DOMAINNAMES)


def domain_record(call: Call, name: str, domain_id: str | None = None) -> dict:
    """The record of a domain name, or AWS's ``NotFoundException``."""
    record = domain_names(call).get(domain_key(name, domain_id))
    if record is None:
        raise NotFoundException(DOMAIN_NOT_FOUND)
    return record


def domain_arn(region: str, account: str, name: str, domain_id: str | None = None) -> str:
    """A domain name's ARN: private ones name their account and id, public ones neither."""
    if domain_id:
        return f"arn:aws:apigateway:{region}:{account}:/domainnames/{name}+{domain_id}"
    return f"arn:aws:apigateway:{region}::/domainnames/{name}"


# -- routing (data plane) ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CustomDomainRoute:
    """Where a request to a custom domain name goes.

    ``api_id`` is ``None`` when the host is a custom domain name but no base path mapping
    matches the path (AWS answers 403 ``Forbidden``).  ``stage`` is ``None`` when the
    mapping names no stage: the first segment of ``path`` is then the stage.  ``path`` is
    the raw path left after the base path, starting with ``/``.
    """

    account: str
    region: str
    domain_name: str
    base_path: str | None
    api_id: str | None
    stage: str | None
    path: str


def resolve_custom_domain(stores: Iterable[RegionStore], host: str,
                          raw_path: str) -> CustomDomainRoute | None:
    """Route ``host`` + ``raw_path`` through the custom domain names in ``stores``.

    The host names a domain exactly, or else through the most specific wildcard domain
    (``*.example.com``); the longest base path that is a whole-segment prefix of the path
    wins, and a mapping without a base path matches any path.  When several stores name
    the host equally well (the same name in two regions), the first store wins.  ``None``
    when no store has a domain name for ``host``.
    """
    wanted = _host_name(host)
    best: tuple[int, RegionStore, dict] | None = None
    for store in stores:
        table = store.tables.get(DOMAINNAMES)
        if not table:
            continue
        for record in list(table.values()):
            score = _host_score(record["domain"]["domainName"].lower(), wanted)
            if score is not None and (best is None or score > best[0]):
                best = (score, store, record)
    if best is None:
        return None
    _, store, record = best
    domain = record["domain"]["domainName"]
    path = raw_path or "/"
    segments = [unquote(s) for s in path.split("/")[1:]]
    chosen: tuple[int, dict] | None = None
    for mapping in list(record["basePathMappings"].values()):
        base = mapping["basePath"]
        parts = [] if base == NO_BASE_PATH else base.strip("/").split("/")
        if segments[:len(parts)] == parts and (chosen is None or len(parts) > chosen[0]):
            chosen = (len(parts), mapping)
    if chosen is None:
        return CustomDomainRoute(store.account, store.region, domain, None, None, None, path)
    depth, mapping = chosen
    rest = "/" + "/".join(path.split("/")[1 + depth:]) if depth else path
    return CustomDomainRoute(store.account, store.region, domain, mapping["basePath"],
                             mapping["restApiId"], mapping.get("stage"), rest)


def _host_name(host: str) -> str:
    name = host.strip().lower()
    if not name.startswith("["):
        name = name.split(":", 1)[0]
    return name.rstrip(".")


def _host_score(domain: str, host: str) -> int | None:
    """How specifically ``domain`` names ``host``: exact beats any wildcard, a longer
    wildcard beats a shorter one; ``None`` if it does not name it."""
    if domain == host:
        return 1 << 16
    if domain.startswith("*.") and host.endswith(domain[1:]) and len(host) > len(domain) - 1:
        return len(domain)
    return None

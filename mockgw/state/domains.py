"""Custom domain names in state: the table layout, and routing a request through them.

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

from mockgw.state.backends import RegionStore

DOMAINNAMES = "apigateway.domainnames"
NO_BASE_PATH = "(none)"


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

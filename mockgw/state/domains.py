"""Custom domain names in state: the table layout, and routing a request through them.

Custom domain names are one set shared by the REST (``apigateway``) and the HTTP/WebSocket
(``apigatewayv2``) control planes, as on AWS.  Table ``apigateway.domainnames`` holds one
record per domain name, keyed by the name (or ``{name}+{domainNameId}`` for a private
domain name, as its ARN spells it)::

    {"domain": {...DomainName fields, as the apigateway model names them...},
     "basePathMappings": {basePath: {"basePath", "restApiId", "stage"?, "apiMappingId"}},
     "routingRules": {routingRuleId: {...RoutingRule fields, as apigatewayv2 names them}}}

A base path mapping and an API mapping are two views of one mapping: ``basePath`` is the
API mapping key (``(none)``, as AWS names it, for the empty one; several levels such as
``orders/v1`` when created through apigatewayv2), ``restApiId`` the id of whatever API it
maps (REST, HTTP or WebSocket) and ``apiMappingId`` its apigatewayv2 id.  ``routingRules``
is absent until a rule is created.

:func:`resolve_custom_domain` is the pure lookup the data plane routes custom-domain
requests with: routing rules and/or mappings, as the domain's ``routingMode`` says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from mockgw.state.backends import RegionStore

DOMAINNAMES = "apigateway.domainnames"
NO_BASE_PATH = "(none)"
RESTAPIS = "apigateway.restapis"
V2_APIS = "apigatewayv2.apis"

#: Routing modes as the apigateway model names them (apigatewayv2 says API_MAPPING for
#: BASE_PATH_MAPPING).
BASE_PATH_MAPPING_ONLY = "BASE_PATH_MAPPING_ONLY"
ROUTING_RULE_ONLY = "ROUTING_RULE_ONLY"
ROUTING_RULE_THEN_BASE_PATH_MAPPING = "ROUTING_RULE_THEN_BASE_PATH_MAPPING"


@dataclass(frozen=True, slots=True)
class CustomDomainRoute:
    """Where a request to a custom domain name goes.

    ``api_id`` is ``None`` when the host is a custom domain name but no routing rule or
    mapping matches the request (AWS answers 403 ``Forbidden``).  ``stage`` is ``None``
    when the mapping names no stage: the first segment of ``path`` is then the stage.
    ``path`` is the raw path left after the base path, starting with ``/`` (the whole path
    when a routing rule does not strip its base path).  ``api_type`` is ``REST``, ``HTTP``
    or ``WEBSOCKET`` (the data plane that serves the API); ``routing_rule_id`` names the
    routing rule that chose the API, if one did.
    """

    account: str
    region: str
    domain_name: str
    base_path: str | None
    api_id: str | None
    stage: str | None
    path: str
    api_type: str = "REST"
    routing_rule_id: str | None = None


def resolve_custom_domain(stores: Iterable[RegionStore], host: str, raw_path: str,
                          headers: Mapping[str, str] | None = None) -> CustomDomainRoute | None:
    """Route ``host`` + ``raw_path`` (+ ``headers``, lowercase names) through the custom
    domain names in ``stores``.

    The host names a domain exactly, or else through the most specific wildcard domain
    (``*.example.com``); when several stores name the host equally well (the same name in
    two regions), the first store wins.  Then, as the domain's routing mode says, its
    routing rules are tried in priority order (the first whose conditions all hold wins)
    and/or its mappings: the longest base path that is a whole-segment prefix of the path
    wins, and a mapping without a base path matches any path.  ``None`` when no store has
    a domain name for ``host``.
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
    mode = record["domain"].get("routingMode") or BASE_PATH_MAPPING_ONLY
    if mode != BASE_PATH_MAPPING_ONLY:
        found = _matching_rule(record.get("routingRules") or {}, segments, headers or {})
        if found is not None:
            rule, depth, base = found
            action = rule["Actions"][0]["InvokeApi"]
            strip = depth if action.get("StripBasePath") else 0
            return CustomDomainRoute(store.account, store.region, domain, base,
                                     action["ApiId"], action["Stage"], _rest(path, strip),
                                     _api_type(store, action["ApiId"]),
                                     rule["RoutingRuleId"])
        if mode == ROUTING_RULE_ONLY:
            return CustomDomainRoute(store.account, store.region, domain, None, None, None,
                                     path)
    chosen: tuple[int, dict] | None = None
    for mapping in list(record["basePathMappings"].values()):
        parts = base_path_segments(mapping["basePath"])
        if segments[:len(parts)] == parts and (chosen is None or len(parts) > chosen[0]):
            chosen = (len(parts), mapping)
    if chosen is None:
        return CustomDomainRoute(store.account, store.region, domain, None, None, None, path)
    depth, mapping = chosen
    return CustomDomainRoute(store.account, store.region, domain, mapping["basePath"],
                             mapping["restApiId"], mapping.get("stage"), _rest(path, depth),
                             _api_type(store, mapping["restApiId"]))


def new_api_mapping_id(new_id: Callable[..., str], record: dict) -> str:
    """A fresh API mapping id for a mapping of the domain ``record`` (``new_id`` is the
    call's id generator, so persistence replays it)."""
    taken = {m.get("apiMappingId") for m in record["basePathMappings"].values()}
    return new_id(6, avoid=taken)


def base_path_segments(base_path: str) -> list[str]:
    """The path segments a stored base path (API mapping key) matches."""
    return [] if base_path == NO_BASE_PATH else base_path.strip("/").split("/")


def header_glob_matches(glob: str, value: str) -> bool:
    """Whether a header value matches a routing rule's value glob: literal and
    case-sensitive, with ``*`` allowed only as ``*suffix``, ``prefix*`` or ``*infix*``."""
    if glob == "*":
        return True
    if len(glob) > 1 and glob.startswith("*") and glob.endswith("*"):
        return glob[1:-1] in value
    if glob.startswith("*"):
        return value.endswith(glob[1:])
    if glob.endswith("*"):
        return value.startswith(glob[:-1])
    return value == glob


def _matching_rule(rules: dict[str, dict], segments: list[str],
                   headers: Mapping[str, str]) -> tuple[dict, int, str | None] | None:
    """The first rule by priority whose conditions all hold, with the depth and text of
    the base path it matched."""
    for rule in sorted(list(rules.values()), key=lambda r: r["Priority"]):
        depth, base, holds = 0, None, True
        for condition in rule.get("Conditions") or ():
            if "MatchHeaders" in condition:
                holds = any(
                    (value := headers.get(entry["Header"].lower())) is not None
                    and header_glob_matches(entry["ValueGlob"], value)
                    for entry in condition["MatchHeaders"]["AnyOf"])
            elif "MatchBasePaths" in condition:
                matched = [p for p in condition["MatchBasePaths"]["AnyOf"]
                           if segments[:len(base_path_segments(p))] == base_path_segments(p)]
                holds = bool(matched)
                if holds:
                    base = max(matched, key=lambda p: len(base_path_segments(p)))
                    depth = len(base_path_segments(base))
            if not holds:
                break
        if holds:
            return rule, depth, base
    return None


def _rest(path: str, depth: int) -> str:
    """The raw path after its first ``depth`` segments."""
    return "/" + "/".join(path.split("/")[1 + depth:]) if depth else path


def _api_type(store: RegionStore, api_id: str) -> str:
    """``REST``, ``HTTP`` or ``WEBSOCKET``: which data plane serves ``api_id``."""
    if api_id in store.tables.get(RESTAPIS, ()):
        return "REST"
    record = store.tables.get(V2_APIS, {}).get(api_id)
    if record is None:
        return "REST"
    return record["api"].get("ProtocolType", "HTTP")


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

"""RoutingRule: rules that send requests to a custom domain name to a stage of a REST API
by their headers and base path: create, get, list, put (replace), delete.

Rules live in the domain record's ``routingRules`` (:mod:`mockgw.state.domains`), keyed
by id, with the fields apigatewayv2 names.  The domain's routing mode says whether the
data plane uses them (``ROUTING_RULE_ONLY``, ``ROUTING_RULE_THEN_API_MAPPING``) or only
its API mappings; :func:`mockgw.state.domains.resolve_custom_domain` applies them.

What AWS documents and this module enforces: a rule has one action, which invokes a stage
of a REST API; at most two header conditions and one base path condition, all of which
must hold (the entries of one condition's ``AnyOf`` are alternatives); header names match
case-insensitively and value globs literally, with ``*`` only as ``*suffix``,
``prefix*`` or ``*infix*``; priorities (1-1000000, lowest first) are unique per domain.
"""

from __future__ import annotations

import re
from typing import Any

from mockgw.apigateway.domains import DOMAIN_NOT_FOUND, domain_key, domain_names
from mockgw.apigatewayv2.common import REST, api_not_found, copy_out, find_api, paginate
from mockgw.apigatewayv2.registry import operation
from mockgw.errors import BadRequestException, ConflictException, NotFoundException
from mockgw.operations import Call

RULE_NOT_FOUND = "Invalid routing rule identifier specified"
ONE_ACTION = "A routing rule must have exactly one action"
REST_ONLY = "A routing rule can only invoke a stage of a REST API"
CONDITION_KIND = ("A routing rule condition must have exactly one of matchHeaders or "
                  "matchBasePaths")
TOO_MANY_CONDITIONS = ("A routing rule can have at most two matchHeaders conditions and one "
                       "matchBasePaths condition")
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_BASE_PATH = re.compile(r"^[A-Za-z0-9$\-_.+!*'(),]+(/[A-Za-z0-9$\-_.+!*'(),]+)*$")


def _record(call: Call, params: dict[str, Any]) -> tuple[dict, str]:
    """The domain record and the domain's key (``name+id`` for a private one)."""
    key = domain_key(params["DomainName"], params.get("DomainNameId"))
    record = domain_names(call).get(key)
    if record is None:
        raise NotFoundException(DOMAIN_NOT_FOUND)
    return record, key


def _rule(record: dict, rule_id: str) -> dict:
    found = (record.get("routingRules") or {}).get(rule_id)
    if found is None:
        raise NotFoundException(RULE_NOT_FOUND)
    return found


def _rule_arn(call: Call, key: str, rule_id: str) -> str:
    return call.arn("apigateway", f"/domainnames/{key}/routingrules/{rule_id}")


@operation("CreateRoutingRule")
def create_routing_rule(call: Call, params: dict[str, Any]) -> dict:
    record, key = _record(call, params)
    rule = _checked(call, record, params, replacing=None)
    rules = record.setdefault("routingRules", {})
    rule_id = call.new_id(6, avoid=rules)
    rule.update(RoutingRuleId=rule_id, RoutingRuleArn=_rule_arn(call, key, rule_id))
    rules[rule_id] = rule
    return copy_out(rule)


@operation("GetRoutingRule")
def get_routing_rule(call: Call, params: dict[str, Any]) -> dict:
    record, _ = _record(call, params)
    return copy_out(_rule(record, params["RoutingRuleId"]))


@operation("ListRoutingRules")
def list_routing_rules(call: Call, params: dict[str, Any]) -> dict:
    record, _ = _record(call, params)
    rules = sorted((record.get("routingRules") or {}).values(), key=lambda r: r["Priority"])
    return paginate([copy_out(r) for r in rules], params, items_key="RoutingRules")


@operation("PutRoutingRule")
def put_routing_rule(call: Call, params: dict[str, Any]) -> dict:
    record, _ = _record(call, params)
    current = _rule(record, params["RoutingRuleId"])
    rule = _checked(call, record, params, replacing=current)
    rule.update(RoutingRuleId=current["RoutingRuleId"], RoutingRuleArn=current["RoutingRuleArn"])
    record["routingRules"][current["RoutingRuleId"]] = rule
    return copy_out(rule)


@operation("DeleteRoutingRule")
def delete_routing_rule(call: Call, params: dict[str, Any]) -> dict:
    record, _ = _record(call, params)
    rule = _rule(record, params["RoutingRuleId"])
    del record["routingRules"][rule["RoutingRuleId"]]
    return {}


def _checked(call: Call, record: dict, params: dict[str, Any], *,
             replacing: dict | None) -> dict:
    """The rule ``params`` describe, as stored, or AWS's error for what is wrong."""
    actions = params["Actions"]
    if len(actions) != 1:
        raise BadRequestException(ONE_ACTION)
    target = actions[0]["InvokeApi"]
    found = find_api(call, target["ApiId"])
    if found is None:
        raise BadRequestException(api_not_found(call, target["ApiId"]))
    kind, api = found
    if kind != REST:
        raise BadRequestException(REST_ONLY)
    if target["Stage"] not in api["stages"]:
        raise BadRequestException("Invalid stage identifier specified")
    conditions = params["Conditions"]
    headers = paths = 0
    for condition in conditions:
        if ("MatchHeaders" in condition) == ("MatchBasePaths" in condition):
            raise BadRequestException(CONDITION_KIND)
        if "MatchHeaders" in condition:
            headers += 1
            for entry in _any_of(condition["MatchHeaders"]):
                _check_header(entry["Header"], entry["ValueGlob"])
        else:
            paths += 1
            for base_path in _any_of(condition["MatchBasePaths"]):
                if not _BASE_PATH.match(base_path):
                    raise BadRequestException(f"Invalid base path specified: {base_path}")
    if headers > 2 or paths > 1:
        raise BadRequestException(TOO_MANY_CONDITIONS)
    priority = params["Priority"]
    for other in (record.get("routingRules") or {}).values():
        if other is not replacing and other["Priority"] == priority:
            raise ConflictException(
                f"A routing rule with priority {priority} already exists for this domain "
                "name")
    invoke = {"ApiId": target["ApiId"], "Stage": target["Stage"],
              "StripBasePath": bool(target.get("StripBasePath", False))}
    return {"Actions": [{"InvokeApi": invoke}], "Conditions": copy_out(conditions),
            "Priority": priority}


def _any_of(condition: dict) -> list:
    entries = condition["AnyOf"]
    if not entries:
        raise BadRequestException("A routing rule condition must name at least one value")
    return entries


def _check_header(name: str, glob: str) -> None:
    if not _HEADER_NAME.match(name):
        raise BadRequestException(f"Invalid header name specified: {name}")
    inner = glob[1:] if glob.startswith("*") else glob
    inner = inner[:-1] if inner.endswith("*") else inner
    if not glob or "*" in inner:
        raise BadRequestException(
            f"Invalid header value glob specified: {glob}. A wildcard (*) is allowed only "
            "at the start, at the end, or at both ends of the value")

"""The kinds of records an API holds (routes, integrations, their responses, authorizers,
models, stages, deployments): where each kind is kept, finding and storing one, the
``Get{Kind}`` / ``Get{Kind}s`` handlers, alike for every kind, and the whole CRUD of the
kinds made only of fields (route and integration responses)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mockgw.apigatewayv2.common import api_record, copy_in, find, paginate, render, updated
from mockgw.apigatewayv2.deployments import api_changed
from mockgw.apigatewayv2.registry import operation
from mockgw.operations import Call


@dataclass(frozen=True)
class Section:
    """One kind of record: ``name`` as AWS names it (``RouteResponse``), ``key`` the dict
    that keeps them by id (``routeResponses``), inside the API record or, for responses,
    inside an item of the ``parent`` section."""

    name: str
    key: str
    id_member: str = ""  # the input member naming one (default ``{name}Id``)
    parent: Section | None = None

    def __post_init__(self) -> None:
        if not self.id_member:
            object.__setattr__(self, "id_member", f"{self.name}Id")

    def owner(self, call: Call, params: dict[str, Any]) -> tuple[dict, dict]:
        """``(API record, the dict keeping this section)``, or AWS's ``NotFoundException``
        for an unknown API or parent."""
        record = api_record(call, params["ApiId"])
        if self.parent is None:
            return record, record
        return record, self.parent.item(record, params)

    def item(self, owner: dict, params: dict[str, Any]) -> dict:
        """The item ``params`` names in ``owner``, or ``Invalid {name} identifier
        specified {id}``."""
        return find(owner, self.key, params[self.id_member], self.name)

    def lookup(self, call: Call, params: dict[str, Any]) -> tuple[dict, dict]:
        """``(API record, the item params name)``."""
        record, owner = self.owner(call, params)
        return record, self.item(owner, params)

    def add(self, call: Call, owner: dict, fields: dict[str, Any], id_length: int,
            **private: Any) -> dict:
        """Store ``fields`` (then our ``private`` keys) under a new id in ``owner``; the
        stored item."""
        ident = call.new_id(id_length, avoid=owner[self.key])
        item = {self.id_member: ident, **fields, **private}
        owner[self.key][ident] = item
        return item

    def remove(self, call: Call, record: dict, owner: dict, params: dict[str, Any]) -> dict:
        """Delete the item ``params`` name from ``owner`` (a change of the API's definition,
        so auto-deploy stages are redeployed); the empty output."""
        del owner[self.key][params[self.id_member]]
        api_changed(call, record)
        return {}


def saved(call: Call, record: dict, item: dict, result: dict | None = None) -> dict:
    """``item`` (a stored record) made ``result`` in place when given, auto-deploy stages
    redeployed (the API's definition changed); ``item`` rendered for the response."""
    if result is not None:
        item.clear()
        item.update(result)
    api_changed(call, record)
    return render(item)


def read_operations(section: Section) -> None:
    """Register ``Get{name}`` (one item) and ``Get{name}s`` (a page of them)."""

    def get_one(call: Call, params: dict[str, Any]) -> dict:
        _, owner = section.owner(call, params)
        return render(section.item(owner, params))

    def get_page(call: Call, params: dict[str, Any]) -> dict:
        _, owner = section.owner(call, params)
        return paginate([render(item) for item in owner[section.key].values()], params)

    operation(f"Get{section.name}")(get_one)
    operation(f"Get{section.name}s")(get_page)


def field_operations(section: Section, *, scalars: Sequence[str], maps: Sequence[str],
                     id_length: int, check: Callable[[dict, dict, dict], None]) -> None:
    """Register Create, Update and Delete of a kind made only of fields
    (``scalars`` replaced and ``maps`` merged by Update): ``check(record, owner, item)``
    sees the whole item as it would be stored, before anything changes."""

    def create(call: Call, params: dict[str, Any]) -> dict:
        record, owner = section.owner(call, params)
        item = copy_in(params, (*scalars, *maps))
        check(record, owner, item)
        return saved(call, record, section.add(call, owner, item, id_length))

    def update(call: Call, params: dict[str, Any]) -> dict:
        record, owner = section.owner(call, params)
        item = section.item(owner, params)
        result = updated(item, params, scalars, maps)
        check(record, owner, result)
        return saved(call, record, item, result)

    def delete(call: Call, params: dict[str, Any]) -> dict:
        record, owner = section.owner(call, params)
        section.item(owner, params)
        return section.remove(call, record, owner, params)

    operation(f"Create{section.name}")(create)
    operation(f"Update{section.name}")(update)
    operation(f"Delete{section.name}")(delete)


ROUTES = Section("Route", "routes")
ROUTE_RESPONSES = Section("RouteResponse", "routeResponses", parent=ROUTES)
INTEGRATIONS = Section("Integration", "integrations")
INTEGRATION_RESPONSES = Section("IntegrationResponse", "integrationResponses",
                                parent=INTEGRATIONS)
AUTHORIZERS = Section("Authorizer", "authorizers")
MODELS = Section("Model", "models")
STAGES = Section("Stage", "stages", id_member="StageName")
DEPLOYMENTS = Section("Deployment", "deployments")

#: Every kind's ``Get{name}`` and ``Get{name}s`` (the other handlers are in the kind's module).
for _section in (ROUTES, ROUTE_RESPONSES, INTEGRATIONS, INTEGRATION_RESPONSES, AUTHORIZERS,
                 MODELS, STAGES, DEPLOYMENTS):
    read_operations(_section)

"""Portal products and what they hold: products (create, get, list, update, delete), their
sharing policy, product pages (documentation) and product REST endpoint pages (a method of
a REST API stage, shown in a portal).

Table ``apigatewayv2.portalproducts``: product id -> ::

    {"product": {...PortalProduct fields (PascalCase)...},
     "pages": {productPageId: {...ProductPage fields...}},
     "endpointPages": {productRestEndpointPageId: {...ProductRestEndpointPage fields...}},
     "sharingPolicy": "<policy document>"?}

A product's ``DisplayOrder`` may name only its own pages (``OverviewPageArn``,
``ProductPageArns``, the sections' ``ProductRestEndpointPageArns``); deleting a page takes
it out of the display order.  A REST endpoint page names a method deployed to a stage of
a REST API in this account (checked against the stage's deployment); its display content
defaults to the API's execute-api URL and the method's documentation.  A product a portal
includes cannot be deleted.
"""

from __future__ import annotations

import json
from typing import Any

from mockgw.apigateway.common import check_tags
from mockgw.apigatewayv2.common import (
    REST,
    api_not_found,
    copy_out,
    find_api,
    paginate,
    stored,
)
from mockgw.apigatewayv2.portals import PORTALS, PRODUCTS
from mockgw.apigatewayv2.registry import operation
from mockgw.errors import BadRequestException, NotFoundException
from mockgw.operations import Call

PRODUCT_NOT_FOUND = "Invalid portal product identifier specified"
PAGE_NOT_FOUND = "Invalid product page identifier specified"
ENDPOINT_PAGE_NOT_FOUND = "Invalid product REST endpoint page identifier specified"
POLICY_NOT_FOUND = "No sharing policy exists for this portal product"
IN_USE = "The portal product is included in a portal and can't be deleted"
_NOT_FOUND = {"pages": PAGE_NOT_FOUND, "endpointPages": ENDPOINT_PAGE_NOT_FOUND}


def products(call: Call) -> dict[str, dict]:
    return call.store.table(PRODUCTS)


def product_record(call: Call, product_id: str, owner: str | None = None) -> dict:
    """The record of a portal product (of this account), or ``NotFoundException``."""
    if owner not in (None, call.account):
        raise NotFoundException(PRODUCT_NOT_FOUND)
    return stored(call, PRODUCTS, product_id, PRODUCT_NOT_FOUND)


def _product_arn(call: Call, product_id: str) -> str:
    return call.arn("apigateway", f"/portalproducts/{product_id}")


# -- products ------------------------------------------------------------------------------

@operation("CreatePortalProduct")
def create_portal_product(call: Call, params: dict[str, Any]) -> dict:
    tags = params.get("Tags") or {}
    check_tags(tags)
    table = products(call)
    product_id = call.new_id(10, avoid=table)
    product = {
        "PortalProductId": product_id,
        "PortalProductArn": _product_arn(call, product_id),
        "DisplayName": params["DisplayName"],
        "Description": params.get("Description", ""),
        "DisplayOrder": {"Contents": [], "ProductPageArns": []},
        "LastModified": call.now(),
        "Tags": dict(tags),
    }
    table[product_id] = {"product": product, "pages": {}, "endpointPages": {}}
    return copy_out(product)


@operation("GetPortalProduct")
def get_portal_product(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"], params.get("ResourceOwnerAccountId"))
    return copy_out(record["product"])


@operation("ListPortalProducts")
def list_portal_products(call: Call, params: dict[str, Any]) -> dict:
    if params.get("ResourceOwner") == "OTHER_ACCOUNTS":
        items: list[dict] = []  # nothing is shared with this account
    else:
        items = [copy_out(r["product"]) for r in products(call).values()]
    return paginate(items, params)


@operation("UpdatePortalProduct")
def update_portal_product(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    product = copy_out(record["product"])
    for key in ("DisplayName", "Description"):
        if params.get(key) is not None:
            product[key] = params[key]
    if params.get("DisplayOrder") is not None:
        product["DisplayOrder"] = _display_order(record, params["DisplayOrder"])
    product["LastModified"] = call.now()
    record["product"] = product
    return copy_out(product)


@operation("DeletePortalProduct")
def delete_portal_product(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    arn = record["product"]["PortalProductArn"]
    if any(arn in p.get("IncludedPortalProductArns", ())
           for p in call.store.table(PORTALS).values()):
        raise BadRequestException(IN_USE)
    del products(call)[record["product"]["PortalProductId"]]
    return {}


def _display_order(record: dict, given: dict) -> dict:
    """The display order ``given``, each ARN naming one of the product's own pages."""
    pages = {p["ProductPageArn"] for p in record["pages"].values()}
    endpoints = {p["ProductRestEndpointPageArn"] for p in record["endpointPages"].values()}
    named = [*given.get("ProductPageArns", ())]
    if given.get("OverviewPageArn"):
        named.append(given["OverviewPageArn"])
    for arn in named:
        if arn not in pages:
            raise BadRequestException(f"Invalid product page ARN specified: {arn}")
    for section in given.get("Contents", ()):
        for arn in section["ProductRestEndpointPageArns"]:
            if arn not in endpoints:
                raise BadRequestException(
                    f"Invalid product REST endpoint page ARN specified: {arn}")
    order = copy_out(given)
    order.setdefault("Contents", [])
    order.setdefault("ProductPageArns", [])
    return order


def _forget(record: dict, arn: str) -> None:
    """Take a deleted page out of its product's display order."""
    order = record["product"]["DisplayOrder"]
    if order.get("OverviewPageArn") == arn:
        del order["OverviewPageArn"]
    order["ProductPageArns"] = [a for a in order.get("ProductPageArns", ()) if a != arn]
    for section in order.get("Contents", ()):
        section["ProductRestEndpointPageArns"] = [
            a for a in section["ProductRestEndpointPageArns"] if a != arn]


# -- sharing policy ------------------------------------------------------------------------

@operation("PutPortalProductSharingPolicy")
def put_portal_product_sharing_policy(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    try:
        document = json.loads(params["PolicyDocument"])
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise BadRequestException(
            "Invalid policy document. Please check the policy syntax and ensure that "
            "Principals are valid.")
    record["sharingPolicy"] = params["PolicyDocument"]
    return {}


@operation("GetPortalProductSharingPolicy")
def get_portal_product_sharing_policy(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    if record.get("sharingPolicy") is None:
        raise NotFoundException(POLICY_NOT_FOUND)
    return {"PolicyDocument": record["sharingPolicy"],
            "PortalProductId": record["product"]["PortalProductId"]}


@operation("DeletePortalProductSharingPolicy")
def delete_portal_product_sharing_policy(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    if record.pop("sharingPolicy", None) is None:
        raise NotFoundException(POLICY_NOT_FOUND)
    return {}


# -- product pages -------------------------------------------------------------------------

@operation("CreateProductPage")
def create_product_page(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    page_id = call.new_id(10, avoid=record["pages"])
    arn = f"{record['product']['PortalProductArn']}/productpages/{page_id}"
    page = {"ProductPageId": page_id, "ProductPageArn": arn,
            "DisplayContent": dict(params["DisplayContent"]), "LastModified": call.now()}
    record["pages"][page_id] = page
    return copy_out(page)


@operation("GetProductPage")
def get_product_page(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"], params.get("ResourceOwnerAccountId"))
    return copy_out(_page(record, params["ProductPageId"]))


@operation("ListProductPages")
def list_product_pages(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"], params.get("ResourceOwnerAccountId"))
    items = [{"ProductPageId": p["ProductPageId"], "ProductPageArn": p["ProductPageArn"],
              "PageTitle": p["DisplayContent"]["Title"], "LastModified": p["LastModified"]}
             for p in record["pages"].values()]
    return paginate(items, params)


@operation("UpdateProductPage")
def update_product_page(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    page = _page(record, params["ProductPageId"])
    if params.get("DisplayContent") is not None:
        page["DisplayContent"] = dict(params["DisplayContent"])
    page["LastModified"] = call.now()
    return copy_out(page)


@operation("DeleteProductPage")
def delete_product_page(call: Call, params: dict[str, Any]) -> dict:
    return _delete(call, params, "pages", "ProductPage")


def _page(record: dict, page_id: str) -> dict:
    return _child(record, "pages", page_id)


def _child(record: dict, section: str, page_id: str) -> dict:
    """A product's page (``section`` ``pages`` or ``endpointPages``), or AWS's
    ``NotFoundException``."""
    found = record[section].get(page_id)
    if found is None:
        raise NotFoundException(_NOT_FOUND[section])
    return found


def _delete(call: Call, params: dict[str, Any], section: str, kind: str) -> dict:
    """Delete a product's page of ``section`` (a ``kind``: ``ProductPage``, ...) and drop it
    from the product's display order."""
    record = product_record(call, params["PortalProductId"])
    page = _child(record, section, params[f"{kind}Id"])
    del record[section][page[f"{kind}Id"]]
    _forget(record, page[f"{kind}Arn"])
    return {}


# -- product REST endpoint pages -----------------------------------------------------------

@operation("CreateProductRestEndpointPage")
def create_product_rest_endpoint_page(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    identifier = params["RestEndpointIdentifier"].get("IdentifierParts")
    if identifier is None:
        raise BadRequestException("The REST endpoint identifier must have identifierParts")
    api = _deployed_method(call, identifier)
    for other in record["endpointPages"].values():
        if other["RestEndpointIdentifier"]["IdentifierParts"] == identifier:
            raise BadRequestException(
                "A product REST endpoint page already exists for this REST endpoint")
    page_id = call.new_id(10, avoid=record["endpointPages"])
    arn = f"{record['product']['PortalProductArn']}/productrestendpointpages/{page_id}"
    page = {"ProductRestEndpointPageId": page_id, "ProductRestEndpointPageArn": arn,
            "RestEndpointIdentifier": {"IdentifierParts": dict(identifier)},
            "Status": "AVAILABLE", "LastModified": call.now(),
            "_overrides": _overrides(params.get("DisplayContent"))}
    private = "PRIVATE" in api["api"].get("endpointConfiguration", {}).get("types", ())
    page["TryItState"] = "DISABLED" if private else params.get("TryItState", "ENABLED")
    record["endpointPages"][page_id] = page
    return _endpoint_page(call, page)


@operation("GetProductRestEndpointPage")
def get_product_rest_endpoint_page(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"], params.get("ResourceOwnerAccountId"))
    page = _endpoint(record, params["ProductRestEndpointPageId"])
    out = _endpoint_page(call, page)
    if str(params.get("IncludeRawDisplayContent", "")).lower() == "true":
        out["RawDisplayContent"] = out["DisplayContent"].get("Body", "")
    return out


@operation("ListProductRestEndpointPages")
def list_product_rest_endpoint_pages(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"], params.get("ResourceOwnerAccountId"))
    items = []
    for page in record["endpointPages"].values():
        shown = _endpoint_page(call, page)
        summary = {k: shown[k] for k in ("ProductRestEndpointPageId",
                                         "ProductRestEndpointPageArn", "RestEndpointIdentifier",
                                         "Status", "TryItState", "LastModified")}
        summary["Endpoint"] = shown["DisplayContent"]["Endpoint"]
        if "OperationName" in shown["DisplayContent"]:
            summary["OperationName"] = shown["DisplayContent"]["OperationName"]
        items.append(summary)
    return paginate(items, params)


@operation("UpdateProductRestEndpointPage")
def update_product_rest_endpoint_page(call: Call, params: dict[str, Any]) -> dict:
    record = product_record(call, params["PortalProductId"])
    page = _endpoint(record, params["ProductRestEndpointPageId"])
    overrides = _overrides(params["DisplayContent"]) \
        if params.get("DisplayContent") is not None else page["_overrides"]
    try_it = params.get("TryItState", page["TryItState"])
    if try_it == "ENABLED" and _is_private(call, page):
        raise BadRequestException("Try it is not supported for private REST APIs")
    page.update(_overrides=overrides, TryItState=try_it, LastModified=call.now())
    return _endpoint_page(call, page)


@operation("DeleteProductRestEndpointPage")
def delete_product_rest_endpoint_page(call: Call, params: dict[str, Any]) -> dict:
    return _delete(call, params, "endpointPages", "ProductRestEndpointPage")


def _endpoint(record: dict, page_id: str) -> dict:
    return _child(record, "endpointPages", page_id)


def _overrides(given: dict | None) -> dict:
    """The display content overrides a request gives (``None``: no overrides)."""
    if not given:
        return {}
    if ("None" in given) == ("Overrides" in given):
        raise BadRequestException(
            "Exactly one of none or overrides must be specified for displayContent")
    return dict(given.get("Overrides") or {})


def _deployed_method(call: Call, identifier: dict) -> dict:
    """The REST API record whose stage serves ``identifier``'s method and path."""
    found = find_api(call, identifier["RestApiId"])
    if found is None or found[0] != REST:
        raise BadRequestException(api_not_found(call, identifier["RestApiId"]))
    api = found[1]
    stage = api["stages"].get(identifier["Stage"])
    if stage is None:
        raise BadRequestException("Invalid stage identifier specified")
    deployment = api["deployments"].get(stage.get("deploymentId"), {})
    for resource in deployment.get("snapshot", {}).get("resources", {}).values():
        if resource["path"] == identifier["Path"] and \
                identifier["Method"] in resource.get("resourceMethods", {}):
            return api
    raise BadRequestException(
        f"Invalid REST endpoint identifier specified: {identifier['Method']} "
        f"{identifier['Path']} is not deployed to stage {identifier['Stage']}")


def _is_private(call: Call, page: dict) -> bool:
    found = find_api(call, page["RestEndpointIdentifier"]["IdentifierParts"]["RestApiId"])
    return found is not None and \
        "PRIVATE" in found[1]["api"].get("endpointConfiguration", {}).get("types", ())


def _endpoint_page(call: Call, page: dict) -> dict:
    """A REST endpoint page as AWS answers it: overrides over the defaults (the stage's
    execute-api URL, the method's documentation)."""
    parts = page["RestEndpointIdentifier"]["IdentifierParts"]
    content = {"Endpoint": f"https://{parts['RestApiId']}.execute-api.{call.region}"
                           f".amazonaws.com/{parts['Stage']}"}
    documented = _documentation(call, parts)
    if documented:
        content["Body"] = documented
    content.update(page["_overrides"])
    out = {k: v for k, v in page.items() if not k.startswith("_")}
    return copy_out({**out, "DisplayContent": content})


def _documentation(call: Call, parts: dict) -> str | None:
    """The description the REST API's documentation gives the method, if any."""
    found = find_api(call, parts["RestApiId"])
    if found is None or found[0] != REST:
        return None
    for part in found[1].get("documentationParts", {}).values():
        location = part.get("location", {})
        if location.get("type") == "METHOD" and location.get("path") == parts["Path"] and \
                location.get("method") == parts["Method"]:
            try:
                properties = json.loads(part.get("properties") or "{}")
            except ValueError:
                return None
            description = properties.get("description") if isinstance(properties, dict) \
                else None
            return description if isinstance(description, str) and description else None
    return None

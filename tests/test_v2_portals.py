"""Developer portals (apigatewayv2): portals, portal products, their sharing policy,
product pages and product REST endpoint pages."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.helpers import mock_api
from tests.support import ACCOUNT, error_of, without_metadata
from tests.v2_support import COLORS, content, new_portal

ARN = f"arn:aws:apigateway:us-east-1:{ACCOUNT}:"
PORTAL_CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/33333333-4444-5555-6666-777777777777"
POOL = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/us-east-1_abcdefghi"
COGNITO = {"AppClientId": "client123", "UserPoolArn": POOL,
           "UserPoolDomain": "https://pets.auth.us-east-1.amazoncognito.com"}


def error(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as exc:
        call()
    return error_of(exc)


# -- portals -------------------------------------------------------------------------------

def test_create_portal(gw):
    v2 = gw.client("apigatewayv2")
    created = new_portal(v2, Tags={"team": "dx"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    portal_id = created["PortalId"]
    assert re.fullmatch(r"[a-z0-9]{10}", portal_id)
    modified = created["LastModified"]
    expected = {
        "Authorization": {"None": {}},
        "EndpointConfiguration": {
            "PortalDefaultDomainName": f"p-{portal_id}.apigw-portal.us-east-1.on.aws",
            "PortalDomainHostedZoneId": "Z2FDTNDATAQYW2"},
        "IncludedPortalProductArns": [],
        "LastModified": modified,
        "PortalArn": f"{ARN}/portals/{portal_id}",
        "PortalContent": {"DisplayName": "Pet store portal",
                          "Theme": {"CustomColors": COLORS}},
        "PortalId": portal_id,
        "PublishStatus": "DISABLED",
        "Tags": {"team": "dx"}}
    assert without_metadata(created) == expected
    assert without_metadata(v2.get_portal(PortalId=portal_id)) == expected
    assert v2.list_portals()["Items"] == [expected]


def test_portal_with_cognito_and_its_own_domain(gw):
    v2 = gw.client("apigatewayv2")
    created = new_portal(
        v2, Authorization={"CognitoConfig": COGNITO},
        EndpointConfiguration={"AcmManaged": {"CertificateArn": PORTAL_CERT,
                                              "DomainName": "developers.example.com"}},
        PortalContent=content(Description="All about pets"), RumAppMonitorName="portal-rum",
        LogoUri="s3://bucket/logo.png")
    assert created["Authorization"] == {"CognitoConfig": COGNITO}
    assert created["EndpointConfiguration"] == {
        "CertificateArn": PORTAL_CERT, "DomainName": "developers.example.com",
        "PortalDefaultDomainName": f"p-{created['PortalId']}.apigw-portal.us-east-1.on.aws",
        "PortalDomainHostedZoneId": "Z2FDTNDATAQYW2"}
    assert created["PortalContent"]["Description"] == "All about pets"
    assert created["PortalContent"]["Theme"]["LogoLastUploaded"] == created["LastModified"]
    assert created["RumAppMonitorName"] == "portal-rum"


@pytest.mark.parametrize("kwargs, message", [
    ({"Authorization": {"None": {}, "CognitoConfig": COGNITO}},
     "Exactly one of cognitoConfig or none must be specified for authorization"),
    ({"Authorization": {}},
     "Exactly one of cognitoConfig or none must be specified for authorization"),
    ({"Authorization": {"CognitoConfig": {**COGNITO, "UserPoolArn":
                                          f"arn:aws:s3:::{'b' * 20}"}}},
     f"Invalid user pool ARN: arn:aws:s3:::{'b' * 20}"),
    ({"EndpointConfiguration": {}},
     "Exactly one of acmManaged or none must be specified for endpointConfiguration"),
    ({"EndpointConfiguration": {"AcmManaged": {
        "CertificateArn": f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/x",
        "DomainName": "dev.example.com"}}},
     f"Invalid certificate ARN: arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/x. Certificate "
     "must be in 'us-east-1'."),
    ({"IncludedPortalProductArns": [f"{ARN}/portalproducts/nope000000"]},
     f"Invalid portal product ARN specified: {ARN}/portalproducts/nope000000"),
    ({"Tags": {"aws:x": "y"}}, "Tag keys cannot start with 'aws:'"),
])
def test_create_portal_refusals(gw, kwargs, message):
    v2 = gw.client("apigatewayv2")
    assert error(lambda: new_portal(v2, **kwargs)) == ("BadRequestException", message, 400)
    assert v2.list_portals()["Items"] == []


def test_publish_disable_preview_delete(gw):
    v2 = gw.client("apigatewayv2")
    portal_id = new_portal(v2)["PortalId"]
    published = v2.publish_portal(PortalId=portal_id, Description="first release")
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 202
    got = v2.get_portal(PortalId=portal_id)
    assert got["PublishStatus"] == "PUBLISHED"
    assert got["LastPublishedDescription"] == "first release"
    assert "LastPublished" in got
    assert error(lambda: v2.delete_portal(PortalId=portal_id)) == (
        "BadRequestException", "A published portal must be disabled before it can be deleted",
        400)
    v2.preview_portal(PortalId=portal_id)
    assert v2.get_portal(PortalId=portal_id)["Preview"] == {
        "PreviewStatus": "PREVIEW_READY",
        "PreviewUrl": f"https://p-{portal_id}-preview.apigw-portal.us-east-1.on.aws"}
    assert v2.disable_portal(PortalId=portal_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert v2.get_portal(PortalId=portal_id)["PublishStatus"] == "DISABLED"
    assert v2.delete_portal(PortalId=portal_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (lambda: v2.get_portal(PortalId=portal_id),
                 lambda: v2.publish_portal(PortalId=portal_id),
                 lambda: v2.disable_portal(PortalId=portal_id),
                 lambda: v2.preview_portal(PortalId=portal_id),
                 lambda: v2.update_portal(PortalId=portal_id, RumAppMonitorName="x"),
                 lambda: v2.delete_portal(PortalId=portal_id)):
        assert error(call) == ("NotFoundException", "Invalid portal identifier specified", 404)


def test_update_portal(gw):
    v2 = gw.client("apigatewayv2")
    portal = new_portal(v2)
    product = v2.create_portal_product(DisplayName="Pets")
    updated = v2.update_portal(PortalId=portal["PortalId"],
                               PortalContent=content("Renamed"),
                               IncludedPortalProductArns=[product["PortalProductArn"]])
    assert updated["PortalContent"]["DisplayName"] == "Renamed"
    assert updated["Authorization"] == {"None": {}}
    assert updated["IncludedPortalProductArns"] == [product["PortalProductArn"]]
    # a product a portal includes can't be deleted
    assert error(lambda: v2.delete_portal_product(
        PortalProductId=product["PortalProductId"])) == (
        "BadRequestException",
        "The portal product is included in a portal and can't be deleted", 400)
    # a refused update changes nothing
    assert error(lambda: v2.update_portal(
        PortalId=portal["PortalId"], PortalContent=content("Again"),
        Authorization={"CognitoConfig": {**COGNITO, "UserPoolArn": "arn:aws:iam::123456789012:"
                                                                   "role/not-a-pool"}}))[2] == 400
    assert v2.get_portal(PortalId=portal["PortalId"])["PortalContent"]["DisplayName"] == \
        "Renamed"
    v2.update_portal(PortalId=portal["PortalId"], IncludedPortalProductArns=[])
    v2.delete_portal_product(PortalProductId=product["PortalProductId"])


def test_list_portals_pages(gw):
    v2 = gw.client("apigatewayv2")
    ids = [new_portal(v2)["PortalId"] for _ in range(3)]
    page = v2.list_portals(MaxResults="2")
    assert [p["PortalId"] for p in page["Items"]] == ids[:2]
    rest = v2.list_portals(MaxResults="2", NextToken=page["NextToken"])
    assert [p["PortalId"] for p in rest["Items"]] == ids[2:] and "NextToken" not in rest


# -- portal products -----------------------------------------------------------------------

def test_portal_product_crud(gw):
    v2 = gw.client("apigatewayv2")
    created = v2.create_portal_product(DisplayName="Pets", Description="Adopt a pet",
                                       Tags={"a": "1"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    product_id = created["PortalProductId"]
    assert re.fullmatch(r"[a-z0-9]{10}", product_id)
    expected = {"Description": "Adopt a pet", "DisplayName": "Pets",
                "DisplayOrder": {"Contents": [], "ProductPageArns": []},
                "LastModified": created["LastModified"],
                "PortalProductArn": f"{ARN}/portalproducts/{product_id}",
                "PortalProductId": product_id, "Tags": {"a": "1"}}
    assert without_metadata(created) == expected
    assert without_metadata(v2.get_portal_product(PortalProductId=product_id)) == expected
    assert without_metadata(v2.get_portal_product(
        PortalProductId=product_id, ResourceOwnerAccountId=ACCOUNT)) == expected
    plain = v2.create_portal_product(DisplayName="Plain")
    assert plain["Description"] == ""
    listed = v2.list_portal_products()["Items"]
    assert [p["PortalProductId"] for p in listed] == [product_id, plain["PortalProductId"]]
    assert listed[0] == {k: v for k, v in expected.items() if k != "DisplayOrder"}
    assert v2.list_portal_products(ResourceOwner="OTHER_ACCOUNTS")["Items"] == []
    updated = v2.update_portal_product(PortalProductId=product_id, DisplayName="Pets 2")
    assert updated["DisplayName"] == "Pets 2" and updated["Description"] == "Adopt a pet"
    assert v2.delete_portal_product(PortalProductId=product_id)["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    for call in (lambda: v2.get_portal_product(PortalProductId=product_id),
                 lambda: v2.get_portal_product(PortalProductId=plain["PortalProductId"],
                                               ResourceOwnerAccountId="210987654321"),
                 lambda: v2.update_portal_product(PortalProductId=product_id,
                                                  DisplayName="x"),
                 lambda: v2.delete_portal_product(PortalProductId=product_id),
                 lambda: v2.create_product_page(PortalProductId=product_id, DisplayContent={
                     "Title": "t", "Body": "b"})):
        assert error(call) == ("NotFoundException",
                               "Invalid portal product identifier specified", 404)


def test_sharing_policy(gw):
    v2 = gw.client("apigatewayv2")
    product_id = v2.create_portal_product(DisplayName="Pets")["PortalProductId"]
    missing = ("NotFoundException", "No sharing policy exists for this portal product", 404)
    assert error(lambda: v2.get_portal_product_sharing_policy(
        PortalProductId=product_id)) == missing
    policy = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
              '{"AWS":"210987654321"},"Action":"apigateway:GetPortalProduct",'
              f'"Resource":"{ARN}/portalproducts/{product_id}"}}]}}')
    v2.put_portal_product_sharing_policy(PortalProductId=product_id, PolicyDocument=policy)
    assert without_metadata(v2.get_portal_product_sharing_policy(
        PortalProductId=product_id)) == {"PolicyDocument": policy,
                                         "PortalProductId": product_id}
    assert error(lambda: v2.put_portal_product_sharing_policy(
        PortalProductId=product_id, PolicyDocument="not json")) == (
        "BadRequestException", "Invalid policy document. Please check the policy syntax and "
        "ensure that Principals are valid.", 400)
    assert v2.get_portal_product_sharing_policy(PortalProductId=product_id)[
        "PolicyDocument"] == policy
    assert v2.delete_portal_product_sharing_policy(PortalProductId=product_id)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    assert error(lambda: v2.delete_portal_product_sharing_policy(
        PortalProductId=product_id)) == missing


# -- product pages -------------------------------------------------------------------------

def test_product_pages(gw):
    v2 = gw.client("apigatewayv2")
    product_id = v2.create_portal_product(DisplayName="Pets")["PortalProductId"]
    page = v2.create_product_page(PortalProductId=product_id,
                                  DisplayContent={"Title": "Terms", "Body": "# Terms"})
    assert page["ResponseMetadata"]["HTTPStatusCode"] == 201
    page_id = page["ProductPageId"]
    expected = {"DisplayContent": {"Body": "# Terms", "Title": "Terms"},
                "LastModified": page["LastModified"],
                "ProductPageArn": f"{ARN}/portalproducts/{product_id}/productpages/{page_id}",
                "ProductPageId": page_id}
    assert without_metadata(page) == expected
    assert without_metadata(v2.get_product_page(PortalProductId=product_id,
                                                ProductPageId=page_id)) == expected
    assert v2.list_product_pages(PortalProductId=product_id)["Items"] == [
        {"LastModified": page["LastModified"], "PageTitle": "Terms",
         "ProductPageArn": expected["ProductPageArn"], "ProductPageId": page_id}]
    updated = v2.update_product_page(PortalProductId=product_id, ProductPageId=page_id,
                                     DisplayContent={"Title": "Terms v2", "Body": "new"})
    assert updated["DisplayContent"] == {"Title": "Terms v2", "Body": "new"}
    # the display order names the product's own pages only
    ordered = v2.update_portal_product(PortalProductId=product_id, DisplayOrder={
        "OverviewPageArn": expected["ProductPageArn"],
        "ProductPageArns": [expected["ProductPageArn"]]})
    assert ordered["DisplayOrder"] == {"Contents": [],
                                       "OverviewPageArn": expected["ProductPageArn"],
                                       "ProductPageArns": [expected["ProductPageArn"]]}
    stranger = f"{ARN}/portalproducts/other00000/productpages/abcdefghij"
    assert error(lambda: v2.update_portal_product(PortalProductId=product_id, DisplayOrder={
        "ProductPageArns": [stranger]})) == (
        "BadRequestException", f"Invalid product page ARN specified: {stranger}", 400)
    v2.delete_product_page(PortalProductId=product_id, ProductPageId=page_id)
    # a deleted page leaves the display order
    assert v2.get_portal_product(PortalProductId=product_id)["DisplayOrder"] == {
        "Contents": [], "ProductPageArns": []}
    for call in (lambda: v2.get_product_page(PortalProductId=product_id,
                                             ProductPageId=page_id),
                 lambda: v2.update_product_page(PortalProductId=product_id,
                                                ProductPageId=page_id,
                                                DisplayContent={"Title": "t", "Body": "b"}),
                 lambda: v2.delete_product_page(PortalProductId=product_id,
                                                ProductPageId=page_id)):
        assert error(call) == ("NotFoundException",
                               "Invalid product page identifier specified", 404)


# -- product REST endpoint pages -----------------------------------------------------------

def documented_api(rest, *, private=False) -> str:
    kwargs = {"endpointConfiguration": {"types": ["PRIVATE"]},
              "policy": '{"Version":"2012-10-17","Statement":[]}'} if private else {}
    api_id = mock_api(rest, name="pets", path="pets", **kwargs)["api_id"]
    rest.create_documentation_part(restApiId=api_id, location={
        "type": "METHOD", "path": "/pets", "method": "GET"},
        properties='{"description": "Lists the pets"}')
    rest.create_deployment(restApiId=api_id, stageName="prod")
    return api_id


def identifier(api_id, method="GET", path="/pets", stage="prod") -> dict:
    return {"IdentifierParts": {"RestApiId": api_id, "Stage": stage, "Method": method,
                                "Path": path}}


def test_product_rest_endpoint_pages(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    api_id = documented_api(rest)
    product_id = v2.create_portal_product(DisplayName="Pets")["PortalProductId"]
    created = v2.create_product_rest_endpoint_page(
        PortalProductId=product_id, RestEndpointIdentifier=identifier(api_id))
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    page_id = created["ProductRestEndpointPageId"]
    arn = f"{ARN}/portalproducts/{product_id}/productrestendpointpages/{page_id}"
    expected = {
        "DisplayContent": {"Body": "Lists the pets",
                           "Endpoint": f"https://{api_id}.execute-api.us-east-1"
                                       ".amazonaws.com/prod"},
        "LastModified": created["LastModified"],
        "ProductRestEndpointPageArn": arn,
        "ProductRestEndpointPageId": page_id,
        "RestEndpointIdentifier": identifier(api_id),
        "Status": "AVAILABLE",
        "TryItState": "ENABLED"}
    assert without_metadata(created) == expected
    got = v2.get_product_rest_endpoint_page(PortalProductId=product_id,
                                            ProductRestEndpointPageId=page_id,
                                            IncludeRawDisplayContent="true")
    assert without_metadata(got) == {**expected, "RawDisplayContent": "Lists the pets"}
    overridden = v2.update_product_rest_endpoint_page(
        PortalProductId=product_id, ProductRestEndpointPageId=page_id, TryItState="DISABLED",
        DisplayContent={"Overrides": {"OperationName": "List pets",
                                      "Endpoint": "https://api.example.com"}})
    assert overridden["DisplayContent"] == {"Body": "Lists the pets",
                                            "Endpoint": "https://api.example.com",
                                            "OperationName": "List pets"}
    assert overridden["TryItState"] == "DISABLED"
    assert v2.list_product_rest_endpoint_pages(PortalProductId=product_id)["Items"] == [{
        "Endpoint": "https://api.example.com", "LastModified": overridden["LastModified"],
        "OperationName": "List pets", "ProductRestEndpointPageArn": arn,
        "ProductRestEndpointPageId": page_id, "RestEndpointIdentifier": identifier(api_id),
        "Status": "AVAILABLE", "TryItState": "DISABLED"}]
    # back to the defaults
    reset = v2.update_product_rest_endpoint_page(
        PortalProductId=product_id, ProductRestEndpointPageId=page_id,
        DisplayContent={"None": {}})
    assert reset["DisplayContent"] == expected["DisplayContent"]
    ordered = v2.update_portal_product(PortalProductId=product_id, DisplayOrder={
        "Contents": [{"SectionName": "Pets", "ProductRestEndpointPageArns": [arn]}]})
    assert ordered["DisplayOrder"]["Contents"] == [
        {"SectionName": "Pets", "ProductRestEndpointPageArns": [arn]}]
    v2.delete_product_rest_endpoint_page(PortalProductId=product_id,
                                         ProductRestEndpointPageId=page_id)
    assert v2.get_portal_product(PortalProductId=product_id)["DisplayOrder"]["Contents"] == [
        {"SectionName": "Pets", "ProductRestEndpointPageArns": []}]
    assert error(lambda: v2.get_product_rest_endpoint_page(
        PortalProductId=product_id, ProductRestEndpointPageId=page_id)) == (
        "NotFoundException", "Invalid product REST endpoint page identifier specified", 404)


def test_rest_endpoint_page_must_name_a_deployed_method(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    api_id = documented_api(rest)
    product_id = v2.create_portal_product(DisplayName="Pets")["PortalProductId"]
    cases = [
        (identifier("nope123456"), f"Invalid API identifier specified {ACCOUNT}:nope123456"),
        (identifier(api_id, stage="beta"), "Invalid stage identifier specified"),
        (identifier(api_id, method="POST"), "Invalid REST endpoint identifier specified: POST "
                                            "/pets is not deployed to stage prod"),
        (identifier(api_id, path="/cats"), "Invalid REST endpoint identifier specified: GET "
                                           "/cats is not deployed to stage prod"),
        ({}, "The REST endpoint identifier must have identifierParts"),
    ]
    for given, message in cases:
        assert error(lambda g=given: v2.create_product_rest_endpoint_page(
            PortalProductId=product_id, RestEndpointIdentifier=g)) == (
            "BadRequestException", message, 400)
    v2.create_product_rest_endpoint_page(PortalProductId=product_id,
                                         RestEndpointIdentifier=identifier(api_id))
    assert error(lambda: v2.create_product_rest_endpoint_page(
        PortalProductId=product_id, RestEndpointIdentifier=identifier(api_id))) == (
        "BadRequestException",
        "A product REST endpoint page already exists for this REST endpoint", 400)
    assert len(v2.list_product_rest_endpoint_pages(PortalProductId=product_id)["Items"]) == 1


def test_private_apis_cannot_be_tried(gw):
    v2, rest = gw.client("apigatewayv2"), gw.client()
    api_id = documented_api(rest, private=True)
    product_id = v2.create_portal_product(DisplayName="Pets")["PortalProductId"]
    page = v2.create_product_rest_endpoint_page(
        PortalProductId=product_id, RestEndpointIdentifier=identifier(api_id),
        TryItState="ENABLED")
    assert page["TryItState"] == "DISABLED"
    assert error(lambda: v2.update_product_rest_endpoint_page(
        PortalProductId=product_id, ProductRestEndpointPageId=page["ProductRestEndpointPageId"],
        TryItState="ENABLED")) == (
        "BadRequestException", "Try it is not supported for private REST APIs", 400)

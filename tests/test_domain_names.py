"""Custom domain names, base path mappings and domain name access associations."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.support import ACCOUNT, add_stage, error_of, without_metadata

EDGE_CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"
EU_CERT = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/66666666-7777-8888-9999-000000000000"


def edge_domain(client, name="api.example.com", **kwargs):
    return client.create_domain_name(domainName=name, certificateArn=EDGE_CERT, **kwargs)


# -- domain names --------------------------------------------------------------------------

def test_create_edge_domain_name(gw):
    c = gw.client()
    created = edge_domain(c, certificateName="edge-cert", tags={"team": "web"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["domainName"] == "api.example.com"
    assert re.fullmatch(r"d[a-z0-9]{13}\.cloudfront\.net", created["distributionDomainName"])
    assert created["distributionHostedZoneId"] == "Z2FDTNDATAQYW2"
    assert created["certificateArn"] == EDGE_CERT
    assert created["certificateName"] == "edge-cert"
    assert "certificateUploadDate" in created
    assert created["endpointConfiguration"] == {"types": ["EDGE"], "ipAddressType": "ipv4"}
    assert created["domainNameStatus"] == "AVAILABLE"
    assert created["securityPolicy"] == "TLS_1_2"
    assert created["domainNameArn"] == "arn:aws:apigateway:us-east-1::/domainnames/api.example.com"
    assert created["tags"] == {"team": "web"}
    assert "regionalDomainName" not in created and "domainNameId" not in created
    got = c.get_domain_name(domainName="api.example.com")
    assert got["distributionDomainName"] == created["distributionDomainName"]


def test_create_regional_domain_name_with_mutual_tls(gw):
    c = gw.client(region="eu-west-1")
    created = c.create_domain_name(
        domainName="eu.example.com", regionalCertificateArn=EU_CERT,
        regionalCertificateName="eu-cert", endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
        mutualTlsAuthentication={"truststoreUri": "s3://bucket/truststore.pem",
                                 "truststoreVersion": "v1"})
    assert re.fullmatch(r"d-[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com",
                        created["regionalDomainName"])
    assert created["regionalHostedZoneId"] == "ZLY8HYME6SFDCH"
    assert created["regionalCertificateArn"] == EU_CERT
    assert created["regionalCertificateName"] == "eu-cert"
    assert created["mutualTlsAuthentication"] == {
        "truststoreUri": "s3://bucket/truststore.pem", "truststoreVersion": "v1"}
    assert "distributionDomainName" not in created
    # Domain names are regional: another region does not see it.
    with pytest.raises(ClientError) as exc:
        gw.client().get_domain_name(domainName="eu.example.com")
    assert error_of(exc) == ("NotFoundException", "Invalid domain name identifier specified",
                             404)


@pytest.mark.parametrize("region, zone", [("us-east-1", "Z1UJRXOUMOOFQ8"),
                                          ("us-west-2", "Z2OJLYMUO9EFXC"),
                                          ("ap-southeast-2", "Z2RPCDW04V8134")])
def test_regional_hosted_zone_ids_per_region(gw, region, zone):
    cert = f"arn:aws:acm:{region}:{ACCOUNT}:certificate/abc"
    created = gw.client(region=region).create_domain_name(
        domainName="r.example.com", regionalCertificateArn=cert,
        endpointConfiguration={"types": ["REGIONAL"]})
    assert created["regionalHostedZoneId"] == zone


def test_private_domain_names_are_identified_by_id(gw):
    c = gw.client()
    cert = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc"
    first = c.create_domain_name(domainName="private.example.com", certificateArn=cert,
                                 endpointConfiguration={"types": ["PRIVATE"]})
    second = c.create_domain_name(domainName="private.example.com", certificateArn=cert,
                                  endpointConfiguration={"types": ["PRIVATE"]})
    assert first["domainNameId"] != second["domainNameId"]
    assert first["domainNameArn"] == (f"arn:aws:apigateway:us-east-1:{ACCOUNT}:/domainnames/"
                                      f"private.example.com+{first['domainNameId']}")
    assert first["endpointConfiguration"] == {"types": ["PRIVATE"],
                                              "ipAddressType": "dualstack"}
    assert "distributionDomainName" not in first and "regionalDomainName" not in first
    got = c.get_domain_name(domainName="private.example.com",
                            domainNameId=first["domainNameId"])
    assert got["domainNameArn"] == first["domainNameArn"]
    with pytest.raises(ClientError) as exc:
        c.get_domain_name(domainName="private.example.com")
    assert error_of(exc)[2] == 404
    with pytest.raises(ClientError) as exc:
        c.create_domain_name(domainName="p2.example.com", certificateArn=cert,
                             securityPolicy="TLS_1_0",
                             endpointConfiguration={"types": ["PRIVATE"]})
    assert error_of(exc) == (
        "BadRequestException",
        "Only TLS_1_2 security policy is supported for PRIVATE domain names.", 400)


OTHER_REGION_CERT = f"arn:aws:acm:us-west-2:{ACCOUNT}:certificate/abc"


@pytest.mark.parametrize("kwargs, message", [
    ({"certificateArn": OTHER_REGION_CERT},
     f"Invalid certificate ARN: {OTHER_REGION_CERT}. Certificate must be in 'us-east-1'."),
    ({"regionalCertificateArn": OTHER_REGION_CERT,
      "endpointConfiguration": {"types": ["REGIONAL"]}},
     f"Invalid certificate ARN: {OTHER_REGION_CERT}. Certificate must be in 'us-east-1'."),
    ({"certificateArn": "arn:aws:acm:us-east-1:210987654321:certificate/abc"},
     "Cross-account certificate references are not allowed."),
    ({"certificateArn": "not-an-arn"}, "Invalid certificate ARN: not-an-arn."),
    ({}, "A certificate was not provided for the endpoint type EDGE."),
    ({"certificateArn": EDGE_CERT, "endpointConfiguration": {"types": ["REGIONAL"]}},
     "Cannot import certificates for EDGE while REGIONAL is active."),
    ({"endpointConfiguration": {"types": ["REGIONAL"]}},
     "A certificate was not provided for the endpoint type REGIONAL."),
    ({"certificateArn": EDGE_CERT, "mutualTlsAuthentication": {"truststoreUri": "s3://b/k"}},
     "Mutual TLS authentication is only supported for REGIONAL domain names."),
    ({"regionalCertificateArn": EDGE_CERT, "endpointConfiguration": {"types": ["REGIONAL"]},
      "mutualTlsAuthentication": {"truststoreUri": "https://b/k"}},
     "Invalid truststore URI: https://b/k. The truststore must be an object in Amazon S3 "
     "(s3://bucket/key)."),
    ({"regionalCertificateArn": EDGE_CERT, "endpointConfiguration": {"types": ["REGIONAL"]},
      "securityPolicy": "TLS_1_0", "mutualTlsAuthentication": {"truststoreUri": "s3://b/k"}},
     "Mutual TLS authentication requires the TLS_1_2 security policy."),
    ({"domainName": " "}, "No Domain Name specified"),
])
def test_create_domain_name_validation(gw, kwargs, message):
    c = gw.client()
    kwargs = {"domainName": "api.example.com", **kwargs}
    with pytest.raises(ClientError) as exc:
        c.create_domain_name(**kwargs)
    assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_domain_names()["items"] == []


def test_duplicate_domain_name(gw):
    c = gw.client()
    edge_domain(c)
    with pytest.raises(ClientError) as exc:
        edge_domain(c)
    assert error_of(exc) == ("BadRequestException",
                             "The domain name you provided already exists.", 400)


def test_get_domain_names_paging(gw):
    c = gw.client()
    names = [f"d{i}.example.com" for i in range(5)]
    for name in names:
        edge_domain(c, name)
    first = c.get_domain_names(limit=2)
    assert [d["domainName"] for d in first["items"]] == names[:2]
    rest = c.get_domain_names(limit=3, position=first["position"])
    assert [d["domainName"] for d in rest["items"]] == names[2:]
    assert "position" not in rest
    assert c.get_domain_names(resourceOwner="OTHER_ACCOUNTS")["items"] == []


def test_migrate_edge_domain_name_to_regional(gw):
    c = gw.client()
    created = edge_domain(c, certificateName="edge-cert")
    both = c.update_domain_name(domainName="api.example.com", patchOperations=[
        {"op": "add", "path": "/endpointConfiguration/types", "value": "REGIONAL"},
        {"op": "add", "path": "/regionalCertificateArn", "value": EDGE_CERT},
    ])
    assert both["endpointConfiguration"]["types"] == ["EDGE", "REGIONAL"]
    assert both["distributionDomainName"] == created["distributionDomainName"]
    assert re.fullmatch(r"d-[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com",
                        both["regionalDomainName"])
    assert both["regionalHostedZoneId"] == "Z1UJRXOUMOOFQ8"
    regional = c.update_domain_name(domainName="api.example.com", patchOperations=[
        {"op": "remove", "path": "/endpointConfiguration/types", "value": "EDGE"},
        {"op": "remove", "path": "certificateName"},
        {"op": "remove", "path": "/certificateArn"},
        {"op": "replace", "path": "/securityPolicy", "value": "TLS_1_0"},
    ])
    assert regional["endpointConfiguration"]["types"] == ["REGIONAL"]
    for gone in ("distributionDomainName", "distributionHostedZoneId", "certificateArn",
                 "certificateName"):
        assert gone not in regional
    assert regional["regionalDomainName"] == both["regionalDomainName"]
    assert regional["securityPolicy"] == "TLS_1_0"
    got = c.get_domain_name(domainName="api.example.com")
    assert without_metadata(got) == without_metadata(regional)


def test_failed_domain_name_patch_changes_nothing(gw):
    c = gw.client()
    before = without_metadata(edge_domain(c))
    with pytest.raises(ClientError) as exc:
        c.update_domain_name(domainName="api.example.com", patchOperations=[
            {"op": "replace", "path": "/securityPolicy", "value": "TLS_1_0"},
            {"op": "remove", "path": "/certificateArn"},
        ])
    assert error_of(exc) == (
        "BadRequestException",
        "A certificate was not provided for the endpoint type EDGE.", 400)
    with pytest.raises(ClientError) as exc:
        c.update_domain_name(domainName="api.example.com", patchOperations=[
            {"op": "replace", "path": "/domainName", "value": "other.example.com"}])
    code, message, status = error_of(exc)
    assert (code, status) == ("BadRequestException", 400)
    assert message.startswith("Invalid patch path  '/domainName' specified for op 'replace'. "
                              "Must be one of: [/certificateName, /certificateArn, ")
    with pytest.raises(ClientError) as exc:
        c.update_domain_name(domainName="api.example.com", patchOperations=[
            {"op": "replace", "path": "/securityPolicy", "value": "TLS_9"}])
    assert error_of(exc)[0] == "BadRequestException"
    assert without_metadata(c.get_domain_name(domainName="api.example.com")) == before


def test_delete_domain_name(gw):
    c = gw.client()
    edge_domain(c)
    deleted = c.delete_domain_name(domainName="api.example.com")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    for call in (c.get_domain_name, c.delete_domain_name):
        with pytest.raises(ClientError) as exc:
            call(domainName="api.example.com")
        assert error_of(exc) == ("NotFoundException",
                                 "Invalid domain name identifier specified", 404)


# -- base path mappings --------------------------------------------------------------------

@pytest.fixture
def mapped(gw):
    """A client, an edge domain name and a REST API with a stage ``prod``."""
    c = gw.client()
    edge_domain(c)
    api_id = c.create_rest_api(name="pets")["id"]
    add_stage(gw, c, api_id, "prod")
    return c, api_id


def test_base_path_mapping_lifecycle(gw, mapped):
    c, api_id = mapped
    none = c.create_base_path_mapping(domainName="api.example.com", restApiId=api_id)
    assert none["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (none["basePath"], none["restApiId"]) == ("(none)", api_id)
    assert "stage" not in none
    v1 = c.create_base_path_mapping(domainName="api.example.com", restApiId=api_id,
                                    basePath="v1", stage="prod")
    assert (v1["basePath"], v1["stage"]) == ("v1", "prod")
    got = c.get_base_path_mapping(domainName="api.example.com", basePath="(none)")
    assert got["restApiId"] == api_id
    items = c.get_base_path_mappings(domainName="api.example.com")["items"]
    assert items == [{"basePath": "(none)", "restApiId": api_id},
                     {"basePath": "v1", "restApiId": api_id, "stage": "prod"}]
    page = c.get_base_path_mappings(domainName="api.example.com", limit=1)
    assert len(page["items"]) == 1 and "position" in page
    deleted = c.delete_base_path_mapping(domainName="api.example.com", basePath="v1")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        c.get_base_path_mapping(domainName="api.example.com", basePath="v1")
    assert error_of(exc) == ("NotFoundException",
                             "Invalid base path mapping identifier specified", 404)


@pytest.mark.parametrize("kwargs, error", [
    ({"restApiId": "nope123456"},
     ("BadRequestException", "Invalid REST API identifier specified", 400)),
    ({"stage": "beta"}, ("BadRequestException", "Invalid stage identifier specified", 400)),
    ({"basePath": "v1/users"},
     ("BadRequestException", "API Gateway V1 doesn't support the slash character (/) in "
      "base path mappings. To create a multi-level base path mapping, use API Gateway V2.",
      400)),
    ({"domainName": "unknown.example.com"},
     ("NotFoundException", "Invalid domain name identifier specified", 404)),
])
def test_create_base_path_mapping_validation(gw, mapped, kwargs, error):
    c, api_id = mapped
    kwargs = {"domainName": "api.example.com", "restApiId": api_id, **kwargs}
    with pytest.raises(ClientError) as exc:
        c.create_base_path_mapping(**kwargs)
    assert error_of(exc) == error
    assert c.get_base_path_mappings(domainName="api.example.com")["items"] == []


def test_duplicate_base_path_conflicts(gw, mapped):
    c, api_id = mapped
    c.create_base_path_mapping(domainName="api.example.com", restApiId=api_id, basePath="v1")
    with pytest.raises(ClientError) as exc:
        c.create_base_path_mapping(domainName="api.example.com", restApiId=api_id,
                                   basePath="v1", stage="prod")
    assert error_of(exc) == ("ConflictException",
                             "Base path already exists for this domain name", 409)


def test_update_base_path_mapping(gw, mapped):
    c, api_id = mapped
    other = c.create_rest_api(name="other")["id"]
    add_stage(gw, c, other, "live")
    c.create_base_path_mapping(domainName="api.example.com", restApiId=api_id, basePath="v1",
                               stage="prod")
    c.create_base_path_mapping(domainName="api.example.com", restApiId=api_id, basePath="v2")
    updated = c.update_base_path_mapping(domainName="api.example.com", basePath="v1",
                                         patchOperations=[
        {"op": "replace", "path": "/basePath", "value": "v3"},
        {"op": "replace", "path": "/restapiId", "value": other},
        {"op": "replace", "path": "/stage", "value": "live"},
    ])
    assert (updated["basePath"], updated["restApiId"], updated["stage"]) == ("v3", other, "live")
    paths = [m["basePath"] for m in c.get_base_path_mappings(
        domainName="api.example.com")["items"]]
    assert sorted(paths) == ["v2", "v3"]
    failures = [
        ([{"op": "replace", "path": "/basePath", "value": "v2"}],
         ("ConflictException", "Base path already exists for this domain name", 409)),
        ([{"op": "replace", "path": "/stage", "value": "prod"}],
         ("BadRequestException", "Invalid stage identifier specified", 400)),
        ([{"op": "replace", "path": "/restapiId", "value": "nope123456"}],
         ("BadRequestException", "Invalid REST API identifier specified", 400)),
        ([{"op": "replace", "path": "/restApiId", "value": other}],
         ("BadRequestException", "Invalid patch path  '/restApiId' specified for op "
          "'replace'. Must be one of: [/basePath, /restapiId, /stage]", 400)),
        ([{"op": "add", "path": "/stage", "value": "live"}],
         ("BadRequestException", "Invalid patch path  '/stage' specified for op 'add'. "
          "Please choose supported operations", 400)),
    ]
    for operations, error in failures:
        with pytest.raises(ClientError) as exc:
            c.update_base_path_mapping(domainName="api.example.com", basePath="v3",
                                       patchOperations=operations)
        assert error_of(exc) == error
    got = c.get_base_path_mapping(domainName="api.example.com", basePath="v3")
    assert (got["restApiId"], got["stage"]) == (other, "live")


def test_deleting_a_domain_name_deletes_its_mappings(gw, mapped):
    c, api_id = mapped
    c.create_base_path_mapping(domainName="api.example.com", restApiId=api_id)
    c.delete_domain_name(domainName="api.example.com")
    edge_domain(c)
    assert c.get_base_path_mappings(domainName="api.example.com")["items"] == []


# -- domain name access associations ----------------------------------------------------

def test_domain_name_access_associations(gw):
    c = gw.client()
    cert = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc"
    private = c.create_domain_name(domainName="private.example.com", certificateArn=cert,
                                   endpointConfiguration={"types": ["PRIVATE"]})
    created = c.create_domain_name_access_association(
        domainNameArn=private["domainNameArn"], accessAssociationSourceType="VPCE",
        accessAssociationSource="vpce-0123456789abcdef0", tags={"k": "v"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    arn = created["domainNameAccessAssociationArn"]
    assert arn == (f"arn:aws:apigateway:us-east-1:{ACCOUNT}:/domainnameaccessassociations/"
                   f"domainname/private.example.com+{private['domainNameId']}"
                   "/vpcesource/vpce-0123456789abcdef0")
    assert created["tags"] == {"k": "v"}
    listed = c.get_domain_name_access_associations()["items"]
    assert [a["domainNameAccessAssociationArn"] for a in listed] == [arn]
    with pytest.raises(ClientError) as exc:
        c.create_domain_name_access_association(
            domainNameArn=private["domainNameArn"], accessAssociationSourceType="VPCE",
            accessAssociationSource="vpce-0123456789abcdef0")
    assert error_of(exc)[0::2] == ("ConflictException", 409)
    public = edge_domain(c)
    with pytest.raises(ClientError) as exc:
        c.create_domain_name_access_association(
            domainNameArn=public["domainNameArn"], accessAssociationSourceType="VPCE",
            accessAssociationSource="vpce-0123456789abcdef0")
    assert error_of(exc) == ("NotFoundException", "Invalid domain name identifier specified",
                             404)
    with pytest.raises(ClientError) as exc:
        c.reject_domain_name_access_association(domainNameAccessAssociationArn=arn,
                                                domainNameArn=public["domainNameArn"])
    assert error_of(exc)[2] == 404
    c.delete_domain_name_access_association(domainNameAccessAssociationArn=arn)
    assert c.get_domain_name_access_associations()["items"] == []
    with pytest.raises(ClientError) as exc:
        c.delete_domain_name_access_association(domainNameAccessAssociationArn=arn)
    assert error_of(exc) == (
        "NotFoundException", "Invalid domain name access association identifier specified", 404)

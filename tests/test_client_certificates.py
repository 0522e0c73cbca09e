"""Client certificates: generated as real self-signed certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError
from cryptography import x509

from tests.support import error_of, without_metadata


def test_generate_client_certificate(gw):
    c = gw.client()
    created = c.generate_client_certificate(description="backend", tags={"env": "test"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    cert_id = created["clientCertificateId"]
    assert len(cert_id) == 6 and cert_id.isalnum() and cert_id.islower()
    assert created["description"] == "backend"
    assert created["tags"] == {"env": "test"}
    assert created["expirationDate"] - created["createdDate"] == dt.timedelta(days=365)
    assert "privateKeyPem" not in created
    pem = created["pemEncodedCertificate"]
    assert pem.startswith("-----BEGIN CERTIFICATE-----\n")
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert cert.issuer == cert.subject
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == cert_id
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=365)
    assert without_metadata(c.get_client_certificate(clientCertificateId=cert_id)) == \
        without_metadata(created)


def test_client_certificates_paging_and_delete(gw):
    c = gw.client()
    ids = [c.generate_client_certificate()["clientCertificateId"] for _ in range(3)]
    first = c.get_client_certificates(limit=2)
    rest = c.get_client_certificates(limit=2, position=first["position"])
    assert [x["clientCertificateId"] for x in first["items"] + rest["items"]] == ids
    assert "position" not in rest
    deleted = c.delete_client_certificate(clientCertificateId=ids[0])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert [x["clientCertificateId"] for x in c.get_client_certificates()["items"]] == ids[1:]


@pytest.mark.parametrize("call", ["get_client_certificate", "delete_client_certificate",
                                  "update_client_certificate"])
def test_unknown_client_certificate(gw, call):
    kwargs = {"patchOperations": []} if call.startswith("update") else {}
    with pytest.raises(ClientError) as exc:
        getattr(gw.client(), call)(clientCertificateId="abc123", **kwargs)
    assert error_of(exc) == ("NotFoundException",
                             "Invalid Client Certificate identifier specified", 404)


def test_update_client_certificate(gw):
    c = gw.client()
    cert_id = c.generate_client_certificate(description="old")["clientCertificateId"]
    updated = c.update_client_certificate(clientCertificateId=cert_id, patchOperations=[
        {"op": "replace", "path": "/description", "value": "new"}])
    assert updated["description"] == "new"
    failures = [
        ({"op": "replace", "path": "/pemEncodedCertificate", "value": "x"},
         "Invalid patch path  '/pemEncodedCertificate' specified for op 'replace'. "
         "Must be one of: [/description]"),
        ({"op": "add", "path": "/description", "value": "x"},
         "Invalid patch path  '/description' specified for op 'add'. "
         "Please choose supported operations"),
    ]
    for operation, message in failures:
        with pytest.raises(ClientError) as exc:
            c.update_client_certificate(clientCertificateId=cert_id, patchOperations=[
                {"op": "replace", "path": "/description", "value": "lost"}, operation])
        assert error_of(exc) == ("BadRequestException", message, 400)
    assert c.get_client_certificate(clientCertificateId=cert_id)["description"] == "new"

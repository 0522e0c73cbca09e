"""ClientCertificate: generate (a real self-signed certificate, valid 365 days), get, list,
update, delete.

Table ``apigateway.clientcertificates``: id -> record (the ClientCertificate fields plus
``privateKeyPem``, unmodeled, for signing requests to HTTP backends).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mockgw.apigateway.common import check_tags, copy_out, paginate
from mockgw.apigateway.registry import operation
from mockgw.errors import NotFoundException
from mockgw.operations import Call
from mockgw.state.patch import apply_patch, scalar

CLIENT_CERTIFICATES = "apigateway.clientcertificates"
VALIDITY = dt.timedelta(days=365)


def client_certificates(call: Call) -> dict[str, dict]:
    return call.store.table(CLIENT_CERTIFICATES)


def client_certificate(call: Call, certificate_id: str) -> dict:
    """The record of a client certificate, or AWS's ``NotFoundException``."""
    found = client_certificates(call).get(certificate_id)
    if found is None:
        raise NotFoundException("Invalid Client Certificate identifier specified")
    return found


@operation("GenerateClientCertificate")
def generate_client_certificate(call: Call, params: dict[str, Any]) -> dict:
    tags = params.get("tags") or {}
    check_tags(tags)
    table = client_certificates(call)
    certificate_id = call.new_id(6)
    while certificate_id in table:
        certificate_id = call.new_id(6)
    created = call.now()
    expires = created + int(VALIDITY.total_seconds())
    certificate_pem, key_pem = call.remember(
        lambda: self_signed_certificate(certificate_id, created, expires))
    record: dict[str, Any] = {
        "clientCertificateId": certificate_id,
        "pemEncodedCertificate": certificate_pem,
        "createdDate": created,
        "expirationDate": expires,
        "privateKeyPem": key_pem,
    }
    if params.get("description") is not None:
        record["description"] = params["description"]
    if tags:
        record["tags"] = dict(tags)
    table[certificate_id] = record
    return copy_out(record)


@operation("GetClientCertificate")
def get_client_certificate(call: Call, params: dict[str, Any]) -> dict:
    return copy_out(client_certificate(call, params["clientCertificateId"]))


@operation("GetClientCertificates")
def get_client_certificates(call: Call, params: dict[str, Any]) -> dict:
    return paginate([copy_out(c) for c in client_certificates(call).values()], params)


@operation("UpdateClientCertificate")
def update_client_certificate(call: Call, params: dict[str, Any]) -> dict:
    current = client_certificate(call, params["clientCertificateId"])
    updated = apply_patch(current, params.get("patchOperations"), _PATCH_PATHS,
                          paths_by_op=True)
    client_certificates(call)[current["clientCertificateId"]] = updated
    return copy_out(updated)


@operation("DeleteClientCertificate")
def delete_client_certificate(call: Call, params: dict[str, Any]) -> dict:
    certificate = client_certificate(call, params["clientCertificateId"])
    del client_certificates(call)[certificate["clientCertificateId"]]
    return {}


def self_signed_certificate(common_name: str, not_before: int,
                            not_after: int) -> tuple[str, str]:
    """A self-signed RSA-2048 certificate and its private key, both PEM."""
    from cryptography import x509  # loaded on first use
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Amazon Web Services"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "ApiGateway"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.fromtimestamp(not_before, dt.UTC))
        .not_valid_after(dt.datetime.fromtimestamp(not_after, dt.UTC))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (certificate.public_bytes(serialization.Encoding.PEM).decode(),
            key_pem.decode())


_PATCH_PATHS = [scalar("/description", ops=("replace",))]

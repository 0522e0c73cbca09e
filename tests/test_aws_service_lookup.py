"""Which botocore service an AWS integration URI names: found without loading every model
(the first integration to a service must not stall)."""

from __future__ import annotations

import pytest
from botocore.loaders import Loader

from mockgw.execute.integrations import aws_services
from mockgw.execute.integrations.aws_services import AwsServices


@pytest.fixture
def loaded(monkeypatch):
    """The service models read while the test runs."""
    names: list[str] = []
    original = Loader.load_service_model

    def counting(self, service_name, type_name, api_version=None):
        model = original(self, service_name, type_name, api_version)
        if type_name == "service-2":
            names.append(service_name)
        return model

    monkeypatch.setattr(Loader, "load_service_model", counting)
    aws_services._client_names_by_prefix.cache_clear()
    yield names
    aws_services._client_names_by_prefix.cache_clear()


@pytest.mark.parametrize(("host", "subdomain", "client"), [
    ("kinesis", "", "kinesis"),
    ("states", "", "stepfunctions"),
    ("runtime.lex", "", "lex-runtime"),
    ("tagging", "", "resourcegroupstaggingapi"),
    ("my-bucket.s3", "my-bucket", "s3"),
])
def test_services_are_found_by_endpoint_prefix_without_a_scan(loaded, host, subdomain,
                                                             client):
    found = AwsServices().find(host)
    assert found is not None
    assert (found[0], found[1].service_name) == (subdomain, client)
    assert loaded == [client]


def test_services_newer_than_the_table_are_read_from_their_own_models(loaded, monkeypatch):
    table = dict(aws_services.ENDPOINT_PREFIXES)
    del table["lex-runtime"]
    monkeypatch.setattr(aws_services, "ENDPOINT_PREFIXES", table)
    found = AwsServices().find("runtime.lex")
    assert found is not None and found[1].service_name == "lex-runtime"
    assert loaded.count("lex-runtime") == 2  # its prefix, then the model itself
    assert len(loaded) == 2


def test_unknown_services_are_not_found(loaded):
    assert AwsServices().find("no-such-service") is None
    assert loaded == []

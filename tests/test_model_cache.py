"""The cache of the served operations' ``http`` the url_map is made from at start
(:func:`mockgw.protocol.models.operations`): the same routes as the models, made again
when a model file changes, and no cache at all where it cannot be written."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import botocore
import pytest
from botocore.loaders import Loader

from mockgw.protocol import models

MODELS = Path(botocore.__file__).parent / "data"


def _full(service: str) -> dict[str, dict]:
    """Each operation's ``http`` read from the model itself."""
    document = models.loader().load_service_model(service, "service-2")
    return {name: {"http": {"method": op["http"]["method"],
                            "requestUri": op["http"]["requestUri"]}}
            for name, op in document["operations"].items()}


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "mockgw"


def test_the_cached_operations_are_the_models(cache):
    for service in models.SERVICES[1:]:
        made = models.operations(service)  # made from the model, then written
        assert made == _full(service)
        assert models.operations(service) == made  # read from the cache
    assert sorted(p.name.split("-")[1] for p in cache.iterdir()) == sorted(
        models.SERVICES[1:])


def test_a_changed_model_file_is_read_again(cache, tmp_path):
    version = sorted(os.listdir(MODELS / "apigatewayv2"))[-1]
    data = tmp_path / "data" / "apigatewayv2" / version
    data.mkdir(parents=True)
    with gzip.open(MODELS / "apigatewayv2" / version / "service-2.json.gz") as handle:
        document = json.load(handle)
    (data / "service-2.json").write_text(json.dumps(document))

    def operations() -> dict[str, dict]:  # a new process's loader, on these models
        loader = Loader(extra_search_paths=[str(tmp_path / "data")],
                        file_loader=models._OperationsOnly(),
                        include_default_search_paths=False)
        return loader.load_service_model("apigatewayv2", "service-2", version)["operations"]

    assert "GetApi" in operations()

    document["operations"]["GetApi"]["http"]["requestUri"] = "/v2/elsewhere/{ApiId}"
    del document["operations"]["DeleteApi"]
    (data / "service-2.json").write_text(json.dumps(document) + " ")  # another size
    changed = operations()
    assert changed["GetApi"]["http"]["requestUri"] == "/v2/elsewhere/{ApiId}"
    assert "DeleteApi" not in changed


def test_without_a_writable_cache_the_models_are_read(cache):
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the directory would be")
    assert models.operations("lambda") == _full("lambda")


def test_a_damaged_cache_file_is_made_again(cache):
    models.operations("lambda")
    (written,) = cache.iterdir()
    written.write_text('{"source": ')
    assert models.operations("lambda") == _full("lambda")
    assert json.loads(written.read_text())["operations"] == _full("lambda")

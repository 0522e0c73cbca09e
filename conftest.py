"""The examples of README.md and docs/*.md run as tests: see tests/doc_examples.py."""

from tests.doc_examples import docs_server, pytest_collect_file, pytest_collection_modifyitems

__all__ = ["docs_server", "pytest_collect_file", "pytest_collection_modifyitems"]

import pytest as _p
@_p.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    with open("/tmp/dbg.txt", "a") as f:
        f.write(f"{config.getvalue('loadgroup')} {items[0].nodeid}\n")

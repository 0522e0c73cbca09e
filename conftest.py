"""The repository's root conftest: the examples of README.md and docs/*.md run as tests
(see tests/doc_examples.py), and how xdist shares the suite between workers."""

from typing import Any

import pytest

from tests.doc_examples import docs_server, pytest_collect_file

__all__ = ["docs_server", "pytest_collect_file", "pytest_xdist_make_scheduler"]

#: Test modules whose tests share one module-scoped setup and run in order (one Terraform
#: apply, then a second release, then destroy): each goes to one worker as a whole.
WHOLE_MODULES = ("tests/test_terraform.py",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under xdist (``-n``), a documentation page's examples share a namespace and the
    modules of :data:`WHOLE_MODULES` a setup, so each goes to one worker, in order; every
    other test is scheduled on its own, as ``--dist load`` does.

    (``--dist loadgroup`` with an ``xdist_group`` mark would say the same, but xdist 3.8
    renames the items through a node attribute pytest 9.2 no longer reads.)"""
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".md") or path in WHOLE_MODULES else nodeid

    return Scheduling(config, log)

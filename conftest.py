"""The examples of README.md and docs/*.md run as tests: see tests/doc_examples.py."""

from tests.doc_examples import docs_server, pytest_collect_file, pytest_xdist_make_scheduler

__all__ = ["docs_server", "pytest_collect_file", "pytest_xdist_make_scheduler"]

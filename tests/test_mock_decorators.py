"""``mock_apigateway`` bare and called, on functions, coroutines, classes and
``unittest.TestCase`` subclasses: every decorated test is collected, and runs mocked."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

DECORATED = textwrap.dedent('''
    import asyncio
    import unittest

    import boto3

    from mockgw import mock_apigateway
    from mockgw.mock import active_application


    def client():
        return boto3.client("apigateway", region_name="eu-west-1")


    def names():
        return [api["name"] for api in client().get_rest_apis()["items"]]


    @mock_apigateway
    def test_bare_function():
        client().create_rest_api(name="bare")
        assert names() == ["bare"]


    @mock_apigateway()
    def test_called_function():
        assert names() == []


    @mock_apigateway
    async def bare_coroutine():
        client().create_rest_api(name="coroutine")
        return names()


    @mock_apigateway()
    async def called_coroutine():
        return names()


    def test_coroutines():
        assert asyncio.run(bare_coroutine()) == ["coroutine"]
        assert asyncio.run(called_coroutine()) == []


    class Methods:
        def test_one(self):
            client().create_rest_api(name="one")
            assert names() == ["one"]

        def test_fresh_state(self):
            assert names() == []


    @mock_apigateway
    class TestBareClass(Methods):
        def test_own(self):
            assert names() == []


    @mock_apigateway()
    class TestCalledClass(Methods):
        def test_own(self):
            assert names() == []


    @mock_apigateway
    class TestBareSetupMethod:
        def setup_method(self, method):
            client().create_rest_api(name="set up")

        def test_sees_the_setup(self):
            assert names() == ["set up"]

        def test_sees_it_alone(self):
            assert names() == ["set up"]


    class Case:  # a mixin, so that only the decorated cases are collected
        def setUp(self):
            client().create_rest_api(name="set up")

        def test_sees_the_setup(self):
            self.assertEqual(names(), ["set up"])

        def test_sees_it_alone(self):
            self.assertEqual(names(), ["set up"])


    @mock_apigateway
    class TestBareCase(Case, unittest.TestCase):
        pass


    @mock_apigateway()
    class TestCalledCase(Case, unittest.TestCase):
        pass


    def test_zz_nothing_is_mocked_afterwards():
        assert active_application() is None
''')


def test_every_decorated_test_is_collected_and_passes(tmp_path: Path):
    (tmp_path / "test_decorated.py").write_text(DECORATED)
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                          "-p", "no:randomly", "test_decorated.py"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    # 2 functions, the coroutines, 3 + 3 methods of the two classes (2 inherited each),
    # 2 with setup_method, 2 + 2 unittest cases, the last check
    assert re.search(r"^16 passed", run.stdout, re.M), run.stdout


def test_unittest_runs_the_decorated_test_cases(tmp_path: Path):
    (tmp_path / "test_decorated.py").write_text(DECORATED)
    run = subprocess.run([sys.executable, "-m", "unittest", "-v", "test_decorated.TestBareCase",
                          "test_decorated.TestCalledCase"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Ran 4 tests" in run.stderr and run.stderr.rstrip().endswith("OK")

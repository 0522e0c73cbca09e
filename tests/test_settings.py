"""Configuration: every setting is a ``mockgw serve`` flag and a ``MOCKGW_*`` variable."""

from __future__ import annotations

import re
import sys
from dataclasses import fields
from pathlib import Path

import boto3
import pytest
import requests

from mockgw import cli
from mockgw.settings import SettingError, Settings, env_name
from mockgw.testing import ServerProcess
from tests.helpers import mock_api

README = Path(__file__).resolve().parent.parent / "README.md"


def test_settings_come_from_the_environment():
    settings = Settings.from_env({"MOCKGW_PORT": "8080", "MOCKGW_SEED": "7",
                                  "MOCKGW_STATE_DIR": "/data", "MOCKGW_LOG_LEVEL": "debug",
                                  "MOCKGW_REGION": "", "MOCKGW_UNKNOWN": "x"})
    assert (settings.port, settings.seed, settings.state_dir, settings.log_level,
            settings.region) == (8080, 7, "/data", "DEBUG", "us-east-1")


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("true", True), ("On", True),
                                            ("0", False), ("no", False), ("off", False)])
def test_boolean_settings_read_the_usual_words(raw, value):
    from mockgw.settings import coerce

    assert coerce(raw, "bool") is value


@pytest.mark.parametrize(("environ", "message"), [
    ({"MOCKGW_PORT": "http"}, "MOCKGW_PORT: 'http' is not int"),
    ({"MOCKGW_LOG_LEVEL": "loud"},
     "log level must be one of DEBUG, INFO, WARNING, ERROR, not 'LOUD'"),
])
def test_a_bad_setting_is_refused_with_its_name(environ, message):
    with pytest.raises(SettingError) as caught:
        Settings.from_env(environ)
    assert str(caught.value) == message


def test_flags_win_over_the_environment(monkeypatch):
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "serve_forever", lambda settings, definitions, **_: seen.append(
        settings) or 0)
    monkeypatch.setenv("MOCKGW_PORT", "9000")
    monkeypatch.setenv("MOCKGW_ACCOUNT", "111122223333")
    assert cli.main(["serve", "--port", "9001", "--state-dir", "/tmp/x"]) == 0
    assert (seen[0].port, seen[0].account, seen[0].state_dir) == (9001, "111122223333", "/tmp/x")


def test_a_bad_environment_variable_stops_the_command(monkeypatch, capsys):
    monkeypatch.setenv("MOCKGW_THREADS", "many")
    with pytest.raises(SystemExit) as stopped:
        cli.main(["serve"])
    assert stopped.value.code == 2
    assert "mockgw serve: error: MOCKGW_THREADS: 'many' is not int" in capsys.readouterr().err


def test_a_missing_server_dependency_is_one_line_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    assert cli.main(["serve", "--port", "0", "--websocket-port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("mockgw: the HTTP server cannot start: ")
    assert "pip install -e ." in err and "Traceback" not in err


def test_every_setting_is_a_flag_and_a_row_of_the_readme_table():
    help_text = cli.build_parser().parse_args(["serve"]).command_parser.format_help()
    readme = README.read_text()
    table = readme[readme.index("## Configuration"):]
    rows = [line for line in table.splitlines() if line.startswith("| `--")]
    for f in fields(Settings):
        flag = "--" + f.name.replace("_", "-")
        assert flag in help_text
        assert any(re.match(rf"\| `{flag}` \| `{env_name(f.name)}` \|", row) for row in rows), \
            f"README's Configuration table has no row for {flag} / {env_name(f.name)}"


def test_the_server_reads_its_settings_from_the_environment():
    env = {"MOCKGW_ACCOUNT": "111122223333", "MOCKGW_REGION": "eu-west-2",
           "MOCKGW_LOG_LEVEL": "WARNING"}
    with ServerProcess(env=env) as server:
        client = boto3.client("apigateway", endpoint_url=server.url, region_name="eu-west-2",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        ids = mock_api(client, body='{"account": "$context.accountId"}')
        client.create_deployment(restApiId=ids["api_id"], stageName="dev")
        unsigned = requests.get(f"{server.url}/restapis", timeout=10)  # region: the default
        assert [a["id"] for a in unsigned.json()["item"]] == [ids["api_id"]]
        answer = requests.get(f"{server.url}/restapis/{ids['api_id']}/dev/_user_request_/items",
                              timeout=10)
        assert answer.json() == {"account": "111122223333"}
        assert not any(" GET /restapis " in line for line in server.output)  # WARNING: quiet

"""What a Python function sees of its Lambda environment: stack traces under /var/task,
the variables Lambda sets, placeholder credentials, and boto3 calls that reach mockgw."""

from __future__ import annotations

import os
import re

import pytest

from tests.lambda_support import ACCOUNT, REGION, answer, create, package_files

ENVIRONMENT = """
    import os

    def handler(event, context):
        names = ("AWS_ACCESS_KEY_ID", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                 "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME",
                 "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_REGION", "AWS_DEFAULT_REGION",
                 "AWS_EXECUTION_ENV", "_HANDLER", "TZ", "LANG", "AWS_LAMBDA_RUNTIME_API",
                 "AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL")
        root = os.environ["LAMBDA_TASK_ROOT"]
        return {
            "env": {name: os.environ.get(name) for name in names},
            "secret": os.environ.get("AWS_SECRET_ACCESS_KEY"),
            "token": os.environ.get("AWS_SESSION_TOKEN"),
            "trace": os.environ.get("_X_AMZN_TRACE_ID"),
            "stream": os.environ["AWS_LAMBDA_LOG_STREAM_NAME"] == context.log_stream_name,
            "runtime_dir": os.path.isfile(os.path.join(os.environ["LAMBDA_RUNTIME_DIR"],
                                                       "bootstrap.py")),
            "pwd": os.environ.get("PWD") == root == os.getcwd(),
            "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
        }
"""


def test_the_variables_lambda_sets(gw, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "the-developers-own-secret")
    c = gw.client("lambda")
    create(c, "env", ENVIRONMENT, Runtime="python3.13", MemorySize=512)
    got = answer(c.invoke(FunctionName="env"))
    assert got["env"] == {
        "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_LAMBDA_FUNCTION_NAME": "env",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/env",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION, "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "_HANDLER": "handler.handler", "TZ": ":UTC", "LANG": "en_US.UTF-8",
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "AWS_LAMBDA_LOG_FORMAT": "Text",
        "AWS_LAMBDA_LOG_LEVEL": None}
    assert got["secret"] and got["secret"] != "the-developers-own-secret"
    assert got["token"]
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0",
                        got["trace"])
    assert got["stream"] and got["runtime_dir"] and got["pwd"]
    if gw.mode == "server":  # the function's own AWS calls go to the server
        assert got["endpoint"] == gw.endpoint_url
    else:
        assert got["endpoint"] == os.environ.get("AWS_ENDPOINT_URL")


LOCAL_TIME = """
    import datetime, os, time

    def handler(event, context):
        return {"tz": os.environ["TZ"], "local": datetime.datetime.now().astimezone().isoformat(),
                "name": time.tzname[0]}
"""


def test_tz_is_the_functions_own_to_set(gw):
    c = gw.client("lambda")
    create(c, "utc", LOCAL_TIME)
    got = answer(c.invoke(FunctionName="utc"))
    assert (got["tz"], got["name"]) == (":UTC", "UTC")
    assert got["local"].endswith("+00:00")
    create(c, "tokyo", LOCAL_TIME, Environment={"Variables": {"TZ": "Asia/Tokyo"}})
    got = answer(c.invoke(FunctionName="tokyo"))
    assert (got["tz"], got["name"]) == ("Asia/Tokyo", "JST")
    assert got["local"].endswith("+09:00")
    c.update_function_configuration(FunctionName="utc",
                                    Environment={"Variables": {"TZ": "America/New_York"}})
    assert answer(c.invoke(FunctionName="utc"))["name"] == "EST"


@pytest.mark.parametrize("logging_config, variables", [
    ({"LogFormat": "Text"}, {"AWS_LAMBDA_LOG_FORMAT": "Text", "AWS_LAMBDA_LOG_LEVEL": None}),
    ({"LogFormat": "JSON"}, {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}),
    ({"LogFormat": "JSON", "ApplicationLogLevel": "TRACE", "SystemLogLevel": "WARN"},
     {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "TRACE"}),
])
def test_the_log_format_and_level_reach_the_runtime(gw, logging_config, variables):
    c = gw.client("lambda")
    create(c, "logvars", """
        import os

        def handler(event, context):
            return {name: os.environ.get(name)
                    for name in ("AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL")}
    """, LoggingConfig=logging_config)
    assert answer(c.invoke(FunctionName="logvars")) == variables


def test_stack_traces_show_the_code_under_var_task(gw):
    c = gw.client("lambda")
    create(c, "raises", "", Code={"ZipFile": package_files({
        "handler.py": "import helpers\n\ndef handler(event, context):\n"
                      "    return helpers.fail(event['why'])\n",
        "helpers.py": "def fail(why):\n    raise RuntimeError(why)\n"})})
    error = answer(c.invoke(FunctionName="raises", Payload=b'{"why": "no"}'))
    assert error["stackTrace"] == [
        '  File "/var/task/handler.py", line 4, in handler\n'
        "    return helpers.fail(event['why'])\n",
        '  File "/var/task/helpers.py", line 2, in fail\n    raise RuntimeError(why)\n']
    create(c, "unparsable", "def handler(event, context)\n    return 1\n")
    error = answer(c.invoke(FunctionName="unparsable"))
    assert error["stackTrace"] == [
        '  File "/var/task/handler.py" Line 1\n    def handler(event, context)\n']


def test_boto3_in_handlers_reaches_mockgw(gw):
    c = gw.client("lambda", access_key="111122223333")
    create(c, "caller", """
        import boto3

        def handler(event, context):
            if not event.get("call"):
                return boto3.__name__
            lam = boto3.client("lambda")
            return [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    """)
    assert answer(c.invoke(FunctionName="caller")) == "boto3"
    if gw.mode != "server":
        pytest.skip("in-process, worker processes have no server to call")
    gw.client("lambda").create_function(  # the default account's: not listed
        FunctionName="elsewhere", Runtime="python3.12", Handler="handler.handler",
        Role=f"arn:aws:iam::{ACCOUNT}:role/r", Code={"ZipFile": package_files({"handler.py": ""})})
    assert answer(c.invoke(FunctionName="caller", Payload=b'{"call": true}')) == ["caller"]


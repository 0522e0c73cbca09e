"""Invoking zip functions through boto3: answers, context, errors, timeouts, logs, warm
workers, asynchronous and dry-run invocations."""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import time

import pytest
from botocore.exceptions import ClientError

from mockgw.runtime.engine import billed_duration_ms
from mockgw.runtime.workers import Execution
from tests.lambda_support import ARN, ECHO, ROLE, answer, create, error_of, zip_code

COUNTER = """
    import os

    count = 0

    def handler(event, context):
        global count
        count += 1
        return {"count": count, "pid": os.getpid(), "stream": context.log_stream_name}
"""


def log_of(result: dict) -> str:
    return base64.b64decode(result["LogResult"]).decode()


def test_invoke_answers_the_handlers_result(gw):
    c = gw.client("lambda")
    create(c, "echo", ECHO)
    result = c.invoke(FunctionName="echo", Payload=json.dumps({"name": "Ada"}))
    assert result["StatusCode"] == 200
    assert result["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in result
    assert answer(result) == {"event": {"name": "Ada"}, "version": "$LATEST"}
    assert answer(c.invoke(FunctionName="echo"))["event"] == {}
    create(c, "nothing", "def handler(event, context):\n    return None\n")
    assert c.invoke(FunctionName="nothing")["Payload"].read() == b"null"


def test_context_and_environment(gw):
    c = gw.client("lambda")
    create(c, "ctx", """
        import os

        def handler(event, context):
            names = ("AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_REGION",
                     "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "_HANDLER",
                     "AWS_EXECUTION_ENV", "AWS_LAMBDA_LOG_GROUP_NAME", "GREETING", "TZ")
            custom = context.client_context.custom if context.client_context else None
            return {
                "env": {name: os.environ.get(name) for name in names},
                "code_here": os.path.exists(os.path.join(os.environ["LAMBDA_TASK_ROOT"],
                                                         "handler.py")),
                "request_id": context.aws_request_id,
                "function_name": context.function_name,
                "function_version": context.function_version,
                "invoked_function_arn": context.invoked_function_arn,
                "memory_limit_in_mb": context.memory_limit_in_mb,
                "log_group_name": context.log_group_name,
                "log_stream_name": context.log_stream_name,
                "remaining": context.get_remaining_time_in_millis(),
                "custom": custom,
            }
    """, MemorySize=256, Timeout=30, Environment={"Variables": {"GREETING": "hello"}})
    client_context = base64.b64encode(json.dumps({"custom": {"tenant": "t1"}}).encode())
    result = c.invoke(FunctionName="ctx", ClientContext=client_context.decode())
    got = answer(result)
    assert got["env"] == {
        "AWS_LAMBDA_FUNCTION_NAME": "ctx", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "_HANDLER": "handler.handler",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/ctx", "GREETING": "hello", "TZ": ":UTC"}
    assert got["code_here"] is True
    assert got["request_id"] == result["ResponseMetadata"]["RequestId"]
    assert (got["function_name"], got["function_version"]) == ("ctx", "$LATEST")
    assert got["invoked_function_arn"] == f"{ARN}:ctx"
    assert got["memory_limit_in_mb"] == "256"
    assert got["log_group_name"] == "/aws/lambda/ctx"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", got["log_stream_name"])
    assert 25_000 < got["remaining"] <= 30_000
    assert got["custom"] == {"tenant": "t1"}


def test_handler_exception_answers_the_error_document(gw):
    c = gw.client("lambda")
    create(c, "raises", """
        def handler(event, context):
            raise KeyError(event["missing"] if "missing" in event else "action")
    """)
    result = c.invoke(FunctionName="raises", LogType="Tail")
    assert result["StatusCode"] == 200
    assert result["FunctionError"] == "Unhandled"
    error = answer(result)
    assert error["errorMessage"] == "'action'"
    assert error["errorType"] == "KeyError"
    assert error["requestId"] == result["ResponseMetadata"]["RequestId"]
    assert len(error["stackTrace"]) == 1
    assert re.fullmatch(r'  File "/.+/handler\.py", line 3, in handler\n    raise KeyError\(.*\)\n',
                        error["stackTrace"][0])
    assert "[ERROR] KeyError: 'action'\nTraceback (most recent call last):\n\u00a0\u00a0File " \
        in log_of(result)


def test_function_error_headers_on_the_wire(gw):
    c = gw.client("lambda")
    create(c, "wire", "def handler(event, context):\n    raise ValueError('boom')\n")
    response = gw.raw("POST", "/2015-03-31/functions/wire/invocations", data=b"{}",
                      headers={"X-Amz-Log-Type": "Tail"})
    assert response.status_code == 200
    assert response.headers["X-Amz-Function-Error"] == "Unhandled"
    assert response.headers["X-Amz-Executed-Version"] == "$LATEST"
    assert "REPORT RequestId:" in base64.b64decode(response.headers["X-Amz-Log-Result"]).decode()
    assert response.json()["errorType"] == "ValueError"


def test_log_tail(gw):
    c = gw.client("lambda")
    create(c, "chatty", """
        import sys

        print("loading")

        def handler(event, context):
            print("to stdout", event.get("n"))
            print("to stderr", file=sys.stderr)
            print("x" * event.get("pad", 0))
            return "ok"
    """)
    first = c.invoke(FunctionName="chatty", Payload=b'{"n": 1}', LogType="Tail")
    request_id = first["ResponseMetadata"]["RequestId"]
    text = log_of(first)
    assert text.startswith("loading\n") or text.startswith(f"START RequestId: {request_id} ")
    lines = text.splitlines()
    start = lines.index(f"START RequestId: {request_id} Version: $LATEST")
    assert lines[start + 1:start + 3] == ["to stdout 1", "to stderr"]
    assert lines[-2] == f"END RequestId: {request_id}"
    report = lines[-1].split("\t")
    assert report[0] == f"REPORT RequestId: {request_id}"
    assert re.fullmatch(r"Duration: \d+\.\d\d ms", report[1])
    assert re.fullmatch(r"Billed Duration: \d+ ms", report[2])
    assert report[3] == "Memory Size: 128 MB"
    assert re.fullmatch(r"Max Memory Used: \d+ MB", report[4])
    assert re.fullmatch(r"Init Duration: \d+\.\d\d ms", report[5])
    assert report[6:] == [""]
    # a cold start bills its init phase too (since August 2025), rounded up to the
    # millisecond; the durations shown are rounded to 1/100 ms
    duration, billed, init = (float(report[i].split()[-2]) for i in (1, 2, 5))
    assert duration + init - 0.01 <= billed < duration + init + 1.01
    warm = log_of(c.invoke(FunctionName="chatty", Payload=b'{"n": 2}', LogType="Tail"))
    assert "Init Duration" not in warm and "loading" not in warm
    warm_report = warm.splitlines()[-1].split("\t")
    duration, billed = (float(warm_report[i].split()[-2]) for i in (1, 2))
    assert duration - 0.005 <= billed < duration + 1.005
    big = c.invoke(FunctionName="chatty", Payload=b'{"pad": 10000}', LogType="Tail")
    tail = base64.b64decode(big["LogResult"])
    assert len(tail) == 4096
    assert tail.decode().endswith("\t\n") and "START" not in tail.decode()
    assert "LogResult" not in c.invoke(FunctionName="chatty")


@pytest.mark.parametrize("duration, init, billed", [
    (15.74, 130.49, 147),  # AWS's Python logging guide: a cold start's REPORT
    (3923.569, 145.399, 4069),  # a captured JSON platform.report
    (2.761, None, 3), (7.0, None, 7)])
def test_billed_duration_rounds_up_duration_and_init(duration, init, billed):
    assert billed_duration_ms(Execution(duration_ms=duration, init_ms=init)) == billed


def test_timeout_kills_the_worker(gw):
    c = gw.client("lambda")
    create(c, "slow", """
        import time

        count = 0

        def handler(event, context):
            global count
            count += 1
            if event.get("sleep"):
                print("sleeping")
                time.sleep(event["sleep"])
            return count
    """, Timeout=1)
    assert answer(c.invoke(FunctionName="slow")) == 1
    started = time.monotonic()
    result = c.invoke(FunctionName="slow", Payload=b'{"sleep": 30}', LogType="Tail")
    assert time.monotonic() - started < 10
    request_id = result["ResponseMetadata"]["RequestId"]
    assert result["FunctionError"] == "Unhandled"
    assert answer(result) == {"errorType": "Sandbox.Timedout", "errorMessage": (
        f"RequestId: {request_id} Error: Task timed out after 1.00 seconds")}
    text = log_of(result)
    assert "sleeping\n" in text
    assert re.search(rf"\dZ {request_id} Task timed out after 1\.00 seconds\n", text)
    assert text.rstrip().endswith("Status: timeout")
    assert answer(c.invoke(FunctionName="slow")) == 1  # a fresh worker: module state is new


def test_warm_workers_keep_module_state_until_the_code_changes(gw):
    c = gw.client("lambda")
    create(c, "counter", COUNTER)
    runs = [answer(c.invoke(FunctionName="counter")) for _ in range(3)]
    assert [r["count"] for r in runs] == [1, 2, 3]
    assert len({r["pid"] for r in runs}) == 1 and len({r["stream"] for r in runs}) == 1
    c.publish_version(FunctionName="counter")
    assert answer(c.invoke(FunctionName="counter", Qualifier="1"))["count"] == 1
    assert answer(c.invoke(FunctionName="counter"))["count"] == 4
    changed = zip_code(COUNTER.replace("count = 0", "count = 0  # v2"))
    c.update_function_code(FunctionName="counter", ZipFile=changed)
    fresh = answer(c.invoke(FunctionName="counter"))
    assert fresh["count"] == 1 and fresh["pid"] != runs[0]["pid"]
    assert answer(c.invoke(FunctionName="counter", Qualifier="1"))["count"] == 2
    c.update_function_configuration(FunctionName="counter",
                                    Environment={"Variables": {"NEW": "env"}})
    assert answer(c.invoke(FunctionName="counter"))["count"] == 1


def test_concurrent_invocations_use_more_than_one_worker(gw):
    c = gw.client("lambda")
    create(c, "parallel", """
        import os, time

        def handler(event, context):
            time.sleep(0.5)
            return os.getpid()
    """)
    pids = []
    threads = [threading.Thread(target=lambda: pids.append(answer(c.invoke(
        FunctionName="parallel")))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(pids)) == 2


@pytest.mark.parametrize("source, handler, error_type, message", [
    ("import missingdep\n", "handler.handler", "Runtime.ImportModuleError",
     "Unable to import module 'handler': No module named 'missingdep'"),
    ("def other(event, context):\n    return 1\n", "handler.nope", "Runtime.HandlerNotFound",
     "Handler 'nope' missing on module 'handler'"),
    ("def other(event, context):\n    return 1\n", "nodot", "Runtime.MalformedHandlerName",
     "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)"),
    ("raise ValueError('bad config')\n", "handler.handler", "ValueError", "bad config"),
    ("def handler(event, context)\n    return 1\n", "handler.handler",
     "Runtime.UserCodeSyntaxError", "Syntax error in module 'handler': expected ':' "
     "(handler.py, line 1)"),
])
def test_init_errors(gw, source, handler, error_type, message):
    c = gw.client("lambda")
    c.create_function(FunctionName="broken", Runtime="python3.12", Role=ROLE, Handler=handler,
                      Code={"ZipFile": zip_code(source)})
    result = c.invoke(FunctionName="broken", LogType="Tail")
    assert result["FunctionError"] == "Unhandled"
    error = answer(result)
    assert (error["errorType"], error["errorMessage"]) == (error_type, message)
    text = log_of(result)
    assert text.startswith(f"[ERROR] {error_type}: {message}")
    assert text.rstrip().endswith(f"Status: error\tError Type: {error_type}")
    assert answer(c.invoke(FunctionName="broken"))["errorType"] == error_type


@pytest.mark.parametrize("result, message", [
    ("{1, 2}", "Object of type set is not JSON serializable"),
    ("{'at': object()}", "Object of type object is not JSON serializable"),
    ("{'raw': b'\\xff'}",
     "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
])
def test_unserializable_result(gw, result, message):
    c = gw.client("lambda")
    create(c, "unwritable", f"def handler(event, context):\n    return {result}\n")
    answered = c.invoke(FunctionName="unwritable", LogType="Tail")
    assert answered["FunctionError"] == "Unhandled"
    assert answer(answered) == {"errorMessage": f"Unable to marshal response: {message}",
                                "errorType": "Runtime.MarshalError",
                                "requestId": answered["ResponseMetadata"]["RequestId"],
                                "stackTrace": []}
    assert f"[ERROR] Runtime.MarshalError: Unable to marshal response: {message}" in \
        log_of(answered)


RESULTS = """
    from decimal import Decimal

    def handler(event, context):
        if event.get("raw"):
            return b"\\x00\\xffnot json"
        return {"price": Decimal("1.10"), "big": Decimal("12345678901234567890"),
                "tiny": Decimal("1E-7"), "nan": Decimal("NaN"), "inf": float("inf"),
                "bytes": b"caf\\xc3\\xa9", "text": "\u00a31.00 caf\u00e9",
                "nested": [Decimal("-0.50"), (1, 2)]}
"""


@pytest.mark.parametrize("runtime, text", [
    # the Python runtime writes non-ASCII characters as they are only for these runtimes
    ("python3.12", "\u00a31.00 caf\u00e9"), ("python3.13", "\u00a31.00 caf\u00e9"),
    ("python3.14", "\u00a31.00 caf\u00e9"),
    ("python3.11", "\\u00a31.00 caf\\u00e9"), ("python3.10", "\\u00a31.00 caf\\u00e9"),
])
def test_results_are_written_as_the_python_runtime_writes_them(gw, runtime, text):
    c = gw.client("lambda")
    create(c, "writes", RESULTS, Runtime=runtime)
    result = c.invoke(FunctionName="writes")
    assert "FunctionError" not in result
    bytes_text = "caf\u00e9" if runtime in ("python3.12", "python3.13", "python3.14") \
        else "caf\\u00e9"
    assert result["Payload"].read() == (
        '{"price": 1.10, "big": 12345678901234567890, "tiny": 1E-7, "nan": NaN, '
        f'"inf": Infinity, "bytes": "{bytes_text}", "text": "{text}", '
        '"nested": [-0.50, [1, 2]]}').encode()
    raw = c.invoke(FunctionName="writes", Payload=b'{"raw": true}')
    assert "FunctionError" not in raw
    assert raw["Payload"].read() == b"\x00\xffnot json"


@pytest.mark.parametrize("params, message", [
    ({"InvocationType": "dry_run"},
     "1 validation error detected: Value 'dry_run' at 'invocationType' failed to satisfy "
     "constraint: Member must satisfy enum value set: [DryRun, RequestResponse, Event]"),
    ({"LogType": "tail"},
     "1 validation error detected: Value 'tail' at 'logType' failed to satisfy constraint: "
     "Member must satisfy enum value set: [Tail, None]"),
    ({"InvocationType": "event", "LogType": "NONE"},
     "2 validation errors detected: Value 'event' at 'invocationType' failed to satisfy "
     "constraint: Member must satisfy enum value set: [DryRun, RequestResponse, Event]; "
     "Value 'NONE' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: "
     "[Tail, None]"),
])
def test_invocation_and_log_types_are_validated(gw, tmp_path, params, message):
    c = gw.client("lambda")
    marker = tmp_path / "ran"
    create(c, "typed", """
        import os, pathlib

        def handler(event, context):
            pathlib.Path(os.environ["MARKER"]).write_text("ran")
    """, Environment={"Variables": {"MARKER": str(marker)}})
    with pytest.raises(ClientError) as exc:
        c.invoke(FunctionName="typed", **params)
    assert error_of(exc) == ("ValidationException", message, 400)
    assert not marker.exists()  # nothing ran (a bad type used to run it synchronously)


@pytest.mark.parametrize("how, status", [
    ("os._exit(3)", "exit status 3"),
    ("os.kill(os.getpid(), signal.SIGKILL)", "signal: killed"),
])
def test_crashing_worker(gw, how, status):
    c = gw.client("lambda")
    create(c, "crash", f"""
        import os, signal

        def handler(event, context):
            if event.get("crash"):
                {how}
            return "fine"
    """)
    result = c.invoke(FunctionName="crash", Payload=b'{"crash": true}', LogType="Tail")
    request_id = result["ResponseMetadata"]["RequestId"]
    assert result["FunctionError"] == "Unhandled"
    assert answer(result) == {"errorType": "Runtime.ExitError", "errorMessage": (
        f"RequestId: {request_id} Error: Runtime exited with error: {status}")}
    assert "Status: error\tError Type: Runtime.ExitError" in log_of(result)
    assert answer(c.invoke(FunctionName="crash")) == "fine"


def test_event_payloads_up_to_one_megabyte(gw):
    c = gw.client("lambda")
    create(c, "large", ECHO)
    largest = b'"' + b"x" * (1024 * 1024 - 2) + b'"'
    assert c.invoke(FunctionName="large", InvocationType="Event",
                    Payload=largest)["StatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        c.invoke(FunctionName="large", InvocationType="Event", Payload=largest + b" ")
    assert error_of(exc) == (
        "RequestEntityTooLargeException",
        "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)",
        413)


def test_event_invocation_runs_in_the_background(gw, tmp_path):
    c = gw.client("lambda")
    marker = tmp_path / "ran"
    create(c, "async", """
        import os, pathlib

        def handler(event, context):  # the marker appears whole: written, then renamed
            written = pathlib.Path(os.environ["MARKER"] + ".part")
            written.write_text(event["value"])
            os.replace(written, os.environ["MARKER"])
    """, Environment={"Variables": {"MARKER": str(marker)}})
    result = c.invoke(FunctionName="async", InvocationType="Event", Payload=b'{"value": "v"}')
    assert result["StatusCode"] == 202
    assert result["Payload"].read() == b""
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)  # polling for the side effect
    assert marker.read_text() == "v"


def test_dry_run_validates_without_running(gw, tmp_path):
    c = gw.client("lambda")
    marker = tmp_path / "ran"
    create(c, "dry", """
        import os, pathlib

        def handler(event, context):
            pathlib.Path(os.environ["MARKER"]).write_text("ran")
    """, Environment={"Variables": {"MARKER": str(marker)}})
    result = c.invoke(FunctionName="dry", InvocationType="DryRun")
    assert result["StatusCode"] == 204
    assert not marker.exists()
    with pytest.raises(ClientError) as exc:
        c.invoke(FunctionName="dry", InvocationType="DryRun", Qualifier="9")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {ARN}:dry:9",
                             404)


@pytest.mark.parametrize("params, code, status, message", [
    ({"FunctionName": "nope"}, "ResourceNotFoundException", 404,
     f"Function not found: {ARN}:nope"),
    ({"FunctionName": "inv", "Qualifier": "3"}, "ResourceNotFoundException", 404,
     f"Function not found: {ARN}:inv:3"),
    ({"FunctionName": "inv:no-alias"}, "ResourceNotFoundException", 404,
     f"Function not found: {ARN}:inv:no-alias"),
    ({"FunctionName": "inv", "Payload": b"not json"}, "InvalidRequestContentException", 400,
     re.compile(r"^Could not parse request body into json: Could not parse payload into json: ")),
    ({"FunctionName": "inv", "Payload": b"[" + b"1," * 3_200_000 + b"1]"},
     "RequestEntityTooLargeException", 413,
     "Request must be smaller than 6291456 bytes for the InvokeFunction operation"),
    ({"FunctionName": "inv", "InvocationType": "Event",
      "Payload": b'"' + b"x" * 1_048_575 + b'"'}, "RequestEntityTooLargeException", 413,
     "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"),
    ({"FunctionName": "inv", "ClientContext": "not base64!"}, "InvalidRequestContentException",
     400, "Client context must be a valid Base64-encoded JSON object."),
    ({"FunctionName": "arn:aws:lambda:us-east-1:123400000000@function:myfn"},
     "ValidationException", 400, re.compile(
         r"^1 validation error detected: Value 'arn:aws:lambda:us-east-1:123400000000@function:"
         r"myfn' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
         r"expression pattern: ")),
])
def test_invoke_errors(gw, params, code, status, message):
    c = gw.client("lambda")
    create(c, "inv", ECHO)
    with pytest.raises(ClientError) as exc:
        c.invoke(**params)
    got_code, got_message, got_status = error_of(exc)
    assert (got_code, got_status) == (code, status)
    if isinstance(message, re.Pattern):
        assert message.match(got_message), got_message
    else:
        assert got_message == message


@pytest.mark.parametrize(("runtime", "handler", "filename"), [
    ("java21", "example.Handler::handleRequest", "Handler.class"),
    ("dotnet8", "App::App.Function::Handler", "App.dll"),
    ("provided.al2023", "bootstrap", "bootstrap"),
    ("ruby3.3", "app.handler", "app.rb"),
])
def test_functions_of_runtimes_mockgw_cannot_run(gw, runtime, handler, filename):
    c = gw.client("lambda")
    c.create_function(FunctionName="other", Runtime=runtime, Role=ROLE, Handler=handler,
                      Code={"ZipFile": zip_code("x", filename)})
    with pytest.raises(ClientError) as exc:
        c.invoke(FunctionName="other")
    assert error_of(exc) == (
        "InvalidRuntimeException",
        f"mockgw runs only python3.x and nodejs functions from .zip packages, not {runtime}; "
        "run such functions at the endpoint that AWS_ENDPOINT_URL_LAMBDA names", 502)


def test_functions_see_the_inherited_aws_environment(gw, monkeypatch):
    if gw.mode == "server":
        pytest.skip("the server process has its own environment")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    c = gw.client("lambda")
    create(c, "inherits", """
        import os

        def handler(event, context):
            return [os.environ.get("AWS_ENDPOINT_URL_S3"), os.environ.get("PYTEST_CURRENT_TEST")]
    """)
    assert os.environ.get("PYTEST_CURRENT_TEST")
    assert answer(c.invoke(FunctionName="inherits")) == ["http://127.0.0.1:9", None]

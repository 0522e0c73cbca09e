"""A Python function's log as LogResult shows it: `logging` records in the runtime's text
format (one line each), and with `LoggingConfig` asking for JSON, awslambdaric's JSON
records, the application log level, and the platform's JSON events."""

from __future__ import annotations

import base64
import json
import math
import re

import pytest

from tests.lambda_support import ARN, answer, create

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"  # a log record's time, UTC milliseconds

LOGGING = """
    import logging
    import sys

    logging.getLogger().info("loading")
    log = logging.getLogger("app")

    def handler(event, context):
        log.debug("debug %s", 1)
        log.info("info %s", 2, extra={"order": "o-1"})
        log.warning("caf\\u00e9")
        print("printed")
        print('{"level": "debug", "message": "printed json"}')
        try:
            raise KeyError("missing")
        except KeyError:
            log.exception("failed")
        print("to stderr", file=sys.stderr)
        if event.get("fail"):
            raise ValueError("bad")
        return "ok"
"""


def log_lines(result: dict) -> list[str]:
    return base64.b64decode(result["LogResult"]).decode().splitlines()


def without_times(line: str) -> str:
    return re.sub(STAMP, "<time>", line)


def test_logging_records_are_one_line_each(gw):
    c = gw.client("lambda")
    create(c, "textlogs", LOGGING.replace('log = logging.getLogger("app")',
                                          'log = logging.getLogger("app"); '
                                          'logging.getLogger().setLevel(logging.INFO)'))
    result = c.invoke(FunctionName="textlogs", LogType="Tail")
    request_id = result["ResponseMetadata"]["RequestId"]
    lines = log_lines(result)
    start = lines.index(f"START RequestId: {request_id} Version: $LATEST")
    assert [without_times(line) for line in lines[start + 1:-2]] == [
        f"[INFO]\t<time>\t{request_id}\tinfo 2",
        f"[WARNING]\t<time>\t{request_id}\tcaf\u00e9",
        "printed",
        '{"level": "debug", "message": "printed json"}',
        f"[ERROR]\t<time>\t{request_id}\tfailed",
        "Traceback (most recent call last):",
        '  File "/var/task/handler.py", line 15, in handler',
        '    raise KeyError("missing")',
        "KeyError: 'missing'",
        "to stderr"]
    assert lines[-2] == f"END RequestId: {request_id}"
    assert lines[-1].startswith(f"REPORT RequestId: {request_id}\tDuration: ")


def platform_event(line: str) -> dict:
    """A JSON system log event, checked to be written as Lambda writes them (compact)."""
    event = json.loads(line)
    assert list(event) == ["time", "type", "record"]
    assert re.fullmatch(STAMP, event["time"])
    assert line == json.dumps(event, separators=(",", ":"))
    return event


def record(line: str) -> dict:
    """A JSON log record of the Python runtime, checked to be written as awslambdaric's
    JsonFormatter writes them (its key order, `", "` and `": "`, non-ASCII as it is)."""
    doc = json.loads(line)
    assert re.fullmatch(STAMP, doc["timestamp"])
    assert line == json.dumps(doc, ensure_ascii=False)
    return doc


def test_json_log_format(gw):
    c = gw.client("lambda")
    create(c, "jsonlogs", LOGGING, LoggingConfig={"LogFormat": "JSON"})
    result = c.invoke(FunctionName="jsonlogs", LogType="Tail")
    assert answer(result) == "ok"
    request_id = result["ResponseMetadata"]["RequestId"]
    lines = log_lines(result)
    # the init phase's record (no request yet), then the invocation
    assert len(lines) == 8
    loading = record(lines[0])
    assert loading == {"timestamp": loading["timestamp"], "level": "INFO", "message": "loading",
                       "logger": "root", "requestId": ""}
    assert platform_event(lines[1])["type"] == "platform.start"
    assert platform_event(lines[1])["record"] == {
        "requestId": request_id, "functionArn": f"{ARN}:jsonlogs", "version": "$LATEST"}
    info = record(lines[2])
    assert list(info.items())[1:] == [("level", "INFO"), ("message", "info 2"),
                                      ("logger", "app"), ("requestId", request_id),
                                      ("order", "o-1")]
    assert list(record(lines[3]).items())[1:] == [
        ("level", "WARNING"), ("message", "caf\u00e9"), ("logger", "app"),
        ("requestId", request_id)]
    assert lines[4] == "printed"  # print() is no logging record: plain text, level INFO
    failed = record(lines[5])
    assert list(failed.items())[1:] == [
        ("level", "ERROR"), ("message", "failed"), ("logger", "app"),
        ("stackTrace", ['  File "/var/task/handler.py", line 15, in handler\n'
                        '    raise KeyError("missing")\n']),
        ("errorType", "KeyError"), ("errorMessage", "'missing'"), ("requestId", request_id),
        ("location", "/var/task/handler.py:handler:17")]
    assert lines[6] == "to stderr"
    report = platform_event(lines[7])
    assert report["type"] == "platform.report"
    assert list(report["record"]) == ["requestId", "metrics", "status"]
    assert (report["record"]["requestId"], report["record"]["status"]) == (request_id, "success")
    metrics = report["record"]["metrics"]
    assert list(metrics) == ["durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB",
                             "initDurationMs"]
    assert metrics["memorySizeMB"] == 128 and metrics["maxMemoryUsedMB"] > 0
    assert metrics["billedDurationMs"] == math.ceil(metrics["durationMs"]
                                                    + metrics["initDurationMs"])
    warm = log_lines(c.invoke(FunctionName="jsonlogs", LogType="Tail"))
    assert [json.loads(line).get("type") or json.loads(line)["level"]
            for line in warm if line.startswith("{")] == [
        "platform.start", "INFO", "WARNING", "ERROR", "platform.report"]
    assert "initDurationMs" not in warm[-1]
    assert not any(line.startswith(("START ", "END ", "REPORT ")) for line in warm)


def test_application_log_level(gw):
    c = gw.client("lambda")
    create(c, "warnlogs", LOGGING, LoggingConfig={"LogFormat": "JSON",
                                                  "ApplicationLogLevel": "WARN"})
    result = c.invoke(FunctionName="warnlogs", LogType="Tail", Payload=b'{"fail": true}')
    request_id = result["ResponseMetadata"]["RequestId"]
    assert answer(result)["errorType"] == "ValueError"
    lines = log_lines(result)
    # INFO records, print() output and stderr lines (INFO: no level of their own) are dropped
    assert len(lines) == 5
    assert platform_event(lines[0])["type"] == "platform.start"
    assert (record(lines[1])["level"], record(lines[2])["level"]) == ("WARNING", "ERROR")
    assert platform_event(lines[4])["type"] == "platform.report"
    # the runtime's own error line: awslambdaric's log_error (a timestamp to the second)
    error = json.loads(lines[3])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", error["timestamp"])
    assert error == {"timestamp": error["timestamp"], "level": "ERROR", "errorMessage": "bad",
                     "errorType": "ValueError", "requestId": request_id, "stackTrace": [
                         '  File "/var/task/handler.py", line 20, in handler\n'
                         '    raise ValueError("bad")\n']}
    assert lines[3] == json.dumps(error)


def test_debug_level_and_quiet_system_logs(gw):
    c = gw.client("lambda")
    create(c, "debuglogs", LOGGING, LoggingConfig={
        "LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "WARN"})
    c.invoke(FunctionName="debuglogs")  # the init phase's record is not in what follows
    lines = log_lines(c.invoke(FunctionName="debuglogs", LogType="Tail"))
    assert [json.loads(line)["level"] if line.startswith("{") else line for line in lines] == [
        "DEBUG", "INFO", "WARNING", "printed", "debug", "ERROR", "to stderr"]
    assert json.loads(lines[4]) == {"level": "debug", "message": "printed json"}


def test_json_timeouts_are_reported_in_the_platform_report(gw):
    c = gw.client("lambda")
    create(c, "slowjson", """
        import time

        def handler(event, context):
            time.sleep(5)
    """, Timeout=1, LoggingConfig={"LogFormat": "JSON"})
    lines = log_lines(c.invoke(FunctionName="slowjson", LogType="Tail"))
    assert [platform_event(line)["type"] for line in lines] == ["platform.start",
                                                                "platform.report"]
    assert json.loads(lines[1])["record"]["status"] == "timeout"


@pytest.mark.parametrize("logging_config", [{"LogFormat": "Text"}, {"LogFormat": "JSON"}])
def test_the_log_format_can_change(gw, logging_config):
    c = gw.client("lambda")
    create(c, "switch", LOGGING)
    c.update_function_configuration(FunctionName="switch", LoggingConfig=logging_config)
    lines = log_lines(c.invoke(FunctionName="switch", LogType="Tail"))
    assert lines[-1].startswith("{" if logging_config["LogFormat"] == "JSON" else "REPORT ")

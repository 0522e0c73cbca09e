"""Node.js functions through boto3: CommonJS and ES modules, async and callback handlers,
the context object and environment, errors in AWS's shape, timeouts, logs, warm workers,
and Node.js handlers behind a REST API."""

from __future__ import annotations

import base64
import json
import os
import re

import pytest
from botocore.exceptions import ClientError

from mockgw import mock_apigateway
from tests.lambda_support import (
    ACCOUNT,
    ARN,
    REGION,
    answer,
    create_node,
    error_of,
    needs_node,
)

pytestmark = needs_node

COUNTER = """
    let count = 0;
    exports.handler = async (event, context) => {
      count += 1;
      return { count, pid: process.pid, event };
    };
"""


STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def log_of(result: dict) -> str:
    return base64.b64decode(result["LogResult"]).decode()


def function_log(result: dict) -> list[str]:
    """The lines the function wrote during the invocation (between START and END)."""
    lines = log_of(result).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("START RequestId: "))
    end = next(i for i, line in enumerate(lines) if line.startswith("END RequestId: "))
    return lines[start + 1:end]


def test_commonjs_async_handler_keeps_module_state_while_warm(gw):
    c = gw.client("lambda")
    create_node(c, "counter", COUNTER)
    first = c.invoke(FunctionName="counter", Payload=json.dumps({"name": "Ada"}))
    assert first["StatusCode"] == 200 and "FunctionError" not in first
    assert first["ExecutedVersion"] == "$LATEST"
    one = answer(first)
    two = answer(c.invoke(FunctionName="counter"))
    assert (one["count"], one["event"]) == (1, {"name": "Ada"})
    assert (two["count"], two["pid"], two["event"]) == (2, one["pid"], {})


def test_es_modules(gw):
    c = gw.client("lambda")
    create_node(c, "mjs", {"app.mjs": """
        import { basename } from "node:path";
        export const handler = async (event) => ({ esm: basename(import.meta.url), event });
    """}, handler="app.handler")
    assert answer(c.invoke(FunctionName="mjs", Payload=b'{"a": 1}')) == {
        "esm": "app.mjs", "event": {"a": 1}}
    create_node(c, "typed", {
        "package.json": '{"type": "module"}',
        "src/handlers/api.js": """
            export async function get(event, context) {
              return { module: typeof module, name: context.functionName };
            }
        """}, handler="src/handlers/api.get", Runtime="nodejs22.x")
    assert answer(c.invoke(FunctionName="typed")) == {"module": "undefined", "name": "typed"}
    create_node(c, "cjs", {"lib.cjs": "module.exports.run = (e, c, cb) => cb(null, 'cjs');"},
                handler="lib.run", Runtime="nodejs18.x")
    assert answer(c.invoke(FunctionName="cjs")) == "cjs"


def test_callback_handlers_wait_for_the_event_loop_unless_told_not_to(gw):
    c = gw.client("lambda")
    create_node(c, "waits", """
        exports.handler = (event, context, callback) => {
          if (event.early) context.callbackWaitsForEmptyEventLoop = false;
          setTimeout(() => console.log("timer", event.n), 20);
          callback(null, { n: event.n });
        };
    """)
    waited = c.invoke(FunctionName="waits", Payload=b'{"n": 1}', LogType="Tail")
    assert answer(waited) == {"n": 1}
    assert "\tINFO\ttimer 1\n" in log_of(waited)
    early = c.invoke(FunctionName="waits", Payload=b'{"n": 2, "early": true}', LogType="Tail")
    assert answer(early) == {"n": 2}
    assert "timer 2" not in log_of(early)
    # the sandbox is frozen between invocations: the timer fires during the next one
    later = c.invoke(FunctionName="waits", Payload=b'{"n": 3}', LogType="Tail")
    assert "\tINFO\ttimer 2\n" in log_of(later) and "\tINFO\ttimer 3\n" in log_of(later)


def test_legacy_context_methods_and_plain_returns(gw):
    c = gw.client("lambda")
    create_node(c, "legacy", """
        exports.handler = (event, context) => {
          if (event.how === "succeed") context.succeed({ ok: true });
          else if (event.how === "fail") context.fail(new Error("failed"));
          else if (event.how === "done") context.done(null, "done");
          // otherwise: no callback and no promise -> null once the event loop is empty
        };
    """)
    assert answer(c.invoke(FunctionName="legacy", Payload=b'{"how": "succeed"}')) == {"ok": True}
    failed = c.invoke(FunctionName="legacy", Payload=b'{"how": "fail"}')
    assert failed["FunctionError"] == "Unhandled"
    assert answer(failed)["errorMessage"] == "failed"
    assert answer(c.invoke(FunctionName="legacy", Payload=b'{"how": "done"}')) == "done"
    assert c.invoke(FunctionName="legacy", Payload=b"{}")["Payload"].read() == b"null"


def test_context_and_environment(gw):
    c = gw.client("lambda")
    create_node(c, "ctx", """
        const fs = require("node:fs");
        exports.handler = async (event, context) => {
          const names = ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_REGION",
            "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "_HANDLER", "TZ", "LANG", "GREETING",
            "AWS_ACCESS_KEY_ID", "AWS_LAMBDA_INITIALIZATION_TYPE"];
          const env = Object.fromEntries(names.map((n) => [n, process.env[n]]));
          const root = process.env.LAMBDA_TASK_ROOT;
          return {
            env,
            secret: Boolean(process.env.AWS_SECRET_ACCESS_KEY),
            token: Boolean(process.env.AWS_SESSION_TOKEN),
            trace: process.env._X_AMZN_TRACE_ID,
            stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
            endpoint: process.env.AWS_ENDPOINT_URL || null,
            codeHere: fs.existsSync(root + "/index.js"),
            cwdIsRoot: process.cwd() === root,
            nodePath: (process.env.NODE_PATH || "").split(":").includes(root),
            runtimeDir: fs.existsSync(process.env.LAMBDA_RUNTIME_DIR + "/bootstrap.mjs"),
            context: {
              functionName: context.functionName, functionVersion: context.functionVersion,
              invokedFunctionArn: context.invokedFunctionArn,
              memoryLimitInMB: context.memoryLimitInMB, awsRequestId: context.awsRequestId,
              logGroupName: context.logGroupName, logStreamName: context.logStreamName,
              waits: context.callbackWaitsForEmptyEventLoop,
              remaining: context.getRemainingTimeInMillis(),
              custom: context.clientContext && context.clientContext.custom,
              identity: context.identity === undefined,
            },
          };
        };
    """, MemorySize=256, Timeout=30, Environment={"Variables": {"GREETING": "hello"}})
    c.publish_version(FunctionName="ctx")
    client_context = base64.b64encode(json.dumps({"custom": {"tenant": "t1"}}).encode())
    result = c.invoke(FunctionName="ctx", Qualifier="1", ClientContext=client_context.decode())
    got = answer(result)
    assert got["env"] == {
        "AWS_LAMBDA_FUNCTION_NAME": "ctx", "AWS_LAMBDA_FUNCTION_VERSION": "1",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/ctx",
        "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
        "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x", "_HANDLER": "index.handler",
        "TZ": ":UTC", "LANG": "en_US.UTF-8", "GREETING": "hello",
        "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"}
    assert got["secret"] and got["token"]
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0",
                        got["trace"])
    assert got["endpoint"] == (gw.endpoint_url if gw.mode == "server"
                               else os.environ.get("AWS_ENDPOINT_URL"))
    assert got["codeHere"] and got["cwdIsRoot"] and got["nodePath"] and got["runtimeDir"]
    context = got["context"]
    assert isinstance(context["remaining"], int)
    assert context.pop("remaining") in range(25_000, 30_001)
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[1\][0-9a-f]{32}", context["logStreamName"])
    assert context["logStreamName"] == got["stream"]
    assert context == {
        "functionName": "ctx", "functionVersion": "1",
        "invokedFunctionArn": f"{ARN}:ctx:1", "memoryLimitInMB": "256",
        "awsRequestId": result["ResponseMetadata"]["RequestId"],
        "logGroupName": "/aws/lambda/ctx", "logStreamName": context["logStreamName"],
        "waits": True, "custom": {"tenant": "t1"}, "identity": True}


def test_errors_in_aws_shape(gw):
    c = gw.client("lambda")
    create_node(c, "throws", {"index.mjs": """
        export const handler = async (event) => {
          throw new TypeError(`bad ${event.what}`);
        };
    """})
    result = c.invoke(FunctionName="throws", Payload=b'{"what": "input"}', LogType="Tail")
    assert result["StatusCode"] == 200 and result["FunctionError"] == "Unhandled"
    error = answer(result)
    assert list(error) == ["errorType", "errorMessage", "trace"]
    assert (error["errorType"], error["errorMessage"]) == ("TypeError", "bad input")
    assert error["trace"][:2] == ["TypeError: bad input",
                                  "    at Runtime.handler (file:///var/task/index.mjs:3:9)"]
    line = next(x for x in log_of(result).splitlines() if "\tERROR\t" in x)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\tERROR\t"
                        r'Invoke Error \t\{"errorType":"TypeError","errorMessage":"bad input",'
                        r'"stack":\["TypeError: bad input","    at Runtime\.handler '
                        r'\(file:///var/task/index\.mjs:3:9\)".*\]\}', line)

    create_node(c, "calls-back", """
        exports.handler = (event, context, callback) => {
          if (event.string) return callback("oops");
          callback(new RangeError("out of range"));
        };
    """)
    assert answer(c.invoke(FunctionName="calls-back", Payload=b'{"string": true}')) == {
        "errorType": "string", "errorMessage": "oops", "trace": []}
    error = answer(c.invoke(FunctionName="calls-back"))
    assert (error["errorType"], error["errorMessage"]) == ("RangeError", "out of range")
    assert error["trace"][1] == "    at exports.handler (/var/task/index.js:4:12)"


@pytest.mark.parametrize(("files", "handler", "error_type", "message"), [
    ({"index.js": "exports.other = 1;"}, "index.handler", "Runtime.HandlerNotFound",
     "index.handler is undefined or not exported"),
    ({"index.js": "exports.handler = 42;"}, "index.handler", "Runtime.HandlerNotFound",
     "index.handler is not a function"),
    ({"index.js": ""}, "index", "Runtime.MalformedHandlerName", "Bad handler"),
    ({"index.js": ""}, "../index.handler", "Runtime.MalformedHandlerName",
     "'../index.handler' is not a valid handler name. Use absolute paths when specifying "
     "root directories in handler names."),
    ({"index.js": "exports.handler = async () => {{;"}, "index.handler",
     "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected end of input"),
    ({"index.js": ""}, "missing.handler", "Runtime.ImportModuleError",
     "Error: Cannot find module 'missing'\nRequire stack:\n- /var/runtime/index.mjs"),
    ({"index.js": "require('left-out');"}, "index.handler", "Runtime.ImportModuleError",
     "Error: Cannot find module 'left-out'\nRequire stack:\n- /var/task/index.js\n"
     "- /var/runtime/index.mjs"),
    ({"index.js": "throw new Error('cannot start');"}, "index.handler", "Error",
     "cannot start"),
])
def test_init_errors(gw, files, handler, error_type, message):
    c = gw.client("lambda")
    create_node(c, "broken", files, handler=handler)
    result = c.invoke(FunctionName="broken", LogType="Tail")
    assert result["FunctionError"] == "Unhandled"
    error = answer(result)
    assert list(error) == ["errorType", "errorMessage", "trace"]
    assert (error["errorType"], error["errorMessage"]) == (error_type, message)
    log = log_of(result)
    line = next(x for x in log.splitlines() if "\tERROR\tUncaught Exception \t" in x)
    assert re.fullmatch(STAMP + r"\tundefined\tERROR\tUncaught Exception \t\{.*", line)
    logged = json.loads(line.split("\t", 4)[4])  # no "name": Lambda's runtime errors are
    assert list(logged) == ["errorType", "errorMessage", "stack"]  # named on their prototypes
    assert (logged["errorType"], logged["errorMessage"]) == (error_type, message)
    assert logged["stack"] == error["trace"]
    assert f"Status: error\tError Type: {error_type}" in log


MISSING_PACKAGE = {"index.mjs": """
    import { LambdaClient } from "@aws-sdk/client-left-out";
    export const handler = async () => LambdaClient.name;
"""}


def assert_missing_package(result: dict) -> None:
    """An ES module's import of a missing package, answered as Lambda's runtime answers it:
    the import's own error (only require()'s MODULE_NOT_FOUND is Runtime.ImportModuleError),
    its code in the log line, not in the error document."""
    message = ("Cannot find package '@aws-sdk/client-left-out' imported from "
               "/var/task/index.mjs")
    assert result["FunctionError"] == "Unhandled"
    error = answer(result)
    assert (list(error), error["errorType"], error["errorMessage"]) == (
        ["errorType", "errorMessage", "trace"], "Error", message)
    assert error["trace"][0] == f"Error [ERR_MODULE_NOT_FOUND]: {message}"
    log = log_of(result)
    line = next(x for x in log.splitlines() if "\tERROR\tUncaught Exception \t" in x)
    logged = json.loads(line.split("\t", 4)[4])
    assert list(logged) == ["errorType", "errorMessage", "code", "stack"]
    assert (logged["errorType"], logged["errorMessage"], logged["code"]) == (
        "Error", message, "ERR_MODULE_NOT_FOUND")
    assert logged["stack"] == error["trace"]
    assert "Status: error\tError Type: Error" in log


def test_an_es_module_importing_a_missing_package(gw):
    c = gw.client("lambda")
    create_node(c, "esm-missing", MISSING_PACKAGE)
    assert_missing_package(c.invoke(FunctionName="esm-missing", LogType="Tail"))


def test_timeout_kills_the_worker(gw):
    c = gw.client("lambda")
    create_node(c, "spins", """
        let calls = 0;
        exports.handler = async (event) => {
          calls += 1;
          if (event.spin) while (true) {}
          return { calls, pid: process.pid };
        };
    """, Timeout=1)
    before = answer(c.invoke(FunctionName="spins"))
    result = c.invoke(FunctionName="spins", Payload=b'{"spin": true}', LogType="Tail")
    error = answer(result)
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"] == (f"RequestId: {result['ResponseMetadata']['RequestId']} "
                                     "Error: Task timed out after 1.00 seconds")
    assert "Status: timeout" in log_of(result)
    after = answer(c.invoke(FunctionName="spins"))
    assert after["calls"] == 1 and after["pid"] != before["pid"]


def test_uncaught_exceptions_end_the_worker(gw):
    c = gw.client("lambda")
    create_node(c, "crashes", """
        exports.handler = (event, context, callback) => {
          if (event.crash) setTimeout(() => { throw new Error("late failure"); }, 5);
          else if (event.reject) Promise.reject(new Error("nobody listens"));
          else callback(null, process.pid);
        };
    """)
    pid = answer(c.invoke(FunctionName="crashes"))
    crashed = c.invoke(FunctionName="crashes", Payload=b'{"crash": true}', LogType="Tail")
    error = answer(crashed)
    assert (error["errorType"], error["errorMessage"]) == ("Error", "late failure")
    assert "\tERROR\tUncaught Exception \t{" in log_of(crashed)
    again = answer(c.invoke(FunctionName="crashes"))
    assert again != pid
    rejected = answer(c.invoke(FunctionName="crashes", Payload=b'{"reject": true}'))
    assert (rejected["errorType"], rejected["errorMessage"]) == (
        "Runtime.UnhandledPromiseRejection", "Error: nobody listens")
    assert answer(c.invoke(FunctionName="crashes")) not in (pid, again)


def test_logs_as_lambda_writes_them(gw):
    c = gw.client("lambda")
    create_node(c, "chatty", """
        console.log("loading");
        exports.handler = async () => {
          console.log("two\\nlines", { a: 1 });
          console.warn("careful");
          console.error("bad");
          process.stdout.write("raw\\n");
          return null;
        };
    """)
    result = c.invoke(FunctionName="chatty", LogType="Tail")
    request_id = result["ResponseMetadata"]["RequestId"]
    lines = log_of(result).split("\n")
    assert re.fullmatch(STAMP + r"\tundefined\tINFO\tloading", lines[0])
    assert lines[1] == f"START RequestId: {request_id} Version: $LATEST"
    # a multi-line message keeps its newlines: Lambda's runtime writes each console call as
    # one frame to the telemetry log descriptor (only its stdout fallback turns them to \r)
    assert re.fullmatch(STAMP + f"\t{request_id}\tINFO\ttwo", lines[2])
    assert lines[3] == "lines { a: 1 }"
    assert re.fullmatch(STAMP + f"\t{request_id}\tWARN\tcareful", lines[4])
    assert re.fullmatch(STAMP + f"\t{request_id}\tERROR\tbad", lines[5])
    assert lines[6:8] == ["raw", f"END RequestId: {request_id}"]
    assert lines[8].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert "\tInit Duration: " in lines[8]
    warm = log_of(c.invoke(FunctionName="chatty", LogType="Tail"))
    assert "loading" not in warm and "Init Duration" not in warm


NEVER_CALLS_BACK = """
    exports.handler = function (event, context, callback) {
      if (event.early) context.callbackWaitsForEmptyEventLoop = false;
      if (event.timer) setTimeout(() => console.log("timer", event.n), 20);
      if (event.mode === "cb") return callback(null, { n: event.n, pid: process.pid });
      // otherwise no callback: null once the event loop is empty
    };
"""


def test_a_handler_that_never_calls_back_leaves_the_worker_serving(gw):
    c = gw.client("lambda")
    create_node(c, "forgetful", NEVER_CALLS_BACK)

    def run(**event):
        """(payload, the function's log lines, request id) of one invocation."""
        result = c.invoke(FunctionName="forgetful", Payload=json.dumps(event), LogType="Tail")
        assert "FunctionError" not in result
        return result["Payload"].read(), function_log(result), \
            result["ResponseMetadata"]["RequestId"]

    # null, as AWS answers a callback never called, and the next invocations served as usual
    assert run(n=1)[:2] == (b"null", [])
    assert run(n=2)[:2] == (b"null", [])
    body, lines, _ = run(n=3, mode="cb")
    pid = json.loads(body)["pid"]
    assert (json.loads(body), lines) == ({"n": 3, "pid": pid}, [])
    body, lines, request_id = run(n=4, timer=True)  # null once the timer has run
    assert body == b"null"
    assert len(lines) == 1 and re.fullmatch(STAMP + f"\t{request_id}\tINFO\ttimer 4", lines[0])
    # callbackWaitsForEmptyEventLoop = false: the answer at once, the timer left frozen ...
    assert run(n=5, mode="cb", timer=True, early=True)[:2] == (
        json.dumps({"n": 5, "pid": pid}, separators=(",", ":")).encode(), [])
    # ... to fire in the next invocation, which (no callback) answers null once it has
    body, lines, request_id = run(n=6, early=True)
    assert body == b"null"
    assert len(lines) == 1 and re.fullmatch(STAMP + f"\t{request_id}\tINFO\ttimer 5", lines[0])
    assert run(n=7, mode="cb")[:2] == (
        json.dumps({"n": 7, "pid": pid}, separators=(",", ":")).encode(), [])


def test_an_async_handler_that_never_settles_leaves_the_worker_serving(gw):
    c = gw.client("lambda")
    create_node(c, "hangs", """
        exports.handler = async (event) => {
          if (event.hang) return new Promise(() => {});
          return process.pid;
        };
    """)
    pid = answer(c.invoke(FunctionName="hangs"))
    for _ in range(2):
        result = c.invoke(FunctionName="hangs", Payload=b'{"hang": true}', LogType="Tail")
        assert result["FunctionError"] == "Unhandled"
        error = answer(result)
        assert (error["errorType"], error["errorMessage"]) == (
            "Runtime.NodeJsExit", "Runtime exited without providing a reason")
        assert error["trace"][0] == ("Runtime.NodeJsExit: Runtime exited without providing a "
                                     "reason")
        [line] = function_log(result)
        assert line.split("\t", 3)[3].startswith(
            'Invoke Error \t{"errorType":"Runtime.NodeJsExit","errorMessage":"Runtime exited '
            'without providing a reason","stack":["Runtime.NodeJsExit: Runtime exited')
        assert answer(c.invoke(FunctionName="hangs")) == pid


def json_log(result: dict) -> tuple[list[dict], list[dict]]:
    """The application's records and the platform's events of a JSON-format log."""
    records = [json.loads(line) for line in log_of(result).splitlines()]
    return [r for r in records if "level" in r], [r for r in records if "type" in r]


def test_json_log_format_and_application_log_level(gw):
    c = gw.client("lambda")
    create_node(c, "structured", """
        console.log("loading");
        exports.handler = async (event) => {
          console.trace("tracing");
          console.debug("debugging", 1);
          console.info({ a: 1, nested: ["x"] });
          console.warn("two\\nlines");
          console.error(Object.assign(new TypeError("bad thing"), { code: "E_BAD" }));
          console.error("failed:", new RangeError("too far"));
          console.log();
          if (event.fail) throw new Error("broken");
          return "ok";
        };
    """, LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"})
    result = c.invoke(FunctionName="structured", Payload=b'{"fail": true}', LogType="Tail")
    request_id = result["ResponseMetadata"]["RequestId"]
    assert result["FunctionError"] == "Unhandled"
    records, events = json_log(result)
    assert [e["type"] for e in events] == ["platform.start", "platform.report"]
    for record in records:
        assert re.fullmatch(STAMP, record.pop("timestamp"))
    here = "    at exports.handler (/var/task/index.js:{}:{})"
    assert records[0] == {"level": "INFO", "message": "loading"}  # init: no requestId
    assert records[1:4] == [
        {"level": "DEBUG", "requestId": request_id, "message": "debugging 1"},  # no TRACE
        {"level": "INFO", "requestId": request_id, "message": {"a": 1, "nested": ["x"]}},
        {"level": "WARN", "requestId": request_id, "message": "two\nlines"}]
    error = records[4]
    assert list(error) == ["level", "requestId", "message"]
    assert list(error["message"]) == ["errorType", "errorMessage", "stackTrace", "code"]
    assert error["message"]["stackTrace"][:2] == ["TypeError: bad thing", here.format(8, 31)]
    assert (error["level"], error["message"]["errorType"], error["message"]["errorMessage"],
            error["message"]["code"]) == ("ERROR", "TypeError", "bad thing", "E_BAD")
    several = records[5]
    assert list(several) == ["level", "requestId", "message", "errorType", "errorMessage",
                             "stackTrace"]
    assert several["message"].startswith("failed: RangeError: too far\n" + here.format(9, 28))
    assert (several["errorType"], several["errorMessage"]) == ("RangeError", "too far")
    assert several["stackTrace"][:2] == ["RangeError: too far", here.format(9, 28)]
    assert records[6] == {"level": "INFO", "requestId": request_id}  # console.log(): no message
    invoke_error = records[7]  # the runtime's "Invoke Error": the error alone
    assert (invoke_error["level"], list(invoke_error["message"])) == (
        "ERROR", ["errorType", "errorMessage", "stackTrace"])
    assert invoke_error["message"]["stackTrace"][:2] == ["Error: broken", here.format(11, 25)]
    assert len(records) == 8

    create_node(c, "quiet", """
        exports.handler = async () => {
          console.info("info");
          console.warn("warn");
          console.error("error");
          console.fatal("fatal");
          throw new Error("broken");
        };
    """, LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "FATAL"})
    records, _ = json_log(c.invoke(FunctionName="quiet", LogType="Tail"))
    assert [(r["level"], r["message"]) for r in records] == [("FATAL", "fatal")]  # no Invoke Error


def test_text_log_format_is_unchanged_by_logging_config(gw):
    c = gw.client("lambda")
    create_node(c, "plain", """
        exports.handler = async () => {
          console.debug("debugging");
          console.error(new Error("shown"));
          return null;
        };
    """, LoggingConfig={"LogFormat": "Text"})
    result = c.invoke(FunctionName="plain", LogType="Tail")
    request_id = result["ResponseMetadata"]["RequestId"]
    lines = function_log(result)
    assert re.fullmatch(STAMP + f"\t{request_id}\tDEBUG\tdebugging", lines[0])
    assert re.fullmatch(STAMP + f"\t{request_id}\tERROR\tError: shown", lines[1])
    assert lines[2] == "    at exports.handler (/var/task/index.js:4:17)"


STREAMING = {"index.mjs": """
    import { pipeline } from "node:stream/promises";
    import { Readable } from "node:stream";

    export const handler = awslambda.streamifyResponse(async (input, responseStream, context) => {
      const event = input.requestContext ? JSON.parse(input.body) : input;  // function URLs
      if (event.http) {
        responseStream = awslambda.HttpResponseStream.from(responseStream, {
          statusCode: 201, headers: { "content-type": "text/plain", "x-streamed": "yes" },
          cookies: ["a=1", "b=2"] });
      }
      if (event.json) {
        responseStream.setContentType("application/json");
        responseStream.write('{"hello":');
        await new Promise((resolve) => setTimeout(resolve, 5));
        responseStream.write({ to: context.functionName });
        responseStream.end("}");
        return;
      }
      responseStream.write("hello ");
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (event.late) responseStream.setContentType("text/html");
      if (event.fails) throw new Error("stream broke");
      if (event.open) return;
      if (event.pipe) return pipeline(Readable.from(["from ", context.functionName]),
                                      responseStream);
      responseStream.write(Buffer.from("world"));
      responseStream.end();
      return "ignored";
    });
"""}
PRELUDE = (b'{"statusCode":201,"headers":{"content-type":"text/plain","x-streamed":"yes"},'
           b'"cookies":["a=1","b=2"]}' + b"\0" * 8)


@pytest.mark.parametrize(("event", "payload", "logged"), [
    ({}, b"hello world", ["WARN\tStreaming handlers ignore return values."]),
    ({"pipe": True}, b"hello from streams", []),
    ({"json": True}, b'{"hello":{"to":"streams"}}', []),
    ({"http": True}, PRELUDE + b"hello world", ["WARN\tStreaming handlers ignore return values."]),
])
def test_streaming_handlers_answer_what_they_wrote(gw, event, payload, logged):
    c = gw.client("lambda")
    create_node(c, "streams", STREAMING)
    result = c.invoke(FunctionName="streams", Payload=json.dumps(event), LogType="Tail")
    assert "FunctionError" not in result
    assert result["Payload"].read() == payload
    assert [line.split("\t", 2)[2] for line in function_log(result)] == logged


@pytest.mark.parametrize(("event", "error_type", "message", "logged_type"), [
    ({"fails": True}, "Error", "stream broke", "Error"),
    ({"late": True}, "Runtime.InvalidStreamingOperation", "Cannot set content-type, too late.",
     "Runtime.InvalidStreamingOperation"),
    # the runtime's own check fails with a string (logged as an Error); AWS would wait for
    # the stream's end, here nothing is left to run that could end it
    ({"open": True}, "string", "Response stream is not finished.", "Error"),
])
def test_streaming_handler_errors(gw, event, error_type, message, logged_type):
    c = gw.client("lambda")
    create_node(c, "streams", STREAMING)
    result = c.invoke(FunctionName="streams", Payload=json.dumps(event), LogType="Tail")
    assert result["FunctionError"] == "Unhandled"
    error = answer(result)
    assert (list(error), error["errorType"], error["errorMessage"]) == (
        ["errorType", "errorMessage", "trace"], error_type, message)
    if error_type == "string":
        assert error["trace"] == []
    [line] = function_log(result)
    assert f'\tERROR\tInvoke Error \t{{"errorType":"{logged_type}","errorMessage":"{message}",' \
        in line
    after = c.invoke(FunctionName="streams", Payload=b'{"pipe": true}')  # the worker serves on
    assert after["Payload"].read() == b"hello from streams"


def test_the_awslambda_global(gw):
    c = gw.client("lambda")
    create_node(c, "sync-stream", """
        exports.handler = awslambda.streamifyResponse((event, stream) => { stream.end("x"); });
    """)
    assert answer(c.invoke(FunctionName="sync-stream")) == {
        "errorType": "string", "errorMessage": "Streaming does not support non-async handlers.",
        "trace": []}
    create_node(c, "request-stream", """
        const handler = async () => null;
        handler[Symbol.for("aws.lambda.runtime.handler.streaming")] = "request";
        exports.handler = handler;
    """)
    error = answer(c.invoke(FunctionName="request-stream"))
    assert (error["errorType"], error["errorMessage"]) == (
        "Runtime.MalformedStreamingHandler", "Only response streaming is supported.")
    probe = "exports.handler = async () => typeof globalThis.awslambda;"
    create_node(c, "with-global", probe)
    create_node(c, "without-global", probe,
                Environment={"Variables": {"AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA": "true"}})
    assert answer(c.invoke(FunctionName="with-global")) == "object"
    assert answer(c.invoke(FunctionName="without-global")) == "undefined"


def test_a_streaming_handler_behind_a_response_stream_function_url(gw):
    """A stream without a prelude answers as a buffered answer; one made with
    ``HttpResponseStream.from`` answers with its status, headers and cookies."""
    from tests.test_lambda_urls import call, public_url

    c = gw.client("lambda")
    create_node(c, "streams", STREAMING)
    url = public_url(c, "streams", InvokeMode="RESPONSE_STREAM")
    response = call(gw, url, "POST", data=json.dumps({"json": True}),
                    headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == b'{"hello":{"to":"streams"}}'
    response = call(gw, url, "POST", data=json.dumps({"http": True}),
                    headers={"Content-Type": "text/plain"})
    assert (response.status_code, response.content) == (201, b"hello world")
    assert (response.headers["content-type"], response.headers["x-streamed"]) == (
        "text/plain", "yes")
    assert response.headers["Set-Cookie"] == "a=1, b=2"


REST_HANDLERS = {
    "commonjs-async": {"index.js": """
        exports.handler = async (event) => {
          if (event.path === "/fail") throw new Error("broken");
          return reply(event);
        };
        const reply = (event) => ({
          statusCode: 201,
          headers: { "Content-Type": "application/json", "X-Runtime": "node" },
          body: JSON.stringify({ method: event.httpMethod, path: event.path,
                                 proxy: event.pathParameters.proxy, body: event.body,
                                 query: event.queryStringParameters }),
        });
    """},
    "es-module": {"index.mjs": """
        export const handler = async (event) => {
          if (event.path === "/fail") throw new Error("broken");
          return {
            statusCode: 201,
            headers: { "Content-Type": "application/json", "X-Runtime": "node" },
            body: JSON.stringify({ method: event.httpMethod, path: event.path,
                                   proxy: event.pathParameters.proxy, body: event.body,
                                   query: event.queryStringParameters }),
          };
        };
    """},
    "callback": {"index.js": """
        exports.handler = (event, context, callback) => {
          if (event.path === "/fail") return callback(new Error("broken"));
          setTimeout(() => callback(null, {
            statusCode: 201,
            headers: { "Content-Type": "application/json", "X-Runtime": "node" },
            body: JSON.stringify({ method: event.httpMethod, path: event.path,
                                   proxy: event.pathParameters.proxy, body: event.body,
                                   query: event.queryStringParameters }),
          }), 1);
        };
    """},
}


@pytest.mark.parametrize("style", sorted(REST_HANDLERS))
def test_node_handlers_behind_a_rest_api(gw, style):
    from tests.test_dataplane_lambda import function_uri, lambda_api

    create_node(gw.client("lambda"), "api", REST_HANDLERS[style])
    api_id, _ = lambda_api(gw.client(), function_uri("api"))
    response = gw.http.post(gw.invoke_url(api_id, "dev", "/pets/7?kind=cat"), data="hi",
                            timeout=30)
    assert response.status_code == 201
    assert response.headers["X-Runtime"] == "node"
    assert response.json() == {"method": "POST", "path": "/pets/7", "proxy": "pets/7",
                               "body": "hi", "query": {"kind": "cat"}}
    failed = gw.http.get(gw.invoke_url(api_id, "dev", "/fail"), timeout=30)
    assert (failed.status_code, failed.json()) == (502, {"message": "Internal server error"})


def test_a_clear_error_when_node_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with mock_apigateway():
        import boto3

        c = boto3.client("lambda", region_name=REGION)
        create_node(c, "nodeless", COUNTER, Runtime="nodejs22.x")
        with pytest.raises(ClientError) as exc:
            c.invoke(FunctionName="nodeless")
    assert error_of(exc) == (
        "InvalidRuntimeException",
        "mockgw runs nodejs22.x functions with the machine's `node`, which is not on PATH: "
        "install Node.js, or run the function at the endpoint that AWS_ENDPOINT_URL_LAMBDA "
        "names", 502)


def test_the_machines_aws_sdk_is_importable(monkeypatch, tmp_path):
    from mockgw.runtime import languages

    modules = tmp_path / "lib" / "node_modules"  # where `npm install -g` puts packages
    sdk = modules / "@aws-sdk" / "client-example"
    sdk.mkdir(parents=True)
    (sdk / "package.json").write_text('{"name": "@aws-sdk/client-example", "main": "index.js"}')
    (sdk / "index.js").write_text("exports.ExampleClient = class ExampleClient {};\n")
    monkeypatch.setattr(languages, "_GLOBAL_NODE_MODULES", (str(modules),))
    languages._sdk_module_dirs.cache_clear()
    try:
        with mock_apigateway():
            import boto3

            c = boto3.client("lambda", region_name=REGION)
            create_node(c, "cjs-sdk", """
                const { ExampleClient } = require("@aws-sdk/client-example");
                exports.handler = async () => ExampleClient.name;
            """)
            create_node(c, "esm-sdk", {"index.mjs": """
                import { ExampleClient } from "@aws-sdk/client-example";
                export const handler = async () => ExampleClient.name;
            """})
            assert answer(c.invoke(FunctionName="cjs-sdk")) == "ExampleClient"
            assert answer(c.invoke(FunctionName="esm-sdk")) == "ExampleClient"
            create_node(c, "esm-missing", MISSING_PACKAGE)  # through the resolve hook
            assert_missing_package(c.invoke(FunctionName="esm-missing", LogType="Tail"))
            create_node(c, "waits", """
                exports.handler = (event, context, callback) => {
                  let ticks = 0;
                  const timer = setInterval(() => { if (++ticks === 3) clearInterval(timer); }, 5);
                  callback(null, "after the event loop emptied");
                };
            """)  # the resolve hook's thread must not keep the event loop busy
            assert answer(c.invoke(FunctionName="waits")) == "after the event loop emptied"
    finally:
        languages._sdk_module_dirs.cache_clear()



HTTP_API_HANDLER = {"index.mjs": """
    export const handler = async (event, context) => {
      const path = event.rawPath ?? event.path;
      if (path === "/fail") throw new Error("broken");
      if (path === "/plain") return { answer: 42 };
      return {
        statusCode: 201,
        headers: { "x-runtime": "node" },
        body: JSON.stringify({ version: event.version, path,
                               route: event.routeKey ?? event.resource,
                               query: event.queryStringParameters, body: event.body,
                               method: event.requestContext.http?.method ?? event.httpMethod,
                               requestId: context.awsRequestId.length }),
      };
    };
"""}


@pytest.mark.parametrize("payload", ["2.0", "1.0"])
def test_node_handlers_behind_an_http_api(gw, payload):
    from tests.http_api_support import HttpApi, function_arn

    create_node(gw.client("lambda"), "http-node", HTTP_API_HANDLER)
    api = HttpApi(gw)
    api.route("ANY /{proxy+}", api.function(function_arn("http-node"), payload))
    api.stage()
    response = api.call("POST", "/orders/7?rush=yes", data="hi",
                        headers={"Content-Type": "text/plain"})
    assert response.status_code == 201, response.text
    assert response.headers["x-runtime"] == "node"
    route = "ANY /{proxy+}" if payload == "2.0" else "/{proxy+}"
    assert response.json() == {"version": payload, "route": route,
                               "path": "/orders/7", "query": {"rush": "yes"}, "body": "hi",
                               "method": "POST", "requestId": 36}
    if payload == "2.0":  # a plain object is the body of a 200 (payload 2.0 only)
        plain = api.call("GET", "/plain")
        assert (plain.status_code, plain.json()) == (200, {"answer": 42})
        assert plain.headers["content-type"] == "application/json"
    failed = api.call("GET", "/fail")
    assert (failed.status_code, failed.json()) == (500, {"message": "Internal Server Error"})

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


def log_of(result: dict) -> str:
    return base64.b64decode(result["LogResult"]).decode()


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
     "Error: Cannot find module 'missing'\nRequire stack:\n- /var/runtime/bootstrap.mjs"),
    ({"index.js": "throw new Error('cannot start');"}, "index.handler", "Error",
     "cannot start"),
])
def test_init_errors(gw, files, handler, error_type, message):
    c = gw.client("lambda")
    create_node(c, "broken", files, handler=handler)
    result = c.invoke(FunctionName="broken", LogType="Tail")
    assert result["FunctionError"] == "Unhandled"
    error = answer(result)
    assert (error["errorType"], error["errorMessage"]) == (error_type, message)
    log = log_of(result)
    assert "\tundefined\tERROR\tUncaught Exception \t{" in log
    assert f"Status: error\tError Type: {error_type}" in log


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
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.fullmatch(stamp + r"\tundefined\tINFO\tloading", lines[0])
    assert lines[1] == f"START RequestId: {request_id} Version: $LATEST"
    assert re.fullmatch(stamp + f"\t{request_id}\tINFO\ttwo\rlines {{ a: 1 }}", lines[2])
    assert re.fullmatch(stamp + f"\t{request_id}\tWARN\tcareful", lines[3])
    assert re.fullmatch(stamp + f"\t{request_id}\tERROR\tbad", lines[4])
    assert lines[5:7] == ["raw", f"END RequestId: {request_id}"]
    assert lines[7].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert "\tInit Duration: " in lines[7]
    warm = log_of(c.invoke(FunctionName="chatty", LogType="Tail"))
    assert "loading" not in warm and "Init Duration" not in warm


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

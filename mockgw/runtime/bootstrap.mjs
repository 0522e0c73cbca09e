// One warm Lambda execution environment for Node.js: the program each Node.js worker runs.
//
//     node bootstrap.mjs REQUEST_FD RESPONSE_FD LIFELINE_FD
//
// It loads the handler that _HANDLER names from LAMBDA_TASK_ROOT (CommonJS or an ES module,
// found as Lambda's Node.js runtime finds it) and reports `initMs` or the init error.  Then
// it serves invocations one at a time with the same frames as bootstrap.py: a frame is two
// big-endian uint32 (header length, body length), a JSON header and the body.  Between
// invocations it blocks reading the next request, so timers a handler left behind wait for
// the next invocation, as in a frozen Lambda sandbox.
//
// The handler gets the event, a context object and a callback; an async handler's promise
// or the callback (after the event loop empties, unless
// context.callbackWaitsForEmptyEventLoop is false) ends the invocation.  console output is
// written as Lambda writes it (time, request id, level, message); errors are answered as
// {errorType, errorMessage, trace} with the function's files shown under /var/task.

import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import util from "node:util";
import * as nodeModule from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

const [requestFd, responseFd, lifelineFd] = process.argv.slice(2, 5).map(Number);
const taskRoot = process.env.LAMBDA_TASK_ROOT;
const runtimeDir = path.dirname(fileURLToPath(import.meta.url));
const require = nodeModule.createRequire(import.meta.url);
const SHOWN = [[taskRoot, "/var/task"], [fs.realpathSync(taskRoot), "/var/task"],
               [runtimeDir, "/var/runtime"]];

// -- AWS endpoints the function calls ------------------------------------------------------

// What the function sends over HTTPS to {api_id}.execute-api.* hosts (the @connections API
// at https://{domainName}/{stage}, as AWS's tutorials build it; the AWS SDK for JavaScript
// sends through https.request) goes to mockgw at AWS_ENDPOINT_URL, the Host header kept.
const EXECUTE_API_HOST = /^[a-z0-9]+(?:-[a-z0-9-]+)?\.execute-api\./i;

function redirectExecuteApi(endpoint) {
  if (!endpoint) return;
  const target = new URL(endpoint);
  const base = target.pathname.replace(/\/$/, "");
  const original = https.request;
  https.request = function request(input, options, callback) {
    let given;
    if (typeof input === "string" || input instanceof URL) {
      const url = new URL(input);
      if (typeof options === "function") [callback, options] = [options, {}];
      given = { hostname: url.hostname, port: url.port, path: url.pathname + url.search,
                ...(options || {}) };
    } else {
      [given, callback] = [{ ...(input || {}) }, options];
    }
    const host = given.hostname || String(given.host || "").split(":")[0];
    if (!EXECUTE_API_HOST.test(host)) return original.apply(this, arguments);
    const headers = { ...(given.headers || {}) };
    if (!Object.keys(headers).some((name) => name.toLowerCase() === "host")) {
      headers.host = given.port && String(given.port) !== "443" ? `${host}:${given.port}` : host;
    }
    return http.request({ ...given, protocol: "http:", host: undefined, agent: undefined,
                          hostname: target.hostname, port: target.port || 80,
                          path: base + (given.path || "/"), headers }, callback);
  };
  https.get = function get(...args) {
    const req = https.request(...args);
    req.end();
    return req;
  };
}

// -- the worker protocol -------------------------------------------------------------------

function writeFrame(fd, header, body = Buffer.alloc(0)) {
  const head = Buffer.from(JSON.stringify(header));
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32BE(head.length, 0);
  sizes.writeUInt32BE(body.length, 4);
  const data = Buffer.concat([sizes, head, body]);
  for (let offset = 0; offset < data.length;) {
    offset += fs.writeSync(fd, data, offset);
  }
}

function readExact(fd, size) {
  const data = Buffer.alloc(size);
  for (let offset = 0; offset < size;) {
    let read;
    try {
      read = fs.readSync(fd, data, offset, size - offset, null);
    } catch (err) {
      if (err.code === "EAGAIN") continue;
      if (err.code === "EOF") return null;
      throw err;
    }
    if (read === 0) return null;
    offset += read;
  }
  return data;
}

function readFrame(fd) {
  const sizes = readExact(fd, 8);
  if (sizes === null) return null;
  const data = readExact(fd, sizes.readUInt32BE(0) + sizes.readUInt32BE(4));
  if (data === null) return null;
  const headLength = sizes.readUInt32BE(0);
  return [JSON.parse(data.subarray(0, headLength).toString("utf8")), data.subarray(headLength)];
}

// Kill this worker and everything it started (its process group).
function end() {
  process.kill(-process.pid, "SIGKILL");
}

// Only the parent holds the other end of the lifeline: reading it ends when the parent dies,
// however it dies.  A thread of its own watches it, so a handler that never yields cannot
// keep the worker alive; it is unref'd, so it never keeps the event loop busy.
function dieWithParent(fd) {
  const watcher = new Worker(`
    const fs = require("node:fs");
    const { workerData } = require("node:worker_threads");
    const byte = Buffer.alloc(1);
    try { while (fs.readSync(workerData, byte, 0, 1, null) > 0) {} } catch {}
    process.kill(-process.pid, "SIGKILL");
  `, { eval: true, workerData: fd });
  watcher.unref();
}

// -- logging -------------------------------------------------------------------------------

let requestId;  // undefined during init, as Lambda logs it

function shown(text) {
  let out = String(text);
  for (const [real, alias] of SHOWN) {
    if (real) out = out.split(real).join(alias);
  }
  return out;
}

function patchConsole() {
  const levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
  const minimum = Math.max(levels.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL || "").toUpperCase()), 0);
  const write = (level) => (...args) => {
    if (levels.indexOf(level) < minimum) return;
    const line = `${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}`;
    process.stdout.write(line.replace(/\n/g, "\r") + "\n");
  };
  console.trace = write("TRACE");
  console.debug = write("DEBUG");
  console.info = write("INFO");
  console.log = console.info;
  console.warn = write("WARN");
  console.error = write("ERROR");
  console.fatal = write("FATAL");
}

// An error as the runtime logs it: a tab, then JSON with errorType, errorMessage, the error's
// own properties and its stack as lines.
function formatted(error) {
  const err = error instanceof Error ? error : new Error(error);
  try {
    return "\t" + shown(JSON.stringify(err, (_key, value) => {
      if (!(value instanceof Error)) return value;
      const out = { errorType: value.name, errorMessage: value.message, code: value.code,
                    ...value };
      if (typeof value.stack === "string") out.stack = value.stack.split("\n");
      return out;
    }));
  } catch {
    return "\t" + JSON.stringify(errorDocument(err));
  }
}

// -- errors --------------------------------------------------------------------------------

function runtimeError(kind, message) {
  const error = new Error(message);
  error.name = `Runtime.${kind}`;
  return error;
}

function isErrorLike(value) {
  return Boolean(value && typeof value.name === "string" && typeof value.message === "string"
                 && typeof value.stack === "string" && value.name && value.message && value.stack);
}

// The error document Lambda answers for an error the function raised or passed back.
function errorDocument(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message,
               trace: shown(error.stack).split("\n") };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return { errorType: "handled",
             errorMessage: "callback called with Error argument, but there was a problem while "
                           + "retrieving one or more of its message, name, and stack" };
  }
}

// -- loading the handler -------------------------------------------------------------------

// Lambda's Node.js runtimes ship the AWS SDK for JavaScript v3; here it is found where the
// machine installed it, in NODE_PATH's directories (global node_modules directories).
// require() searches NODE_PATH itself; ES modules do not, so a resolve hook retries bare
// specifiers as if imported from a file in each of those directories.
function resolveBareImportsFromNodePath() {
  const dirs = (process.env.NODE_PATH || "").split(path.delimiter)
    .filter((dir) => dir && dir !== taskRoot);
  if (!dirs.length || typeof nodeModule.register !== "function") return;
  nodeModule.register("data:text/javascript," + encodeURIComponent(`
    import { pathToFileURL } from "node:url";
    const parents = ${JSON.stringify(dirs)}.map((dir) => pathToFileURL(dir + "/index.js").href);
    export async function resolve(specifier, context, next) {
      try {
        return await next(specifier, context);
      } catch (err) {
        if (err.code !== "ERR_MODULE_NOT_FOUND" || /^([./]|[a-z]+:)/.test(specifier)) throw err;
        for (const parentURL of parents) {
          try {
            return await next(specifier, { ...context, parentURL });
          } catch {}
        }
        throw err;
      }
    }`));
}

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// Whether the nearest package.json (up to the task root) says "type": "module".
function typeIsModule(folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const manifest = path.join(dir, "package.json");
    if (isFile(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, "utf8")).type === "module";
      } catch {
        return false;
      }
    }
    if (dir === taskRoot || dir === path.dirname(dir)) return false;
  }
}

// The module as Lambda's Node.js runtime loads it: extensionless and .js files with require
// (.js with import where package.json says "type": "module"), then .mjs with import, .cjs
// with require, then a module resolved the way require resolves it.
async function loadModule(moduleRoot, name) {
  const file = path.resolve(taskRoot, moduleRoot, name);
  if (isFile(file)) return require(file);
  const esm = typeIsModule(path.dirname(file));
  if (isFile(`${file}.js`)) {
    return esm ? import(pathToFileURL(`${file}.js`).href) : require(`${file}.js`);
  }
  if (isFile(`${file}.mjs`)) return import(pathToFileURL(`${file}.mjs`).href);
  if (isFile(`${file}.cjs`)) return require(`${file}.cjs`);
  return require(require.resolve(name, { paths: [taskRoot, moduleRoot] }));
}

async function loadHandler(spec) {
  if (spec.includes("..")) {
    throw runtimeError("MalformedHandlerName", `'${spec}' is not a valid handler name. Use `
                       + "absolute paths when specifying root directories in handler names.");
  }
  const base = path.basename(spec);
  const moduleRoot = spec.slice(0, spec.length - base.length);
  const parts = /^([^.]*)\.(.*)$/.exec(base);
  if (!parts) throw runtimeError("MalformedHandlerName", "Bad handler");
  let app;
  try {
    app = await loadModule(moduleRoot, parts[1]);
  } catch (err) {
    if (err instanceof SyntaxError) throw runtimeError("UserCodeSyntaxError", shown(err));
    if (err && (err.code === "MODULE_NOT_FOUND" || err.code === "ERR_MODULE_NOT_FOUND")) {
      throw runtimeError("ImportModuleError", shown(err));
    }
    throw err;
  }
  const handler = parts[2].split(".").reduce((found, key) => found && found[key], app);
  if (!handler) throw runtimeError("HandlerNotFound", `${spec} is undefined or not exported`);
  if (typeof handler !== "function") {
    throw runtimeError("HandlerNotFound", `${spec} is not a function`);
  }
  return handler;
}

// -- invoking ------------------------------------------------------------------------------

// Calling the handler as a method of a Runtime, as Lambda does, names its stack frames
// "Runtime.handler".
class Runtime {
  constructor(handler) {
    this.handler = handler;
    this.isAsync = handler.constructor && handler.constructor.name === "AsyncFunction";
  }
}

let current = null;  // the invocation in progress: { fail(error, retire) }
let exitListener = null;

function onEmptyEventLoop(listener) {
  if (exitListener) process.removeListener("beforeExit", exitListener);
  exitListener = listener;
  if (listener) process.once("beforeExit", listener);
}

function answer(result) {
  let text;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch {
    return failure(new Error("Unable to stringify response body"));
  }
  return { error: false, body: Buffer.from(text === undefined ? "null" : text) };
}

// retire: the worker ends after answering (the error was logged as it was caught).
function failure(error, retire = false) {
  if (!retire) console.error("Invoke Error", formatted(error));
  return { error: true, body: Buffer.from(JSON.stringify(errorDocument(error))), retire };
}

function invoke(runtime, request, payload) {
  return new Promise((resolve) => {
    let finished = false;
    let waits = true;
    let called = false;
    const settle = (outcome) => {
      if (finished) return;
      finished = true;
      current = null;
      onEmptyEventLoop(null);
      resolve(outcome);
    };
    const complete = (result) => settle(answer(result));
    const fail = (error, retire = false) => settle(failure(error, retire));
    const once = (fn) => (...args) => {
      if (called) return;
      called = true;
      fn(...args);
    };
    const done = (error, result) => {
      if (error !== undefined && error !== null) fail(error);
      else complete(result);
    };
    const callback = once((error, result) => {
      onEmptyEventLoop(null);
      if (error !== undefined && error !== null) fail(error);
      else if (!waits) complete(result);
      else onEmptyEventLoop(() => setImmediate(() => complete(result)));
    });
    const deadline = request.deadlineMs;
    const context = {
      get callbackWaitsForEmptyEventLoop() { return waits; },
      set callbackWaitsForEmptyEventLoop(value) { waits = value; },
      succeed: once((result) => done(null, result)),
      fail: once((error) => done(error === undefined || error === null ? "handled" : error)),
      done: once(done),
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: request.clientContext ?? undefined,
      identity: undefined,
      invokedFunctionArn: request.invokedArn,
      awsRequestId: request.requestId,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    current = { fail };
    // A handler that neither settles a promise nor calls back ends when the event loop
    // empties: null for a plain function, an error for an async one.
    onEmptyEventLoop(() => (runtime.isAsync
      ? fail(runtimeError("NodeJsExit", "Runtime exited without providing a reason"))
      : complete(null)));
    try {
      const event = JSON.parse(payload.length ? payload.toString("utf8") : "{}");
      const result = runtime.handler(event, context, callback);
      if (result && typeof result.then === "function") {
        result.then(context.succeed, context.fail);
      }
    } catch (err) {
      callback(err);
    }
  });
}

// -- main ----------------------------------------------------------------------------------

let initialized = false;

process.on("uncaughtException", (error) => {
  console.error("Uncaught Exception", formatted(error));
  if (current) current.fail(error, true);
  else if (!initialized) reportInitError(error);
  else end();
});

process.on("unhandledRejection", (reason) => {
  const error = runtimeError("UnhandledPromiseRejection", String(reason));
  console.error("Unhandled Promise Rejection", formatted(error));
  if (current) current.fail(error, true);
  else if (!initialized) reportInitError(error);
  else end();
});

function reportInitError(error) {
  const doc = errorDocument(error);
  writeFrame(responseFd, { initError: doc }, Buffer.from(JSON.stringify(doc)));
  end();
}

async function main() {
  dieWithParent(lifelineFd);
  patchConsole();
  redirectExecuteApi(process.env.AWS_ENDPOINT_URL);
  resolveBareImportsFromNodePath();
  const started = performance.now();
  let runtime;
  try {
    runtime = new Runtime(await loadHandler(process.env._HANDLER || ""));
  } catch (err) {
    console.error("Uncaught Exception", formatted(err));
    reportInitError(err);
    return;
  }
  initialized = true;
  writeFrame(responseFd, { initMs: performance.now() - started });
  for (let frame; (frame = readFrame(requestFd)) !== null;) {
    const [request, payload] = frame;
    requestId = request.requestId;
    if (request.traceId) process.env._X_AMZN_TRACE_ID = request.traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    const outcome = await invoke(runtime, request, payload);
    writeFrame(responseFd, { error: outcome.error, retire: Boolean(outcome.retire),
                             maxRssKb: process.resourceUsage().maxRSS }, outcome.body);
    if (outcome.retire) end();
  }
  end();  // the parent has gone
}

main();

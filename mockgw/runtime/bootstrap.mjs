// One warm Lambda execution environment for Node.js: the program each Node.js worker runs.
//
//     node bootstrap.mjs REQUEST_FD RESPONSE_FD LIFELINE_FD
//
// It loads the handler that _HANDLER names from LAMBDA_TASK_ROOT (CommonJS or an ES module,
// found as Lambda's Node.js runtime finds it, with the `awslambda` global of that runtime) and
// reports `initMs` or the init error.  Then it serves invocations one at a time with the same
// frames as bootstrap.py: a frame is two big-endian uint32 (header length, body length), a
// JSON header and the body.  Between invocations it blocks reading the next request, so
// timers a handler left behind wait for the next invocation, as in a frozen Lambda sandbox.
//
// The handler gets the event, a context object and a callback; an async handler's promise
// or the callback (after the event loop empties, unless
// context.callbackWaitsForEmptyEventLoop is false) ends the invocation.  A handler wrapped in
// awslambda.streamifyResponse gets a response stream instead: what it writes is the answer
// (buffered; the header's contentType says what the stream was).  console output is written
// as Lambda writes it (text, or JSON with AWS_LAMBDA_LOG_FORMAT=JSON; levels below
// AWS_LAMBDA_LOG_LEVEL dropped); errors are answered as {errorType, errorMessage, trace} with
// the function's files shown under /var/task and this runtime as /var/runtime/index.mjs.

import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import util from "node:util";
import * as nodeModule from "node:module";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

const [requestFd, responseFd, lifelineFd] = process.argv.slice(2, 5).map(Number);
const taskRoot = process.env.LAMBDA_TASK_ROOT;
const runtimeDir = path.dirname(fileURLToPath(import.meta.url));
const require = nodeModule.createRequire(import.meta.url);
// Real paths and how Lambda shows them (its runtime's entry point is /var/runtime/index.mjs).
const SHOWN = [[taskRoot, "/var/task"], [fs.realpathSync(taskRoot), "/var/task"],
               [fileURLToPath(import.meta.url), "/var/runtime/index.mjs"],
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

// -- errors --------------------------------------------------------------------------------

// The runtime's own errors, named on their prototypes as Lambda's runtime names them (so the
// name is no own property of an error, and its stack starts with it).
class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MalformedStreamingHandler extends Error {}
class InvalidStreamingOperation extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super("Runtime exited without providing a reason");
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const kind of [ImportModuleError, HandlerNotFound, MalformedHandlerName,
                    UserCodeSyntaxError, MalformedStreamingHandler, InvalidStreamingOperation,
                    NodeJsExit, UnhandledPromiseRejection]) {
  kind.prototype.name = `Runtime.${kind.name}`;
}

function isErrorLike(value) {
  return Boolean(value && typeof value.name === "string" && typeof value.message === "string"
                 && typeof value.stack === "string" && value.name && value.message && value.stack);
}

// The error document Lambda answers for an error the function raised or passed back.
function errorDocument(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: shown(error.message),
               trace: shown(error.stack).split("\n") };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return { errorType: "handled",
             errorMessage: "callback called with Error argument, but there was a problem while "
                           + "retrieving one or more of its message, name, and stack" };
  }
}

// -- logging -------------------------------------------------------------------------------

let requestId;  // undefined during init, as Lambda logs it

const LEVELS = Object.freeze({ TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 });
const JSON_LOGS = (process.env.AWS_LAMBDA_LOG_FORMAT || "").toUpperCase() === "JSON";

function shown(text) {
  let out = String(text);
  for (const [real, alias] of SHOWN) {
    if (real) out = out.split(real).join(alias);
  }
  return out;
}

// console.* as Lambda's runtime patches it: one line per call (a multi-line message keeps its
// newlines, as in the log frames Lambda's runtime writes), levels below AWS_LAMBDA_LOG_LEVEL
// doing nothing (console.fatal always writes).
function patchConsole() {
  const minimum = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || "").toUpperCase()] ?? LEVELS.TRACE;
  const write = (level) => {
    if (level !== "FATAL" && LEVELS[level] < minimum) return () => {};
    return (message, ...params) => {
      const time = new Date().toISOString();
      const line = JSON_LOGS ? jsonLine(time, level, [message, ...params])
        : `${time}\t${requestId}\t${level}\t${util.format(message, ...params)}`;
      process.stdout.write(`${shown(line)}\n`);
    };
  };
  console.trace = write("TRACE");
  console.debug = write("DEBUG");
  console.info = write("INFO");
  console.log = console.info;
  console.warn = write("WARN");
  console.error = write("ERROR");
  console.fatal = write("FATAL");
}

// An error inside a JSON log line: errorType (its class), errorMessage, stackTrace and its
// own properties.
function jsonError(_key, value) {
  if (!(value instanceof Error)) return value;
  return { errorType: value?.constructor?.name ?? "UnknownError", errorMessage: value.message,
           stackTrace: typeof value.stack === "string" ? value.stack.split("\n") : value.stack,
           ...value };
}

// A log line in Lambda's JSON format: one value is the message as it is (an error as
// jsonError writes it); several are formatted into one string, with the first error's
// errorType, errorMessage and stackTrace beside it.  requestId is left out during init.
function jsonLine(timestamp, level, values) {
  const doc = { timestamp, level, requestId };
  if (values.length === 1) {
    doc.message = values[0];
    try {
      return JSON.stringify(doc, jsonError);
    } catch {
      doc.message = util.format(doc.message);
      return JSON.stringify(doc);
    }
  }
  doc.message = util.format(...values);
  const error = values.find((value) => value instanceof Error);
  if (error) {
    doc.errorType = error?.constructor?.name ?? "UnknownError";
    doc.errorMessage = error.message;
    doc.stackTrace = typeof error.stack === "string" ? error.stack.split("\n") : [];
  }
  return JSON.stringify(doc);
}

// An error as the runtime logs it ("Invoke Error", "Uncaught Exception", ...): in text, the
// label, a tab and JSON with errorType, errorMessage, code, the error's own properties and
// its stack as lines; in JSON, the error alone.
function logError(label, error) {
  const err = error instanceof Error ? error : new Error(error);
  if (JSON_LOGS) console.error(err);
  else console.error(label, formatted(err));
}

function formatted(err) {
  try {
    return "\t" + JSON.stringify(err, (_key, value) => {
      if (!(value instanceof Error)) return value;
      const out = { errorType: value.name, errorMessage: value.message, code: value.code,
                    ...value };
      if (typeof value.stack === "string") out.stack = value.stack.split("\n");
      return out;
    });
  } catch {
    return "\t" + JSON.stringify(errorDocument(err));
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
    throw new MalformedHandlerName(`'${spec}' is not a valid handler name. Use absolute paths `
                                   + "when specifying root directories in handler names.");
  }
  const base = path.basename(spec);
  const moduleRoot = spec.slice(0, spec.length - base.length);
  const parts = /^([^.]*)\.(.*)$/.exec(base);
  if (!parts) throw new MalformedHandlerName("Bad handler");
  installAwsLambdaGlobal();
  let app;
  try {
    app = await loadModule(moduleRoot, parts[1]);
  } catch (err) {
    // As Lambda's runtime: only require()'s MODULE_NOT_FOUND is an ImportModuleError; an ES
    // module's import of a missing package (ERR_MODULE_NOT_FOUND) is answered as it is.
    if (err instanceof SyntaxError) throw new UserCodeSyntaxError(err);
    if (err && err.code === "MODULE_NOT_FOUND") throw new ImportModuleError(err);
    throw err;
  }
  const handler = parts[2].split(".").reduce((found, key) => found && found[key], app);
  if (!handler) throw new HandlerNotFound(`${spec} is undefined or not exported`);
  if (typeof handler !== "function") throw new HandlerNotFound(`${spec} is not a function`);
  return handler;
}

// -- response streaming --------------------------------------------------------------------

const HANDLER_STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
const HANDLER_HIGHWATERMARK = Symbol.for("aws.lambda.runtime.handler.streaming.highWaterMark");
const STREAM_RESPONSE = "response";
const METADATA_PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
const DEFAULT_STREAM_CONTENT_TYPE = "application/octet-stream";

// awslambda.HttpResponseStream: the metadata of an HTTP answer (statusCode, headers,
// cookies) goes first in the stream, as JSON followed by 8 null bytes, written just before
// the first write.
class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType(METADATA_PRELUDE_CONTENT_TYPE);
    const metadataPrelude = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadataPrelude);
      write(new Uint8Array(8));
    };
    return underlyingStream;
  }
}

// The global Lambda's Node.js runtime defines before it loads the handler (unless
// AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is 1 or true).
function installAwsLambdaGlobal() {
  const off = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (off === "1" || off === "true") return;
  globalThis.awslambda = {
    streamifyResponse: (handler, options) => {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === "number") {
        handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark);
      }
      return handler;
    },
    HttpResponseStream,
  };
}

function streamingOf(handler) {
  const mode = handler[HANDLER_STREAMING];
  if (mode === undefined || mode === null || mode === false) return false;
  if (mode === STREAM_RESPONSE) return true;
  throw new MalformedStreamingHandler("Only response streaming is supported.");
}

function highWaterMarkOf(handler) {
  const mark = parseInt(handler[HANDLER_HIGHWATERMARK]);
  return Number.isNaN(mark) ? undefined : mark;
}

// What a streaming handler may use of its response stream (Lambda's runtime hands it these
// members of the underlying stream, not the stream itself).
const STREAM_METHODS = ["cork", "destroy", "end", "uncork", "write", "addListener", "emit",
  "eventNames", "getMaxListeners", "listenerCount", "listeners", "off", "on", "once",
  "prependListener", "prependOnceListener", "rawListeners", "removeAllListeners",
  "removeListener", "setMaxListeners", "setContentType"];
const STREAM_SETTABLE = ["destroyed", "writable", "_onBeforeFirstWrite"];
const STREAM_READABLE = ["writableFinished", "writableObjectMode", "writableBuffer",
  "writableEnded", "writableNeedDrain", "writableHighWaterMark", "writableCorked",
  "writableLength"];

// A response stream that keeps what is written: write() takes strings, buffers and
// Uint8Arrays (anything else is written as JSON) and runs _onBeforeFirstWrite first;
// setContentType() works until the first write.  As on Lambda, end(chunk) writes its chunk
// without going through write().
function responseStream(highWaterMark) {
  const chunks = [];
  let contentType = DEFAULT_STREAM_CONTENT_TYPE;
  let written = false;
  const inner = new Writable({
    highWaterMark,
    write(chunk, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  inner.setContentType = (type) => {
    if (written) throw new InvalidStreamingOperation("Cannot set content-type, too late.");
    contentType = type;
  };
  const write = inner.write.bind(inner);
  inner.write = function writeChunk(chunk, encoding, callback) {
    const data = typeof chunk === "string" || Buffer.isBuffer(chunk)
      || chunk?.constructor === Uint8Array ? chunk : JSON.stringify(chunk);
    if (!written && typeof this._onBeforeFirstWrite === "function") {
      this._onBeforeFirstWrite((piece) => write(piece));
    }
    const result = write(data, encoding, callback);
    written = true;
    return result;
  };
  const stream = {};
  for (const name of STREAM_METHODS) stream[name] = inner[name].bind(inner);
  for (const name of STREAM_SETTABLE) {
    Object.defineProperty(stream, name, { get: () => inner[name],
                                          set: (value) => { inner[name] = value; } });
  }
  for (const name of STREAM_READABLE) Object.defineProperty(stream, name, { get: () => inner[name] });
  return { stream, inner, body: () => Buffer.concat(chunks), contentType: () => contentType };
}

// -- invoking ------------------------------------------------------------------------------

// Calling the handler as a method of a Runtime, as Lambda does, names its stack frames
// "Runtime.handler".
class Runtime {
  constructor(handler) {
    this.handler = handler;
    this.isAsync = handler.constructor && handler.constructor.name === "AsyncFunction";
    this.streaming = streamingOf(handler);
    this.highWaterMark = highWaterMarkOf(handler);
  }
}

let current = null;  // the invocation in progress: { fail(error, retire) }

// What to do when the event loop empties during an invocation (one listener at a time, as
// Lambda's runtime keeps it): answer a handler that waits for the empty loop, or one that
// never answered.
const NOTHING = () => {};
let whenLoopEmpties = NOTHING;
process.on("beforeExit", () => whenLoopEmpties());

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
  if (!retire) logError("Invoke Error", error);
  return { error: true, body: Buffer.from(JSON.stringify(errorDocument(error))), retire };
}

// The context of an invocation: what Lambda tells the handler about it, after `own` (the
// members that end or steer the invocation).
function contextOf(request, own) {
  const deadline = request.deadlineMs;
  return Object.assign(own, {
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
  });
}

function isPromise(value) {
  return Boolean(value && typeof value.then === "function");
}

// The outcome of one invocation: { error, body, retire?, contentType? }.
function invoke(runtime, request, payload) {
  return new Promise((resolve) => {
    let finished = false;
    const settle = (outcome) => {
      if (finished) return;
      finished = true;
      current = null;
      whenLoopEmpties = NOTHING;
      resolve(outcome);
    };
    const fail = (error, retire = false) => settle(failure(error, retire));
    current = { fail };
    const run = runtime.streaming ? invokeStreaming : invokeBuffered;
    run(runtime, request, payload, settle, fail);
  });
}

function invokeBuffered(runtime, request, payload, settle, fail) {
  let waits = true;
  let called = false;
  const complete = (result) => settle(answer(result));
  const once = (fn) => (...args) => {
    if (called) return;
    called = true;
    fn(...args);
  };
  const done = (error, result) => {
    whenLoopEmpties = NOTHING;
    if (error !== undefined && error !== null) fail(error);
    else complete(result);
  };
  const callback = once((error, result) => {
    whenLoopEmpties = NOTHING;
    if (error !== undefined && error !== null) fail(error);
    else if (!waits) complete(result);
    else whenLoopEmpties = () => setImmediate(() => complete(result));
  });
  const context = contextOf(request, {
    get callbackWaitsForEmptyEventLoop() { return waits; },
    set callbackWaitsForEmptyEventLoop(value) { waits = value; },
    succeed: once((result) => done(null, result)),
    fail: once((error) => done(error === undefined || error === null ? "handled" : error)),
    done: once(done),
  });
  // A handler that neither settles a promise nor calls back ends when the event loop
  // empties: null for a plain function, an error for an async one.
  whenLoopEmpties = () => (runtime.isAsync ? fail(new NodeJsExit()) : complete(null));
  try {
    const event = JSON.parse(payload.length ? payload.toString("utf8") : "{}");
    const result = runtime.handler(event, context, callback);
    if (isPromise(result)) result.then(context.succeed, context.fail);
  } catch (err) {
    callback(err);
  }
}

// A streaming handler answers what it wrote once its promise has resolved and the stream
// has ended; a stream still open when nothing is left to run is an error.
function invokeStreaming(runtime, request, payload, settle, fail) {
  let waits = true;
  let returned = false;
  const response = responseStream(runtime.highWaterMark);
  const streamed = () => ({ error: false, body: response.body(),
                            contentType: response.contentType() });
  const settleWhenDone = () => {
    if (returned && response.inner.writableFinished) settle(streamed());
  };
  response.inner.on("finish", settleWhenDone);
  response.inner.on("error", (err) => fail(err));
  whenLoopEmpties = () => (response.inner.writableFinished ? settle(streamed())
    : fail("Response stream is not finished."));
  const context = contextOf(request, {
    get callbackWaitsForEmptyEventLoop() { return waits; },
    set callbackWaitsForEmptyEventLoop(value) { waits = value; },
  });
  let result;
  try {
    const event = JSON.parse(payload.length ? payload.toString("utf8") : "{}");
    result = runtime.handler(event, response.stream, context);
  } catch (err) {
    fail(err);
    return;
  }
  if (!isPromise(result)) {
    fail("Streaming does not support non-async handlers.");
    return;
  }
  result.then((value) => {
    if (value !== undefined) console.warn("Streaming handlers ignore return values.");
    returned = true;
    settleWhenDone();
  }, (err) => fail(err));
}

// -- main ----------------------------------------------------------------------------------

let initialized = false;

process.on("uncaughtException", (error) => {
  logError("Uncaught Exception", error);
  if (current) current.fail(error, true);
  else if (!initialized) reportInitError(error);
  else end();
});

process.on("unhandledRejection", (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason, promise);
  logError("Unhandled Promise Rejection", error);
  if (current) current.fail(error, true);
  else if (!initialized) reportInitError(error);
  else end();
});

function reportInitError(error) {
  const doc = errorDocument(error);
  writeFrame(responseFd, { initError: doc }, Buffer.from(JSON.stringify(doc)));
  end();
}

// Serve the next invocation, then schedule the one after it on a new turn of the event loop
// (never from inside a 'beforeExit' listener, which node would follow by exiting).
function serveNext(runtime) {
  const frame = readFrame(requestFd);
  if (frame === null) {
    end();  // the parent has gone
    return;
  }
  const [request, payload] = frame;
  requestId = request.requestId;
  if (request.traceId) process.env._X_AMZN_TRACE_ID = request.traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  invoke(runtime, request, payload).then((outcome) => {
    const header = { error: outcome.error, retire: Boolean(outcome.retire),
                     maxRssKb: process.resourceUsage().maxRSS };
    if (outcome.contentType !== undefined) header.contentType = outcome.contentType;
    writeFrame(responseFd, header, outcome.body);
    if (outcome.retire) end();
    setImmediate(() => serveNext(runtime));
  });
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
    logError("Uncaught Exception", err);
    reportInitError(err);
    return;
  }
  initialized = true;
  writeFrame(responseFd, { initMs: performance.now() - started });
  serveNext(runtime);
}

main();

"""Invoking Lambda functions: the runtime's entry point, shared by the Invoke operation and
the data plane (which must not call control-plane handlers).

``invoke`` resolves the function and qualifier (an alias's routing config picks the
version), checks the payload, runs the handler (a warm Python or Node.js worker for zip
code, a thread for a registered callable, or the endpoint in ``AWS_ENDPOINT_URL_LAMBDA``
for functions mockgw does not hold) and answers what Lambda would: the payload or Lambda's
error document, the ``FunctionError``, the log with its START/END/REPORT lines and the
executed version.

Functions get the environment Lambda sets (``AWS_LAMBDA_*``, ``AWS_REGION``, ``_HANDLER``,
placeholder credentials whose access key is the function's account, so mockgw files their
calls under that account) and, under ``mockgw serve``, ``AWS_ENDPOINT_URL`` pointing at the
server, so their own AWS calls reach mockgw.

A function's ``LoggingConfig`` shapes its log as Lambda's does: ``AWS_LAMBDA_LOG_FORMAT``
(and, for JSON, ``AWS_LAMBDA_LOG_LEVEL``) tell the runtime how to write records, and with
the JSON format the platform's own lines are ``platform.start``/``platform.report`` events
and application lines below ``ApplicationLogLevel`` are dropped.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import os
import resource
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockgw.errors import ServiceError
from mockgw.instance import Instance
from mockgw.runtime import forward
from mockgw.runtime.bootstrap import LambdaContext, escapes_non_ascii, log_timestamp
from mockgw.runtime.functions import FUNCTIONS, Target, locate, parse_ref, resolve
from mockgw.runtime.inprocess import run_callable
from mockgw.runtime.languages import language_of
from mockgw.runtime.workers import Execution, Request, WorkerPool, WorkerSpec

WORKERS = "lambda.workers"  # instance service: the WorkerPool
CALLABLES = "lambda.callables"  # instance service: registered callables by CodeSha256

REQUEST_LIMIT = 6 * 1024 * 1024  # bytes of a synchronous payload
EVENT_REQUEST_LIMIT = 1024 * 1024  # bytes of an asynchronous payload
RESPONSE_LIMIT = 6 * 1024 * 1024 + 100  # bytes of a function's answer
LOG_TAIL_BYTES = 4096

#: Environment variables Lambda sets itself; functions may not configure them (``TZ`` and
#: ``LANG`` are set too, but a function's own value wins: AWS lists them as unreserved).
RESERVED_VARIABLES = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_KEY", "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"})
#: ``AWS_LAMBDA_RUNTIME_API``: where Lambda's runtime API listens in every execution
#: environment (nothing listens there in mockgw: its bootstraps talk over pipes).
RUNTIME_API = "127.0.0.1:9001"
#: Log levels of ``LoggingConfig``, least severe first (``logging``'s names as aliases).
_LOG_LEVELS = {"TRACE": 0, "DEBUG": 1, "INFO": 2, "WARN": 3, "WARNING": 3, "ERROR": 4,
               "FATAL": 5, "CRITICAL": 5}
#: Variables of mockgw's own environment that functions see too (so their code finds the
#: interpreter's libraries, and the same AWS endpoints as the tests).
_INHERITED_VARIABLES = ("PATH", "HOME", "TMPDIR", "PYTHONPATH", "AWS_CA_BUNDLE",
                        "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS")
#: The execution role's credentials on Lambda; placeholders here (never the developer's
#: own), the access key being the function's account.
SECRET_ACCESS_KEY = "mockgw-lambda-secret-access-key"
SESSION_TOKEN = "mockgw-lambda-session-token"

log = logging.getLogger("mockgw.lambda")


@dataclass(frozen=True, slots=True)
class InvokeResult:
    """What an invocation answers (the members of Lambda's Invoke output).

    ``status`` is 200 (RequestResponse), 202 (Event) or 204 (DryRun); ``function_error``
    is ``"Unhandled"`` when ``payload`` is an error document; ``log_tail`` is the last
    4 KB of ``log`` in base64 when the caller asked for ``LogType=Tail``.
    """

    status: int
    payload: bytes = b""
    function_error: str | None = None
    log_tail: str | None = None
    executed_version: str | None = None
    log: str = ""


def invoke(instance: Instance, account: str, region: str, function_ref: str,
           payload: bytes = b"", *, qualifier: str | None = None,
           invocation_type: str = "RequestResponse", log_type: str | None = None,
           client_context: str | dict | None = None, request_id: str | None = None,
           trace_id: str | None = None) -> InvokeResult:
    """Invoke the function ``function_ref`` (name, partial or full ARN, maybe qualified) of
    ``account`` in ``region`` with the event ``payload``, as Lambda's Invoke does.

    Raises :class:`~mockgw.errors.ServiceError` with Lambda's code and message for what
    Invoke refuses (unknown function or qualifier, oversized or non-JSON payload, ...).
    ``client_context`` is the ``X-Amz-Client-Context`` header (base64 JSON) or its
    decoded object; ``request_id`` becomes the invocation's ``aws_request_id`` (as Lambda's
    Invoke uses its own request id), a new one when not given; ``trace_id`` the function's
    ``_X_AMZN_TRACE_ID`` (see :func:`trace_header`), a new one when not given.
    """
    ref = parse_ref(function_ref)
    store = instance.backends.store(account, region)
    with store.lock:
        held = ref.name in store.table(FUNCTIONS)
    url = None if held else forward.endpoint()
    if url is not None:
        wire_context = client_context if not isinstance(client_context, dict) else \
            base64.b64encode(json.dumps(client_context).encode()).decode()
        output = forward.forward(url, region, function_ref, payload, qualifier=qualifier,
                                 invocation_type=invocation_type, log_type=log_type,
                                 client_context=wire_context)
        return InvokeResult(output["StatusCode"], output["Payload"],
                            output.get("FunctionError"), output.get("LogResult"),
                            output.get("ExecutedVersion"))
    name, qualifier = locate(ref, account=account, region=region, qualifier=qualifier)
    with store.lock:
        target = resolve(store, name, qualifier, instance.random)
    _check_payload(payload, invocation_type)
    context = _client_context(client_context)
    if invocation_type == "DryRun":
        return InvokeResult(204)
    run = _runner(instance, account, region, target)
    if invocation_type == "Event":
        request_id = request_id or str(uuid.uuid4())

        def in_background() -> None:
            try:
                _invoke_now(run, target, payload, context, None, request_id, trace_id)
            except Exception:
                log.exception("asynchronous invocation of %s failed", target.arn)

        _workers(instance).submit(in_background)
        return InvokeResult(202)
    return _invoke_now(run, target, payload, context, log_type, request_id, trace_id)


def retire(instance: Instance, account: str, region: str, name: str) -> None:
    """Stop the warm workers of a deleted function (a changed version retires its own
    workers on its next invocation)."""
    _workers(instance).retire(account, region, name)


def callables(instance: Instance) -> dict[str, Callable[..., Any]]:
    """The callables registered as functions in ``instance``, by CodeSha256."""
    return instance.service(CALLABLES, lambda _: {})


Runner = Callable[[str, bytes, dict | None, str], Execution]


def _runner(instance: Instance, account: str, region: str, target: Target) -> Runner:
    """How to run the target version: ``run(request_id, payload, client_context,
    trace_id)``."""
    config, code = target.config, target.code
    timeout = config["Timeout"]
    if "callable" in code:
        handler = callables(instance)[code["callable"]]

        def run_in_thread(request_id: str, payload: bytes, context: dict | None,
                          trace_id: str) -> Execution:
            lambda_context = LambdaContext(
                request_id=request_id, function_name=target.name,
                function_version=target.version, invoked_function_arn=target.arn,
                memory_limit_in_mb=config["MemorySize"],
                log_group_name=_log_group(config), log_stream_name=_log_stream(target),
                deadline_ms=_now_ms() + timeout * 1000, client_context=context)
            execution = run_callable(handler, payload, lambda_context, timeout,
                                     ensure_ascii=escapes_non_ascii(config.get("Runtime", "")),
                                     json_logs=log_settings(config).json)
            execution.max_memory_mb = math.ceil(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            return execution

        return run_in_thread
    language = language_of(config, code)  # refuses what mockgw cannot run
    spec = WorkerSpec(account=account, region=region, name=target.name,
                      version=target.version, code_sha256=config["CodeSha256"],
                      memory_size=config["MemorySize"],
                      environment=_environment(instance, account, region, target),
                      language=language)
    pool = _workers(instance)

    def run_in_worker(request_id: str, payload: bytes, context: dict | None,
                      trace_id: str) -> Execution:
        request = Request(request_id, payload, target.arn, timeout, context, trace_id)
        return pool.execute(spec, code["zipFile"], request)

    return run_in_worker


def _invoke_now(run: Runner, target: Target, payload: bytes, context: dict | None,
                log_type: str | None, request_id: str | None,
                trace_id: str | None = None) -> InvokeResult:
    request_id = request_id or str(uuid.uuid4())
    execution = run(request_id, payload, context, trace_id or trace_header())
    answer, failed = execution.payload, True
    if execution.timed_out:
        answer = _service_error("Sandbox.Timedout", f"RequestId: {request_id} Error: Task "
                                f"timed out after {target.config['Timeout']:.2f} seconds")
    elif execution.exit_status is not None:
        answer = _service_error("Runtime.ExitError", f"RequestId: {request_id} Error: "
                                f"Runtime exited with error: {execution.exit_status}")
    elif len(answer) > RESPONSE_LIMIT:
        answer = _service_error("Function.ResponseSizeTooLarge", "Response payload size "
                                f"exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).")
    else:
        failed = execution.error
    text = _log_text(request_id, target, execution)
    log.info("%s\n%s", target.arn, text.rstrip("\n"))
    tail = base64.b64encode(text.encode()[-LOG_TAIL_BYTES:]).decode() \
        if log_type == "Tail" else None
    return InvokeResult(200, answer, "Unhandled" if failed else None, tail, target.version,
                        text)


@dataclass(frozen=True, slots=True)
class LogSettings:
    """What a function's ``LoggingConfig`` asks of its log: the JSON format (else plain
    text) and, for JSON, the application and system log levels (``INFO`` unless set)."""

    json: bool
    application_level: str = "INFO"
    system_level: str = "INFO"


def log_settings(config: dict) -> LogSettings:
    """The log settings of the function version ``config``."""
    logging_config = config.get("LoggingConfig", {})
    if logging_config.get("LogFormat") != "JSON":
        return LogSettings(json=False)
    return LogSettings(True, logging_config.get("ApplicationLogLevel") or "INFO",
                       logging_config.get("SystemLogLevel") or "INFO")


def _log_text(request_id: str, target: Target, execution: Execution) -> str:
    """The invocation's log as Lambda writes it: what the init phase wrote (cold starts),
    START, the function's output, END and REPORT; with the JSON log format, the
    ``platform.start`` and ``platform.report`` events around the application's lines."""
    settings = log_settings(target.config)
    if settings.json:
        return _json_log_text(request_id, target, execution, settings)
    output = execution.output
    if output and not output.endswith("\n"):
        output += "\n"
    init = execution.init_output
    if init and not init.endswith("\n"):
        init += "\n"
    lines = [init, f"START RequestId: {request_id} Version: {target.version}\n", output]
    if execution.timed_out:
        lines.append(f"{log_timestamp()} {request_id} Task timed out after "
                     f"{target.config['Timeout']:.2f} seconds\n")
    report = [f"REPORT RequestId: {request_id}", f"Duration: {execution.duration_ms:.2f} ms",
              f"Billed Duration: {billed_duration_ms(execution)} ms",
              f"Memory Size: {target.config['MemorySize']} MB",
              f"Max Memory Used: {execution.max_memory_mb} MB"]
    if execution.init_ms is not None:
        report.append(f"Init Duration: {execution.init_ms:.2f} ms")
    if execution.timed_out:
        report.append("Status: timeout")
    elif execution.exit_status is not None or execution.init_error is not None:
        report.append(f"Status: error\tError Type: {execution.init_error or 'Runtime.ExitError'}")
    lines += [f"END RequestId: {request_id}\n", "\t".join(report) + "\t\n"]
    return "".join(lines)


def billed_duration_ms(execution: Execution) -> int:
    """The billed duration of an invocation: its duration and, on a cold start, its init
    phase (billed for on-demand zip functions since 1 August 2025), rounded up to the
    millisecond (``15.74 ms`` with ``130.49 ms`` of init is ``147 ms``)."""
    return math.ceil(execution.duration_ms + (execution.init_ms or 0.0))


def _json_log_text(request_id: str, target: Target, execution: Execution,
                   settings: LogSettings) -> str:
    """The invocation's log in the JSON log format: the application's lines at
    ``ApplicationLogLevel`` and above, between the ``platform.start`` and
    ``platform.report`` events (``INFO`` events: none when ``SystemLogLevel`` is ``WARN``)."""
    finished = time.time()
    system = _LOG_LEVELS[settings.system_level] <= _LOG_LEVELS["INFO"]
    metrics: dict[str, Any] = {
        "durationMs": round(execution.duration_ms, 3),
        "billedDurationMs": billed_duration_ms(execution),
        "memorySizeMB": target.config["MemorySize"],
        "maxMemoryUsedMB": execution.max_memory_mb}
    if execution.init_ms is not None:
        metrics["initDurationMs"] = round(execution.init_ms, 3)
    report: dict[str, Any] = {"requestId": request_id, "metrics": metrics, "status": "success"}
    if execution.timed_out:
        report["status"] = "timeout"
    elif execution.exit_status is not None or execution.init_error is not None:
        report.update(status="error",
                      errorType=execution.init_error or "Runtime.ExitError")
    parts = [_application_lines(execution.init_output, settings.application_level)]
    if system:
        parts.append(_platform_event(finished - execution.duration_ms / 1000, "platform.start", {
            "requestId": request_id, "functionArn": target.arn, "version": target.version}))
    parts.append(_application_lines(execution.output, settings.application_level))
    if system:
        parts.append(_platform_event(finished, "platform.report", report))
    return "".join(parts)


def _platform_event(when: float, kind: str, record: dict) -> str:
    """One system log event in the JSON log format, as Lambda writes it."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when))
    millis = int(when * 1000) % 1000
    return json.dumps({"time": f"{stamp}.{millis:03d}Z", "type": kind, "record": record},
                      separators=(",", ":")) + "\n"


def _application_lines(text: str, level: str) -> str:
    """The lines of ``text`` Lambda keeps at the application log level ``level``: a line
    that is a JSON object has the level its ``"level"`` names, any other line ``INFO``."""
    if not text:
        return ""
    lowest = _LOG_LEVELS[level]
    lines = text.removesuffix("\n").split("\n")
    kept = [line for line in lines if _line_level(line) >= lowest]
    return "".join(line + "\n" for line in kept)


def _line_level(line: str) -> int:
    if line.startswith("{"):
        try:
            doc = json.loads(line)
        except ValueError:
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("level"), str):
            return _LOG_LEVELS.get(doc["level"].upper(), _LOG_LEVELS["INFO"])
    return _LOG_LEVELS["INFO"]


def _check_payload(payload: bytes, invocation_type: str) -> None:
    if invocation_type == "Event" and len(payload) > EVENT_REQUEST_LIMIT:
        raise ServiceError(f"{len(payload)} byte payload is too large for the Event invocation "
                           f"type (limit {EVENT_REQUEST_LIMIT} bytes)",
                           code="RequestEntityTooLargeException", status=413)
    if len(payload) > REQUEST_LIMIT:
        raise ServiceError(f"Request must be smaller than {REQUEST_LIMIT} bytes for the "
                           "InvokeFunction operation", code="RequestEntityTooLargeException",
                           status=413)
    if payload:
        try:
            json.loads(payload)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ServiceError("Could not parse request body into json: Could not parse "
                               f"payload into json: {exc}",
                               code="InvalidRequestContentException", status=400) from None


def _client_context(value: str | dict | None) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    try:
        decoded = json.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        decoded = None
    if not isinstance(decoded, dict):
        raise ServiceError("Client context must be a valid Base64-encoded JSON object.",
                           code="InvalidRequestContentException", status=400)
    return decoded


def _environment(instance: Instance, account: str, region: str, target: Target
                 ) -> tuple[tuple[str, str], ...]:
    """The process environment of a worker: inherited basics, the function's variables and
    what Lambda sets."""
    config = target.config
    env = {k: v for k, v in os.environ.items()
           if k in _INHERITED_VARIABLES or k.startswith("AWS_ENDPOINT_URL")}
    if instance.endpoint_url and "AWS_ENDPOINT_URL" not in env:
        env["AWS_ENDPOINT_URL"] = instance.endpoint_url
    env.update(LANG="en_US.UTF-8", TZ=":UTC", **log_variables(config))
    env.update(config.get("Environment", {}).get("Variables", {}))  # TZ and LANG may change
    env.update({
        "_HANDLER": config["Handler"], "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{config['Runtime']}",
        "AWS_LAMBDA_FUNCTION_NAME": target.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config["MemorySize"]),
        "AWS_LAMBDA_FUNCTION_VERSION": target.version,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": _log_group(config), "AWS_LAMBDA_RUNTIME_API": RUNTIME_API,
        "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_SESSION_TOKEN": SESSION_TOKEN})
    return tuple(sorted(env.items()))


def log_variables(config: dict) -> dict[str, str]:
    """The variables that tell a runtime how to log (``LoggingConfig``):
    ``AWS_LAMBDA_LOG_FORMAT`` (``Text`` or ``JSON``) and, with JSON, ``AWS_LAMBDA_LOG_LEVEL``
    (the application log level)."""
    settings = log_settings(config)
    if not settings.json:
        return {"AWS_LAMBDA_LOG_FORMAT": "Text"}
    return {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": settings.application_level}


def trace_header() -> str:
    """An X-Ray trace header for ``_X_AMZN_TRACE_ID`` (not sampled)."""
    bits = uuid.uuid4().hex + uuid.uuid4().hex
    return f"Root=1-{int(time.time()):08x}-{bits[:24]};Parent={bits[24:40]};Sampled=0"


def _log_group(config: dict) -> str:
    return config.get("LoggingConfig", {}).get(
        "LogGroup", f"/aws/lambda/{config['FunctionName']}")


def _log_stream(target: Target) -> str:
    return f"{log_timestamp()[:10].replace('-', '/')}/[{target.version}]mockgw"


def _service_error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message},
                      separators=(",", ":")).encode()


def _workers(instance: Instance) -> WorkerPool:
    return instance.service(WORKERS, WorkerPool)


def _now_ms() -> float:
    return time.time() * 1000

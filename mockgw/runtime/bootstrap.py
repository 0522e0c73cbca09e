"""One warm Lambda execution environment: the program each worker subprocess runs.

``python -u bootstrap.py REQUEST_FD RESPONSE_FD LIFELINE_FD`` imports the handler that
``_HANDLER`` names from ``LAMBDA_TASK_ROOT`` (the function's unzipped code) and reports
``ready`` or the init error.  Then it serves invocations one at a time: it reads a request
frame, calls the handler with the event and a :class:`LambdaContext`, and writes the
answer frame.  The function's stdout and stderr are wherever the parent pointed them (the
worker's log file).

It imports nothing from mockgw, so function code runs in a plain interpreter.  The parent
imports it too, for :class:`LambdaContext` and :func:`call_handler` (registered callables).

Stack traces show the function's files under ``/var/task``, as on Lambda, although the
code really runs from a temporary directory (``LAMBDA_TASK_ROOT`` names the real one, so
code that opens files beside it still finds them).
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import importlib.abc
import importlib.util
import json
import logging
import math
import os
import re
import resource
import signal
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

_FRAME = struct.Struct(">II")  # header length, body length
TASK_ROOT = "/var/task"  # where Lambda unpacks the code: what stack traces show
_task_roots: tuple[str, ...] = ()  # the real directory shown as TASK_ROOT (in a worker)
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"  # the runtime's log times (UTC), to the second

Handler = Callable[[Any, "LambdaContext"], Any]


# -- the context object --------------------------------------------------------------------

class Client:
    """``context.client_context.client`` (mobile SDK client information)."""

    def __init__(self, doc: dict) -> None:
        self.installation_id = doc.get("installation_id")
        self.app_title = doc.get("app_title")
        self.app_version_name = doc.get("app_version_name")
        self.app_version_code = doc.get("app_version_code")
        self.app_package_name = doc.get("app_package_name")


class ClientContext:
    """``context.client_context``: what the caller sent in ``ClientContext``."""

    def __init__(self, doc: dict) -> None:
        self.client = Client(doc["client"]) if isinstance(doc.get("client"), dict) else None
        self.custom = doc.get("custom")
        self.env = doc.get("env")


class CognitoIdentity:
    def __init__(self) -> None:
        self.cognito_identity_id = None
        self.cognito_identity_pool_id = None


class LambdaContext:
    """The ``context`` argument of a handler, as the Python runtime builds it."""

    def __init__(self, *, request_id: str, function_name: str, function_version: str,
                 invoked_function_arn: str, memory_limit_in_mb: int | str,
                 log_group_name: str, log_stream_name: str, deadline_ms: float,
                 client_context: dict | None = None) -> None:
        self.aws_request_id = request_id
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = str(memory_limit_in_mb)  # a string, as in AWS
        self.log_group_name = log_group_name
        self.log_stream_name = log_stream_name
        self.identity = CognitoIdentity()
        self.client_context = ClientContext(client_context) if client_context else None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, message: str) -> None:
        sys.stdout.write(message)

    def __repr__(self) -> str:
        return (f"LambdaContext(aws_request_id={self.aws_request_id!r}, "
                f"function_name={self.function_name!r}, "
                f"function_version={self.function_version!r})")


# -- running a handler ---------------------------------------------------------------------

class InitError(Exception):
    """The handler could not be loaded; ``payload`` is the error document."""

    def __init__(self, error_type: str, message: str, stack: list[str] | None = None) -> None:
        super().__init__(message)
        self.payload = {"errorMessage": message, "errorType": error_type, "requestId": "",
                        "stackTrace": stack or []}


def load_handler(spec: str) -> Handler:
    """The function ``module.function`` names, with the runtime's errors when it cannot."""
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as exc:
        raise InitError("Runtime.MalformedHandlerName", f"Bad handler '{spec}': {exc}") from None
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InitError("Runtime.ImportModuleError",
                        f"Unable to import module '{module_name}': {exc}") from None
    except SyntaxError as exc:
        raise InitError("Runtime.UserCodeSyntaxError",
                        f"Syntax error in module '{module_name}': {exc}",
                        [f'  File "{shown_path(exc.filename or "")}" Line {exc.lineno}\n'
                         f'    {exc.text}']) from None
    except Exception as exc:
        payload = error_payload(exc, "")
        raise InitError(payload["errorType"], payload["errorMessage"],
                        payload["stackTrace"]) from None
    handler = getattr(module, function_name, None)
    if handler is None:
        raise InitError("Runtime.HandlerNotFound",
                        f"Handler '{function_name}' missing on module '{module_name}'")
    return handler


def error_payload(exc: BaseException, request_id: str) -> dict:
    """The error document of an exception the function raised; the stack trace shows the
    function's frames, not the runtime's."""
    frames = traceback.StackSummary.from_list(
        [(shown_path(frame.filename), frame.lineno, frame.name, frame.line)
         for frame in traceback.extract_tb(exc.__traceback__)
         if frame.filename != __file__ and not frame.filename.startswith("<frozen ")])
    return {"errorMessage": str(exc), "errorType": type(exc).__name__,
            "requestId": request_id, "stackTrace": frames.format()}


def shown_path(filename: str) -> str:
    """``filename`` as Lambda would show it: under ``/var/task`` for the function's code."""
    for root in _task_roots:
        if filename == root or filename.startswith(root + os.sep):
            return TASK_ROOT + filename[len(root):]
    return filename


def error_log_line(payload: dict, *, json_logs: bool = False, ensure_ascii: bool = True) -> str:
    """How the runtime logs an error, as awslambdaric's ``log_error`` does on Lambda (where
    it writes one frame, one CloudWatch event, to the telemetry log descriptor): the
    traceback's lines joined with newlines and indented with no-break spaces; with the
    JSON log format (``json_logs``), the error document with a ``timestamp`` and
    ``level``, written as :func:`marshal` writes answers."""
    if json_logs:
        stamp = time.strftime(_DATETIME_FORMAT, time.gmtime())
        doc = {"timestamp": stamp, "level": "ERROR", **payload}
        return marshal(doc, ensure_ascii=ensure_ascii).decode() + "\n"
    lines = [f"[ERROR] {payload['errorType']}: {payload['errorMessage']}",
             "Traceback (most recent call last):"]
    for frame in payload["stackTrace"]:
        for line in frame.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    return "\n".join(lines) + "\n"


#: Runtimes whose answers keep non-ASCII characters as they are: awslambdaric's
#: ``lambda_runtime_marshaller.Encoder`` passes ``ensure_ascii=False`` when
#: ``AWS_EXECUTION_ENV`` is one of these (its newest source names these three); every other
#: runtime escapes them (``\u00a3``).
UNESCAPED_RUNTIMES = frozenset({"python3.12", "python3.13", "python3.14"})


def escapes_non_ascii(runtime: str) -> bool:
    """Whether the Python runtime ``runtime`` writes non-ASCII characters as ``\\u`` escapes."""
    return runtime not in UNESCAPED_RUNTIMES


class MarshalError(Exception):
    """A handler's result that the runtime cannot write as its answer."""


def marshal(result: Any, *, ensure_ascii: bool = True) -> bytes:
    """The answer of a handler that returned ``result``, as awslambdaric's
    ``LambdaMarshaller.marshal_response`` writes it: ``bytes`` as they are; anything else
    as JSON (``", "`` and ``": "`` separators, ``NaN`` and ``Infinity`` allowed), each
    ``Decimal`` as its exact text (``1.10``, ``12345678901234567890``; a NaN one as
    ``NaN``), ``bytes`` inside as UTF-8 text, objects with ``_asdict()`` as that dict.

    Raises :class:`MarshalError` (its text is the runtime's reason) for what it cannot
    write: sets, other objects, circular references, text that is not UTF-8.
    """
    if isinstance(result, bytes):
        return result
    encoder = _Encoder(ensure_ascii=ensure_ascii)
    try:
        text = encoder.encode(result)
        if encoder.decimals:
            text = encoder.splice(text)
        return text.encode()
    except Exception as exc:  # the runtime turns every failure into a MarshalError
        raise MarshalError(str(exc)) from None


class _Encoder(json.JSONEncoder):
    """The standard library's encoder with simplejson's ways, as awslambdaric's encoder
    has them: a ``Decimal`` becomes a placeholder string, one random token per answer, which
    :meth:`splice` replaces with the decimal's text (``RawJSON(str(d))`` in simplejson)."""

    def __init__(self, *, ensure_ascii: bool) -> None:
        super().__init__(ensure_ascii=ensure_ascii)
        self.decimals: list[str] = []
        self._token = ""

    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            if not self._token:
                self._token = os.urandom(16).hex()
            self.decimals.append(str(o))
            return f"{self._token}-{len(self.decimals) - 1}"
        if isinstance(o, bytes):
            return o.decode("utf-8")
        as_dict = getattr(o, "_asdict", None)
        if callable(as_dict):
            found = as_dict()
            if not isinstance(found, dict):
                raise TypeError(f"_asdict() must return a dict, not {type(found).__name__}")
            return found
        return super().default(o)

    def splice(self, text: str) -> str:
        return re.sub(f'"{self._token}-([0-9]+)"', lambda m: self.decimals[int(m[1])], text)


def call_handler(handler: Handler, payload: bytes, context: LambdaContext, *,
                 ensure_ascii: bool = True, json_logs: bool = False) -> tuple[bool, bytes]:
    """Run ``handler`` on the event in ``payload``: ``(is_error, answer document)``.

    Errors are logged to stderr the way the runtime does (:func:`error_log_line`, JSON when
    ``json_logs``) and answered with the error document; the result is written by
    :func:`marshal` (``ensure_ascii`` as the function's runtime has it:
    :func:`escapes_non_ascii`), and one it cannot write is a ``Runtime.MarshalError``.
    """
    request_id = context.aws_request_id
    try:
        event = json.loads(payload) if payload else {}
        result = handler(event, context)
    except Exception as exc:
        doc = error_payload(exc, request_id)
        sys.stderr.write(error_log_line(doc, json_logs=json_logs, ensure_ascii=ensure_ascii))
        return True, json.dumps(doc).encode()
    try:
        return False, marshal(result, ensure_ascii=ensure_ascii)
    except MarshalError as exc:
        doc = {"errorMessage": f"Unable to marshal response: {exc}",
               "errorType": "Runtime.MarshalError", "requestId": request_id, "stackTrace": []}
        sys.stderr.write(error_log_line(doc, json_logs=json_logs, ensure_ascii=ensure_ascii))
        return True, json.dumps(doc).encode()


def log_timestamp() -> str:
    """The timestamp format of the runtime's own log lines (UTC, milliseconds)."""
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


# -- the worker protocol -------------------------------------------------------------------

def write_frame(fd: int, header: dict, body: bytes = b"") -> None:
    head = json.dumps(header).encode()
    data = memoryview(_FRAME.pack(len(head), len(body)) + head + body)
    while data:
        data = data[os.write(fd, data):]


def read_frame(fd: int) -> tuple[dict, bytes] | None:
    """The next frame, or ``None`` when the other side has gone."""
    sizes = _read_exact(fd, _FRAME.size)
    if sizes is None:
        return None
    head_size, body_size = _FRAME.unpack(sizes)
    data = _read_exact(fd, head_size + body_size)
    if data is None:
        return None
    return json.loads(data[:head_size]), data[head_size:]


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# -- logging, as awslambdaric sets it up -----------------------------------------------------

_TEXT_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
#: LogRecord attributes that are not extra fields of a JSON log record.
_RESERVED_FIELDS = frozenset({
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
    "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
    "relativeCreated", "thread", "threadName", "processName", "process", "aws_request_id",
    "tenant_id", "_frame_type"})
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def json_log_format(value: str | None) -> bool:
    """Whether ``AWS_LAMBDA_LOG_FORMAT`` asks for JSON (any case, as awslambdaric reads it)."""
    return bool(value) and value.upper() == "JSON"


def log_level_name(value: str | None) -> str:
    """The root logger's level for ``AWS_LAMBDA_LOG_LEVEL`` (``TRACE`` is ``DEBUG``; empty
    when unset), as awslambdaric reads it."""
    return {None: "", "TRACE": "DEBUG"}.get(value, value or "").upper()


class JsonFormatter(logging.Formatter):
    """awslambdaric's ``JsonFormatter``: one JSON object a record, in its order
    (``timestamp``, ``level``, ``message``, ``logger``, ``stackTrace``, ``errorType``,
    ``errorMessage``, ``requestId``, ``location``, then the record's extra fields; the
    exception's members only for a record with one, ``None`` values left out), the
    function's files shown under ``/var/task``."""

    def __init__(self) -> None:
        super().__init__(datefmt=_DATETIME_FORMAT)

    def formatTime(self, record: logging.LogRecord,  # noqa: N802 (logging's name)
                   datefmt: str | None = None) -> str:
        stamp = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        return stamp.strftime(_DATETIME_FORMAT + ".%f")[:-3] + "Z"

    def format(self, record: logging.LogRecord) -> str:
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        exc_info = record.exc_info
        result = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": _shown_traceback(exc_info[2]) if exc_info else None,
            "errorType": exc_info[0].__name__ if exc_info else None,
            "errorMessage": str(exc_info[1]) if exc_info else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": (f"{shown_path(record.pathname)}:{record.funcName}:{record.lineno}"
                         if exc_info else None),
        }
        result.update((key, value) for key, value in record.__dict__.items()
                      if key not in _RESERVED_FIELDS and key not in result)
        return _encode_json({k: v for k, v in result.items() if v is not None}) + "\n"


def _shown_traceback(tb: Any) -> list[str]:
    """``traceback.format_tb(tb)`` with the function's files under ``/var/task``."""
    return traceback.StackSummary.from_list(
        [(shown_path(frame.filename), frame.lineno, frame.name, frame.line)
         for frame in traceback.extract_tb(tb)]).format()


class _TextFormatter(logging.Formatter):
    """The runtime's text format, tracebacks showing the function's files under
    ``/var/task``."""

    def __init__(self) -> None:
        super().__init__(_TEXT_FORMAT, _DATETIME_FORMAT)

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        text = super().formatException(ei)
        for root in _task_roots:
            text = text.replace(f'"{root}{os.sep}', f'"{TASK_ROOT}{os.sep}')
        return text


class _LogHandler(logging.Handler):
    """The runtime's root handler: each formatted record written as it is to the stdout
    of the moment (the formats end with their own newline; on Lambda a record is one log
    event, so one with a traceback, which does not, still ends its line here)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        except Exception:
            self.handleError(record)


class _RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


def _install_logging(*, json_logs: bool, level: str) -> _RequestIdFilter:
    """The runtime's root log handler, as awslambdaric's ``_setup_logging`` makes it:
    ``[LEVEL]\\ttime\\trequest id\\tmessage`` lines, or :class:`JsonFormatter` records
    (``json_logs``); the root logger at ``level`` when it names one (``logging``'s time
    converter UTC for every formatter, as there)."""
    logging.Formatter.converter = time.gmtime
    handler = _LogHandler()
    handler.setFormatter(JsonFormatter() if json_logs else _TextFormatter())
    if level in logging.getLevelNamesMapping():
        logging.getLogger().setLevel(level)
    request_ids = _RequestIdFilter()
    handler.addFilter(request_ids)
    logging.getLogger().addHandler(handler)
    return request_ids


def _die_with_parent(lifeline: int) -> None:
    """End this worker as soon as the parent goes away: only the parent holds the other
    end of ``lifeline``, so reading it ends when the parent dies, however it dies."""
    def watch() -> None:
        while os.read(lifeline, 1):
            pass
        _end()

    threading.Thread(target=watch, name="mockgw-lifeline", daemon=True).start()


def _end() -> None:
    """Kill this worker and every process it started (its process group)."""
    os.killpg(0, signal.SIGKILL)


# -- AWS endpoints the function calls --------------------------------------------------------

_EXECUTE_API_HOST = re.compile(r"^[a-z0-9]+(?:-[a-z0-9-]+)?\.execute-api\.", re.IGNORECASE)


def redirect_execute_api(endpoint: str | None) -> None:
    """Send what the function's botocore sends to ``{api_id}.execute-api.*`` hosts (the
    ``@connections`` API at ``https://{domainName}/{stage}``, as AWS's tutorials build it)
    to mockgw at ``endpoint`` instead, keeping the Host header (and so the signature)."""
    if not endpoint:
        return
    base = endpoint.rstrip("/")

    def patch(module: Any) -> None:
        original = module.URLLib3Session.send

        def send(self: Any, request: Any) -> Any:
            parts = urlsplit(request.url)
            if parts.hostname and _EXECUTE_API_HOST.match(parts.hostname):
                request.headers["Host"] = parts.netloc
                request.url = base + parts.path + (f"?{parts.query}" if parts.query else "")
            return original(self, request)

        module.URLLib3Session.send = send

    if "botocore.httpsession" in sys.modules:
        patch(sys.modules["botocore.httpsession"])
    else:  # patched when the function first imports botocore: no cost for the others
        sys.meta_path.insert(0, _AfterImport("botocore.httpsession", patch))


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs ``then(module)`` right after module ``name`` is first imported."""

    def __init__(self, name: str, then: Callable[[Any], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenCall(spec.loader, self.then)
        return spec


class _ThenCall(importlib.abc.Loader):
    def __init__(self, loader: Any, then: Callable[[Any], None]) -> None:
        self.loader, self.then = loader, then

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.loader.exec_module(module)
        self.then(module)


def main(argv: list[str]) -> int:
    global _task_roots
    request_fd, response_fd, lifeline = int(argv[1]), int(argv[2]), int(argv[3])
    _die_with_parent(lifeline)
    root = os.environ["LAMBDA_TASK_ROOT"]
    _task_roots = tuple(dict.fromkeys((root, os.path.realpath(root))))
    sys.path[0] = os.environ["LAMBDA_TASK_ROOT"]
    json_logs = json_log_format(os.environ.get("AWS_LAMBDA_LOG_FORMAT"))
    request_ids = _install_logging(json_logs=json_logs,
                                   level=log_level_name(os.environ.get("AWS_LAMBDA_LOG_LEVEL")))
    redirect_execute_api(os.environ.get("AWS_ENDPOINT_URL"))
    # read once, as the runtime's marshaller reads it when it is made
    runtime = os.environ.get("AWS_EXECUTION_ENV", "").removeprefix("AWS_Lambda_")
    ensure_ascii = escapes_non_ascii(runtime)
    started = time.perf_counter()
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except InitError as exc:
        sys.stderr.write(error_log_line(exc.payload, json_logs=json_logs,
                                        ensure_ascii=ensure_ascii))
        sys.stderr.flush()
        write_frame(response_fd, {"initError": exc.payload})
        _end()
        return 1
    write_frame(response_fd, {"initMs": (time.perf_counter() - started) * 1000})
    while (frame := read_frame(request_fd)) is not None:
        request, payload = frame
        request_ids.request_id = request["requestId"]
        if request.get("traceId"):
            os.environ["_X_AMZN_TRACE_ID"] = request["traceId"]
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        context = LambdaContext(
            request_id=request["requestId"], function_name=os.environ["AWS_LAMBDA_FUNCTION_NAME"],
            function_version=os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
            invoked_function_arn=request["invokedArn"],
            memory_limit_in_mb=os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"],
            log_group_name=os.environ["AWS_LAMBDA_LOG_GROUP_NAME"],
            log_stream_name=os.environ["AWS_LAMBDA_LOG_STREAM_NAME"],
            deadline_ms=request["deadlineMs"], client_context=request.get("clientContext"))
        is_error, answer = call_handler(handler, payload, context,
                                         ensure_ascii=ensure_ascii, json_logs=json_logs)
        sys.stdout.flush()
        sys.stderr.flush()
        max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        write_frame(response_fd, {"error": is_error, "maxRssKb": max_rss_kb}, answer)
    _end()  # the parent has gone
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

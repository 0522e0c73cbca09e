"""Warm worker subprocesses that run Python and Node.js functions, pooled per version.

Each worker is one bootstrap process (``bootstrap.py`` in mockgw's interpreter, or
``bootstrap.mjs`` in ``node``: see :mod:`mockgw.runtime.languages`) with the function's
code unzipped under the pool's temporary directory, its environment and its own log
file.  Both bootstraps read request frames from one pipe and write answer frames to
another; a third pipe, the lifeline, ends the worker when mockgw goes away (however it
dies: only mockgw holds the writing end).  Workers started from
equal :class:`WorkerSpec` are reused (module state survives, like a warm container); when
the spec of a version changes (new code or configuration) its old workers are retired.  A
worker that times out or crashes is killed and never reused.  Closing the pool kills every
worker, with anything the function started, and removes the files.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import io
import json
import math
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import weakref
import zipfile
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from mockgw.runtime.bootstrap import read_frame, write_frame
from mockgw.runtime.languages import RUNTIME_DIR, Language

INIT_TIMEOUT = 10.0  # seconds Lambda allows the init phase (importing the handler)
MAX_WORKERS_PER_SPEC = 8  # concurrent invocations of one version before callers queue
MAX_IDLE_WORKERS = 32  # warm workers kept in all; the least recently used go first
_LOG_FILE_LIMIT = 1 << 20  # a worker's log file is emptied once read past this size
_SIGNALS = {signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault",
            signal.SIGABRT: "aborted", signal.SIGTERM: "terminated"}


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker runs; invocations with equal specs share warm workers."""

    account: str
    region: str
    name: str
    version: str
    code_sha256: str
    memory_size: int
    environment: tuple[tuple[str, str], ...]  # the process environment (sorted items)
    language: Language

    @property
    def slot(self) -> tuple[str, str, str, str]:
        return self.account, self.region, self.name, self.version


@dataclass(frozen=True, slots=True)
class Request:
    request_id: str
    payload: bytes
    invoked_arn: str
    timeout: float
    client_context: dict | None = None
    trace_id: str | None = None  # _X_AMZN_TRACE_ID during the invocation


@dataclass(slots=True)
class Execution:
    """One run of a handler: its answer document and what it logged.

    ``timed_out`` and ``exit_status`` (how a crashed worker ended) leave ``payload`` empty:
    the caller writes Lambda's error document for them.
    """

    payload: bytes = b""
    error: bool = False
    timed_out: bool = False
    exit_status: str | None = None
    output: str = ""
    duration_ms: float = 0.0
    init_ms: float | None = None  # cold starts: how long the init phase took
    init_output: str = ""  # cold starts: what the init phase wrote
    init_error: str | None = None  # the errorType of a failed init phase
    max_memory_mb: int = 0
    retired: bool = False  # the worker ends after this answer (e.g. an uncaught exception)


class Worker:
    """One bootstrap process serving one :class:`WorkerSpec`."""

    def __init__(self, spec: WorkerSpec, code_dir: str, log_path: str) -> None:
        self.spec = spec
        day = time.strftime("%Y/%m/%d", time.gmtime())
        self.log_stream = f"{day}/[{spec.version}]{uuid.uuid4().hex}"
        env = dict(spec.environment, LAMBDA_TASK_ROOT=code_dir, PWD=code_dir,
                   LAMBDA_RUNTIME_DIR=RUNTIME_DIR, AWS_LAMBDA_LOG_STREAM_NAME=self.log_stream,
                   **spec.language.environment(code_dir))
        request_read, self._requests = os.pipe()
        self._responses, response_write = os.pipe()
        lifeline_read, self._lifeline = os.pipe()
        self._log_path = log_path
        self._offset = 0
        self._reaped = False
        self.init_ms: float | None = None
        self.init_output = ""
        try:
            with open(log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [*spec.language.command, str(request_read), str(response_write),
                     str(lifeline_read)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    pass_fds=(request_read, response_write, lifeline_read), env=env,
                    cwd=code_dir, start_new_session=True)
        except BaseException:
            for fd in (self._requests, self._responses, self._lifeline):
                os.close(fd)
            raise
        finally:
            for fd in (request_read, response_write, lifeline_read):
                os.close(fd)

    def start(self) -> Execution | None:
        """Wait out the init phase: ``None`` when ready, else what went wrong."""
        started = time.perf_counter()
        try:
            frame = self._receive(INIT_TIMEOUT)
        except _TimedOut:
            return self._failed(timed_out=True)
        if frame is None:
            failed = self._failed()
        else:
            header, body = frame
            if "initError" not in header:
                self.init_ms, self.init_output = header["initMs"], self.read_log()
                return None
            self.kill()
            failed = Execution(body or json.dumps(header["initError"]).encode(), error=True,
                               output=self.read_log(),
                               init_error=header["initError"]["errorType"])
        failed.init_output, failed.output = failed.output, ""
        failed.duration_ms = (time.perf_counter() - started) * 1000
        return failed

    def invoke(self, request: Request) -> Execution:
        started = time.perf_counter()
        header = {"requestId": request.request_id, "invokedArn": request.invoked_arn,
                  "deadlineMs": int(time.time() * 1000 + request.timeout * 1000),
                  "clientContext": request.client_context, "traceId": request.trace_id}
        try:
            write_frame(self._requests, header, request.payload)
            frame = self._receive(request.timeout)
        except _TimedOut:
            execution = self._failed(timed_out=True)
        except OSError:  # the worker died while idle
            execution = self._failed()
        else:
            if frame is None:
                execution = self._failed()
            else:
                answer, body = frame
                execution = Execution(body, error=answer["error"], output=self.read_log(),
                                      max_memory_mb=math.ceil(answer["maxRssKb"] / 1024),
                                      retired=bool(answer.get("retire")))
        execution.duration_ms = (time.perf_counter() - started) * 1000
        return execution

    def _receive(self, timeout: float) -> tuple[dict, bytes] | None:
        """The next frame, ``None`` when the worker died; :class:`_TimedOut` when the
        time runs out first."""
        poller = select.poll()
        poller.register(self._responses, select.POLLIN)
        if not poller.poll(max(timeout, 0) * 1000):
            raise _TimedOut
        return read_frame(self._responses)

    def _failed(self, *, timed_out: bool = False) -> Execution:
        """Kill the worker and describe how it ended."""
        self.kill()
        code = self.process.returncode
        status = None if timed_out else (
            f"signal: {_SIGNALS.get(-code, str(-code))}" if code < 0 else f"exit status {code}")
        return Execution(timed_out=timed_out, exit_status=status, output=self.read_log())

    def read_log(self) -> str:
        """What the worker wrote since the last read."""
        with open(self._log_path, "rb") as log:
            log.seek(self._offset)
            data = log.read()
        self._offset += len(data)
        if self._offset > _LOG_FILE_LIMIT:
            os.truncate(self._log_path, 0)
            self._offset = 0
        return data.decode("utf-8", "replace")

    def kill(self) -> None:
        """Kill the worker and every process it started (its process group)."""
        if self._reaped:
            return
        self._reaped = True
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for fd in (self._requests, self._responses, self._lifeline):
            os.close(fd)


class WorkerPool:
    """The warm workers of one mockgw instance (the ``lambda.workers`` service)."""

    def __init__(self, instance: object = None) -> None:
        self._root: str | None = None
        self._lock = threading.Condition()
        self._idle: defaultdict[WorkerSpec, list[Worker]] = defaultdict(list)
        self._lru: OrderedDict[Worker, None] = OrderedDict()  # idle workers, oldest first
        self._busy: Counter[WorkerSpec] = Counter()
        self._current: dict[tuple[str, str, str, str], WorkerSpec] = {}
        self._workers: set[Worker] = set()
        self._code_dirs: dict[str, str] = {}
        self._code_lock = threading.Lock()
        self._background = ThreadPoolExecutor(4, thread_name_prefix="mockgw-lambda-event")
        self._closed = False
        _live_pools.add(self)

    def execute(self, spec: WorkerSpec, zip_file: str, request: Request) -> Execution:
        """Run ``request`` on a warm worker of ``spec`` (started from ``zip_file``, the
        base64 code, when none is free)."""
        worker = self._acquire(spec)
        cold = worker is None
        if worker is None:
            try:
                worker = Worker(spec, self._code_dir(spec.code_sha256, zip_file),
                                os.path.join(self.root, f"{uuid.uuid4().hex}.log"))
            except BaseException:
                self._give_back(spec, None)
                raise
            with self._lock:
                closed = self._closed
                if not closed:
                    self._workers.add(worker)
            if closed:
                self._give_back(spec, worker)
                raise RuntimeError("the Lambda worker pool is closed")
            failed = worker.start()
            if failed is not None:
                self._give_back(spec, worker, reuse=False)
                return failed
        execution = worker.invoke(request)
        if cold:
            execution.init_ms, execution.init_output = worker.init_ms, worker.init_output
        reusable = (not execution.timed_out and execution.exit_status is None
                    and not execution.retired)
        self._give_back(spec, worker, reuse=reusable)
        return execution

    def submit(self, work: Callable[[], object]) -> None:
        """Run ``work`` in the background (asynchronous ``Event`` invocations)."""
        self._background.submit(work)

    def retire(self, account: str, region: str, name: str) -> None:
        """Stop the warm workers of a (deleted) function."""
        with self._lock:
            for slot in [s for s in self._current if s[:3] == (account, region, name)]:
                del self._current[slot]
            doomed = [w for spec in list(self._idle) if spec.slot[:3] == (account, region, name)
                      for w in self._idle.pop(spec)]
            for worker in doomed:
                self._lru.pop(worker, None)
                self._workers.discard(worker)
        for worker in doomed:
            worker.kill()

    def close(self) -> None:
        """Kill every worker and remove the pool's files."""
        with self._lock:
            self._closed = True
            doomed, self._workers = list(self._workers), set()
            self._idle.clear()
            self._lru.clear()
            self._lock.notify_all()
        self._background.shutdown(wait=False, cancel_futures=True)
        for worker in doomed:
            worker.kill()
        with self._code_lock:
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
        _live_pools.discard(self)

    @property
    def root(self) -> str:
        """The pool's directory (unzipped code, worker logs), made on first use."""
        with self._code_lock:
            if self._closed:
                raise RuntimeError("the Lambda worker pool is closed")
            if self._root is None:
                self._root = tempfile.mkdtemp(prefix="mockgw-lambda-")
            return self._root

    def _acquire(self, spec: WorkerSpec) -> Worker | None:
        """An idle worker of ``spec``, or ``None`` with a slot reserved to start one."""
        doomed: list[Worker] = []
        with self._lock:
            while True:
                if self._closed:
                    raise RuntimeError("the Lambda worker pool is closed")
                previous = self._current.get(spec.slot)
                if previous != spec:
                    self._current[spec.slot] = spec
                    if previous is not None:
                        doomed += self._idle.pop(previous, [])
                if self._idle.get(spec):
                    worker: Worker | None = self._idle[spec].pop()
                    self._lru.pop(worker)
                    break
                if self._busy[spec] < MAX_WORKERS_PER_SPEC:
                    worker = None
                    break
                self._lock.wait()
            self._busy[spec] += 1
            for stale in doomed:
                self._lru.pop(stale, None)
                self._workers.discard(stale)
        for stale in doomed:
            stale.kill()
        return worker

    def _give_back(self, spec: WorkerSpec, worker: Worker | None, *, reuse: bool = False
                   ) -> None:
        doomed = []
        with self._lock:
            self._busy[spec] -= 1
            if worker is not None:
                if reuse and not self._closed and self._current.get(spec.slot) == spec:
                    self._idle[spec].append(worker)
                    self._lru[worker] = None
                    while len(self._lru) > MAX_IDLE_WORKERS:
                        oldest, _ = self._lru.popitem(last=False)
                        self._idle[oldest.spec].remove(oldest)
                        doomed.append(oldest)
                else:
                    doomed.append(worker)
                self._workers.difference_update(doomed)
            self._lock.notify_all()
        for stale in doomed:
            stale.kill()

    def _code_dir(self, code_sha256: str, zip_file: str) -> str:
        """The function's code unzipped (once per CodeSha256)."""
        root = self.root
        with self._code_lock:
            if self._closed:
                raise RuntimeError("the Lambda worker pool is closed")
            path = self._code_dirs.get(code_sha256)
            if path is None:
                digest = hashlib.sha256(code_sha256.encode()).hexdigest()[:32]
                path = os.path.join(root, "code", digest)
                with zipfile.ZipFile(io.BytesIO(base64.b64decode(zip_file))) as archive:
                    archive.extractall(path + ".part")
                os.rename(path + ".part", path)
                self._code_dirs[code_sha256] = path
            return path


class _TimedOut(Exception):
    pass


_live_pools: weakref.WeakSet[WorkerPool] = weakref.WeakSet()


@atexit.register
def _close_live_pools() -> None:
    """No worker outlives the interpreter, even when an instance was never closed."""
    for pool in list(_live_pools):
        pool.close()

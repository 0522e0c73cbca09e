"""Durable control-plane state in a directory: a journal of calls, and snapshots.

One SQLite database (``state.sqlite3``, write-ahead log, ``synchronous=NORMAL``) holds

* ``journal``: one row per successful call that changed state (service, operation,
  account, region, parameters and the values the handler generated), each committed
  before the call is answered;
* ``snapshots``: the tables of one region store as of a journal sequence number.  A store
  is snapshotted every ``snapshot_every`` journal rows, at start and at a clean stop, and
  its older journal rows are dropped, so replay stays short.

A commit is written to the log before the answer goes out, so it survives the process
being killed (SIGKILL, an out-of-memory kill, a crash); the log is synced to the disk at
checkpoints, not at every commit, so an OS crash or a power loss may lose the last writes.
Syncing every commit (``synchronous=FULL``) cost ~240 µs a write on the benchmark's
machine against ~13 µs (a call that creates costs ~700 µs in all): a mock's state does
not need it.

Restoring is loading every snapshot and replaying the journal rows past it through the
same handlers (see :func:`mockgw.control.open_state`); this module knows no handler.
A lock file keeps two processes from using one directory.
"""

from __future__ import annotations

import binascii
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mockgw.state import codec
from mockgw.state.backends import RegionStore

log = logging.getLogger("mockgw.state")

FORMAT = "1"
DATABASE = "state.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL, region TEXT NOT NULL,
    service TEXT NOT NULL, operation TEXT NOT NULL, request_id TEXT NOT NULL,
    params TEXT NOT NULL, generated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    account TEXT NOT NULL, region TEXT NOT NULL, seq INTEGER NOT NULL, tables TEXT NOT NULL,
    PRIMARY KEY (account, region));
"""


class StateDirError(RuntimeError):
    """The state directory cannot be used (in use, unreadable, another format)."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One recorded call, as :meth:`StateFile.entries` gives it back."""

    seq: int
    account: str
    region: str
    service: str
    operation: str
    request_id: str
    params: dict[str, Any]
    generated: list[Any]


class StateFile:
    """The journal and snapshots of one state directory."""

    def __init__(self, directory: str, *, snapshot_every: int = 1000) -> None:
        self.directory = os.path.abspath(directory)
        self._lock_file: Any = None
        self.snapshot_every = snapshot_every
        try:
            os.makedirs(self.directory, exist_ok=True)
            self._lock_file = _exclusive_lock(os.path.join(self.directory, "state.lock"))
            self._db = sqlite3.connect(self.path, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # see the module docstring
            self._db.executescript(_SCHEMA)
            found = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if found is None:
                self._db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
            elif found[0] != FORMAT:
                raise StateDirError(f"state directory {self.directory} holds format "
                                    f"{found[0]}; this mockgw reads format {FORMAT}")
            self._last_seq = self._db.execute(  # AUTOINCREMENT: never below a snapshot's seq
                "SELECT max(seq) FROM (SELECT seq FROM journal UNION ALL "
                "SELECT seq FROM snapshots)").fetchone()[0] or 0
        except StateDirError:
            self._release()
            raise
        except sqlite3.OperationalError as exc:  # locked, unreadable, no room...
            self._release()
            raise StateDirError(f"cannot use state directory {self.directory}: {exc}") from None
        except sqlite3.DatabaseError as exc:  # not a database, truncated, a damaged page
            self._release()
            raise self.damaged(str(exc)) from None
        except (OSError, sqlite3.Error) as exc:
            self._release()
            raise StateDirError(f"cannot use state directory {self.directory}: {exc}") from None
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], int] = {}  # journal rows since a store's snapshot

    def _release(self) -> None:
        """Let go of what a failed open took (the database, the directory's lock)."""
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
        if self._lock_file is not None:
            self._lock_file.close()

    # -- writing ---------------------------------------------------------------------------
    def append(self, store: RegionStore, service: str, operation: str, request_id: str,
               params: dict[str, Any], generated: list[Any]) -> None:
        """Record a successful call on ``store``, durably, before it is answered.

        The caller holds ``store.lock``, so rows of one store are in execution order.
        """
        row = (store.account, store.region, service, operation, request_id,
               codec.dumps(params), codec.dumps(generated))
        key = (store.account, store.region)
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO journal (account, region, service, operation, request_id, params,"
                " generated) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            self._last_seq = cursor.lastrowid or self._last_seq
            self._pending[key] = self._pending.get(key, 0) + 1
            due = self._pending[key] >= self.snapshot_every
        if due:
            self.snapshot(store)

    def snapshot(self, store: RegionStore) -> None:
        """Write ``store``'s tables and drop the journal rows they include.

        Tables that are not JSON-like cannot be snapshotted: the journal keeps them.
        """
        with store.lock:
            try:
                tables = codec.dumps(store.tables)
            except (TypeError, ValueError) as exc:
                log.error("state: cannot snapshot %s/%s (%s); its journal keeps growing",
                          store.account, store.region, exc)
                return
            with self._lock:
                seq = self._last_seq
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?)",
                                     (store.account, store.region, seq, tables))
                    self._db.execute("DELETE FROM journal WHERE account=? AND region=? AND "
                                     "seq <= ?", (store.account, store.region, seq))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._pending[(store.account, store.region)] = 0

    def snapshot_all(self, stores: Iterable[RegionStore]) -> None:
        for store in stores:
            self.snapshot(store)

    def replace(self, stores: Iterable[RegionStore]) -> None:
        """Make ``stores`` the whole recorded state, at once (after a reset or a load)."""
        dumped = []
        for store in stores:
            with store.lock:
                dumped.append((store.account, store.region, codec.dumps(store.tables)))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM journal")
                self._db.execute("DELETE FROM snapshots")
                self._db.executemany("INSERT INTO snapshots VALUES (?, ?, ?, ?)",
                                     [(a, r, self._last_seq, t) for a, r, t in dumped])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._pending.clear()

    # -- reading ---------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return os.path.join(self.directory, DATABASE)

    def damaged(self, why: str) -> StateDirError:
        """The one-line refusal of a damaged state file: which file, why, what to do."""
        return StateDirError(f"state file {self.path} is damaged ({why}); move the state "
                             "directory away (or delete it) to start with empty state")

    def snapshots(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(account, region, tables)`` of every snapshotted store; a snapshot that cannot
        be read raises :class:`StateDirError` (starting without it would lose state)."""
        rows = self._read("SELECT account, region, tables FROM snapshots")
        for account, region, tables in rows:
            try:
                loaded = codec.loads(tables)
            except (ValueError, TypeError, binascii.Error) as exc:
                raise self.damaged(f"the snapshot of {account}/{region} is not valid JSON: "
                                   f"{exc}") from None
            if not isinstance(loaded, dict) or not all(
                    isinstance(table, dict) for table in loaded.values()):
                raise self.damaged(f"the snapshot of {account}/{region} holds no tables")
            yield account, region, loaded

    def entries(self) -> Iterator[JournalEntry]:
        """The journal rows newer than their store's snapshot, in the order they ran; a row
        that cannot be read is logged and skipped (one bad row never stops a start)."""
        rows = self._read(
            "SELECT j.seq, j.account, j.region, j.service, j.operation, j.request_id,"
            " j.params, j.generated FROM journal j LEFT JOIN snapshots s"
            " ON j.account = s.account AND j.region = s.region"
            " WHERE s.seq IS NULL OR j.seq > s.seq ORDER BY j.seq")
        for seq, account, region, service, operation, request_id, params, generated in rows:
            try:
                entry = JournalEntry(seq, account, region, service, operation, request_id,
                                     codec.loads(params), codec.loads(generated))
            except (ValueError, TypeError, binascii.Error) as exc:
                log.warning("state: skipping journal row %s of %s (%s.%s): %s", seq, self.path,
                            service, operation, exc)
                continue
            if not isinstance(entry.params, dict) or not isinstance(entry.generated, list):
                log.warning("state: skipping journal row %s of %s (%s.%s): not a recorded "
                            "call", seq, self.path, service, operation)
                continue
            yield entry

    def _read(self, query: str) -> list[tuple]:
        try:
            with self._lock:
                return self._db.execute(query).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self.damaged(str(exc)) from None

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self._lock_file.close()


def _exclusive_lock(path: str) -> Any:
    """An open file holding an exclusive lock (released when the process dies)."""
    handle = open(path, "a+")  # noqa: SIM115 (held for the life of the StateFile)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no cross-process guard
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StateDirError(f"state directory {os.path.dirname(path)} is in use by another "
                            "mockgw process") from None
    return handle

"""SQLite files that answer only once a write is on disk: the label store and the review queue.

WAL with synchronous=FULL and one transaction per call (BEGIN IMMEDIATE: the write lock is
taken up front, so a check and the insert it guards see the same table even with several
writers), a connection per call (cheap for SQLite, and safe from any thread or process), and a
full or read-only disk reported as LabelStoreUnwritable (507 or 503) with nothing stored.
"""

from __future__ import annotations

import errno
import sqlite3
import threading
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator

from classifier.errors import LabelStoreUnwritable

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_FULL = 8, 14, 13


def unwritable(err: BaseException) -> LabelStoreUnwritable | None:
    """The LabelStoreUnwritable an error of SQLite or of the file system means, or None when it
    means something else (a bug, corruption): those are not dressed up as a full disk."""
    if isinstance(err, sqlite3.Error):
        code = (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF
        message = str(err).lower()
        if code == _SQLITE_FULL or "disk is full" in message:
            return LabelStoreUnwritable(full=True)
        if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN) or "readonly database" in message or "unable to open database" in message:
            return LabelStoreUnwritable(full=False)
    elif isinstance(err, OSError):
        if err.errno in _FULL_ERRNOS:
            return LabelStoreUnwritable(full=True)
        if err.errno in _READ_ONLY_ERRNOS:
            return LabelStoreUnwritable(full=False)
    return None


class DurableSQLite:
    """A store in one SQLite file. Subclasses give their `SCHEMA` statements (run on every
    connection: CREATE ... IF NOT EXISTS) and may `_prepare` each write transaction (a migration)."""

    SCHEMA: tuple[str, ...] = ()

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._wal = False
        self._wal_lock = threading.Lock()

    def _prepare(self, db: sqlite3.Connection) -> None:
        """Run first in every write transaction; nothing by default."""

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db:
                self._ensure_wal(db)
                db.execute("PRAGMA synchronous=FULL")
                for statement in self.SCHEMA:
                    db.execute(statement)
                yield db
        except (sqlite3.Error, OSError) as err:
            if (known := unwritable(err)) is None:
                raise
            raise known from err

    def _ensure_wal(self, db: sqlite3.Connection) -> None:
        # Switching a new file to WAL takes an exclusive lock that SQLite's busy timeout does not
        # wait for, so concurrent first connections failed with "database is locked". The mode is
        # stored in the file: it is switched once, by one thread at a time, and only read after.
        if self._wal:
            return
        with self._wal_lock:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            self._wal = True

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                self._prepare(db)
                yield db
            except BaseException:
                # SQLite may have rolled back already (it does on a full disk).
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

"""One `Store` per app: the engine, and sessions for reading and for writing.

SQLite: WAL (readers never wait for the writer), foreign keys on, a busy timeout, and write sessions that
take the write lock at BEGIN (BEGIN IMMEDIATE) so two writers queue instead of failing on lock upgrade.
PostgreSQL: plain transactions; rows that must be serialised are locked with SELECT ... FOR UPDATE."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .memo import Memo

BUSY_TIMEOUT_MS = 30_000
# The listings and review a button's redraw asks for, as sent (5-40 MB each at 20,000-100,000 lines): a redraw
# after a press that changed nothing sends the same bytes again without building them.
ANSWERS_KEPT = 12
ANSWER_BYTES_KEPT = 128 * 2**20  # a month of 100,000 lines: its three listings (~95 MB) fit


class StoreBusy(Exception):
    """A write waited longer than the busy timeout for the one SQLite writer slot."""


class _NoLock:
    """PostgreSQL needs no process-wide writer lock: rows are locked where it matters."""

    def acquire(self, timeout: float = -1) -> bool:
        return True

    def release(self) -> None:
        pass


def tieout_home() -> Path:
    return Path(os.environ.get("TIEOUT_HOME") or Path.home() / ".tieout")


def database_url(home: Path | None = None) -> str:
    """$TIEOUT_DATABASE_URL, else the SQLite file in $TIEOUT_HOME."""
    url = os.environ.get("TIEOUT_DATABASE_URL")
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    home = home or tieout_home()
    return f"sqlite:///{home / 'tieout.db'}"


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("tieout_write") else "BEGIN")

    return engine


class Store:
    """The database of one server: `read()` and `write()` give sessions in their own transaction."""

    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(url)
        else:
            self.engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        self._write_engine = self.engine.execution_options(tieout_write=True)
        self._write_lock = threading.Lock() if self.is_sqlite else _NoLock()
        self.memo = Memo()  # results computed from one data version (the review): sessions carry it in info
        self.answers = Memo(ANSWERS_KEPT, len, ANSWER_BYTES_KEPT)  # encoded GET answers by ETag (app/etags.py)
        self._reader = sessionmaker(self.engine, expire_on_commit=False, info={"memo": self.memo})
        self._writer = sessionmaker(self._write_engine, expire_on_commit=False,
                                    info={"memo": self.memo, "schema": {}})  # schema: see versions._counted
        from . import versions  # the data versions every write bumps (ETags, the review cache)

        versions.install(self.engine)
        versions.watch(self._writer)

    @contextmanager
    def read(self):
        with self._reader() as session:
            with session.begin():
                yield session

    @contextmanager
    def write(self):
        """A session whose transaction commits when the block ends and rolls back on any exception.

        SQLite has one writer at a time: this process's writers queue on a lock (first come, first
        served) rather than in SQLite's busy handler, which sleeps and retries and starves unlucky writers."""
        if not self._write_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise StoreBusy("the database is busy with a long change (a large import or auto-match); "
                            "try again in a moment")
        try:
            with self._writer() as session:
                with session.begin():
                    yield session
        finally:
            self._write_lock.release()

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, migrate: bool = True) -> Store:
    store = Store(url or database_url())
    if migrate:
        from .migrate import upgrade

        upgrade(store)
        _ensure_audit_key(store)
    return store


def _ensure_audit_key(store: Store) -> None:
    """Make the audit key (pinned to the chain's current head) before anything needs it, under the head's lock."""
    from sqlalchemy import select

    from ..controls.audit_key import ensure
    from .models import AuditHead

    with store.write() as session:
        head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
        ensure(head.last_id, head.last_hash)

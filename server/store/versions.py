"""Data versions per reconciliation: counters bumped inside the transaction of every change, so a client (an
ETag, `If-None-Match`) and the review cache can tell that a reconciliation's data changed without reading it.

One row per reconciliation in `reconciliation_versions` (migration 0015): `data` counts every change the review
or a listing can see; `bank`, `ledger`, `matches` and `transactions` count the changes of their own listing, so
a press that only accepts matches does not make the client read 20,000 bank lines again.

What was touched is gathered while the transaction runs, from two places that see every write:
- every INSERT, UPDATE and DELETE on the write connection (`before_cursor_execute`): which table (hence which
  listing), and the reconciliation or account named in an INSERT's values (audit rows name their reconciliation,
  so the bulk statements of a change are attributed through the audit row it writes);
- the ORM's flush (`before_flush`): the reconciliation or account of every changed or deleted object, and whether
  a reconciliation's own row changed only in its workflow columns (status, sign-offs, the submitted hash), which
  no listing and no review check shows.
The counters are bumped by one statement just before the commit; a rollback forgets what was gathered.
A change to an account's rules, chart or roles bumps every reconciliation of that account."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite

from .models import Reconciliation, ReconciliationVersion

# Which listing a table's rows appear in (every one of these is also `data`).
LISTINGS = {"bank_lines": "bank", "gl_lines": "ledger", "matches": "matches", "match_items": "matches",
            "transactions": "transactions"}
PARTS = ("data", "bank", "ledger", "matches", "transactions")
# Tables whose rows no listing and no review shows: writing them changes no version.
UNVERSIONED = {"audit_head", "jobs", "reconciliation_versions", "users", "periods", "alembic_version"}
# Columns of a reconciliation's own row that only the workflow reads (GET .../review and the listings never do).
WORKFLOW_COLUMNS = {"status", "prepared_by", "submitted_at", "submitted_hash", "submitted_snapshot",
                    "reviewed_by", "approved_by", "approved_at", "last_comment", "updated_at"}
# Columns of a match that only say who accepted it and when: the matches listing shows them (and Submit's hash
# seals them), the review does not (no check reads acceptance), so accepting 20,000 proposed matches bumps
# `matches` but not `data`, and the review kept for this data version still holds (seconds at 20,000 lines).
ACCEPTANCE_COLUMNS = {"accepted_by", "accepted_at"}
ACCOUNT_TABLES = {"accounts": "id", "account_roles": "account_id", "chart_accounts": "account_id",
                  "account_settings": "account_id", "schedules": "account_id"}
KEY = "tieout_versions"


@dataclass(frozen=True)
class Versions:
    """One reconciliation's counters (all 0 before its first change)."""
    data: int = 0
    bank: int = 0
    ledger: int = 0
    matches: int = 0
    transactions: int = 0

    def of(self, part: str) -> int:
        return getattr(self, part)


class _Touched:
    """What one transaction changed so far."""

    def __init__(self):
        self.recs: set[int] = set()
        self.accounts: set[int] = set()
        self.parts: set[str] = set()
        self.audit_only: set[int] = set()  # reconciliations named only by audit rows or workflow columns

    def __bool__(self) -> bool:
        return bool(self.recs or self.accounts or self.parts)


def read(session, rec_id: int) -> Versions:
    """The counters as this transaction sees them (read them before the data they stand for)."""
    row = session.execute(select(*(getattr(ReconciliationVersion, p) for p in PARTS))
                          .where(ReconciliationVersion.reconciliation_id == rec_id)).first()
    return Versions(*row) if row else Versions()


def changed_here(session) -> bool:
    """This transaction already wrote (or holds unflushed changes): what it reads is no committed version."""
    return bool(session.new or session.dirty or session.deleted or session.connection().info.get(KEY))


def _touched(conn) -> _Touched:
    found = conn.info.get(KEY)
    if found is None:
        found = conn.info[KEY] = _Touched()
    return found


def install(engine) -> None:
    """Listens on the store's engine: gathers on write connections, bumps at commit (see the module's text)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _gather(conn, cursor, statement, parameters, context, executemany):
        if not conn.get_execution_options().get("tieout_write") or context is None or conn.info.get("tieout_bumping"):
            return
        compiled = getattr(context, "compiled", None)
        table = getattr(getattr(compiled, "statement", None), "table", None)
        if table is None or not (context.isinsert or context.isupdate or context.isdelete):
            return
        name = getattr(table, "name", "")
        if name in UNVERSIONED or name == "reconciliations":  # its own row: told by the ORM's flush
            return
        if name == "matches" and context.isupdate and _updated_columns(compiled) <= ACCEPTANCE_COLUMNS:
            _touched(conn).parts.add("matches")  # the reconciliation: named by the change's audit row
            return
        note(conn, name, context.compiled_parameters or ())

    @event.listens_for(engine, "begin")
    def _fresh(conn):
        conn.info.pop(KEY, None)

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop(KEY, None)


def _updated_columns(compiled) -> set[str]:
    """The names of the columns an UPDATE sets (an unknown statement: a name no set of columns holds)."""
    values = getattr(compiled.statement, "_values", None)
    if not values:
        return {"?"}
    return {getattr(k, "key", k) for k in values}


def note(conn, name: str, params) -> None:
    """What an INSERT, UPDATE or DELETE of `params` (dicts naming their columns) on table `name` touched; called
    by the listener above, and by a writer that bypasses SQLAlchemy's compiled statements (bulk_insert.py)."""
    t = _touched(conn)
    if name == "audit_log":
        t.audit_only.update(p["reconciliation_id"] for p in params if p.get("reconciliation_id"))
        return
    if name in ACCOUNT_TABLES:
        column = ACCOUNT_TABLES[name]
        t.accounts.update(p[column] for p in params if p.get(column))
    if name in LISTINGS:
        t.parts.add(LISTINGS[name])
    t.parts.add("data")
    t.recs.update(p["reconciliation_id"] for p in params if p.get("reconciliation_id"))


def watch(session_factory) -> None:
    """Listens on the write sessions: objects the ORM flushes, and the bump before the commit."""

    @event.listens_for(session_factory, "before_flush")
    def _objects(session, flush_context, instances):
        t = _touched(session.connection())
        for obj in (*session.dirty, *session.deleted):
            if isinstance(obj, Reconciliation):
                changed = {a.key for a in inspect(obj).attrs if a.history.has_changes()}
                (t.audit_only if changed <= WORKFLOW_COLUMNS else t.recs).add(obj.id)
                if not changed <= WORKFLOW_COLUMNS:
                    t.parts.add("data")
                continue
            table = getattr(getattr(obj, "__table__", None), "name", "")
            rec_id = getattr(obj, "reconciliation_id", None)
            if rec_id is not None and table not in UNVERSIONED and table != "audit_log":
                t.recs.add(rec_id)
            if table in ACCOUNT_TABLES:
                t.accounts.add(getattr(obj, ACCOUNT_TABLES[table]))

    @event.listens_for(session_factory, "before_commit")
    def _bump(session):
        session.flush()
        conn = session.connection()
        t = conn.info.pop(KEY, None)
        if not t:
            return
        recs = set(t.recs)
        if t.accounts:
            recs.update(session.scalars(select(Reconciliation.id).where(
                Reconciliation.account_id.in_(sorted(t.accounts)))))
        if not t.parts:
            return  # audit rows and workflow columns only (Submit): nothing a listing or the review shows
        if not _counted(session):
            return
        recs |= t.audit_only  # bulk statements (UPDATE ... WHERE match_id = ...) name it only in the audit row
        conn.info["tieout_bumping"] = True
        try:
            for rec_id in sorted(recs):
                _bump_one(session, rec_id, t.parts)
        finally:
            conn.info.pop("tieout_bumping", None)


def _counted(session) -> bool:
    """Whether this schema has the counters: a store opened without migrating may be older than 0015 (the
    migration tests write to such schemas). Found once per store (the writer's shared `schema` dict); while
    missing it is looked for again at each bump, so an upgrade within the same store starts the counting."""
    schema = session.info.get("schema")
    if schema is None:
        return True
    if not schema.get("versions"):
        schema["versions"] = inspect(session.connection()).has_table(ReconciliationVersion.__tablename__)
    return schema["versions"]


def _bump_one(session, rec_id: int, parts: set[str]) -> None:
    """+1 on the given counters of one reconciliation (its row made on its first change)."""
    ones = {p: (1 if p in parts else 0) for p in PARTS}
    dialect = session.get_bind().dialect.name
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = maker(ReconciliationVersion).values(reconciliation_id=rec_id, **ones)
    table = ReconciliationVersion.__table__
    session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.reconciliation_id],
        set_={p: table.c[p] + ones[p] for p in PARTS if ones[p]}))


"""The audit trail: append-only and hash-chained, so an edited, deleted or inserted row is detected.

Each row's hash is SHA-256(previous row's hash + canonical JSON of the row's own fields). Appending locks the
one-row `audit_head` table (SELECT ... FOR UPDATE; SQLite serialises writers anyway), so concurrent writers
still make one unbroken line. Rows are written in the same transaction as the change they describe."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from .store.models import AuditHead, AuditRow
from .store.types import money_str

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "at", "actor", "action", "entity", "entity_id", "reconciliation_id", "before", "after")


def _default(value):
    if isinstance(value, Decimal):
        return money_str(value)  # one spelling per amount, whatever scale it was read with
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in the audit trail")


def canonical_json(obj) -> str:
    """One text per value: sorted keys, no spaces, Decimals and dates as text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def row_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def _fields(row: AuditRow) -> dict:
    return {name: getattr(row, name) for name in HASHED_FIELDS}


def append(session, actor: str, action: str, entity: str, entity_id, before=None, after=None,
           reconciliation_id: int | None = None) -> AuditRow:
    """Add one row at the end of the chain (inside the caller's transaction)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    row = AuditRow(id=head.last_id + 1,
                   at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                   actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                   reconciliation_id=reconciliation_id,
                   before=canonical_json(before), after=canonical_json(after), prev_hash=head.last_hash)
    row.hash = row_hash(head.last_hash, _fields(row))
    session.add(row)
    head.last_id, head.last_hash = row.id, row.hash
    return row


@dataclass(frozen=True)
class Verdict:
    intact: bool
    rows: int
    broken_id: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.intact:
            return f"audit trail intact: {self.rows} rows, every link verified"
        return f"audit trail broken at row {self.broken_id}: {self.problem}"


def verify(session, batch: int = 5000) -> Verdict:
    """Walk the chain from the first row; report the first link that does not hold."""
    prev_hash, expected_id, count = GENESIS, 1, 0
    stmt = select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=batch)
    for row in session.scalars(stmt):
        if row.id != expected_id:
            what = "missing" if row.id > expected_id else "out of sequence"
            return Verdict(False, count, expected_id, f"row {expected_id} is {what} (next row found is {row.id})")
        if row.prev_hash != prev_hash:
            return Verdict(False, count, row.id, "its previous-hash does not match the row before it "
                                                 "(a row before it was deleted, inserted or edited)")
        if row_hash(row.prev_hash, _fields(row)) != row.hash:
            return Verdict(False, count, row.id, f"its content does not match its hash (the row was edited: "
                                                 f"{row.action} {row.entity} {row.entity_id})")
        prev_hash, expected_id, count = row.hash, expected_id + 1, count + 1
        session.expunge(row)
    head = session.get(AuditHead, 1)
    if head is None or head.last_id != count or head.last_hash != prev_hash:
        last = head.last_id if head else "none"
        return Verdict(False, count, count + 1,
                       f"the chain ends at row {count} but its head records row {last} "
                       "(rows were removed from the end)")
    return Verdict(True, count)


def rows_for(session, reconciliation_id: int | None = None, after_id: int = 0, limit: int = 500) -> list[dict]:
    stmt = select(AuditRow).where(AuditRow.id > after_id).order_by(AuditRow.id).limit(limit)
    if reconciliation_id is not None:
        stmt = stmt.where(AuditRow.reconciliation_id == reconciliation_id)
    return [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "entity": r.entity,
             "entity_id": r.entity_id, "reconciliation_id": r.reconciliation_id,
             "before": json.loads(r.before), "after": json.loads(r.after), "hash": r.hash}
            for r in session.scalars(stmt)]

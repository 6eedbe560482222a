"""The audit trail: append-only and hash-chained, so an edited, deleted or inserted row is detected.

Each row's hash is HMAC-SHA256(key, previous row's hash + canonical JSON of the row's own fields), the key kept
outside the database (audit_key), so whoever can write the database cannot rebuild the chain; rows written
before keyed hashing keep their plain SHA-256, pinned by the key file. After each commit the head is appended to
the anchor log (audit_anchor), so a chain cut short or wiped is detected too. Appending locks the one-row
`audit_head` table (SELECT ... FOR UPDATE; SQLite serialises writers anyway), so concurrent writers still make
one unbroken line. Rows are written in the same transaction as the change they describe."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import event, select

from . import audit_anchor, audit_key
from ..store.models import AuditHead, AuditRow
from ..store.types import money_str

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


def row_hash(prev_hash: str, fields: dict, key: audit_key.AuditKey | None) -> str:
    """The row's link: keyed; `key=None` gives the plain SHA-256 of rows written before keyed hashing."""
    text = prev_hash + canonical_json(fields)
    if key is None:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return key.mac("audit", text)


def _fields(row: AuditRow) -> dict:
    return {name: getattr(row, name) for name in HASHED_FIELDS}


def append(session, actor: str, action: str, entity: str, entity_id, before=None, after=None,
           reconciliation_id: int | None = None) -> AuditRow:
    """Add one row at the end of the chain (inside the caller's transaction)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    key = session.info.get("tieout_audit_key")  # read once per transaction, not once per row
    if key is None:
        key = session.info["tieout_audit_key"] = audit_key.ensure(head.last_id, head.last_hash)
    row = AuditRow(id=head.last_id + 1,
                   at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                   actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                   reconciliation_id=reconciliation_id,
                   before=canonical_json(before), after=canonical_json(after), prev_hash=head.last_hash)
    row.hash = row_hash(head.last_hash, _fields(row), key)
    session.add(row)
    head.last_id, head.last_hash = row.id, row.hash
    if not session.info.get("tieout_anchor_listening"):
        session.info["tieout_anchor_listening"] = True
        event.listen(session, "after_commit", _anchor_after_commit)
        event.listen(session, "after_rollback", _forget_anchor)
    session.info["tieout_anchor"] = (key, row.id, row.hash)
    return row


def _anchor_after_commit(session) -> None:
    """Only once the rows are committed: an anchor for rows that were rolled back would be a false alarm."""
    pending = session.info.pop("tieout_anchor", None)
    session.info.pop("tieout_audit_key", None)
    if pending:
        audit_anchor.record(*pending)


def _forget_anchor(session) -> None:
    session.info.pop("tieout_anchor", None)
    session.info.pop("tieout_audit_key", None)


@dataclass(frozen=True)
class Verdict:
    intact: bool
    rows: int
    broken_id: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.intact:
            return f"audit trail intact: {self.rows} rows, every link verified"
        if self.broken_id is None:
            return f"audit trail not verified: {self.problem}"
        return f"audit trail broken at row {self.broken_id}: {self.problem}"


def verify(session, batch: int = 5000) -> Verdict:
    """Walk the chain from the first row, then hold it against the key's pin and the anchor log outside the
    database; report the first thing that does not hold. An empty trail is not called intact."""
    try:
        key = audit_key.load()
    except audit_key.KeyMissing as exc:
        return Verdict(False, 0, None, str(exc))
    anchors, problems = audit_anchor.read(key)
    if key is None and audit_anchor.anchor_path().exists():
        return Verdict(False, 0, None, f"the audit key {audit_key.key_path()} is missing (the anchor log shows "
                                       "the chain was keyed)")
    if problems:
        return Verdict(False, 0, None, problems[0])
    anchored = {a.row_id: a.hash for a in anchors}
    verdict = _walk(session, key, anchored, batch)
    if not verdict.intact:
        return verdict
    last_anchor = max(anchored, default=0)
    if last_anchor > verdict.rows:
        what = "wiped" if verdict.rows == 0 else f"cut short after row {verdict.rows}"
        return Verdict(False, verdict.rows, verdict.rows + 1,
                       f"the chain was {what}: the anchor log outside the database ({audit_anchor.anchor_path()}) "
                       f"records row {last_anchor}")
    if verdict.rows == 0:
        return Verdict(False, 0, None, "the audit trail is empty: nothing was ever recorded in this database "
                                       "(is TIEOUT_HOME or TIEOUT_DATABASE_URL the one you meant?)")
    return verdict


def _walk(session, key, anchored: dict[int, str], batch: int) -> Verdict:
    """The chain link by link: keyed rows from the key's first keyed row on, plain SHA-256 before it."""
    prev_hash, expected_id, count = GENESIS, 1, 0
    keyed_from = key.keyed_from if key else None
    stmt = select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=batch)
    for row in session.scalars(stmt):
        if row.id != expected_id:
            what = "missing" if row.id > expected_id else "out of sequence"
            return Verdict(False, count, expected_id, f"row {expected_id} is {what} (next row found is {row.id})")
        if row.prev_hash != prev_hash:
            return Verdict(False, count, row.id, "its previous-hash does not match the row before it "
                                                 "(a row before it was deleted, inserted or edited)")
        if keyed_from is not None and row.id == keyed_from and prev_hash != key.legacy_head:
            return Verdict(False, count, row.id, "the rows before keyed hashing began were rebuilt (the chain "
                                                 "no longer ends where the key file pinned it)")
        keyed = key if keyed_from is not None and row.id >= keyed_from else None
        if row_hash(row.prev_hash, _fields(row), keyed) != row.hash:
            return Verdict(False, count, row.id, f"its content does not match its hash (the row was edited: "
                                                 f"{row.action} {row.entity} {row.entity_id})")
        if anchored.get(row.id, row.hash) != row.hash:
            return Verdict(False, count, row.id, "it is not the row the anchor log outside the database recorded "
                                                 "(the chain was rebuilt)")
        prev_hash, expected_id, count = row.hash, expected_id + 1, count + 1
        session.expunge(row)
    if keyed_from is not None and count + 1 < keyed_from:
        return Verdict(False, count, count + 1, f"the chain ends at row {count} but keyed hashing began at row "
                                                f"{keyed_from} (rows were removed from the end)")
    head = session.get(AuditHead, 1)
    if head is None or head.last_id != count or head.last_hash != prev_hash:
        last = head.last_id if head else "none"
        return Verdict(False, count, count + 1,
                       f"the chain ends at row {count} but its head records row {last} "
                       "(rows were removed from the end)")
    return Verdict(True, count)


def holds(session, row_id: int, row_hash: str) -> str | None:
    """Whether the chain still holds row `row_id` with `row_hash`, as a workbook recorded it at Submit (an
    anchor outside the database that the reviewer carries): None if it does, else what is wrong."""
    row = session.get(AuditRow, row_id)
    if row is None:
        return f"row {row_id}, recorded in the workbook at Submit, is no longer in the audit trail (it was cut short)"
    if row.hash != row_hash:
        return f"row {row_id} is not the row the workbook recorded at Submit (the audit trail was rebuilt)"
    return None


def rows_for(session, reconciliation_id: int | None = None, after_id: int = 0, limit: int = 500) -> list[dict]:
    stmt = select(AuditRow).where(AuditRow.id > after_id).order_by(AuditRow.id).limit(limit)
    if reconciliation_id is not None:
        stmt = stmt.where(AuditRow.reconciliation_id == reconciliation_id)
    return [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "entity": r.entity,
             "entity_id": r.entity_id, "reconciliation_id": r.reconciliation_id,
             "before": json.loads(r.before), "after": json.loads(r.after), "hash": r.hash}
            for r in session.scalars(stmt)]

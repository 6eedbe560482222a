"""The lease of a running batch, so that server processes sharing one PostgreSQL database never break each
other's batches (as jobs are claimed in job_claims.py).

A batch marks its record Reconciling/Unreconciling in a transaction of its own, taking the lease (which
process, since when); then it does its work in a second transaction that holds the record's row lock
(SELECT ... FOR UPDATE) until the work and the resting status commit together. A record is left running by a
dead batch only when both hold:
- no live batch holds its row (FOR UPDATE SKIP LOCKED passes over those; a dead process's connection is gone,
  so the database rolled its work back and released the lock), and
- its lease ran out (the lease covers the moment between the two transactions, when a live batch does not yet
  hold the row).
Such a record goes to "Error on <action>", ready for Rerun: when a server starts, and when someone acts on it,
so it does not wait for a restart. A batch whose lease was taken from it meanwhile does not do its work.

SQLite serves one process: at start every running record is a dead batch's, as before."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import or_, select

from ..job_claims import worker_name
from ..services.context import Actor, Change, change, now
from . import statuses
from .tables import LedgerRec

DEFAULT_LEASE_SECONDS = 30.0


def take(rec: LedgerRec) -> str:
    """Leases the record's batch to this process; returns the lease's holder."""
    rec.batch_worker, rec.batch_lease_at = worker_name(), now()
    return rec.batch_worker


def release(rec: LedgerRec) -> None:
    rec.batch_worker = rec.batch_lease_at = None


def expired(rec: LedgerRec, lease_seconds: float) -> bool:
    """Whether the lease ran out (a batch started before migration 0014 holds none: expired)."""
    return rec.batch_lease_at is None or rec.batch_lease_at < now() - dt.timedelta(seconds=lease_seconds)


def fail_dead(ch: Change, rec: LedgerRec) -> None:
    """A record a dead batch left running: Error on <action>, with nothing of the batch stored (its work and
    resting status commit together), audited."""
    action = json.loads(rec.pending)["action"] if rec.pending else "reconcile"
    before, rec.status = rec.status, statuses.ERRORS[action]
    holder = f" (on {rec.batch_worker})" if rec.batch_worker else ""
    rec.error = f"the server stopped while the batch ran{holder}; nothing of it was stored: press Rerun"
    rec.updated_at = now()
    release(rec)
    ch.audit(f"ledger.{action}.failed", "ledger_rec", rec.id, {"status": before},
             {"status": rec.status, "error": rec.error})


def recover(store, actor: Actor, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> int:
    """At start: the records dead batches left running become Error on <action>; returns how many."""
    q = select(LedgerRec).where(LedgerRec.status.in_(statuses.RUNNING)).order_by(LedgerRec.id)
    if not store.is_sqlite:
        cutoff = now() - dt.timedelta(seconds=lease_seconds)
        q = q.where(or_(LedgerRec.batch_lease_at.is_(None), LedgerRec.batch_lease_at < cutoff)) \
            .with_for_update(skip_locked=True)
    with change(store, actor) as ch:
        dead = list(ch.session.scalars(q))
        for rec in dead:
            fail_dead(ch, rec)
    return len(dead)

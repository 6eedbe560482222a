"""Jobs claimed through the database, so that several `tieout serve` processes on one PostgreSQL database share
the work and never run a job twice.

A worker claims the oldest queued job with SELECT ... FOR UPDATE SKIP LOCKED (two workers never wait on, nor
take, the same row) and marks it Running with its name and a lease. While it runs, the worker's process renews
the lease (and writes the live progress, so any process can answer for it). A job whose lease ran out belongs
to a process that died: it goes back to the queue, since its work was one transaction that the database rolled
back; after MAX_CLAIMS claims it fails instead, so a job that kills its worker cannot kill them all in turn.

SQLite serves one process (one writer at a time, taken at BEGIN): the same claim works there, the lease is
not renewed (a job's long write transaction holds the only write lock) and `jobs.recover` at start marks what
a stopped server left, as before.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid

from sqlalchemy import select, update

from .services.context import Actor, change, now
from .store.models import Job

QUEUED, RUNNING = "Queued", "Running"
MAX_CLAIMS = 2


def worker_name() -> str:
    """Unique per process (host, pid and a random part: pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def any_queued(store) -> bool:
    """A cheap read first, so idle workers do not take SQLite's write lock to find nothing."""
    with store.read() as session:
        return session.scalar(select(Job.id).where(Job.status == QUEUED).limit(1)) is not None


def claim_next(store, worker: str) -> int | None:
    """The id of the oldest queued job, now Running and leased to `worker`; None when none is free."""
    with store.write() as session:
        job = session.scalar(select(Job).where(Job.status == QUEUED).order_by(Job.id).limit(1)
                             .with_for_update(skip_locked=True))
        if job is None:
            return None
        job.status, job.started_at = RUNNING, now()
        job.claimed_by, job.lease_renewed_at, job.claims = worker, now(), (job.claims or 0) + 1
        return job.id


def renew(store, worker: str, live: dict[int, tuple[int, str]]) -> None:
    """Renew the lease of this worker's running jobs and store their live progress (PostgreSQL only)."""
    if not live:
        return
    with store.write() as session:
        for job_id, (pct, message) in list(live.items()):
            session.execute(update(Job).where(Job.id == job_id, Job.claimed_by == worker, Job.status == RUNNING)
                            .values(lease_renewed_at=now(), progress=pct, message=message[:500]))


def reclaim_expired(store, actor: Actor, lease_seconds: float, failed_status: dict[str, str]) -> list[int]:
    """Running jobs whose lease ran out: back to the queue (their work was rolled back), or failed after
    MAX_CLAIMS claims. Audited. Returns the ids requeued or failed."""
    cutoff = now() - dt.timedelta(seconds=lease_seconds)
    done = []
    with change(store, actor) as ch:
        stale = ch.session.scalars(select(Job).where(Job.status == RUNNING, Job.lease_renewed_at < cutoff)
                                   .with_for_update(skip_locked=True))
        for job in stale:
            before = {"status": job.status, "claimed_by": job.claimed_by}
            if (job.claims or 0) >= MAX_CLAIMS:
                job.status, job.finished_at = failed_status[job.kind], now()
                job.message = (f"the server running this job stopped {job.claims} times while it ran; nothing of "
                               "it was stored; rerun it")
                job.detail = json.dumps({"code": "interrupted"})
                action = f"job.{job.kind}.failed"
            else:
                job.status, job.progress = QUEUED, 0
                job.message = "requeued: the server that ran it stopped; nothing of it was stored"
                action = f"job.{job.kind}.requeued"
            job.claimed_by = None
            ch.audit(action, "job", job.id, before, {"status": job.status, "message": job.message},
                     job.reconciliation_id)
            done.append(job.id)
    return done

"""Background jobs: large imports and auto-matches run off the request thread, with status and progress.

A job's work is written in one transaction at its end, so a job that fails (or a server killed while it
runs) changes nothing: it ends as "Error on Import" / "Error on Match" with the reason, and can be rerun.
Live progress is kept in memory (a job's own write transaction holds SQLite's write lock, so progress
cannot be written beside it); the database holds the status. `recover()` runs at start: jobs that were
queued or running when the server stopped are marked failed.

Stopping (SIGTERM, `tieout serve --stop`) never waits for a long job: the job's next progress report raises
`JobInterrupted`, its transaction rolls back and it ends "interrupted", ready to rerun; a job that reports no
progress within the grace period is left to the database, which rolls its open transaction back when the
process exits, and to `recover()` at the next start."""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from pathlib import Path

from sqlalchemy import select

from . import job_claims
from .services import imports, matches, recs
from .services.context import Actor, change, not_found, now, utc_iso
from .store.db import StoreBusy
from .store.models import Account, Job, Reconciliation, Schedule, User
from .controls.workflow import EDITABLE, Refusal

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE = "Queued", "Running", "Done"
FAILED = {"import": "Error on Import", "auto_match": "Error on Match"}
WHAT = {"import": "upload", "auto_match": "match"}


def _run_import(store, actor: Actor, job: Job, params: dict, progress) -> dict:
    progress(10, "reading the file")
    result = imports.parse(Path(params["path"]), params.get("format", "auto"), params["source"],
                           imports.options_for(store, job.reconciliation_id, params))
    progress(40, f"read {len(result.lines)} lines")
    with change(store, actor) as ch:
        out = imports.store_result(ch, job.reconciliation_id, result, params["source"], params["sha256"], progress)
    Path(params["path"]).unlink(missing_ok=True)
    return out


def _run_auto_match(store, actor: Actor, job: Job, params: dict, progress) -> dict:
    progress(5, "loading unmatched lines")
    t0 = time.perf_counter()
    rules, rule_set = matches.job_rules(params)
    result = matches.compute_auto(store, job.reconciliation_id, progress, rules)
    t1 = time.perf_counter()
    progress(70, f"{len(result.matched)} groups found")
    with change(store, actor) as ch:
        out = matches.store_auto(ch, job.reconciliation_id, result, progress, rule_set)
    return {**out, "seconds": {"load_and_match": round(t1 - t0, 3), "store": round(time.perf_counter() - t1, 3)}}


TASKS = {"import": _run_import, "auto_match": _run_auto_match}


def _persist(write, attempts: int = 20) -> None:
    """A job's final status must be written even when the store is busy for a while."""
    for attempt in range(attempts):
        try:
            return write()
        except StoreBusy:
            if attempt == attempts - 1:
                raise
            time.sleep(1)


def job_dict(job: Job, live: dict | None = None) -> dict:
    progress, message = (live or {}).get(job.id, (job.progress, job.message))
    return {"id": job.id, "kind": job.kind, "reconciliation_id": job.reconciliation_id, "status": job.status,
            "progress": progress if job.status == RUNNING else job.progress,
            "message": message if job.status == RUNNING else job.message, "detail": json.loads(job.detail),
            "created_at": utc_iso(job.created_at), "started_at": utc_iso(job.started_at),
            "finished_at": utc_iso(job.finished_at), "rerun_of": job.rerun_of,
            "worker": job.claimed_by, "claims": job.claims or 0}


class JobInterrupted(Exception):
    """Raised inside a job at its next progress report once the server is stopping."""


class JobRunner:
    """Worker threads of this server process that claim queued jobs through the database (job_claims), so that
    jobs queued by any process on the same database are run once, by whichever worker is free."""

    def __init__(self, store, workers: int = 1, lease_seconds: float = 30.0, actor: Actor | None = None):
        self.store = store
        self.live: dict[int, tuple[int, str]] = {}  # progress of the jobs this process runs
        self.worker = job_claims.worker_name()
        self.lease_seconds = lease_seconds
        self._actor = actor  # who requeues jobs of a dead process (the server's owner)
        self._done: dict[int, threading.Event] = {}
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._running: set[int] = set()
        self._threads = [threading.Thread(target=self._work, name=f"tieout-job-{i}", daemon=True)
                         for i in range(workers)]
        if not store.is_sqlite:
            self._threads.append(threading.Thread(target=self._keep_leases, name="tieout-job-lease", daemon=True))
        for th in self._threads:
            th.start()

    def create(self, actor: Actor, rec_id: int, kind: str, params: dict, rerun_of: int | None = None) -> dict:
        """Queue a job after the same checks its work will pass (so a refused job is refused now)."""
        with change(self.store, actor) as ch:
            recs.for_change(ch, rec_id, WHAT[kind])
            job = Job(kind=kind, reconciliation_id=rec_id, status=QUEUED, params=json.dumps(params),
                      created_by=actor.id, rerun_of=rerun_of)
            ch.session.add(job)
            ch.session.flush()
            # An auto-match's audit row names the rule set it will run (source, SHA-256, count).
            ch.audit(f"job.{kind}.queued", "job", job.id, None,
                     {"rerun_of": rerun_of, **({"rule_set": params["rule_set"]} if "rule_set" in params else {})},
                     rec_id)
            out = job_dict(job)
        self._done[out["id"]] = threading.Event()
        self._wake.set()
        return out

    def rerun(self, actor: Actor, job_id: int) -> dict:
        with self.store.read() as session:
            job = session.get(Job, job_id)
            if job is None:
                raise not_found(f"job {job_id}")
            if job.status not in FAILED.values():
                raise Refusal("bad_transition", f"job {job_id} is {job.status}: only a failed job can be rerun")
            params = json.loads(job.params)
        if job.kind == "import" and not Path(params["path"]).exists():
            raise Refusal("gone", f"the uploaded file of job {job_id} is no longer kept: upload it again", 410)
        return self.create(actor, job.reconciliation_id, job.kind, params, rerun_of=job_id)

    def wait(self, job_id: int, timeout: float) -> bool:
        """Whether the job ended within `timeout` seconds (run here or by another server process)."""
        deadline = time.monotonic() + timeout
        ev = self._done.get(job_id)
        while True:
            if ev is not None and ev.is_set():
                return True
            with self.store.read() as session:
                job = session.get(Job, job_id)
                if job is None or job.status not in (QUEUED, RUNNING):
                    return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if ev is not None:
                ev.wait(min(left, 0.5))
            else:
                time.sleep(min(left, 0.2))

    def get(self, job_id: int) -> dict:
        with self.store.read() as session:
            job = session.get(Job, job_id)
            if job is None:
                raise not_found(f"job {job_id}")
            return job_dict(job, self.live)

    def _set(self, job_id: int, **fields) -> None:
        def apply():
            with self.store.write() as session:
                job = session.get(Job, job_id)
                for k, v in fields.items():
                    setattr(job, k, v)
        _persist(apply)

    def _work(self) -> None:
        """A worker: claim, run, repeat; between jobs wait to be woken (a job queued here) or poll (queued
        elsewhere: another process on the same database)."""
        poll = 5.0 if self.store.is_sqlite else 1.0
        while not self._stopping.is_set():
            try:
                job_id = job_claims.claim_next(self.store, self.worker) if job_claims.any_queued(self.store) else None
            except StoreBusy:
                job_id = None
            except Exception:  # noqa: BLE001 - the worker must outlive a failed claim (e.g. a dropped connection)
                log.exception("claiming a job failed")
                job_id = None
            if job_id is None:
                self._wake.wait(poll)
                self._wake.clear()
                continue
            self._running.add(job_id)
            try:
                self._run(job_id)
            finally:
                self._running.discard(job_id)

    def _keep_leases(self) -> None:
        """PostgreSQL: renew this process's leases and requeue the jobs of processes whose lease ran out."""
        interval = max(0.2, self.lease_seconds / 3)
        while not self._stopping.wait(interval):
            try:
                job_claims.renew(self.store, self.worker, {j: self.live.get(j, (0, "")) for j in self._running})
                if self._actor is not None and job_claims.reclaim_expired(self.store, self._actor,
                                                                          self.lease_seconds, FAILED):
                    self._wake.set()
            except Exception:  # noqa: BLE001 - a missed renewal is retried; the lease has slack for it
                log.exception("renewing job leases failed")

    def _run(self, job_id: int) -> None:
        """Run a job this worker claimed (it is Running and leased to this process)."""
        try:
            with self.store.read() as session:
                job = session.get(Job, job_id)
                user = session.get(User, job.created_by)
                actor = Actor(user.id, user.name, user.is_admin)
                params = json.loads(job.params)
                session.expunge(job)
            self.live[job_id] = (0, "started")

            def progress(pct: int, message: str) -> None:
                if self._stopping.is_set():
                    raise JobInterrupted
                self.live[job_id] = (int(pct), message)

            try:
                progress(0, "started")
                detail = TASKS[job.kind](self.store, actor, job, params, progress)
            except JobInterrupted:
                self._fail(job, actor, "interrupted", "the server was stopped while the job ran; nothing of it "
                                                      "was stored; rerun it")
            except Refusal as exc:
                self._fail(job, actor, exc.code, exc.message, exc.missing)
            except Exception as exc:  # noqa: BLE001 - a job must end in a state, never vanish
                log.exception("job %s failed", job_id)
                self._fail(job, actor, "internal", f"internal error ({type(exc).__name__}: {exc}); "
                                                   "nothing was changed")
            else:
                self._set(job_id, status=DONE, progress=100, message="done", detail=json.dumps(detail),
                          finished_at=now())
        finally:
            self.live.pop(job_id, None)
            ev = self._done.get(job_id)
            if ev:
                ev.set()

    def _fail(self, job: Job, actor: Actor, code: str, message: str, missing: tuple[str, ...] = ()) -> None:
        _persist(lambda: self._write_failure(job, actor, code, message, missing))

    def _write_failure(self, job: Job, actor: Actor, code: str, message: str, missing: tuple[str, ...] = ()) -> None:
        with change(self.store, actor) as ch:
            row = ch.session.get(Job, job.id)
            row.status, row.message, row.finished_at = FAILED[job.kind], message, now()
            row.detail = json.dumps({"code": code, **({"missing": list(missing)} if missing else {})})
            row.progress = self.live.get(job.id, (0, ""))[0]
            ch.audit(f"job.{job.kind}.failed", "job", job.id, {"status": RUNNING},
                     {"status": row.status, "message": message}, job.reconciliation_id)

    def shutdown(self, wait: bool = True, grace: float | None = None) -> bool:
        """Stop claiming and interrupt the running jobs at their next progress report. `grace`: wait at most
        that many seconds for them (None: as long as they take, when `wait`). Returns whether none still runs."""
        self._stopping.set()
        self._wake.set()
        if not wait and grace is None:
            return not self._running
        deadline = None if grace is None else time.monotonic() + grace
        for th in self._threads:
            th.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not self._running


def recover(store, actor: Actor, lease_seconds: float = 30.0) -> int:
    """At start. SQLite (one server process): jobs left Queued or Running by a stopped server are failed, with
    nothing of their work stored. PostgreSQL (maybe several processes): only jobs whose lease ran out are
    requeued (job_claims); queued jobs wait for a worker, running ones belong to a live process."""
    if not store.is_sqlite:
        return len(job_claims.reclaim_expired(store, actor, lease_seconds, FAILED))
    n = 0
    with change(store, actor) as ch:
        for job in ch.session.scalars(select(Job).where(Job.status.in_((QUEUED, RUNNING)))):
            before = job.status
            job.status, job.finished_at = FAILED[job.kind], now()
            job.message = (f"the server stopped while the job was {before.lower()}; nothing of it was stored; "
                           "rerun it")
            job.detail = json.dumps({"code": "interrupted"})
            ch.audit(f"job.{job.kind}.failed", "job", job.id, {"status": before},
                     {"status": job.status, "message": job.message}, job.reconciliation_id)
            n += 1
    return n


def due_schedules(store, runner: JobRunner, at: dt.datetime | None = None) -> list[int]:
    """Queue the auto-match of every account whose schedule is due; returns the job ids queued."""
    at = at or now()
    queued = []
    with store.read() as session:
        due = [(s.id, s.account_id, s.set_by, s.interval_minutes) for s in session.scalars(
            select(Schedule).where(Schedule.enabled.is_(True), Schedule.next_run_at <= at))]
    for sched_id, account_id, user_id, minutes in due:
        with store.read() as session:
            user = session.get(User, user_id)
            actor = Actor(user.id, user.name, user.is_admin)
            rec = session.scalar(select(Reconciliation).where(Reconciliation.account_id == account_id,
                                                              Reconciliation.status.in_(EDITABLE))
                                 .order_by(Reconciliation.id).limit(1))
            kind = session.get(Account, account_id).kind
        # Take the schedule's turn first, under its row lock: of several server processes on one database,
        # only the one that moves next_run_at on queues the run.
        with store.write() as session:
            s = session.scalar(select(Schedule).where(Schedule.id == sched_id, Schedule.next_run_at <= at)
                               .with_for_update(skip_locked=True))
            if s is None:
                continue
            s.last_run_at, s.next_run_at = at, at + dt.timedelta(minutes=minutes)
        if rec is not None and kind == "Bank":
            try:
                queued.append(runner.create(actor, rec.id, "auto_match", {"scheduled": True})["id"])
            except Refusal as exc:
                log.warning("scheduled auto-match of account %s refused: %s", account_id, exc.message)
    return queued


class Scheduler(threading.Thread):
    """Ticks every `interval` seconds and queues due scheduled auto-matches."""

    def __init__(self, store, runner: JobRunner, interval: float = 30.0):
        super().__init__(name="tieout-scheduler", daemon=True)
        self.store, self.runner, self.interval = store, runner, interval
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                due_schedules(self.store, self.runner)
            except Exception:  # noqa: BLE001 - the scheduler must survive a bad tick
                log.exception("scheduler tick failed")
            try:
                from .subledgers.schedule import run_due  # GL-against-subledger checks (issue 16)

                run_due(self.store)
            except Exception:  # noqa: BLE001 - the scheduler must survive a bad tick
                log.exception("scheduled subledger checks failed")

    def stop(self) -> None:
        self._stop.set()

"""Background jobs: status and progress, failure states that change nothing, reruns, and the schedule."""
from __future__ import annotations

import datetime as dt

import pytest

from test_server_kit import (app, bank_file, db_url, home, owner_api, pg_cluster, setup_account,  # noqa: F401
                             team, wait_job)

BANK = [(f"B{i}", f"2026-01-{1 + i % 28:02d}", f"{100 + i}.25", "x") for i in range(40)]
GL = [{"line_id": f"G{i}", "date": f"2026-01-{1 + i % 28:02d}", "amount": f"{100 + i}.25"} for i in range(40)]


@pytest.fixture
def rec(app, tmp_path):
    owner = owner_api(app)
    u = team(owner, "alice", "bob", "carol")
    acc = setup_account(owner)
    alice = u["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    return owner, alice, rid, acc, tmp_path


def test_background_import_reports_progress_and_result(rec):
    owner, alice, rid, acc, tmp = rec
    status, job = alice.upload(rid, bank_file(tmp / "b.txt", BANK), background=1, wait=60)
    assert status == 200 and job["status"] == "Done" and job["progress"] == 100, job
    assert job["detail"]["statements"][0]["count"] == 40
    assert len(alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines")) == 40
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["last_job"] == {"id": job["id"], "kind": "import",
                                                                          "status": "Done"}


def test_bad_file_in_background_ends_in_error_on_import(rec):
    owner, alice, rid, acc, tmp = rec
    f = bank_file(tmp / "b.txt", BANK[:5] + [("B5", "2026-01-05", "12.5x", "x")], closing="0")
    status, job = alice.upload(rid, f, background=1, wait=60)
    assert job["status"] == "Error on Import"
    assert job["message"] == "b.txt: line 7, field 'amount': not an amount: '12.5x'"
    assert alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines") == []


def test_import_failing_mid_write_stores_nothing_and_can_be_rerun(rec, monkeypatch):
    from tieout.server.controls import audit

    owner, alice, rid, acc, tmp = rec
    real_append = audit.append

    def failing(session, actor, action, *a, **kw):
        if action == "statement.import":  # after every line was inserted, before the commit
            raise OSError("disk full")
        return real_append(session, actor, action, *a, **kw)
    monkeypatch.setattr(audit, "append", failing)
    status, job = alice.upload(rid, bank_file(tmp / "b.txt", BANK), background=1, wait=60)
    assert job["status"] == "Error on Import" and "OSError: disk full" in job["message"]
    assert "nothing was changed" in job["message"]
    assert alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines") == []
    assert alice.ok("GET", f"/api/reconciliations/{rid}/statements") == []
    monkeypatch.setattr(audit, "append", real_append)
    again = alice.ok("POST", f"/api/jobs/{job['id']}/rerun?wait=60")
    assert again["status"] == "Done" and again["rerun_of"] == job["id"]
    assert len(alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines")) == 40
    status, data = alice.post(f"/api/jobs/{again['id']}/rerun")
    assert status == 409 and "only a failed job can be rerun" in data["error"]["message"]


def test_auto_match_failure_is_error_on_match_and_rerun_matches(rec, monkeypatch):
    import tieout.server.matching as matching

    owner, alice, rid, acc, tmp = rec
    alice.upload(rid, bank_file(tmp / "b.txt", BANK))
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": GL})

    def broken(*a, **kw):
        raise MemoryError("out of memory")
    monkeypatch.setattr(matching, "auto_match", broken)
    job = alice.ok("POST", f"/api/reconciliations/{rid}/auto-match?wait=60")
    assert job["status"] == "Error on Match" and "MemoryError" in job["message"]
    assert alice.ok("GET", f"/api/reconciliations/{rid}/matches") == []
    monkeypatch.undo()
    again = alice.ok("POST", f"/api/jobs/{job['id']}/rerun?wait=60")
    assert again["status"] == "Done" and again["detail"]["matched_groups"] == 40
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]["matched_bank_lines"] == 40
    jobs = alice.ok("GET", f"/api/reconciliations/{rid}/jobs")
    assert [(j["kind"], j["status"]) for j in jobs] == [("auto_match", "Error on Match"), ("auto_match", "Done")]


def test_job_is_refused_up_front_when_the_work_would_be(rec):
    owner, alice, rid, acc, tmp = rec
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "1.00"})
    alice.ok("POST", f"/api/reconciliations/{rid}/workflow/submit", {})
    status, data = alice.post(f"/api/reconciliations/{rid}/auto-match")
    assert status == 409 and data["error"]["code"] == "locked"
    assert alice.ok("GET", f"/api/reconciliations/{rid}/jobs") == []


def test_scheduled_auto_reconciliation(rec, app):
    from tieout.server import jobs
    from tieout.server.services.context import now

    owner, alice, rid, acc, tmp = rec
    alice.upload(rid, bank_file(tmp / "b.txt", BANK))
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": GL})
    sched = alice.ok("PUT", f"/api/accounts/{acc}/schedule", {"interval_minutes": 60})
    next_run = dt.datetime.fromisoformat(sched["next_run_at"].rstrip("Z"))
    assert dt.timedelta(minutes=59) < next_run - now() <= dt.timedelta(minutes=60)
    summary = alice.ok("GET", f"/api/reconciliations/{rid}")
    assert summary["next_run_at"] == sched["next_run_at"] and summary["last_updated_at"]
    ext = app.extensions["tieout"]
    assert jobs.due_schedules(ext.store, ext.jobs, at=next_run - dt.timedelta(seconds=1)) == []
    queued = jobs.due_schedules(ext.store, ext.jobs, at=next_run)
    assert len(queued) == 1
    assert wait_job(alice, queued[0])["status"] == "Done"
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]["matched_groups"] == 40
    after = alice.ok("GET", f"/api/accounts/{acc}/schedule")
    assert dt.datetime.fromisoformat(after["next_run_at"].rstrip("Z")) == next_run + dt.timedelta(minutes=60)
    assert after["last_run_at"] == sched["next_run_at"]

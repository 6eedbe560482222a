"""A team server that scales out: two `tieout serve` processes on one PostgreSQL database share the queued jobs
(claimed with SELECT ... FOR UPDATE SKIP LOCKED), never run one twice, and a job whose server died is taken
over once its lease runs out."""
from __future__ import annotations

import signal
import time

import pytest

from test_server_kit import Api, bank_file, free_port, pg_cluster, start_server_process  # noqa: F401

LINES = 15_000


def _lines(i: int, n: int = LINES):
    return [(f"S{i}-{k}", f"2026-01-{1 + k % 28:02d}", f"{k % 5000}.{k % 100:02d}", "payment") for k in range(n)]


@pytest.fixture
def pg_url(pg_cluster):
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)


def _server(home, url, **env):
    port = free_port()
    proc = start_server_process(home, port, {"TIEOUT_JOB_WORKERS": "1", **env}, database_url=url)
    return proc, Api(f"http://127.0.0.1:{port}", (home / "token").read_text().strip())


def _account_and_rec(api: Api, n: int) -> int:
    acc = api.ok("POST", "/api/accounts", {"name": f"Ops {n}", "currency": "USD", "bank_account": f"ACC-{n}"})["id"]
    return api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]


def _wait_all(api: Api, job_ids, timeout=600) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = [api.ok("GET", f"/api/jobs/{j}") for j in job_ids]
        if all(j["status"] not in ("Queued", "Running") for j in jobs):
            return jobs
        time.sleep(0.25)
    raise AssertionError(f"jobs did not end: {jobs}")


def test_two_servers_share_the_queue_and_run_each_job_once(tmp_path, pg_url):
    home = tmp_path / "home"
    a, api_a = _server(home, pg_url)
    b, api_b = _server(home, pg_url)
    try:
        jobs = []
        for i in range(4):  # all queued through A: B's worker takes what A's is not already running
            rid = _account_and_rec(api_a, i)
            status, job = api_a.upload(rid, bank_file(tmp_path / f"s{i}.txt", _lines(i), account=f"ACC-{i}"),
                                       background=1)
            assert status == 202, job
            jobs.append((rid, job["id"]))
        ended = _wait_all(api_b, [j for _, j in jobs])
        assert [j["status"] for j in ended] == ["Done"] * 4, ended
        assert all(j["claims"] == 1 for j in ended)  # claimed once each
        assert len({j["worker"] for j in ended}) == 2  # both processes worked
        for rid, _ in jobs:  # each file stored once, not twice
            assert api_b.ok("GET", f"/api/reconciliations/{rid}")["figures"]["bank_lines"] == LINES
        assert api_a.ok("GET", "/api/audit/verify")["intact"] is True
    finally:
        for p in (a, b):
            p.kill()
            p.wait(30)


def test_a_dead_servers_job_is_taken_over_after_its_lease(tmp_path, pg_url):
    home = tmp_path / "home"
    a, api_a = _server(home, pg_url, TIEOUT_JOB_LEASE_SECONDS="2")
    b = None
    try:
        rid = _account_and_rec(api_a, 1)
        n = 80_000
        status, job = api_a.upload(rid, bank_file(tmp_path / "big.txt", _lines(1, n)), background=1)
        assert status == 202, job
        deadline = time.monotonic() + 300
        while True:
            now = api_a.ok("GET", f"/api/jobs/{job['id']}")
            if now["status"] == "Running" and now["progress"] >= 45:  # A is writing the lines
                break
            assert now["status"] in ("Queued", "Running") and time.monotonic() < deadline, now
            time.sleep(0.02)
        a.send_signal(signal.SIGKILL)
        a.wait(30)
        b, api_b = _server(home, pg_url, TIEOUT_JOB_LEASE_SECONDS="2")
        (after,) = _wait_all(api_b, [job["id"]])
        assert after["status"] == "Done" and after["claims"] == 2, after
        assert after["worker"] != now["worker"]
        assert api_b.ok("GET", f"/api/reconciliations/{rid}")["figures"]["bank_lines"] == n
        trail = api_b.ok("GET", f"/api/audit?reconciliation_id={rid}&limit=5000")
        rows = trail if isinstance(trail, list) else trail.get("rows", [])
        assert any(r["action"] == "job.import.requeued" for r in rows), rows
        assert api_b.ok("GET", "/api/audit/verify")["intact"] is True
    finally:
        for p in (a, b):
            if p is not None:
                p.kill()
                p.wait(30)

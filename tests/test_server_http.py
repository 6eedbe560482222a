"""Over real HTTP on loopback, under waitress: a whole reconciliation, 8 concurrent clients, and a server
killed with SIGKILL in the middle of an import and of an auto-match (restarts consistent, job failed)."""
from __future__ import annotations

import signal
import sqlite3
import threading
import time
from decimal import Decimal

import pytest
import requests

from test_server_kit import Api, bank_file, free_port, install_test_importer, start_server_process, team


@pytest.fixture
def live(tmp_path, monkeypatch):
    """The real server (waitress) in a thread on a free loopback port; yields (base_url, app)."""
    from tieout.server.app.serve import running

    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))
    install_test_importer()
    with running({"LOCAL_USER": "owner", "MODE": "team"}, threads=8) as (base, app):
        yield base, app


def test_reconciliation_end_to_end_over_http(live, tmp_path):
    base, app = live
    owner = Api(base, app.extensions["tieout"].token)
    assert requests.get(base + "/api/health", timeout=10).json()["status"] == "ok"
    assert requests.get(base + "/api/me", timeout=10).status_code == 401
    bad_host = requests.get(base + "/api/health", headers={"Host": "attacker.example"}, timeout=10)
    assert bad_host.status_code == 421 and bad_host.json()["error"]["code"] == "bad_host"
    u = team(owner, "alice", "bob", "carol")
    acc = owner.ok("POST", "/api/accounts", {"name": "Ops", "currency": "USD", "bank_account": "ACC-1"})["id"]
    for user, role in (("alice", "preparer"), ("bob", "reviewer"), ("carol", "approver")):
        owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": user, "role": role})
    alice = u["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    lines = [(f"B{i}", f"2026-01-{1 + i % 28:02d}", f"{(i * 37) % 900 + 10}.{i % 100:02d}", "x") for i in range(200)]
    status, data = alice.upload(rid, bank_file(tmp_path / "jan.txt", lines, opening="1000.00"))
    assert status == 201 and data["statements"][0]["count"] == 200
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": f"G{i}", "date": d, "amount": a} for i, (_, d, a, _) in enumerate(lines)]})
    total = sum(Decimal(a) for _, _, a, _ in lines)
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": str(Decimal("1000.00") + total)})
    job = alice.ok("POST", f"/api/reconciliations/{rid}/auto-match?wait=120")
    assert job["status"] == "Done"
    summary = alice.ok("GET", f"/api/reconciliations/{rid}")
    fig = summary["figures"]
    assert fig["matched_bank_lines"] + len(alice.ok("GET", f"/api/reconciliations/{rid}/unmatched")["bank"]) == 200
    assert Decimal(fig["difference"]) == 0
    accepted = alice.ok("POST", f"/api/reconciliations/{rid}/matches/accept", {})  # submit needs them accepted
    assert accepted["count"] == fig["matched_groups"]
    for api, action in ((alice, "submit"), (u["bob"], "review"), (u["carol"], "approve")):
        api.ok("POST", f"/api/reconciliations/{rid}/workflow/{action}", {})
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["status"] == "Approved"
    assert owner.ok("GET", "/api/audit/verify")["intact"] is True


def test_eight_concurrent_clients_lose_and_duplicate_nothing(live):
    base, app = live
    owner = Api(base, app.extensions["tieout"].token)
    acc = owner.ok("POST", "/api/accounts", {"name": "Ops", "currency": "USD"})["id"]
    rid = owner.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    audit_before = owner.ok("GET", "/api/audit/verify")["rows"]
    clients, per_client = 8, 200
    failures: list = []

    def client(n: int) -> None:
        api = Api(base, app.extensions["tieout"].token)
        for i in range(per_client):
            if i % 2 == 0:
                status, data = api.post(f"/api/reconciliations/{rid}/gl-lines", {"lines": [
                    {"line_id": f"C{n}-{i}", "date": "2026-01-15", "amount": f"{n}.{i:03d}"}]})
                ok = status == 201 and data["added"] == 1
            else:
                status, data = api.get(f"/api/reconciliations/{rid}")
                ok = status == 200 and data["id"] == rid
            if not ok:
                failures.append((n, i, status, data))
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert failures == []
    gl = owner.ok("GET", f"/api/reconciliations/{rid}/gl-lines")
    expected = {f"C{n}-{i}" for n in range(clients) for i in range(0, per_client, 2)}
    assert len(gl) == len(expected) == 800 and {g["line_id"] for g in gl} == expected
    assert sum(Decimal(g["amount"]) for g in gl) == sum(Decimal(f"{n}.{i:03d}") for n in range(clients)
                                                        for i in range(0, per_client, 2))
    verdict = owner.ok("GET", "/api/audit/verify")
    assert verdict["intact"] and verdict["rows"] == audit_before + 800 + 1  # + the start of the reconciliation


# ---------------------------------------------------------------- SIGKILL in the middle of a job
def _kill_when_running(api: Api, job_id: int, min_progress: int) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = api.ok("GET", f"/api/jobs/{job_id}")
        assert job["status"] in ("Queued", "Running"), f"job ended before the kill: {job}"
        if job["status"] == "Running" and job["progress"] >= min_progress:
            return job
        time.sleep(0.02)
    raise AssertionError("job never reached the point to kill at")


def _setup_server(tmp_path):
    home = tmp_path / "home"
    port = free_port()
    proc = start_server_process(home, port)
    token = (home / "token").read_text().strip()
    api = Api(f"http://127.0.0.1:{port}", token)
    acc = api.ok("POST", "/api/accounts", {"name": "Ops", "currency": "USD", "bank_account": "ACC-1"})["id"]
    rid = api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    return home, proc, api, rid


def _restart(home, proc) -> Api:
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    port = free_port()
    new = start_server_process(home, port)
    return new, Api(f"http://127.0.0.1:{port}", (home / "token").read_text().strip())


def _sqlite_consistent(home):
    with sqlite3.connect(home / "tieout.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


N_BIG = 120_000


def test_sigkill_during_import_leaves_nothing_half_written(tmp_path):
    home, proc, api, rid = _setup_server(tmp_path)
    try:
        lines = [(f"B{i}", f"2026-01-{1 + i % 28:02d}", f"{i % 5000}.{i % 100:02d}", "payment") for i in range(N_BIG)]
        f = bank_file(tmp_path / "big.txt", lines, opening="0.00")
        status, job = api.upload(rid, f, background=1)
        assert status == 202, job
        _kill_when_running(api, job["id"], min_progress=45)  # the lines are being written
        proc, api = _restart(home, proc)
        after = api.ok("GET", f"/api/jobs/{job['id']}")
        assert after["status"] == "Error on Import" and "server stopped" in after["message"]
        assert api.ok("GET", f"/api/reconciliations/{rid}/statements") == []
        assert api.ok("GET", f"/api/reconciliations/{rid}")["figures"]["bank_lines"] == 0
        assert api.ok("GET", "/api/audit/verify")["intact"] is True
        _sqlite_consistent(home)
        again = api.ok("POST", f"/api/jobs/{job['id']}/rerun?wait=300")
        assert again["status"] == "Done" and again["detail"]["statements"][0]["count"] == N_BIG
        assert api.ok("GET", f"/api/reconciliations/{rid}")["figures"]["bank_lines"] == N_BIG
    finally:
        proc.kill()
        proc.wait(30)


def test_sigterm_during_import_stops_within_seconds_and_the_job_can_be_rerun(tmp_path):
    """SIGTERM while a job writes: the job is interrupted at its next progress report (its transaction rolls
    back), the server exits 0 within seconds instead of finishing the job, and the job reruns."""
    home, proc, api, rid = _setup_server(tmp_path)
    try:
        lines = [(f"B{i}", f"2026-01-{1 + i % 28:02d}", f"{i % 5000}.{i % 100:02d}", "payment") for i in range(N_BIG)]
        status, job = api.upload(rid, bank_file(tmp_path / "big.txt", lines, opening="0.00"), background=1)
        assert status == 202, job
        _kill_when_running(api, job["id"], min_progress=45)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        port = free_port()
        proc = start_server_process(home, port)
        api = Api(f"http://127.0.0.1:{port}", (home / "token").read_text().strip())
        after = api.ok("GET", f"/api/jobs/{job['id']}")
        assert after["status"] == "Error on Import" and "stopped" in after["message"], after
        assert after["detail"]["code"] == "interrupted"
        assert api.ok("GET", f"/api/reconciliations/{rid}")["figures"]["bank_lines"] == 0
        assert api.ok("GET", "/api/audit/verify")["intact"] is True
        _sqlite_consistent(home)
        again = api.ok("POST", f"/api/jobs/{job['id']}/rerun?wait=300")
        assert again["status"] == "Done" and again["detail"]["statements"][0]["count"] == N_BIG
    finally:
        proc.kill()
        proc.wait(30)


def test_sigkill_during_auto_match_leaves_nothing_half_written(tmp_path):
    home, proc, api, rid = _setup_server(tmp_path)
    try:
        n = 30_000
        lines = [(f"B{i}", f"2026-01-{1 + i % 28:02d}", f"{i}.{i % 100:02d}", "x") for i in range(n)]
        assert api.upload(rid, bank_file(tmp_path / "b.txt", lines), background=1, wait=300)[1]["status"] == "Done"
        gl = [{"line_id": f"G{i}", "date": d, "amount": a} for i, (_, d, a, _) in enumerate(lines)]
        api.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": gl})
        job = api.ok("POST", f"/api/reconciliations/{rid}/auto-match")
        _kill_when_running(api, job["id"], min_progress=85)  # the match groups are being written
        proc, api = _restart(home, proc)
        after = api.ok("GET", f"/api/jobs/{job['id']}")
        assert after["status"] == "Error on Match" and "server stopped" in after["message"]
        assert api.ok("GET", f"/api/reconciliations/{rid}/matches?history=1") == []
        fig = api.ok("GET", f"/api/reconciliations/{rid}")["figures"]
        assert (fig["matched_bank_lines"], fig["matched_gl_lines"], fig["bank_lines"]) == (0, 0, n)
        assert api.ok("GET", "/api/audit/verify")["intact"] is True
        _sqlite_consistent(home)
        again = api.ok("POST", f"/api/jobs/{job['id']}/rerun?wait=300")
        assert again["status"] == "Done" and again["detail"]["matched_groups"] == n
    finally:
        proc.kill()
        proc.wait(30)


def test_serve_refuses_a_public_address_in_local_mode(tmp_path, monkeypatch):
    from tieout.server.app.serve import make_server

    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "h"))
    with pytest.raises(ValueError, match="must run in team mode"):
        make_server("0.0.0.0", 0, {"TIEOUT_HOME": tmp_path / "h", "MODE": "local"})


def test_tieout_serve_stops_cleanly_on_sigterm(tmp_path):
    home = tmp_path / "home"
    proc = start_server_process(home, free_port())
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    assert (home / "tieout.db").exists() and (home / "token").stat().st_mode & 0o777 == 0o600


def test_stopping_a_server_whose_loop_already_closed_it_raises_nothing(tmp_path, monkeypatch):
    """waitress closes the server (and its wake-up pipe) itself when a handler raises; stopping it afterwards
    must not fail on the closed pipe, and must leave no worker thread behind."""
    from tieout.server.app.serve import make_server, stop

    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))
    server, app = make_server("127.0.0.1", 0, {"LOCAL_USER": "owner"}, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    server.trigger.pull_trigger(server.close)  # as waitress's own handle_error would
    thread.join(10)
    assert not thread.is_alive() and server.trigger._closed
    stop(server, thread)
    assert server.task_dispatcher.threads == set()
    app.extensions["tieout"].close()


def test_one_connection_failing_while_it_is_set_up_does_not_stop_the_server(tmp_path, monkeypatch):
    """waitress's default closes the listening server when setting up an accepted connection raises (e.g. a
    client that reset it): the server must log it and go on serving the next client."""
    import errno

    from tieout.server.app.serve import make_server, stop

    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))
    server, app = make_server("127.0.0.1", 0, {"LOCAL_USER": "owner"}, threads=2)
    real, failures = server.channel_class, []

    def failing_once(*args, **kwargs):
        if not failures:
            failures.append(1)
            args[1].close()  # the accepted socket
            raise OSError(errno.ECONNRESET, "connection reset while it was set up")
        return real(*args, **kwargs)

    server.channel_class = failing_once
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    try:
        with pytest.raises(requests.ConnectionError):
            requests.get(base + "/api/health", timeout=5)
        assert failures == [1]
        assert requests.get(base + "/api/health", timeout=5).json()["status"] == "ok"
        assert not server.trigger._closed and thread.is_alive()
    finally:
        stop(server, thread)
        app.extensions["tieout"].close()

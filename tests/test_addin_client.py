"""The add-in's HTTP client: it starts `tieout serve` on loopback when nothing answers and waits for health,
reads the token from $TIEOUT_HOME/token, turns the server's JSON errors into ServerError codes, and follows
a background job's progress."""
from __future__ import annotations

import socket
import threading
from decimal import Decimal

import pytest

from test_addin_kit import live, month  # noqa: F401 (fixtures)
from tieout.addin.client import Client, ServerError, ServerUnavailable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_starts_the_server_when_none_answers_and_uses_its_token(tmp_path):
    home = tmp_path / "home"
    client = Client(f"http://127.0.0.1:{free_port()}", home=home)
    assert not client.healthy()
    try:
        client.ensure_running()
        assert client.started is not None and client.started.poll() is None
        assert client.healthy()
        assert (home / "token").stat().st_mode & 0o077 == 0
        me = client.get("/api/me")
        assert me["mode"] == "local" and me["is_admin"] is True
        again = Client(client.base_url, home=home)  # a second button press finds it running
        again.ensure_running()
        assert again.started is None
        again.close()
    finally:
        client.close()
        if client.started is not None:
            client.started.terminate()
            client.started.wait(30)
    assert "tieout server on http://127.0.0.1" in (home / "logs" / "server.log").read_text()


def test_a_port_taken_by_something_else_is_reported_with_the_servers_log(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        stop = threading.Event()

        def answer():  # an unrelated program on the port: accepts and hangs up
            other.settimeout(0.2)
            while not stop.is_set():
                try:
                    conn, _ = other.accept()
                    conn.close()
                except OSError:
                    pass
        t = threading.Thread(target=answer, daemon=True)
        t.start()
        client = Client(f"http://127.0.0.1:{port}", home=tmp_path / "home")
        try:
            with pytest.raises(ServerUnavailable, match="stopped right after it was started"):
                client.ensure_running()
        finally:
            stop.set()
            t.join(5)
            client.close()
    assert client.started.returncode not in (None, 0)


def test_no_autostart_and_remote_addresses_are_not_started(tmp_path):
    with pytest.raises(ServerUnavailable, match="no Tieout server answers"):
        Client(f"http://127.0.0.1:{free_port()}", home=tmp_path, autostart=False).ensure_running()


def test_server_errors_carry_the_api_code(live):
    wrong = Client(live.base, token="not-the-token", autostart=False)
    with pytest.raises(ServerError) as err:
        wrong.get("/api/me")
    assert (err.value.code, err.value.status, err.value.user_error) == ("unauthorized", 401, True)
    wrong.close()
    alice = live.client()
    with pytest.raises(ServerError) as err:
        alice.get("/api/reconciliations/999")
    assert (err.value.code, err.value.message) == ("not_found", "reconciliation 999 not found")


def test_an_import_job_reports_progress_until_done(live, month):
    alice = live.client()
    acc = alice.post("/api/accounts", {"name": "Ops", "currency": "USD"})
    rec = alice.post("/api/reconciliations", {"account_id": acc["id"], "period": "2026-10"})
    seen = []
    summary = alice.upload_statement(rec["id"], month.bank, progress=lambda pct, msg: seen.append((pct, msg)))
    assert summary["format"] == "csv" and summary["statements"][0]["count"] == 44
    assert Decimal(summary["statements"][0]["closing_balance"]) == month.data.bank_closing
    assert seen[-1] == (100, "done") and len(seen) >= 2
    with pytest.raises(ServerError) as err:  # the same statement again: the job fails, nothing is stored
        alice.upload_statement(rec["id"], month.bank)
    assert err.value.code == "bad_file" and "already imported" in err.value.message
    assert alice.get(f"/api/reconciliations/{rec['id']}")["figures"]["bank_lines"] == 44

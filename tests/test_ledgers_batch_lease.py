"""Ledger batches leased as jobs are (ledgers14): two server apps on one PostgreSQL database. A second server
starting while the first runs a batch leaves the batch alone, even once its lease ran out (the batch's work
holds the record's row; FOR UPDATE SKIP LOCKED passes over it); a batch whose server died (lease taken, no
work holding the row) goes to Error on Reconcile once its lease ran out, at a server's start or when someone
acts on the record, and Rerun finishes it."""
from __future__ import annotations

import threading
import time

import pytest

from test_ledgers_records import REC, setup
from test_server_kit import home, make_app, owner_api, pg_cluster  # noqa: F401 (fixtures)
from tieout.server.ledgers import batches

GROUP = {"groups": [{"left": ["A000001"], "right": ["B000001"]}]}


@pytest.fixture
def pg_url(pg_cluster):
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)


@pytest.fixture
def servers(home, pg_url):
    """Makes apps (server processes' state: store, runner) on the one database; closes them all."""
    made = []

    def start(lease: float):
        made.append(make_app(home, pg_url, MODE="team", JOB_LEASE_SECONDS=lease))
        return made[-1]
    yield start
    for app in made:
        app.extensions["tieout"].close()


def failures(api) -> list[str]:
    audit = api.ok("GET", "/api/audit?limit=5000")
    return [r["action"] for r in (audit["rows"] if isinstance(audit, dict) else audit)
            if r["action"].startswith("ledger.") and r["action"].endswith(".failed")]


def test_a_second_server_starting_leaves_a_running_batch_alone(servers, monkeypatch):
    first = servers(lease=1)
    api = owner_api(first)
    rid = setup(api)
    working, finish = threading.Event(), threading.Event()
    real = batches.WORK["reconcile"]

    def held(ch, rec, params):  # the batch's work, kept running (its transaction holds the row) until told
        working.set()
        assert finish.wait(60)
        return real(ch, rec, params)
    monkeypatch.setitem(batches.WORK, "reconcile", held)
    answer = {}
    batch = threading.Thread(target=lambda: answer.update(out=api.post(f"{REC}/{rid}/reconcile", GROUP)))
    batch.start()
    try:
        assert working.wait(60)
        time.sleep(1.5)  # the lease taken at the start has run out: only the row lock says it is alive
        second = servers(lease=1)  # its start recovers what dead batches left
        other = owner_api(second)
        assert other.ok("GET", f"{REC}/{rid}")["status"] == "Reconciling"
        assert batches.recover(second.extensions["tieout"].store, second.extensions["tieout"].owner, 1) == 0
    finally:
        finish.set()
        batch.join(60)
    status, out = answer["out"]
    assert status == 200 and out["record"]["status"] == "Reconciled", out
    assert other.ok("GET", f"{REC}/{rid}")["status"] == "Reconciled"
    assert failures(other) == []


def dead_batch(servers):
    """What a server that died after marking the record leaves: Reconciling, leased for 1 s, its work rolled
    back. Returns the first server's owner Api and the record."""
    first = servers(lease=1)
    api = owner_api(first)
    rid = setup(api)
    tieout = first.extensions["tieout"]
    batches._start(tieout.store, tieout.owner, rid, "reconcile", GROUP, False, 1)
    return api, rid


def test_a_dead_servers_batch_fails_once_its_lease_ran_out_and_reruns(servers):
    api, rid = dead_batch(servers)
    second = servers(lease=30)  # starts within the lease: the batch may be alive, so it is left
    assert owner_api(second).ok("GET", f"{REC}/{rid}")["status"] == "Reconciling"
    time.sleep(1.2)
    status, out = api.post(f"{REC}/{rid}/unreconcile", {"groups": ["G000001"], "reason": "x"})
    assert status == 409 and "left running by a server that stopped" in out["error"]["message"]
    rec = api.ok("GET", f"{REC}/{rid}")
    assert rec["status"] == "Error on Reconcile" and "the server stopped while the batch ran (on " in rec["error"]
    done = api.ok("POST", f"{REC}/{rid}/rerun", {})
    assert done["record"]["status"] == "Reconciled" and done["outcome"]["reconciled"] == ["G000001"]
    assert failures(api) == ["ledger.reconcile.failed"]


def test_a_server_starting_after_the_lease_fails_the_dead_batch(servers):
    api, rid = dead_batch(servers)
    time.sleep(1.2)
    servers(lease=1)
    assert api.ok("GET", f"{REC}/{rid}")["status"] == "Error on Reconcile"

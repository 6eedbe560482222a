"""Malformed requests are 4xx naming the problem, never 500: deeply nested JSON, ids beyond the database's
integers, an over-long file name, a negative or absurd listing limit. Found by attacking the server (issue 13)."""
from __future__ import annotations

import io

import pytest

from test_server_kit import app, db_url, home, owner_api, pg_cluster, setup_account, team  # noqa: F401


@pytest.fixture
def api(app):
    owner = owner_api(app)
    team(owner, "alice", "bob", "carol")
    return owner


def refused(api, method, path, status=400, **kw):
    got, data = api.call(method, path, **kw)
    assert 400 <= got < 500, (path, got, data)
    assert got == status, (path, got, data)
    return data["error"]


def test_deeply_nested_json_is_a_400(api):
    deep = b"[" * 100_000 + b"]" * 100_000
    err = refused(api, "POST", "/api/accounts", data=deep, headers={"Content-Type": "application/json"})
    assert err["code"] == "bad_json" and "nest" in err["message"]
    deep_obj = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    assert refused(api, "POST", "/api/accounts", data=deep_obj,
                   headers={"Content-Type": "application/json"})["code"] == "bad_json"


@pytest.mark.parametrize("rid", [2**63, 2**64 + 5, 10**30])
def test_ids_beyond_the_database_integers_are_not_found(api, rid):
    err = refused(api, "GET", f"/api/reconciliations/{rid}", status=404)
    assert str(rid) in err["message"]
    refused(api, "GET", f"/api/accounts/{rid}", status=404)
    refused(api, "GET", f"/api/jobs/{rid}", status=404)


def test_ids_beyond_the_database_integers_in_a_body_are_a_400(api):
    err = refused(api, "POST", "/api/reconciliations", json={"account_id": 2**63, "period": "2026-01"})
    assert "account_id" in err["message"]
    err = refused(api, "POST", "/api/reconciliations", json={"account_id": 1, "x": [{"y": -(2**64)}]})
    assert "x[0].y" in err["message"]


def test_an_overlong_file_name_is_a_400(api):
    acc = setup_account(api)
    rid = api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    status, data = api.call("POST", f"/api/reconciliations/{rid}/statements?filename={'a' * 5000}.csv",
                            data=b"TESTBANK,ACC,USD,0,0\n", headers={"Content-Type": "application/octet-stream"})
    assert status == 400 and "file name" in data["error"]["message"], (status, data)
    if not api.http:  # the same name as a multipart upload's file name
        err = refused(api, "POST", f"/api/reconciliations/{rid}/statements",
                      data={"file": (io.BytesIO(b"TESTBANK,ACC,USD,0,0\n"), "b" * 5000 + ".csv")},
                      content_type="multipart/form-data")
        assert "file name" in err["message"]


@pytest.mark.parametrize("limit", ["-1", "0", "abc", str(2**70)])
def test_a_listing_limit_outside_its_range_is_a_400(api, limit):
    err = refused(api, "GET", f"/api/audit?limit={limit}")
    assert "limit" in err["message"]


def test_the_audit_listing_cap_holds(api):
    for n in range(3):
        setup_account(api, name=f"Account {n}")
    assert len(api.ok("GET", "/api/audit?limit=2")) == 2


@pytest.mark.parametrize("wait", ["nan", "inf", "-1", "601", "soon"])
def test_a_job_wait_outside_its_range_is_a_400(api, wait):
    err = refused(api, "GET", f"/api/jobs/1?wait={wait}")
    assert "wait" in err["message"]

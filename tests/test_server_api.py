"""The API's front door: token, Host and Origin checks, size limit, JSON errors, the OpenAPI description."""
from __future__ import annotations

import re
import stat

import pytest

from test_server_kit import Api, home, make_app, owner_api  # noqa: F401


@pytest.fixture
def local_app(home):
    a = make_app(home)
    yield a
    a.extensions["tieout"].close()


def test_token_file_is_created_owner_only_and_reused(local_app, home):
    token_file = home / "token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    token = token_file.read_text().strip()
    assert token == local_app.extensions["tieout"].token and len(token) >= 32
    second = make_app(home)
    try:
        assert second.extensions["tieout"].token == token
    finally:
        second.extensions["tieout"].close()


def test_loose_token_file_is_tightened(home):
    home.mkdir(parents=True)
    (home / "token").write_text("x" * 40)
    (home / "token").chmod(0o644)
    a = make_app(home)
    try:
        assert stat.S_IMODE((home / "token").stat().st_mode) == 0o600
        assert a.extensions["tieout"].token == "x" * 40
    finally:
        a.extensions["tieout"].close()


def test_health_needs_no_token_everything_else_does(local_app):
    api = owner_api(local_app)
    assert api.get("/api/health", token=None) == (200, {"service": "tieout", "status": "ok"})
    for path in ("/api/me", "/api/openapi.json", "/api/accounts", "/api/audit/verify"):
        status, data = api.get(path, token=None)
        assert status == 401 and data["error"]["code"] == "unauthorized", path
        status, data = api.get(path, token="wrong-token-wrong-token")
        assert status == 401 and data["error"]["message"] == "the token is not valid", path
    status, data = api.get("/api/me")
    assert status == 200 and data == {"name": "owner", "is_admin": True, "mode": "local"}


def test_local_mode_has_one_user(local_app):
    status, data = owner_api(local_app).post("/api/users", {"name": "eve"})
    assert status == 409 and data["error"]["code"] == "local_mode"


@pytest.mark.parametrize("host,ok", [
    ("localhost:8765", True), ("127.0.0.1:8765", True), ("[::1]:8765", True),
    ("localhost:9999", False), ("evil.example:8765", False), ("127.0.0.1.nip.io:8765", False),
    ("recon.example.com", True), ("recon.example.com:8765", False),
])
def test_host_header_is_checked(home, host, ok):
    a = make_app(home, SERVER_PORT=8765, TEAM_HOST="recon.example.com")
    try:
        status, data = owner_api(a).get("/api/health", token=None, headers={"Host": host})
        assert (status == 200) is ok, (host, status, data)
        if not ok:
            assert status == 421 and data["error"]["code"] == "bad_host"
    finally:
        a.extensions["tieout"].close()


def test_browser_origin_is_refused_unless_allowed(home):
    a = make_app(home, ALLOWED_ORIGINS=["https://addin.example"])
    try:
        api = owner_api(a)
        status, data = api.get("/api/me", headers={"Origin": "https://evil.example"})
        assert status == 403 and data["error"]["code"] == "origin_refused"
        status, data = api.post("/api/accounts", {"name": "X", "currency": "USD"}, headers={"Origin": "null"})
        assert status == 403
        assert api.get("/api/accounts")[1] == []  # nothing was created
        assert api.get("/api/me", headers={"Origin": "https://addin.example"})[0] == 200
    finally:
        a.extensions["tieout"].close()


def test_request_size_is_limited(home):
    a = make_app(home, MAX_CONTENT_LENGTH=1000)
    try:
        api = owner_api(a)
        status, data = api.post("/api/accounts", {"name": "A" * 2000, "currency": "USD"})
        assert status == 413 and data["error"]["code"] == "too_large" and "1,000 bytes" in data["error"]["message"]
    finally:
        a.extensions["tieout"].close()


def test_errors_are_json_with_stable_codes(local_app):
    api = owner_api(local_app)
    assert api.get("/api/nowhere")[1]["error"]["code"] == "not_found"
    assert api.call("DELETE", "/api/accounts")[1]["error"]["code"] == "method_not_allowed"
    status, data = api.call("POST", "/api/accounts", data="{not json", content_type="application/json")
    assert status == 400 and data["error"]["code"] == "bad_json"
    status, data = api.post("/api/accounts", {"name": "Cash", "currency": "US"})
    assert status == 400 and data["error"] == {"code": "bad_input",
                                               "message": "field 'currency': not an ISO 4217 code: 'US'"}
    status, data = api.get("/api/reconciliations/99")
    assert status == 404 and data["error"] == {"code": "not_found", "message": "reconciliation 99 not found"}


def test_money_sent_as_float_is_refused_or_kept_exact(local_app):
    api = owner_api(local_app)
    acc = api.ok("POST", "/api/accounts", {"name": "Cash", "currency": "USD"})
    rid = api.ok("POST", "/api/reconciliations", {"account_id": acc["id"], "period": "2026-03"})["id"]
    # a JSON number with a fraction is read as an exact decimal, never through a binary float
    status, data = api.call("PUT", f"/api/reconciliations/{rid}/gl-balance",
                            data='{"balance": 0.1000000000000000055511151231257827}',
                            content_type="application/json")
    assert status == 400 and "at most 4 decimals" in data["error"]["message"]
    status, data = api.call("PUT", f"/api/reconciliations/{rid}/gl-balance", data='{"balance": 12345678901.23}',
                            content_type="application/json")
    assert status == 200 and data["gl_balance"] == "12345678901.23"


def _flask_paths(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            out.add((path, method.lower()))
    return out


def test_openapi_describes_exactly_the_registered_routes(local_app):
    doc = owner_api(local_app).ok("GET", "/api/openapi.json")
    described = {(p, m) for p, ops in doc["paths"].items() for m in ops}
    registered = _flask_paths(local_app)
    assert registered - described == set(), "routes missing from the OpenAPI description"
    assert described - registered == set(), "described paths that do not exist"
    assert doc["paths"]["/api/health"]["get"]["security"] == []
    for path, ops in doc["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for op in ops.values():
            assert {p["name"] for p in op["parameters"]} == names



def _json_strategy():
    from hypothesis import strategies as st

    scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False)
               | st.text(max_size=12))
    values = st.recursive(scalars, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(
        st.text(max_size=8), kids, max_size=3), max_leaves=8)
    keys = st.sampled_from(["name", "currency", "kind", "balance", "lines", "line_id", "date", "amount",
                            "account_id", "period", "period_start", "period_end", "bank", "ledger", "reason",
                            "allow_difference", "comment", "user", "role", "interval_minutes", "enabled",
                            "owner", "due_date", "status", "notes", "description", "gl_account"])
    return st.dictionaries(keys, values, max_size=6)


def test_random_json_never_causes_an_internal_error(home):
    """Every JSON-taking operation answers garbage with a 4xx JSON error (or accepts it), never a 500."""
    from hypothesis import HealthCheck, given, settings

    from tieout.server.app.openapi import OPERATIONS

    a = make_app(home, MODE="team")
    try:
        api = owner_api(a)
        acc = api.ok("POST", "/api/accounts", {"name": "Ops", "currency": "USD"})["id"]
        api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})
        api.ok("POST", "/api/reconciliations/1/gl-lines", {"lines": [{"line_id": "G1", "date": "2026-01-02",
                                                                      "amount": "1.00"}]})
        targets = []
        for path, ops in OPERATIONS.items():
            for method, (_, _, req, _) in ops.items():
                if req == "json":
                    concrete = re.sub(r"{(\w+)}", lambda m: {"action": "submit", "side": "ledger",
                                                             "line_id": "G1", "key": "M000001"}.get(m[1], "1"), path)
                    targets.append((method.upper(), concrete))

        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
        @given(payload=_json_strategy(), which=st_sampled(len(targets)))
        def check(payload, which):
            method, path = targets[which]
            status, data = api.call(method, path, json=payload)
            assert status < 500, (method, path, payload, data)
            if status >= 400:
                assert set(data["error"]) == {"code", "message"} and data["error"]["message"]

        check()
    finally:
        a.extensions["tieout"].close()


def st_sampled(n):
    from hypothesis import strategies as st

    return st.integers(0, n - 1)


def test_a_busy_store_answers_503_and_changes_nothing(home, monkeypatch):
    import tieout.server.store.db as db

    a = make_app(home)
    try:
        api = owner_api(a)
        monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
        lock = a.extensions["tieout"].store._write_lock
        assert lock.acquire()
        try:
            status, data = api.post("/api/accounts", {"name": "Cash", "currency": "USD"})
        finally:
            lock.release()
        assert status == 503 and data["error"]["code"] == "busy"
        assert api.ok("GET", "/api/accounts") == []
    finally:
        a.extensions["tieout"].close()

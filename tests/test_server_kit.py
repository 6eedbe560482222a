"""Shared fixtures and helpers of the server tests (imported by the other test_server_* modules).

- a tiny bank format ("TESTBANK") registered beside the real importers, so these tests do not depend on
  which importers exist; `python tests/test_server_kit.py serve ...` runs the real CLI with it installed;
- `Api`: one client interface over Flask's test client and over real HTTP (requests);
- the backends: SQLite always; PostgreSQL when a throwaway cluster can be started (see `pg_cluster`).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from tieout.server.errors import BankFileError, Problem
from tieout.server.records import BankLine, ImportResult, Statement

REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- a bank format of the tests' own
class BankFixtureImporter:
    """TESTBANK,<account>,<currency>,<opening>,<closing>  then  line_id,yyyy-mm-dd,amount,description"""

    name = "testbank"
    priority = 0

    def identify(self, path, head: bytes) -> bool:
        return head.startswith(b"TESTBANK,")

    def extract(self, path, options) -> ImportResult:
        text = Path(path).read_text(encoding="utf-8")
        rows = text.splitlines()
        head = rows[0].split(",")
        if len(head) != 5:
            raise BankFileError(path, Problem("header needs 5 fields", line=1))
        lines = []
        for n, row in enumerate(rows[1:], start=2):
            parts = row.split(",", 3)
            if len(parts) != 4:
                raise BankFileError(path, Problem("needs 4 fields", line=n))
            try:
                date = dt.date.fromisoformat(parts[1])
            except ValueError:
                raise BankFileError(path, Problem(f"not a date: {parts[1]!r}", line=n, field="date")) from None
            try:
                amount = Decimal(parts[2])
            except ArithmeticError:
                raise BankFileError(path, Problem(f"not an amount: {parts[2]!r}", line=n, field="amount")) from None
            lines.append(BankLine(parts[0], date, amount, head[2], description=parts[3]))
        st = Statement(head[1], head[2], Decimal(head[3]), Decimal(head[4]), tuple(lines))
        return ImportResult("testbank", str(path), (st,))


TEST_IMPORTER = BankFixtureImporter()


def install_test_importer() -> None:
    from tieout.server import importers

    # imports run in a sandboxed worker: forked from this process, it has the test importer too
    os.environ["TIEOUT_SANDBOX_START"] = "fork"
    original = importers.importers
    if getattr(original, "_with_testbank", False):
        return

    def patched():
        # lazily: a TESTBANK file is identified before the real importer modules are even loaded
        yield TEST_IMPORTER
        yield from original()
    patched._with_testbank = True
    importers.importers = patched


def bank_file(path: Path, lines: list[tuple[str, str, str, str]], opening="0.00", account="ACC-1",
                  currency="USD", closing: str | None = None) -> Path:
    if closing is None:
        closing = sum((Decimal(a) for _, _, a, _ in lines), Decimal(opening))
    rows = [f"TESTBANK,{account},{currency},{opening},{closing}"]
    rows += [",".join(ln) for ln in lines]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- one client for test client and HTTP
class Api:
    """call(method, path, json=..., token=..., **kw) -> (status, data); token=None sends none."""

    def __init__(self, target, token: str):
        self.target, self.token = target, token
        self.http = isinstance(target, str)
        if self.http:
            import requests

            self.session = requests.Session()

    def call(self, method: str, path: str, json=None, token: str | None = "default", headers=None, **kw):
        headers = dict(headers or {})
        token = self.token if token == "default" else token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if self.http:
            r = self.session.request(method, self.target + path, json=json, headers=headers, timeout=120, **kw)
            data = r.json() if r.content and r.headers.get("Content-Type", "").startswith("application/json") else None
            return r.status_code, data
        r = self.target.open(path, method=method, json=json, headers=headers, **kw)
        return r.status_code, (r.get_json(silent=True) if r.data else None)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.call("PUT", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def ok(self, method: str, path: str, json=None, expect=(200, 201, 202, 204), **kw):
        status, data = self.call(method, path, json=json, **kw)
        assert status in expect, (method, path, status, data)
        return data

    def upload(self, rec_id: int, path: Path, **params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        with open(path, "rb") as fh:
            if self.http:
                return self.call("POST", f"/api/reconciliations/{rec_id}/statements?{query}",
                                 files={"file": (path.name, fh)})
            return self.call("POST", f"/api/reconciliations/{rec_id}/statements?{query}",
                             data={"file": (fh, path.name)}, content_type="multipart/form-data")


# ---------------------------------------------------------------- PostgreSQL, when it can be had
def _pg_bin() -> Path | None:
    for name in ("initdb", "pg_ctl"):
        if shutil.which(name) is None:
            break
    else:
        return Path(shutil.which("initdb")).resolve().parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """A throwaway PostgreSQL cluster on loopback in a temp dir (as the `postgres` user when run as root)."""

    def __init__(self):
        self.bin = _pg_bin()
        if self.bin is None:
            raise RuntimeError("no initdb/pg_ctl found")
        self.dir = Path(tempfile.mkdtemp(prefix="tieout-pg-"))
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        data = self.dir / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "tieout", "-E", "UTF8",
                  "--no-sync")
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w", "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.dir} -F", "start")
        self.data = data
        self.counter = 0

    def _run(self, *cmd):
        subprocess.run(self.as_user + list(cmd), check=True, capture_output=True, timeout=120)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://tieout@127.0.0.1:{self.port}/{db}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=tieout dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        self.counter += 1
        name = f"t{os.getpid()}_{self.counter}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def stop(self):
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """Started when TIEOUT_TEST_PG=1 (then it must start) or when initdb/pg_ctl are found; else skipped."""
    required = os.environ.get("TIEOUT_TEST_PG") == "1"
    if not required and _pg_bin() is None:
        pytest.skip("PostgreSQL tests: no initdb/pg_ctl on this machine (set TIEOUT_TEST_PG=1 to require them)")
    try:
        cluster = PgCluster()
    except Exception as exc:  # noqa: BLE001 - reported below
        if required:
            pytest.fail(f"TIEOUT_TEST_PG=1 but no PostgreSQL cluster could be started: {exc}")
        pytest.skip(f"PostgreSQL tests: could not start a cluster: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'tieout.db'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.new_database()
    yield url
    cluster.drop_database(url)


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("TIEOUT_HOME", str(h))
    monkeypatch.delenv("TIEOUT_DATABASE_URL", raising=False)
    return h


@contextmanager
def live_team_server(home: Path, db_url: str | None = None):
    """The real server (waitress) in a thread on loopback, team mode, TESTBANK installed, over `db_url` (the
    default database when None): yields (the owner's Api, app); `home` is the TIEOUT_HOME the `home` fixture set."""
    from tieout.server.app.serve import running

    home.mkdir(parents=True, exist_ok=True)
    install_test_importer()
    config = {"LOCAL_USER": "owner", "MODE": "team", **({"DATABASE_URL": db_url} if db_url else {})}
    with running(config) as (base, app):
        owner = Api(base, app.extensions["tieout"].token)
        try:
            yield owner, app
        finally:
            owner.session.close()  # waitress's loop ends once no kept-alive connection is left open


def seed_reconciliation(conn, made: dt.datetime, ever_matched: bool) -> None:
    """Raw rows for migration tests, written before the models' schema exists: account 1 (Operating, USD),
    period 1 (2026-01) and reconciliation 1 In Progress; the caller inserts the users it needs."""
    from sqlalchemy import text

    conn.execute(text("INSERT INTO accounts (id, name, gl_account, bank_account, currency, kind, created_at) "
                      "VALUES (1, 'Operating', '1000', 'ACC-1', 'USD', 'Bank', :t)"), {"t": made})
    conn.execute(text("INSERT INTO periods (id, name, start, \"end\") VALUES (1, '2026-01', :s, :e)"),
                 {"s": dt.date(2026, 1, 1), "e": dt.date(2026, 1, 31)})
    conn.execute(text("INSERT INTO reconciliations (id, account_id, period_id, status, last_comment, created_at, "
                      "updated_at, ever_matched) VALUES (1, 1, 1, 'In Progress', '', :t, :t, :m)"),
                 {"t": made, "m": ever_matched})


def make_app(home: Path, db_url: str | None = None, **config):
    from tieout.server.app import create_app

    install_test_importer()
    return create_app({"TIEOUT_HOME": home, "DATABASE_URL": db_url, "LOCAL_USER": "owner", **config})


@pytest.fixture
def app(home, db_url):
    """A team-mode app (so several people can act) on each backend."""
    a = make_app(home, db_url, MODE="team")
    yield a
    a.extensions["tieout"].close()


@pytest.fixture
def sqlite_app(home):
    a = make_app(home, MODE="team")
    yield a
    a.extensions["tieout"].close()


def owner_api(app) -> Api:
    return Api(app.test_client(), app.extensions["tieout"].token)


def team(api: Api, *names: str) -> dict[str, Api]:
    """Users created by the owner, each with their own token."""
    out = {}
    for name in names:
        data = api.ok("POST", "/api/users", {"name": name})
        out[name] = Api(api.target, data["token"])
    return out


def setup_account(api: Api, preparer: str = "alice", reviewer: str = "bob", approver: str = "carol",
                  kind: str = "Bank", name: str = "Operating") -> int:
    acc = api.ok("POST", "/api/accounts", {"name": name, "currency": "USD", "kind": kind,
                                           "bank_account": "ACC-1", "gl_account": "1000"})
    for user, role in ((preparer, "preparer"), (reviewer, "reviewer"), (approver, "approver")):
        api.ok("POST", f"/api/accounts/{acc['id']}/roles", {"user": user, "role": role})
    return acc["id"]


def wait_job(api: Api, job_id: int, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = api.ok("GET", f"/api/jobs/{job_id}?wait=5")
        if job["status"] not in ("Queued", "Running") or time.monotonic() > deadline:
            return job


# ---------------------------------------------------------------- the real server in a subprocess
def start_server_process(home: Path, port: int, extra_env: dict | None = None,
                         database_url: str | None = None) -> subprocess.Popen:
    """`tieout serve` in a child process on `port`, on SQLite in `home` unless `database_url` is given."""
    env = {**os.environ, "TIEOUT_HOME": str(home), "TIEOUT_USER": "owner", **(extra_env or {})}
    env.pop("TIEOUT_DATABASE_URL", None)
    if database_url:
        env["TIEOUT_DATABASE_URL"] = database_url
    proc = subprocess.Popen([sys.executable, __file__, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    import requests

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stdout.read().decode()}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=1).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


if __name__ == "__main__":  # the real CLI, with the TESTBANK format installed
    from tieout.server.cli import main

    install_test_importer()
    sys.exit(main(sys.argv[1:]))


def vouch(reviewer: Api, rid: int, why: str = "accepted as built for this test") -> None:
    """The reviewer's comment on every failing review check. For tests of other steps (segregation of duties,
    tamper evidence, carry-forward...) whose small built reconciliations do not balance: Approve is refused
    while a check fails without a reviewer comment (test_review_server.py tests that refusal itself)."""
    for c in reviewer.ok("GET", f"/api/reconciliations/{rid}/review")["checks"]:
        if c["status"] == "fail":
            reviewer.ok("PUT", f"/api/reconciliations/{rid}/review/{c['id']}", {"ticked": True, "comment": why})

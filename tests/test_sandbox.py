"""Imports run in a sandboxed worker (issue 13, part 1): a file that kills, starves or freezes its reader is an
error naming the file, and the caller (CLI, server) goes on."""
from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox_files import long_csv, xls_with_looping_directory
from test_server_kit import app, db_url, home, pg_cluster  # noqa: F401 - fixtures
from tieout.server import sandbox
from tieout.server.errors import BankFileError, Problem, TemplateError
from tieout.server.importers.tabular import xls_guard
from tieout.server.sandbox import Budget
from tieout.server.sandbox.runner import ReaderFailed

SMALL = Budget(memory_bytes=256 << 20, cpu_seconds=1)
TIEOUT = Path(sys.executable).with_name("tieout")


def _refuse(path, problem):
    raise TemplateError(path, [Problem(problem, line=3, field="amount")])


def test_a_reader_over_its_cpu_budget_is_stopped_and_named():
    burn = functools.partial(sum, range(10 ** 13))  # pure C: only the CPU limit can stop it
    with pytest.raises(BankFileError) as err:
        sandbox.run(burn, source="stmt.csv", error=BankFileError, budget=SMALL)
    assert str(err.value) == "stmt.csv: could not be read safely: the reader ran out of its 1 s CPU budget"


def test_a_reader_over_its_memory_budget_is_stopped_and_named():
    with pytest.raises(TemplateError) as err:
        sandbox.run(bytearray, 1 << 30, source="gl.xlsx", error=TemplateError, budget=SMALL)
    assert str(err.value) == "gl.xlsx: could not be read safely: the reader ran out of its 256 MiB memory budget"


def test_a_reader_that_aborts_the_process_is_an_error_not_the_end_of_the_caller():
    with pytest.raises(BankFileError, match=r"^x\.xls: could not be read safely: the reader crashed \(SIGABRT\)$"):
        sandbox.run(os.abort, source="x.xls", error=BankFileError, budget=SMALL)
    assert sandbox.run(sorted, [3, 1, 2], source="x", error=BankFileError) == [1, 2, 3]  # the next one runs


def test_a_refusal_comes_back_as_raised_and_an_internal_error_as_one():
    with pytest.raises(TemplateError) as err:
        sandbox.run(_refuse, "gl.xlsx", "not an amount", source="gl.xlsx", error=BankFileError)
    assert err.value.problems == [Problem("not an amount", line=3, field="amount")]
    assert str(err.value) == "gl.xlsx: line 3, field 'amount': not an amount"
    with pytest.raises(ReaderFailed, match="ZeroDivisionError"):
        sandbox.run(divmod, 1, 0, source="x", error=BankFileError)


def test_an_import_over_its_memory_budget_is_refused_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEOUT_IMPORT_MEMORY_MB", "64")
    path = long_csv(tmp_path / "long.csv")
    with pytest.raises(BankFileError) as err:
        sandbox.import_file(path)
    assert str(err.value) == f"{path}: could not be read safely: the reader ran out of its 64 MiB memory budget"


def test_a_looping_xls_is_refused_before_calamine_follows_its_chain(tmp_path):
    path = xls_with_looping_directory(tmp_path / "loop.xls")
    with pytest.raises(BankFileError, match=r"loop\.xls: the \.xls file is damaged: the directory's sector chain "
                                            r"loops \(back to sector \d+\); it was not read$"):
        sandbox.import_file(path)
    xls_guard.check(xls_with_looping_directory(tmp_path / "fine.xls", loop=False).read_bytes())  # the same, intact


def test_cli_import_whose_reader_runs_out_of_memory_exits_2_with_the_reason(tmp_path):
    path = long_csv(tmp_path / "long.csv")
    env = {**os.environ, "TIEOUT_IMPORT_MEMORY_MB": "64", "TIEOUT_HOME": str(tmp_path / "home")}
    done = subprocess.run([str(TIEOUT), "import", str(path), "--out", str(tmp_path / "out.csv")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    # a MemoryError in Python, or compiled code dying on an allocation that failed under the limit (seen under load)
    assert done.stderr.strip() in (
        f"error: {path}: could not be read safely: the reader ran out of its 64 MiB memory budget",
        *(f"error: {path}: could not be read safely: the reader crashed ({sig}), most likely when its 64 MiB "
          "memory budget ran out" for sig in ("SIGSEGV", "SIGBUS")))
    assert "Traceback" not in done.stderr and not (tmp_path / "out.csv").exists()


def test_server_job_whose_reader_runs_out_of_memory_fails_and_the_server_goes_on(app, tmp_path, monkeypatch):
    from test_server_kit import BankFixtureImporter, bank_file, owner_api, setup_account, team  # noqa: F401

    monkeypatch.setenv("TIEOUT_IMPORT_MEMORY_MB", "64")
    owner = owner_api(app)
    alice = team(owner, "alice", "bob", "carol")["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": setup_account(owner), "period": "2026-01"})["id"]
    status, job = alice.upload(rid, long_csv(tmp_path / "long.csv"), background=1, wait=120)
    assert job["status"] == "Error on Import"
    assert job["message"] == "long.csv: could not be read safely: the reader ran out of its 64 MiB memory budget"
    assert owner.call("GET", "/api/health", token=None)[0] == 200
    lines = [(f"B{i}", f"2026-01-{i + 1:02d}", f"{i}.50", "x") for i in range(5)]
    status, job = alice.upload(rid, bank_file(tmp_path / "b.txt", lines), background=1, wait=60)
    assert job["status"] == "Done" and job["detail"]["statements"][0]["count"] == 5


READERS = {"import_file", "read_gl_template", "infer_layout", "read_template", "layout_proposal", "read_statement"}
# where a reader may be called in the caller's process: the readers themselves, the sandbox's worker, and the
# demo, which reads only the sample files it has just written itself
IN_PROCESS = ("server/importers/", "server/sandbox/", "server/templates/gl_import.py", "server/demo.py")


def test_every_product_read_of_a_users_file_goes_through_the_sandbox():
    import ast

    root = Path(__file__).resolve().parents[1]
    direct = []
    for path in sorted([*root.joinpath("server").rglob("*.py"), *root.joinpath("addin").rglob("*.py")]):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(IN_PROCESS):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            through_sandbox = isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "sandbox"
            if name in READERS and not through_sandbox:
                direct.append(f"{rel}:{node.lineno} calls {name}")
    assert direct == []


def test_the_worker_sees_the_callers_environment_of_now(monkeypatch, tmp_path):
    sandbox.run(sorted, [], source="x", error=BankFileError)  # the fork server (if any) runs from here on
    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "later-home"))
    assert sandbox.run(os.getenv, "TIEOUT_HOME", source="x", error=BankFileError) == str(tmp_path / "later-home")

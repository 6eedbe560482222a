"""GL against subledger (issue 16, step 3) on built data: an AR open-items export in an ERP's own layout (a
preamble, its own headers, day-first dates, decimal commas) against the GL account's lines; every kind of
exception with its action; the balance check; configured checks run now and on the scheduler's tick, their
results queryable; `tieout subledger` writing the exceptions without formulas."""
from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from test_server_kit import app, db_url, home, owner_api, pg_cluster, team  # noqa: F401 (fixtures)

LEDGER_HEADER = ("line_id", "date", "amount", "currency", "reference", "description", "source", "counterparty")


def ar_export(path, rows, preamble=True):
    """An AR open-items workbook as an ERP writes it: title rows, then its own header."""
    wb = Workbook()
    ws = wb.active
    if preamble:
        ws.append(["Open items: accounts receivable"])
        ws.append(["Company: Tieout Demo GmbH", None, "Printed 2026-11-03"])
        ws.append([])
    ws.append(["Invoice No", "Customer", "Invoice Date", "Due Date", "Open Amount"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def gl_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(LEDGER_HEADER)
        for i, (date, amount, ref, party) in enumerate(rows, start=1):
            w.writerow((f"GL{i}", date, amount, "EUR", ref, f"AR {ref}", "AR", party))
    return path


def built(tmp_path, party="Acme"):
    sub = ar_export(tmp_path / "ar.xlsx", [
        ("INV-1001", party, "03.10.2026", "02.11.2026", "1.200,00"),
        ("INV-1002", "Globex", "05.10.2026", "04.11.2026", "450,00"),
        ("INV-1004", "Initech", "12.10.2026", "11.11.2026", "75,50"),
        ("INV-1005", "Umbrella", "02.11.2026", "02.12.2026", "99,00"),
        ("INV-1007", "Hooli", "01.11.2026", "01.12.2026", "60,00"),
    ])
    gl = gl_csv(tmp_path / "gl.csv", [
        ("2026-10-03", "1200.00", "1001", party),          # the same document as INV-1001
        ("2026-10-05", "500.00", "INV-001002", "Globex"),  # amount differs
        ("2026-10-20", "310.00", "INV-1003", "Stark"),     # posted to the GL only
        ("2026-10-08", "300.00", "INV-1006", "Wayne"),     # invoiced and paid: nets to zero, closed
        ("2026-10-28", "-300.00", "INV-1006", "Wayne"),
        ("2026-10-31", "60.00", "INV-1007", "Hooli"),      # booked in October, in the subledger in November
        ("2026-10-31", "15.00", "", ""),                   # no document number
    ])
    return sub, gl


def test_every_kind_of_exception_with_its_action(tmp_path):
    from tieout.server.subledgers.runs import check_files

    sub, gl = built(tmp_path)
    r = check_files(str(sub), str(gl), account="1200", legal_entity="DE01", kind="AR", period="2026-10",
                    currency="EUR")
    got = {(e.kind, e.document): e for e in r.exceptions}
    assert sorted(got) == [("amount_difference", "INV-1002"), ("in_gl_not_subledger", ""),
                           ("in_gl_not_subledger", "INV-1003"), ("in_subledger_not_gl", "INV-1004"),
                           ("timing", "INV-1005"), ("timing", "INV-1007")]
    assert r.matched == 1  # INV-1001 (INV-1006 nets to zero in the GL and is closed in the subledger)
    diff = got[("amount_difference", "INV-1002")]
    assert (diff.gl_amount, diff.subledger_amount, diff.difference) == (Decimal("500.00"), Decimal("450.00"),
                                                                         Decimal("50.00"))
    assert "difference 50.00" in diff.action and diff.party == "Globex"
    assert "post the document in the AR subledger" in got[("in_gl_not_subledger", "INV-1003")].action
    assert "Post the AR document to the GL" in got[("in_subledger_not_gl", "INV-1004")].action
    assert got[("timing", "INV-1005")].action.startswith("Cut-off: dated 2026-11-02 in the subledger, after the "
                                                         "period end 2026-10-31")
    assert "dated 2026-11-01 in the subledger and 2026-10-31 in the GL" in got[("timing", "INV-1007")].action
    assert r.gl_balance == Decimal("2085.00") and r.subledger_balance == Decimal("1884.50")
    assert r.difference == r.explained  # every cent of the difference is named by an item


def test_a_balance_the_items_do_not_explain(tmp_path):
    from tieout.server.subledgers.compare import compare
    from tieout.server.subledgers.reading import read_items

    sub, gl = built(tmp_path)
    from tieout.server.canonical import read_ledger_lines

    r = compare(read_items(sub, "EUR"), read_ledger_lines(gl), account="1200", legal_entity="DE01",
                period="2026-10", currency="EUR", gl_balance=Decimal("2100.00"))
    (bal,) = [e for e in r.exceptions if e.kind == "balance_difference"]
    assert bal.difference == Decimal("15.00") and "opening balances" in bal.action


@pytest.mark.parametrize("rows, message", [
    ([("INV-1", "A", "31.02.2026", "", "1,00")], "line 5, field 'date'"),
    ([("INV-1", "A", "03.10.2026", "", "abc")], "line 5, field 'amount'"),
    ([("", "A", "03.10.2026", "", "1,00")], "line 5, field 'document': no document number"),
])
def test_bad_rows_name_file_line_and_column(tmp_path, rows, message):
    from tieout.server.errors import InputError
    from tieout.server.subledgers.reading import read_items

    path = ar_export(tmp_path / "bad.xlsx", rows)
    with pytest.raises(InputError) as exc:
        read_items(path, "EUR")
    assert exc.value.message().startswith(f"{path}: {message}")


def test_ambiguous_dates_and_missing_headers_are_refused(tmp_path):
    from tieout.server.errors import InputError
    from tieout.server.subledgers.reading import read_items

    path = tmp_path / "ap.csv"
    path.write_text("Vendor;Document;Date;Amount\nACME;B-1;03/04/2026;10,00\nACME;B-2;05/06/2026;-2,50\n")
    with pytest.raises(InputError) as exc:
        read_items(path, "EUR")
    assert "read as both" in exc.value.message()
    path.write_text("Vendor;Text;Value\nACME;x;1\n")
    with pytest.raises(InputError) as exc:
        read_items(path, "EUR")
    assert "no header row naming a document number, a date and an amount" in exc.value.message()


def test_configured_checks_run_now_and_on_schedule_and_their_exceptions_are_queryable(app, tmp_path):
    from tieout.server.subledgers.exceptions import latest_exceptions
    from tieout.server.subledgers.schedule import run_due

    api = owner_api(app)
    sub, gl = built(tmp_path)
    alice = team(api, "alice")["alice"]
    body = {"account": "1200", "legal_entity": "DE01", "kind": "AR", "currency": "EUR",
            "subledger_path": str(sub), "gl_path": str(gl), "interval_minutes": 60}
    status, out = alice.post("/api/subledgers/configs", body)
    assert status == 403
    status, out = api.post("/api/subledgers/configs", {**body, "gl_path": str(tmp_path / "none.csv")})
    assert status == 400 and "gl_path: no such file on the server" in out["error"]["message"]
    cfg = api.ok("POST", "/api/subledgers/configs", body)
    run = api.ok("POST", f"/api/subledgers/configs/{cfg['id']}/run?period=2026-10")
    assert run["status"] == "done" and run["gl_balance"] == "2085.00" and run["matched"] == 1
    found = api.ok("GET", "/api/subledgers/exceptions?account=1200&period=2026-10")
    assert len(found) == 6 and {e["kind"] for e in found} >= {"timing", "amount_difference"}
    assert found[0]["legal_entity"] == "DE01" and found[0]["action"]

    store = app.extensions["tieout"].store
    at = dt.datetime(2026, 10, 31, 23, 0)
    (scheduled,) = run_due(store, at)
    assert run_due(store, at + dt.timedelta(minutes=30)) == []  # not due again before its interval
    gl.write_text(gl.read_text().replace("2026-10-20", "2026-10-40"))
    (failed,) = run_due(store, at + dt.timedelta(minutes=61))
    runs = {r["id"]: r for r in api.ok("GET", "/api/subledgers/runs")}
    assert runs[scheduled]["status"] == "done" and runs[scheduled]["period"] == "2026-10"
    assert runs[failed]["status"] == "failed" and "gl.csv: line 4, field 'date'" in runs[failed]["message"]
    with store.read() as session:
        latest = latest_exceptions(session, account="1200", legal_entity="DE01")
    assert {e.run_id for e in latest} == {scheduled}  # the failed run does not hide the last good one
    with pytest.raises(Exception):
        latest[0].kind = "changed"  # immutable records


def test_tieout_subledger_writes_the_exceptions_without_formulas(tmp_path):
    sub, gl = built(tmp_path, party="@HYPERLINK(\"http://x\")")  # "=" would make openpyxl write a formula
    gl_csv(gl, [("2026-10-01", "10.00", "INV-9", "=cmd|' /C calc'!A0")])
    for out in ("exc.csv", "exc.xlsx"):
        done = subprocess.run([sys.executable, "-m", "tieout.server.cli", "subledger", "--subledger", str(sub),
                               "--gl", str(gl), "--account", "1200", "--entity", "DE01", "--period", "2026-10",
                               "--currency", "EUR", "--out", str(tmp_path / out)], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        assert "1200 x DE01 2026-10: GL 10.00 EUR, subledger 1884.50, difference -1874.50" in done.stdout
    text = (tmp_path / "exc.csv").read_text()
    assert "'=cmd|" in text and "'@HYPERLINK" in text
    ws = load_workbook(tmp_path / "exc.xlsx")["Subledger Exceptions"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(("=", "@"))]
    assert cells and all(c.data_type == "s" for c in cells)
    done = subprocess.run([sys.executable, "-m", "tieout.server.cli", "subledger", "--subledger", str(sub),
                           "--gl", str(tmp_path / "missing.csv"), "--account", "1", "--entity", "E",
                           "--period", "2026-10", "--currency", "EUR"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "missing.csv: no such file" in done.stderr

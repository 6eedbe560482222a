"""`tieout import --append`: overlapping downloads appended to one canonical bank lines CSV without the lines
it already holds, the existing rows kept byte for byte, and a failed import changing nothing."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tieout.server.statements import canonical_append
from tieout.server.canonical import read_bank_lines
from tieout.server.cli import main

MARCH = [("2026-03-02", "Deposit Contoso", "250.00"), ("2026-03-10", "Card payment Coffee", "-4.50"),
         ("2026-03-15", "Monthly fee", "-12.00"), ("2026-03-20", "Wire Fabrikam", "500.00")]


def bank_csv(path: Path, rows, opening: str | None = "1000.00") -> Path:
    """A bank's CSV export (generic layout): with a running balance when `opening` is given."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Date", "Description", "Amount"] + (["Balance"] if opening is not None else []))
    balance = Decimal(opening) if opening is not None else None
    for date, text, amount in rows:
        if balance is None:
            w.writerow([date, text, amount])
        else:
            balance += Decimal(amount)
            w.writerow([date, text, amount, str(balance)])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def ofx_file(path: Path, rows, currency: str = "USD", account: str = "99", closing: str = "1673.50",
             pending: str = "") -> Path:
    """An OFX 1.x (SGML) download; rows are (fitid, date, description, amount); `pending` is OFX markup."""
    trns = "".join(f"<STMTTRN><TRNTYPE>{'CREDIT' if not amount.startswith('-') else 'DEBIT'}"
                   f"<DTPOSTED>{date.replace('-', '')}<TRNAMT>{amount}<FITID>{fitid}<NAME>{text}</STMTTRN>\n"
                   for fitid, date, text, amount in rows)
    dates = sorted(r[1].replace("-", "") for r in rows)
    path.write_text(
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
        "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1"
        "<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
        f"<STMTRS><CURDEF>{currency}<BANKACCTFROM><BANKID>1<ACCTID>{account}<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
        f"<BANKTRANLIST><DTSTART>{dates[0]}<DTEND>{dates[-1]}\n{trns}</BANKTRANLIST>\n{pending}"
        f"<LEDGERBAL><BALAMT>{closing}<DTASOF>{dates[-1]}</LEDGERBAL>\n</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n",
        encoding="ascii")
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["import", *map(str, argv)])
    got = capsys.readouterr()
    return code, got.out, got.err


def run_json(capsys, *argv) -> tuple[int, dict, str]:
    code, out, err = run(capsys, *argv, "--json")
    return code, json.loads(out) if code == 0 else {}, err


def total(path: Path) -> Decimal:
    return sum((ln.amount for ln in read_bank_lines(path)), Decimal(0))


@pytest.fixture
def march(tmp_path, capsys) -> Path:
    """lines.csv as the first import of March's CSV statement wrote it."""
    out = tmp_path / "lines.csv"
    assert run(capsys, bank_csv(tmp_path / "march.csv", MARCH), "--currency", "USD", "--out", out)[0] == 0
    return out


def test_the_same_statement_twice_adds_nothing_and_reports_every_line_skipped(tmp_path, march, capsys):
    before = march.read_bytes()
    code, summary, err = run_json(capsys, tmp_path / "march.csv", "--currency", "USD", "--out", march, "--append")
    assert code == 0
    assert march.read_bytes() == before
    assert (summary["held"], summary["added"]) == (4, 0)
    assert [(s["line_id"], s["date"], s["amount"], s["held_line_id"], s["by"]) for s in summary["skipped"]] == [
        ("L2", "2026-03-02", "250.00", "L2", "content"), ("L3", "2026-03-10", "-4.50", "L3", "content"),
        ("L4", "2026-03-15", "-12.00", "L4", "content"), ("L5", "2026-03-20", "500.00", "L5", "content")]
    assert summary["skipped"][2]["reason"] == ("a line of 2026-03-15 for -12.00 with the same description is "
                                               "already held (lines.csv, line L4)")
    assert "skipped 4 of the 4 lines of march.csv: lines.csv already holds them" in err
    assert "L5 2026-03-20 500.00: a line of 2026-03-20 for 500.00" in err
    # said once, as a note, not as an error
    assert err.count("continuity of balances and dates") == 1 and "note: lines.csv holds lines only" in err


def test_an_overlapping_ofx_download_adds_only_its_new_lines(tmp_path, march, capsys):
    before = march.read_bytes()
    april = ofx_file(tmp_path / "april.ofx", [("F100", "2026-03-15", "Monthly fee", "-12.00"),
                                              ("F101", "2026-03-20", "Wire Fabrikam", "500.00"),
                                              ("F102", "2026-04-02", "Card payment Office", "-60.00"),
                                              ("F103", "2026-04-10", "Deposit Northwind", "1200.00")],
                     closing="2861.50")
    code, summary, err = run_json(capsys, april, "--out", march, "--append")
    assert code == 0
    assert summary["format"] == "ofx" and summary["statements"][0]["count"] == 4  # DESIGN.md's keys are kept
    assert (summary["held"], summary["added"]) == (4, 2)
    assert [(s["line_id"], s["held_line_id"]) for s in summary["skipped"]] == [("F100", "L4"), ("F101", "L5")]
    assert "skipped 2 of the 4 lines of april.ofx: lines.csv already holds them" in err
    after = march.read_bytes()
    assert after.startswith(before)
    lines = read_bank_lines(march)
    assert [ln.line_id for ln in lines] == ["L2", "L3", "L4", "L5", "F102", "F103"]
    assert total(march) == Decimal("733.50") + Decimal("-60.00") + Decimal("1200.00")
    assert after[len(before):] == (b"F102,2026-04-02,-60.00,USD,,Card payment Office,other,\r\n"
                                   b"F103,2026-04-10,1200.00,USD,,Deposit Northwind,other,\r\n")
    assert summary["renamed"] == [] and summary["duplicate_statements"] == []

    # the next download of the same account repeats April's lines by FITID, one with a corrected description
    may = ofx_file(tmp_path / "may.ofx", [("F103", "2026-04-10", "DEPOSIT NORTHWIND TRADERS", "1200.00"),
                                          ("F104", "2026-05-04", "Interest", "0.85")], closing="2862.35")
    code, summary, _ = run_json(capsys, may, "--out", march, "--append")
    assert code == 0 and summary["added"] == 1
    [skip] = summary["skipped"]
    assert (skip["line_id"], skip["held_line_id"], skip["by"]) == ("F103", "F103", "bank id")
    assert [ln.line_id for ln in read_bank_lines(march)][-1] == "F104"
    assert total(march) == Decimal("1873.50") + Decimal("0.85")


def test_a_pending_line_written_before_is_recognised_when_the_download_is_appended_again(tmp_path, capsys):
    out = tmp_path / "lines.csv"
    taxi = ("<BANKTRANLISTP><DTASOF>20260416<STMTTRNP><TRNTYPE>DEBIT<DTTRAN>20260416<TRNAMT>-7.00"
            "<NAME>Taxi</STMTTRNP></BANKTRANLISTP>\n")
    april = ofx_file(tmp_path / "april.ofx", [("F102", "2026-04-02", "Card payment Office", "-60.00")],
                     pending=taxi)
    assert run(capsys, april, "--out", out)[0] == 0
    assert [(ln.date, ln.amount) for ln in read_bank_lines(out)] == [
        (dt.date(2026, 4, 2), Decimal("-60.00")), (dt.date(2026, 4, 16), Decimal("-7.00"))]
    before = out.read_bytes()
    code, summary, _ = run_json(capsys, april, "--out", out, "--append")
    assert code == 0 and summary["added"] == 0 and out.read_bytes() == before
    assert [(s["amount"], s["by"]) for s in summary["skipped"]] == [("-60.00", "bank id"), ("-7.00", "content")]


def test_a_csv_export_overlapping_an_ofx_import_adds_only_its_new_lines(tmp_path, capsys):
    out = tmp_path / "lines.csv"
    first = ofx_file(tmp_path / "march.ofx", [("F1", "2026-03-02", "Deposit Contoso", "250.00"),
                                              ("F2", "2026-03-10", "Card payment Coffee", "-4.50")],
                     closing="1245.50")
    assert run(capsys, first, "--out", out)[0] == 0
    export = bank_csv(tmp_path / "export.csv", MARCH)
    code, summary, _ = run_json(capsys, export, "--currency", "USD", "--out", out, "--append")
    assert code == 0 and (summary["held"], summary["added"]) == (2, 2)
    assert [s["line_id"] for s in summary["skipped"]] == ["L2", "L3"]
    lines = read_bank_lines(out)
    assert [(ln.line_id, ln.date, ln.amount) for ln in lines[2:]] == [
        ("L4", dt.date(2026, 3, 15), Decimal("-12.00")), ("L5", dt.date(2026, 3, 20), Decimal("500.00"))]
    assert total(out) == Decimal("733.50")


def test_a_genuine_second_identical_line_is_added_once(tmp_path, capsys):
    out = tmp_path / "lines.csv"
    coffee = ("2026-03-10", "Card payment Coffee", "-4.50")
    assert run(capsys, bank_csv(tmp_path / "one.csv", [MARCH[0], coffee]), "--currency", "USD", "--out", out)[0] == 0
    # the later download has the morning coffee and an afternoon one: same day, amount and text
    later = bank_csv(tmp_path / "two.csv", [MARCH[0], coffee, coffee, MARCH[2]])
    code, summary, err = run_json(capsys, later, "--currency", "USD", "--out", out, "--append")
    assert code == 0 and summary["added"] == 2
    assert [s["line_id"] for s in summary["skipped"]] == ["L2", "L3"]
    lines = read_bank_lines(out)
    assert Counter((ln.date, ln.amount, ln.description) for ln in lines) == Counter({
        (dt.date(2026, 3, 2), Decimal("250.00"), "Deposit Contoso"): 1,
        (dt.date(2026, 3, 10), Decimal("-4.50"), "Card payment Coffee"): 2,
        (dt.date(2026, 3, 15), Decimal("-12.00"), "Monthly fee"): 1})
    assert [ln.line_id for ln in lines] == ["L2", "L3", "L4", "L5"] and summary["renamed"] == []
    # three coffees: two are held, so one is added; its id L4 is already another line's: renamed, and said so
    later2 = bank_csv(tmp_path / "three.csv", [coffee, coffee, coffee])
    code, summary, err = run_json(capsys, later2, "--currency", "USD", "--out", out, "--append")
    assert code == 0 and summary["added"] == 1
    assert summary["renamed"] == [{"line_id": "L4", "written_as": "L4-2"}]
    assert "line id L4 is already used in lines.csv by another line; the new line was written as L4-2" in err
    assert [ln.line_id for ln in read_bank_lines(out)] == ["L2", "L3", "L4", "L5", "L4-2"]


def test_an_existing_file_with_a_bad_row_exits_2_and_is_left_untouched(tmp_path, march, capsys):
    text = march.read_text(encoding="utf-8").replace("2026-03-10", "10/03/2026")
    march.write_bytes(text.encode("utf-8"))
    before = march.read_bytes()
    april = ofx_file(tmp_path / "april.ofx", [("F102", "2026-04-02", "Card payment Office", "-60.00")],
                     closing="1673.50")
    code, out, err = run(capsys, april, "--out", march, "--append")
    assert code == 2 and out == ""
    assert f"{march}: line 3, field 'date': not an ISO date (yyyy-mm-dd): '10/03/2026'" in err
    assert march.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["april.ofx", "lines.csv", "march.csv"]


def test_an_existing_file_that_is_not_utf8_exits_2_naming_the_line(tmp_path, march, capsys):
    march.write_bytes(march.read_bytes().replace(b"Monthly fee", b"Monthly fee \xe9t\xe9"))
    before = march.read_bytes()
    code, _, err = run(capsys, tmp_path / "march.csv", "--currency", "USD", "--out", march, "--append")
    assert code == 2 and f"{march}: line 4: not UTF-8 text" in err
    assert march.read_bytes() == before


def test_a_bad_new_file_changes_nothing(tmp_path, march, capsys):
    before = march.read_bytes()
    bad = tmp_path / "bad.ofx"
    bad.write_text(ofx_file(tmp_path / "x.ofx", [("F1", "2026-04-02", "Fee", "-1.00")]).read_text()
                   .replace("<TRNAMT>-1.00", "<TRNAMT>one"))
    code, _, err = run(capsys, bad, "--out", march, "--append")
    assert code == 2 and "bad.ofx" in err
    assert march.read_bytes() == before


def test_another_currency_in_the_existing_file_exits_2_naming_both(tmp_path, march, capsys):
    before = march.read_bytes()
    euro = ofx_file(tmp_path / "euro.ofx", [("E1", "2026-04-02", "Miete", "-900.00")], currency="EUR",
                    closing="100.00")
    code, _, err = run(capsys, euro, "--out", march, "--append")
    assert code == 2
    assert f"{march}: line 2, field 'currency': USD (L2), but {euro} is in EUR" in err
    assert march.read_bytes() == before


def test_a_failed_write_leaves_the_file_as_it_was_and_no_temporary_file(tmp_path, march, capsys, monkeypatch):
    before = march.read_bytes()

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(canonical_append.os, "replace", refuse)
    april = ofx_file(tmp_path / "april.ofx", [("F102", "2026-04-02", "Card payment Office", "-60.00")])
    assert run(capsys, april, "--out", march, "--append")[0] == 1
    assert march.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["april.ofx", "lines.csv", "march.csv"]


def test_a_hand_edited_file_keeps_its_bytes_columns_and_line_endings(tmp_path, capsys):
    out = tmp_path / "lines.csv"
    # edited in a text editor: LF endings, no final newline, columns reordered, a column of the user's own
    held = ("date,line_id,description,amount,currency,reference,type,check_number,my note\n"
            "2026-03-02,A1,Deposit Contoso,250.00,USD,,deposit,,ok\n"
            "2026-03-10,A2,Card payment Coffee,-4.5,usd,,card,,")
    out.write_bytes(held.encode("utf-8"))
    april = ofx_file(tmp_path / "april.ofx", [("F1", "2026-03-10", "Card payment Coffee", "-4.50"),
                                              ("F2", "2026-04-02", "Card payment Office", "-60.00")])
    code, summary, _ = run_json(capsys, april, "--out", out, "--append")
    assert code == 0 and summary["added"] == 1 and summary["skipped"][0]["held_line_id"] == "A2"
    assert out.read_bytes() == (held + "\n2026-04-02,F2,Card payment Office,-60.00,USD,,other,,\n").encode("utf-8")


def test_without_append_the_file_is_overwritten_and_with_append_and_no_file_it_is_the_same(tmp_path, march, capsys):
    april = ofx_file(tmp_path / "april.ofx", [("F102", "2026-04-02", "Card payment Office", "-60.00")])
    assert run(capsys, april, "--out", march)[0] == 0
    assert [ln.line_id for ln in read_bank_lines(march)] == ["F102"]
    fresh = tmp_path / "fresh.csv"
    code, summary, err = run_json(capsys, april, "--out", fresh, "--append")
    assert code == 0 and fresh.read_bytes() == march.read_bytes()
    assert (summary["held"], summary["added"], summary["skipped"], summary["duplicate_statements"]) == (0, 1, [], [])
    assert "continuity" not in err
    code, again, _ = run_json(capsys, april, "--out", fresh, "--append")
    assert code == 0 and set(again) == set(summary) and (again["held"], again["added"]) == (1, 0)


def test_a_file_of_two_accounts_cannot_be_appended(tmp_path, march, capsys):
    one = ofx_file(tmp_path / "a.ofx", [("F1", "2026-04-02", "Fee", "-1.00")], account="111", closing="1.00")
    two = ofx_file(tmp_path / "b.ofx", [("G1", "2026-04-03", "Fee", "-2.00")], account="222", closing="2.00")
    text = one.read_text()
    stmt = two.read_text().split("<STMTTRNRS>")[1].split("</STMTTRNRS>")[0]
    both = tmp_path / "both.ofx"
    both.write_text(text.replace("</STMTTRNRS>", "</STMTTRNRS><STMTTRNRS>" + stmt + "</STMTTRNRS>"))
    before = march.read_bytes()
    code, _, err = run(capsys, both, "--out", march, "--append")
    assert code == 2 and "holds statements of 2 accounts (111 USD, 222 USD)" in err
    assert march.read_bytes() == before


# --- property: downloads cut on day boundaries, overlapping or not, append to exactly the union -----------------
TEXTS = ["Coffee", "Monthly fee", "Wire Fabrikam", "Deposit"]
DAYS = [dt.date(2026, 3, 1) + dt.timedelta(days=n) for n in range(12)]


@st.composite
def days_and_cuts(draw):
    rows = draw(st.lists(st.tuples(st.sampled_from(DAYS), st.sampled_from(TEXTS),
                                   st.sampled_from(["-4.50", "-12.00", "500.00"])), min_size=1, max_size=25))
    rows.sort(key=lambda r: r[0])
    a = draw(st.sampled_from(DAYS))  # the second download starts on day a ...
    b = draw(st.sampled_from([d for d in DAYS if d >= a - dt.timedelta(days=1)]))  # ... the first ends on b
    return rows, a, b


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days_and_cuts())
def test_two_downloads_append_to_the_whole_period_once(tmp_path_factory, data):
    rows, a, b = data
    folder = tmp_path_factory.mktemp("prop")
    first = [(d.isoformat(), t, x) for d, t, x in rows if d <= b]
    second = [(d.isoformat(), t, x) for d, t, x in rows if d >= a]
    if not first or not second:
        return
    out = folder / "lines.csv"
    assert main(["import", str(bank_csv(folder / "1.csv", first, None)), "--currency", "USD", "--out", str(out)]) == 0
    assert main(["import", str(bank_csv(folder / "2.csv", second, None)), "--currency", "USD", "--out", str(out),
                 "--append"]) == 0
    whole = [(d, t, x) for d, t, x in rows if d <= b or d >= a]
    lines = read_bank_lines(out)  # also: every line id is unique
    assert Counter((ln.date, ln.description, ln.amount) for ln in lines) == Counter(
        (d, t, Decimal(x)) for d, t, x in whole)

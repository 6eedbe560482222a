"""camt.052 (account report) and camt.054 (debit/credit notification) import: versions, booked and pending
entries, which balances open and close a report, none for a notification, detection, the CLI, and properties.

Fixtures: test_import_camt053's builder writes a camt.053 document; `as_message` renames its message element,
block and namespace, which is all that differs between the three messages' shared parts.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_camt053 import _balance, camt, entry, mutated, statement, write  # noqa: F401 (write: a fixture)
from tieout.server import cli
from tieout.server.errors import BankFileError
from tieout.server.importers import detect, import_file
from tieout.server.importers.base import ImportOptions

VERSIONS = range(1, 14)  # camt.052.001.01 to .001.13 and camt.054.001.01 to .001.13
MESSAGES = {"camt052": ("052", "BkToCstmrAcctRpt", "Rpt"), "camt054": ("054", "BkToCstmrDbtCdtNtfctn", "Ntfctn")}


def as_message(data: bytes, fmt: str) -> bytes:
    number, document, block = MESSAGES[fmt]
    return (data.replace(b"camt.053.", f"camt.{number}.".encode()).replace(b"BkToCstmrStmt", document.encode())
            .replace(b"<Stmt>", f"<{block}>".encode()).replace(b"</Stmt>", f"</{block}>".encode()))


def message(fmt: str, statements, version: int = 2, **kw) -> bytes:
    return as_message(camt(statements, version=version, **kw), fmt)


ENTRIES = [entry("250.00", "CRDT", ref="B1"), entry("40.00", "DBIT", booking="2026-01-07", ref="B2"),
           entry("75.00", "DBIT", status="PDNG", booking=None, value="2026-01-09", ref="P1"),
           entry("1.00", "CRDT", status="INFO", ref="I1")]


# -- camt.052 --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_every_camt052_version_imports_booked_and_pending_entries(write, version):
    path = write(message("camt052", [statement(ENTRIES, stmt_id="RPT-1", opening_code="PRCD")], version=version,
                         pretty=version % 2 == 1))
    assert detect(path).name == "camt052"
    result = import_file(path)
    assert result.format == "camt052"
    (st_,) = result.statements
    assert (st_.statement_id, st_.account, st_.currency) == ("RPT-1", "DE89370400440532013000", "EUR")
    assert [(ln.line_id, ln.amount, ln.pending) for ln in st_.lines] == [
        ("B1", Decimal("250.00"), False), ("B2", Decimal("-40.00"), False), ("P1", Decimal("-75.00"), True),
        ("I1", Decimal("1.00"), True)]
    assert st_.lines[2].date == dt.date(2026, 1, 9)  # a pending entry dated by its value date
    assert (st_.opening_balance, st_.closing_balance) == (Decimal("100.00"), Decimal("310.00"))
    assert (st_.first_date, st_.last_date) == (dt.date(2026, 1, 5), dt.date(2026, 1, 7))
    assert not result.findings


def test_an_intraday_report_closes_with_its_last_interim_booked_balance(write):
    interim = (_balance("ITBD", "150.00", "CRDT", "2026-01-05"), _balance("CLAV", "9999.00", "CRDT", "2026-01-07"),
               _balance("ITBD", "310.00", "CRDT", "2026-01-07"))
    s = statement(ENTRIES, closing="none", extra_balances=interim)
    (st_,) = import_file(write(message("camt052", [s], version=8))).statements
    assert (st_.opening_balance, st_.closing_balance) == (Decimal("100.00"), Decimal("310.00"))
    assert not st_.findings
    # a closing booked balance is preferred to any interim one; an available balance never closes
    with_clbd = statement(ENTRIES, closing=("310.00", "CRDT"), extra_balances=interim[:2])
    assert import_file(write(message("camt052", [with_clbd]))).statements[0].closing_balance == Decimal("310.00")
    available_only = statement(ENTRIES, closing="none", extra_balances=interim[1:2])
    (st_,) = import_file(write(message("camt052", [available_only]))).statements
    assert st_.closing_balance is None and st_.opening_balance == Decimal("100.00") and not st_.findings


@pytest.mark.parametrize("fmt", ["camt052", "camt053"])
def test_version_01_account_ids_and_balance_types_are_read(write, fmt):
    raw = camt([statement(ENTRIES[:2], iban="DE89370400440532013000")], version=1)
    raw = as_message(raw, fmt) if fmt != "camt053" else raw
    for code in (b"OPBD", b"CLBD"):  # .001.01 writes Tp/Cd, later versions Tp/CdOrPrtry/Cd
        raw = raw.replace(b"<Tp><CdOrPrtry><Cd>" + code + b"</Cd></CdOrPrtry></Tp>", b"<Tp><Cd>" + code + b"</Cd></Tp>")
    raw = raw.replace(b"<IBAN>DE89370400440532013000</IBAN>", b"<PrtryAcct><Id>0532013000</Id></PrtryAcct>")
    (st_,) = import_file(write(raw)).statements
    assert (st_.account, st_.opening_balance, st_.closing_balance) == ("0532013000", Decimal("100.00"),
                                                                     Decimal("310.00"))


def test_camt053_keeps_ignoring_interim_balances(write):
    s = statement(ENTRIES, closing="none", extra_balances=(_balance("ITBD", "310.00", "CRDT", "2026-01-07"),))
    assert import_file(write(camt([s]))).statements[0].closing_balance is None


def test_a_report_that_does_not_add_up_imports_with_a_finding_and_strict_refuses(write):
    path = write(message("camt052", [statement(ENTRIES[:2], stmt_id="R9", closing=("100.00", "CRDT"))]))
    (st_,) = import_file(path).statements
    (finding,) = st_.findings
    assert (finding.code, finding.statement) == ("balance_mismatch", "R9")
    assert dict(finding.figures)["difference"] == "-210.00"
    with pytest.raises(BankFileError, match=r"statement R9 .* does not balance"):
        import_file(path, options=ImportOptions(strict=True))


# -- camt.054 --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_every_camt054_version_imports_without_balances(write, version):
    n1 = statement(ENTRIES, stmt_id="N1", opening=None)
    n2 = statement([entry("9.99", "DBIT", ccy="SEK", ref="S1")], stmt_id="N2", iban=None, other_id="5000-1",
                   ccy=None, opening=None)
    path = write(message("camt054", [n1, n2], version=version))
    assert detect(path).name == "camt054"
    result = import_file(path)
    assert result.format == "camt054"
    assert [(s.statement_id, s.account, s.currency) for s in result.statements] == [
        ("N1", "DE89370400440532013000", "EUR"), ("N2", "5000-1", "SEK")]
    for st_ in result.statements:
        assert (st_.opening_balance, st_.closing_balance) == (None, None)
        assert (st_.opening_source, st_.closing_source) == ("", "")
    assert [len(s.transactions) for s in result.statements] == [2, 1]
    assert [len(s.pending_lines) for s in result.statements] == [2, 0]
    assert result.statements[1].lines[0].amount == Decimal("-9.99")
    assert not result.findings


def test_a_notification_takes_no_balance_even_if_one_is_written(write):
    s = statement(ENTRIES[:1], opening=("5.00", "CRDT"))  # not in the camt.054 schema: never read as one
    (st_,) = import_file(write(message("camt054", [s]))).statements
    assert (st_.opening_balance, st_.closing_balance) == (None, None)


def test_balances_entered_for_a_notification_are_marked_entered_and_checked(write):
    path = write(message("camt054", [statement(ENTRIES, opening=None)]))
    opts = ImportOptions(opening=Decimal("50.00"), closing=Decimal("260.00"))
    (st_,) = import_file(path, options=opts).statements
    assert (st_.opening_balance, st_.closing_balance) == (Decimal("50.00"), Decimal("260.00"))
    assert (st_.opening_source, st_.closing_source) == ("entered", "entered") and not st_.findings
    opts = ImportOptions(opening=Decimal("50.00"), closing=Decimal("261.00"))
    assert [f.code for f in import_file(path, options=opts).findings] == ["balance_mismatch"]


# -- detection and errors -------------------------------------------------------------------------------------------
def test_each_message_is_found_by_its_namespace_and_no_other(write):
    data = {fmt: message(fmt, [statement(ENTRIES[:1])], version=4) for fmt in MESSAGES}
    data["camt053"] = camt([statement(ENTRIES[:1])], version=4)
    for fmt, raw in data.items():
        path = write(raw, f"{fmt}.xml")
        assert detect(path).name == fmt
        for other in data:
            if other != fmt:
                with pytest.raises(BankFileError, match=rf"not a camt\.{other[-3:]} file"):
                    import_file(path, other)


def test_a_message_without_namespace_is_found_by_its_message_element(write):
    raw = message("camt052", [statement(ENTRIES[:2], stmt_id="R1")], version=2)
    raw = raw.replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"', b"")
    path = write(raw)
    assert detect(path).name == "camt052"
    (st_,) = import_file(path).statements
    assert (st_.statement_id, st_.total) == ("R1", Decimal("210.00"))


def test_errors_name_the_report_and_entry(write):
    raw = message("camt052", [statement([entry("1.00"), entry("2,00")], stmt_id="R1", closing=("3.00", "CRDT"))])
    with pytest.raises(BankFileError, match=r"record report #1 entry #2, field 'Ntry/Amt': not an amount"):
        import_file(write(raw))
    empty = message("camt054", [])
    with pytest.raises(BankFileError, match=r"field 'Ntfctn': no notification \(BkToCstmrDbtCdtNtfctn/Ntfctn\)"):
        import_file(write(empty))


def test_cli_json_reports_pending_and_findings(write, tmp_path, capsys):
    path = write(message("camt052", [statement(ENTRIES, closing=("300.00", "CRDT"))], version=10))
    out = tmp_path / "lines.csv"
    assert cli.main(["import", str(path), "--format", "camt052", "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["format"] == "camt052" and summary["layout"]["name"] == "camt052"
    (s,) = summary["statements"]
    assert (s["count"], s["total"], s["pending"], s["pending_total"]) == (2, "210.00", 2, "-74.00")
    assert [f["code"] for f in s["findings"]] == ["balance_mismatch"]
    assert len(out.read_text().splitlines()) == 5  # every line is written, pending ones too
    assert cli.main(["import", str(path), "--strict", "--out", str(out)]) == 2


# -- properties -----------------------------------------------------------------------------------------------------
ROWS = st.lists(st.tuples(st.integers(0, 10**11), st.sampled_from(["CRDT", "DBIT"]),
                          st.sampled_from(["BOOK", "BOOK", "PDNG", "INFO"]),
                          st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))), max_size=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(MESSAGES)), blocks=st.lists(ROWS, min_size=1, max_size=3),
       version=st.sampled_from(list(VERSIONS)), opening=st.integers(-10**9, 10**9))
def test_generated_messages_round_trip(write, fmt, blocks, version, opening):
    stmts = []
    for b_no, rows in enumerate(blocks):
        entries = [entry(f"{c // 100}.{c % 100:02d}", cdi, status, day.isoformat(), ref=f"B{b_no}E{i}")
                   for i, (c, cdi, status, day) in enumerate(rows)]
        stmts.append(statement(entries, stmt_id=f"B{b_no}", iban=None, other_id=f"ACC-{b_no}",
                               opening=None if fmt == "camt054" else (
            f"{abs(opening) // 100}.{abs(opening) % 100:02d}", "CRDT" if opening >= 0 else "DBIT")))
    result = import_file(write(message(fmt, stmts, version=version)))
    assert result.format == fmt and len(result.statements) == len(blocks)
    for st_, rows in zip(result.statements, blocks, strict=True):
        booked = [Decimal(c if cdi == "CRDT" else -c) / 100 for c, cdi, status, _ in rows if status == "BOOK"]
        assert [ln.pending for ln in st_.lines] == [status != "BOOK" for _, _, status, _ in rows]
        assert st_.total == sum(booked, Decimal(0))
        assert len(st_.zero_amount_lines) == booked.count(0)
        if fmt == "camt054":
            assert st_.opening_balance is None and st_.closing_balance is None
        else:
            assert st_.opening_balance + st_.total == st_.closing_balance
        assert not st_.findings


VALID = {fmt: message(fmt, [statement(ENTRIES, stmt_id="A", opening=None if fmt == "camt054" else ("1.00", "CRDT")),
                            statement([entry("2.00", booking="2026-01-09T10:00:00+02:00")], stmt_id="B",
                                      opening=None if fmt == "camt054" else ("1.00", "CRDT"))], version=8)
         for fmt in MESSAGES}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(MESSAGES)), data=st.data())
def test_mutated_messages_import_with_consistent_findings_or_raise_bank_file_error_only(write, fmt, data):
    raw = mutated(VALID[fmt], data, (b"<", b">", b"&", b"</Ntry>", b"<Ntry>", b"\xff", b"PDNG", b"<Amt>x</Amt>",
                                     b"DBIT", b"<Bal>", b"EUR", b"\x00"))
    try:
        result = import_file(write(raw), fmt)
    except BankFileError as exc:
        assert str(exc)
        return
    for st_ in result.statements:
        if fmt == "camt054":
            assert st_.opening_balance is None and st_.closing_balance is None
        mismatch = "balance_mismatch" in [f.code for f in st_.findings]
        complete = st_.opening_balance is not None and st_.closing_balance is not None
        assert mismatch == (complete and st_.opening_balance + st_.total != st_.closing_balance)

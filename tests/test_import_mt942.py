"""MT942 interim reports: the corpus files, detection before MT940 and CSV, the :90D:/:90C: totals checked
(a mismatch is a finding, --strict refuses), the entries counted as transactions, and property tests
(generated reports round-trip; mutated or random text fails only with BankFileError)."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tieout.server import cli
from tieout.server.errors import BankFileError
from tieout.server.importers import detect, import_file, mt940, mt942
from tieout.server.importers.base import ImportOptions

from swift_text import ENTRY, SIGN, import_or_bank_error, mutated, report, statement, text_of, write
from wild_corpus import differences, names


def strict_error_of(path: Path) -> str:
    with pytest.raises(BankFileError) as info:
        import_file(path, options=ImportOptions(strict=True))
    return str(info.value)


ENTRIES = [("D", Decimal("93.17"), [":86:Przelew 1"]), ("C", Decimal("10.00"), []), ("RC", Decimal("2.50"), [])]


# ---- the corpus ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", names("mt942"))
def test_wild_corpus_file(wild, name):
    assert differences(wild, name) == []
    result = import_file(wild / name)
    assert result.format == "mt942" and result.findings == ()  # their :90D:/:90C: agree with the entries
    assert all(s.opening_balance is None and s.closing_balance is None for s in result.statements)


def test_wild_corpus_has_the_mt942_files():
    assert len(names("mt942")) == 2


def test_wild_fints_file_on_one_line(wild, tmp_path, capsys):
    path = wild / "mt942" / "myflow_pending.sta"
    assert detect(path).name == "mt942"  # was taken for a CSV file
    out = tmp_path / "lines.csv"
    assert cli.main(["import", str(path), "--out", str(out), "--json"]) == 0
    (summary,) = json.loads(capsys.readouterr().out)["statements"]
    assert (summary["count"], summary["pending"], summary["total"], summary["currency"]) == (1, 0, "-0.02", "EUR")
    assert (summary["opening_balance"], summary["closing_balance"], summary["findings"]) == (None, None, [])
    (line,) = import_file(path).lines
    assert line.description == "Florian Joerg Breunig; Black TAN1:113040 IBAN: DE29200411111234567890 BIC: " \
                               "COBADEHD001; EURO-Überweisung"


# ---- reports the tests write --------------------------------------------------------------------------------


def test_entries_are_transactions_with_the_account_holders_sign(tmp_path):
    result = import_file(write(tmp_path, report("R", ENTRIES)))
    assert result.format == "mt942" and result.findings == ()
    (st_,) = result.statements
    assert [ln.amount for ln in st_.lines] == [Decimal("-93.17"), Decimal("10.00"), Decimal("-2.50")]
    assert (len(st_.transactions), len(st_.pending_lines)) == (3, 0)
    assert (st_.currency, st_.period_end.isoformat(), st_.statement_id) == ("PLN", "2026-01-15", "00001/001")
    assert any("interim report" in w for w in result.warnings)


def test_same_line_ids_as_the_days_mt940(tmp_path):
    interim = import_file(write(tmp_path, report("R", ENTRIES, account="ACC"), "r.sta"))
    final = import_file(write(tmp_path, text_of(statement("R", Decimal("0"), ENTRIES, account="ACC",
                                                          currency="PLN")), "s.sta"))
    assert final.format == "mt940"
    assert [ln.line_id for ln in interim.lines] == [ln.line_id for ln in final.lines]


def test_the_days_mt940_appended_after_the_interim_report_adds_only_the_new_lines(tmp_path, capsys):
    # without bank references (//...), so the lines are known by the ids made of account, date and sequence
    interim = re.sub(r"//BR\w+", "", report("R", ENTRIES[:2], account="ACC", currency="EUR"))
    final = re.sub(r"//BR\w+", "", text_of(statement("R", Decimal("0"), ENTRIES, account="ACC")))
    out = tmp_path / "lines.csv"
    assert cli.main(["import", str(write(tmp_path, interim, "r.sta")), "--out", str(out)]) == 0
    capsys.readouterr()
    assert cli.main(["import", str(write(tmp_path, final, "s.sta")), "--out", str(out), "--append", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["held"], summary["added"], len(summary["skipped"])) == (2, 1, 2)
    assert len(out.read_text().splitlines()) == 1 + 3


@pytest.mark.parametrize("totals,code,figures", [
    ({"D": (2, "95.67"), "C": (1, "10.01")}, "trailer_total",
     {"trailer": ":90C:", "stated_total": "10.01", "lines_total": "10.00", "difference": "-0.01"}),
    ({"D": (3, "95.67"), "C": (1, "10.00")}, "record_count",
     {"trailer": ":90D:", "stated_count": "3", "lines": "2", "difference": "-1"}),
])
def test_totals_that_do_not_add_up_are_findings(tmp_path, totals, code, figures):
    path = write(tmp_path, report("R", ENTRIES, totals=totals))
    result = import_file(path)
    assert len(result.lines) == 3  # imported all the same
    (finding,) = result.findings
    assert (finding.code, dict(finding.figures)) == (code, figures)
    assert code in strict_error_of(path)


def test_totals_without_count_and_in_another_currency(tmp_path):
    no_count = write(tmp_path, report("R", ENTRIES, count=False), "n.sta")
    assert import_file(no_count).findings == ()
    text = report("R", ENTRIES).replace(":90C:1PLN", ":90C:1EUR")
    (finding,) = import_file(write(tmp_path, text)).findings
    assert (finding.code, dict(finding.figures)["trailer_currency"]) == ("trailer_total", "EUR")


def test_currency_from_the_totals_or_the_user(tmp_path):
    text = report("R", ENTRIES).replace(":34F:PLN0,\n", "")
    assert import_file(write(tmp_path, text, "a.sta"), "mt942").statements[0].currency == "PLN"
    bare = "\n".join(ln for ln in text.splitlines() if not ln.startswith(":90")) + "\n"
    path = write(tmp_path, bare, "b.sta")
    with pytest.raises(BankFileError, match="states no currency"):
        import_file(path, "mt942")
    assert import_file(path, "mt942", ImportOptions(currency="PLN")).statements[0].currency == "PLN"


def test_interim_balances_when_the_bank_gives_them(tmp_path):
    text = report("R", ENTRIES).replace(":13D:", ":60M:C260115PLN100,00\n:13D:")
    text = text.replace(":90D:", ":62M:C260115PLN14,33\n:90D:")  # 100.00 - 93.17 + 10.00 - 2.50
    path = write(tmp_path, text)
    (st_,) = import_file(path).statements
    assert (st_.opening_balance, st_.closing_balance, st_.findings) == (Decimal("100.00"), Decimal("14.33"), ())
    (finding,) = import_file(write(tmp_path, text.replace("14,33", "15,33"), "bad.sta")).findings
    assert (finding.code, dict(finding.figures)["difference"]) == ("balance_mismatch", "1.00")


def test_unreadable_report_fields_are_warnings(tmp_path):
    text = report("R", ENTRIES).replace(":13D:2601150744+0200", ":13D:2613990744").replace(":90C:1PLN10,00",
                                                                                              ":90C:ten")
    result = import_file(write(tmp_path, text))
    assert result.statements[0].period_end is None
    assert [w.split(": ", 1)[1][:5] for w in result.warnings if w.startswith("line")] == [":13D:", ":90C:"]


def test_identification(tmp_path):
    mt942_path = write(tmp_path, report("R", ENTRIES, sep="\r\n"), "r.txt")
    mt940_path = write(tmp_path, text_of(statement("S", Decimal("1"), [])), "s.txt")
    assert detect(mt942_path).name == "mt942" and detect(mt940_path).name == "mt940"
    assert not mt942.IMPORTER.identify(mt940_path, mt940_path.read_bytes())
    assert mt942.IMPORTER.priority < min(mt940.IMPORTER.priority, 100)  # asked before MT940 and the CSV reader


def test_a_report_with_an_unreadable_line_is_refused(tmp_path):
    text = report("R", ENTRIES).replace("C10,00NTRF", "C10,0,0NTRF")
    with pytest.raises(BankFileError, match=r"line 8, field ':61: amount'"):
        import_file(write(tmp_path, text))
    with pytest.raises(BankFileError, match="no MT942 report found"):
        import_file(write(tmp_path, ":34F:PLN0,\n:61:260115C1,00NMSC\n", "x.sta"), "mt942")


# ---- properties ---------------------------------------------------------------------------------------------



@settings(max_examples=150, deadline=None)
@given(st.lists(ENTRY, max_size=6), st.sampled_from(["\n", "\r\n", "@@"]))
def test_generated_reports_round_trip(entries, sep):
    parsed = mt940.parse(report("R", entries, sep=sep), interim=True).statements
    (st_,) = mt940.to_statements(parsed)
    assert [ln.amount for ln in st_.lines] == [SIGN[m] * v for m, v, _ in entries]
    assert st_.findings == () and (st_.opening_balance, st_.closing_balance) == (None, None)
    debits = [v for m, v, _ in entries if SIGN[m] < 0]
    credits = [v for m, v, _ in entries if SIGN[m] > 0]
    assert [(t.side, t.count, t.amount) for t in parsed[0].totals] == [
        ("D", len(debits), sum(debits, Decimal(0))), ("C", len(credits), sum(credits, Decimal(0)))]


BASE = report("A", [("C", Decimal("1"), ["SUPP", ":86:/EREF/X/REMI/USTD//Y/"]),
                    ("RD", Decimal("2"), [":86:166?00GUT?20SVWZ+Z?32NAME"]), ("D", Decimal("3"), [":NS:15Name"])])


def test_the_mutation_base_imports():
    assert len(mt940.parse(BASE, interim=True).statements[0].entries) == 3


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_reports_fail_only_with_bank_file_error(data):
    inserts = [b":61:", b":20:", b":90D:", b":90C:x", b":34F:", b":13D:", b"@@", b":NS:", b"\n-}", b"\xff"]
    import_or_bank_error(mutated(data, BASE.encode(), inserts, b"0123456789CDR,:/\n-{}@\x01\x1a"), "mt942")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_input_fails_only_with_bank_file_error(data):
    import_or_bank_error(data, "mt942")
    import_or_bank_error(b":20:X\n:25:Y\n:34F:EUR0,\n:13D:2601010000\n" + data, "mt942")

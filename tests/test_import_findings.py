"""End to end through the installed `tieout import` command, on real files of ../shared/corpus-wild whose own
balances do not add up: they import (exit 0) with findings on stderr and in `statements[].findings`, with the
figures EXPECTED.json states; `--strict` refuses them (exit 2); `--opening/--closing` fill in balances a file does
not state and never overwrite one it does."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from wild_corpus import expected

TIEOUT = Path(sys.executable).parent / "tieout"

# Files whose balance_chain EXPECTED.json calls broken, in formats with statements EXPECTED.json details.
BALANCE_MISMATCH = ["camt053/unicredithu_STATEMENT_12345678_20171130.xml", "mt940/zil_deutsche_bank.txt",
                    "bai2/svb_daily_with_summary.bai2"]
CHAIN_BREAK = "mt940/jejik_sparkasse_interim_balance.txt"


def tieout_import(wild: Path, name: str, tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "lines.csv"
    run = subprocess.run([str(TIEOUT), "import", str(wild / name), "--json", "--out", str(out), *extra],
                         capture_output=True, text=True, timeout=120)
    return run, out


def statements_of(run: subprocess.CompletedProcess) -> list[dict]:
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)["statements"]


def per_statement(name: str) -> list[dict]:
    """EXPECTED.json's statements of a file: its per_statement list, or the whole file as one statement."""
    entry = expected()[name]
    if entry.get("per_statement"):
        return [{"opening": s["opening"], "closing": s["closing"], "sum": s["sum"]} for s in entry["per_statement"]]
    assert entry["statements"] == 1, name
    return [{"opening": entry["opening_balance"], "closing": entry["closing_balance"], "sum": entry["sum"]}]


@pytest.mark.parametrize("name", BALANCE_MISMATCH)
def test_a_statement_that_does_not_balance_imports_with_a_finding_and_its_figures(wild, tmp_path, name):
    assert expected()[name]["balance_chain"].startswith("broken")
    run, out = tieout_import(wild, name, tmp_path)
    sts = statements_of(run)
    want = per_statement(name)
    assert len(sts) == len(want)
    assert out.exists()
    mismatched = 0
    for st, exp in zip(sts, want, strict=True):
        opening, closing, total = Decimal(exp["opening"]), Decimal(exp["closing"]), Decimal(exp["sum"])
        found = [f for f in st["findings"] if f["code"] == "balance_mismatch"]
        if opening + total == closing:
            assert not found
            continue
        mismatched += 1
        (finding,) = found
        assert {k: Decimal(finding[k]) for k in ("opening_balance", "lines_total", "closing_balance",
                                                  "difference")} == {
            "opening_balance": opening, "lines_total": total, "closing_balance": closing,
            "difference": closing - opening - total}
        assert f"finding [balance_mismatch]: {finding['message']}" in run.stderr
    assert mismatched >= 1


def test_a_broken_chain_between_statements_is_a_finding_on_the_later_statement(wild, tmp_path):
    run, _ = tieout_import(wild, CHAIN_BREAK, tmp_path)
    sts = statements_of(run)
    want = per_statement(CHAIN_BREAK)
    breaks = [(i, f) for i, st in enumerate(sts) for f in st["findings"] if f["code"] == "chain_break"]
    expected_breaks = [i for i in range(1, len(want)) if want[i]["opening"] != want[i - 1]["closing"]]
    assert [i for i, _ in breaks] == expected_breaks == [2]
    (i, finding), = breaks
    assert Decimal(finding["previous_closing_balance"]) == Decimal(want[i - 1]["closing"])
    assert Decimal(finding["opening_balance"]) == Decimal(want[i]["opening"])
    assert Decimal(finding["difference"]) == Decimal(want[i]["opening"]) - Decimal(want[i - 1]["closing"])
    assert "finding [chain_break]" in run.stderr


@pytest.mark.parametrize("name", [*BALANCE_MISMATCH, CHAIN_BREAK, "bai2/svb_invalid_checksum_eod.bai2"])
def test_strict_refuses_what_has_findings_and_writes_nothing(wild, tmp_path, name):
    run, out = tieout_import(wild, name, tmp_path, "--strict")
    assert run.returncode == 2, run.stderr
    assert str(wild / name) in run.stderr
    assert any(code in run.stderr for code in ("balance_mismatch", "chain_break", "trailer_total"))
    assert not out.exists()


def test_balances_entered_for_a_file_that_states_none(wild, tmp_path):
    name = "bai2/svb_daily.bai2"  # no 010/015 balances; one credit of 250.01
    assert expected()[name]["opening_balance"] is None and expected()[name]["closing_balance"] is None
    run, _ = tieout_import(wild, name, tmp_path, "--opening", "1000.00", "--closing", "1250.01")
    (st,) = statements_of(run)
    assert (st["opening_balance"], st["opening_balance_source"], st["closing_balance"],
            st["closing_balance_source"], st["findings"]) == ("1000.00", "entered", "1250.01", "entered", [])
    # entered balances that do not add up with the file's lines are a finding like the file's own
    run, _ = tieout_import(wild, name, tmp_path, "--opening", "1000.00", "--closing", "1250.00")
    (st,) = statements_of(run)
    assert [(f["code"], f["difference"]) for f in st["findings"]] == [("balance_mismatch", "-0.01")]


def test_an_opening_entered_for_ofx_checks_against_its_ledger_balance(wild, tmp_path):
    name = "ofx/ofxgo_wellsfargo.qfx"  # LEDGERBAL 123.45, one transaction of -12.34, no opening
    run, _ = tieout_import(wild, name, tmp_path, "--opening", "135.79")
    (st,) = statements_of(run)
    assert (st["opening_balance"], st["opening_balance_source"], st["closing_balance"],
            st["closing_balance_source"], st["findings"]) == ("135.79", "entered", "123.45", "file", [])
    run, _ = tieout_import(wild, name, tmp_path, "--opening", "135.00")
    (st,) = statements_of(run)
    assert [(f["code"], f["difference"]) for f in st["findings"]] == [("balance_mismatch", "0.79")]


def test_an_entered_balance_never_overwrites_the_one_the_file_states(wild, tmp_path):
    name = "camt053/iso20022js_ing_example_camt.xml"
    stated = expected()[name]["opening_balance"]
    assert expected()[name]["balance_chain"] == "ok"
    run, _ = tieout_import(wild, name, tmp_path, "--opening", "999.00")
    (st,) = statements_of(run)
    assert (st["opening_balance"], st["opening_balance_source"]) == (stated, "file")
    (finding,) = st["findings"]
    assert finding["code"] == "entered_balance_differs"
    assert (finding["opening_entered"], finding["opening_stated"]) == ("999.00", stated)
    assert Decimal(finding["difference"]) == Decimal("999.00") - Decimal(stated)
    assert "finding [entered_balance_differs]" in run.stderr
    run, _ = tieout_import(wild, name, tmp_path, "--opening", "999.00", "--strict")
    assert run.returncode == 2 and "entered_balance_differs" in run.stderr
    run, _ = tieout_import(wild, name, tmp_path, "--opening", stated)
    assert statements_of(run)[0]["findings"] == []  # the same figure entered: nothing to tell

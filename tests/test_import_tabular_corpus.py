"""The real published CSV statements of the shared corpus import with exactly the figures EXPECTED.json
gives, through the library and through the installed `tieout import ... --json` command."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tieout.server.importers import import_file

CSV_FILES = ["csv/bank2ynab_2019-03-02_11-50-46_bunq-statement.csv",
             "csv/bank2ynab_TransactionHistory_20180418043121.csv"]


def _dec(value):
    return None if value is None else Decimal(value)


def test_corpus_lists_exactly_these_csv_files(corpus_expected):
    assert sorted(k for k, v in corpus_expected.items() if v["format"] == "csv") == sorted(CSV_FILES)


@pytest.mark.parametrize("name", CSV_FILES)
def test_corpus_csv_matches_expected(corpus, corpus_expected, name):
    exp = corpus_expected[name]
    result = import_file(corpus / name)
    assert result.format == exp["format"]
    assert len(result.statements) == 1
    st = result.statements[0]
    assert len(st.booked) == exp["transactions"]
    assert st.total == Decimal(exp["sum"])
    assert [st.currency] == exp["currency"]
    assert st.opening_balance == _dec(exp["opening_balance"])
    assert st.closing_balance == _dec(exp["closing_balance"])
    assert st.first_date.isoformat() == exp["first_date"]
    assert st.last_date.isoformat() == exp["last_date"]
    assert len({ln.line_id for ln in st.lines}) == len(st.lines)


def test_ocbc_continuation_rows_are_merged_not_counted(corpus):
    st = import_file(corpus / CSV_FILES[1]).statements[0]
    assert st.account == "666-666666-666"
    assert st.lines[0].description == "DEBIT PURCHASE 15/04/18 66-6666 UBER EATS AN2GO HELP.UBERh"
    assert [ln.type for ln in st.lines].count("fee") == 3  # the three CCY CONVERSION FEE lines


def test_bunq_refunds_and_decimal_comma_in_quotes(corpus):
    st = import_file(corpus / CSV_FILES[0]).statements[0]
    assert st.account == "NL26BUNQ2025126409"
    assert sorted(ln.amount for ln in st.lines if ln.amount > 0) == [Decimal("7.08"), Decimal("8.78")]
    assert st.lines[0].description.startswith("CLOUDFLARE 650-3198939, US 9.95 USD")


@pytest.mark.parametrize("name", CSV_FILES)
def test_cli_import_json_summary(corpus, corpus_expected, name, tmp_path):
    exp = corpus_expected[name]
    out = tmp_path / "lines.csv"
    tieout = Path(sys.executable).parent / "tieout"
    proc = subprocess.run([str(tieout), "import", str(corpus / name), "--out", str(out), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["format"] == "csv"
    (st,) = summary["statements"]
    assert st["count"] == exp["transactions"]
    assert Decimal(st["total"]) == Decimal(exp["sum"])
    assert st["currency"] == exp["currency"][0]
    assert _dec(st["opening_balance"]) == _dec(exp["opening_balance"])
    assert _dec(st["closing_balance"]) == _dec(exp["closing_balance"])
    assert (st["first_date"], st["last_date"]) == (exp["first_date"], exp["last_date"])
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == exp["transactions"]
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal(exp["sum"])

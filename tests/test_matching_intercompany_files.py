"""Intercompany matching of two canonical ledger files: rows checked with file and line named, document
values read from their own columns, and a matches file whose sides are left and right."""
from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from tieout.server.errors import InputError
from tieout.server.matching.intercompany_files import match_files

HEADER = ["line_id", "date", "amount", "currency", "reference", "description", "source", "counterparty"]


def _write(path, rows, document=False):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER + (["document_amount", "document_currency"] if document else []))
        w.writerows(rows)
    return path


def test_two_companies_lines_match_and_the_file_names_both_sides(tmp_path):
    left = _write(tmp_path / "alpha.csv", [
        ["A1", "2026-03-01", "1500.00", "USD", "IC-101", "services March", "IC", "Beta"],
        ["A2", "2026-03-03", "250.00", "USD", "IC-102", "recharge", "IC", "Beta"],
        ["A3", "2026-03-03", "250.00", "USD", "IC-102", "recharge", "IC", "Beta"],
        ["A4", "2026-03-09", "75.10", "USD", "IC-103", "travel", "IC", "Beta"]])
    right = _write(tmp_path / "beta.csv", [
        ["Z1", "2026-03-02", "-1500.00", "USD", "IC-101", "services", "IC", "Alpha"],
        ["Z2", "2026-03-04", "-500.00", "USD", "IC-102", "recharges", "IC", "Alpha"],
        ["Z3", "2026-03-10", "-75.01", "USD", "IC-103", "travel", "IC", "Alpha"]])
    out, sugg = tmp_path / "m.csv", tmp_path / "s.csv"
    result = match_files(left, right, ["reference"], out, suggestions=sugg)
    groups = {(g.bank_ids, g.ledger_ids) for g in result.matched}
    assert groups == {(("A1",), ("Z1",)), (("A2", "A3"), ("Z2",))}  # a transposed 75.10/75.01 is not matched
    assert result.unmatched_bank == ("A4",) and result.unmatched_ledger == ("Z3",)
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert list(rows[0]) == ["match_id", "side", "line_id", "rule", "confidence"]
    assert sorted((r["side"], r["line_id"]) for r in rows) == [("left", "A1"), ("left", "A2"), ("left", "A3"),
                                                               ("right", "Z1"), ("right", "Z2")]
    assert sugg.exists()


def test_a_small_difference_within_the_tolerance_matches(tmp_path):
    left = _write(tmp_path / "a.csv", [["A1", "2026-03-01", "100.00", "USD", "IC-9", "", "IC", "Beta"]])
    right = _write(tmp_path / "b.csv", [["Z1", "2026-03-01", "-99.98", "USD", "IC-9", "", "IC", "Alpha"]])
    assert match_files(left, right, ["reference"], tmp_path / "m.csv").matched == ()
    r = match_files(left, right, ["reference"], tmp_path / "m.csv", tolerance=Decimal("0.05"))
    assert [(g.bank_ids, g.ledger_ids, g.amount_difference) for g in r.matched] == [(("A1",), ("Z1",),
                                                                                      Decimal("0.02"))]


def test_document_values_come_from_their_columns_and_bad_ones_are_named(tmp_path):
    left = _write(tmp_path / "a.csv", [["A1", "2026-03-01", "1100.00", "USD", "IC-7", "", "IC", "Beta", "1000.00",
                                        "EUR"]], document=True)
    right = _write(tmp_path / "b.csv", [["Z1", "2026-03-02", "-860.00", "GBP", "IC-7", "", "IC", "Alpha", "-1000.00",
                                         "EUR"]], document=True)
    keys = ["reference", "document_amount", "document_currency"]
    r = match_files(left, right, keys, tmp_path / "m.csv")
    assert [(g.bank_ids, g.ledger_ids) for g in r.matched] == [(("A1",), ("Z1",))]
    bad = _write(tmp_path / "bad.csv", [["Z1", "2026-03-02", "-860.00", "GBP", "IC-7", "", "IC", "Alpha", "1.000,00",
                                         "euro"]], document=True)
    with pytest.raises(InputError) as err:
        match_files(left, bad, keys, tmp_path / "m2.csv")
    text = str(err.value)
    assert "bad.csv" in text and "line 2" in text and "document_amount" in text and "document_currency" in text
    assert not (tmp_path / "m2.csv").exists()
    plain = _write(tmp_path / "plain.csv", [["Z1", "2026-03-02", "-860.00", "GBP", "IC-7", "", "IC", "Alpha"]])
    with pytest.raises(InputError, match="needs column"):
        match_files(left, plain, keys, tmp_path / "m3.csv")


def test_bad_keys_and_bad_rows_are_refused_before_anything_is_written(tmp_path):
    left = _write(tmp_path / "a.csv", [["A1", "2026-13-01", "100.00", "USD", "IC-9", "", "IC", "Beta"]])
    right = _write(tmp_path / "b.csv", [["Z1", "2026-03-01", "-100.00", "USD", "IC-9", "", "IC", "Alpha"]])
    with pytest.raises(InputError, match="unknown key field 'colour'"):
        match_files(left, right, ["colour"], tmp_path / "m.csv")
    with pytest.raises(InputError) as err:
        match_files(left, right, ["reference"], tmp_path / "m.csv")
    assert "a.csv" in str(err.value) and "line 2" in str(err.value)
    assert not (tmp_path / "m.csv").exists()


def test_the_command_line_writes_the_matches_and_exits_2_on_bad_input(tmp_path, capsys):
    from tieout.server.cli import main

    left = _write(tmp_path / "a.csv", [["A1", "2026-03-01", "1500.00", "USD", "IC-1", "", "IC", "Beta"]])
    right = _write(tmp_path / "b.csv", [["Z1", "2026-03-02", "-1500.00", "USD", "IC-1", "", "IC", "Alpha"]])
    out = tmp_path / "m.csv"
    assert main(["intercompany", "--left", str(left), "--right", str(right), "--keys", "reference",
                 "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert [(r["side"], r["line_id"]) for r in csv.DictReader(open(out, encoding="utf-8"))] == [("left", "A1"),
                                                                                                 ("right", "Z1")]
    assert main(["intercompany", "--left", str(left), "--right", str(right), "--keys", "reference",
                 "--tolerance", "-1", "--out", str(tmp_path / "x.csv")]) == 2
    assert "--tolerance" in capsys.readouterr().err
    assert main(["intercompany", "--left", str(tmp_path / "missing.csv"), "--right", str(right), "--keys",
                 "reference", "--out", str(tmp_path / "y.csv")]) == 2
    assert "missing.csv: file not found" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "y.csv").exists()

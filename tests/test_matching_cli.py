"""`tieout match` end to end: canonical files in, matches + suggestions (+ proposals) out, figures printed."""
from __future__ import annotations

import csv
import random

import pytest
from match_data import generate

from tieout.server.canonical import write_bank_lines, write_ledger_lines
from tieout.server.cli import main
from tieout.server.matching import default_rules, rules_to_toml


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("match")
    data = generate(1200, seed=4)
    bank, ledger = data.records()
    write_bank_lines(d / "bank.csv", bank)
    write_ledger_lines(d / "ledger.csv", ledger)
    rng = random.Random(7)
    rng.shuffle(bank)
    rng.shuffle(ledger)
    write_bank_lines(d / "bank_shuffled.csv", bank)
    write_ledger_lines(d / "ledger_shuffled.csv", ledger)
    return d, data


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_match_writes_matches_suggestions_and_proposals(files, capsys):
    d, data = files
    code = main(["match", "--bank", str(d / "bank.csv"), "--ledger", str(d / "ledger.csv"), "--out",
                 str(d / "m.csv"), "--proposed", str(d / "p.csv")])
    assert code == 0
    out = capsys.readouterr().out
    rows = _rows(d / "m.csv")
    assert list(rows[0]) == ["match_id", "side", "line_id", "rule", "confidence"]
    bank_ids = {r["line_id"] for r in rows if r["side"] == "bank"}
    ledger_ids = {r["line_id"] for r in rows if r["side"] == "ledger"}
    assert bank_ids <= set(data.bank.line_id) and ledger_ids <= set(data.ledger.line_id)
    assert len(bank_ids) == sum(1 for r in rows if r["side"] == "bank")  # a line is in one group only
    groups = {r["match_id"] for r in rows}
    assert f"wrote {d / 'm.csv'} ({len(groups)} groups)" in out
    assert f"bank rows matched {len(bank_ids)} / {len(data.bank)}; ledger rows matched {len(ledger_ids)} / " \
           f"{len(data.ledger)}" in out
    assert "% of statement value matched" in out
    sugg = _rows(d / "m.suggestions.csv")
    assert sugg and list(sugg[0]) == ["match_id", "side", "line_id", "rule", "confidence", "reason"]
    assert all(r["match_id"].startswith("S") and r["reason"] for r in sugg)
    assert not {r["line_id"] for r in sugg if r["side"] == "bank"} & bank_ids  # a line in doubt is not matched
    props = _rows(d / "p.csv")
    assert {r["bank_line_id"] for r in props} == set(data.proposals)
    assert {r["gl_account"] for r in props} >= {"6100 Bank charges", "4900 Interest income"}


def test_match_output_does_not_depend_on_row_order(files):
    d, _ = files
    assert main(["match", "--bank", str(d / "bank.csv"), "--ledger", str(d / "ledger.csv"), "--out",
                 str(d / "a.csv")]) == 0
    assert main(["match", "--bank", str(d / "bank_shuffled.csv"), "--ledger", str(d / "ledger_shuffled.csv"),
                 "--out", str(d / "b.csv"), "--suggestions", str(d / "b.sugg.csv")]) == 0
    assert (d / "a.csv").read_bytes() == (d / "b.csv").read_bytes()
    assert (d / "a.suggestions.csv").read_bytes() == (d / "b.sugg.csv").read_bytes()


def test_match_with_a_rules_file(files):
    d, _ = files
    rules = tuple(r for r in default_rules() if r.name == "check_number_exact_amount")
    (d / "checks.toml").write_text(rules_to_toml(rules))
    assert main(["match", "--bank", str(d / "bank.csv"), "--ledger", str(d / "ledger.csv"), "--out",
                 str(d / "c.csv"), "--rules", str(d / "checks.toml")]) == 0
    rows = _rows(d / "c.csv")
    assert rows and {r["rule"] for r in rows} == {"check_number_exact_amount"}


def test_bad_rules_exit_2_naming_file_rule_and_field(files, capsys):
    d, _ = files
    bad = d / "bad.toml"
    bad.write_text('[[rule]]\nname = "wires"\npriority = 1\nshape = "one_to_one"\namount = "tolerance"\n'
                   'amount_tolerance = "2%"\n')
    code = main(["match", "--bank", str(d / "bank.csv"), "--ledger", str(d / "ledger.csv"), "--out",
                 str(d / "x.csv"), "--rules", str(bad)])
    assert code == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "record wires" in err and "field 'amount_tolerance'" in err and "2%" in err
    assert not (d / "x.csv").exists()


def test_bad_bank_file_exit_2(tmp_path, capsys):
    (tmp_path / "b.csv").write_text("line_id,date,amount,currency,reference,description,type,check_number\n"
                                    "B1,2024-13-01,10.00,USD,,,,\n")
    (tmp_path / "l.csv").write_text("line_id,date,amount,currency,reference,description,source,counterparty\n")
    code = main(["match", "--bank", str(tmp_path / "b.csv"), "--ledger", str(tmp_path / "l.csv"), "--out",
                 str(tmp_path / "m.csv")])
    assert code == 2
    assert "line 2" in capsys.readouterr().err

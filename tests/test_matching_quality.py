"""Quality on the seeded generator (precision first), the array entry point, and bad input."""
from __future__ import annotations

import pandas as pd
import pytest
from match_data import bank_line, evaluate, generate, ledger_line

from tieout.server.errors import InputError
from tieout.server.matching import auto_match, match_frames


@pytest.mark.parametrize("seed", [31, 32])
def test_precision_and_recall_on_generated_lines(seed):
    data = generate(3000, seed=seed)
    fm = match_frames(data.bank, data.ledger)
    q = evaluate(data, fm.member_rows(), [p.bank_line_id for p in fm.proposals()])
    assert q["pairs_true"] > 2900
    assert q["precision"] >= 0.999, q
    assert q["recall"] >= 0.97, q
    assert q["wrong_groups"] == 0, q
    assert q["proposals_right"] == q["proposals_expected"] and q["proposals_wrong"] == 0, q


def test_typos_and_decoys_of_the_generator_are_never_matched():
    data = generate(3000, seed=33)
    fm = match_frames(data.bank, data.ledger)
    matched = set(fm.member_rows().line_id)
    kinds = data.truth.set_index("line_id").kind
    bank_only = set(data.bank.line_id) - set(data.truth.line_id) - set(data.proposals)
    ledger_only = set(data.ledger.line_id) - set(data.truth.line_id)
    assert bank_only and ledger_only
    assert not matched & (bank_only | ledger_only)
    assert "typo" not in set(kinds)  # typos belong to no true group, so they are in the sets above


def test_records_and_frames_give_the_same_groups():
    data = generate(1500, seed=34)
    bank, ledger = data.records()
    by_records = auto_match(bank, ledger)
    fm = match_frames(data.bank, data.ledger)
    assert [(g.match_id, g.bank_ids, g.ledger_ids, g.rule, g.confidence) for g in by_records.matched] == \
           [(g.match_id, g.bank_ids, g.ledger_ids, g.rule, g.confidence) for g in fm.groups("matched")]
    b, g = data.with_decimal_amounts()
    assert match_frames(b, g).member_rows().equals(fm.member_rows())


def test_empty_and_one_sided_inputs():
    r = auto_match([], [])
    assert r.matched == r.suggested == r.proposed == () and r.statistics.bank.rows == 0
    r = auto_match([bank_line("F1", "2024-03-31", "-9.00", "fee", "SERVICE CHARGE")], [])
    assert [p.bank_line_id for p in r.proposed] == ["F1"]
    r = auto_match([], [ledger_line("L1", "2024-03-01", "5.00")])
    assert r.unmatched_ledger == ("L1",)


def test_three_decimal_currencies_stay_exact():
    bank = [bank_line("B1", "2024-03-01", "1.234", "deposit", "DEPOSIT", currency="BHD"),
            bank_line("B2", "2024-03-01", "2.500", "deposit", "DEPOSIT", currency="BHD")]
    ledger = [ledger_line("L1", "2024-03-01", "1.234", currency="BHD"),
              ledger_line("L2", "2024-03-01", "2.501", currency="BHD")]
    r = auto_match(bank, ledger)
    assert {(g.bank_ids, g.ledger_ids) for g in r.matched} == {(("B1",), ("L1",))}


def test_bad_frames_raise_input_errors_naming_row_and_field():
    data = generate(200, seed=2)
    bank = data.bank.copy()
    bank.loc[3, "line_id"] = bank.loc[2, "line_id"]
    bank["date"] = bank["date"].astype(object)
    bank.loc[5, "date"] = "31/02/2024"
    with pytest.raises(InputError) as err:
        match_frames(bank, data.ledger)
    where = {(p.line, p.field) for p in err.value.problems}
    assert (5, "line_id") in where and (7, "date") in where
    with pytest.raises(InputError, match="missing column"):
        match_frames(data.bank.drop(columns=["currency"]), data.ledger)
    ledger = data.ledger.drop(columns=["amount_minor"]).assign(amount="12.x")
    with pytest.raises(InputError) as err:
        match_frames(data.bank.drop(columns=["amount_minor"]).assign(amount="1.00"), ledger)
    assert err.value.problems[0].field == "amount" and err.value.problems[0].line == 2
    frame = pd.DataFrame(columns=["line_id", "date", "amount", "currency", "reference", "description", "type",
                                  "check_number"])
    assert match_frames(frame, data.ledger).statistics().bank.rows == 0

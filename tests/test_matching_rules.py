"""Rules as data: one schema for TOML files and the Rules sheet; round trips and errors naming row and field."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tieout.server.errors import InputError
from tieout.server.matching import (RULE_COLUMNS, Rule, RulesError, default_rule_rows, default_rules, load_rules,
                                    rules_from_frame, rules_from_rows, rules_from_toml, rules_to_rows, rules_to_toml)
from tieout.server.matching.rules import FIELDS, RuleSet
from tieout.server.records import BANK_TYPES


def test_schema_and_record_agree():
    assert tuple(f.name for f in dataclasses.fields(Rule)) == RULE_COLUMNS
    assert tuple(f.name for f in FIELDS) == RULE_COLUMNS


def test_default_library_covers_every_kind_and_runs_most_specific_first():
    rules = default_rules()
    by = {r.name: r for r in rules}
    assert [r.priority for r in rules] == sorted(r.priority for r in rules)
    assert by["check_number_exact_amount"].check_number and by["check_number_exact_amount"].amount == "exact"
    assert by["exact_amount_same_reference"].reference == "equal"
    ach = by["ach_wire_within_days"]
    assert ach.day_basis == "business" and set(ach.bank_types) >= {"ach", "wire"}
    fee = by["wire_fee_deducted"]
    assert fee.amount == "fee_deducted" and Decimal("15.00") in fee.fee_schedule and fee.fee_gl_account
    assert by["batch_deposit"].shape == "one_bank_to_many_ledger"
    assert by["split_payment"].shape == "many_bank_to_one_ledger"
    assert by["returned_deposit_and_original"].shape == "bank_pair"
    assert by["returned_deposit_to_receivable"].action == "propose"
    assert by["bank_fee_to_expense"].gl_account.startswith("6100")
    assert by["interest_to_income"].gl_account.startswith("4900")
    assert by["transposed_digits"].action == "suggest"
    # specific before generic: the check and reference rules run before the bare amount-and-date rule
    order = [r.name for r in rules]
    assert order.index("check_number_exact_amount") < order.index("exact_amount_date_window")
    assert order.index("exact_amount_same_reference") < order.index("exact_amount_date_window")
    assert order.index("exact_amount_date_window") < order.index("batch_deposit")
    assert order.index("batch_deposit") < order.index("bank_fee_to_expense")


def test_toml_round_trip_of_the_library():
    rules = default_rules()
    text = rules_to_toml(rules)
    assert rules_from_toml(text) == rules
    assert "0.05" in text and "amount_tolerance" in text  # money written as exact strings


def test_rows_round_trip_of_the_library():
    rules = default_rules()
    rows = rules_to_rows(rules)
    assert len(rows) == len(rules)
    assert all(tuple(r) == RULE_COLUMNS for r in rows)
    assert rules_from_rows(rows) == rules
    assert default_rule_rows() == rows


def test_rows_as_a_sheet_reads_them_back():
    """Through a DataFrame, as the add-in reads the Rules sheet: blank cells are NaN, numbers are floats."""
    frame = pd.DataFrame(rules_to_rows(default_rules()))
    frame = frame.replace("", float("nan"))
    frame["priority"] = frame["priority"].astype(float)
    assert rules_from_frame(frame) == default_rules()


def test_sheet_cells_typed_by_excel():
    rows = [{"name": "fees", "priority": 5.0, "enabled": True, "shape": "bank_only", "action": "propose",
             "bank_types": "fee; interest", "gl_account": 6100, "amount_max": 99.5, "confidence": 0.9,
             "holidays": dt.datetime(2024, 12, 25)}]
    (rule,) = rules_from_rows(rows)
    assert rule.priority == 5 and rule.bank_types == ("fee", "interest") and rule.gl_account == "6100"
    assert rule.amount_max == Decimal("99.5") and rule.confidence == Decimal("0.9")
    assert rule.holidays == (dt.date(2024, 12, 25),)


def test_rows_errors_name_row_and_column():
    rows = rules_to_rows(default_rules())[:3]
    rows[1] = dict(rows[1], amount="percent")
    rows[2] = dict(rows[2], amount_tolerance="-1", days_after="soon")
    with pytest.raises(RulesError) as err:
        rules_from_rows(rows, source="Rules sheet")
    probs = {(p.line, p.field) for p in err.value.problems}
    assert probs == {(3, "amount"), (4, "amount_tolerance"), (4, "days_after")}
    msg = err.value.message()
    assert "Rules sheet" in msg and "line 3" in msg and "field 'amount'" in msg and "percent" in msg
    assert "record exact_amount_same_reference" in msg


def test_rows_unknown_and_missing_columns():
    with pytest.raises(RulesError) as err:
        rules_from_rows([{"name": "a", "colour": "red"}])
    fields = {p.field for p in err.value.problems}
    assert fields == {"colour", "priority"}
    assert all(p.line == 1 for p in err.value.problems)


@pytest.mark.parametrize("changes,field,words", [
    ({"action": "propose", "shape": "bank_only"}, "gl_account", "GL account"),
    ({"amount": "fee_deducted", "fee_gl_account": "6100", "fee_max": "0"}, "fee_max", "fee_max above zero"),
    ({"amount": "fee_deducted", "fee_gl_account": "6100", "fee_schedule": "30.00"}, "fee_schedule", "above fee_max"),
    ({"amount": "tolerance"}, "amount_tolerance", "above zero"),
    ({"amount": "transposition"}, "action", "never auto-matched"),
    ({"bank_regex": "(unclosed"}, "bank_regex", "regular expression"),
    ({"ledger_regex": r"(INV)\d+\1"}, "ledger_regex", "backreferences"),
    ({"bank_regex": "(?<!X)FEE"}, "bank_regex", "lookaround"),
    ({"bank_regex": "F" * 2001}, "bank_regex", "at most 2,000"),
    ({"reference_threshold": 0}, "reference_threshold", "between 1 and 100"),
    ({"amount_min": "10", "amount_max": "5"}, "amount_max", "below amount_min"),
    ({"max_candidates": 99}, "max_candidates", "between 2 and 40"),
    ({"weekmask": "Funday"}, "weekmask", "week mask"),
    ({"confidence": "1.5"}, "confidence", "between 0 and 1"),
    ({"bank_types": "check; cheqe"}, "bank_types", "cheqe"),
    ({"name": "has space"}, "name", "not a rule name"),
])
def test_bad_rule_fields(changes, field, words):
    row = {"name": "r1", "priority": 1, **changes}
    with pytest.raises(RulesError) as err:
        rules_from_rows([row])
    assert [p.field for p in err.value.problems] == [field]
    assert words in err.value.problems[0].problem
    assert err.value.problems[0].line == 2


def test_duplicate_names_are_refused():
    with pytest.raises(RulesError) as err:
        rules_from_rows([{"name": "a", "priority": 1}, {"name": "a", "priority": 2}])
    assert err.value.problems[0].field == "name" and err.value.problems[0].line == 3


def test_toml_errors_name_file_rule_and_field(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nname = "wires"\npriority = 1\namount = "tolerance"\nfrobnicate = true\n')
    with pytest.raises(RulesError) as err:
        load_rules(path)
    msg = err.value.message()
    assert str(path) in msg and "record wires" in msg and "field 'frobnicate'" in msg
    assert "field 'amount_tolerance'" in msg
    path.write_text('[[rule]]\nname = "x"\npriority = = 1\n')
    with pytest.raises(RulesError) as err:
        load_rules(path)
    assert err.value.problems[0].line == 3
    path.write_text('title = "mine"\n')
    with pytest.raises(RulesError) as err:
        load_rules(path)
    assert err.value.problems[0].field == "title"
    with pytest.raises(InputError, match="not found"):
        load_rules(tmp_path / "missing.toml")


_money = st.decimals(min_value=0, max_value=10000, places=2, allow_nan=False, allow_infinity=False)
_words = st.lists(st.text("ABCDEFGH XYZ-", min_size=1, max_size=8).map(str.strip).filter(bool), max_size=3,
                  unique=True)


@st.composite
def _rules(draw):
    n = draw(st.integers(1, 4))
    out = []
    for i in range(n):
        shape = draw(st.sampled_from(["one_to_one", "one_bank_to_many_ledger", "many_bank_to_one_ledger"]))
        amount = draw(st.sampled_from(["exact", "tolerance", "fee_deducted"]))
        lo = draw(st.one_of(st.none(), _money))
        out.append(Rule(
            name=f"rule_{i}", priority=draw(st.integers(-5, 500)), enabled=draw(st.booleans()),
            description=draw(st.text("abc def,.", max_size=20)).strip(), shape=shape,
            bank_types=tuple(draw(st.lists(st.sampled_from(BANK_TYPES), max_size=3, unique=True))),
            direction=draw(st.sampled_from(["any", "in", "out"])), currencies=tuple(draw(_words)),
            amount_min=lo, amount_max=None if lo is None else lo + draw(_money),
            bank_text=tuple(draw(_words)), ledger_sources=tuple(draw(_words)),
            amount=amount,
            amount_tolerance=draw(_money.filter(lambda d: d > 0)) if amount == "tolerance" else Decimal(0),
            fee_schedule=(schedule := tuple(sorted(set(draw(st.lists(_money.filter(lambda d: d > 0), max_size=4))))))
            if amount == "fee_deducted" else (),
            fee_max=max(schedule, default=Decimal(1)) + draw(_money) if amount == "fee_deducted" else Decimal("25.00"),
            fee_gl_account="6100" if amount == "fee_deducted" else "",
            days_before=draw(st.integers(0, 30)), days_after=draw(st.integers(0, 30)),
            day_basis=draw(st.sampled_from(["calendar", "business"])),
            holidays=tuple(sorted(set(draw(st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), max_size=3))))),
            reference=draw(st.sampled_from(["ignore", "equal", "contains", "fuzzy"])),
            reference_threshold=draw(st.integers(1, 100)), check_number=draw(st.booleans()),
            max_group_size=draw(st.integers(2, 10)), max_candidates=draw(st.integers(2, 40)),
            confidence=draw(st.decimals(min_value=0, max_value=1, places=2)),
        ))
    return RuleSet(tuple(sorted(out, key=lambda r: (r.priority, r.name))))


@settings(max_examples=60, deadline=None)
@given(_rules())
def test_any_rule_set_round_trips_through_rows_and_toml(rules):
    assert rules_from_rows(rules_to_rows(rules)) == rules
    assert rules_from_toml(rules_to_toml(rules)) == rules

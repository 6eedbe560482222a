"""Batch deposits and split payments: the bounded subset-sum search, its bound, and its ambiguity guard."""
from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from match_data import bank_line, ledger_line

from tieout.server.matching import Rule, RuleSet, auto_match
from tieout.server.matching.subset import find_subsets


def batch_rule(**kw) -> RuleSet:
    base = dict(name="batch", priority=1, shape="one_bank_to_many_ledger", direction="in", days_after=5,
                days_before=1, max_group_size=5, max_candidates=16)
    base.update(kw)
    return RuleSet((Rule(**base),))


def test_batch_deposit_linked_by_counterparty():
    bank = [bank_line("B1", "2024-03-05", "1500.00", "ach", "ACH CREDIT GLOBEX LTD MULTIPLE INVOICES")]
    ledger = [ledger_line("L1", "2024-03-04", "500.00", "INV-1", "Globex Ltd"),
              ledger_line("L2", "2024-03-03", "1000.00", "INV-2", "Globex Ltd"),
              ledger_line("L3", "2024-03-04", "700.00", "INV-3", "Initech"),
              ledger_line("L4", "2024-03-04", "800.00", "INV-4", "Initech")]  # 700 + 800 = 1500 too, not linked
    r = auto_match(bank, ledger, batch_rule())
    (g,) = r.matched
    assert (g.bank_ids, g.ledger_ids) == (("B1",), ("L2", "L1"))
    assert g.amount_difference == 0 and g.day_difference == 2
    assert "sum of 2 ledger lines" in g.reason and "linked by counterparty or reference" in g.reason
    assert "search bound 16 candidates, 5 lines" in g.reason


def test_batch_deposit_linked_by_deposit_slip_number():
    bank = [bank_line("B1", "2024-03-05", "1234.50", "deposit", "DEPOSIT SLIP 231757")]
    ledger = [ledger_line("L1", "2024-03-05", "234.50", "DEP-231757", "Acme"),
              ledger_line("L2", "2024-03-04", "1000.00", "DEP-231757", "Bolt"),
              ledger_line("L3", "2024-03-04", "1000.00", "INV-7", "Cord")]
    r = auto_match(bank, ledger, batch_rule())
    assert {(g.bank_ids, g.ledger_ids) for g in r.matched} == {(("B1",), ("L2", "L1"))}


def test_batch_by_date_window_when_nothing_links():
    bank = [bank_line("B1", "2024-03-05", "600.00", "deposit", "DEPOSIT")]
    ledger = [ledger_line("L1", "2024-03-04", "100.00"), ledger_line("L2", "2024-03-04", "250.00"),
              ledger_line("L3", "2024-03-05", "350.00"), ledger_line("L4", "2024-03-01", "600.00")]  # L4 outside window
    r = auto_match(bank, ledger, batch_rule(days_after=3))
    (g,) = r.matched
    assert g.ledger_ids == ("L2", "L3") and "found by date window" in g.reason


def test_two_combinations_make_the_batch_ambiguous():
    bank = [bank_line("B1", "2024-03-05", "600.00", "deposit", "DEPOSIT")]
    ledger = [ledger_line("L1", "2024-03-04", "100.00"), ledger_line("L2", "2024-03-04", "500.00"),
              ledger_line("L3", "2024-03-05", "200.00"), ledger_line("L4", "2024-03-05", "400.00")]
    r = auto_match(bank, ledger, batch_rule())
    assert r.matched == ()
    combos = {g.ledger_ids for g in r.suggested}
    assert combos == {("L1", "L2"), ("L3", "L4")}
    assert all("2 or more combinations add up to 600.00" in g.reason for g in r.suggested)
    assert set(r.unmatched_bank) == {"B1"}


def test_a_line_claimed_by_two_deposits_settles_neither():
    bank = [bank_line("B1", "2024-03-05", "300.00", "deposit", "DEPOSIT"),
            bank_line("B2", "2024-03-05", "350.00", "deposit", "DEPOSIT")]
    ledger = [ledger_line("L1", "2024-03-04", "100.00"), ledger_line("L2", "2024-03-04", "200.00"),
              ledger_line("L3", "2024-03-04", "250.00")]
    r = auto_match(bank, ledger, batch_rule())
    assert r.matched == ()
    assert {g.bank_ids for g in r.suggested} == {("B1",), ("B2",)}


def _crowd(n):
    """A deposit of 100 + 200 among n - 2 small receipts that cannot add up to it."""
    ledger = [ledger_line("L1", "2024-03-04", "100.00"), ledger_line("L2", "2024-03-04", "200.00")]
    ledger += [ledger_line(f"X{i}", "2024-03-04", f"{1 + i}.07") for i in range(n - 2)]
    return [bank_line("B1", "2024-03-05", "300.00", "deposit", "DEPOSIT")], ledger


def test_search_bound_leaves_a_crowded_deposit_open_and_counts_it():
    bank, ledger = _crowd(6)
    r = auto_match(bank, ledger, batch_rule(max_candidates=4))
    assert r.matched == () and r.suggested == ()
    (fig,) = r.statistics.by_rule
    assert fig.bound_exceeded == 1
    assert any("1 lines not searched (more candidates than the search bound)" in s for s in r.statistics.lines())
    r = auto_match(bank, ledger, batch_rule(max_candidates=6))
    assert {g.ledger_ids for g in r.matched} == {("L1", "L2")}
    assert "the only combination among 6 candidates" in r.matched[0].reason


def test_group_size_bound():
    bank = [bank_line("B1", "2024-03-05", "600.00", "deposit", "DEPOSIT")]
    ledger = [ledger_line(f"L{i}", "2024-03-04", "100.00") for i in range(6)]
    assert auto_match(bank, ledger, batch_rule(max_group_size=5)).matched == ()
    (g,) = auto_match(bank, ledger, batch_rule(max_group_size=6)).matched
    assert len(g.ledger_ids) == 6


def test_split_payment_several_bank_lines_one_ledger_line():
    rules = RuleSet((Rule(name="split", priority=1, shape="many_bank_to_one_ledger", days_after=10, days_before=3),))
    bank = [bank_line("B1", "2024-03-05", "6000.00", "ach", "ACH CREDIT ACME INV-900 PART"),
            bank_line("B2", "2024-03-08", "4000.00", "ach", "ACH CREDIT ACME INV-900 PART"),
            bank_line("B3", "2024-03-08", "4000.00", "ach", "ACH CREDIT OTHER")]
    ledger = [ledger_line("L1", "2024-03-04", "10000.00", "INV-900", "Acme")]
    r = auto_match(bank, ledger, rules)
    (g,) = r.matched
    assert (g.bank_ids, g.ledger_ids) == (("B1", "B2"), ("L1",))
    assert g.day_difference == 4 and "sum of 2 bank lines" in g.reason


def test_batch_with_the_bank_fee_deducted():
    rules = batch_rule(amount="fee_deducted", fee_schedule=(Decimal("10.00"),), fee_gl_account="6100 Bank charges")
    bank = [bank_line("B1", "2024-03-05", "490.00", "deposit", "CARD SETTLEMENT")]
    ledger = [ledger_line("L1", "2024-03-04", "300.00"), ledger_line("L2", "2024-03-04", "200.00")]
    (g,) = auto_match(bank, ledger, rules).matched
    assert g.amount_difference == Decimal("-10.00")
    (p,) = g.proposed
    assert p.amount == Decimal("-10.00") and p.gl_account == "6100 Bank charges" and p.bank_line_id == "B1"


def test_find_subsets_basics():
    sols, exhausted = find_subsets([5, 3, 2, 7], [(10, 10)], max_size=3)
    assert not exhausted
    assert sorted(sols) == [(0, 1, 2), (1, 3)]
    sols, _ = find_subsets([5, 3, 2, 7], [(10, 10)], max_size=2)
    assert sols == [(1, 3)]
    sols, _ = find_subsets([1] * 10, [(5, 5)], max_size=5, limit=2)
    assert len(sols) == 2  # stops once two are found: enough to call it ambiguous
    sols, exhausted = find_subsets(list(range(2, 82, 2)), [(101, 101)], max_size=10, budget=1000)
    assert exhausted and sols == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=0, max_size=9), st.integers(1, 150), st.integers(0, 3),
       st.integers(2, 4))
def test_find_subsets_finds_exactly_the_brute_force_solutions(values, target, tol, max_size):
    sols, exhausted = find_subsets(values, [(target - tol, target + tol)], max_size=max_size, limit=10**6)
    assert not exhausted
    brute = {c for k in range(2, max_size + 1) for c in itertools.combinations(range(len(values)), k)
             if target - tol <= sum(values[i] for i in c) <= target + tol}
    assert set(sols) == brute and len(sols) == len(brute)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60), st.integers(1, 3)), min_size=1, max_size=11),
       st.lists(st.integers(1, 200), min_size=1, max_size=6), st.integers(2, 5))
def test_day_subsets_meet_in_the_middle_finds_exactly_the_brute_force_subsets(items, targets, max_size):
    """Items of one booking day (an amount per line, 1..3 lines each: a slip's receipts are one item); every
    subset of up to max_size lines adding up to each target, or the flag that more exist than listed."""
    import numpy as np

    from tieout.server.matching.day_subsets import DaySubsets

    amounts, parts = [], []
    for value, lines in items:
        parts.append(tuple(range(len(amounts), len(amounts) + lines)))
        amounts += [value] + [0] * (lines - 1)  # the item's total is its first line's amount
    table = DaySubsets(parts, np.array(amounts, dtype=np.int64), max_size, len(targets))
    found, saturated = table.solutions(np.array(targets, dtype=np.int64), limit=10**6)
    for t, subs, full in zip(targets, found, saturated):
        brute = {c for k in range(1, len(parts) + 1) for c in itertools.combinations(range(len(parts)), k)
                 if sum(items[i][0] for i in c) == t and sum(items[i][1] for i in c) <= max_size}
        assert set(subs) == brute and len(subs) == len(brute) and not full
    few, saturated = table.solutions(np.array(targets, dtype=np.int64), limit=1)
    assert all(len(s) <= 1 for s in few)
    assert [bool(f) for f in saturated] == [len(s) > 1 for s in found]


def test_packing_prefers_the_choice_that_explains_every_receipt():
    """Receipts r0 = 40, r1 = 20, r2 = 60, r3 = 40; deposit A = 100 fits {r2, r3} or {r0, r2}, deposit
    B = 60 fits {r1, r3} or {r0, r1}. Two packings cover every receipt: nothing is decided. Without B's second
    subset only one does, and both of its subsets are accepted."""
    from tieout.server.matching.packing import best_packings

    cands = [(0, (2, 3)), (0, (0, 2)), (1, (1, 3)), (1, (0, 1))]
    p = best_packings(cands, [1, 1, 1, 1])
    assert p.worth == 4 and set(p.optima) == {(0, 3), (1, 2)} and p.common() == ()  # two full covers: no decision
    p = best_packings(cands[:3], [1, 1, 1, 1])  # without B's second subset: one full cover only
    assert p.optima == ((1, 2),) and p.common() == (1, 2)
    assert best_packings(cands, [1, 1, 1, 1], budget=3).exhausted


def test_packing_counts_deposits_so_a_subset_sweeping_up_stray_receipts_does_not_win():
    """Receipts r0, r1 of deposits A and B; a wrong subset of deposit C holds r0, r1 and two stray receipts
    (ledger-only lines) r2, r3. By receipts covered C's subset wins (4 > 2); by deposits settled A and B win."""
    from tieout.server.matching.packing import best_packings

    cands = [(2, (0, 1, 2, 3)), (0, (0,)), (1, (1,))]
    assert best_packings(cands, [1, 1, 1, 1]).common() == (0,)
    assert best_packings(cands, [1, 1, 1, 1], worths=[1, 1, 1]).common() == (1, 2)

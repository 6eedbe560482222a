"""Same input, same bytes, whatever the row order; manual decisions are never changed; re-running changes nothing."""
from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from match_data import bank_line, generate, ledger_line

from tieout.server.canonical import write_matches
from tieout.server.matching import Rule, RuleSet, auto_match, match_frames
from tieout.server.matching.report import write_proposals, write_suggestions
from tieout.server.records import MatchGroup


def _written(tmp_path, result, tag) -> bytes:
    m, s, p = tmp_path / f"{tag}.csv", tmp_path / f"{tag}.s.csv", tmp_path / f"{tag}.p.csv"
    write_matches(m, result.matched)
    write_suggestions(s, result.suggested)
    write_proposals(p, result.proposed)
    return m.read_bytes() + b"|" + s.read_bytes() + b"|" + p.read_bytes()


def test_shuffled_input_gives_byte_identical_matches(tmp_path):
    bank, ledger = generate(1500, seed=5).records()
    first = _written(tmp_path, auto_match(bank, ledger), "a")
    assert first.count(b"\n") > 1500
    rng = random.Random(20240301)
    for k in range(3):
        b, g = bank[:], ledger[:]
        rng.shuffle(b)
        rng.shuffle(g)
        assert _written(tmp_path, auto_match(b, g), f"s{k}") == first


def test_shuffled_frames_give_identical_rows():
    data = generate(3000, seed=8)
    base = match_frames(data.bank, data.ledger).member_rows()
    shuffled = match_frames(data.bank.sample(frac=1, random_state=3), data.ledger.sample(frac=1, random_state=4))
    assert shuffled.member_rows().equals(base)


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_ambiguous_clusters_are_order_independent(rnd):
    bank = [bank_line(f"B{i}", f"2024-03-0{1 + i % 3}", "-500.00", "other", "PAYMENT") for i in range(6)]
    bank += [bank_line("B9", "2024-03-02", "120.00", "other", "TRANSFER INV-9")]
    ledger = [ledger_line(f"L{i}", f"2024-03-0{1 + i % 4}", "-500.00", "", f"Payee {i}") for i in range(5)]
    ledger += [ledger_line("L9", "2024-03-01", "120.00", "INV-9")]
    want = auto_match(bank, ledger)
    rnd.shuffle(bank)
    rnd.shuffle(ledger)
    got = auto_match(bank, ledger)
    assert got.matched == want.matched and got.suggested == want.suggested
    assert got.unmatched_bank == want.unmatched_bank and got.unmatched_ledger == want.unmatched_ledger


def test_manual_matches_and_exclusions_are_never_changed():
    bank = [bank_line("B1", "2024-03-05", "250.00", "ach", "ACH CREDIT", reference="INV-77"),
            bank_line("B2", "2024-03-05", "80.00", "deposit", "DEPOSIT"),
            bank_line("B3", "2024-03-06", "45.00", "deposit", "DEPOSIT")]
    ledger = [ledger_line("L1", "2024-03-04", "250.00", "INV-77"), ledger_line("L2", "2024-03-04", "80.00"),
              ledger_line("L3", "2024-03-06", "45.00"), ledger_line("L4", "2024-03-10", "7.00")]
    auto = auto_match(bank, ledger)
    assert {(g.bank_ids, g.ledger_ids) for g in auto.matched} == {(("B1",), ("L1",)), (("B2",), ("L2",)),
                                                                  (("B3",), ("L3",))}
    # the user paired B1 with L4 by hand (a judgement auto-match would not make), and unmatched B2 by hand
    manual = MatchGroup("M000001", ("B1",), ("L4",), "manual", auto.matched[0].confidence,
                        reason="paired by hand", status="matched")
    r = auto_match(bank, ledger, manual=[manual], excluded_bank=["B2"])
    assert r.matched[0] is manual
    assert {(g.bank_ids, g.ledger_ids) for g in r.matched} == {(("B1",), ("L4",)), (("B3",), ("L3",))}
    assert "M000001" not in {g.match_id for g in r.matched[1:]}  # no id clash with the manual group
    assert set(r.unmatched_bank) == {"B2"} and set(r.unmatched_ledger) == {"L1", "L2"}
    assert r.statistics.by_rule[0].rule == "manual" and r.statistics.by_rule[0].bank_rows == 1


def test_rerunning_is_idempotent():
    bank, ledger = generate(2000, seed=9).records()
    first = auto_match(bank, ledger)
    assert auto_match(bank, ledger) == first
    # feeding every match back as a manual decision changes nothing and adds nothing
    again = auto_match(bank, ledger, manual=first.matched)
    assert again.matched == first.matched
    assert again.suggested == first.suggested
    assert again.unmatched_bank == first.unmatched_bank and again.unmatched_ledger == first.unmatched_ledger
    assert again.proposed == first.proposed


def test_a_pair_the_user_rejected_is_never_proposed_again():
    bank = [bank_line("B1", "2024-03-05", "80.00", "deposit", "DEPOSIT")]
    ledger = [ledger_line("L1", "2024-03-04", "80.00"), ledger_line("L2", "2024-03-20", "80.00")]
    assert [g.ledger_ids for g in auto_match(bank, ledger).matched] == [("L1",)]
    r = auto_match(bank, ledger, forbidden_pairs=[("B1", "L1")])
    assert r.matched == () and set(r.unmatched_ledger) == {"L1", "L2"}  # L2 is outside the date window
    wide = RuleSet((Rule(name="wide", priority=1, days_before=30, days_after=30),))
    assert [g.ledger_ids for g in auto_match(bank, ledger, wide).matched] == []  # two equal candidates
    r = auto_match(bank, ledger, wide, forbidden_pairs=[("B1", "L1")])
    assert [g.ledger_ids for g in r.matched] == [("L2",)]  # the other candidate is now the only one
    # batches respect it too
    batch = RuleSet((Rule(name="b", priority=1, shape="one_bank_to_many_ledger", days_after=3),))
    bank = [bank_line("D1", "2024-03-05", "300.00", "deposit", "DEPOSIT")]
    parts = [ledger_line("P1", "2024-03-04", "100.00"), ledger_line("P2", "2024-03-04", "200.00")]
    assert len(auto_match(bank, parts, batch).matched) == 1
    assert auto_match(bank, parts, batch, forbidden_pairs=[("D1", "P2")]).matched == ()


_day = st.integers(0, 20).map(lambda d: f"2024-03-{1 + d:02d}")
_amount = st.sampled_from(["10.00", "25.00", "40.00", "-25.00", "65.00", "100.00", "-7.50", "35.00"])
_btype = st.sampled_from(["deposit", "check", "ach", "other", "fee", "return"])
_name = st.sampled_from(["Acme", "Bolt", "Cord", ""])


@st.composite
def _books(draw):
    nb, nl = draw(st.integers(0, 14)), draw(st.integers(0, 14))
    bank = [bank_line(f"B{i}", draw(_day), draw(_amount), draw(_btype), draw(st.sampled_from(
        ["DEPOSIT", "ACH CREDIT ACME", "ACH DEBIT BOLT", "PAYMENT", "RETURNED ITEM"]))) for i in range(nb)]
    ledger = [ledger_line(f"L{i}", draw(_day), draw(_amount), draw(st.sampled_from(["", "INV-1", "INV-2"])),
                          draw(_name)) for i in range(nl)]
    return bank, ledger


@settings(max_examples=60, deadline=None)
@given(_books(), st.randoms(use_true_random=False))
def test_invariants_on_random_books(books, rnd):
    bank, ledger = books
    r = auto_match(bank, ledger)
    amount = {b.line_id: b.amount for b in bank} | {g.line_id: g.amount for g in ledger}
    placed_b = [i for g in r.matched for i in g.bank_ids]
    placed_l = [i for g in r.matched for i in g.ledger_ids]
    assert len(placed_b) == len(set(placed_b)) and len(placed_l) == len(set(placed_l))  # one group per line
    assert set(placed_b) | set(r.unmatched_bank) == {b.line_id for b in bank}
    assert not set(placed_b) & set(r.unmatched_bank)
    assert set(placed_l) | set(r.unmatched_ledger) == {g.line_id for g in ledger}
    held = {i for g in r.suggested for i in g.bank_ids}
    assert not held & set(placed_b)  # a line in doubt is never matched
    for g in r.matched:
        diff = sum(amount[i] for i in g.bank_ids) - sum(amount[i] for i in g.ledger_ids)
        assert g.amount_difference == diff
        if g.ledger_ids:
            assert diff == 0 or g.proposed  # exact rules only: any difference is a proposed fee
    rnd.shuffle(bank)
    rnd.shuffle(ledger)
    again = auto_match(bank, ledger)
    assert again.matched == r.matched and again.suggested == r.suggested

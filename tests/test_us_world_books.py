"""The blind US-books generator keeps its promises: seeded, every true group adds up (or is short by a fee where
the category says so), the dials move what they name, and the bank texts look like US exports."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
from us_world_books import USDials, generate_usworld, hard_dials

N = 800


def test_the_same_seed_gives_the_same_books():
    a, b = generate_usworld(N, seed=3), generate_usworld(N, seed=3)
    pd.testing.assert_frame_equal(a.bank, b.bank)
    pd.testing.assert_frame_equal(a.ledger, b.ledger)
    assert not generate_usworld(N, seed=4).bank.equals(a.bank)


def test_true_groups_add_up_or_are_short_by_fees_only():
    d = generate_usworld(N, seed=5)
    amount = pd.concat([d.bank.set_index("line_id").amount_minor, -d.ledger.set_index("line_id").amount_minor])
    t = d.truth.assign(amount=d.truth.line_id.map(amount))
    diff = t.groupby(["group", "kind"]).amount.sum().reset_index()
    off = diff[diff.amount != 0]
    assert set(off.kind) <= {"wire_net", "merchant_net"}
    assert (off.amount < 0).all()  # the bank received less than the ledger booked
    assert len(diff) > 0.5 * N


def test_dials_move_what_they_name():
    base = generate_usworld(N, seed=6)
    hard = generate_usworld(N, seed=6, dials=hard_dials())
    batch_kinds = {"lockbox", "deposit_batch"}
    share = [(d.truth.kind.isin(batch_kinds) & (d.truth.side == "ledger")).sum() / len(d.ledger)
             for d in (base, hard)]
    assert share[1] > share[0]
    other = [(d.bank.type == "other").mean() for d in (base, hard)]
    assert other[1] > other[0] + 0.15
    ofx = generate_usworld(N, seed=6, dials=replace(USDials(), text_style=(0, 1, 0)))
    assert not ofx.bank.description.str.contains("ORIG CO NAME:").any()  # OFX NAME, not BAI2 addenda
    bai2 = generate_usworld(N, seed=6, dials=replace(USDials(), text_style=(1, 0, 0)))
    kinds = bai2.bank.line_id.map(bai2.line_kinds)
    assert bai2.bank.description[kinds == "ach_in"].str.startswith("ORIG CO NAME:").all()


def test_dense_books_put_the_same_lines_in_five_weeks():
    d = generate_usworld(N, seed=7, dials=replace(USDials(), span_days=35))
    assert (d.bank.date.max() - d.bank.date.min()).days < 35
    assert len(d.bank) > 0.8 * N


def test_a_processor_pays_each_sales_day_once():
    """Two payouts of one processor never cover the same sales day, so a payout's sales days are its own."""
    d = generate_usworld(4000, seed=8)
    sales = d.ledger[d.ledger.source == "Sales Receipt"]
    group = sales.line_id.map(dict(zip(d.truth.line_id, d.truth.group)))
    paid = sales.assign(group=group).dropna(subset=["group"]).groupby(["counterparty", "date"]).group.nunique()
    assert len(paid) > 50
    assert paid.max() == 1

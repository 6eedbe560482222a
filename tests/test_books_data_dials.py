"""The books-shaped generator (tests/books_data.py) makes the difficulties issue 12 lists, each on its dial."""
from __future__ import annotations

from dataclasses import replace

from books_data import Dials, generate_books


def _kinds(data):
    return data.truth.groupby("kind").group.nunique().to_dict(), set((data.line_kinds or {}).values())


def test_conflicting_check_serials_are_checks_of_the_same_amount_with_another_serial():
    data = generate_books(3000, seed=3)
    kinds = data.line_kinds
    bank = data.bank[data.bank.line_id.map(kinds) == "check_conflict"]
    ledger = data.ledger[data.ledger.line_id.map(kinds) == "check_conflict"]
    assert len(bank) == len(ledger) == round(3000 * Dials().check_conflict)
    assert sorted(bank.amount_minor) == sorted(ledger.amount_minor)
    for b, g in zip(bank.sort_values("amount_minor").itertuples(), ledger.sort_values("amount_minor").itertuples()):
        assert b.description.startswith("CHECK ") and g.reference.startswith("CHK ")
        assert b.description.split()[1] != g.reference.split()[1]  # the serials differ
        assert b.check_number == ""


def test_single_deposits_are_as_large_as_a_receipt_of_a_batch_booked_nearby():
    data = generate_books(3000, seed=3)
    t = data.truth
    single = t[t.kind == "single_deposit"]
    assert single.group.nunique() == round(3000 * Dials().single_deposit)
    batch_ids = set(t[(t.kind == "batch") & (t.side == "ledger")].line_id)
    receipts = data.ledger[data.ledger.line_id.isin(batch_ids)]
    deposits = data.bank[data.bank.line_id.isin(single[single.side == "bank"].line_id)]
    for d in deposits.itertuples():
        twins = receipts[(receipts.amount_minor == d.amount_minor)
                         & ((receipts.date - d.date).dt.days.abs() <= Dials().batch_offset)]
        assert len(twins) >= 1


def test_the_new_dials_turn_off():
    data = generate_books(2000, seed=3, dials=replace(Dials(), check_conflict=0, single_deposit=0))
    groups, line_kinds = _kinds(data)
    assert "single_deposit" not in groups and "check_conflict" not in line_kinds
    assert len(data.bank) == len(data.ledger) == 2000


def test_cluster_credits_posted_before_the_ledger_are_on_their_dial():
    """cluster_bank_early: some cluster credits dated before their receipt's booking; off, none is."""
    def early(dials):
        data = generate_books(3000, seed=3, dials=dials)
        t = data.truth[data.truth.kind == "cluster"]
        day = dict(zip(data.bank.line_id, data.bank.date)) | dict(zip(data.ledger.line_id, data.ledger.date))
        b = t[t.side == "bank"].set_index("group").line_id.map(day)
        g = t[t.side == "ledger"].set_index("group").line_id.map(day)
        return int(((b - g.reindex(b.index)).dt.days < 0).sum()), len(b)
    assert early(Dials())[0] == 0
    n, total = early(replace(Dials(), cluster_bank_early=0.5))
    assert 0.25 * total < n < 0.75 * total

"""Statistics: rows matched X / Y, share of statement value matched, value left unmatched, overall and by rule."""
from __future__ import annotations

from decimal import Decimal

from match_data import bank_line, generate, ledger_line

from tieout.server.matching import auto_match, match_frames


def _case():
    bank = [bank_line("B1", "2024-03-01", "100.00", "deposit", "DEPOSIT"),
            bank_line("B2", "2024-03-02", "-50.00", "check", "CHECK 7", check_number="7"),
            bank_line("B3", "2024-03-03", "25.00", "deposit", "DEPOSIT"),
            bank_line("B4", "2024-03-31", "-10.00", "fee", "SERVICE CHARGE"),
            bank_line("E1", "2024-03-05", "40.00", "transfer", "SEPA CREDIT INV-4", currency="EUR")]
    ledger = [ledger_line("L1", "2024-03-01", "100.00"), ledger_line("L2", "2024-03-01", "-50.00", "7"),
              ledger_line("L3", "2024-03-04", "-30.00", "INV-3"),
              ledger_line("E2", "2024-03-04", "40.00", "INV-4", currency="EUR")]
    return bank, ledger


def test_figures_overall_and_by_rule():
    s = auto_match(*_case()).statistics
    D = Decimal
    assert (s.bank.rows, s.bank.rows_matched, s.ledger.rows, s.ledger.rows_matched) == (5, 4, 4, 3)
    assert s.bank.value == (("USD", D("185.00")), ("EUR", D("40.00")))
    assert s.bank.value_matched == (("USD", D("160.00")), ("EUR", D("40.00")))
    assert s.bank.value_unmatched == (("USD", D("25.00")), ("EUR", D("0.00")))
    assert s.bank.net_unmatched == (("USD", D("25.00")), ("EUR", D("0.00")))
    assert s.bank.share_matched() == (("USD", D("0.8649")), ("EUR", D("1.0000")))
    assert s.ledger.value_unmatched == (("USD", D("30.00")), ("EUR", D("0.00")))
    assert s.ledger.net_unmatched == (("USD", D("-30.00")), ("EUR", D("0.00")))
    assert s.groups_matched == 4 and s.groups_suggested == 0
    by = {r.rule: r for r in s.by_rule}
    chk = by["check_number_exact_amount"]
    assert (chk.groups, chk.bank_rows, chk.ledger_rows) == (1, 1, 1)
    assert chk.bank_value == (("USD", D("50.00")), ("EUR", D("0.00")))
    assert dict(chk.share_of_bank_value)["USD"] == D("0.2703")
    assert dict(by["exact_amount_date_window"].share_of_bank_value)["USD"] == D("0.5405")
    fee = by["bank_fee_to_expense"]
    assert (fee.groups, fee.ledger_rows, fee.proposed) == (1, 0, 1)
    assert dict(by["exact_amount_reference_in_text"].share_of_bank_value)["EUR"] == D("1.0000")
    assert sum(r.groups for r in s.by_rule) == s.groups_matched
    text = "\n".join(s.lines())
    assert "bank rows matched 4 / 5; ledger rows matched 3 / 4" in text
    assert "USD: 86.49% of statement value matched; 25.00 left unmatched (net 25.00)" in text
    assert "check_number_exact_amount: 1 groups, bank rows 1 / 5, ledger rows 1 / 4, 27.03% USD" in text


def test_figures_add_up_on_generated_data():
    data = generate(4000, seed=21)
    fm = match_frames(data.bank, data.ledger)
    s = fm.statistics()
    matched_bank = fm.member_rows().query("side == 'bank'").line_id.nunique()
    assert s.bank.rows == len(data.bank) and s.bank.rows_matched == matched_bank
    assert s.bank.rows_matched + len(fm.unmatched_bank()) == s.bank.rows
    assert s.ledger.rows_matched + len(fm.unmatched_ledger()) == s.ledger.rows
    assert sum(r.bank_rows for r in s.by_rule) == s.bank.rows_matched
    for (c, total), (_, m), (_, u) in zip(s.bank.value, s.bank.value_matched, s.bank.value_unmatched):
        assert m + u == total
    cents = data.bank.set_index("line_id").amount_minor
    unmatched = cents[list(fm.unmatched_bank())]
    usd = data.bank.set_index("line_id").currency[list(fm.unmatched_bank())] == "USD"
    assert dict(s.bank.net_unmatched)["USD"] == Decimal(int(unmatched[usd].sum())).scaleb(-2)

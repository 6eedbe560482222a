"""Card-processor payouts in US books (usworld15): the processor the bank text names settles its "Sales Receipt"
lines of one to a few consecutive sales days, less its fee (booked by the ledger as a journal entry: exact; or
not yet booked: within the fee band), and only when one run of whole days fits (the uniqueness guard)."""
from __future__ import annotations

from decimal import Decimal

from match_data import bank_line, ledger_line

from tieout.server.matching import auto_match


def groups(r) -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    return {g.bank_ids: (tuple(sorted(g.ledger_ids)), g.rule) for g in r.matched}


def _sales(prefix: str, name: str, days_amounts) -> list:
    return [ledger_line(f"{prefix}{k}", day, amount, "", name, "Daily sales", "Sales Receipt")
            for k, (day, amount) in enumerate(days_amounts)]


SALES = _sales("S", "Square", [("2024-02-14", "1200.00"), ("2024-02-15", "845.10"), ("2024-02-15", "310.40"),
                               ("2024-02-16", "2230.00")])
OTHER = _sales("T", "Stripe", [("2024-02-15", "4456.19")])  # another processor's sales of the same days


def test_a_payout_net_of_its_fee_settles_the_named_processors_sales_days():
    gross = 1200 + 845.10 + 310.40 + 2230.00
    bank = [bank_line("B1", "2024-02-19", f"{gross - 151.83:.2f}", "deposit", "SQUARE INC 240219P2 L421573")]
    r = auto_match(bank, SALES + OTHER)
    assert groups(r) == {("B1",): (("S0", "S1", "S2", "S3"), "card_processor_payout")}
    assert [abs(p.amount) for p in r.proposed] == [Decimal("151.83")]  # the fee, proposed


def test_a_payout_whose_fee_the_ledger_booked_takes_the_fee_line_too():
    fee = ledger_line("F1", "2024-02-19", "-151.83", "", "Square", "Merchant fees", "Journal Entry")
    gross = 1200 + 845.10 + 310.40 + 2230.00
    bank = [bank_line("B1", "2024-02-19", f"{gross - 151.83:.2f}", "deposit", "SQUARE INC 240219P2 L421573")]
    r = auto_match(bank, SALES + OTHER + [fee])
    assert groups(r) == {("B1",): (("F1", "S0", "S1", "S2", "S3"), "card_processor_payout_fee_booked")}


def test_a_fee_outside_the_band_or_no_processor_named_settles_nothing():
    gross = 1200 + 845.10 + 310.40 + 2230.00
    greedy = [bank_line("B1", "2024-02-19", f"{gross * 0.85:.2f}", "deposit", "SQUARE INC 240219P2 L421573")]
    assert groups(auto_match(greedy, SALES + OTHER)) == {}
    unnamed = [bank_line("B1", "2024-02-19", f"{gross - 151.83:.2f}", "deposit", "DEPOSIT")]
    assert groups(auto_match(unnamed, SALES + OTHER)) == {}


def test_two_runs_of_days_fitting_settle_nothing():
    """Days of equal sales: the payout fits the first two days and the last two alike; neither is taken."""
    sales = _sales("S", "Square", [("2024-02-13", "1000.00"), ("2024-02-14", "1000.00"), ("2024-02-15", "1000.00")])
    bank = [bank_line("B1", "2024-02-16", "1940.00", "deposit", "SQUARE INC 240216P2 L421573")]
    assert groups(auto_match(bank, sales)) == {}


def test_a_payout_naming_its_processor_is_not_taken_as_a_slip_of_other_customers_receipts():
    """Two of the receipts of one booking day add up to the payout by chance; the text names Square, whom the ledger
    knows, so the line is Square's payment, not a deposit of those customers' checks. A bare DEPOSIT of the same
    amount is such a slip."""
    receipts = [ledger_line("R1", "2024-05-22", "823.19", "2891", "Heritage Foods Corp.", "", "Payment"),
                ledger_line("R2", "2024-05-22", "3906.62", "", "Cedar Electric LLC", "Deposit", "Payment"),
                ledger_line("R3", "2024-05-22", "1517.45", "", "Alpine Supply", "", "Payment")]  # a receipt of no slip
    known = _sales("S", "Square", [("2024-03-04", "512.00")])
    payout = [bank_line("B1", "2024-05-23", "4729.81", "deposit", "SQUARE INC 240523P2 L670312")]
    assert groups(auto_match(payout, receipts + known)) == {}
    slip = [bank_line("B1", "2024-05-23", "4729.81", "deposit", "DEPOSIT")]
    assert [ids for ids, _ in groups(auto_match(slip, receipts + known)).values()] == [("R1", "R2")]


def test_a_fee_the_ledger_booked_on_a_day_of_later_sales_joins_the_payout():
    """The payout day also holds the next payout's sales, so no run of whole days holds the fee line; it is the
    only open line of exactly the fee under the processor's name, so it joins the group and nothing is proposed."""
    fee = ledger_line("F1", "2024-02-19", "-151.83", "", "Square", "Merchant fees", "Journal Entry")
    later = _sales("N", "Square", [("2024-02-19", "2600.00")])
    gross = 1200 + 845.10 + 310.40 + 2230.00
    bank = [bank_line("B1", "2024-02-19", f"{gross - 151.83:.2f}", "deposit", "SQUARE INC 240219P2 L421573")]
    r = auto_match(bank, SALES + OTHER + later + [fee])
    assert groups(r) == {("B1",): (("F1", "S0", "S1", "S2", "S3"), "card_processor_payout")}
    assert r.proposed == () and "booked already" in r.matched[0].reason


def test_a_deposit_booked_as_one_line_is_not_held_by_its_batch_look_alikes():
    """The ledger booked the lockbox deposit as one line; two pairs of other receipts of the day add up to it too.
    The batch rule cannot tell those apart, but it leaves the deposit to the 1:1 rules, which match its twin."""
    receipts = [ledger_line(f"R{k}", "2024-03-05", amount, "", name, "", "Payment")
                for k, (amount, name) in enumerate([("400.00", "Harbor Foods"), ("600.00", "Cedar Supply"),
                                                    ("300.00", "Atlas Electric"), ("700.00", "Eagle Foods LLC")])]
    single = ledger_line("L9", "2024-03-06", "1000.00", "", "", "Deposit", "Deposit")
    bank = [bank_line("B1", "2024-03-05", "1000.00", "deposit", "LOCKBOX DEPOSIT")]
    r = auto_match(bank, receipts + [single])
    assert {(g.bank_ids, g.ledger_ids) for g in r.matched} == {(("B1",), ("L9",))}

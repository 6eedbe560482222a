"""GET .../summary-sums: the reconciling lines of the Summary sheet as sums, and the proposed matches as a count.

The Summary shows deposits in transit and outstanding payments (unmatched GL lines, split by sign), the bank's
credits and debits not in the GL (unmatched booked bank lines, split by sign) and how many auto-matches wait to
be accepted. Adding them up in the add-in meant reading every bank and GL line (40,000 at a full month) on every
press, only to draw ten cells; the database sums the stored integer units exactly in milliseconds."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, case, func, select, type_coerce

from ..store.models import BankLineRow, GLLineRow, Match
from ..store.types import SCALE, money_str


def _signed(session, model, rec_id: int, *where) -> tuple[Decimal, Decimal]:
    """(sum of the positive, sum of the negative) amounts of a side's unmatched lines meeting `where`."""
    units = type_coerce(model.amount, BigInteger)
    plus, minus = session.execute(select(
        func.coalesce(func.sum(case((units > 0, units), else_=0)), 0),
        func.coalesce(func.sum(case((units < 0, units), else_=0)), 0))
        .where(model.reconciliation_id == rec_id, model.match_id.is_(None), *where)).one()
    return Decimal(int(plus)).scaleb(-SCALE), Decimal(int(minus)).scaleb(-SCALE)


def summary_sums(session, rec_id: int) -> dict:
    """The Summary's sums: the same lines `addin/sheets.summary_rows` used to add up (a line is matched when it
    names a match, proposed or accepted; pending bank lines are not booked)."""
    receipts, payments = _signed(session, GLLineRow, rec_id)
    credits, debits = _signed(session, BankLineRow, rec_id, BankLineRow.pending.is_(False))
    proposed = session.scalar(select(func.count()).where(Match.reconciliation_id == rec_id,
                                                         Match.undone_at.is_(None), Match.accepted_at.is_(None)))
    return {"deposits_in_transit": money_str(receipts), "outstanding_payments": money_str(payments),
            "bank_credits_not_in_gl": money_str(credits), "bank_debits_not_in_gl": money_str(debits),
            "proposed_matches": proposed}

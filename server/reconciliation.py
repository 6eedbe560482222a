"""The reconciliation's figures: how the statement balance and the GL balance tie, through the items that
are on one side only. One place computes them, so the Summary sheet, the CLI and the server agree.

    adjusted bank = statement closing balance + GL-only items (deposits in transit, outstanding payments)
    adjusted GL   = GL balance + bank-only items (fees, interest, returns, whether or not a new transaction
                    is proposed for them yet) + differences inside matches (a wire fee deducted), all of
                    which still have to be posted
    difference    = adjusted bank - adjusted GL   (0.00 when the account is reconciled)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .records import BankLine, LedgerLine, MatchGroup

ZERO = Decimal(0)


@dataclass(frozen=True)
class Figures:
    statement_balance: Decimal
    gl_balance: Decimal
    deposits_in_transit: Decimal
    outstanding_payments: Decimal
    adjusted_bank: Decimal
    bank_only_credits: Decimal
    bank_only_debits: Decimal
    match_differences: Decimal
    adjusted_gl: Decimal
    difference: Decimal
    bank_lines: int
    ledger_lines: int
    matched_bank_lines: int
    matched_ledger_lines: int
    matched_groups: int

    @property
    def unmatched_bank_lines(self) -> int:
        return self.bank_lines - self.matched_bank_lines

    @property
    def unmatched_ledger_lines(self) -> int:
        return self.ledger_lines - self.matched_ledger_lines

    @property
    def match_rate(self) -> Decimal:
        """Share of lines (both sides) placed in a match group."""
        total = self.bank_lines + self.ledger_lines
        if not total:
            return ZERO
        return (Decimal(self.matched_bank_lines + self.matched_ledger_lines) / total).quantize(Decimal("0.0001"))


def compute_figures(statement_balance: Decimal, gl_balance: Decimal, bank: Sequence[BankLine],
                    ledger: Sequence[LedgerLine], matched: Sequence[MatchGroup]) -> Figures:
    bank_amount = {b.line_id: b.amount for b in bank}
    ledger_amount = {g.line_id: g.amount for g in ledger}
    matched_b = {i for g in matched for i in g.bank_ids}
    matched_l = {i for g in matched for i in g.ledger_ids}
    gl_only = [ledger_amount[i] for i in ledger_amount if i not in matched_l]
    # A group with no ledger side (a fee or interest settled by a proposed new transaction) is still a
    # bank-only item for the balances: it is not in the GL until the proposal is posted.
    settled_by_proposal = {i for g in matched if not g.ledger_ids for i in g.bank_ids}
    bank_only = [bank_amount[i] for i in bank_amount if i not in matched_b or i in settled_by_proposal]
    dit = sum((a for a in gl_only if a > 0), ZERO)
    outstanding = sum((a for a in gl_only if a < 0), ZERO)
    credits = sum((a for a in bank_only if a > 0), ZERO)
    debits = sum((a for a in bank_only if a < 0), ZERO)
    inside = sum((sum((bank_amount[i] for i in g.bank_ids), ZERO) - sum((ledger_amount[i] for i in g.ledger_ids), ZERO)
                  for g in matched if g.ledger_ids), ZERO)
    adjusted_bank = statement_balance + dit + outstanding
    adjusted_gl = gl_balance + credits + debits + inside
    return Figures(statement_balance, gl_balance, dit, outstanding, adjusted_bank, credits, debits, inside,
                   adjusted_gl, adjusted_bank - adjusted_gl, len(bank), len(ledger), len(matched_b),
                   len(matched_l), len(matched))

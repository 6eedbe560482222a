"""Checks every imported statement against its own printed balances: an import that drops, doubles or
mis-signs a line is caught here, with the figures, instead of surfacing as a mystery difference later."""
from __future__ import annotations

from pathlib import Path

from .errors import BankFileError, Problem
from .records import ImportResult


def balance_problems(result: ImportResult) -> list[Problem]:
    """One problem per statement whose opening balance + booked lines != closing balance."""
    problems = []
    for i, st in enumerate(result.statements, start=1):
        if st.opening_balance is None or st.closing_balance is None:
            continue
        expected = st.opening_balance + st.total
        if expected != st.closing_balance:
            name = st.statement_id or f"#{i}"
            problems.append(Problem(
                f"statement does not balance: opening {st.opening_balance} + lines {st.total} "
                f"({len(st.booked)} lines) = {expected}, but the closing balance is {st.closing_balance} "
                f"(difference {st.closing_balance - expected})",
                record=f"statement {name} of account {st.account}"))
    return problems


def verify_statements(result: ImportResult, path: str | Path) -> ImportResult:
    problems = balance_problems(result)
    if problems:
        raise BankFileError(path, problems)
    return result

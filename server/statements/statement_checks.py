"""Checks every imported statement against its own printed balances: an import that drops, doubles or
mis-signs a line is caught here, with the figures, instead of surfacing as a mystery difference later.

A statement whose own figures disagree is not bad input (published files are often hand-edited, banks make
mistakes): it is imported with a `Finding` the preparer must see and acknowledge. `strict` keeps the old
refusal for users who want it (`tieout import --strict`)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from ..errors import BankFileError, Problem
from ..records import Finding, ImportResult, Statement


def _name(st: Statement, i: int) -> str:
    return st.statement_id or f"#{i}"


def _where(st: Statement, i: int) -> str:
    return f"statement {_name(st, i)} of account {st.account}"


def balance_finding(st: Statement, i: int) -> Finding | None:
    """opening + booked lines != closing, with the figures; None when it adds up or a balance is unknown."""
    return figures_finding(_where(st, i), _name(st, i), st.opening_balance, st.total, len(st.booked),
                           st.closing_balance)


def figures_finding(where: str, name: str, opening: Decimal | None, total: Decimal, lines: int,
                    closing: Decimal | None) -> Finding | None:
    """The balance_mismatch finding of a statement's figures (also for balances entered after its import)."""
    if opening is None or closing is None:
        return None
    expected = opening + total
    if expected == closing:
        return None
    diff = closing - expected
    return Finding(
        "balance_mismatch",
        f"{where} does not balance: opening {opening} + lines {total} ({lines} lines) = {expected}, but the "
        f"closing balance is {closing} (difference {diff})",
        statement=name,
        figures=(("opening_balance", str(opening)), ("lines_total", str(total)), ("lines", str(lines)),
                 ("closing_balance", str(closing)), ("difference", str(diff))))


def chain_findings(statements: tuple[Statement, ...]) -> list[tuple[int, Finding]]:
    """A statement of an account and currency whose opening balance is not the closing balance of the one before
    it in the file (a missing statement in between, or an edited balance)."""
    out = []
    last: dict[tuple[str, str], tuple[int, Statement]] = {}
    for i, st in enumerate(statements, start=1):
        key = (st.account, st.currency)
        prev = last.get(key)
        if (prev is not None and prev[1].closing_balance is not None and st.opening_balance is not None
                and prev[1].closing_balance != st.opening_balance):
            p_i, p = prev
            diff = st.opening_balance - p.closing_balance
            out.append((i, Finding(
                "chain_break",
                f"{_where(st, i)} opens at {st.opening_balance} but {_where(p, p_i)} before it closed at "
                f"{p.closing_balance} (difference {diff}): a statement may be missing in between",
                statement=_name(st, i),
                figures=(("previous_statement", _name(p, p_i)), ("previous_closing_balance", str(p.closing_balance)),
                         ("opening_balance", str(st.opening_balance)), ("difference", str(diff))))))
        if st.closing_balance is not None or st.opening_balance is not None:
            last[key] = (i, st)
    return out


def balance_problems(result: ImportResult) -> list[Problem]:
    """One problem per statement whose opening balance + booked lines != closing balance."""
    return [Problem(f.message) for i, st in enumerate(result.statements, start=1)
            if (f := balance_finding(st, i)) is not None]


def with_entered_balances(result: ImportResult, opening: Decimal | None, closing: Decimal | None) -> ImportResult:
    """The balances the user typed from the printed statement, for a file that states none (most CSV exports).

    They apply to a file of one statement. Where the file states a balance too, the file's stays and a
    differing entry becomes a finding: the user is told, nothing is overwritten."""
    if opening is None and closing is None:
        return result
    if len(result.statements) != 1:
        raise BankFileError(result.source, f"entered opening and closing balances apply to a file of one statement; "
                                           f"this file holds {len(result.statements)}")
    st = result.statements[0]
    changes: dict = {}
    findings = list(st.findings)
    for kind, entered in (("opening", opening), ("closing", closing)):
        if entered is None:
            continue
        stated = getattr(st, f"{kind}_balance")
        if stated is None:
            changes[f"{kind}_balance"] = entered
            changes[f"{kind}_source"] = "entered"
        elif stated != entered:
            findings.append(Finding(
                "entered_balance_differs",
                f"the {kind} balance entered ({entered}) differs from the one the file states ({stated}); "
                f"the file's is kept (difference {entered - stated})",
                statement=_name(st, 1),
                figures=((f"{kind}_entered", str(entered)), (f"{kind}_stated", str(stated)),
                         ("difference", str(entered - stated)))))
    changes["findings"] = tuple(findings)
    return dataclasses.replace(result, statements=(dataclasses.replace(st, **changes),))


def verify_statements(result: ImportResult, path: str | Path, strict: bool = False) -> ImportResult:
    """The result with a finding on every statement whose figures disagree; with `strict`, BankFileError instead."""
    extra: dict[int, list[Finding]] = {}
    for i, st in enumerate(result.statements, start=1):
        f = balance_finding(st, i)
        if f is not None and all(x.code != "balance_mismatch" for x in st.findings):
            extra.setdefault(i, []).append(f)
    for i, f in chain_findings(result.statements):
        extra.setdefault(i, []).append(f)
    statements = []
    for i, st in enumerate(result.statements, start=1):
        sources = {}
        if not st.opening_source and st.opening_balance is not None:
            sources["opening_source"] = "file"
        if not st.closing_source and st.closing_balance is not None:
            sources["closing_source"] = "file"
        if i in extra or sources:
            st = dataclasses.replace(st, findings=st.findings + tuple(extra.get(i, ())), **sources)
        statements.append(st)
    result = dataclasses.replace(result, statements=tuple(statements))
    if strict and result.findings:
        raise BankFileError(path, [Problem(f.message, field=f.code) for f in result.findings])
    return result

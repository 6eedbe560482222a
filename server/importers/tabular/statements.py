"""Lines of a tabular file -> Statements, checked against every figure the file states itself: the running
balance line by line (a dropped, doubled or mis-signed line shows at the line where it happens), balances
printed above the header or in summary rows, and totals rows. A figure that disagrees is a Finding on the
statement (the file is still imported, see statement_checks); only unreadable cells refuse the file."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Sequence

from ...errors import Problem
from ...records import BankLine, Finding, Statement
from .. import line_ids
from ..missing import CURRENCY
from .balance_chain import unbroken_chain
from .rows import Stated, TableContent

# One booked line for the balance checks: (file line, date, amount, printed balance or None).
Entry = tuple


def _chronological(entries: list[Entry]) -> list[Entry]:
    """Banks list newest first or oldest first; the running balance says which (dates can tie)."""
    forward = backward = 0
    for prev, cur in zip(entries, entries[1:201]):  # a sample decides; running_balance checks every line
        if prev[3] is not None and cur[3] is not None:
            forward += prev[3] + cur[2] == cur[3]
            backward += cur[3] + prev[2] == prev[3]
    if backward > forward or (backward == forward and entries and entries[0][1] > entries[-1][1]):
        return entries[::-1]
    return entries


def _finding(code: str, message: str, line: int | None, **figures) -> Finding:
    where = f"line {line}: " if line else ""
    return Finding(code, where + message, "", tuple((k, str(v)) for k, v in figures.items()))


def running_balance(entries: list[Entry], title: str, findings: list[Finding]
                    ) -> tuple[Decimal | None, Decimal | None]:
    """Check each printed balance against the previous one plus the lines between; return the opening and
    closing balances it implies (None, None without printed balances)."""
    if not any(e[3] is not None for e in entries):
        return None, None
    prev_balance, prev_line, since = None, None, Decimal(0)
    opening = None
    for line, _, amount, balance in _chronological(entries):
        since += amount
        if balance is None:
            continue
        if prev_balance is None:
            opening = balance - since
        elif prev_balance + since != balance:
            expected = prev_balance + since
            findings.append(_finding(
                "running_balance_break",
                f"{title!r} {balance} does not follow from the balance {prev_balance} at line {prev_line} "
                f"plus the amounts since ({since}), which give {expected} (difference {balance - expected}): "
                "a line is missing, doubled or has the wrong sign", line,
                balance=balance, previous_balance=prev_balance, amounts=since, difference=balance - expected))
        prev_balance, prev_line, since = balance, line, Decimal(0)
    return opening, prev_balance + since


def _stated_one(stated: Sequence[Stated], kind: str, findings: list[Finding]) -> Stated | None:
    found = [s for s in stated if s.kind == kind]
    for other in found[1:]:
        if other.value != found[0].value:
            findings.append(_finding("stated_balances_differ", f"{other.label!r} says {other.value}, but line "
                                     f"{found[0].line} ({found[0].label!r}) says {found[0].value}", other.line,
                                     stated=other.value, other=found[0].value,
                                     difference=other.value - found[0].value))
    return found[0] if found else None


def _check_totals(stated: Sequence[Stated], amounts: Sequence[Decimal], findings: list[Finding]) -> None:
    sums = {
        "total_debits": sum((a for a in amounts if a < 0), Decimal(0)),
        "total_credits": sum((a for a in amounts if a > 0), Decimal(0)),
        "total": sum(amounts, Decimal(0)),
    }
    names = {"total_debits": "money-out lines", "total_credits": "money-in lines", "total": "lines"}
    for s in stated:
        if s.kind not in sums:
            continue
        computed = sums[s.kind]
        if s.value != computed and (s.kind == "total" or abs(s.value) != abs(computed)):
            findings.append(_finding(
                "trailer_total", f"{s.label!r} states {s.value}, but the {names[s.kind]} add up to {computed} "
                f"(difference {abs(s.value) - abs(computed)}): a line is missing or extra", s.line,
                stated=s.value, computed=computed, difference=abs(s.value) - abs(computed)))


def _agree(kind: str, stated: Stated | None, derived: Decimal | None, title: str,
           findings: list[Finding]) -> Decimal | None:
    if stated is None:
        return derived
    if derived is not None and stated.value != derived:
        findings.append(_finding(
            f"{kind}_differs", f"{stated.label!r} says {stated.value}, but the {title!r} column implies a "
            f"{kind.replace('_', ' ')} of {derived} (difference {stated.value - derived})", stated.line,
            stated=stated.value, implied=derived, difference=stated.value - derived))
    return stated.value


def _bank_ids(content: TableContent, warnings: list[str]) -> list[BankLine]:
    """Line ids are the bank's transaction ids when the layout has them, else the file's line numbers (already
    in place); an id the file repeats is marked on every line that has it (line_ids.assign)."""
    ids = content.bank_ids
    if not ids:
        return content.lines
    missing = [ln.line_id for ln, i in zip(content.lines, ids) if not i]
    if missing:
        one = len(missing) == 1
        warnings.append(f"{len(missing)} line{' has' if one else 's have'} no transaction id; "
                        f"{'its line id is its' if one else 'their line ids are their'} line number"
                        f"{'' if one else 's'}, e.g. {missing[0]}")
    assigned = line_ids.assign([i or ln.line_id for ln, i in zip(content.lines, ids)])
    if assigned.repeated:
        warnings.append(assigned.warning("transaction id"))
    return [ln if ln.line_id == i else replace(ln, line_id=i) for ln, i in zip(content.lines, assigned.ids)]


def build_statements(content: TableContent, balance_title: str
                     ) -> tuple[list[Statement], list[Problem], list[str]]:
    """Group lines by account and currency into statements; every stated figure is checked here."""
    problems: list[Problem] = list(content.problems)
    warnings = list(content.warnings)
    if not content.lines:
        if not problems:
            problems.append(Problem("no transaction lines below the header" + (
                " (only summary rows)" if content.stated else "")))
        return [], problems, warnings
    lines = _bank_ids(content, warnings)
    currencies = content.currencies
    no_currency = next((n for c, n in zip(currencies, content.line_numbers) if not c), None) \
        if "" in currencies else None
    if no_currency is not None:
        problems.append(Problem("the file does not state its currency, nor does its layout profile",
                                line=no_currency, field="currency", missing=CURRENCY))
    groups: dict[tuple[str, str], list[int]] = {}
    if len(set(content.accounts)) == 1 and len(set(currencies)) == 1:
        groups[(content.accounts[0], lines[0].currency)] = list(range(len(lines)))
    else:
        for i, (ln, acct) in enumerate(zip(lines, content.accounts)):
            groups.setdefault((acct, ln.currency), []).append(i)
    stated = content.stated
    accounts = {a for a, _ in groups}
    if len(accounts) == 1:
        for s in stated:  # a currency section holding only balance rows is a statement of its own
            if s.currency and (next(iter(accounts)), s.currency) not in groups:
                groups[(next(iter(accounts)), s.currency)] = []
    if len(groups) > 1 and any(not s.currency for s in stated):
        warnings.append("the file holds several accounts or currencies; balances and totals printed in it "
                        "without a currency were not applied to any one of them")
    statements = []
    numbers, balances = content.line_numbers, content.balances
    for (acct, cur), members in groups.items():
        findings: list[Finding] = []
        chain = unbroken_chain(content.amounts, balances) if len(groups) == 1 and True not in content.pending \
            else None
        if chain is not None:  # proved by column (balance_chain); the entries are built only if a total needs them
            opening, closing = chain
            entries = [(n, ln.date, ln.amount, b) for n, ln, b in zip(numbers, lines, balances)] \
                if any(s.kind in ("total", "total_debits", "total_credits") for s in stated) else []
        else:
            if len(groups) == 1:
                entries = [(n, ln.date, ln.amount, b) for n, ln, b in zip(numbers, lines, balances)
                           if not ln.pending]
            else:
                entries = [(numbers[i], lines[i].date, lines[i].amount, balances[i]) for i in members
                           if not lines[i].pending]
            opening, closing = running_balance(entries, balance_title, findings)
        own = stated if len(groups) == 1 else [s for s in stated if s.currency == cur and len(accounts) == 1]
        if own:
            opening = _agree("opening_balance", _stated_one(own, "opening_balance", findings), opening,
                             balance_title, findings)
            closing = _agree("closing_balance", _stated_one(own, "closing_balance", findings), closing,
                             balance_title, findings)
            _check_totals(own, [e[2] for e in entries], findings)
        statement_lines = tuple(lines) if len(groups) == 1 else tuple(lines[i] for i in members)
        name = acct or f"#{len(statements) + 1}"
        findings = [replace(f, statement=name) for f in findings]
        statements.append(Statement(acct, cur, opening, closing, statement_lines, findings=tuple(findings)))
    return statements, problems, warnings

"""What an MT940/MT942 file's own figures say that does not add up, as Findings on the statement they concern.

Kept apart from the parser (mt940.py): these are judgements about a statement already read, not its grammar.
Not a format module: it defines no IMPORTER. The balance check (opening + lines = closing) and the chain between
statements are made for every format in statement_checks.py; here are only what MT940/MT942 alone can tell: a
balance the file does not state, a closing balance in another currency, the :90D:/:90C: totals of an MT942 and a
statement the file holds twice.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..records import Finding

if TYPE_CHECKING:  # the parser's records; a runtime import would be circular
    from .mt940 import Mt940Entry, Mt940Statement, Total

_DEBIT_MARKS = ("D", "RC")  # money out: a debit, or the reversal of a credit


def _where(name: str, account: str) -> str:
    return f"statement {name} of account {account}"


def missing_balance(name: str, account: str, kind: str, entries: list[Mt940Entry]) -> Finding:
    """The file states no opening (:60F:/:60M:) or closing (:62F:/:62M:) balance: it is unknown, not zero."""
    tags = ":60F:/:60M:" if kind == "opening" else ":62F:/:62M:"
    total = sum((e.amount for e in entries), Decimal(0))
    tail = " (the file may be truncated)" if kind == "closing" else ""
    return Finding(
        f"{kind}_balance_missing",
        f"{_where(name, account)} states no {kind} balance ({tags}): it is unknown, so its {len(entries)} lines "
        f"(total {total}) cannot be checked against the balances{tail}",
        statement=name, figures=(("lines", str(len(entries))), ("lines_total", str(total))))


def balance_currency(name: str, account: str, currency: str, closing: tuple) -> Finding:
    """The closing balance is in another currency than the opening balance: it is kept out (unknown)."""
    amount, _, closing_currency, _ = closing
    return Finding(
        "balance_currency",
        f"{_where(name, account)} closes in {closing_currency} ({amount}) but its opening balance is in "
        f"{currency}: the closing balance is treated as unknown",
        statement=name, figures=(("currency", currency), ("closing_currency", closing_currency),
                                 ("closing_balance", str(amount))))


def totals(name: str, account: str, currency: str, entries: list[Mt940Entry], stated: tuple[Total, ...] | list[Total]
           ) -> list[Finding]:
    """The MT942 :90D:/:90C: number and sum of debit/credit entries against the entries read. Debits are the
    entries that take money out (D, RC), credits those that bring it in (C, RD)."""
    out = []
    for total in stated:
        side = [e for e in entries if (e.mark in _DEBIT_MARKS) == (total.side == "D")]
        found = abs(sum((e.amount for e in side), Decimal(0)))
        tag = f":90{total.side}:"
        words = "debit" if total.side == "D" else "credit"
        if total.currency != currency:
            out.append(Finding(
                "trailer_total",
                f"{_where(name, account)}: {tag} states its {words} total in {total.currency}, the statement is in "
                f"{currency}", statement=name,
                figures=(("trailer", tag), ("trailer_currency", total.currency), ("currency", currency))))
        elif found != total.amount:
            out.append(Finding(
                "trailer_total",
                f"{_where(name, account)}: {tag} states {words} entries of {total.amount} but the {len(side)} "
                f"{words} lines add up to {found} (difference {found - total.amount})", statement=name,
                figures=(("trailer", tag), ("stated_total", str(total.amount)), ("lines_total", str(found)),
                         ("difference", str(found - total.amount)))))
        if total.count is not None and total.count != len(side):
            out.append(Finding(
                "record_count",
                f"{_where(name, account)}: {tag} states {total.count} {words} entries but the file has "
                f"{len(side)} (difference {len(side) - total.count})", statement=name,
                figures=(("trailer", tag), ("stated_count", str(total.count)), ("lines", str(len(side))),
                         ("difference", str(len(side) - total.count)))))
    return out


def repeated_statements(parsed: list[Mt940Statement]) -> dict[int, tuple[Finding, ...]]:
    """{index: finding} for each statement that repeats an earlier one of the file (same account, number,
    balances and lines): its lines are imported twice. Lines are compared only where the rest agrees."""
    first: dict[tuple, int] = {}
    out: dict[int, tuple[Finding, ...]] = {}
    for i, ps in enumerate(parsed):
        key = (ps.account, ps.currency, ps.number, ps.reference, ps.opening, ps.closing, len(ps.entries))
        j = first.setdefault(key, i)
        if j == i:
            continue
        if [(e.value_date, e.amount, e.bank_ref) for e in ps.entries] != [
                (e.value_date, e.amount, e.bank_ref) for e in parsed[j].entries]:
            continue
        out[i] = (Finding(
            "repeated_statement",
            f"{_where(ps.name, ps.account)} (statement {i + 1} of the file) repeats statement {j + 1}: same "
            f"number, balances and {len(ps.entries)} lines; both are imported, so its lines are there twice",
            statement=ps.name,
            figures=(("repeats_statement", str(j + 1)), ("lines", str(len(ps.entries))))),)
    return out

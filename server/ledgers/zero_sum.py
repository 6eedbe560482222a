"""Zero-sum: a group of both sides' lines may be reconciled only when it nets to zero in every currency.

On the functional amount the lines are compared in their `currency`; on the document value (`basis`
"document") in their `document_currency`, since a document amount means nothing outside its own currency.
Sums are Decimal: exact, never a float."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..store.types import money_str
from .records import CompanyLineRecord

BASES = ("amount", "document")


def value(line: CompanyLineRecord, basis: str) -> tuple[str, Decimal | None]:
    if basis == "document":
        return line.document_currency, line.document_amount
    return line.currency, line.amount


def totals(left: Iterable[CompanyLineRecord], right: Iterable[CompanyLineRecord], basis: str
           ) -> tuple[tuple[str, Decimal, Decimal], ...]:
    """(currency, left total, right total) per currency, currencies sorted."""
    sums: dict[str, list[Decimal]] = {}
    for i, lines in enumerate((left, right)):
        for ln in lines:
            cur, amount = value(ln, basis)
            sums.setdefault(cur, [Decimal(0), Decimal(0)])[i] += amount if amount is not None else Decimal(0)
    return tuple((c, s[0], s[1]) for c, s in sorted(sums.items()))


def problem(left: list[CompanyLineRecord], right: list[CompanyLineRecord], basis: str) -> str | None:
    """Why the group may not be reconciled, or None when it nets to zero in every currency."""
    if not left or not right:
        return "a group needs lines of both sides"
    if basis == "document":
        missing = [ln.line_id for ln in (*left, *right) if ln.document_amount is None or not ln.document_currency]
        if missing:
            return f"line(s) {', '.join(missing[:5])} carry no document value and currency"
    off = [(c, a + b) for c, a, b in totals(left, right, basis) if a + b != 0]
    if off:
        what = "document value" if basis == "document" else "amount"
        return (f"does not net to zero on the {what}: "
                + ", ".join(f"{money_str(net)} {c}" for c, net in off))
    return None

"""BAI2 trailer checks (49 account, 98 group, 99 file) as findings, not refusals.

A control total or record count that does not add up is the file's own figures disagreeing: the file is still
read, and the preparer is shown where (record and line), what the trailer states, what the file holds and the
difference. Kept apart from the reader so that the wording and figures of these findings live in one place.
Not a format module: it defines no IMPORTER.
"""
from __future__ import annotations

from decimal import Decimal

from ..records import Finding


def money(minor: int, exponent: int | None) -> str:
    """Minor units as a decimal string in the currency's units; left in minor units when the units are mixed."""
    if exponent is None:
        return str(minor)
    return str(Decimal(minor).scaleb(-exponent)) if exponent else str(minor)


def _place(record: str, line: int, scope: str) -> str:
    return f"the {record} trailer on line {line}, for {scope},"


def total_finding(record: str, line: int, scope: str, stated: int, computed: int, exponent: int | None) -> Finding:
    """The trailer's control total differs from the sum of the amounts it covers."""
    unit = "" if exponent is not None else " (in minor units: the covered accounts' currencies differ in decimals)"
    s, c, d = money(stated, exponent), money(computed, exponent), money(stated - computed, exponent)
    return Finding(
        "trailer_total",
        f"{_place(record, line, scope)} states a control total of {s} but the amounts it covers add up to {c} "
        f"(difference {d}){unit}: a record may be missing, added or misread",
        figures=(("record", record), ("line", str(line)), ("stated_total", s), ("computed_total", c),
                 ("difference", d)) + ((("unit", "minor units"),) if exponent is None else ()))


def count_finding(record: str, line: int, scope: str, what: str, stated: int, counted: int) -> Finding:
    """The trailer's number of records (accounts, groups) differs from what the file holds."""
    return Finding(
        "record_count",
        f"{_place(record, line, scope)} states {stated} as its {what} but the file holds {counted} "
        f"(difference {stated - counted})",
        figures=(("record", record), ("line", str(line)), ("field", what), ("stated", str(stated)),
                 ("counted", str(counted)), ("difference", str(stated - counted))))


def net_total_warning(lines: list[int]) -> str:
    """Some banks (Goldman Sachs' sample) state the signed net of the details instead of the BAI2 sum."""
    where = ", ".join(str(n) for n in lines[:5]) + ("..." if len(lines) > 5 else "")
    return (f"{len(lines)} account trailer(s) 49 (line {where}) state the net of their detail amounts (credits "
            "minus debits) instead of the BAI2 sum of every amount of the account; the details agree with that "
            "net, so no detail is missing, but the 03 balances are not covered by it")

"""The import summary of DESIGN.md (`tieout import --json`)."""
from __future__ import annotations

from .records import ImportResult


def _s(v) -> str | None:
    return None if v is None else format(v, "f")


def import_summary(result: ImportResult) -> dict:
    return {
        "format": result.format,
        "statements": [
            {
                "account": st.account,
                "currency": st.currency,
                "opening_balance": _s(st.opening_balance),
                "closing_balance": _s(st.closing_balance),
                "first_date": st.first_date.isoformat() if st.first_date else None,
                "last_date": st.last_date.isoformat() if st.last_date else None,
                "count": len(st.booked),
                "total": _s(st.total),
            }
            for st in result.statements
        ],
    }

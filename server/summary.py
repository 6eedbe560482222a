"""The import summary of DESIGN.md (`tieout import --json`)."""
from __future__ import annotations

from .records import ImportResult, Statement


def _s(v) -> str | None:
    return None if v is None else format(v, "f")


def _d(v) -> str | None:
    return v.isoformat() if v else None


def statement_summary(st: Statement) -> dict:
    booked = st.transactions
    pending = st.pending_lines
    return {
        "account": st.account,
        "currency": st.currency,
        "opening_balance": _s(st.opening_balance),
        "closing_balance": _s(st.closing_balance),
        "opening_balance_source": st.opening_source or None,
        "closing_balance_source": st.closing_source or None,
        "first_date": _d(st.first_date),
        "last_date": _d(st.last_date),
        "period_start": _d(st.period_start),
        "period_end": _d(st.period_end),
        "count": len(booked),
        "total": _s(st.total),
        "pending": len(pending),
        "pending_total": _s(sum((ln.amount for ln in pending), 0)) if pending else "0",
        "zero_amount": len(st.zero_amount_lines),
        "findings": [f.as_dict() for f in st.findings],
    }


def import_summary(result: ImportResult) -> dict:
    layout = result.layout.as_dict() if result.layout else {"name": result.format, "source": "builtin",
                                                            "confidence": 1.0}
    return {
        "format": result.format,
        "layout": layout,
        "statements": [statement_summary(st) for st in result.statements],
    }

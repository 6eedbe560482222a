"""Exceptions as the API and the files show them: amounts as exact text, dates ISO."""
from __future__ import annotations

from ..store.types import money_str
from .items import SubledgerException


def exception_dict(e: SubledgerException) -> dict:
    return {"kind": e.kind, "account": e.account, "legal_entity": e.legal_entity, "period": e.period,
            "document": e.document, "currency": e.currency, "gl_amount": money_str(e.gl_amount),
            "subledger_amount": money_str(e.subledger_amount), "difference": money_str(e.difference),
            "gl_date": e.gl_date.isoformat() if e.gl_date else None,
            "subledger_date": e.subledger_date.isoformat() if e.subledger_date else None, "party": e.party,
            "action": e.action, "run_id": e.run_id}

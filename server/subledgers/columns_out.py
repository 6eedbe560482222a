"""The exceptions as a table (the CLI's file and the add-in's sheet use the same columns)."""
from __future__ import annotations

from tieout.excel_templates.sheet_writer import Column

from .items import SubledgerException

EXCEPTION_COLUMNS = (Column("kind", width=20), Column("account", width=12), Column("legal_entity", width=12),
                     Column("period", width=8), Column("document", width=16), Column("party", width=18),
                     Column("currency", width=8), Column("gl_amount", "money", 14),
                     Column("subledger_amount", "money", 14), Column("difference", "money", 14),
                     Column("gl_date", "date", 11), Column("subledger_date", "date", 11),
                     Column("action", width=80))


def exception_row(e: SubledgerException) -> tuple:
    return (e.kind, e.account, e.legal_entity, e.period, e.document, e.party, e.currency, e.gl_amount,
            e.subledger_amount, e.difference, e.gl_date, e.subledger_date, e.action)

"""The Manual workbook's own sheets, as data. Summary, Audit and Review keep the bank workbook's layout (the
workflow buttons read the same cells); Reconciling Items replaces the statement and GL sheets."""
from __future__ import annotations

from ...excel_templates.sheet_writer import Column

KIND = "Manual"
ITEMS_SHEET = "Reconciling Items"
SHEET_NAMES = ("Summary", ITEMS_SHEET, "Audit", "Review")
SHEETS: dict[str, tuple[str, tuple[Column, ...]]] = {
    ITEMS_SHEET: ("tblItems", (Column("item_id", "int", 9), Column("date", "date", 12),
                               Column("amount", "money", 16), Column("description", width=40),
                               Column("owner", width=16), Column("due_date", "date", 12),
                               Column("age_days", "int", 10), Column("status", width=14),
                               Column("notes", width=40))),
}
ITEM_INPUTS = ("date", "amount", "description", "owner", "due_date", "status", "notes")
ITEMS_SHOWN = "ItemsShown"  # workbook setting: ids of the items the sheet showed (a deleted row deletes its item)
# Summary: the balances the preparer types, below the figures (label in A, value in B).
BALANCE_INPUTS = (("GL balance", "gl_balance", "gl-balance"),
                  ("Support balance", "support_balance", "support-balance"))


def is_manual(state) -> bool:
    return (state.account or {}).get("kind") == KIND

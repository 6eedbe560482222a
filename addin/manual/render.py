"""The Manual workbook's sheets from the server's state: Summary (the balances and the difference, with the
balances the preparer types), Reconciling Items, Audit and Review, then the stage's locks. Pure rows here,
written through the workbook adapter's interface only."""
from __future__ import annotations

from decimal import Decimal

from ...excel_templates.reconciliation_workbook import SHEETS as BANK_SHEETS
from .. import locking, review_sheet, sheets
from ..sheet_cells import column_span, equal_colours
from ..workbook import Choice, WorkbookAdapter
from . import items as item_records
from .layout import BALANCE_INPUTS, ITEMS_SHEET, ITEMS_SHOWN, SHEET_NAMES, SHEETS

def summary_rows(state) -> list[tuple]:
    """The figures table: GL balance - support balance - items = difference (the server's figures)."""
    f = state.figure
    n = state.rec["figures"].get("manual_items", 0)
    diff = f("difference")
    return [
        ("GL balance", state.gl_balance, f"GL account {state.cash_account or '(not set)'} at {state.period_end}"
         if state.gl_balance is not None else "enter it under Balances below"),
        ("Less: support balance", f("support_balance"), "the subledger, schedule or confirmation behind the account"
         if f("support_balance") is not None else "enter it under Balances below"),
        ("Less: reconciling items", f("manual_items_total"), f"{n} item(s) on {ITEMS_SHEET}"),
        ("Difference", diff if diff is not None else "n/a",
         "GL balance - support balance - items; must be 0.00 to submit. " + sheets.difference_note(state)),
    ]


def item_rows(state) -> list[tuple]:
    return item_records.rows(state.items, state.period_end)


def open_item_rows(state) -> list[tuple]:
    """The items not resolved, in the Unmatched sheet's columns (the report lists them as its open items)."""
    return [("item", str(i.id), i.date, i.amount, i.description, item_records.age(i, state.period_end), i.status,
             "", i.owner, i.due_date, i.notes) for i in state.items if i.status != "resolved"]


def summary_values(state) -> dict[str, str]:
    """The values of Summary's labelled cells that differ from a bank reconciliation's."""
    n = len(state.items)
    oldest = max((item_records.age(i, state.period_end) for i in state.items), default=0)
    return {"Account": f"{state.account['name']} (Manual account, GL account {state.cash_account or 'not set'})",
            "Lines matched": f"no statement lines: {n} reconciling item(s)"
                             + (f", the oldest {oldest} days old" if n else ""),
            "Match rate": "n/a (Manual account)"}


def sheet_rows(state) -> dict[str, list[tuple]]:
    return {"Summary": summary_rows(state), ITEMS_SHEET: item_rows(state), "Audit": sheets.audit_rows(state),
            "Review": review_sheet.check_rows(state)}


def balance_cells(first_row: int) -> dict[str, str]:
    """Where each entered balance is: {field: "B<row>"} under the heading at `first_row`."""
    return {field: f"B{first_row + 1 + i}" for i, (_, field, _) in enumerate(BALANCE_INPUTS)}


def _write_summary(book: WorkbookAdapter, state, rows: list[tuple]) -> tuple[str, ...]:
    table, cols = BANK_SHEETS["Summary"]
    book.write_table("Summary", table, cols, rows, first_row=sheets.SUMMARY_TABLE_ROW)
    cells = sheets.summary_cells(state)
    head = sheets.SUMMARY_BLOCKS_ROW
    cells[f"A{head}"] = "Balances (type the GL balance and the support balance at the period end)"
    where = balance_cells(head)
    values = {"gl_balance": state.gl_balance, "support_balance": state.figure("support_balance")}
    for label, field, _ in BALANCE_INPUTS:
        cells["A" + where[field][1:]] = label
        cells[where[field]] = values[field]
    book.set_cells("Summary", cells)
    return tuple(where.values())


def render(book: WorkbookAdapter, state) -> dict[str, locking.TableLayout]:
    """Writes the Manual workbook's sheets, then applies the stage's locks; returns the layouts."""
    locking.release(book, SHEET_NAMES)
    rows = sheet_rows(state)
    layouts = {"Summary": locking.TableLayout(sheets.SUMMARY_TABLE_ROW, sheets.headers("Summary"),
                                              len(rows["Summary"]))}
    inputs = _write_summary(book, state, rows["Summary"])
    for sheet in (ITEMS_SHEET, "Audit"):
        table, cols = {**BANK_SHEETS, **SHEETS}[sheet]
        book.write_table(sheet, table, cols, rows[sheet])
        layouts[sheet] = locking.TableLayout(1, sheets.headers(sheet), len(rows[sheet]))
    table, cols = BANK_SHEETS[review_sheet.SHEET]
    book.write_table(review_sheet.SHEET, table, cols, rows["Review"])
    review_sheet.write_blocks(book, state, len(rows["Review"]) + 3)
    layouts["Review"] = locking.TableLayout(1, sheets.headers("Review"), len(rows["Review"]))
    # which items the sheet shows: a row the preparer deletes is then deleted on the server
    book.set_setting(ITEMS_SHOWN, ",".join(str(i.id) for i in state.items))
    _decorate(book, state, {s: len(r) for s, r in rows.items()})
    cells = {locking.COMMENT_CELL: sheets.SUMMARY_CELLS["Review comment"], locking.SUMMARY_INPUTS: inputs}
    locking.apply(book, state.status, layouts, {"Summary": cells})
    return layouts


def _decorate(book: WorkbookAdapter, state, n: dict[str, int]) -> None:
    """The bank workbook's colours and drop-downs for Summary and Review; item statuses in colour."""
    sheets.decorate_summary(book, state, f"B{sheets.SUMMARY_TABLE_ROW + n['Summary']}")
    status = column_span(ITEMS_SHEET, "status", 1, n[ITEMS_SHEET])
    book.colour_rules(ITEMS_SHEET, equal_colours(status, {"open": sheets.AMBER, "resolved": "C6EFCE"}))
    # the drop-down reaches below the items, for the rows the preparer adds
    room = column_span(ITEMS_SHEET, "status", 1, n[ITEMS_SHEET] + 50)
    book.set_choices(ITEMS_SHEET, [Choice(room, item_records.STATUSES, prompt="open, investigating or resolved")])
    sheets.decorate_review(book, n["Review"])


def entered_balances(book: WorkbookAdapter) -> dict[str, Decimal | None]:
    """The balances typed under Balances on Summary ({field: amount or None when blank})."""
    from ..handlers.context import parse_money

    out = {}
    for label, field, _ in BALANCE_INPUTS:
        ref = balance_cells(sheets.SUMMARY_BLOCKS_ROW)[field]
        value = book.read_range("Summary", ref)[0][0]
        out[field] = None if sheets.text(value) == "" else parse_money(value, f"Summary!{ref} ({label})")
    return out

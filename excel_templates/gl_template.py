"""The GL import template for users without an ERP connection: its layout as data, its generator, its filler.

The layout below is the one source of truth: the generator draws the workbook from it and
`tieout.server.gl_import` reads filled copies by the same names, so a renamed column is renamed everywhere.
The checked-in `GL-Import-Template.xlsx` is regenerated with `python -m tieout.excel_templates.gl_template [OUT]`;
saving is deterministic (fixed timestamps, fixed zip entries), so a regeneration is byte-identical.
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.workbook.protection import WorkbookProtection

# The pieces every import template shares; the bounds and formats are re-exported here for gl_import.
from .template_kit import (AMOUNT_FORMAT, DATE_FORMAT, MAX_ABS_AMOUNT, MAX_DATE, MIN_DATE,  # noqa: F401
                           TEXT_FORMAT, Column, Field, choice_rule, fit_table, put, rule, save_deterministic,
                           write_field_block, write_input_table, write_instructions)

TEMPLATE_PATH = Path(__file__).with_name("GL-Import-Template.xlsx")
TEMPLATE_VERSION = "1"

INSTRUCTIONS_SHEET = "Instructions"
BALANCE_SHEET = "GL Balance"
LINES_SHEET = "GL Lines"
LINES_TABLE = "GLLines"
INPUT_ROWS = 1000  # empty table rows ready for typing or pasting; more may be pasted directly below the table

SOURCE_CHOICES = ("AP", "AR", "JE", "Payroll", "Bank", "Other")


BALANCE_FIELDS = (
    Field("account", "GL account", "text", True,
          "Required. The number or code of the cash account in your ledger, e.g. 1010."),
    Field("account_name", "Account name", "text", False,
          "Optional. e.g. Operating account - First Bank."),
    Field("currency", "Currency", "currency", True,
          "Required. Three-letter code, e.g. USD, EUR, GBP. Every GL line is in this currency."),
    Field("period_end", "Period end date", "date", True,
          "Required. The last day of the period you reconcile, e.g. 2024-03-31."),
    Field("balance", "GL balance at period end", "amount", True,
          "Required. The ledger balance on the period end date. Money in the bank is positive; "
          "an overdraft (credit balance) is negative."),
)

COLUMNS = (
    Column("date", "Date", "date", 12, "Posting date, e.g. 2024-03-15. Required on every line."),
    Column("reference", "Reference", "text", 16, "Check, invoice or journal number. Optional."),
    Column("description", "Description", "text", 44, "What the line is. Optional."),
    Column("amount", "Amount", "amount", 15,
           "+ money into the bank (debit to cash), - money out. Or leave empty and use Debit/Credit."),
    Column("debit", "Debit", "unsigned", 14, "Money into the bank, as a positive number. Leave Amount empty."),
    Column("credit", "Credit", "unsigned", 14, "Money out of the bank, as a positive number. Leave Amount empty."),
    Column("source", "Source", "text", 11, "Where the line came from: AP, AR, JE, Payroll... Optional."),
    Column("counterparty", "Counterparty", "text", 28, "Customer, vendor or employee. Optional."),
)

# The Instructions sheet, one paragraph per row: (style, text). Plain words for an accountant.
INSTRUCTIONS = (
    ("title", "Tieout - GL import template"),
    ("text", "Use this workbook when Tieout is not connected to your accounting system. Type or paste the "
             "general-ledger (GL) balance and the GL lines of the bank account you reconcile, save the file, "
             "and import it into Tieout."),
    ("heading", "1. Sheet 'GL Balance': one block, five cells"),
    ("bullet", "GL account (required): the number or code of the cash account in your ledger, e.g. 1010."),
    ("bullet", "Account name (optional): e.g. Operating account - First Bank."),
    ("bullet", "Currency (required): the three-letter code, e.g. USD, EUR, GBP. All lines are in this currency."),
    ("bullet", "Period end date (required): the last day of the period you reconcile, e.g. 2024-03-31."),
    ("bullet", "GL balance at period end (required): the ledger balance of the account on that date. "
               "A debit balance (money in the bank) is positive; an overdraft is negative."),
    ("heading", "2. Sheet 'GL Lines': one row per GL line posted to this account"),
    ("bullet", "Date (required): the posting date. Type it as a date (e.g. 2024-03-15). Dates typed as text are "
               "read as 2024-03-15, 03/15/2024 (month first) or 15/03/2024 and 15.03.2024 (day first); a date "
               "such as 03/04/2024 that reads both ways must be typed 2024-04-03 unless another date in the "
               "file shows which order you use."),
    ("bullet", "Amount: + for money into the bank account (a debit to cash: receipts, deposits, transfers in), "
               "- for money out (a credit to cash: payments, checks, fees, transfers out)."),
    ("bullet", "Or, instead of Amount, Debit and Credit: Debit = money in, Credit = money out, both as positive "
               "numbers. Fill Amount, or Debit, or Credit: only one of them on a row."),
    ("bullet", "Numbers may be typed or pasted as text too: 1,234.50 or (1,234.50) for a negative, "
               "or with the currency sign."),
    ("bullet", "Reference, Description, Source (AP, AR, JE, Payroll... pick from the list or type your own) "
               "and Counterparty are optional."),
    ("bullet", f"The table has {INPUT_ROWS:,} rows ready. Empty rows are skipped. More rows may be pasted "
               "directly below the table; they are imported too."),
    ("heading", "3. What happens on import"),
    ("bullet", "Tieout checks every row before it imports anything. If any row has a problem, nothing is "
               "imported and you get the list of all problems, each with its row number and column, e.g. "
               "\"line 14, field 'Amount': not a number: 'abc'\", so you can fix them in one pass."),
    ("bullet", "Checked: dates are real dates; amounts are numbers; a row fills only one of Amount, Debit, "
               "Credit; Debit and Credit are not negative; every non-empty row has a date and an amount; "
               "the balance block is complete."),
    ("bullet", "A line dated after the period end date is refused: it belongs to the next period, and the GL "
               "balance at period end does not include it. Remove it or correct the period end date."),
    ("bullet", "Formulas are fine: the value Excel calculated is imported. Text that starts with = is kept as "
               "text in Reference, Description, Source and Counterparty."),
    ("bullet", "Each line is known by its row number (row 14 becomes GL-14): sort or delete rows before you "
               "import, not between an import and the review."),
    ("heading", "4. Protection"),
    ("bullet", "Labels and column headings are protected so that the import finds them; the input cells are "
               "unlocked. There is no password: Review > Unprotect Sheet if you must, but keep the sheet names "
               "and the column headings as they are."),
    ("text", f"Template version {TEMPLATE_VERSION}."),
)


def _column_rule(col: Column) -> dict:
    if col.key == "source":
        return choice_rule(SOURCE_CHOICES, "Not one of the usual sources; it is kept as you typed it.", strict=False)
    return rule(col.kind)


def build_workbook() -> Workbook:
    """The empty template, in memory."""
    wb = Workbook()
    write_instructions(wb.active, INSTRUCTIONS)
    wb.active.title = INSTRUCTIONS_SHEET
    write_field_block(wb.create_sheet(BALANCE_SHEET), BALANCE_FIELDS)
    write_input_table(wb.create_sheet(LINES_SHEET), COLUMNS, LINES_TABLE, INPUT_ROWS, _column_rule)
    # Sheet names are what the importer looks for: lock the structure (no password, like the sheets).
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def generate(out: str | Path = TEMPLATE_PATH) -> Path:
    """Write the empty template to `out`."""
    return save_deterministic(build_workbook(), out)


def fill_gl_template(template_path, out_path, balance, lines, *, debit_credit: bool = False,
                     account_name: str = "") -> Path:
    """Write a filled copy of the template: the balance block and one table row per ledger line.

    template_path None means the checked-in template. `debit_credit=True` writes Debit/Credit columns
    instead of signed amounts. Used by the demo and the tests; protection and validations are kept.
    """
    if any(ln.currency and balance.currency and ln.currency != balance.currency for ln in lines):
        raise ValueError(f"every line must be in the balance's currency {balance.currency}")
    wb = load_workbook(template_path or TEMPLATE_PATH)
    ws = wb[BALANCE_SHEET]
    values = {"account": balance.account, "account_name": account_name, "currency": balance.currency,
              "period_end": balance.period_end, "balance": balance.balance}
    for row, f in enumerate(BALANCE_FIELDS, start=2):
        put(ws.cell(row=row, column=2), values[f.key], f.kind)
    ws = wb[LINES_SHEET]
    index = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
    for row, ln in enumerate(lines, start=2):
        cells = {"date": ln.date, "reference": ln.reference, "description": ln.description,
                 "source": ln.source, "counterparty": ln.counterparty}
        if debit_credit:
            cells["debit" if ln.amount >= 0 else "credit"] = abs(ln.amount)
        else:
            cells["amount"] = ln.amount
        for col in COLUMNS:
            put(ws.cell(row=row, column=index[col.key]), cells.get(col.key), col.kind)
    fit_table(ws, LINES_TABLE, len(COLUMNS), INPUT_ROWS, len(lines))
    return save_deterministic(wb, out_path, compress=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = generate(args[0] if args else TEMPLATE_PATH)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

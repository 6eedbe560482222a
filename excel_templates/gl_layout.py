"""The GL import template's layout as data: sheet names, the balance block's fields, the lines' columns and
the instructions.

Kept apart from the workbook writer (gl_template.py) and free of openpyxl, as the statement template's layout
is: `tieout.server.templates.gl_import` reads filled copies by these names.
"""
from __future__ import annotations

from pathlib import Path

from .template_layout import (ALL_AT_ONCE_HELP, TEXT_DATES_HELP, Column, Field, TemplateLayout, choice_rule,
                              more_rows_help, protection_help, rule)

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
    ("bullet", "Date (required): the posting date. " + TEXT_DATES_HELP),
    ("bullet", "Amount: + for money into the bank account (a debit to cash: receipts, deposits, transfers in), "
               "- for money out (a credit to cash: payments, checks, fees, transfers out)."),
    ("bullet", "Or, instead of Amount, Debit and Credit: Debit = money in, Credit = money out, both as positive "
               "numbers. Fill Amount, or Debit, or Credit: only one of them on a row."),
    ("bullet", "Numbers may be typed or pasted as text too: 1,234.50 or (1,234.50) for a negative, "
               "or with the currency sign."),
    ("bullet", "Reference, Description, Source (AP, AR, JE, Payroll... pick from the list or type your own) "
               "and Counterparty are optional."),
    more_rows_help(INPUT_ROWS),
    ("heading", "3. What happens on import"),
    ALL_AT_ONCE_HELP,
    ("bullet", "Checked: dates are real dates; amounts are numbers; a row fills only one of Amount, Debit, "
               "Credit; Debit and Credit are not negative; every non-empty row has a date and an amount; "
               "the balance block is complete."),
    ("bullet", "A line dated after the period end date is refused: it belongs to the next period, and the GL "
               "balance at period end does not include it. Remove it or correct the period end date."),
    ("bullet", "Formulas are fine: the value Excel calculated is imported. Text that starts with = is kept as "
               "text in Reference, Description, Source and Counterparty."),
    ("bullet", "Each line is known by its row number (row 14 becomes GL-14): sort or delete rows before you "
               "import, not between an import and the review."),
    *protection_help(TEMPLATE_VERSION),
)


def _column_rule(col: Column) -> dict:
    if col.key == "source":
        return choice_rule(SOURCE_CHOICES, "Not one of the usual sources; it is kept as you typed it.", strict=False)
    return rule(col.kind)


LAYOUT = TemplateLayout(TEMPLATE_PATH, INSTRUCTIONS, INSTRUCTIONS_SHEET, BALANCE_SHEET, BALANCE_FIELDS, LINES_SHEET,
                        COLUMNS, LINES_TABLE, INPUT_ROWS, _column_rule)

"""The bank statement import template's layout as data: sheet names, the statement block's fields, the lines'
columns, the instructions, and the marker name that tells a filled copy by its content.

Kept apart from the workbook writer (statement_template.py) and free of openpyxl: the format registry loads
`tieout.server.importers.statement_template`, which finds the cells by these names, on every `tieout import`.
"""
from __future__ import annotations

from pathlib import Path

from ..server.records import BANK_TYPES
from .template_layout import (ALL_AT_ONCE_HELP, TEXT_DATES_HELP, Column, Field, TemplateLayout, choice_rule,
                              more_rows_help, protection_help, rule)

TEMPLATE_PATH = Path(__file__).with_name("Statement-Import-Template.xlsx")
TEMPLATE_VERSION = "1"

INSTRUCTIONS_SHEET = "Instructions"
STATEMENT_SHEET = "Statement"
LINES_SHEET = "Statement Lines"
LINES_TABLE = "StatementLines"
INPUT_ROWS = 1000  # empty table rows ready for typing or pasting; more may be pasted directly below the table
# A workbook-level name holding the template version: how the importer knows the file by content.
MARKER_NAME = "TieoutStatementTemplate"

STATEMENT_FIELDS = (
    Field("account", "Bank account", "text", True,
          "Required. The account number or IBAN as the statement prints it, e.g. 000123456789."),
    Field("currency", "Currency", "currency", True,
          "Required. Three-letter code, e.g. USD, EUR, GBP. Every line is in this currency."),
    Field("period_start", "Statement start date", "date", True,
          "Required. The first day the statement covers, e.g. 2024-03-01."),
    Field("period_end", "Statement end date", "date", True,
          "Required. The last day the statement covers, e.g. 2024-03-31."),
    Field("opening_balance", "Opening balance", "amount", True,
          "Required. The balance before the first line, as printed. Money in the account is positive; "
          "an overdrawn balance is negative."),
    Field("closing_balance", "Closing balance", "amount", True,
          "Required. The balance after the last line, as printed. Opening balance + the lines must equal it."),
    Field("statement_id", "Statement number", "text", False,
          "Optional. The statement's number or page reference, e.g. 2024/03."),
)

COLUMNS = (
    Column("date", "Date", "date", 12, "Booking date, e.g. 2024-03-15. Required on every line."),
    Column("description", "Description", "text", 44, "What the statement says: payee, payer, memo. Optional."),
    Column("reference", "Reference", "text", 18, "The bank's or the payment's reference. Optional."),
    Column("amount", "Amount", "amount", 15,
           "+ money in, - money out. Or leave empty and use Money in / Money out."),
    Column("money_in", "Money in", "unsigned", 14, "Money into the account, as a positive number. Leave Amount empty."),
    Column("money_out", "Money out", "unsigned", 14,
           "Money out of the account, as a positive number. Leave Amount empty."),
    Column("type", "Type", "text", 13, "Pick from the list: check, deposit, card, fee, interest... Optional."),
    Column("check_number", "Check number", "text", 14, "The check (cheque) number, for a check. Optional."),
)

INSTRUCTIONS = (
    ("title", "Tieout - bank statement import template"),
    ("text", "Use this workbook when Tieout could not read your bank's file: the bank changed its export, or "
             "Tieout does not know the format. Type or paste the statement here (from the PDF or the paper "
             "statement), save the file, and import it into Tieout like any bank file. Your general-ledger "
             "lines go in the other template, GL-Import-Template.xlsx."),
    ("heading", "1. Sheet 'Statement': one block, seven cells"),
    ("bullet", "Bank account (required): the account number or IBAN as the statement prints it."),
    ("bullet", "Currency (required): the three-letter code, e.g. USD, EUR, GBP. All lines are in this currency."),
    ("bullet", "Statement start date and Statement end date (required): the period the statement covers, "
               "e.g. 2024-03-01 and 2024-03-31."),
    ("bullet", "Opening balance and Closing balance (required): as printed on the statement. Money in the "
               "account is positive; an overdrawn balance is negative (or type it with DR, e.g. 150.00 DR)."),
    ("bullet", "Statement number (optional)."),
    ("heading", "2. Sheet 'Statement Lines': one row per line of the statement"),
    ("bullet", "Date (required): the booking date. " + TEXT_DATES_HELP),
    ("bullet", "Amount: + for money in (deposits, receipts, interest, transfers in), - for money out "
               "(payments, checks, card purchases, fees, transfers out)."),
    ("bullet", "Or, instead of Amount, the two columns Money in and Money out, both as positive numbers, as many "
               "statements print them. Fill Amount, or Money in, or Money out: only one of them on a row."),
    ("bullet", "Numbers may be typed or pasted as text too: 1,234.50, (1,234.50) for a negative, with the "
               "currency sign, or as the bank prints them with CR (money in) or DR (money out), "
               "e.g. 25.00 DR is -25.00."),
    ("bullet", "Type (optional): pick from the list (" + ", ".join(BANK_TYPES) + "). Empty means other, "
               "or check when a check number is given."),
    ("bullet", "Description, Reference and Check number are optional; the more you copy from the statement, "
               "the better Tieout matches the lines to your GL."),
    more_rows_help(INPUT_ROWS),
    ("heading", "3. What happens on import"),
    ("bullet", "Import the saved workbook as you would a bank file (tieout import FILE --out LINES.csv). "
               "Tieout recognises this template by itself."),
    ALL_AT_ONCE_HELP,
    ("bullet", "Checked: the statement block is complete; dates are real dates within the statement period; "
               "amounts are numbers; a row fills only one of Amount, Money in, Money out; Money in and Money "
               "out are not negative; the type is one of the list."),
    ("bullet", "Then the statement must balance: opening balance + every line = closing balance. If it does "
               "not, the difference is shown: a line is missing, doubled or has the wrong sign."),
    ("bullet", "Formulas are fine: the value Excel calculated is imported. Text that starts with = is kept as "
               "text in Description, Reference and Check number."),
    ("bullet", "Each line is known by its row number (row 14 becomes T-14): sort or delete rows before you "
               "import, not between an import and the review."),
    *protection_help(TEMPLATE_VERSION),
)


def _column_rule(col: Column) -> dict:
    if col.key == "type":
        return choice_rule(BANK_TYPES, "Pick one of the listed types (or leave the cell empty).", strict=True)
    return rule(col.kind)


LAYOUT = TemplateLayout(TEMPLATE_PATH, INSTRUCTIONS, INSTRUCTIONS_SHEET, STATEMENT_SHEET, STATEMENT_FIELDS,
                        LINES_SHEET, COLUMNS, LINES_TABLE, INPUT_ROWS, _column_rule)

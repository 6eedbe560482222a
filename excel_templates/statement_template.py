"""The bank statement import template: the manual fallback when a bank's file cannot be read.

When an export's layout changed or its format is unknown, the user types or pastes the statement here and
imports the workbook like any bank file; `tieout.server.importers.statement_template` recognises it by its
marker and reads it by the names below (the one source of truth, as for the GL template).
The checked-in `Statement-Import-Template.xlsx` is regenerated with
`python -m tieout.excel_templates.statement_template [OUT]`; the save is deterministic (byte-identical).
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from ..server.records import BANK_TYPES
from .template_kit import (ALL_AT_ONCE_HELP, TEXT_DATES_HELP, Column, Field, TemplateLayout, amount_cells,
                           build_template, choice_rule, fill_template, more_rows_help, protection_help,
                           regenerate_main, rule, save_deterministic)

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


def build_workbook() -> Workbook:
    """The empty template, in memory, with its marker name."""
    wb = build_template(LAYOUT)
    wb.defined_names[MARKER_NAME] = DefinedName(MARKER_NAME, attr_text=f'"{TEMPLATE_VERSION}"')
    return wb


def generate(out: str | Path = TEMPLATE_PATH) -> Path:
    """Write the empty template to `out`."""
    return save_deterministic(build_workbook(), out)


def fill_statement_template(template_path, out_path, statement, *, money_in_out: bool = False) -> Path:
    """Write a filled copy of the template from a `Statement`: its block and one table row per line.

    template_path None means the checked-in template. `money_in_out=True` writes Money in / Money out
    columns instead of signed amounts. A balance or date that is None is left empty. Used by the tests
    (and anyone scripting the fallback); protection and validations are kept.
    """
    if any(ln.currency and statement.currency and ln.currency != statement.currency for ln in statement.lines):
        raise ValueError(f"every line must be in the statement's currency {statement.currency}")
    values = {"account": statement.account, "currency": statement.currency,
              "period_start": statement.period_start, "period_end": statement.period_end,
              "opening_balance": statement.opening_balance, "closing_balance": statement.closing_balance,
              "statement_id": statement.statement_id}
    rows = [{"date": ln.date, "description": ln.description, "reference": ln.reference, "type": ln.type,
             "check_number": ln.check_number, **amount_cells(ln.amount, money_in_out, "money_in", "money_out")}
            for ln in statement.lines]
    return fill_template(LAYOUT, template_path, out_path, values, rows)


def main(argv: list[str] | None = None) -> int:
    return regenerate_main(generate, argv)


if __name__ == "__main__":
    sys.exit(main())

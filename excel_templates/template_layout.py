"""The import templates' layout as data: fields, columns, sheet names, value bounds, validation settings and the
instruction paragraphs every template shares. No openpyxl here: the server's readers (the format registry
loads the statement template's importer) find cells by these names without loading the workbook writer.

template_kit.py draws and fills workbooks from a TemplateLayout; gl_layout.py and statement_layout.py hold the
two templates' layouts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Sequence

# Bounds shared by Excel's data validation and the importers' checks, so both refuse the same values.
MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)
MAX_ABS_AMOUNT = Decimal("9999999999999.99")  # 15 significant digits: the most Excel stores exactly


# Instruction paragraphs every template shares word for word: they describe what the kit and the server's
# cell reader (server/templates/template_read.py, server/templates/template_cells.py) do for every template alike.
TEXT_DATES_HELP = ("Type it as a date (e.g. 2024-03-15). Dates typed as text are read as 2024-03-15, 03/15/2024 "
                   "(month first) or 15/03/2024 and 15.03.2024 (day first); a date such as 03/04/2024 that reads "
                   "both ways must be typed 2024-04-03 unless another date in the file shows which order you use.")
ALL_AT_ONCE_HELP = ("bullet", "Tieout checks every row before it imports anything. If any row has a problem, nothing "
                              "is imported and you get the list of all problems, each with its row number and column, "
                              "e.g. \"line 14, field 'Amount': not a number: 'abc'\", so you can fix them in one pass.")


def more_rows_help(input_rows: int) -> tuple[str, str]:
    return ("bullet", f"The table has {input_rows:,} rows ready. Empty rows are skipped. More rows may be pasted "
                      "directly below the table; they are imported too.")


def protection_help(version: str) -> tuple[tuple[str, str], ...]:
    """The closing section: what protect() guards, and the template's version."""
    return (
        ("heading", "4. Protection"),
        ("bullet", "Labels and column headings are protected so that the import finds them; the input cells are "
                   "unlocked. There is no password: Review > Unprotect Sheet if you must, but keep the sheet names "
                   "and the column headings as they are."),
        ("text", f"Template version {version}."),
    )


@dataclass(frozen=True)
class Field:
    """One input of a label/value block (label in column A, value in column B)."""

    key: str
    label: str
    kind: str  # text | currency | date | amount
    required: bool
    help: str


@dataclass(frozen=True)
class Column:
    """One column of an input table."""

    key: str
    header: str
    kind: str  # date | amount | unsigned | text
    width: float
    prompt: str


@dataclass(frozen=True)
class TemplateLayout:
    """One import template as data: an Instructions sheet, a label/value block and an input table. The
    generator (template_kit.py) draws the workbook from it, and the server's reader finds the cells by the same
    names."""

    path: Path  # the checked-in template
    instructions: Sequence[tuple[str, str]]  # (style, text) paragraphs, see template_kit.write_instructions
    instructions_sheet: str
    block_sheet: str
    fields: Sequence[Field]
    lines_sheet: str
    columns: Sequence[Column]
    table: str  # the Excel Table's name on the lines sheet
    input_rows: int  # empty table rows ready for typing or pasting
    column_rule: Callable[[Column], dict]  # a column's data validation settings


def excel_date(d: dt.date) -> str:
    return f"DATE({d.year},{d.month},{d.day})"


def rule(kind: str) -> dict:
    """The data validation settings of one kind of input (no validation for free text)."""
    amount = str(MAX_ABS_AMOUNT)
    return {
        "date": dict(type="date", operator="between", formula1=excel_date(MIN_DATE), formula2=excel_date(MAX_DATE),
                     error=f"Type a date between {MIN_DATE} and {MAX_DATE}, e.g. 2024-03-15."),
        "amount": dict(type="decimal", operator="between", formula1=f"-{amount}", formula2=amount,
                       error="Type a number: + money in, - money out."),
        "unsigned": dict(type="decimal", operator="between", formula1="0", formula2=amount,
                         error="Type a positive number (or use the Amount column with a sign)."),
        "currency": dict(type="textLength", operator="equal", formula1="3",
                         error="Type a three-letter currency code, e.g. USD."),
        "text": dict(type=None),
    }[kind]


def choice_rule(choices: Sequence[str], error: str, strict: bool) -> dict:
    """A drop-down list; `strict` refuses other values, otherwise Excel only informs."""
    settings = dict(type="list", formula1='"' + ",".join(choices) + '"', error=error)
    if not strict:
        settings["errorStyle"] = "information"
    return settings

"""The bank statement import template's generator and filler: the manual fallback when a bank's file cannot
be read.

When an export's layout changed or its format is unknown, the user types or pastes the statement here and
imports the workbook like any bank file; `tieout.server.importers.statement_template` recognises it by its
marker and reads it by the names of statement_layout.py (the one source of truth, as for the GL template).
The checked-in `Statement-Import-Template.xlsx` is regenerated with
`python -m tieout.excel_templates.statement_template [OUT]`; the save is deterministic (byte-identical).
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

# The layout (statement_layout.py, without openpyxl), re-exported here for the tests and callers.
from .statement_layout import (COLUMNS, INPUT_ROWS, INSTRUCTIONS, INSTRUCTIONS_SHEET, LAYOUT,  # noqa: F401
                               LINES_SHEET, LINES_TABLE, MARKER_NAME, STATEMENT_FIELDS, STATEMENT_SHEET,
                               TEMPLATE_PATH, TEMPLATE_VERSION)
from .template_kit import amount_cells, build_template, fill_template, regenerate_main, save_deterministic



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

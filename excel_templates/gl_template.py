"""The GL import template for users without an ERP connection: its generator and its filler.

The layout (gl_layout.py) is the one source of truth: the generator draws the workbook from it and
`tieout.server.templates.gl_import` reads filled copies by the same names, so a renamed column is renamed everywhere.
The checked-in `GL-Import-Template.xlsx` is regenerated with `python -m tieout.excel_templates.gl_template [OUT]`;
saving is deterministic (fixed timestamps, fixed zip entries), so a regeneration is byte-identical.
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

# The layout (gl_layout.py, without openpyxl) and the formats, re-exported here for the tests and callers.
from .gl_layout import (BALANCE_FIELDS, BALANCE_SHEET, COLUMNS, INPUT_ROWS, INSTRUCTIONS,  # noqa: F401
                        INSTRUCTIONS_SHEET, LAYOUT, LINES_SHEET, LINES_TABLE, SOURCE_CHOICES, TEMPLATE_PATH,
                        TEMPLATE_VERSION)
from .template_kit import (AMOUNT_FORMAT, DATE_FORMAT, TEXT_FORMAT, amount_cells, build_template,  # noqa: F401
                           fill_template, regenerate_main, save_deterministic)


def build_workbook() -> Workbook:
    """The empty template, in memory."""
    return build_template(LAYOUT)


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
    values = {"account": balance.account, "account_name": account_name, "currency": balance.currency,
              "period_end": balance.period_end, "balance": balance.balance}
    rows = [{"date": ln.date, "reference": ln.reference, "description": ln.description, "source": ln.source,
             "counterparty": ln.counterparty, **amount_cells(ln.amount, debit_credit, "debit", "credit")}
            for ln in lines]
    return fill_template(LAYOUT, template_path, out_path, values, rows)


def main(argv: list[str] | None = None) -> int:
    return regenerate_main(generate, argv)


if __name__ == "__main__":
    sys.exit(main())

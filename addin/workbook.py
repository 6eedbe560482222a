"""What a button handler may do to a workbook. Two adapters implement it, both real product paths:
`XlsxWorkbook` (a saved .xlsx through openpyxl: batch mode, CI, users without Excel) and `ExcelWorkbook`
(the live workbook through xlwings' open-source API). Handlers are written once against this protocol."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..excel_templates.sheet_writer import Column


@dataclass(frozen=True)
class ColourRule:
    """Conditional colouring of `ref`: kind "equal"/"notEqual" compares each cell with `value` (a formula
    operand such as '"Approved"' or '0'); kind "formula" colours where the formula `value` is true."""

    ref: str
    kind: str
    value: str
    colour: str  # RRGGBB


@dataclass(frozen=True)
class Choice:
    """A drop-down (data validation list) on `ref`: from fixed `values`, or from the workbook name `named`."""

    ref: str
    values: tuple[str, ...] = ()
    named: str | None = None
    prompt: str = ""


class WorkbookAdapter(Protocol):
    path: Path | None  # the workbook's file; None when it was never saved (files are written next to it)
    # True when a person is at the workbook (live Excel: dialogs answer, messages are read in a message box);
    # False in batch mode, where options answer and a message may name the option to give
    interactive: bool

    def sheet_names(self) -> list[str]:
        """Names of the sheets, in order."""

    def read_table(self, sheet: str) -> list[dict]:
        """The rows of the Excel Table on `sheet` as dicts keyed by header; blank rows skipped."""

    def read_table_rows(self, sheet: str) -> list[tuple[int, dict]]:
        """As read_table, each row with its sheet row number (the number Excel shows at the left), so that a
        message about a row can name the row the user sees even when blank rows were skipped."""

    def write_table(self, sheet: str, table_name: str, columns: Sequence[Column], rows: Iterable[Sequence],
                    first_row: int = 1) -> int:
        """Replace the Table on `sheet` (creating sheet and table as needed); returns the rows written."""

    def selected_ids(self, sheet: str) -> list[str]:
        """The line_id values of the table rows the user selected on `sheet`."""

    def visible_ids(self, sheet: str) -> list[str]:
        """The line_id values of the table rows a filter leaves visible on `sheet` (every row when none is
        hidden)."""

    def active_sheet(self) -> str | None:
        """The sheet the user is on when pressing the button (None in batch mode)."""

    def get_setting(self, name: str) -> str | None:
        """A value the add-in keeps in the workbook (reconciliation id, server URL...)."""

    def set_setting(self, name: str, value: str) -> None: ...

    def set_cells(self, sheet: str, values: dict[str, object]) -> None:
        """Write single cells by address, e.g. {"B5": "In Review"}."""

    def protect(self, sheet: str, unlocked: Sequence[str] = ()) -> None:
        """Protect `sheet`: every cell locked but the given ranges (e.g. "H2:K500"), which stay editable."""

    def unprotect(self, sheet: str) -> None: ...

    def as_written(self, sheet: str) -> bool:
        """The sheet holds what the add-in last wrote there (no one typed over it since): a render whose data did
        not change may leave it as it is. False when unsure."""

    def is_protected(self, sheet: str) -> bool: ...

    def protect_structure(self, on: bool) -> None:
        """Lock or unlock the workbook structure (no adding, deleting or renaming sheets)."""

    def status(self, text: str) -> None:
        """Progress for the user (Excel's status bar; stderr in batch mode)."""

    def alert(self, text: str, title: str = "Tieout") -> None:
        """A message the user must see (a message box in Excel)."""

    def save(self) -> None: ...

    def read_range(self, sheet: str, ref: str) -> list[list]:
        """Values of a rectangular range, row by row (e.g. a list the user keeps on the Rules sheet)."""

    def colour_rules(self, sheet: str, rules: Sequence[ColourRule]) -> None:
        """Replace the sheet's conditional colours (status colours follow the values as they change)."""

    def set_choices(self, sheet: str, choices: Sequence[Choice]) -> None:
        """Replace the sheet's drop-down lists."""

    def define_range(self, name: str, sheet: str, ref: str) -> None:
        """A workbook name for a range, e.g. the chart of accounts a drop-down lists."""

    def ask_file(self, title: str) -> str | None:
        """A file the user picks in a dialog (None: cancelled, or no dialog in batch mode)."""

    def ask_text(self, prompt: str, title: str = "Tieout") -> str | None:
        """A line of text the user types in a dialog (None: cancelled, or no dialog in batch mode)."""

    def ask_yes_no(self, prompt: str, title: str = "Tieout") -> bool | None:
        """The user's Yes or No in a message box (None: no dialog in batch mode; options decide there)."""

    def ask_choice(self, prompt: str, choices: Sequence[str], title: str = "Tieout") -> str | None:
        """One of `choices`, picked by the user in a dialog (None: cancelled, or no dialog in batch mode)."""

"""What a button handler may do to a workbook. Two adapters implement it, both real product paths:
`XlsxWorkbook` (a saved .xlsx through openpyxl: batch mode, CI, users without Excel) and `ExcelWorkbook`
(the live workbook through xlwings' open-source API). Handlers are written once against this protocol."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from ..excel_templates.sheet_writer import Column


class WorkbookAdapter(Protocol):
    def sheet_names(self) -> list[str]:
        """Names of the sheets, in order."""

    def read_table(self, sheet: str) -> list[dict]:
        """The rows of the Excel Table on `sheet` as dicts keyed by header; blank rows skipped."""

    def write_table(self, sheet: str, table_name: str, columns: Sequence[Column], rows: Iterable[Sequence],
                    first_row: int = 1) -> int:
        """Replace the Table on `sheet` (creating sheet and table as needed); returns the rows written."""

    def selected_ids(self, sheet: str) -> list[str]:
        """The line_id values of the table rows the user selected on `sheet`."""

    def get_setting(self, name: str) -> str | None:
        """A value the add-in keeps in the workbook (reconciliation id, server URL...)."""

    def set_setting(self, name: str, value: str) -> None: ...

    def set_cells(self, sheet: str, values: dict[str, object]) -> None:
        """Write single cells by address, e.g. {"B5": "In Review"}."""

    def protect(self, sheet: str, unlocked: Sequence[str] = ()) -> None:
        """Protect `sheet`, leaving the given ranges (e.g. "H2:K500") editable."""

    def unprotect(self, sheet: str) -> None: ...

    def is_protected(self, sheet: str) -> bool: ...

    def protect_structure(self, on: bool) -> None:
        """Lock or unlock the workbook structure (no adding, deleting or renaming sheets)."""

    def status(self, text: str) -> None:
        """Progress for the user (Excel's status bar; stderr in batch mode)."""

    def alert(self, text: str, title: str = "Tieout") -> None:
        """A message the user must see (a message box in Excel)."""

    def save(self) -> None: ...

"""The saved-workbook adapter: the same handlers as in Excel, on an .xlsx through openpyxl (batch mode, CI)."""
from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill, Protection
from openpyxl.utils.cell import absolute_coordinate, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation, DataValidationList
from openpyxl.worksheet.protection import SheetProtection

from ..excel_templates.sheet_writer import Column, write_table
from ..server.errors import InputError
from .workbook import Choice, ColourRule
from .xlsx_table import write_table as rewrite_table

SETTING_PREFIX = "Tieout_"
# Sheet protection is a guard-rail against slips, not security (the server's hash is the proof); a fixed,
# documented password keeps it a guard-rail users' admins can lift.
PROTECTION_PASSWORD = "tieout"


class XlsxWorkbook:
    interactive = False  # batch mode: no one answers a dialog; options do

    def __init__(self, path: str | Path, selection: dict[str, Sequence[str]] | None = None, echo=None):
        self.path = Path(path)
        try:
            self.wb: Workbook = load_workbook(self.path)
        except FileNotFoundError:
            raise InputError(self.path, "workbook not found") from None
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a file that is not xlsx
            raise InputError(self.path, f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})") from None
        self.selection = {k: list(v) for k, v in (selection or {}).items()}
        self.messages: list[str] = []
        self._echo = echo or (lambda text: print(text, file=sys.stderr))

    # tables -------------------------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def read_table(self, sheet: str) -> list[dict]:
        return [row for _, row in self.read_table_rows(sheet)]

    def read_table_rows(self, sheet: str) -> list[tuple[int, dict]]:
        if sheet not in self.wb.sheetnames:
            raise InputError(self.path, f"the workbook has no sheet named {sheet!r}")
        ws = self.wb[sheet]
        if not ws.tables:
            raise InputError(self.path, f"sheet {sheet!r} has no Excel Table")
        table = next(iter(ws.tables.values()))
        rows = list(ws[table.ref])
        header = [str(c.value) for c in rows[0]]
        out = []
        for r in rows[1:]:
            values = [c.value for c in r]
            if any(v not in (None, "") for v in values):
                out.append((r[0].row, dict(zip(header, values))))
        return out

    def write_table(self, sheet: str, table_name: str, columns: Sequence[Column], rows: Iterable[Sequence],
                    first_row: int = 1) -> int:
        if sheet not in self.wb.sheetnames:
            return write_table(self.wb.create_sheet(sheet), table_name, columns, rows, first_row=first_row)
        # Only the cells that change are written (a re-render leaves most of them as they were).
        return rewrite_table(self.wb[sheet], table_name, columns, rows, first_row=first_row)

    def selected_ids(self, sheet: str) -> list[str]:
        return list(self.selection.get(sheet, ()))

    def visible_ids(self, sheet: str) -> list[str]:
        """Rows a filter hid are saved hidden: the others, as Excel showed them when the file was saved."""
        ws = self.wb[sheet]
        return [str(row.get("line_id")) for n, row in self.read_table_rows(sheet)
                if not ws.row_dimensions[n].hidden and row.get("line_id") not in (None, "")]

    def active_sheet(self) -> str | None:
        return None  # batch mode: no user on a sheet; selections come as arguments

    def set_cells(self, sheet: str, values: dict[str, object]) -> None:
        ws = self.wb[sheet]
        for addr, value in values.items():
            ws[addr] = value
            if isinstance(value, str) and value.startswith("="):
                ws[addr].data_type = "s"  # text that looks like a formula stays text

    def read_range(self, sheet: str, ref: str) -> list[list]:
        cells = self.wb[sheet][ref]
        if not isinstance(cells, tuple):
            return [[cells.value]]
        if cells and not isinstance(cells[0], tuple):
            cells = (cells,)
        return [[c.value for c in row] for row in cells]

    def colour_rules(self, sheet: str, rules: Sequence[ColourRule]) -> None:
        ws = self.wb[sheet]
        ws.conditional_formatting = ConditionalFormattingList()
        for r in rules:
            fill = PatternFill("solid", start_color=r.colour, end_color=r.colour)
            rule = (FormulaRule(formula=[r.value], fill=fill) if r.kind == "formula"
                    else CellIsRule(operator=r.kind, formula=[r.value], fill=fill))
            ws.conditional_formatting.add(r.ref, rule)

    def set_choices(self, sheet: str, choices: Sequence[Choice]) -> None:
        ws = self.wb[sheet]
        ws.data_validations = DataValidationList()
        for c in choices:
            source = c.named if c.named else '"' + ",".join(c.values) + '"'
            dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                                errorTitle="Tieout", error="Pick a value from the list.",
                                showInputMessage=bool(c.prompt), prompt=c.prompt or None)
            dv.add(c.ref)
            ws.add_data_validation(dv)

    def define_range(self, name: str, sheet: str, ref: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet)}!"
                                                                  f"{absolute_coordinate(ref)}")

    def ask_file(self, title: str) -> str | None:
        return None  # batch mode: files come as arguments

    def ask_text(self, prompt: str, title: str = "Tieout") -> str | None:
        return None

    def ask_yes_no(self, prompt: str, title: str = "Tieout") -> bool | None:
        return None  # batch mode: the answer comes as an option

    def ask_choice(self, prompt: str, choices: Sequence[str], title: str = "Tieout") -> str | None:
        return None  # batch mode: the answer comes as an option

    # settings -----------------------------------------------------------------------------------------
    def get_setting(self, name: str) -> str | None:
        dn = self.wb.defined_names.get(SETTING_PREFIX + name)
        if dn is None:
            return None
        text = dn.attr_text or ""
        return text[1:-1].replace('""', '"') if text.startswith('"') and text.endswith('"') else text

    def set_setting(self, name: str, value: str) -> None:
        key = SETTING_PREFIX + name
        quoted = '"' + str(value).replace('"', '""') + '"'
        self.wb.defined_names[key] = DefinedName(key, attr_text=quoted)

    # protection ---------------------------------------------------------------------------------------
    def protect(self, sheet: str, unlocked: Sequence[str] = ()) -> None:
        ws = self.wb[sheet]
        locked = Protection(locked=True)
        for cell in ws._cells.values():  # cells an earlier stage left editable are locked again
            if cell.has_style and cell.protection.locked is False:
                cell.protection = locked
        for ref in unlocked:
            cells = ws[ref]
            rows = ((cells,),) if not isinstance(cells, tuple) else (cells,) if not isinstance(cells[0], tuple) \
                else cells  # one cell, one row or column, or a block
            for row in rows:
                for cell in row:
                    cell.protection = Protection(locked=False)
        ws.protection.sheet = True
        ws.protection.autoFilter = False  # filtering and sorting stay possible in a protected sheet
        ws.protection.sort = False
        ws.protection.set_password(PROTECTION_PASSWORD)

    def unprotect(self, sheet: str) -> None:
        self.wb[sheet].protection = SheetProtection(sheet=False)

    def is_protected(self, sheet: str) -> bool:
        return bool(self.wb[sheet].protection.sheet)

    def protect_structure(self, on: bool) -> None:
        if on:
            self.wb.security = WorkbookProtection(lockStructure=True)
            self.wb.security.set_workbook_password(PROTECTION_PASSWORD)
        else:
            self.wb.security = None

    # user feedback ------------------------------------------------------------------------------------
    def status(self, text: str) -> None:
        self._echo(text)

    def alert(self, text: str, title: str = "Tieout") -> None:
        self.messages.append(text)
        self._echo(f"{title}: {text}")

    def save(self) -> None:
        try:
            self.wb.save(self.path)
        except OSError as exc:
            raise InputError(self.path, f"cannot save the workbook: {exc.strerror} (is it open in Excel?)") from None

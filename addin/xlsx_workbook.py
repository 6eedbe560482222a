"""The saved-workbook adapter: the same handlers as in Excel, on an .xlsx through openpyxl (batch mode, CI).

openpyxl holds the workbook without the rows of its worksheets (`xlsx/package.py`): a table a handler reads is
read with calamine (`xlsx/read.py`), a table it writes from row 1 is generated as XML at save (`xlsx/rows.py`),
a sheet nothing rewrote keeps its rows byte for byte. A sheet whose cells are asked for otherwise (set_cells,
read_range, a table below row 1, `wb` from outside) has its cells loaded into openpyxl first, as before.
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import absolute_coordinate, quote_sheetname, range_boundaries
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet._reader import WorksheetReader
from openpyxl.worksheet.datavalidation import DataValidation, DataValidationList
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.writer.excel import ExcelWriter

from ..excel_templates.print_setup import fit_to_width
from ..excel_templates.sheet_writer import Column, write_table
from ..server.errors import InputError
from .workbook import Choice, ColourRule
from .xlsx import package, rows as table_xml
from .xlsx.read import table_rows as read_with_calamine
from .xlsx_table import FormatStyles
from .xlsx_table import write_table as rewrite_table

SETTING_PREFIX = "Tieout_"
# Sheet protection is a guard-rail against slips, not security (the server's hash is the proof); a fixed,
# documented password keeps it a guard-rail users' admins can lift.
PROTECTION_PASSWORD = "tieout"
# The value types a streamed table takes (xlsx_table.cell_target); a table holding another is written as before.
_STREAMED_TYPES = frozenset({str, Decimal, bool, int, float, dt.date, dt.datetime, type(None)})


@dataclass(frozen=True)
class _TablePlan:
    """A table written from row 1 of a sheet whose rows are generated at save; `unlocked` once protected."""

    kinds: tuple[str, ...]
    rows: list
    unlocked: tuple[str, ...] | None = None


class XlsxWorkbook:
    interactive = False  # batch mode: no one answers a dialog; options do

    def __init__(self, path: str | Path, selection: dict[str, Sequence[str]] | None = None, echo=None):
        self.path = Path(path)
        try:
            opened = package.open_package(self.path)
            self._wb: Workbook = load_workbook(opened.skeleton)
        except FileNotFoundError:
            raise InputError(self.path, "workbook not found") from None
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a file that is not xlsx
            raise InputError(self.path, f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})") from None
        self._data = opened.data
        self._held = dict(opened.held)  # sheets whose rows are still the file's bytes (not in openpyxl)
        self._plans: dict[str, _TablePlan] = {}  # sheets whose rows are generated from a table at save
        # sheets whose content the add-in vouches for at save (package's CRC record): kept as its last save
        # wrote them, or written by it now; a sheet someone else changed is not, until the add-in writes it
        self._ours = {name for name, held in self._held.items() if held.as_written}
        self.selection = {k: list(v) for k, v in (selection or {}).items()}
        self.messages: list[str] = []
        self._echo = echo or (lambda text: print(text, file=sys.stderr))

    @property
    def wb(self) -> Workbook:
        """The whole workbook in openpyxl, every sheet's cells loaded (for code that works on openpyxl itself;
        the adapter's own methods load only the cells they need)."""
        for sheet in [*self._held, *self._plans]:
            self._cells(sheet)
        return self._wb

    def _cells(self, sheet: str):
        """The sheet with its cells in openpyxl: the file's rows parsed, or a streamed table written as cells."""
        ws = self._wb[sheet]
        held = self._held.pop(sheet, None)
        if held is not None:
            reader = WorksheetReader(ws, io.BytesIO(held.xml), [], False, False)
            reader.bind_cells()
            reader.bind_row_dimensions()
        plan = self._plans.pop(sheet, None)
        if plan is not None:
            table = next(iter(ws.tables.values()))
            columns = [Column(str(c.value), kind) for c, kind in zip(ws[1], plan.kinds)]
            widths = {k: d.width for k, d in ws.column_dimensions.items()}
            rewrite_table(ws, table.displayName, columns, plan.rows)
            for k, width in widths.items():
                ws.column_dimensions[k].width = width
            if plan.unlocked is not None:
                _lock_cells(ws, plan.unlocked)
        return ws

    # tables -------------------------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return list(self._wb.sheetnames)

    def read_table(self, sheet: str) -> list[dict]:
        return [row for _, row in self.read_table_rows(sheet)]

    def read_table_rows(self, sheet: str) -> list[tuple[int, dict]]:
        if sheet not in self._wb.sheetnames:
            raise InputError(self.path, f"the workbook has no sheet named {sheet!r}")
        ws = self._wb[sheet]
        if not ws.tables:
            raise InputError(self.path, f"sheet {sheet!r} has no Excel Table")
        table = next(iter(ws.tables.values()))
        held = self._held.get(sheet)
        if held is not None and not held.has_error_cells:
            return read_with_calamine(self.path, self._data, sheet, held.sheet_data, table.ref)
        ws = self._cells(sheet)
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
        new = sheet not in self._wb.sheetnames
        ws = self._wb.create_sheet(sheet) if new else self._wb[sheet]
        if first_row == 1:
            self._ours.add(sheet)  # the whole sheet is this table (one below row 1 leaves cells above it as they are)
        if first_row == 1 and (new or sheet in self._held or sheet in self._plans):
            rows = [tuple(r) for r in rows]
            if _streamable(rows):
                return self._plan_table(ws, table_name, columns, rows)
        if new:
            return write_table(ws, table_name, columns, rows, first_row=first_row)
        # Only the cells that change are written (a re-render leaves most of them as they were).
        ws = self._cells(sheet)
        n = rewrite_table(ws, table_name, columns, rows, first_row=first_row)
        fit_to_width(ws, first_row, [c.width for c in columns])  # a sheet made before it printed
        return n

    def _plan_table(self, ws, table_name: str, columns: Sequence[Column], rows: list) -> int:
        """The sheet cleared and given the table's header, Table and widths now; its rows are written at save."""
        self._held.pop(ws.title, None)
        for name in list(ws.tables):
            del ws.tables[name]
        ws._cells.clear()
        ws._current_row = 0
        write_table(ws, table_name, columns, (), first_row=1)
        for key in [k for k in ws._cells if k[0] > 1]:
            del ws._cells[key]  # the frozen pane's cell: the rows written at save hold it
        table = ws.tables[table_name]
        table.ref = f"A1:{get_column_letter(len(columns))}{1 + max(len(rows), 1)}"
        table._initialise_columns()  # named from the header now: openpyxl would otherwise read every cell
        for col, column in zip(table.tableColumns, columns):
            col.name = column.header
        self._plans[ws.title] = _TablePlan(tuple(c.kind for c in columns), rows)
        return len(rows)

    def as_written(self, sheet: str) -> bool:
        """The sheet's part is byte for byte what the add-in's last save wrote (its CRC in the package's record,
        xlsx/package.py): nobody edited it since, so a render whose data did not change may leave it."""
        return self.part_unchanged(sheet)

    def part_unchanged(self, sheet: str) -> bool:
        """Not one byte of the sheet's part changed since the add-in's last save (input cells included), so what
        its cells hold is what that save wrote: a sync need not read them (handlers/shown_inputs.py)."""
        held = self._held.get(sheet)
        return held is not None and held.as_written and sheet not in self._plans

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
        ws = self._cells(sheet)
        for addr, value in values.items():
            ws[addr] = value
            if isinstance(value, str) and value.startswith("="):
                ws[addr].data_type = "s"  # text that looks like a formula stays text

    def read_range(self, sheet: str, ref: str) -> list[list]:
        cells = self._cells(sheet)[ref]
        if not isinstance(cells, tuple):
            return [[cells.value]]
        if cells and not isinstance(cells[0], tuple):
            cells = (cells,)
        return [[c.value for c in row] for row in cells]

    def colour_rules(self, sheet: str, rules: Sequence[ColourRule]) -> None:
        ws = self._wb[sheet]
        ws.conditional_formatting = ConditionalFormattingList()
        for r in rules:
            fill = PatternFill("solid", start_color=r.colour, end_color=r.colour)
            rule = (FormulaRule(formula=[r.value], fill=fill) if r.kind == "formula"
                    else CellIsRule(operator=r.kind, formula=[r.value], fill=fill))
            ws.conditional_formatting.add(r.ref, rule)

    def set_choices(self, sheet: str, choices: Sequence[Choice]) -> None:
        ws = self._wb[sheet]
        ws.data_validations = DataValidationList()
        for c in choices:
            source = c.named if c.named else '"' + ",".join(c.values) + '"'
            dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                                errorTitle="Tieout", error="Pick a value from the list.",
                                showInputMessage=bool(c.prompt), prompt=c.prompt or None)
            dv.add(c.ref)
            ws.add_data_validation(dv)

    def define_range(self, name: str, sheet: str, ref: str) -> None:
        self._wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet)}!"
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
        dn = self._wb.defined_names.get(SETTING_PREFIX + name)
        if dn is None:
            return None
        text = dn.attr_text or ""
        return text[1:-1].replace('""', '"') if text.startswith('"') and text.endswith('"') else text

    def set_setting(self, name: str, value: str) -> None:
        key = SETTING_PREFIX + name
        quoted = '"' + str(value).replace('"', '""') + '"'
        self._wb.defined_names[key] = DefinedName(key, attr_text=quoted)

    # protection ---------------------------------------------------------------------------------------
    def protect(self, sheet: str, unlocked: Sequence[str] = ()) -> None:
        plan = self._plans.get(sheet)
        if plan is not None and all(range_boundaries(ref)[1] > 1 for ref in unlocked):
            ws = self._wb[sheet]
            _lock_cells(ws, ())  # the header; the table's own cells take their locks at save
            self._plans[sheet] = replace(plan, unlocked=tuple(unlocked))
        elif not unlocked and sheet in self._held and not self._unlocked_in(self._held[sheet]):
            ws = self._wb[sheet]  # every cell of the file's rows is locked already: they stay as they are
        else:
            ws = self._cells(sheet)
            _lock_cells(ws, unlocked)
        ws.protection.sheet = True
        ws.protection.autoFilter = False  # filtering and sorting stay possible in a protected sheet
        ws.protection.sort = False
        ws.protection.set_password(PROTECTION_PASSWORD)

    def _unlocked_in(self, held: package.HeldSheet) -> bool:
        """Whether a cell of the held rows has an unlocked style (left editable by an earlier protect)."""
        protections = self._wb._protections
        ids = [i for i, style in enumerate(self._wb._cell_styles) if protections[style.protectionId].locked is False]
        return held.uses_styles(ids)

    def unprotect(self, sheet: str) -> None:
        self._wb[sheet].protection = SheetProtection(sheet=False)

    def is_protected(self, sheet: str) -> bool:
        return bool(self._wb[sheet].protection.sheet)

    def protect_structure(self, on: bool) -> None:
        if on:
            self._wb.security = WorkbookProtection(lockStructure=True)
            self._wb.security.set_workbook_password(PROTECTION_PASSWORD)
        else:
            self._wb.security = None

    # user feedback ------------------------------------------------------------------------------------
    def status(self, text: str) -> None:
        self._echo(text)

    def alert(self, text: str, title: str = "Tieout") -> None:
        self.messages.append(text)
        self._echo(f"{title}: {text}")

    def save(self) -> None:
        try:
            skeleton, rows = self._write_skeleton()
            vouched = frozenset(self._wb[s].path[1:] for s in self._ours if s in self._wb.sheetnames)
            package.save_package(skeleton, self.path, rows, self._data, vouched)
        except OSError as exc:
            raise InputError(self.path, f"cannot save the workbook: {exc.strerror} (is it open in Excel?)") from None

    def _write_skeleton(self) -> tuple[bytes, dict[str, package.Rows]]:
        """openpyxl writes the package with the rows it holds; each streamed table's rows are generated right
        after openpyxl wrote its sheet, so that their styles join openpyxl's style table in the order openpyxl
        itself would have added them (the styles part is then the one it writes for the same cells)."""
        out = io.BytesIO()
        archive = zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True)
        self._wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)  # as openpyxl's save
        writer = ExcelWriter(self._wb, archive)
        write_worksheet = writer.write_worksheet
        rows: dict[str, package.Rows] = {}

        def write_with_rows(ws):
            write_worksheet(ws)
            part = ws.path[1:]
            if ws.title in self._held:
                held = self._held[ws.title]
                rows[part] = package.Rows(held.dimension, (held.sheet_data,), replace=True, held=held)
            elif ws.title in self._plans:
                rows[part] = self._generate(ws, self._plans[ws.title])

        writer.write_worksheet = write_with_rows
        writer.save()
        return out.getvalue(), rows

    def _generate(self, ws, plan: _TablePlan) -> package.Rows:
        styles = FormatStyles(ws)
        probe = Cell(ws)
        cell_styles = self._wb._cell_styles

        def style_id(fmt, unlocked: bool):
            style = styles.get(fmt)
            if unlocked:
                probe._style = StyleArray(style)
                probe.protection = Protection(locked=False)
                style = probe._style
            return cell_styles.add(StyleArray(style)) if any(style) else None

        unlocked = table_xml.unlocked_cells(plan.unlocked or ())
        spool = tempfile.SpooledTemporaryFile(max_size=16 << 20)
        for chunk in table_xml.table_rows(plan.kinds, plan.rows, 1, unlocked, style_id, self._wb.epoch):
            spool.write(chunk)
        spool.seek(0)
        return package.Rows(table_xml.dimension(len(plan.kinds), plan.rows, 1, unlocked),
                            iter(lambda: spool.read(1 << 20), b""), replace=False)


def _streamable(rows: list) -> bool:
    """Rows the streamed writer takes: the value types it knows, and no text openpyxl would refuse."""
    if not {type(v) for r in rows for v in r} <= _STREAMED_TYPES:
        return False
    if ILLEGAL_CHARACTERS_RE.search("\n".join(v for r in rows for v in r if type(v) is str)):
        raise IllegalCharacterError("a table value holds a character worksheets cannot hold")
    return True


def _lock_cells(ws, unlocked: Sequence[str]) -> None:
    """Every cell locked again (an earlier stage may have left some editable), then `unlocked` left open."""
    locked = Protection(locked=True)
    for cell in ws._cells.values():
        if cell.has_style and cell.protection.locked is False:
            cell.protection = locked
    for ref in unlocked:
        cells = ws[ref]
        rows = ((cells,),) if not isinstance(cells, tuple) else (cells,) if not isinstance(cells[0], tuple) \
            else cells  # one cell, one row or column, or a block
        for row in rows:
            for cell in row:
                cell.protection = Protection(locked=False)

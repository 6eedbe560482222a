"""The live-Excel adapter: the open workbook through xlwings' open-source API (COM on Windows, AppleScript
on Mac). This is the thin edge that cannot run on Linux; it only moves values, formats and flags, and keeps
no logic of its own, so the handlers above it are tested for real through `XlsxWorkbook`."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

from ..excel_templates.print_setup import landscape
from ..excel_templates.sheet_writer import DATE_FORMAT, MONEY_FORMAT, PERCENT_FORMAT, Column
from .excel_reads import PressReads, box_of, box_of_range
from .workbook import Choice, ColourRule
from .xlsx_workbook import PROTECTION_PASSWORD, SETTING_PREFIX

_FORMATS = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "percent": PERCENT_FORMAT}
# ColourRule kinds as xlwings' conditional-format operators.
_XL_OPERATORS = {"equal": "equal_to", "notEqual": "not_equal_to"}
# Colours and drop-downs go through xlwings' own cross-platform API; frozen panes, which it leaves to its PRO
# engine, through each platform's window properties (COM names on Windows, AppleScript names on a Mac).
_MAC = sys.platform == "darwin"
XL_PORTRAIT, XL_LANDSCAPE = 1, 2  # Excel's XlPageOrientation
_XL_CELL_TYPE_VISIBLE = 12  # COM: Range.SpecialCells(xlCellTypeVisible)


def _rows_of(address: str, last: int | None = None) -> set[int]:
    """The row numbers an A1 address covers, e.g. "$A$2:$H$5,$A$9:$H$9" -> {2, 3, 4, 5, 9}; whole columns
    ("$A:$C") cover rows 1 to `last`."""
    rows: set[int] = set()
    for part in address.replace("$", "").split(","):
        ends = ["".join(ch for ch in cell if ch.isdigit()) for cell in part.split(":")]
        if not all(ends):
            rows.update(range(1, (last or 0) + 1))
            continue
        rows.update(range(min(map(int, ends)), max(map(int, ends)) + 1))
    return rows


def _cell(value):
    """Excel-safe value: Decimals as numbers; text always as text. Excel would read "=...", "+...", "-...",
    "@..." as a formula and "00123" or "1/2" as a number or date, so every string gets the text prefix "'"
    (Excel stores it as the cell's prefix character, not as part of the value)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value:
        return "'" + value
    return value


def _shown(value, written: bool = True):
    """A value as Excel gives it back: numbers as floats, dates as datetimes, blanks as None; a value `_cell`
    made for writing (written) loses its text prefix, a value read back keeps what Excel gave."""
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value[1:] if written and value.startswith("'") else value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def changed_blocks(old: list[list], new: list[list]) -> list[tuple[int, int, int]] | None:
    """(column, first row, last row), 0-based in the table's body, of each column whose values differ between
    what the sheet shows (`old`, as read back) and what is to be written (`new`, as `_cell` makes it); None
    when the shapes differ (the table is then written whole)."""
    if len(old) != len(new) or any(len(o) != len(n) for o, n in zip(old, new)):
        return None
    width = len(new[0]) if new else 0
    blocks = []
    for col in range(width):
        rows = [i for i, (o, n) in enumerate(zip(old, new)) if _shown(o[col], False) != _shown(n[col])]
        if rows:
            blocks.append((col, rows[0], rows[-1]))
    return blocks


class ExcelWorkbook:
    interactive = True  # a person at Excel answers the dialogs and reads the message boxes

    def __init__(self, book=None):
        import xlwings as xw

        self.book = book if book is not None else xw.Book.caller()

    @cached_property
    def _reads(self) -> PressReads:
        """The blocks read in this press (an adapter lives for one press): each fetched once until written over."""
        return PressReads()

    @property
    def path(self) -> Path | None:
        full = self.book.fullname
        return Path(full) if os.path.dirname(full) else None  # a never-saved book has no folder

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def read_table(self, sheet: str) -> list[dict]:
        return [row for _, row in self.read_table_rows(sheet)]

    def read_table_rows(self, sheet: str) -> list[tuple[int, dict]]:
        ws = self.book.sheets[sheet]
        table = ws.tables[0]
        header = [str(h) for h in self._values(sheet, table.header_row_range, 1)]
        body = table.data_body_range
        if body is None:
            return []
        values = self._values(sheet, body, 2)  # one block, a list of rows even for a one-row table
        first = body.row
        return [(first + i, dict(zip(header, r))) for i, r in enumerate(values)
                if any(v not in (None, "") for v in r)]

    def write_table(self, sheet: str, table_name: str, columns: Sequence[Column], rows: Iterable[Sequence],
                    first_row: int = 1) -> int:
        names = self.sheet_names()
        ws = self.book.sheets[sheet] if sheet in names else self.book.sheets.add(sheet, after=self.book.sheets[-1])
        data = [[_cell(v) for v in r] for r in rows]
        header = [c.header for c in columns]
        existing = next((t for t in ws.tables if t.name == table_name), None)
        last = first_row + max(len(data), 1)
        if existing is None or not self._write_changes(ws, existing, header, data, first_row):
            self._reads.written(sheet, (first_row, 1, last, len(columns)))
            if existing is not None:
                self._reads.written(sheet, box_of_range(existing.range))
                existing.range.clear_contents()
            ws.range((first_row, 1)).value = [header] + (data or [[None] * len(columns)])
            target = ws.range((first_row, 1), (last, len(columns)))
            if existing is not None:
                existing.resize(target)
            else:
                ws.tables.add(target, name=table_name)
        for i, col in enumerate(columns, start=1):
            if col.kind in _FORMATS:
                ws.range((first_row + 1, i), (last, i)).number_format = _FORMATS[col.kind]
            ws.range((first_row, i)).column_width = col.width
        self._freeze(ws, first_row)
        self._print_setup(ws, first_row, [c.width for c in columns])
        return len(data)

    def _print_setup(self, ws, header_row: int, widths: list[float]) -> None:
        """print_setup's rules through Excel's PageSetup (COM). On a Mac the AppleScript bridge has no
        PageSetup object xlwings exposes: the sheet keeps Excel's defaults there."""
        if _MAC:
            return
        setup = ws.api.PageSetup
        setup.PrintTitleRows = f"$1:${header_row}"
        setup.Orientation = XL_LANDSCAPE if landscape(widths) else XL_PORTRAIT
        setup.Zoom = False  # FitToPages* apply only with Zoom off
        setup.FitToPagesWide = 1
        setup.FitToPagesTall = False

    def _write_changes(self, ws, table, header: list[str], data: list[list], first_row: int) -> bool:
        """When the table already has this header, place and size, writes only the columns whose values change,
        each as one block over its changed rows (Accept Matches: the status column of Bank Statement and GL
        Lines), after one read of the table's values (none when the press read them already); False when the
        table must be written whole."""
        rng = table.range
        if (rng.row, rng.column) != (first_row, 1) or rng.shape != (1 + max(len(data), 1), len(header)):
            return False
        if [str(h) for h in self._values(ws.name, table.header_row_range, 1)] != header or not data:
            return False
        body = table.data_body_range
        blocks = changed_blocks(self._values(ws.name, body, 2) if body is not None else [], data)  # one read
        if blocks is None:
            return False
        for col, first, last in blocks:
            self._reads.written(ws.name, (first_row + 1 + first, col + 1, first_row + 1 + last, col + 1))
            ws.range((first_row + 1 + first, col + 1), (first_row + 1 + last, col + 1)).value = \
                [[r[col]] for r in data[first:last + 1]]
        return True

    def _freeze(self, ws, header_row: int) -> None:
        """Freeze the rows down to the header (a window setting: the sheet is activated for it)."""
        active = self.book.sheets.active
        ws.activate()
        if _MAC:  # AppleScript: the workbook's window, properties "freeze panes", "split column", "split row"
            window = self.book.api.windows[1]
            window.freeze_panes.set(False)
            window.split_column.set(0)
            window.split_row.set(header_row)
            window.freeze_panes.set(True)
        else:
            window = self.book.app.api.ActiveWindow
            window.FreezePanes = False
            window.SplitColumn, window.SplitRow = 0, header_row
            window.FreezePanes = True
        active.activate()

    def selected_ids(self, sheet: str) -> list[str]:
        ws = self.book.sheets[sheet]
        active = self.book.sheets.active
        if active.name != sheet:  # every sheet keeps its own selection; it is read while the sheet is active
            ws.activate()
        sel = self.book.app.selection
        if active.name != sheet:
            active.activate()
        if sel is None or sel.sheet.name != sheet:
            return []
        table = ws.tables[0]
        first_data = table.range.row + 1
        id_col = table.range.column
        last_data = table.range.row + table.range.shape[0] - 1
        rows = sorted(r for r in _rows_of(sel.address, last_data) if first_data <= r <= last_data)  # one call
        if not rows:
            return []
        ids = ws.range((rows[0], id_col), (rows[-1], id_col)).options(ndim=2).value  # one read of the span
        return [str(ids[r - rows[0]][0]) for r in rows]

    def visible_ids(self, sheet: str) -> list[str]:
        """Windows: the rows of the table body's visible cells (one COM call); Mac: the rows whose height is not
        0 (a filtered-out row has none)."""
        ws = self.book.sheets[sheet]
        table = ws.tables[0]
        body = table.data_body_range
        if body is None:
            return []
        ids = [row[0] for row in body.options(ndim=2).value]
        first = body.row
        if _MAC:
            shown = [i for i in range(len(ids)) if ws.range((first + i, table.range.column)).row_height]
        else:
            try:
                address = body.api.SpecialCells(_XL_CELL_TYPE_VISIBLE).Address
            except Exception:  # noqa: BLE001 - COM raises when no cell is visible
                return []
            shown = [r - first for r in _rows_of(address) if first <= r < first + len(ids)]
        return [str(_shown(ids[i], False)) for i in sorted(set(shown)) if ids[i] not in (None, "")]

    def active_sheet(self) -> str | None:
        return self.book.sheets.active.name

    def get_setting(self, name: str) -> str | None:
        try:
            refers = self.book.names[SETTING_PREFIX + name].refers_to
        except Exception:  # noqa: BLE001 - xlwings raises the platform's own error for a missing name
            return None
        text = refers.lstrip("=")
        return text[1:-1].replace('""', '"') if text.startswith('"') else text

    def set_setting(self, name: str, value: str) -> None:
        self.book.names.add(SETTING_PREFIX + name, '="' + str(value).replace('"', '""') + '"')

    def set_cells(self, sheet: str, values: dict[str, object]) -> None:
        for addr in values:
            self._reads.written(sheet, box_of(addr))
        ws = self.book.sheets[sheet]
        for addr, value in values.items():
            ws.range(addr).value = _cell(value)

    def protect(self, sheet: str, unlocked: Sequence[str] = ()) -> None:
        ws = self.book.sheets[sheet]
        ws.api.Cells.Locked = True
        for ref in unlocked:
            ws.range(ref).api.Locked = False
        ws.api.Protect(Password=PROTECTION_PASSWORD, UserInterfaceOnly=True, AllowSorting=True,
                       AllowFiltering=True)

    def unprotect(self, sheet: str) -> None:
        self.book.sheets[sheet].api.Unprotect(Password=PROTECTION_PASSWORD)

    def is_protected(self, sheet: str) -> bool:
        return bool(self.book.sheets[sheet].api.ProtectContents)

    def as_written(self, sheet: str) -> bool:
        """Whether the sheet still holds what the add-in wrote, as far as a live workbook tells without reading
        it: a protected sheet's locked cells cannot have been typed over (its open input cells are the user's,
        sent to the server by the inputs sync); an unprotected one may have been, so it is written again."""
        return sheet in self.sheet_names() and self.is_protected(sheet)

    def protect_structure(self, on: bool) -> None:
        if on:
            self.book.api.Protect(Password=PROTECTION_PASSWORD, Structure=True)
        else:
            self.book.api.Unprotect(Password=PROTECTION_PASSWORD)

    def status(self, text: str) -> None:
        self.book.app.status_bar = text or False

    def alert(self, text: str, title: str = "Tieout") -> None:
        self.book.app.alert(text, title=title)

    def save(self) -> None:
        self.book.save()

    def read_range(self, sheet: str, ref: str) -> list[list]:
        rng = self.book.sheets[sheet].range(ref)
        return self._reads.get(sheet, box_of(ref), 2, lambda: rng.options(ndim=2).value)

    def _values(self, sheet: str, rng, ndim: int):
        """A range's values (a list for ndim 1, rows for 2), fetched once in the press until written over."""
        return self._reads.get(sheet, box_of_range(rng), ndim, lambda: rng.options(ndim=ndim).value)

    def colour_rules(self, sheet: str, rules: Sequence[ColourRule]) -> None:
        """Through xlwings' conditional formats (0.37.5+), which drive COM on Windows and AppleScript on a Mac:
        the same rules on both."""
        ws = self.book.sheets[sheet]
        ws.cells.conditional_formats.clear()
        for r in rules:
            rng = ws.range(r.ref)
            if r.kind == "formula":
                # Excel reads a rule formula's relative references from the active cell: make it the range's first
                active = self.book.sheets.active
                ws.activate()
                rng[0].select()
                rng.conditional_formats.add_custom("=" + r.value, fill_color="#" + r.colour)
                active.activate()
            else:
                rng.conditional_formats.add_cell_value(_XL_OPERATORS[r.kind], "=" + r.value,
                                                       fill_color="#" + r.colour)

    def set_choices(self, sheet: str, choices: Sequence[Choice]) -> None:
        """Through xlwings' data validation (0.37.5+), on Windows and on a Mac alike; the input prompt, which
        xlwings does not set, through each platform's own name for it."""
        ws = self.book.sheets[sheet]
        ws.cells.data_validation.delete()
        for c in choices:
            rng = ws.range(c.ref)
            rng.data_validation.set_list(self.book.names[c.named] if c.named else list(c.values))
            if c.prompt:
                if _MAC:
                    rng.api.validation.input_message.set(c.prompt[:255])
                else:
                    rng.api.Validation.InputMessage = c.prompt[:255]

    def define_range(self, name: str, sheet: str, ref: str) -> None:
        self.book.names.add(name, "=" + self.book.sheets[sheet].range(ref).get_address(True, True, True))

    def ask_file(self, title: str) -> str | None:
        if sys.platform == "darwin":
            return _osascript(f'POSIX path of (choose file with prompt "{_quote(title)}")')
        picked = self.book.app.api.GetOpenFilename(FileFilter="All files (*.*),*.*", Title=title)
        return picked if isinstance(picked, str) and picked else None  # False when cancelled

    def ask_yes_no(self, prompt: str, title: str = "Tieout") -> bool | None:
        # xlwings' App.alert shows a message box on Windows and Mac and answers "yes" or "no".
        return self.book.app.alert(prompt, title=title, buttons="yes_no") == "yes"

    def ask_choice(self, prompt: str, choices: Sequence[str], title: str = "Tieout") -> str | None:
        """A list to pick from on a Mac (AppleScript's `choose from list`); on Windows Excel's InputBox with the
        choices numbered (Excel has no list dialog reachable through COM without a VBA form)."""
        if not choices:
            return None
        if _MAC:
            items = ", ".join(f'"{_quote(c)}"' for c in choices)
            picked = _osascript(f'choose from list {{{items}}} with prompt "{_quote(prompt)}" with title '
                                f'"{_quote(title)}" default items {{"{_quote(choices[0])}"}}')
            return picked if picked in choices else None  # "false" when cancelled
        listed = "\n".join(f"{i}. {c}" for i, c in enumerate(choices, start=1))
        answer = self.book.app.api.InputBox(Prompt=f"{prompt}\n\n{listed}\n\nType the number of your choice.",
                                            Title=title, Default="1", Type=1)
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            return None  # False when cancelled
        index = int(answer)
        return choices[index - 1] if 1 <= index <= len(choices) else None

    def ask_text(self, prompt: str, title: str = "Tieout") -> str | None:
        if sys.platform == "darwin":
            return _osascript(f'text returned of (display dialog "{_quote(prompt)}" default answer "" '
                              f'with title "{_quote(title)}")')
        answer = self.book.app.api.InputBox(Prompt=prompt, Title=title, Type=2)
        return answer if isinstance(answer, str) and answer.strip() else None


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _osascript(script: str) -> str | None:
    """A Mac dialog through AppleScript (Excel's own dialogs are not reachable from Python there)."""
    done = subprocess.run(["osascript", "-e", script], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None  # cancelled
    return done.stdout.strip() or None

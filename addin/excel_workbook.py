"""The live-Excel adapter: the open workbook through xlwings' open-source API (COM on Windows, AppleScript
on Mac). This is the thin edge that cannot run on Linux; it only moves values, formats and flags, and keeps
no logic of its own, so the handlers above it are tested for real through `XlsxWorkbook`."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..excel_templates.sheet_writer import DATE_FORMAT, MONEY_FORMAT, PERCENT_FORMAT, Column
from .xlsx_workbook import PROTECTION_PASSWORD, SETTING_PREFIX

_FORMATS = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "percent": PERCENT_FORMAT}


def _cell(value):
    """Excel-safe value: Decimals as numbers, text that looks like a formula kept as text."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


class ExcelWorkbook:
    def __init__(self, book=None):
        import xlwings as xw

        self.book = book if book is not None else xw.Book.caller()

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def read_table(self, sheet: str) -> list[dict]:
        ws = self.book.sheets[sheet]
        table = ws.tables[0]
        header = [str(h) for h in table.header_row_range.value]
        body = table.data_body_range
        values = body.value if body is not None else []
        if values and not isinstance(values[0], list):
            values = [values]
        return [dict(zip(header, r)) for r in values if any(v not in (None, "") for v in r)]

    def write_table(self, sheet: str, table_name: str, columns: Sequence[Column], rows: Iterable[Sequence],
                    first_row: int = 1) -> int:
        names = self.sheet_names()
        ws = self.book.sheets[sheet] if sheet in names else self.book.sheets.add(sheet, after=self.book.sheets[-1])
        data = [[_cell(v) for v in r] for r in rows]
        header = [c.header for c in columns]
        existing = next((t for t in ws.tables if t.name == table_name), None)
        if existing is not None:
            existing.range.clear_contents()
        ws.range((first_row, 1)).value = [header] + (data or [[None] * len(columns)])
        last = first_row + max(len(data), 1)
        target = ws.range((first_row, 1), (last, len(columns)))
        if existing is not None:
            existing.resize(target)
        else:
            ws.tables.add(target, name=table_name)
        for i, col in enumerate(columns, start=1):
            if col.kind in _FORMATS:
                ws.range((first_row + 1, i), (last, i)).number_format = _FORMATS[col.kind]
            ws.range((first_row, i)).column_width = col.width
        return len(data)

    def selected_ids(self, sheet: str) -> list[str]:
        ws = self.book.sheets[sheet]
        sel = self.book.app.selection
        if sel is None or sel.sheet.name != sheet:
            return []
        table = ws.tables[0]
        first_data = table.range.row + 1
        id_col = table.range.column
        rows = sorted({cell.row for cell in sel})
        return [str(ws.range((r, id_col)).value) for r in rows if r >= first_data]

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
        ws = self.book.sheets[sheet]
        for addr, value in values.items():
            ws.range(addr).value = _cell(value)

    def protect(self, sheet: str, unlocked: Sequence[str] = ()) -> None:
        ws = self.book.sheets[sheet]
        for ref in unlocked:
            ws.range(ref).api.Locked = False
        ws.api.Protect(Password=PROTECTION_PASSWORD, UserInterfaceOnly=True, AllowSorting=True,
                       AllowFiltering=True)

    def unprotect(self, sheet: str) -> None:
        self.book.sheets[sheet].api.Unprotect(Password=PROTECTION_PASSWORD)

    def is_protected(self, sheet: str) -> bool:
        return bool(self.book.sheets[sheet].api.ProtectContents)

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

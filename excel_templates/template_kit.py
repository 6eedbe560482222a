"""What every import template's workbook shares: cell formats, Excel data validation, the sheet writers
(instructions, a label/value block, an input table), protection as a guard-rail, the deterministic save, and
the generator, filler and command line drawn from a template's layout (template_layout.TemplateLayout).

The GL template (gl_template.py) and the bank statement template (statement_template.py) are drawn with these
same pieces, so both look and behave alike and both regenerate byte for byte. The layouts themselves, and the
bounds and help texts the server's readers share, live in template_layout.py, which needs no openpyxl.
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path
from typing import Callable, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

from .template_layout import Column, Field, TemplateLayout, rule

DATE_FORMAT = "yyyy-mm-dd"  # unambiguous in every locale
AMOUNT_FORMAT = "#,##0.00;[Red]-#,##0.00"
TEXT_FORMAT = "@"  # typed "=..." stays text, and "00123" keeps its zeros
FORMATS = {"date": DATE_FORMAT, "amount": AMOUNT_FORMAT, "unsigned": AMOUNT_FORMAT,
           "text": TEXT_FORMAT, "currency": TEXT_FORMAT}

FIXED_TIME = dt.datetime(2024, 1, 1)  # document properties: a fixed stamp keeps regeneration byte-identical
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
UNLOCKED = Protection(locked=False)
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def validation(settings: dict, title: str, prompt: str) -> DataValidation:
    """Excel data validation with the input message shown when a cell is selected."""
    return DataValidation(allow_blank=True, showInputMessage=True, promptTitle=title[:32], prompt=prompt[:255],
                          showErrorMessage=settings.get("type") is not None, errorTitle=title[:32], **settings)


def print_to_page_width(ws, landscape: bool = False) -> None:
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_setup.orientation = "landscape" if landscape else "portrait"


def protect(ws) -> None:
    """Sheet protection without a password (a guard-rail, see DESIGN.md); filtering, sorting and widths allowed."""
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False


def fit_height(ws, row: int, text: str, width: float, line_height: float = 15) -> None:
    """Row height for wrapped text. Excel does not grow rows on opening a file, so the height is stored;
    about one character per unit of column width in the default font."""
    lines = sum(-(-max(len(part), 1) // int(width * 0.95)) for part in text.split("\n"))
    ws.row_dimensions[row].height = line_height * lines + 3


def write_instructions(ws, paragraphs: Sequence[tuple[str, str]]) -> None:
    """One paragraph per row, (style, text) with style title | heading | text | bullet."""
    width = 110
    ws.column_dimensions["A"].width = width
    styles = {"title": Font(bold=True, size=16), "heading": Font(bold=True, size=12), "text": Font(),
              "bullet": Font()}
    for row, (style, text) in enumerate(paragraphs, start=1):
        cell = ws.cell(row=row, column=1, value=("- " + text) if style == "bullet" else text)
        cell.font = styles[style]
        cell.alignment = Alignment(wrap_text=True, vertical="top", indent=1 if style == "bullet" else 0)
        fit_height(ws, row, cell.value, width, line_height={"title": 24, "heading": 20}.get(style, 15))
    print_to_page_width(ws)
    protect(ws)


def write_field_block(ws, fields: Sequence[Field]) -> None:
    """Field | Your entry | What to type: labels and help locked, the entry cells unlocked and validated."""
    for col, (head, width) in enumerate((("Field", 28), ("Your entry", 26), ("What to type", 90)), start=1):
        cell = ws.cell(row=1, column=col, value=head)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, f in enumerate(fields, start=2):
        ws.cell(row=row, column=1, value=f.label).font = HEAD_FONT
        ws.cell(row=row, column=3, value=f.help).alignment = Alignment(wrap_text=True, vertical="top")
        fit_height(ws, row, f.help, 90)
        cell = ws.cell(row=row, column=2)
        cell.number_format, cell.protection = FORMATS[f.kind], UNLOCKED
        dv = validation(rule(f.kind), f.label, f.help)
        dv.add(cell.coordinate)
        ws.add_data_validation(dv)
    print_to_page_width(ws, landscape=True)
    protect(ws)


def write_input_table(ws, columns: Sequence[Column], table_name: str, input_rows: int,
                      settings_for: Callable[[Column], dict] = lambda col: rule(col.kind)) -> None:
    """A header row and an Excel Table of `input_rows` empty rows; each column formatted, unlocked and validated
    down to the sheet's last row. `settings_for` gives a column's validation (e.g. a drop-down list)."""
    last_row = input_rows + 1
    for idx, col in enumerate(columns, start=1):
        letter = get_column_letter(idx)
        head = ws.cell(row=1, column=idx, value=col.header)
        head.font, head.alignment = HEAD_FONT, Alignment(horizontal="center")
        # The column's own style (unlocked, formatted) reaches every empty cell of it, including rows
        # pasted below the table, without writing a styled cell for each row.
        dim = ws.column_dimensions[letter]
        dim.width, dim.number_format, dim.protection = col.width, FORMATS[col.kind], UNLOCKED
        dv = validation(settings_for(col), col.header, col.prompt)
        dv.add(f"{letter}2:{letter}1048576")
        ws.add_data_validation(dv)
    end = get_column_letter(len(columns))
    table = Table(displayName=table_name, ref=f"A1:{end}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    print_to_page_width(ws, landscape=True)
    protect(ws)


def save_deterministic(wb: Workbook, out: str | Path, compress: bool = False) -> Path:
    """Save so that the same workbook always gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml and into every zip entry; both are fixed here.
    The checked-in templates are stored uncompressed (they are small) so that their bytes do not depend on the
    zlib build either; filled copies, which may be large, are compressed.
    """
    props = wb.properties
    props.creator = props.lastModifiedBy = "Tieout"
    props.created = props.modified = FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()  # bypasses save_workbook's stamp
    packed = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(packed, "w", method) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.create_system, entry.external_attr, entry.compress_type = 0, 0, method
            dst.writestr(entry, src.read(info))
    out = Path(out)
    out.write_bytes(packed.getvalue())
    return out


def text_cell(cell, text: str) -> None:
    """Store user text as a string cell, never as a formula, whatever character it starts with."""
    cell.value = text
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited, too


def put(cell, value, kind: str) -> None:
    """Write one value as the template's input cells hold it: formatted, unlocked, text kept as text."""
    cell.number_format, cell.protection = FORMATS[kind], UNLOCKED
    if value is None or value == "":
        return
    if kind in ("text", "currency"):
        text_cell(cell, str(value))
    else:
        cell.value = value


def fit_table(ws, table_name: str, ncols: int, input_rows: int, filled_rows: int) -> None:
    """Grow the table to hold every filled row (it never shrinks below the template's input rows)."""
    table = ws.tables[table_name]
    table.ref = f"A1:{get_column_letter(ncols)}{max(input_rows, filled_rows) + 1}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref


# ---- a whole template: generated, filled, regenerated from the command line ----

def build_template(layout: TemplateLayout) -> Workbook:
    """The empty template, in memory: instructions, the block and the table, the structure locked."""
    wb = Workbook()
    write_instructions(wb.active, layout.instructions)
    wb.active.title = layout.instructions_sheet
    write_field_block(wb.create_sheet(layout.block_sheet), layout.fields)
    write_input_table(wb.create_sheet(layout.lines_sheet), layout.columns, layout.table, layout.input_rows,
                      layout.column_rule)
    # Sheet names are what the importer looks for: lock the structure (no password, like the sheets).
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def amount_cells(amount, split: bool, inflow: str, outflow: str) -> dict:
    """A signed amount as the table holds it: in the Amount column, or (split) as a positive number in the
    money-in column `inflow` or the money-out column `outflow`."""
    if split:
        return {inflow if amount >= 0 else outflow: abs(amount)}
    return {"amount": amount}


def fill_template(layout: TemplateLayout, template_path, out_path, values: dict, rows: Sequence[dict]) -> Path:
    """A filled copy: `values` (field key -> value) in the block, one table row per dict (column key -> value).

    template_path None means the checked-in template; protection and validations are kept.
    """
    wb = load_workbook(template_path or layout.path)
    ws = wb[layout.block_sheet]
    for row, f in enumerate(layout.fields, start=2):
        put(ws.cell(row=row, column=2), values[f.key], f.kind)
    ws = wb[layout.lines_sheet]
    for row, cells in enumerate(rows, start=2):
        for idx, col in enumerate(layout.columns, start=1):
            put(ws.cell(row=row, column=idx), cells.get(col.key), col.kind)
    fit_table(ws, layout.table, len(layout.columns), layout.input_rows, len(rows))
    return save_deterministic(wb, out_path, compress=True)


def regenerate_main(generate: Callable[..., Path], argv: list[str] | None = None) -> int:
    """`python -m <template module> [OUT]`: write the empty template to OUT (default: the checked-in file)."""
    args = sys.argv[1:] if argv is None else argv
    out = generate(*args[:1])
    print(f"wrote {out}")
    return 0

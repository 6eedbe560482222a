"""The GL import template for users without an ERP connection: its layout as data, its generator, its filler.

The layout below is the one source of truth: the generator draws the workbook from it and
`tieout.server.gl_import` reads filled copies by the same names, so a renamed column is renamed everywhere.
The checked-in `GL-Import-Template.xlsx` is regenerated with `python -m tieout.excel_templates.gl_template [OUT]`;
saving is deterministic (fixed timestamps, fixed zip entries), so a regeneration is byte-identical.
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

TEMPLATE_PATH = Path(__file__).with_name("GL-Import-Template.xlsx")
TEMPLATE_VERSION = "1"

INSTRUCTIONS_SHEET = "Instructions"
BALANCE_SHEET = "GL Balance"
LINES_SHEET = "GL Lines"
LINES_TABLE = "GLLines"
INPUT_ROWS = 1000  # empty table rows ready for typing or pasting; more may be pasted directly below the table

# Bounds shared by Excel's data validation and the importer's checks, so both refuse the same values.
MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)
MAX_ABS_AMOUNT = Decimal("9999999999999.99")  # 15 significant digits: the most Excel stores exactly

DATE_FORMAT = "yyyy-mm-dd"  # unambiguous in every locale
AMOUNT_FORMAT = "#,##0.00;[Red]-#,##0.00"
TEXT_FORMAT = "@"  # typed "=..." stays text, and "00123" keeps its zeros
SOURCE_CHOICES = ("AP", "AR", "JE", "Payroll", "Bank", "Other")


@dataclass(frozen=True)
class Field:
    """One input of the GL balance block (label in column A, value in column B)."""

    key: str  # account | account_name | currency | period_end | balance
    label: str
    kind: str  # text | currency | date | amount
    required: bool
    help: str


@dataclass(frozen=True)
class Column:
    """One column of the GL Lines table."""

    key: str  # date | reference | description | amount | debit | credit | source | counterparty
    header: str
    kind: str  # date | amount | unsigned | text
    width: float
    prompt: str


BALANCE_FIELDS = (
    Field("account", "GL account", "text", True,
          "Required. The number or code of the cash account in your ledger, e.g. 1010."),
    Field("account_name", "Account name", "text", False,
          "Optional. e.g. Operating account - First Bank."),
    Field("currency", "Currency", "currency", True,
          "Required. Three-letter code, e.g. USD, EUR, GBP. Every GL line is in this currency."),
    Field("period_end", "Period end date", "date", True,
          "Required. The last day of the period you reconcile, e.g. 2024-03-31."),
    Field("balance", "GL balance at period end", "amount", True,
          "Required. The ledger balance on the period end date. Money in the bank is positive; "
          "an overdraft (credit balance) is negative."),
)

COLUMNS = (
    Column("date", "Date", "date", 12, "Posting date, e.g. 2024-03-15. Required on every line."),
    Column("reference", "Reference", "text", 16, "Check, invoice or journal number. Optional."),
    Column("description", "Description", "text", 44, "What the line is. Optional."),
    Column("amount", "Amount", "amount", 15,
           "+ money into the bank (debit to cash), - money out. Or leave empty and use Debit/Credit."),
    Column("debit", "Debit", "unsigned", 14, "Money into the bank, as a positive number. Leave Amount empty."),
    Column("credit", "Credit", "unsigned", 14, "Money out of the bank, as a positive number. Leave Amount empty."),
    Column("source", "Source", "text", 11, "Where the line came from: AP, AR, JE, Payroll... Optional."),
    Column("counterparty", "Counterparty", "text", 28, "Customer, vendor or employee. Optional."),
)

# The Instructions sheet, one paragraph per row: (style, text). Plain words for an accountant.
INSTRUCTIONS = (
    ("title", "Tieout - GL import template"),
    ("text", "Use this workbook when Tieout is not connected to your accounting system. Type or paste the "
             "general-ledger (GL) balance and the GL lines of the bank account you reconcile, save the file, "
             "and import it into Tieout."),
    ("heading", "1. Sheet 'GL Balance': one block, five cells"),
    ("bullet", "GL account (required): the number or code of the cash account in your ledger, e.g. 1010."),
    ("bullet", "Account name (optional): e.g. Operating account - First Bank."),
    ("bullet", "Currency (required): the three-letter code, e.g. USD, EUR, GBP. All lines are in this currency."),
    ("bullet", "Period end date (required): the last day of the period you reconcile, e.g. 2024-03-31."),
    ("bullet", "GL balance at period end (required): the ledger balance of the account on that date. "
               "A debit balance (money in the bank) is positive; an overdraft is negative."),
    ("heading", "2. Sheet 'GL Lines': one row per GL line posted to this account"),
    ("bullet", "Date (required): the posting date. Type it as a date (e.g. 2024-03-15). Dates typed as text are "
               "read as 2024-03-15, 03/15/2024 (month first) or 15/03/2024 and 15.03.2024 (day first); a date "
               "such as 03/04/2024 that reads both ways must be typed 2024-04-03 unless another date in the "
               "file shows which order you use."),
    ("bullet", "Amount: + for money into the bank account (a debit to cash: receipts, deposits, transfers in), "
               "- for money out (a credit to cash: payments, checks, fees, transfers out)."),
    ("bullet", "Or, instead of Amount, Debit and Credit: Debit = money in, Credit = money out, both as positive "
               "numbers. Fill Amount, or Debit, or Credit: only one of them on a row."),
    ("bullet", "Numbers may be typed or pasted as text too: 1,234.50 or (1,234.50) for a negative, "
               "or with the currency sign."),
    ("bullet", "Reference, Description, Source (AP, AR, JE, Payroll... pick from the list or type your own) "
               "and Counterparty are optional."),
    ("bullet", f"The table has {INPUT_ROWS:,} rows ready. Empty rows are skipped. More rows may be pasted "
               "directly below the table; they are imported too."),
    ("heading", "3. What happens on import"),
    ("bullet", "Tieout checks every row before it imports anything. If any row has a problem, nothing is "
               "imported and you get the list of all problems, each with its row number and column, e.g. "
               "\"line 14, field 'Amount': not a number: 'abc'\", so you can fix them in one pass."),
    ("bullet", "Checked: dates are real dates; amounts are numbers; a row fills only one of Amount, Debit, "
               "Credit; Debit and Credit are not negative; every non-empty row has a date and an amount; "
               "the balance block is complete."),
    ("bullet", "A line dated after the period end date is refused: it belongs to the next period, and the GL "
               "balance at period end does not include it. Remove it or correct the period end date."),
    ("bullet", "Formulas are fine: the value Excel calculated is imported. Text that starts with = is kept as "
               "text in Reference, Description, Source and Counterparty."),
    ("bullet", "Each line is known by its row number (row 14 becomes GL-14): sort or delete rows before you "
               "import, not between an import and the review."),
    ("heading", "4. Protection"),
    ("bullet", "Labels and column headings are protected so that the import finds them; the input cells are "
               "unlocked. There is no password: Review > Unprotect Sheet if you must, but keep the sheet names "
               "and the column headings as they are."),
    ("text", f"Template version {TEMPLATE_VERSION}."),
)

_FIXED_TIME = dt.datetime(2024, 1, 1)  # document properties: a fixed stamp keeps regeneration byte-identical
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
_UNLOCKED = Protection(locked=False)
_FORMATS = {"date": DATE_FORMAT, "amount": AMOUNT_FORMAT, "unsigned": AMOUNT_FORMAT,
            "text": TEXT_FORMAT, "currency": TEXT_FORMAT}
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _excel_date(d: dt.date) -> str:
    return f"DATE({d.year},{d.month},{d.day})"


def _validation(kind: str, title: str, prompt: str) -> DataValidation:
    """Excel data validation for one kind of input, with the input message shown when a cell is selected."""
    amount = str(MAX_ABS_AMOUNT)
    rules = {
        "date": dict(type="date", operator="between", formula1=_excel_date(MIN_DATE), formula2=_excel_date(MAX_DATE),
                     error=f"Type a date between {MIN_DATE} and {MAX_DATE}, e.g. 2024-03-15."),
        "amount": dict(type="decimal", operator="between", formula1=f"-{amount}", formula2=amount,
                       error="Type a number: + money in, - money out."),
        "unsigned": dict(type="decimal", operator="between", formula1="0", formula2=amount,
                         error="Type a positive number (or use the Amount column with a sign)."),
        "currency": dict(type="textLength", operator="equal", formula1="3",
                         error="Type a three-letter currency code, e.g. USD."),
        "source": dict(type="list", formula1='"' + ",".join(SOURCE_CHOICES) + '"', errorStyle="information",
                       error="Not one of the usual sources; it is kept as you typed it."),
        "text": dict(type=None),
    }[kind]
    dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=title[:32], prompt=prompt[:255],
                        showErrorMessage=rules.get("type") is not None, errorTitle=title[:32], **rules)
    return dv


def _print_to_page_width(ws, landscape: bool = False) -> None:
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_setup.orientation = "landscape" if landscape else "portrait"


def _protect(ws) -> None:
    """Sheet protection without a password (a guard-rail, see DESIGN.md); filtering, sorting and widths allowed."""
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False


def _fit_height(ws, row: int, text: str, width: float, line_height: float = 15) -> None:
    """Row height for wrapped text. Excel does not grow rows on opening a file, so the height is stored;
    about one character per unit of column width in the default font."""
    lines = sum(-(-max(len(part), 1) // int(width * 0.95)) for part in text.split("\n"))
    ws.row_dimensions[row].height = line_height * lines + 3


def _instructions(ws) -> None:
    width = 110
    ws.column_dimensions["A"].width = width
    styles = {"title": Font(bold=True, size=16), "heading": Font(bold=True, size=12), "text": Font(),
              "bullet": Font()}
    for row, (style, text) in enumerate(INSTRUCTIONS, start=1):
        cell = ws.cell(row=row, column=1, value=("- " + text) if style == "bullet" else text)
        cell.font = styles[style]
        cell.alignment = Alignment(wrap_text=True, vertical="top", indent=1 if style == "bullet" else 0)
        _fit_height(ws, row, cell.value, width, line_height={"title": 24, "heading": 20}.get(style, 15))
    _print_to_page_width(ws)
    _protect(ws)


def _balance_block(ws) -> None:
    for col, (head, width) in enumerate((("Field", 28), ("Your entry", 26), ("What to type", 90)), start=1):
        cell = ws.cell(row=1, column=col, value=head)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, f in enumerate(BALANCE_FIELDS, start=2):
        ws.cell(row=row, column=1, value=f.label).font = _HEAD_FONT
        ws.cell(row=row, column=3, value=f.help).alignment = Alignment(wrap_text=True, vertical="top")
        _fit_height(ws, row, f.help, 90)
        cell = ws.cell(row=row, column=2)
        cell.number_format, cell.protection = _FORMATS[f.kind], _UNLOCKED
        dv = _validation(f.kind, f.label, f.help)
        dv.add(cell.coordinate)
        ws.add_data_validation(dv)
    _print_to_page_width(ws, landscape=True)
    _protect(ws)


def _lines_table(ws) -> None:
    last_row = INPUT_ROWS + 1
    for idx, col in enumerate(COLUMNS, start=1):
        letter = get_column_letter(idx)
        head = ws.cell(row=1, column=idx, value=col.header)
        head.font, head.alignment = _HEAD_FONT, Alignment(horizontal="center")
        # The column's own style (unlocked, formatted) reaches every empty cell of it, including rows
        # pasted below the table, without writing a styled cell for each row.
        dim = ws.column_dimensions[letter]
        dim.width, dim.number_format, dim.protection = col.width, _FORMATS[col.kind], _UNLOCKED
        dv = _validation("source" if col.key == "source" else col.kind, col.header, col.prompt)
        dv.add(f"{letter}2:{letter}1048576")
        ws.add_data_validation(dv)
    end = get_column_letter(len(COLUMNS))
    table = Table(displayName=LINES_TABLE, ref=f"A1:{end}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _print_to_page_width(ws, landscape=True)
    _protect(ws)


def build_workbook() -> Workbook:
    """The empty template, in memory."""
    wb = Workbook()
    _instructions(wb.active)
    wb.active.title = INSTRUCTIONS_SHEET
    _balance_block(wb.create_sheet(BALANCE_SHEET))
    _lines_table(wb.create_sheet(LINES_SHEET))
    # Sheet names are what the importer looks for: lock the structure (no password, like the sheets).
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def save_deterministic(wb: Workbook, out: str | Path, compress: bool = False) -> Path:
    """Save so that the same workbook always gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml and into every zip entry; both are fixed here.
    The checked-in template is stored uncompressed (it is small) so that its bytes do not depend on the
    zlib build either; filled copies, which may be large, are compressed.
    """
    props = wb.properties
    props.creator = props.lastModifiedBy = "Tieout"
    props.created = props.modified = _FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()  # bypasses save_workbook's stamp
    packed = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(packed, "w", method) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.create_system, entry.external_attr, entry.compress_type = 0, 0, method
            dst.writestr(entry, src.read(info))
    out = Path(out)
    out.write_bytes(packed.getvalue())
    return out


def generate(out: str | Path = TEMPLATE_PATH) -> Path:
    """Write the empty template to `out`."""
    return save_deterministic(build_workbook(), out)


def _text_cell(cell, text: str) -> None:
    """Store user text as a string cell, never as a formula, whatever character it starts with."""
    cell.value = text
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited, too


def _put(cell, value, kind: str) -> None:
    cell.number_format, cell.protection = _FORMATS[kind], _UNLOCKED
    if value is None or value == "":
        return
    if kind in ("text", "currency"):
        _text_cell(cell, str(value))
    else:
        cell.value = value


def fill_gl_template(template_path, out_path, balance, lines, *, debit_credit: bool = False,
                     account_name: str = "") -> Path:
    """Write a filled copy of the template: the balance block and one table row per ledger line.

    template_path None means the checked-in template. `debit_credit=True` writes Debit/Credit columns
    instead of signed amounts. Used by the demo and the tests; protection and validations are kept.
    """
    if any(ln.currency and balance.currency and ln.currency != balance.currency for ln in lines):
        raise ValueError(f"every line must be in the balance's currency {balance.currency}")
    wb = load_workbook(template_path or TEMPLATE_PATH)
    ws = wb[BALANCE_SHEET]
    values = {"account": balance.account, "account_name": account_name, "currency": balance.currency,
              "period_end": balance.period_end, "balance": balance.balance}
    for row, f in enumerate(BALANCE_FIELDS, start=2):
        _put(ws.cell(row=row, column=2), values[f.key], f.kind)
    ws = wb[LINES_SHEET]
    index = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
    for row, ln in enumerate(lines, start=2):
        cells = {"date": ln.date, "reference": ln.reference, "description": ln.description,
                 "source": ln.source, "counterparty": ln.counterparty}
        if debit_credit:
            cells["debit" if ln.amount >= 0 else "credit"] = abs(ln.amount)
        else:
            cells["amount"] = ln.amount
        for col in COLUMNS:
            _put(ws.cell(row=row, column=index[col.key]), cells.get(col.key), col.kind)
    table = ws.tables[LINES_TABLE]
    table.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(INPUT_ROWS, len(lines)) + 1}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    return save_deterministic(wb, out_path, compress=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = generate(args[0] if args else TEMPLATE_PATH)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Bytes of a tabular bank file -> rows of cells, whatever the container: delimited text (any of the
encodings and delimiters banks use), an Excel workbook (.xlsx/.xls via python-calamine), or an HTML table
saved as ".xls" (a common bank "Excel" export). Every failure becomes a BankFileError naming the line."""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass
from operator import methodcaller
from pathlib import Path
from typing import Iterator, Sequence

from ...errors import BankFileError, Problem
from . import xls_guard
from .xlsx_guard import survey

DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 60
MAX_SHEET_CELLS = 30_000_000  # a full-height sheet (1,048,576 rows) of 26 columns fits; beyond, no statement
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Bytes cp1252 leaves undefined: a file holding them is neither UTF-8 nor Windows-1252 text.
_CP1252_HOLES = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


@dataclass(frozen=True)
class Grid:
    """One table: a CSV file, a worksheet or an HTML <table>. `lines[i]` is the 1-based line (text) or row
    (sheet) where `rows[i]` starts, so every message can point the user at the spot."""

    kind: str  # csv | xlsx | xls | html
    name: str  # sheet or table name; "" for CSV
    rows: list
    lines: Sequence[int]
    typed: bool = False  # cells may be numbers and dates (spreadsheets), not only text
    hidden: int = 0  # hidden rows left out (emptied in `rows`)


# ------------------------------------------------------------------------------------------ sniffing

def sniff_container(head: bytes) -> str:
    """'zip', 'ole', 'html' or 'text' from a file's first bytes."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<") and (b"<table" in head.lower() or start.startswith((b"<!doctype html", b"<html"))):
        return "html"
    return "text"


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def spreadsheet_zip_kind(path: Path) -> str | None:
    """'xlsx' for an OOXML workbook (xlsx/xlsm/xlsb), 'ods' for an OpenDocument spreadsheet, judged by the
    zip's parts, not the file's name; None for any other zip."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return "xlsx"
            if "mimetype" in names and "content.xml" in names and zf.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, KeyError):
        return None
    return None


def is_spreadsheet_zip(path: Path) -> bool:
    return spreadsheet_zip_kind(path) is not None


def foreign_text(head: bytes) -> bool:
    """Text formats that other importers own (BAI2, MT940, OFX, camt, PDF, markup): never a CSV statement."""
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if s.startswith((b"%PDF", b"\x01", b"{1:", b"OFXHEADER", b"<", ZIP_MAGIC, OLE_MAGIC)):
        return True
    if re.search(rb"(?m)^\s*:(20|25|28C|60F|61):", s):
        return True
    return s.startswith(b"01,") and re.search(rb"(?m)^(02|03|16|49|88),", s) is not None


# ------------------------------------------------------------------------------------------ text

def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def decode_text(source, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; anything else is an error naming the
    line, because a silently mis-decoded description would match nothing later."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[3:], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2].count(b"\x00") == 0:
        encoding = "utf-16-le"  # UTF-16 without a BOM, as some "Unicode text" exports are
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise BankFileError(source, Problem(f"not valid {encoding.upper()} text", line=None)) from None
        if _UTF8_MULTIBYTE.search(data):
            raise BankFileError(source, Problem(
                f"byte 0x{data[exc.start]:02X} is not UTF-8, yet the rest of the file is UTF-8: the file mixes "
                "encodings; save it again as UTF-8", line=_line_of(data, exc.start))) from None
        hole = _CP1252_HOLES.search(data)
        if hole:
            raise BankFileError(source, Problem(
                f"byte 0x{data[hole.start()]:02X} is neither UTF-8 nor Windows-1252 text; save the file as UTF-8",
                line=_line_of(data, hole.start()))) from None
        text = data.decode(_legacy_codepage(data))
    nul = text.find("\x00")
    if nul >= 0:
        raise BankFileError(source, Problem("binary content (a NUL character) in a text file",
                                            line=text.count("\n", 0, nul) + 1))
    return text


def _legacy_codepage(data: bytes) -> str:
    """Windows-1252 unless the bytes read as Cyrillic (1251) or Baltic (1257) text: charset-normalizer, asked
    to choose among the three, judges by the letters the bytes make (1252 mangles those scripts without error)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["cp1252", "cp1251", "cp1257"]).best()
    return best.encoding if best is not None and best.encoding in ("cp1251", "cp1257") else "cp1252"


def rank_delimiters(text: str, preferred: str | None = None) -> list[str]:
    """Delimiters most likely first: the one that splits most lines into the same number (>1) of fields."""
    sample = "\n".join(text[:65536].splitlines()[:SNIFF_LINES])
    scores = []
    for d in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=d) if any(c.strip() for c in r)]
        except csv.Error:
            counts = []
        mode, freq = Counter(counts).most_common(1)[0] if counts else (0, 0)
        scores.append(((freq if mode > 1 else 0), mode, -DELIMITERS.index(d), d))
    ranked = [s[3] for s in sorted(scores, reverse=True)]
    if preferred:
        ranked = [preferred] + [d for d in ranked if d != preferred]
    return ranked


def csv_grid(source, text: str, delimiter: str, max_rows: int | None = None) -> Grid:
    """Rows of a delimited text with the line each starts on (quoted fields may span lines)."""
    if max_rows is not None:
        head = _head_grid(source, text, delimiter, max_rows)
        if head is not None:
            return head
    if max_rows is None:
        rows = unquoted_rows(text, delimiter)
        if rows is not None:
            return Grid("csv", "", rows, range(1, len(rows) + 1))
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, strict=False)
    try:
        if max_rows is None:
            rows = list(reader)
            if reader.line_num == len(rows):  # no record spans lines: row i is on line i + 1
                return Grid("csv", "", rows, range(1, len(rows) + 1))
            reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, strict=False)
    except csv.Error as exc:
        raise BankFileError(source, Problem(f"unreadable delimited text: {exc}", line=reader.line_num)) from None
    rows, lines = [], []
    append_row, append_line = rows.append, lines.append
    end = 0
    try:
        for row in reader:
            append_row(row)
            append_line(end + 1)
            end = reader.line_num
            if max_rows is not None and len(rows) >= max_rows:
                break
    except csv.Error as exc:
        raise BankFileError(source, Problem(f"unreadable delimited text: {exc}", line=end + 1)) from None
    return Grid("csv", "", rows, lines)


def unquoted_rows(text: str, delimiter: str) -> SplitRows | None:
    """The rows csv.reader gives for a text without a quote character (most bank exports), split in C-level
    passes: without quotes a record is one line and a field what lies between delimiters, and csv.reader's own
    loop over every character costs a 100,000-line file a third more. None when the text has a quote or a line
    longer than csv's field limit (csv.reader then reads it, and reports what it refuses)."""
    if '"' in text:
        return None
    if "\r" not in text:
        lines = text.split("\n")
    elif text.count("\r") == text.count("\r\n") == text.count("\n"):  # Windows line ends only: no copy made
        lines = text.split("\r\n")
    else:  # the newline translation csv.reader's StringIO(newline=None) makes
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()  # the last line's break ends it, it starts no row
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return None
    return SplitRows(lines, delimiter)


class SplitRows(SequenceABC):
    """The rows of a text without quotes, each line split at the delimiter when it is asked for (an empty line
    is an empty row, as csv.reader gives it), or whole columns cut from the lines at once (`columns`): the row
    reader takes a table's data by column, so the rows of a 100,000-line file need never exist as lists."""

    __slots__ = ("lines", "delimiter")

    def __init__(self, lines: list[str], delimiter: str):
        self.lines = lines
        self.delimiter = delimiter

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(map(self._row, self.lines[index]))
        return self._row(self.lines[index])

    def __iter__(self):
        return map(self._row, self.lines)

    def __eq__(self, other) -> bool:
        return isinstance(other, (list, SplitRows)) and list(self) == list(other)

    __hash__ = None

    def _row(self, line: str) -> list[str]:
        return line.split(self.delimiter) if line else []

    def columns(self, start: int, width: int) -> list[list[str]] | None:
        """The rows from `start` on as columns (at least `width`, short ones filled with ""), when every one of
        those lines has the same number of fields: then the fields of the joined lines, in order, are the cells
        row after row, and column i is every n-th of them. None for ragged or empty lines (read as rows)."""
        lines, d = self.lines[start:], self.delimiter
        if not lines or "" in lines:
            return None
        counts = set(map(methodcaller("count", d), lines))
        if len(counts) != 1:
            return None
        fields = counts.pop() + 1
        cells = d.join(lines).split(d)
        columns = [cells[i::fields] for i in range(fields)]
        columns += [[""] * len(lines) for _ in range(width - fields)]
        return columns


def _head_grid(source, text: str, delimiter: str, max_rows: int) -> Grid | None:
    """The first `max_rows` rows read from the start of the text only: the layout is chosen from the head of a
    file, often for several delimiters, and each reading of the whole text costs as much as the import of a few
    thousand lines. None when the start does not hold one row more than asked (so the last row asked for is
    surely complete) or reads with an error: the whole text then decides, as before."""
    end = -1
    for _ in range(4 * max_rows + 64):
        end = text.find("\n", end + 1)
        if end < 0:
            return None  # a short text: read it whole
    try:
        grid = csv_grid(source, text[:end + 1], delimiter, None)
    except BankFileError:
        return None
    if len(grid.rows) <= max_rows:
        return None
    return Grid("csv", "", grid.rows[:max_rows], grid.lines[:max_rows])


def looks_like_table(head: bytes) -> bool:
    """Lenient: text (not another importer's format) where some delimiter splits a line into fields."""
    if not head.strip() or foreign_text(head):
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    elif b"\x00" in head and not (len(head) >= 4 and head[1:4:2] == b"\x00\x00"):
        return False
    else:
        text = head.decode("utf-16-le" if b"\x00" in head else "utf-8", errors="replace")
    lines = [ln for ln in text.splitlines()[:SNIFF_LINES] if ln.strip()]
    for d in DELIMITERS:
        try:
            if any(len(r) >= 2 for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=d)):
                return True
        except csv.Error:
            continue
    return False


# ------------------------------------------------------------------------------------------ workbooks

def _wrap_reader_error(source, exc: BaseException) -> BankFileError:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
        raise exc
    text = str(exc).strip() or type(exc).__name__
    if "password" in text.lower() or type(exc).__name__ == "PasswordError":
        text = "the workbook is password-protected; save an unprotected copy"
    return BankFileError(source, Problem(f"cannot read the workbook: {text[:300]}"))


def workbook_grids(source, path: Path, kind: str) -> Iterator[Grid]:
    """Each visible worksheet in workbook order, read lazily (a bank workbook's first sheet is usually it)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    surveys = survey(path) if kind == "xlsx" else {}
    if kind == "xls":
        _check_compound_file(source, path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in wb.sheets_metadata
                 if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet] or wb.sheet_names
    except BaseException as exc:  # noqa: BLE001 - calamine raises Rust panics (BaseException) on broken files
        raise _wrap_reader_error(source, exc) from None
    for name in names:
        sheet = surveys.get(name)
        refusal = sheet.refusal(MAX_SHEET_CELLS) if sheet is not None else None
        if refusal:
            raise BankFileError(f"{source} [sheet '{name}']", Problem(refusal))
        try:
            # skip_empty_area=False keeps row numbers true to the sheet (calamine trims leading blanks otherwise)
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except BaseException as exc:  # noqa: BLE001 - see above
            raise _wrap_reader_error(source, exc) from None
        hidden = sheet.hidden if sheet is not None else ()
        for number in hidden:
            if number <= len(rows):
                rows[number - 1] = []  # hidden by the bank's filter: not part of the export
        yield Grid(kind, name, rows, list(range(1, len(rows) + 1)), typed=True, hidden=len(hidden))



def _check_compound_file(source, path: Path) -> None:
    """A BIFF .xls whose sector chains loop or leave the file is refused before calamine follows them (it would
    grow memory until the process aborts: xls_guard.py). Files without the OLE2 signature are calamine's to judge."""
    with open(path, "rb") as fh:
        data = fh.read()
    if not data.startswith(xls_guard.SIGNATURE):
        return
    try:
        xls_guard.check(data)
    except xls_guard.CompoundFileError as exc:
        raise BankFileError(source, Problem(f"the .xls file is damaged: {exc}; it was not read")) from None


# ------------------------------------------------------------------------------------------ HTML tables

def html_grids(source, data: bytes) -> list[Grid]:
    """Every <table> of an HTML page (banks save these as .xls); cells are text, colspans padded."""
    import lxml.etree
    import lxml.html

    text = _XML_DECL.sub("", decode_text(source, data), count=1)
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise BankFileError(source, Problem(f"unreadable HTML: {exc}")) from None
    grids = []
    for n, table in enumerate(doc.iter("table"), start=1):
        rows, lines = [], []
        for tr in table.iter("tr"):
            if next(tr.iterancestors("table"), None) is not table:
                continue  # a row of a nested table
            cells = []
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                cells.append(" ".join(td.text_content().split()))
                span = td.get("colspan", "1")
                cells.extend([""] * (min(int(span), 100) - 1 if span.isdigit() and int(span) > 1 else 0))
            rows.append(cells)
            lines.append(tr.sourceline or 0)
        if rows:
            grids.append(Grid("html", table.get("id") or f"table {n}", rows, lines))
    if not grids:
        raise BankFileError(source, Problem("the HTML file holds no table"))
    return grids

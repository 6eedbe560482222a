"""The .xlsx package: worksheets held without their rows while openpyxl opens the rest, and the save that puts
rows back into the package openpyxl writes.

A worksheet is held (its <sheetData> kept as bytes, openpyxl given an empty one) only when openpyxl would make
nothing of those rows but cells: no shared strings (their table is not written back by openpyxl; Tieout's own
files use inline strings), no row heights or hidden rows, no merged cells, hyperlinks or comments (openpyxl
ties those to cell objects). Any other sheet is opened by openpyxl as before.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import struct
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...server.importers.tabular.xlsx_guard import _sheet_parts

_SHEET_DATA = re.compile(rb"<sheetData\s*(/?)>")
_SHEET_DATA_END = b"</sheetData>"
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_SHARED_STRING = re.compile(rb"""\st\s*=\s*["']s["']""")
_ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")
# A row element with any attribute but its number, spans or a namespaced one (a height, hidden, a style)
_UNPLAIN_ROW = re.compile(rb"""<row\b(?!(?:\s+(?:r|spans|\w+:[\w-]+)\s*=\s*"[^"]*")*\s*/?>)""")
_TIED_TO_CELLS = (b"<mergeCells", b"<hyperlinks", b"<legacyDrawing")
_EMPTY = b"<sheetData/>"
# The fastest deflate level: about three times level 6 on worksheet XML, for a file about a fifth larger.
COMPRESSION = 1
# The archive comment our save leaves: the CRC of each worksheet part the add-in vouches for (written by it, or
# kept as its last save wrote it), as "tieout-parts N:crc ..." for xl/worksheets/sheetN.xml. Why the comment and
# not a workbook setting: the settings (workbook.xml) are written before the worksheets' rows are put in, so
# their final bytes are not known then; the comment is written last. Any other program's save drops or keeps
# it, but changes the parts' CRCs (Excel rewrites every part), and so marks every sheet as not ours any more.
# Kept short and plain: LibreOffice refuses to open a package whose comment is a long JSON text.
_WRITTEN = b"tieout-parts "
_WORKSHEET = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


@dataclass(frozen=True)
class HeldSheet:
    """A worksheet part as the file holds it, with where its rows are."""

    xml: bytes
    start: int  # of the <sheetData> element
    end: int
    as_written: bool = False  # the part is byte for byte what the add-in's last save wrote (its CRC recorded)

    @property
    def sheet_data(self) -> bytes:
        return self.xml[self.start:self.end]

    @property
    def has_error_cells(self) -> bool:
        """Cells holding an error value such as #N/A (calamine reads them as blanks, openpyxl as their text)."""
        return _may_hold(self.sheet_data, b"e") and _ERROR_CELL.search(self.xml, self.start, self.end) is not None

    @property
    def dimension(self) -> bytes | None:
        m = _DIMENSION.search(self.xml, 0, self.start)
        return m.group(0) if m else None

    def uses_styles(self, ids) -> bool:
        """Whether a cell of the rows has one of the style indices `ids` (True when unsure: quotes other than
        the double quotes openpyxl and Excel write)."""
        rows = self.sheet_data
        return b" s='" in rows or any(b' s="%d"' % i in rows for i in ids)

    def stripped(self) -> bytes:
        return self.xml[:self.start] + _EMPTY + self.xml[self.end:]


def sheet_data_span(xml: bytes) -> tuple[int, int] | None:
    """Where the <sheetData> element is (unprefixed, as Excel and openpyxl write it)."""
    m = _SHEET_DATA.search(xml)
    if m is None:
        return None
    if m.group(1):
        return m.start(), m.end()
    end = xml.rfind(_SHEET_DATA_END, m.end())  # from the end: the element closes near it, after every row
    return None if end < 0 else (m.start(), end + len(_SHEET_DATA_END))


def hold(xml: bytes) -> HeldSheet | None:
    """The sheet held without its rows, or None when openpyxl must read its rows itself (see the module)."""
    span = sheet_data_span(xml)
    # those elements come after the rows (the schema's order): only the part's tail is searched
    if span is None or any(tag in xml[span[1]:] for tag in _TIED_TO_CELLS):
        return None
    rows = xml[span[0]:span[1]]
    if (_may_hold(rows, b"s") and _SHARED_STRING.search(rows)) or _UNPLAIN_ROW.search(rows):
        return None
    return HeldSheet(xml, *span)


def _may_hold(rows: bytes, value: bytes) -> bool:
    """Whether an attribute may have the one-letter `value` in `rows` (a quoted letter alone): a fast scan
    that spares the slower regular expression on the rows of nearly every sheet."""
    return b'"' + value + b'"' in rows or b"'" + value + b"'" in rows


@dataclass(frozen=True)
class OpenedPackage:
    data: bytes  # the file as read
    skeleton: io.BytesIO  # the package with held sheets emptied, for openpyxl
    held: dict[str, HeldSheet]  # sheet name -> its part as the file holds it


def open_package(path: Path) -> OpenedPackage:
    """Reads the file once; raises what zipfile raises for a file that is not a package."""
    data = path.read_bytes()
    held: dict[str, HeldSheet] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as skeleton:
        parts = {part: name for name, part in _sheet_parts(zf).items()}
        written = written_crcs(zf.comment)
        for info in zf.infolist():
            content = zf.read(info)
            name = parts.get(info.filename)
            sheet = hold(content) if name is not None else None
            if sheet is not None:
                if written.get(info.filename) == info.CRC:
                    sheet = HeldSheet(sheet.xml, sheet.start, sheet.end, as_written=True)
                held[name] = sheet
                content = sheet.stripped()
            skeleton.writestr(info.filename, content)
    out.seek(0)
    return OpenedPackage(data, out, held)


@dataclass(frozen=True)
class Rows:
    """What goes into one worksheet part at save: its <dimension> element and either the whole <sheetData>
    element (`replace`) or rows to add after those openpyxl wrote (a table's header)."""

    dimension: bytes | None
    chunks: Iterable[bytes]
    replace: bool
    held: HeldSheet | None = None  # the part as the file held it, when these are its rows put back


def save_package(skeleton: bytes, path: Path, rows: dict[str, Rows], opened: bytes | None = None,
                 vouched: frozenset[str] = frozenset()) -> None:
    """Writes the package openpyxl made (`skeleton`) to `path` with the rows of each part named in `rows`
    put in, through a file beside `path` that replaces it at the end (a failed save leaves the old file).
    A held sheet that comes out as the file `opened` had it is copied from it still compressed."""
    fd, tmp = tempfile.mkstemp(prefix=".~tieout-", suffix=".xlsx", dir=path.parent)
    try:
        os.chmod(tmp, _mode_of(path))
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(io.BytesIO(skeleton)) as zin, \
                zipfile.ZipFile(io.BytesIO(opened or b"PK\x05\x06" + bytes(18))) as zold, \
                zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as zout:
            for info in zin.infolist():
                content = zin.read(info)
                put = rows.get(info.filename)
                if put is None:
                    zout.writestr(info.filename, content)
                    continue
                if put.held is not None and _unchanged(content, put) and info.filename in zold.NameToInfo:
                    copy_compressed(zold, info.filename, zout)
                    continue
                with zout.open(info.filename, "w", force_zip64=True) as part:
                    for chunk in _spliced(content, put):
                        part.write(chunk)
            zout.comment = _WRITTEN + " ".join(
                f"{m.group(1)}:{i.CRC:08x}" for i in zout.infolist() if i.filename in vouched
                and (m := _WORKSHEET.fullmatch(i.filename))).encode()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def written_crcs(comment: bytes) -> dict[str, int]:
    """The worksheet parts' CRCs our last save recorded in the archive comment ({} when another program saved)."""
    if not comment.startswith(_WRITTEN):
        return {}
    out = {}
    for item in comment[len(_WRITTEN):].split():
        number, _, crc = item.partition(b":")
        try:
            out[f"xl/worksheets/sheet{int(number)}.xml"] = int(crc, 16)
        except ValueError:
            return {}
    return out


def _mode_of(path: Path) -> int:
    """The permissions the saved file keeps: the old file's, else what a new file gets (mkstemp's are 0600)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _head_tail(xml: bytes, put: Rows) -> tuple[bytes, bytes]:
    """What goes before and after the rows: the part openpyxl wrote, with the rows' <dimension>."""
    start, end = sheet_data_span(xml)
    head, tail = xml[:start], xml[end:]
    dim = _DIMENSION.search(head)
    if dim is not None:
        head = head[:dim.start()] + (put.dimension or b"") + head[dim.end():]
    return head, tail


def _unchanged(xml: bytes, put: Rows) -> bool:
    """Whether the part comes out byte for byte as the file held it (its own rows put back in it)."""
    held = put.held
    head, tail = _head_tail(xml, put)
    return head == held.xml[:held.start] and tail == held.xml[held.end:]


def copy_compressed(source: zipfile.ZipFile, name: str, target: zipfile.ZipFile) -> None:
    """Copies the member `name` still compressed. Why our own: zipfile has no call that copies a member
    without inflating and deflating it again (a large worksheet costs a tenth of a second each way); this
    writes the member's local header and its compressed bytes as ZipFile.writestr does once it compressed."""
    info = source.getinfo(name)
    source.fp.seek(info.header_offset)
    header = struct.unpack(zipfile.structFileHeader, source.fp.read(zipfile.sizeFileHeader))
    source.fp.seek(header[zipfile._FH_FILENAME_LENGTH] + header[zipfile._FH_EXTRA_FIELD_LENGTH], os.SEEK_CUR)
    raw = source.fp.read(info.compress_size)
    copy = zipfile.ZipInfo(name, info.date_time)
    copy.compress_type, copy.CRC = info.compress_type, info.CRC
    copy.compress_size, copy.file_size = info.compress_size, info.file_size
    copy.external_attr, copy.create_system = info.external_attr, info.create_system
    copy.flag_bits = info.flag_bits & ~0x08  # sizes in the local header: no data descriptor follows
    with target._lock:
        target._writecheck(copy)
        target._didModify = True
        copy.header_offset = target.fp.tell()
        target.fp.write(copy.FileHeader())
        target.fp.write(raw)
        target.filelist.append(copy)
        target.NameToInfo[name] = copy
        target.start_dir = target.fp.tell()


def _spliced(xml: bytes, put: Rows) -> Iterable[bytes]:
    head, tail = _head_tail(xml, put)
    yield head
    if put.replace:
        yield from put.chunks
    else:
        start, end = sheet_data_span(xml)
        written = xml[start:end]
        yield written[:-len(_SHEET_DATA_END)] if written.endswith(_SHEET_DATA_END) else b"<sheetData>"
        yield from put.chunks
        yield _SHEET_DATA_END
    yield tail

"""CSV and Excel bank statements: the "csv", "xlsx" and "xls" formats.

One pipeline for every tabular container (read: bytes -> rows), a layout profile chosen from the
header (layout_profiles), rows -> transactions (rows), transactions -> checked statements
(statements). The container is judged by content, never by the file's name: a ".xls" that is CSV
text or an HTML table is read as what it is. CSV is the lenient fallback, asked after every structured format.
"""
from __future__ import annotations

from pathlib import Path

from ...errors import BankFileError
from .layout_profiles import HEADER_SCAN_ROWS, Layout, choose_layout, get_profile, load_profiles
from ...records import ImportResult
from ..base import ImportOptions
from .read import (Grid, csv_grid, decode_text, html_grids, is_spreadsheet_zip, looks_like_table,
                           rank_delimiters, sniff_container, workbook_grids)
from .rows import TableReader
from .statements import build_statements


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BankFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
    if not data or (len(data) < 65536 and not data.strip()):  # a big file is never copied just to check this
        raise BankFileError(path, "the file is empty")
    return data


def _best_error(errors: list[BankFileError]) -> BankFileError:
    """A changed-header diagnosis says more than 'no profile recognises this': prefer it."""
    for err in errors:
        if any(p.field not in (None, "header") for p in err.problems):
            return err
    return errors[0]


def _text_table(path: Path, data: bytes, profiles, forced: str | None) -> tuple[Grid, Layout]:
    text = decode_text(path, data)
    preferred = get_profile(forced, profiles, path).delimiter if forced else None
    errors = []
    for delimiter in rank_delimiters(text, preferred):
        head = csv_grid(path, text, delimiter, max_rows=HEADER_SCAN_ROWS + 20)
        try:
            layout = choose_layout(path, head.rows, head.lines, profiles, forced)
        except BankFileError as exc:
            errors.append(exc)
            continue
        return csv_grid(path, text, delimiter), layout
    raise _best_error(errors)


def _first_table(path: Path, grids, profiles, forced: str | None) -> tuple[Grid, Layout, str]:
    errors = []
    for grid in grids:
        where = f"{path} [{'table' if grid.kind == 'html' else 'sheet'} '{grid.name}']"
        try:
            return grid, choose_layout(where, grid.rows, grid.lines, profiles, forced), where
        except BankFileError as exc:
            errors.append(exc)
    if not errors:
        raise BankFileError(path, "the workbook has no worksheet")
    raise _best_error(errors)


def extract_tabular(path: Path, options: ImportOptions) -> ImportResult:
    path = Path(path)
    data = _read_bytes(path)
    profiles = load_profiles(options.profile_dirs)
    container = sniff_container(data[:65536])
    if container == "zip":
        if not is_spreadsheet_zip(path):
            raise BankFileError(path, "a zip archive that is not an Excel workbook")
        grid, layout, where = _first_table(path, workbook_grids(path, path, "xlsx"), profiles, options.profile)
    elif container == "ole":
        grid, layout, where = _first_table(path, workbook_grids(path, path, "xls"), profiles, options.profile)
    elif container == "html":
        grid, layout, where = _first_table(path, html_grids(path, data), profiles, options.profile)
    else:
        (grid, layout), where = _text_table(path, data, profiles, options.profile), path
    profile = layout.profile
    content = TableReader(grid, layout, account=options.account,
                          currency=options.currency or profile.currency).read()
    statements, problems, warnings = build_statements(content, layout.titles.get("balance", "balance"))
    if problems:
        problems.sort(key=lambda p: (p.line is None, p.line or 0))  # in file order, whichever check found them
        raise BankFileError(where, problems)
    fmt = {"csv": "csv", "xlsx": "xlsx"}.get(grid.kind, "xls")
    return ImportResult(fmt, str(path), tuple(statements), tuple(warnings))


class TabularImporter:
    """One of the tabular formats; all three share the pipeline and differ in what they recognise."""

    def __init__(self, name: str, priority: int, containers: tuple[str, ...]):
        self.name = name
        self.priority = priority
        self.containers = containers

    def identify(self, path: Path, head: bytes) -> bool:
        container = sniff_container(head)
        if container not in self.containers:
            return False
        if container == "zip":
            return is_spreadsheet_zip(Path(path))
        if container == "text":
            return looks_like_table(head)
        return True

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        return extract_tabular(Path(path), options)

    def __repr__(self) -> str:
        return f"TabularImporter({self.name!r})"


# Priorities: workbooks are unmistakable by their magic bytes; an HTML ".xls" and plain CSV text are lenient
# guesses, so every structured text format (BAI2, MT940, OFX, camt, PDF) is asked before them.
IMPORTERS = (
    TabularImporter("xlsx", 200, ("zip",)),
    TabularImporter("xls", 800, ("ole", "html")),
    TabularImporter("csv", 900, ("text",)),
)

"""CSV and Excel bank statements: the "csv", "xlsx" and "xls" formats.

One pipeline for every tabular container (read: bytes -> rows), a layout profile chosen from the
header (layout_profiles), rows -> transactions (rows), transactions -> checked statements
(statements). The container is judged by content, never by the file's name: a ".xls" that is CSV
text or an HTML table is read as what it is. CSV is the lenient fallback, asked after every structured format.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from ...errors import BankFileError
from ...records import Finding, ImportResult
from ...records import Layout as LayoutRecord
from .infer import Inference, infer
from .infer.vocabulary import vocabulary
from .layout_profiles import (HEADER_SCAN_ROWS, SHIPPED_DIR, Layout, choose_layout, get_profile, header_key,
                              load_profiles)
from ..base import ImportOptions
from .read import (Grid, csv_grid, decode_text, html_grids, is_spreadsheet_zip, looks_like_table,
                   rank_delimiters, sniff_container, spreadsheet_zip_kind, workbook_grids)
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
        if _is_drift(err):
            return err
    return errors[0]


def _is_drift(err: BankFileError) -> bool:
    return any(p.field not in (None, "header") for p in err.problems)


@dataclass
class _Choice:
    """The table to read and how: a profile's layout, or one inferred (with why the profiles did not fit)."""

    grid: Grid
    layout: Layout
    where: object
    inference: Inference | None = None
    drift: BankFileError | None = None  # why the profiles were not used (a changed header, rows they misread)
    drift_code: str = "layout_changed"


def _choose(where, grid: Grid, profiles, forced: str | None, hints: ImportOptions,
            full: Callable[[], Grid]) -> _Choice:
    """A bank's profile whose header the table carries; else the inferred layout; else the generic profile.
    A forced profile is used or refused, never replaced by inference."""
    try:
        layout = choose_layout(where, grid.rows, grid.lines, profiles, forced)
    except BankFileError as exc:
        if forced:
            raise
        drift = exc if _is_drift(exc) else None
        try:
            return _Choice(full(), *_inferred(where, full(), hints), drift=drift)
        except BankFileError as inferred_error:
            raise (drift or _unsure(inferred_error) or exc) from None
    if forced:
        return _Choice(full(), layout, where)
    if not layout.profile.fallback:
        stated = _contradicts_currency(layout, grid)
        if stated is None:
            return _Choice(full(), layout, where)
        why = BankFileError(where, f"layout profile '{layout.profile.name}' matches the header, but the profile's "
                                   f"currency is {layout.profile.currency} and the file's currency column says "
                                   f"{stated}.")
        return _Choice(full(), *_inferred(where, full(), hints), drift=why, drift_code="profile_misread")
    try:
        return _Choice(full(), *_inferred(where, full(), hints))
    except BankFileError as exc:
        if _unsure(exc):
            raise  # two readings fit equally: the generic profile would only pick one of them silently
        return _Choice(full(), layout, where)  # the generic profile's reading, as before inference existed


def _contradicts_currency(layout: Layout, grid: Grid) -> str | None:
    """A profile that fixes its bank's currency, on a table whose own currency column says another: another
    bank's file with the same column names. Returns the code the table states."""
    fixed = layout.profile.currency
    if not fixed or "currency" in layout.columns or layout.header_row < 0:
        return None
    vocab = vocabulary()
    header = grid.rows[layout.header_row]
    for i, cell in enumerate(header):
        if isinstance(cell, str) and "currency" in vocab.roles_of(header_key(cell)[0]):
            for row in grid.rows[layout.header_row + 1:layout.header_row + 50]:
                code = vocab.currency(row[i]) if i < len(row) and isinstance(row[i], str) else None
                if code and code != fixed:
                    return code
    return None


def _unsure(err: BankFileError) -> BankFileError | None:
    """Inference's own refusal (two readings fit) says more than 'no profile recognises this'."""
    return err if any(p.field == "layout" and "two" in p.problem and "equally" in p.problem
                      for p in err.problems) else None


def _inferred(where, grid: Grid, hints: ImportOptions) -> tuple[Layout, object, Inference]:
    found = infer(grid, where, currency=hints.currency, account_kind=hints.account_kind)
    return found.layout(where), where, found


def _text_table(path: Path, data: bytes, profiles, forced: str | None, hints: ImportOptions) -> _Choice:
    text = decode_text(path, data)
    preferred = get_profile(forced, profiles, path).delimiter if forced else None
    ranked = rank_delimiters(text, preferred)
    errors = []
    for delimiter in ranked:
        head = csv_grid(path, text, delimiter, max_rows=HEADER_SCAN_ROWS + 20)
        try:
            layout = choose_layout(path, head.rows, head.lines, profiles, forced)
        except BankFileError as exc:
            errors.append(exc)
            continue
        if (not layout.profile.fallback and _contradicts_currency(layout, head) is None) or forced:
            return _Choice(csv_grid(path, text, delimiter), layout, path)
        break
    top = ranked[0]
    head = csv_grid(path, text, top, max_rows=HEADER_SCAN_ROWS + 20)
    return _choose(path, head, profiles, forced, hints, _memo(lambda: csv_grid(path, text, top)))


def _memo(make: Callable[[], Grid]) -> Callable[[], Grid]:
    box: list[Grid] = []

    def get() -> Grid:
        if not box:
            box.append(make())
        return box[0]
    return get


def _first_table(path: Path, grids, profiles, forced: str | None, hints: ImportOptions) -> _Choice:
    errors = []
    for grid in grids:
        where = f"{path} [{'table' if grid.kind == 'html' else 'sheet'} '{grid.name}']"
        try:
            return _choose(where, grid, profiles, forced, hints, lambda g=grid: g)
        except BankFileError as exc:
            errors.append(exc)
    if not errors:
        raise BankFileError(path, "the workbook has no worksheet")
    raise _best_error(errors)


def _layout_record(choice: _Choice) -> LayoutRecord:
    if choice.inference is not None:
        return LayoutRecord(choice.inference.data["name"], "inferred", choice.inference.confidence)
    profile = choice.layout.profile
    builtin = Path(profile.source).resolve().parent == SHIPPED_DIR
    return LayoutRecord(profile.name, "builtin" if builtin else "user", 1.0)


def _drift_finding(choice: _Choice) -> Finding | None:
    if choice.drift is None:
        return None
    message = "; ".join(p.problem for p in choice.drift.problems).replace(" Nothing was imported.", "")
    return Finding(choice.drift_code, message + " The file was read with an inferred layout instead.", "",
                   (("profile", message.split("'")[1] if "'" in message else ""),))


def extract_tabular(path: Path, options: ImportOptions) -> ImportResult:
    path = Path(path)
    data = _read_bytes(path)
    profiles = load_profiles(options.profile_dirs)
    container = sniff_container(data[:65536])
    forced = options.profile
    if container == "zip":
        kind = spreadsheet_zip_kind(path)
        if kind is None:
            raise BankFileError(path, "a zip archive that is neither an Excel workbook nor an OpenDocument "
                                      "spreadsheet")
        choice = _first_table(path, workbook_grids(path, path, kind), profiles, forced, options)
    elif container == "ole":
        choice = _first_table(path, workbook_grids(path, path, "xls"), profiles, forced, options)
    elif container == "html":
        choice = _first_table(path, html_grids(path, data), profiles, forced, options)
    else:
        choice = _text_table(path, data, profiles, forced, options)
    statements, problems, warnings = _read(choice, options)
    if problems and choice.inference is None and not forced:
        choice, statements, problems, warnings = _profile_misread(choice, options, problems, statements, warnings)
    if problems:
        problems.sort(key=lambda p: (p.line is None, p.line or 0))  # in file order, whichever check found them
        raise BankFileError(choice.where, problems)
    grid = choice.grid
    drift = _drift_finding(choice)
    if drift is not None:
        statements = [replace(st, findings=(replace(drift, statement=st.account or f"#{n}"),) + st.findings)
                      for n, st in enumerate(statements, start=1)]
    if choice.inference is not None:
        warnings = list(choice.inference.notes) + warnings
    if grid.hidden:
        warnings.append(f"{grid.hidden} hidden row(s) of the sheet left out: the bank's filter hid them")
    fmt = {"csv": "csv", "xlsx": "xlsx", "ods": "xlsx"}.get(grid.kind, "xls")  # ods: a workbook, as xlsx
    return ImportResult(fmt, str(path), tuple(statements), tuple(warnings), _layout_record(choice))


def _read(choice: _Choice, options: ImportOptions):
    layout = choice.layout
    content = TableReader(choice.grid, layout, account=options.account,
                          currency=options.currency or layout.profile.currency).read()
    return build_statements(content, layout.titles.get("balance", "balance"))


def _profile_misread(choice: _Choice, options: ImportOptions, problems, statements, warnings):
    """A profile whose header matches but whose reading of the rows fails (another bank's file with the same
    column names) gives way to inference when inference reads every row; else its problems stand."""
    try:
        layout, where, found = _inferred(choice.where, choice.grid, options)
    except BankFileError:
        return choice, statements, problems, warnings
    first = sorted(problems, key=lambda p: (p.line is None, p.line or 0))[0]
    why = BankFileError(choice.where, f"layout profile '{choice.layout.profile.name}' matches the header but "
                                      f"not the rows ({first.describe()}).")
    retry = _Choice(choice.grid, layout, where, found, why, "profile_misread")
    statements2, problems2, warnings2 = _read(retry, options)
    if problems2:
        return choice, statements, problems, warnings
    return retry, statements2, problems2, warnings2


def infer_layout(path: Path, options: ImportOptions = ImportOptions(), name: str = "inferred") -> Inference:
    """The layout inference reads for a file's first table, whatever profiles exist: for `tieout profile infer`
    and for the add-in, which shows its column -> role mapping, sample rows and balance proof to confirm."""
    path = Path(path)
    data = _read_bytes(path)
    container = sniff_container(data[:65536])
    if container in ("zip", "ole"):
        grids = workbook_grids(path, path, (spreadsheet_zip_kind(path) or "xlsx") if container == "zip" else "xls")
    elif container == "html":
        grids = iter(html_grids(path, data))
    else:
        text = decode_text(path, data)
        grids = iter([csv_grid(path, text, rank_delimiters(text)[0])])
    errors = []
    for grid in grids:
        try:
            return infer(grid, path, name=name, currency=options.currency, account_kind=options.account_kind)
        except BankFileError as exc:
            errors.append(exc)
    raise errors[0] if errors else BankFileError(path, "the workbook has no worksheet")


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

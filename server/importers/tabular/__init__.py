"""CSV and Excel bank statements: the "csv", "xlsx" and "xls" formats.

One pipeline for every tabular container (read: bytes -> rows), a layout chosen from the header by a
profile or inferred (choose, layout_profiles, infer/), rows -> transactions (rows), transactions -> checked
statements (statements). The container is judged by content, never by the file's name: a ".xls" that is CSV
text or an HTML table is read as what it is. CSV is the lenient fallback, asked after every structured format.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ...errors import BankFileError
from ...records import ImportResult
from ..base import ImportOptions, LayoutProposal
from .choose import drift_finding, first_table, layout_record, read_choice, retry_misread, text_table
from .infer import Inference, infer
from .layout_profiles import load_profiles
from .read import (csv_grid, decode_text, html_grids, is_spreadsheet_zip, looks_like_table, rank_delimiters,
                   sniff_container, spreadsheet_zip_kind, workbook_grids)


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BankFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
    if not data or (len(data) < 65536 and not data.strip()):  # a big file is never copied just to check this
        raise BankFileError(path, "the file is empty")
    return data


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
        choice = first_table(path, workbook_grids(path, path, kind), profiles, forced, options)
    elif container == "ole":
        choice = first_table(path, workbook_grids(path, path, "xls"), profiles, forced, options)
    elif container == "html":
        choice = first_table(path, html_grids(path, data), profiles, forced, options)
    else:
        choice = text_table(path, data, profiles, forced, options)
    statements, problems, warnings = read_choice(choice, options)
    if problems and choice.inference is None and not forced:
        choice, statements, problems, warnings = retry_misread(choice, options, problems, statements, warnings)
    if problems:
        problems.sort(key=lambda p: (p.line is None, p.line or 0))  # in file order, whichever check found them
        raise BankFileError(choice.where, problems)
    grid = choice.grid
    drift = drift_finding(choice)
    if drift is not None:
        statements = [replace(st, findings=(replace(drift, statement=st.account or f"#{n}"),) + st.findings)
                      for n, st in enumerate(statements, start=1)]
    if choice.inference is not None:
        warnings = list(choice.inference.notes) + warnings
    if grid.hidden:
        warnings.append(f"{grid.hidden} hidden row(s) of the sheet left out: the bank's filter hid them")
    fmt = {"csv": "csv", "xlsx": "xlsx", "ods": "xlsx"}.get(grid.kind, "xls")  # ods: a workbook, as xlsx
    return ImportResult(fmt, str(path), tuple(statements), tuple(warnings), layout_record(choice))


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
            return infer(grid, path, name=name, currency=options.currency, account_kind=options.account_kind,
                         date_order=options.date_order)
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

    def layout_proposal(self, path: Path, options: ImportOptions, name: str) -> LayoutProposal:
        from .infer.profile_file import profile_text

        found = infer_layout(Path(path), options, name=name)
        return LayoutProposal(
            name=found.data["name"], columns=tuple((title, role) for role, title in found.titles.items()),
            sample=tuple(tuple(str(c) for c in row) for row in found.sample),
            proof=found.proof.describe() if found.proof is not None else None, notes=tuple(found.notes),
            confidence=found.confidence, profile_text=profile_text(found))

    def __repr__(self) -> str:
        return f"TabularImporter({self.name!r})"


# Priorities: workbooks are unmistakable by their magic bytes; an HTML ".xls" and plain CSV text are lenient
# guesses, so every structured text format (BAI2, MT940, OFX, camt, PDF) is asked before them.
IMPORTERS = (
    TabularImporter("xlsx", 200, ("zip",)),
    TabularImporter("xls", 800, ("ole", "html")),
    TabularImporter("csv", 900, ("text",)),
)

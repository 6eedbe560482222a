"""Which layout reads a table: a bank's profile whose header the table carries (shipped or the user's), else
the inferred layout, else the generic profile; and the fallbacks when a profile does not fit after all (a
changed header, rows it misreads, a currency it contradicts), each told as a finding on the statements."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ...errors import BankFileError
from ...records import Finding
from ...records import Layout as LayoutRecord
from ..base import ImportOptions
from .infer import Inference, infer
from .infer.vocabulary import vocabulary
from .layout_profiles import HEADER_SCAN_ROWS, SHIPPED_DIR, Layout, choose_layout, get_profile, header_key
from .read import Grid, csv_grid, decode_text, rank_delimiters
from .rows import TableReader
from .statements import build_statements


def _best_error(errors: list[BankFileError]) -> BankFileError:
    """A changed-header diagnosis says more than 'no profile recognises this': prefer it."""
    for err in errors:
        if _is_drift(err):
            return err
    return errors[0]


def _is_drift(err: BankFileError) -> bool:
    return any(p.field not in (None, "header") for p in err.problems)


@dataclass
class Choice:
    """The table to read and how: a profile's layout, or one inferred (with why the profiles did not fit)."""

    grid: Grid
    layout: Layout
    where: object
    inference: Inference | None = None
    drift: BankFileError | None = None  # why the profiles were not used (a changed header, rows they misread)
    drift_code: str = "layout_changed"


def _choose(where, grid: Grid, profiles, forced: str | None, hints: ImportOptions,
            full: Callable[[], Grid]) -> Choice:
    """A bank's profile whose header the table carries; else the inferred layout; else the generic profile.
    A forced profile is used or refused, never replaced by inference."""
    try:
        layout = choose_layout(where, grid.rows, grid.lines, profiles, forced)
    except BankFileError as exc:
        if forced:
            raise
        drift = exc if _is_drift(exc) else None
        try:
            return Choice(full(), *_inferred(where, full(), hints), drift=drift)
        except BankFileError as inferred_error:
            raise (drift or _unsure(inferred_error) or exc) from None
    if forced:
        return Choice(full(), layout, where)
    if not layout.profile.fallback:
        stated = _contradicts_currency(layout, grid)
        if stated is None:
            return Choice(full(), layout, where)
        why = BankFileError(where, f"layout profile '{layout.profile.name}' matches the header, but the profile's "
                                   f"currency is {layout.profile.currency} and the file's currency column says "
                                   f"{stated}.")
        return Choice(full(), *_inferred(where, full(), hints), drift=why, drift_code="profile_misread")
    try:
        return Choice(full(), *_inferred(where, full(), hints))
    except BankFileError as exc:
        if _unsure(exc):
            raise  # two readings fit equally: the generic profile would only pick one of them silently
        return Choice(full(), layout, where)  # the generic profile's reading, as before inference existed


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
    found = infer(grid, where, currency=hints.currency, account_kind=hints.account_kind, date_order=hints.date_order)
    return found.layout(where), where, found


def text_table(path: Path, data: bytes, profiles, forced: str | None, hints: ImportOptions) -> Choice:
    text = decode_text(path, data)
    preferred = get_profile(forced, profiles, path).delimiter if forced else None
    ranked = rank_delimiters(text, preferred)
    for delimiter in ranked:
        head = csv_grid(path, text, delimiter, max_rows=HEADER_SCAN_ROWS + 20)
        try:
            layout = choose_layout(path, head.rows, head.lines, profiles, forced)
        except BankFileError:
            # not kept: a kept error's traceback holds this frame, whose text and grid would then live (with
            # every row) until the cycle collector, which the import pauses, finds them
            continue
        if (not layout.profile.fallback and _contradicts_currency(layout, head) is None) or forced:
            return Choice(csv_grid(path, text, delimiter), layout, path)
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


def first_table(path: Path, grids, profiles, forced: str | None, hints: ImportOptions) -> Choice:
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


def layout_record(choice: Choice) -> LayoutRecord:
    if choice.inference is not None:
        return LayoutRecord(choice.inference.data["name"], "inferred", choice.inference.confidence)
    profile = choice.layout.profile
    builtin = Path(profile.source).resolve().parent == SHIPPED_DIR
    return LayoutRecord(profile.name, "builtin" if builtin else "user", 1.0)


def drift_finding(choice: Choice) -> Finding | None:
    if choice.drift is None:
        return None
    message = "; ".join(p.problem for p in choice.drift.problems).replace(" Nothing was imported.", "")
    return Finding(choice.drift_code, message + " The file was read with an inferred layout instead.", "",
                   (("profile", message.split("'")[1] if "'" in message else ""),))


def read_choice(choice: Choice, options: ImportOptions):
    layout = choice.layout
    content = TableReader(choice.grid, layout, account=options.account,
                          currency=options.currency or layout.profile.currency).read()
    return build_statements(content, layout.titles.get("balance", "balance"))


def retry_misread(choice: Choice, options: ImportOptions, problems, statements, warnings):
    """A profile whose header matches but whose reading of the rows fails (another bank's file with the same
    column names) gives way to inference when inference reads every row; else its problems stand."""
    try:
        layout, where, found = _inferred(choice.where, choice.grid, options)
    except BankFileError:
        return choice, statements, problems, warnings
    first = sorted(problems, key=lambda p: (p.line is None, p.line or 0))[0]
    why = BankFileError(choice.where, f"layout profile '{choice.layout.profile.name}' matches the header but "
                                      f"not the rows ({first.describe()}).")
    retry = Choice(choice.grid, layout, where, found, why, "profile_misread")
    statements2, problems2, warnings2 = read_choice(retry, options)
    if problems2:
        return choice, statements, problems, warnings
    return retry, statements2, problems2, warnings2

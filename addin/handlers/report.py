"""Review group: Report. Writes the reviewer's report next to the workbook, as PDF (default) or .xlsx by the
suffix of `out`: the balances and the difference, the sign-offs with the submitted data's hash, the open items
with their age and notes, the matches by rule and the new transactions. `tieout report` runs this handler."""
from __future__ import annotations

from pathlib import Path

from .. import sheets
from ..report_pdf import write_pdf_report
from ..report_sources import load_extras
from ..report_xlsx import write_xlsx_report
from .common import current_state
from .context import REC_ID, ActionError, Context
from .registry import handler

WRITERS = {".pdf": write_pdf_report, ".xlsx": write_xlsx_report}
DEFAULT_SUFFIX = ".pdf"


def report_path(ctx: Context) -> Path:
    """--out, else <workbook>-report.pdf next to the workbook; refuses a suffix no writer takes."""
    if ctx.arg("out"):
        path = Path(ctx.arg("out")).expanduser()
    elif ctx.book.path is not None:
        path = ctx.book.path.with_name(f"{ctx.book.path.stem}-report{DEFAULT_SUFFIX}")
    else:
        raise ActionError("The workbook was never saved, so there is no folder for the report.",
                          "Save the workbook, then press Report again.")
    if path.suffix.lower() not in WRITERS:
        raise ActionError(f"{path.name}: the report is written as {' or '.join(WRITERS)}, not "
                          f"{path.suffix or 'a file without a suffix'}.",
                          f"Name the report *{' or *'.join(WRITERS)}.")
    return path


@handler("report", options=("out",))
def report(ctx: Context) -> None:
    """Write the reviewer's report (.pdf or .xlsx) next to the workbook."""
    path = report_path(ctx)
    if ctx.setting(REC_ID) is None:
        name = ctx.book.path.name if ctx.book.path is not None else "This workbook"
        raise ActionError(f"{name} is not linked to a reconciliation, so there is nothing to report.",
                          "Import a bank file or a GL template first (Import group).")
    state = current_state(ctx)
    book_name = ctx.book.path.name if ctx.book.path is not None else "an unsaved workbook"
    extras = load_extras(ctx.client, state.id, state.rec["account"]["id"])
    try:
        WRITERS[path.suffix.lower()](state, path, book_name, extras=extras)
    except OSError as exc:
        raise ActionError(f"Cannot write {path}: {exc.strerror}.", "Close the report if it is open, "
                                                                   "then press Report again.") from None
    ctx.say(f"Wrote the report {path} (status {state.status}, {len(sheets.unmatched_rows(state))} open items).")

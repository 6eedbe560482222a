"""Confirm-once for a bank file whose layout Tieout inferred (no bank or user profile read it).

The user sees the inferred mapping on the Import Layout sheet (column -> role, the first rows as read, the
balance proof) and confirms it once; the layout is then saved as the user's own profile, so the same bank's
next file imports with it without asking. Nothing is imported until the user has confirmed: a wrong column
role silently read would be worse than a question."""
from __future__ import annotations

from pathlib import Path

from ...excel_templates.sheet_writer import Column
from ...server.private_home import private_dir
from .context import ActionError, Context

SHEET = "Import Layout"
TABLE = "TieoutImportLayout"
COLUMNS = (Column("what", width=18), Column("column", width=30), Column("reads as", width=60))
YES = ("yes", "y", "true", "1")


def profile_folder() -> Path:
    """Where the user's own layout profiles live ($TIEOUT_HOME/profiles), read by every later import."""
    from ...server.importers.tabular.layout_profiles import tieout_home

    return tieout_home() / "profiles"


def _rows(proposal) -> list[tuple[str, str, str]]:
    rows = [("confidence", "", f"{proposal.confidence}")]
    rows += [("column", heading, role) for heading, role in proposal.columns]
    rows.append(("balance proof", "", proposal.proof or "no running balance or printed total to check against"))
    rows += [("note", "", note) for note in proposal.notes]
    rows += [(f"row {i}", "", " | ".join(cells)) for i, cells in enumerate(proposal.sample, start=1)]
    return rows


def _summary(proposal) -> str:
    cols = ", ".join(f"{heading!r} -> {role}" for heading, role in proposal.columns)
    proof = proposal.proof or "no running balance or printed total to check against"
    return f"{cols}; balance proof: {proof}"


def read_bank_file(ctx: Context, path: Path, fmt: str, linked: bool):
    """The file read once, in the sandbox, for every question asked before the upload: its account, currency
    and period (to link a reconciliation) and, when no profile reads it, the inferred layout to confirm. None
    when nothing is asked: a reconciliation is linked and the format's layout is its standard's (MT940, camt)."""
    from ...server import importers, sandbox
    from ...server.errors import BankFileError
    from ...server.importers.base import ImportOptions
    from ...server.importers.preview import read_statement as read_here
    from ...server.importers.tabular.infer.profile_file import profile_name

    imp = importers.detect(path) if fmt == "auto" else importers.get(fmt)
    if linked and getattr(imp, "layout_proposal", None) is None:
        return None
    ctx.progress(f"Reading {path.name}")
    options = ImportOptions(currency=ctx.arg("currency"))
    return sandbox.run(read_here, path, fmt, options, profile_name(path.stem), source=path, error=BankFileError)


def confirm_inferred_layout(ctx: Context, path: Path, read) -> Path | None:
    """None when a bank's or the user's profile reads the file (nothing to ask); else the path of the profile
    saved once the user confirmed the inferred layout. Refuses (ActionError) when the user does not confirm.
    `read`: the file as read_bank_file read it."""
    proposal = read.proposal if read is not None else None
    if proposal is None:
        return None
    ctx.book.write_table(SHEET, TABLE, COLUMNS, _rows(proposal))
    question = (f"No bank profile knows the layout of {path.name}. Tieout read it as: {_summary(proposal)}. "
                f"The Import Layout sheet shows the columns and the first rows as read. Import with this layout "
                f"and keep it for this bank's next files?")
    answer = ctx.arg("confirm_layout")
    confirmed = answer.strip().lower() in YES if answer is not None else ctx.book.ask_yes_no(question, "Tieout")
    if not confirmed:
        raise ActionError(f"{path.name} was not imported: its inferred layout was not confirmed ({_summary(proposal)}).",
                          "Check the Import Layout sheet; import again and confirm (batch mode: --confirm-layout yes), "
                          f"or save and edit the layout with `tieout profile infer {path.name}` first.")
    out = profile_folder() / f"{proposal.name}.toml"
    private_dir(out.parent)  # in $TIEOUT_HOME, perhaps the first thing made there: owner-only
    out.write_text(proposal.profile_text, encoding="utf-8")
    ctx.say(f"The layout of {path.name} was confirmed and saved as your profile {out} ({_summary(proposal)}).")
    return out

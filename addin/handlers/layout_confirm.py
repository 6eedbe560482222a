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


def confirm_inferred_layout(ctx: Context, path: Path, fmt: str, options=None, result=None,
                            proposal=None) -> Path | None:
    """None when a bank's or the user's profile reads the file (nothing to ask); else the path of the profile
    saved once the user confirmed the inferred layout. Refuses (ActionError) when the user does not confirm.
    `options`: the preparer's answers (currency, date order); `result`, `proposal`: the file as already read with
    them and its inferred layout's proposal (importers/preview.py), when they are at hand."""
    from ...server import importers, sandbox
    from ...server.errors import BankFileError
    from ...server.importers.base import ImportOptions
    from ...server.importers.tabular.infer.profile_file import profile_name

    options = options or ImportOptions(currency=ctx.arg("currency"))
    imp = importers.detect(path) if fmt == "auto" else importers.get(fmt)
    proposer = getattr(imp, "layout_proposal", None)
    if proposer is None:
        return None  # a structured format (MT940, camt, ...): its layout is the standard's
    result = result or sandbox.import_file(path, fmt, options)
    if result.layout is None or result.layout.source != "inferred":
        return None
    name = profile_name(path.stem)
    proposal = proposal or sandbox.run(proposer, path, options, name, source=path, error=BankFileError)
    ctx.book.write_table(SHEET, TABLE, COLUMNS, _rows(proposal))
    question = (f"No bank profile knows the layout of {path.name}. Tieout read it as: {_summary(proposal)}. "
                f"The Import Layout sheet shows the columns and the first rows as read. Import with this layout "
                f"and keep it for this bank's next files?")
    answer = ctx.arg("confirm_layout")
    confirmed = answer.strip().lower() in YES if answer is not None else ctx.book.ask_yes_no(question, "Tieout")
    if not confirmed:
        raise ActionError(f"{path.name} was not imported: its inferred layout was not confirmed ({_summary(proposal)}).",
                          "Check the Import Layout sheet, then import again and confirm"
                          + ctx.batch_hint(f"--confirm-layout yes; or save and edit the layout first with "
                                           f"`tieout profile infer {path.name}`") + ".")
    out = profile_folder() / f"{proposal.name}.toml"
    private_dir(out.parent)  # in $TIEOUT_HOME, perhaps the first thing made there: owner-only
    out.write_text(proposal.profile_text, encoding="utf-8")
    ctx.say(f"The layout of {path.name} was confirmed and saved as your profile {out} ({_summary(proposal)}).")
    return out

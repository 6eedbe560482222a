"""Review group: Refresh. Sends the user's input to the server, re-reads everything, and writes every sheet.
A submitted reconciliation's sheets must show exactly the server's data: when they do not (edited, or their
protection lifted), Refresh says so, restores them, and reminds that the server's hash is the proof."""
from __future__ import annotations

from ...server.store.types import money_str
from .. import locking, sheets
from . import shown_sheets
from .common import current_state, show
from .context import Context
from .registry import handler


def check_agreement(ctx: Context, state) -> list[str]:
    """The locked sheets' cells against the server's data, but for the sheets the workbook proves show it: their
    part is byte for byte as the add-in wrote it, drawn from the data the server still names (shown_sheets)."""
    if not locking.is_submitted(state.status):
        return []
    checked = None
    proven = shown_sheets.showing(ctx, state)
    if proven:
        checked = [s for s in locking.HASHED_SHEETS if s not in proven]
    return locking.protection_problems(ctx.book, state.status) + sheets.disagreements(ctx.book, state, checked)


@handler("refresh")
def refresh(ctx: Context) -> None:
    """Read the latest status, figures and lines from the server into every sheet."""
    state = current_state(ctx, lines=False)  # the lines are read only if a sheet drawn or compared needs them
    problems = check_agreement(ctx, state)
    show(ctx, state)
    if problems:
        ctx.book.alert(
            f"This workbook no longer matched the server's record of the {state.status} reconciliation:\n- "
            + "\n- ".join(problems)
            + "\n\nSheet protection is only a guard-rail; the server's record (hash "
            f"{(state.rec.get('submitted_hash') or '')[:16]}...) is what counts. The sheets show the server's data "
            "again.", "Tieout: workbook differs from the server")
        ctx.messages.append(f"warning: {len(problems)} difference(s) between the workbook and the server: "
                            + "; ".join(problems))
    ctx.say(f"Refreshed: status {state.status}, difference {money_str(state.figure('difference'))}.")

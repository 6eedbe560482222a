"""Review group: Workspace. Writes Workspace.xlsx over every account and legal entity the user may see (the
server's GET /api/workspace): next to the workbook in Excel, where `--out` says in batch mode and for
`tieout workspace`. The period is the option's, else the linked reconciliation's, else the latest."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..workspace.records import load_workspace
from ..workspace.workbook import write_workspace
from .context import REC_ID, ActionError, Context
from .registry import handler


def workspace_period(ctx: Context) -> str | None:
    period = ctx.arg("period")
    if period is not None:
        try:
            dt.date.fromisoformat(period + "-01")
        except ValueError:
            raise ActionError(f"period {period!r} is not yyyy-mm.", "Give the period as e.g. 2026-10.") from None
        return period
    if ctx.setting(REC_ID) is not None:
        return ctx.client.get(f"/api/reconciliations/{ctx.rec_id()}")["period"]["name"]
    return None


def workspace_path(ctx: Context, period: str) -> Path:
    if ctx.arg("out"):
        path = Path(ctx.arg("out")).expanduser()
    elif ctx.book is not None and ctx.book.path is not None:
        path = ctx.book.path.with_name(f"Workspace-{period}.xlsx")
    else:
        raise ActionError("The workbook was never saved, so there is no folder for the workspace.",
                          "Save the workbook, then press Workspace again.")
    if path.suffix.lower() != ".xlsx":
        suffix = path.suffix or "a file without a suffix"
        raise ActionError(f"{path.name}: the workspace is written as .xlsx, not {suffix}.",
                          "Name the workspace *.xlsx.")
    return path


def write(ctx: Context) -> Path:
    ws = load_workspace(ctx.client, workspace_period(ctx))
    path = workspace_path(ctx, ws.period)
    try:
        write_workspace(ws, path)
    except OSError as exc:
        raise ActionError(f"Cannot write {path}: {exc.strerror}.",
                          "Close the workspace if it is open in Excel, then try again.") from None
    high = sum(1 for e in ws.exceptions if e.severity == "high")
    ctx.say(f"Wrote the workspace {path} (period {ws.period}: {len(ws.accounts)} accounts, "
            f"{len(ws.exceptions)} exceptions, {high} of them high).")
    return path


@handler("workspace", options=("out", "period"), sync=False)
def workspace(ctx: Context) -> None:
    """Write the workspace over every account the user may see (.xlsx)."""
    write(ctx)

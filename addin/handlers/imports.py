"""Import group: a bank file (uploaded to the server as a background job, progress on the status bar) and
the free tier's GL template (read here, sent as a GL balance and GL lines)."""
from __future__ import annotations

from pathlib import Path

from .. import sheets
from .common import base, current_state, show
from .context import ActionError, Context
from .layout_confirm import confirm_inferred_layout
from . import import_options
from .link import account_named, linked_account, rec_for_gl, rec_for_statement
from .registry import handler


def _path(ctx: Context, title: str) -> Path:
    picked = ctx.arg("file") or ctx.book.ask_file(title)
    if not picked:
        raise ActionError("No file was chosen, so nothing was imported.",
                          "Press the button again and pick the file" + ctx.batch_hint("--file PATH") + ".")
    path = Path(picked).expanduser()
    if not path.is_file():
        raise ActionError(f"{path}: no such file.", "Check the path and try again.")
    return path


@handler("import_bank_file", options=("file", "format", "account_name", "currency", "cash_account", "period",
                                      "opening", "closing", "confirm_layout", "date_order", "profile"))
def import_bank_file(ctx: Context) -> None:
    """Import a bank statement into the reconciliation (creating it on the first import), asking for what the
    file does not say (import_options.py)."""
    path = _path(ctx, "Tieout: import a bank statement")
    account = linked_account(ctx) or account_named(ctx, ctx.arg("account_name"))
    kept = import_options.remembered_for(ctx, account["id"] if account else None)
    ctx.progress(f"Reading {path.name}")
    result, choices, proposal = import_options.read_with_answers(ctx, path, import_options.initial(ctx, account))
    confirm_inferred_layout(ctx, path, choices.fmt, choices.options(), result, proposal)
    choices = import_options.ask_balances(ctx, path, result, choices)
    rec_id = rec_for_statement(ctx, path, result, choices.currency)
    if account is None:  # the first import made or found the account: what it remembers answers the rest
        account = linked_account(ctx)
        kept = import_options.remembered_for(ctx, account["id"])
        choices = import_options.fill_from(choices, kept)

    def progress(pct: int, message: str) -> None:
        ctx.progress(f"Importing {path.name}: {pct}% {message}")

    ctx.progress(f"Uploading {path.name}")
    summary = ctx.client.upload_statement(rec_id, path, choices.fmt, progress, choices.upload_params())
    import_options.remember(ctx, account["id"], choices, kept)
    show(ctx)
    parts = [f"{st['count']} lines (total {st['total']} {st['currency']}, opening {st['opening_balance']}, "
             f"closing {st['closing_balance']})" for st in summary["statements"]]
    found = summary.get("findings", [])
    unknown = any(st["opening_balance"] is None or st["closing_balance"] is None for st in summary["statements"])
    ctx.say(f"Imported {path.name} ({summary['format']}): " + "; ".join(parts) + ". " + (
        f"{len(found)} finding(s): the statement's own figures do not add up (see Statement findings on Summary; "
        "acknowledge each with a comment before submitting)." if found else
        "The file does not state every balance: enter the printed ones under Statement balances on Summary."
        if unknown else "The opening balance plus the lines equals the closing balance."))
    for w in summary.get("warnings", []):
        ctx.say(f"warning: {w}")


@handler("import_gl_template", options=("file", "account_name", "period"))
def import_gl_template(ctx: Context) -> None:
    """Import a filled GL template: the GL balance and the GL lines of the period."""
    from ...server import sandbox
    from ...server.errors import TemplateError
    from ...server.templates.gl_import import read_gl_template

    path = _path(ctx, "Tieout: import a filled GL template")
    ctx.progress(f"Reading {path.name}")
    # TemplateError names every bad row and column; nothing is sent then. Read in a worker: the workbook is the
    # user's choice, and calamine aborts the process on some broken ones
    data = sandbox.run(read_gl_template, path, source=path, error=TemplateError)
    rec_id = rec_for_gl(ctx, data)
    state = current_state(ctx)
    if state.account["currency"] != data.balance.currency.upper():
        raise ActionError(f"{path.name} is in {data.balance.currency}, the reconciliation in "
                          f"{state.account['currency']}.", "Import the template of this account.")
    existing = {ln.line_id: ln for ln in state.ledger}
    new, same, clash = [], 0, []
    for ln in data.lines:
        old = existing.get(ln.line_id)
        if old is None:
            new.append(ln)
        elif (old.date, old.amount, old.description) == (ln.date, ln.amount, ln.description):
            same += 1
        else:
            clash.append(f"{ln.line_id} ({old.date} {old.amount} on the server, {ln.date} {ln.amount} in the file)")
    if clash:
        raise ActionError(f"{path.name}: {len(clash)} GL line(s) already exist with other values: "
                          + "; ".join(clash[:10]) + ". Nothing was imported.",
                          "Unmatch and correct those lines, or import the template this reconciliation was made "
                          "from.")
    ctx.progress(f"Sending the GL balance and {len(new)} GL lines")
    if new:
        ctx.client.post(f"{base(rec_id)}/gl-lines", {"lines": [
            {"line_id": ln.line_id, "date": ln.date, "amount": ln.amount, "currency": ln.currency,
             "reference": ln.reference, "description": ln.description, "source": ln.source,
             "counterparty": ln.counterparty} for ln in new]})
    ctx.client.put(f"{base(rec_id)}/gl-balance", {"balance": data.balance.balance})
    state = show(ctx)
    total = sum((ln.amount for ln in new), 0)
    ctx.say(f"Imported {path.name}: GL balance {data.balance.balance} {data.balance.currency} at "
            f"{data.balance.period_end}; {len(new)} new GL lines (total {total})"
            + (f", {same} already there" if same else "") + f". Difference now {sheets.text(state.figure('difference'))}.")

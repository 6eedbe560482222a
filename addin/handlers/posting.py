"""Post group: Post New Transactions. Each transaction not yet posted becomes a GL line (id NT-<id>, source
Tieout: GL Lines shows it as created by the reconciliation), the GL balance moves by what was posted (the
journal file brings the same entries into the ledger), and each posted line is matched to the bank line it
accounts for. Posting twice posts nothing twice: a transaction whose GL line exists is skipped."""
from __future__ import annotations

from decimal import Decimal

from ...server.store.types import money_str
from ...server.workflow import EDITABLE
from .. import sheets
from .common import base, current_state, show
from .context import ActionError, Context
from .journal import journal_lines, write_journal
from .registry import handler
from .state import POSTED_SOURCE, State, Txn, posted_line_id


def _check(ctx: Context, state: State, todo: list[Txn]) -> None:
    chart = sheets.chart_of_accounts(ctx.book)
    rows = {t.id: n for n, t in enumerate(state.txns, start=2)}
    problems = []
    for t in todo:
        where = f"New Transactions row {rows[t.id]} (transaction {t.id})"
        if not t.gl_account:
            problems.append(f"{where}, field 'gl_account': is empty")
        elif chart and t.gl_account not in chart:
            problems.append(f"{where}, field 'gl_account': {t.gl_account!r} is not in the chart of accounts")
        if t.amount == 0:
            problems.append(f"{where}, field 'amount': is 0.00")
    if problems:
        raise ActionError("Nothing was posted: " + "; ".join(problems) + ".",
                          "Fill in those cells (the GL account from the drop-down), then post again.")


def _match_posted(ctx: Context, state: State, posted: list[Txn]) -> list[str]:
    """Matches each posted line to its bank line: alone when the bank line is open and the amounts agree, or
    into the bank line's match when the posted amount is exactly that match's difference (a deducted fee,
    a write-off). Returns the match keys made."""
    made = []
    for t in posted:
        bank = state.line("bank", t.bank_line_id) if t.bank_line_id else None
        if bank is None:
            continue
        gl_id, why = posted_line_id(t.id), f"posted new transaction {posted_line_id(t.id)} ({t.kind})"
        if bank.match is None:
            if bank.amount == t.amount:
                made.append(ctx.client.post(f"{base(state)}/matches", {
                    "bank": [bank.line_id], "ledger": [gl_id], "reason": why})["key"])
            continue
        m = state.match(bank.match)
        diff = (sum((state.line("bank", i).amount for i in m.bank), Decimal(0))
                - sum((state.line("ledger", i).amount for i in m.ledger), Decimal(0)))
        if diff != t.amount:
            continue
        ctx.client.post(f"{base(state)}/matches/{m.key}/undo", {"reason": f"re-matched with {gl_id}"})
        made.append(ctx.client.post(f"{base(state)}/matches", {
            "bank": list(m.bank), "ledger": [*m.ledger, gl_id], "reason": f"{m.reason}; {why}"})["key"])
        state = current_state(ctx)
    return made


@handler("post_new_transactions", options=("cash_account",))
def post_new_transactions(ctx: Context) -> None:
    """Post the new transactions to GL Lines and write the journal import file (CSV and xlsx) next to the
    workbook."""
    state = current_state(ctx)
    if state.status not in EDITABLE:
        raise ActionError(f"The reconciliation is {state.status}: nothing can be posted.",
                          "Ask the reviewer to Reject it (or Revert it) first.")
    todo = [t for t in state.txns if not state.posted(t)]
    if not todo:
        show(ctx, state)
        ctx.say(f"Nothing to post: all {len(state.txns)} new transactions are already posted.")
        return
    _check(ctx, state, todo)
    cash = ctx.arg("cash_account") or state.cash_account
    if not cash:
        raise ActionError("The cash account being reconciled is not known, so no journal can be written.",
                          "Import the GL template (it names the account), or give --cash-account.")
    if ctx.book.path is None:
        raise ActionError("The workbook was never saved, so there is no folder for the journal file.",
                          "Save the workbook, then post again.")
    try:
        csv_path, xlsx_path = write_journal(ctx.book.path.parent, ctx.book.path.stem,
                                            journal_lines(todo, cash, state.id))
    except OSError as exc:  # e.g. a workbook opened from a web location, or a read-only folder
        raise ActionError(f"Cannot write the journal file next to the workbook ({ctx.book.path.parent}): "
                          f"{exc.strerror or exc}. Nothing was posted.",
                          "Save the workbook in a folder on this computer, then post again.") from None
    try:
        ctx.client.post(f"{base(state)}/gl-lines", {"lines": [
            {"line_id": posted_line_id(t.id), "date": t.date, "amount": t.amount, "currency": t.currency,
             "reference": f"Tieout {t.kind} {t.id}", "description": t.description, "source": POSTED_SOURCE,
             "counterparty": t.gl_account} for t in todo]})
    except Exception:
        csv_path.unlink(missing_ok=True)  # nothing was posted: no journal either
        xlsx_path.unlink(missing_ok=True)
        raise
    total = sum((t.amount for t in todo), Decimal(0))
    gl_balance = state.gl_balance
    if gl_balance is not None:
        ctx.client.put(f"{base(state)}/gl-balance", {"balance": gl_balance + total})
    made = _match_posted(ctx, current_state(ctx), todo)
    state = show(ctx)
    ctx.say(f"Posted {len(todo)} new transactions (total {money_str(total)}) to GL Lines"
            + (f" and moved the GL balance to {money_str(gl_balance + total)}" if gl_balance is not None else "")
            + f"; {len(made)} matched to their bank lines. Journal file: {csv_path.name} and {xlsx_path.name} "
            f"(import it into your ledger). Difference now {money_str(state.figure('difference'))}.")

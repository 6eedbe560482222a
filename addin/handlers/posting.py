"""Post group: Post New Transactions. Each transaction not yet posted becomes a GL line (id NT-<id>, source
Tieout: GL Lines shows it as created by the reconciliation), the GL balance moves by what was posted (the
journal file brings the same entries into the ledger), and each posted line is matched to the bank line it
accounts for. The server does all of that in one change (POST .../transactions/post), so a failure leaves
nothing half posted; posting twice posts nothing twice."""
from __future__ import annotations

from decimal import Decimal

from ...server.store.types import money_str
from ...server.controls.workflow import EDITABLE
from .. import sheets
from .common import base, current_state, show
from .context import ActionError, Context
from .journal import journal_lines, write_journal
from .registry import handler
from .state import State, Txn


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


@handler("post_new_transactions", options=("cash_account",))
def post_new_transactions(ctx: Context) -> None:
    """Post the new transactions to GL Lines and write the journal import file (CSV and xlsx) next to the
    workbook."""
    state = current_state(ctx, lines=False)  # GL lines read (which are posted), bank lines not: posting changes them
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
                          "Import the GL template (it names the account)"
                          + ctx.batch_hint("or give --cash-account") + ".")
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
        # One server change posts, moves the GL balance and matches: all of it or nothing
        done = ctx.client.post(f"{base(state)}/transactions/post", {"transaction_ids": [t.id for t in todo]})
    except Exception:
        csv_path.unlink(missing_ok=True)  # nothing was posted: no journal either
        xlsx_path.unlink(missing_ok=True)
        raise
    posted_ids = {p["id"] for p in done["posted"]}
    if posted_ids != {t.id for t in todo}:  # someone posted some meanwhile: the journal holds only ours
        csv_path.unlink(missing_ok=True)
        xlsx_path.unlink(missing_ok=True)
        todo = [t for t in todo if t.id in posted_ids]
        if todo:
            csv_path, xlsx_path = write_journal(ctx.book.path.parent, ctx.book.path.stem,
                                                journal_lines(todo, cash, state.id))
    total = Decimal(done["total"])
    gl_balance = None if done["gl_balance"] is None else Decimal(done["gl_balance"])
    state = show(ctx)
    if not todo:
        ctx.say(f"Nothing to post: all {len(state.txns)} new transactions are already posted.")
        return
    ctx.say(f"Posted {len(todo)} new transactions (total {money_str(total)}) to GL Lines"
            + (f" and moved the GL balance to {money_str(gl_balance)}" if gl_balance is not None else "")
            + f"; {done['matched']} matched to their bank lines. Journal file: {csv_path.name} and "
            f"{xlsx_path.name} (import it into your ledger). Difference now {money_str(state.figure('difference'))}.")

"""Steps several handlers share: reading the server's state, showing it on the sheets, pushing the user's
input (notes, owners, new-transaction edits) to the server, and reading what the user selected."""
from __future__ import annotations

from urllib.parse import quote

from ...server.workflow import APPROVED, EDITABLE
from .. import sheets
from .context import CASH_ACCOUNT, Context
from .state import State, load_state


def base(state_or_id) -> str:
    rid = state_or_id.id if isinstance(state_or_id, State) else int(state_or_id)
    return f"/api/reconciliations/{rid}"


def current_state(ctx: Context) -> State:
    """The server's state. Read once per button press while this client changes nothing: reading it costs as
    much as rendering it at 20,000 lines, and a press used to read it up to three times (inputs sync, the
    handler, the sheets) with nothing sent in between. Any request other than GET, or another linked
    reconciliation, makes the next call read it again."""
    key = (ctx.rec_id(), ctx.setting(CASH_ACCOUNT) or "", getattr(ctx.client, "writes", None))
    if ctx.last_state is not None and key[2] is not None and ctx.last_state[1] == key:
        return ctx.last_state[0]
    state = load_state(ctx.client, key[0], key[1])
    ctx.last_state = (state, key)
    return state


def show(ctx: Context, state: State | None = None) -> State:
    """Re-reads the server's state (unless given) and writes every sheet from it, with the stage's locks."""
    state = state or current_state(ctx)
    ctx.progress("Writing the sheets...")
    sheets.render(ctx.book, state)
    return state


def sync_inputs(ctx: Context) -> int:
    """Sends what the user typed on Unmatched and New Transactions to the server (only what changed), so that
    the next render does not overwrite it. Returns the number of changes sent."""
    if ctx.setting("ReconciliationId") is None:
        return 0
    names = set(ctx.book.sheet_names())
    if not names & {"Unmatched", "New Transactions"}:
        return 0
    state = current_state(ctx)
    sent = 0
    if state.status != APPROVED and "Unmatched" in names:
        for row in sheets.read_unmatched_inputs(ctx.book):
            ln = state.line(row.side, row.line_id)
            changes = sheets.annotation_changes(ln, row) if ln is not None else {}
            if changes:
                ctx.client.put(f"{base(state)}/unmatched/{row.side}/{quote(row.line_id, safe='')}", changes)
                sent += 1
    if state.status in EDITABLE and "New Transactions" in names:
        txns = {t.id: t for t in state.txns}
        for row in sheets.read_txn_inputs(ctx.book):
            if row.txn_id is None:
                ctx.client.post(f"{base(state)}/transactions", {
                    "date": row.date, "amount": row.amount, "gl_account": row.gl_account,
                    "description": row.description, "kind": row.kind, "bank_line_id": row.bank_line_id})
                sent += 1
                continue
            t = txns.get(row.txn_id)
            if t is None or state.posted(t):
                continue  # gone on the server, or posted (a posted entry is not edited from the sheet)
            changes = sheets.txn_changes(t, row)
            if changes:
                ctx.client.put(f"{base(state)}/transactions/{t.id}", changes)
                sent += 1
    if sent:
        ctx.progress(f"Saved {sent} change(s) from the sheets to the server")
    return sent


def selected(ctx: Context, sheet: str, option: str, only_active: bool = False) -> list[str]:
    """Ids given as a batch option, else the rows selected on `sheet` (in Excel, with only_active, only when
    the user is on that sheet: another sheet's selection may be old)."""
    given = ctx.ids(option)
    if given:
        return given
    if sheet not in ctx.book.sheet_names():
        return []
    active = ctx.book.active_sheet()
    if only_active and active is not None and active != sheet:
        return []
    return [i for i in (sheets.text(v) for v in ctx.book.selected_ids(sheet)) if i]

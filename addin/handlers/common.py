"""Steps several handlers share: reading the server's state, showing it on the sheets, pushing the user's
input (notes, owners, new-transaction edits, Summary's entered balances and findings' comments) to the server, and reading what the user selected."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from urllib.parse import quote

from ...server.controls.workflow import APPROVED, EDITABLE
from .. import review_sheet, sheets, summary_blocks
from ..manual import items as manual_items, layout as manual_layout, sync as manual_sync
from .context import CASH_ACCOUNT, Context
from . import shown_inputs, shown_sheets
from .state import LazyRows, State, load_state


def base(state_or_id) -> str:
    rid = state_or_id.id if isinstance(state_or_id, State) else int(state_or_id)
    return f"/api/reconciliations/{rid}"


def current_state(ctx: Context, lines: bool = True) -> State:
    """The server's state. Read once per button press while this client changes nothing: reading it costs as
    much as rendering it at 20,000 lines, and a press used to read it up to three times (inputs sync, the
    handler, the sheets) with nothing sent in between. Any request other than GET, or another linked
    reconciliation, makes the next call read it again, and then only the listings whose ETag changed
    (ctx.held). `lines=False` (the inputs' sync): the bank and GL lines are asked for only if read; the next
    call with lines asks for them then (a press that sends nothing reads them once, as before)."""
    key = (ctx.rec_id(), ctx.setting(CASH_ACCOUNT) or "", getattr(ctx.client, "writes", None))
    if ctx.last_state is not None and key[2] is not None and ctx.last_state[1] == key:
        state = ctx.last_state[0]
    else:
        state = load_state(ctx.client, key[0], key[1], lazy=True, held=ctx.held, lazy_lines=True)
        if manual_layout.is_manual(state):
            state = replace(state, items=manual_items.load(ctx.client, state.id))
    if lines and (isinstance(state.bank, LazyRows) or isinstance(state.ledger, LazyRows)):
        state = replace(state, bank=tuple(state.bank), ledger=tuple(state.ledger))
    ctx.last_state = (state, key)
    return state


def show(ctx: Context, state: State | None = None) -> State:
    """Re-reads the server's state (unless given) and writes every sheet from it, with the stage's locks."""
    state = state or current_state(ctx)
    ctx.progress("Writing the sheets...")
    plan = shown_sheets.plan(ctx, state)  # only the sheets whose data changed since the workbook showed them
    sheets.render(ctx.book, state, only=plan.only, untouched=plan.untouched)
    shown_sheets.record(ctx, state, plan)
    return state


def sync_inputs(ctx: Context) -> int:
    """Sends what the user typed on Unmatched and New Transactions to the server (only what changed), so that
    the next render does not overwrite it. Returns the number of changes sent."""
    if ctx.setting("ReconciliationId") is None:
        return 0
    names = set(ctx.book.sheet_names())
    if manual_layout.ITEMS_SHEET in names:
        return _sync_manual(ctx, names)
    if not names & {"Unmatched", "New Transactions"}:
        return 0
    state = current_state(ctx, lines=False)  # the lines are read only if the user typed on Unmatched or New Transactions
    sent = 0
    if state.status != APPROVED and "Unmatched" in names and not _as_rendered(ctx, "Unmatched"):
        for row in sheets.read_unmatched_inputs(ctx.book):
            ln = state.line(row.side, row.line_id)
            changes = sheets.annotation_changes(ln, row) if ln is not None else {}
            if changes:
                ctx.client.put(f"{base(state)}/unmatched/{row.side}/{quote(row.line_id, safe='')}", changes)
                sent += 1
    if state.status in EDITABLE and "New Transactions" in names and not _as_rendered(ctx, "New Transactions"):
        sent += _sync_txns(ctx, state)
    if state.status in EDITABLE and "Summary" in names:
        sent += _sync_summary(ctx, state)
    if state.status in EDITABLE and "Rules" in names:
        sent += _sync_chart(ctx, state)
    if state.status != APPROVED and review_sheet.SHEET in names:
        sent += _sync_ticks(ctx, state)
    if sent:
        ctx.progress(f"Saved {sent} change(s) from the sheets to the server")
    return sent


def _as_rendered(ctx: Context, sheet: str) -> bool:
    """The sheet's input columns hold what the last render wrote (shown_inputs): nothing typed to send. A saved
    workbook whose part is byte for byte what the add-in last saved is not even read (Excel's sheets always are:
    their open input cells may have been typed in)."""
    if not ctx.book.get_setting(shown_inputs.SETTINGS[sheet]):
        return False
    unchanged_part = getattr(ctx.book, "part_unchanged", None)
    if unchanged_part is not None and unchanged_part(sheet):
        return True
    return shown_inputs.unchanged(ctx.book, sheet, ctx.book.read_table(sheet))


def _sync_txns(ctx: Context, state: State) -> int:
    """New Transactions typed, changed or deleted on the sheet (only those that differ from the server's)."""
    txns = {t.id: t for t in state.txns}
    typed = sheets.read_txn_inputs(ctx.book)
    sent = _delete_removed_txns(ctx, state, {row.txn_id for row in typed})
    for row in typed:
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
    return sent


def _sync_manual(ctx: Context, names: set[str]) -> int:
    """A Manual workbook's input: balances and reconciling items (manual/sync.py), and the reviewer's ticks."""
    state = current_state(ctx)
    sent = manual_sync.sync(ctx, state)
    if state.status != APPROVED and review_sheet.SHEET in names:
        sent += _sync_ticks(ctx, state)
    if sent:
        ctx.progress(f"Saved {sent} change(s) from the sheets to the server")
    return sent


def _delete_removed_txns(ctx: Context, state: State, on_sheet: set) -> int:
    """Unposted transactions the sheet showed (setting TransactionsShown) whose rows the user deleted: deleted
    on the server too, so that the next render does not bring them back. Only those the sheet showed: one
    added meanwhile by someone else was never on this sheet and is kept."""
    shown = {int(i) for i in (ctx.setting(sheets.TXNS_SHOWN) or "").split(",") if i.strip().isdigit()}
    gone = [t for t in state.txns if t.id in shown and t.id not in on_sheet and not state.posted(t)]
    for t in gone:
        ctx.client.request("DELETE", f"{base(state)}/transactions/{t.id}")
    if gone:
        ctx.say(f"Deleted {len(gone)} unposted new transaction(s) whose rows were deleted from New Transactions: "
                + ", ".join(f"#{t.id} {t.description or t.gl_account}" for t in gone[:10]) + ".")
    return len(gone)


def _sync_summary(ctx: Context, state: State) -> int:
    """Balances typed under Statement balances, and findings' comments typed (or changed) under Statement
    findings: each comment acknowledges its finding, one call per comment."""
    typed_balances, comments = summary_blocks.read_inputs(ctx.book, sheets.SUMMARY_BLOCKS_ROW)
    sent = 0
    held = {s["id"]: s for s in state.statements}
    for b in typed_balances:
        s = held.get(b.statement)
        if s is None:
            continue
        body = {f"{kind}_balance": value for kind, value in (("opening", b.opening), ("closing", b.closing))
                if value is not None and s.get(f"{kind}_source") != "file"
                and (s.get(f"{kind}_balance") is None or Decimal(s[f"{kind}_balance"]) != value)}
        if body:
            ctx.client.put(f"{base(state)}/statements/{b.statement}/balances", body)
            sent += 1
    stored = {f["id"]: f for f in state.findings}
    by_comment: dict[str, list[int]] = {}
    for c in comments:
        f = stored.get(c.finding)
        if f is not None and c.comment and c.comment != (f.get("comment") or ""):
            by_comment.setdefault(c.comment, []).append(c.finding)
    for comment, ids in by_comment.items():
        ctx.client.post(f"{base(state)}/findings/acknowledge", {"ids": ids, "comment": comment})
        sent += 1
    return sent


def _sync_chart(ctx: Context, state: State) -> int:
    """The Rules sheet's chart of accounts, when it differs from the server's (the review checks new
    transactions' GL accounts against it)."""
    chart = sorted({a for a in sheets.chart_of_accounts(ctx.book) if a})
    if chart == sorted(state.chart):
        return 0
    ctx.client.put(f"/api/accounts/{state.account['id']}/chart", {"accounts": chart})
    return 1


def _sync_ticks(ctx: Context, state: State) -> int:
    """The reviewer's tick and comment per check, and per line of a check, typed on Review (only those that
    changed; a line the check no longer lists is left). The checks themselves are asked for (state.review, seconds
    at 20,000 lines) only when a typed mark differs from the marks the server holds (GET .../review/ticks)."""
    typed = review_sheet.read_ticks(ctx.book)
    if _ticks_unchanged(ctx, state, typed):
        return 0
    held = review_sheet.tick_changes(state)
    sent = 0
    for t in typed:
        if t.check in held and held[t.check] != (t.ticked, t.comment):
            ctx.client.put(f"{base(state)}/review/{quote(t.check, safe='')}", {"ticked": t.ticked,
                                                                              "comment": t.comment})
            sent += 1
    held_lines = review_sheet.line_tick_changes(state)
    for t in review_sheet.read_line_ticks(ctx.book, review_sheet.blocks_row(state)):
        key = (t.check, t.side, t.ref)
        if key in held_lines and held_lines[key] != (t.ticked, t.comment):
            path = "/".join(quote(k, safe="") for k in (t.check, "lines", t.side, t.ref))
            ctx.client.put(f"{base(state)}/review/{path}", {"ticked": t.ticked, "comment": t.comment})
            sent += 1
    return sent


def _ticks_unchanged(ctx: Context, state: State, typed: list) -> bool:
    """Every mark typed on Review (per check and per line) is the one the server holds: nothing to send."""
    marks = ctx.client.get(f"{base(state)}/review/ticks")
    held = review_sheet.held_marks(marks)
    if any(held["checks"].get(t.check, review_sheet.UNMARKED) != (t.ticked, t.comment) for t in typed):
        return False
    lines = review_sheet.read_line_ticks(ctx.book, review_sheet.blocks_row_of(len(marks["checks"])))
    return all(held["lines"].get((t.check, t.side, t.ref), review_sheet.UNMARKED) == (t.ticked, t.comment)
               for t in lines)


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

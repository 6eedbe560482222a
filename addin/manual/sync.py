"""What the preparer typed in a Manual workbook, sent to the server before a button does its work: the GL
and support balances under Balances on Summary, and the Reconciling Items rows added (blank item_id),
changed, or deleted (only rows this workbook showed: an item a colleague added meanwhile stays)."""
from __future__ import annotations

from ...server.controls.workflow import EDITABLE
from . import items as item_records
from .layout import BALANCE_INPUTS, ITEMS_SHEET, ITEMS_SHOWN
from .render import entered_balances


def sync(ctx, state) -> int:
    """Sends the changes (nothing once submitted: the server locks the balances and the items); returns how
    many calls it made."""
    if state.status not in EDITABLE:
        return 0
    base = f"/api/reconciliations/{state.id}"
    sent = 0
    if "Summary" in ctx.book.sheet_names():
        held = {"gl_balance": state.gl_balance, "support_balance": state.figure("support_balance")}
        typed = entered_balances(ctx.book)
        for _, field, route in BALANCE_INPUTS:
            if typed[field] is not None and typed[field] != held[field]:
                ctx.client.put(f"{base}/{route}", {"balance": str(typed[field])})
                sent += 1
    if ITEMS_SHEET in ctx.book.sheet_names():
        sent += _sync_items(ctx, state, base)
    return sent


def _sync_items(ctx, state, base: str) -> int:
    typed = item_records.from_sheet(ctx.book.read_table(ITEMS_SHEET))
    held = {i.id: i for i in state.items}
    shown = {int(i) for i in (ctx.book.get_setting(ITEMS_SHOWN) or "").split(",") if i.strip().isdigit()}
    on_sheet = {i.id for i in typed if i.id is not None}
    gone = sorted(i for i in shown & held.keys() if i not in on_sheet)
    for item_id in gone:
        ctx.client.request("DELETE", f"{base}/items/{item_id}")
    if gone:
        ctx.say(f"Deleted {len(gone)} reconciling item(s) whose rows were deleted from {ITEMS_SHEET}: "
                + ", ".join(f"#{i} {held[i].description}" for i in gone[:10]) + ".")
    sent = len(gone)
    for item in typed:
        if item.id is None:
            ctx.client.post(f"{base}/items", item_records.body(item))
            sent += 1
        elif item.id in held:
            changed = item_records.changes(held[item.id], item)
            if changed:
                ctx.client.put(f"{base}/items/{item.id}", changed)
                sent += 1
    return sent

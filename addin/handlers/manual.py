"""Manual group: the reconciliation of a Manual account (accruals, prepaids, suspense), which has no bank
statement: the GL balance, the balance of what supports it and the reconciling items that explain the gap
(addin/manual/). Items are added, edited and deleted on the Reconciling Items sheet (sent at the next button
press) or with Reconciling Item; the server locks them once the reconciliation is submitted."""
from __future__ import annotations

import datetime as dt

from ...server.store.types import money_str
from ..client import ServerError
from ..manual.layout import ITEMS_SHEET, KIND
from .common import base, current_state, show
from .context import REC_ID, ActionError, Context, parse_date, parse_money
from .link import find_or_create_rec, link
from .registry import handler

NEW_ACCOUNT = "A new Manual account"
ITEM_FIELDS = ("date", "amount", "description", "owner", "due_date", "item_status", "notes")


def _asked(ctx: Context, option: str, prompt: str, hint: str) -> str:
    """An option, else the user's answer in Excel; refused (naming what to give) when neither comes. `hint`:
    ctx.batch_hint(...) of the option."""
    value = ctx.arg(option) or (ctx.book.ask_text(prompt, "Tieout: Manual reconciliation") or "").strip()
    if not value:
        raise ActionError(f"No {option.replace('_', ' ')} was given, so nothing was changed.",
                          f"Press the button again and answer: {prompt}" + hint + ".")
    return value


def _manual_account(ctx: Context) -> dict:
    """The user's Manual account of the given (or picked) name; a new one when there is none of that name."""
    accounts = ctx.client.get("/api/accounts")
    manual = [a["name"] for a in accounts if a["kind"] == KIND]
    name = ctx.arg("account_name")
    if not name and manual:
        name = ctx.book.ask_choice("Which Manual account does this workbook reconcile?", manual + [NEW_ACCOUNT],
                                   "Tieout: Manual reconciliation")
    if not name or name == NEW_ACCOUNT:
        name = _asked(ctx, "account_name", "Name the Manual account (e.g. Prepaid insurance):",
                      ctx.batch_hint("--account-name NAME"))
    same = next((a for a in accounts if a["name"] == name), None)
    if same is not None and same["kind"] != KIND:
        raise ActionError(f"The account {name!r} is reconciled against bank statements, not as a Manual account.",
                          "Give another name for the Manual account" + ctx.batch_hint("--account-name NAME") + ".")
    if same is not None:
        return same
    currency = _asked(ctx, "currency", f"The currency of {name} (e.g. USD):", ctx.batch_hint("--currency USD")).upper()
    ctx.progress(f"Creating the Manual account {name} on the server")
    return ctx.client.post("/api/accounts", {"name": name, "currency": currency, "kind": KIND,
                                             "gl_account": ctx.arg("cash_account") or ""})


def _set_balances(ctx: Context, rec_id: int) -> None:
    for option, route in (("gl_balance", "gl-balance"), ("support_balance", "support-balance")):
        if ctx.arg(option):
            ctx.client.put(f"{base(rec_id)}/{route}",
                           {"balance": str(parse_money(ctx.arg(option), option.replace("_", " ")))})


@handler("manual_reconciliation", options=("account_name", "currency", "period", "cash_account", "gl_balance",
                                           "support_balance"))
def manual_reconciliation(ctx: Context) -> None:
    """Open the reconciliation of a Manual account (creating it): GL balance, support balance, reconciling items."""
    if ctx.setting(REC_ID) is not None and current_state(ctx).account["kind"] != KIND:
        raise ActionError(f"This workbook reconciles the bank account {current_state(ctx).account['name']}.",
                          "Open a new workbook for the Manual account and press Manual Reconciliation there.")
    if ctx.setting(REC_ID) is None:
        acc = _manual_account(ctx)
        period = _asked(ctx, "period", "Which month does this workbook reconcile? (yyyy-mm, e.g. 2026-10)",
                        ctx.batch_hint("--period 2026-10"))
        try:
            dt.date.fromisoformat(period + "-01")
        except ValueError:
            raise ActionError(f"period {period!r} is not yyyy-mm.", "Give the period as e.g. 2026-10"
                              + ctx.batch_hint("--period 2026-10") + ".") from None
        link(ctx, find_or_create_rec(ctx, acc["id"], period))
    waiting = _start(ctx, ctx.rec_id())
    _set_balances(ctx, ctx.rec_id())
    state = show(ctx)
    ctx.say(f"{state.account['name']} {state.rec['period']['name']}: {_equation(state)}. Add the items that "
            f"explain the difference on {ITEMS_SHEET} (owner and due date for each).{waiting}")


def _start(ctx: Context, rec_id: int) -> str:
    """Opens a Not Started period (the server carries the prior period's open items forward), so the preparer
    sees them before any balance is known; "" when started, else why the items are not there yet."""
    if ctx.client.get(base(rec_id))["status"] != "Not Started":
        return ""
    try:
        ctx.client.post(f"{base(rec_id)}/workflow/start", {})
    except ServerError as exc:
        if exc.code == "forbidden":  # not a preparer of it: shown as it is, to be started by its preparer
            return ""
        if exc.code != "prior_period_open":
            raise
        return f" The prior period's open items come forward once it is approved ({exc.message})."
    return ""


def _equation(state) -> str:
    f = state.figure
    return (f"GL balance {money_str(state.gl_balance) or 'not entered'} - support balance "
            f"{money_str(f('support_balance')) or 'not entered'} - items {money_str(f('manual_items_total'))} "
            f"= difference {money_str(f('difference')) or 'n/a'}")


def _item_body(ctx: Context, partial: bool) -> dict:
    out = {}
    for name in ITEM_FIELDS:
        value = ctx.arg(name)
        if value is None:
            continue
        key = "status" if name == "item_status" else name
        if name in ("date", "due_date"):
            value = parse_date(value, name).isoformat()
        elif name == "amount":
            value = str(parse_money(value, "amount"))
        out[key] = value
    if partial:
        return out
    state = current_state(ctx)
    out.setdefault("date", state.period_end.isoformat())
    if "amount" not in out:
        typed = _asked(ctx, "amount", "The item's amount (+ when it explains a GL balance above the support):",
                       ctx.batch_hint("--amount 125.00"))
        out["amount"] = str(parse_money(typed, "amount"))
    if "description" not in out:
        out["description"] = _asked(ctx, "description", "What is the item? (e.g. invoice 4411 not yet in the "
                                                        "schedule)", ctx.batch_hint('--description "..."'))
    if "owner" not in out:
        out["owner"] = _asked(ctx, "owner", "Who clears it? (the item's owner)", ctx.batch_hint("--owner NAME"))
    if "due_date" not in out:
        due = ctx.book.ask_text("By when? (due date, yyyy-mm-dd; blank: none)", "Tieout: reconciling item")
        if due and due.strip():
            out["due_date"] = parse_date(due.strip(), "due date").isoformat()
    return out


@handler("manual_item", options=("item",) + ITEM_FIELDS + ("delete_item",))
def manual_item(ctx: Context) -> None:
    """Add a reconciling item (owner, due date); with an item number, change or delete it."""
    state = current_state(ctx)
    if state.account["kind"] != KIND:
        raise ActionError(f"{state.account['name']} is a bank account: its open items are its unmatched lines.",
                          "Type owner, due date and notes on Unmatched instead.")
    item = ctx.arg("item")
    if item is None:
        made = ctx.client.post(f"{base(state)}/items", _item_body(ctx, partial=False))
        done = f"Added item #{made['id']} ({made['amount']}, {made['description']}, owner {made['owner']})"
    elif not item.isdigit() or int(item) not in {i.id for i in state.items}:
        raise ActionError(f"No reconciling item {item} in this reconciliation (it has "
                          f"{', '.join(str(i.id) for i in state.items) or 'none'}).",
                          f"Press Refresh and give a number from the item_id column of {ITEMS_SHEET}.")
    elif (ctx.arg("delete_item") or "").lower() in ("yes", "y", "true", "1"):
        ctx.client.request("DELETE", f"{base(state)}/items/{item}")
        done = f"Deleted item #{item}"
    else:
        body = _item_body(ctx, partial=True)
        if not body:
            raise ActionError(f"Nothing to change on item #{item}.",
                              f"Change its cells on {ITEMS_SHEET}" + ctx.batch_hint("--owner, --due-date, --amount, "
                                                                                    "--notes ... or --delete-item yes")
                              + ".")
        ctx.client.put(f"{base(state)}/items/{item}", body)
        done = f"Changed item #{item} ({', '.join(sorted(body))})"
    state = show(ctx)
    ctx.say(f"{done}. {_equation(state)}.")

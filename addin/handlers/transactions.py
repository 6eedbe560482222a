"""Post group, New Transaction menu: a row on New Transactions of one kind (custom, liability, cash entry) for
a bank item the ledger does not have. Its values come from the options, else from the bank line selected on
Bank Statement (date, amount, description), else the period end and 0.00 for the user to fill in."""
from __future__ import annotations

from ...server.store.types import money_str
from .. import sheets
from .common import base, current_state, selected, show
from .context import ActionError, Context, parse_date, parse_money
from .registry import handler

TXN_OPTIONS = ("date", "amount", "gl_account", "description", "bank_line")


def new_transaction(ctx: Context, kind: str) -> dict:
    state = current_state(ctx)
    if state.status not in ("Not Started", "In Progress"):
        raise ActionError(f"The reconciliation is {state.status}: new transactions cannot be added.",
                          "Ask the reviewer to Reject it (or Revert it) to change it again.")
    picked = selected(ctx, "Bank Statement", "bank_line", only_active=True)
    line = state.line("bank", picked[0]) if picked else None
    if picked and line is None:
        raise ActionError(f"Bank Statement: no line {picked[0]} in this reconciliation.")
    date = parse_date(ctx.arg("date"), "date") if ctx.arg("date") else (line.date if line else state.period_end)
    amount = parse_money(ctx.arg("amount"), "amount") if ctx.arg("amount") else (line.amount if line else 0)
    account = ctx.arg("gl_account") or ""
    chart = sheets.chart_of_accounts(ctx.book)
    if account and chart and account not in chart:
        raise ActionError(f"GL account {account!r} is not in the chart of accounts on the Rules sheet.",
                          "Pick an account from the list, or add it to the chart of accounts first.")
    description = ctx.arg("description") or (line.description if line else "")
    made = ctx.client.post(f"{base(state)}/transactions", {
        "date": date, "amount": amount, "gl_account": account, "description": description, "kind": kind,
        "bank_line_id": line.line_id if line else ""})
    show(ctx)
    todo = [what for what, missing in (("the GL account", not account), ("the amount", not amount)) if missing]
    ctx.say(f"Added a {kind} for {money_str(made['amount'])} on {made['date']} to New Transactions"
            + (f" (for bank line {line.line_id})" if line else "")
            + (f": fill in {' and '.join(todo)} on its row." if todo else "."))
    return made


@handler("new_transaction_custom", options=TXN_OPTIONS)
def new_transaction_custom(ctx: Context) -> None:
    """Add a custom entry to New Transactions."""
    new_transaction(ctx, "custom")


@handler("new_transaction_liability", options=TXN_OPTIONS)
def new_transaction_liability(ctx: Context) -> None:
    """Add a liability entry to New Transactions."""
    new_transaction(ctx, "liability")


@handler("new_transaction_cash_entry", options=TXN_OPTIONS)
def new_transaction_cash_entry(ctx: Context) -> None:
    """Add a cash entry (fee, interest...) to New Transactions."""
    new_transaction(ctx, "cash entry")

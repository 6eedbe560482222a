"""Linking a workbook to its reconciliation on the server. The first import creates (or finds) the account,
the period and the reconciliation, from the file itself or from the options, and the workbook remembers the
reconciliation's id (setting ReconciliationId)."""
from __future__ import annotations

import datetime as dt
from operator import attrgetter
from pathlib import Path

from .context import CASH_ACCOUNT, REC_ID, ActionError, Context


def _norm(account: str) -> str:
    return "".join((account or "").split()).upper()


def find_or_create_account(ctx: Context, *, name: str, currency: str, bank_account: str = "",
                           gl_account: str = "") -> dict:
    currency = currency.upper()
    accounts = ctx.client.get("/api/accounts")
    for acc in accounts:
        same_bank = bank_account and _norm(acc["bank_account"]) == _norm(bank_account)
        same_gl = gl_account and not bank_account and acc["gl_account"] == gl_account
        if (same_bank or same_gl or acc["name"] == name) and acc["currency"] == currency:
            return acc
    if any(acc["name"] == name for acc in accounts):
        raise ActionError(f"An account named {name!r} exists on the server in another currency.",
                          "Give the new account another name" + ctx.batch_hint("--account-name NAME") + ".")
    ctx.progress(f"Creating account {name} on the server")
    return ctx.client.post("/api/accounts", {"name": name, "currency": currency, "bank_account": bank_account,
                                             "gl_account": gl_account, "kind": "Bank"})


def find_or_create_rec(ctx: Context, account_id: int, period: str) -> int:
    for rec in ctx.client.get("/api/reconciliations", account_id=account_id):
        if rec["period"] == period:
            return rec["id"]
    ctx.progress(f"Creating the reconciliation of period {period}")
    return ctx.client.post("/api/reconciliations", {"account_id": account_id, "period": period})["id"]


def period_of(ctx: Context, day: dt.date | None) -> str:
    period = ctx.arg("period")
    if period:
        try:
            dt.date.fromisoformat(period + "-01")
        except ValueError:
            raise ActionError(f"period {period!r} is not yyyy-mm.", "Give the period as e.g. 2026-10"
                              + ctx.batch_hint("--period 2026-10") + ".") from None
        return period
    if day is None:
        raise ActionError("The file has no dates to tell its period.",
                          "Give the period (yyyy-mm)" + ctx.batch_hint("--period 2026-10") + ".")
    return day.strftime("%Y-%m")


def link(ctx: Context, rec_id: int) -> int:
    ctx.book.set_setting(REC_ID, str(rec_id))
    return rec_id


def linked_account(ctx: Context) -> dict | None:
    """The account of the workbook's reconciliation (None: the workbook is not linked yet)."""
    if ctx.setting(REC_ID) is None:
        return None
    return ctx.client.get(f"/api/reconciliations/{ctx.rec_id()}")["account"]


def account_named(ctx: Context, name: str | None) -> dict | None:
    """The user's account of that name, if there is one."""
    return next((a for a in ctx.client.get("/api/accounts") if a["name"] == name), None) if name else None


NEW_ACCOUNT = "A new account"


def _account_name(ctx: Context, path: Path, currency: str) -> str:
    """The account a file that names none belongs to: one of the user's accounts in its currency, or a new one
    the user names (in Excel, asked; in batch mode, the option or the file's name)."""
    same = [a["name"] for a in ctx.client.get("/api/accounts") if a["currency"] == currency and a["kind"] == "Bank"]
    picked = ctx.book.ask_choice(f"{path.name} does not name its bank account. Which account is it?",
                                 same + [NEW_ACCOUNT], "Tieout: account") if same else NEW_ACCOUNT
    if picked and picked != NEW_ACCOUNT:
        return picked
    return ctx.book.ask_text(f"Name the new account of {path.name} (e.g. Operating - First Bank):",
                             "Tieout: new account") or f"{path.stem} {currency}"


def rec_for_statement(ctx: Context, path: Path, result, currency: str | None) -> int:
    """The linked reconciliation, or one made for the statement's account and period (`result`: the file as read
    here, with the preparer's answers; the server parses the upload itself)."""
    if ctx.setting(REC_ID) is not None:
        return ctx.rec_id()
    st = result.statements[0]
    currency = st.currency or currency
    if not currency:
        raise ActionError(f"{path.name} does not state its currency.",
                          "Import it again and give the account's currency" + ctx.batch_hint("--currency USD") + ".")
    name = ctx.arg("account_name") or (f"Bank {st.account} {currency}" if st.account else None)
    if name is None:
        name = _account_name(ctx, path, currency.upper())
    acc = find_or_create_account(ctx, name=name, currency=currency, bank_account=st.account or "",
                                 gl_account=ctx.arg("cash_account") or "")
    if acc.get("gl_account"):
        ctx.book.set_setting(CASH_ACCOUNT, acc["gl_account"])
    period = ctx.arg("period") and period_of(ctx, None)
    return link(ctx, find_or_create_rec(ctx, acc["id"], period or _statement_period(ctx, path, st)))


def _statement_period(ctx: Context, path: Path, st) -> str:
    """The month the statement ends in; in Excel, for a download whose lines span several months, the month
    the user picks (only that month's lines are taken: the others belong to other periods' reconciliations)."""
    # each distinct date spelled once (a month of 100,000 lines has about thirty)
    months = sorted({day.strftime("%Y-%m") for day in set(map(attrgetter("date"), st.lines))}, reverse=True)
    last = period_of(ctx, st.period_end or st.last_date)
    if len(months) > 1:
        picked = ctx.book.ask_choice(f"The lines of {path.name} span {len(months)} months. Which month does this "
                                     "workbook reconcile? Only that month's lines are taken.", months,
                                     "Tieout: period")
        if picked:
            return picked
    return last


def rec_for_gl(ctx: Context, data) -> int:
    """The linked reconciliation, or one made for the GL template's account and period end."""
    ctx.book.set_setting(CASH_ACCOUNT, data.balance.account)
    if ctx.setting(REC_ID) is not None:
        return ctx.rec_id()
    name = ctx.arg("account_name") or data.account_name or f"GL {data.balance.account}"
    acc = find_or_create_account(ctx, name=name, currency=data.balance.currency,
                                 gl_account=data.balance.account)
    return link(ctx, find_or_create_rec(ctx, acc["id"], period_of(ctx, data.balance.period_end)))

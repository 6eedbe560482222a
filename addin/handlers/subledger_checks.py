"""Ledger group, continued: a GL account checked against its subledger export (Subledger Check) and incoming
payments applied to open AR invoices (Cash Application), from Excel. Both read the user's files with the
server's readers (in the sandbox), so the workbook shows what `tieout subledger` and `tieout cash-apply` show.
Scheduled checks of configured accounts run on the server (GET /api/subledgers/exceptions)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ...excel_templates.sheet_writer import Column
from ...server.subledgers.columns_out import EXCEPTION_COLUMNS, exception_row
from .context import ActionError, Context
from .registry import handler

CHECK_SHEET, EXCEPTIONS_SHEET = "Subledger Check", "Subledger Exceptions"
CASH_SHEET, OPEN_SHEET = "Cash Application", "Open Invoices"
FIGURE_COLUMNS = (Column("figure", width=28), Column("value", width=22))
OPEN_COLUMNS = (Column("invoice", width=14), Column("customer", width=20), Column("date", "date", 11),
                Column("currency", width=8), Column("open amount", "money", 14), Column("due_date", "date", 11))


def _file(ctx: Context, option: str, title: str) -> Path:
    picked = ctx.arg(option) or ctx.book.ask_file(title)
    if not picked:
        raise ActionError(f"No {option.replace('_', ' ')} file was chosen.",
                          f"Pick the file (batch mode: --{option.replace('_', '-')} PATH).")
    path = Path(picked).expanduser()
    if not path.is_file():
        raise ActionError(f"{path}: no such file.", "Check the path and try again.")
    return path


def _required(ctx: Context, option: str, what: str) -> str:
    value = ctx.arg(option) or ctx.book.ask_text(what)
    if not value:
        raise ActionError(f"{what} is needed.", f"Give --{option.replace('_', '-')}.")
    return value


@handler("subledger_check", options=("subledger", "gl_file", "gl_account", "entity", "kind", "period", "currency",
                                     "sign"), sync=False)
def subledger_check(ctx: Context) -> None:
    """Check a GL account against its subledger export: balances, and the exceptions with the action to take."""
    from ...server.ledgers.records import PERIOD
    from ...server.subledgers.runs import check_files

    sub = _file(ctx, "subledger", "Tieout: the subledger's open items export")
    gl = _file(ctx, "gl_file", "Tieout: the GL account's lines (ledger CSV or GL template)")
    period = _required(ctx, "period", "The period (yyyy-mm)")
    if not PERIOD.fullmatch(period):
        raise ActionError(f"The period {period!r} is not yyyy-mm.", "Give it as e.g. 2026-10.")
    kind = ctx.arg("kind", "AR")
    if kind not in ("AP", "AR", "tax", "bank"):
        raise ActionError(f"The subledger kind {kind!r} is not one Tieout knows: AP, AR, tax or bank.")
    sign = ctx.arg("sign", "1")
    if sign not in ("1", "-1"):
        raise ActionError(f"The sign {sign!r} is not 1 or -1 (-1 when the export shows the account's credits as "
                          "positive).")
    r = check_files(str(sub), str(gl), account=_required(ctx, "gl_account", "The GL account"),
                    legal_entity=_required(ctx, "entity", "The legal entity"), kind=kind, period=period,
                    currency=_required(ctx, "currency", "The account's currency").upper(), sign=int(sign))
    ctx.book.write_table(CHECK_SHEET, "SubledgerFigures", FIGURE_COLUMNS, [
        ("GL account", r.account), ("Legal entity", r.legal_entity), ("Subledger", kind), ("Period", r.period),
        ("Currency", r.currency), ("GL balance", r.gl_balance), ("Subledger balance", r.subledger_balance),
        ("Difference", r.difference), ("Explained by the exceptions", r.explained),
        ("Documents that agree", r.matched), ("Exceptions", len(r.exceptions)),
        ("Checked at", dt.datetime.now().replace(microsecond=0))])
    ctx.book.write_table(EXCEPTIONS_SHEET, "SubledgerExceptions", EXCEPTION_COLUMNS,
                         [exception_row(e) for e in r.exceptions])
    ctx.say(f"{r.account} x {r.legal_entity} {r.period}: GL {r.gl_balance} {r.currency}, {kind} subledger "
            f"{r.subledger_balance}, difference {r.difference}; {r.matched} documents agree, "
            f"{len(r.exceptions)} exceptions on the {EXCEPTIONS_SHEET} sheet.")


@handler("cash_application", options=("payments", "invoices", "currency"), sync=False)
def cash_application(ctx: Context) -> None:
    """Apply incoming payments to open AR invoices (exact amount first, then oldest first); write the settlement
    file for the ERP next to the workbook."""
    from ...server.cash_application.apply import apply_cash
    from ...server.cash_application.settlement import (SETTLEMENT_COLUMNS, read_open_invoices, read_payments,
                                                       settlement_rows, write_settlement)
    from ...server.sandbox import run as sandboxed
    from ...server.errors import InputError

    payments = _file(ctx, "payments", "Tieout: the incoming payments file")
    invoices = _file(ctx, "invoices", "Tieout: the AR open items export")
    currency = _required(ctx, "currency", "The currency when a file names none").upper()
    result = apply_cash(sandboxed(read_payments, payments, currency, source=payments, error=InputError),
                        sandboxed(read_open_invoices, invoices, currency, source=invoices, error=InputError))
    ctx.book.write_table(CASH_SHEET, "Settlement", SETTLEMENT_COLUMNS, settlement_rows(result))
    ctx.book.write_table(OPEN_SHEET, "OpenInvoices", OPEN_COLUMNS, [
        (i.invoice, i.customer, i.date, i.currency, i.amount, i.due_date) for i in result.still_open])
    folder = ctx.book.path.parent if ctx.book.path else Path.cwd()
    stem = f"{ctx.book.path.stem if ctx.book.path else 'cash'}-settlement-{dt.datetime.now():%Y%m%d-%H%M%S}"
    written = [folder / f"{stem}{suffix}" for suffix in (".csv", ".xlsx")]
    for path in written:
        write_settlement(path, result)
    exact = sum(1 for a in result.applications if a.rule == "exact")
    ctx.say(f"Applied {len(result.applications)} amounts ({exact} exact, {len(result.applications) - exact} oldest "
            f"first), {len(result.deductions)} deductions, {len(result.on_account)} on account; "
            f"{len(result.still_open)} invoices still open. Settlement file: {written[0].name} (and .xlsx).")

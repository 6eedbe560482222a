"""Worksheet functions (xlwings UDFs, Windows): read-only figures of the workbook's reconciliation, asked of
the server: =TIEOUT_DIFFERENCE(), =TIEOUT_STATUS(), =TIEOUT_MATCH_RATE().

The cores are plain functions over a workbook adapter and a client (tested on Linux with the saved-workbook
adapter); the @xw.func wrappers only find the calling cell's workbook. A UDF never raises into Excel: it
returns a short text saying what is missing instead."""
from __future__ import annotations

from decimal import Decimal

import xlwings as xw

from .client import Client, ServerError, ServerUnavailable, tieout_home
from .handlers.context import REC_ID
from .server_choice import ForeignServer, server_for

NOT_LINKED = "#TIEOUT: not linked (import a bank file first)"
FOREIGN = "#TIEOUT: the workbook names another server (Tieout_ServerUrl); nothing was sent"


def _rec(book, client: Client) -> dict | str:
    rec_id = book.get_setting(REC_ID)
    if not rec_id or not str(rec_id).isdigit():
        return NOT_LINKED
    try:
        return client.get(f"/api/reconciliations/{int(rec_id)}")
    except ServerError as exc:
        return f"#TIEOUT: {exc.code}"
    except ServerUnavailable:
        return "#TIEOUT: server not running"


def difference(book, client: Client) -> Decimal | str:
    """The unreconciled difference (adjusted bank - adjusted GL); text when it cannot be computed yet."""
    rec = _rec(book, client)
    if isinstance(rec, str):
        return rec
    value = rec["figures"].get("difference")
    return Decimal(str(value)) if value is not None else "#TIEOUT: needs the statement and the GL balance"


def status(book, client: Client) -> str:
    rec = _rec(book, client)
    return rec if isinstance(rec, str) else rec["status"]


def match_rate(book, client: Client) -> Decimal | str:
    """Share of bank and GL lines placed in a match (0..1)."""
    rec = _rec(book, client)
    if isinstance(rec, str):
        return rec
    f = rec["figures"]
    total = f["bank_lines"] + f["gl_lines"]
    if not total:
        return Decimal(0)
    return (Decimal(f["matched_bank_lines"] + f["matched_gl_lines"]) / total).quantize(Decimal("0.0001"))


# --- the thin Excel edge -----------------------------------------------------------------------------------
def _caller_book(caller):
    from .excel_workbook import ExcelWorkbook

    return ExcelWorkbook(caller.sheet.book)


def _client(book) -> Client:
    """A UDF runs inside Excel's recalculation: it never starts the server (a button press does) and waits
    briefly."""
    return Client(base_url=server_for(book.get_setting("ServerUrl"), tieout_home()), autostart=False, timeout=10)


def _answer(core, caller):
    """The core's figure for the calling workbook; a workbook naming a server the user did not choose gets text."""
    book = _caller_book(caller)
    try:
        client = _client(book)
    except ForeignServer:
        return FOREIGN
    return core(book, client)


def _cell(value):
    return float(value) if isinstance(value, Decimal) else value  # a worksheet cell holds a double


@xw.func
def TIEOUT_DIFFERENCE(caller):
    """The reconciliation's unreconciled difference (0 when reconciled)."""
    return _cell(_answer(difference, caller))


@xw.func
def TIEOUT_STATUS(caller):
    """The reconciliation's workflow status."""
    return _answer(status, caller)


@xw.func
def TIEOUT_MATCH_RATE(caller):
    """Share of bank and GL lines matched (format the cell as a percentage)."""
    return _cell(_answer(match_rate, caller))

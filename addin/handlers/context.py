"""What a handler works with: the workbook (adapter), the server (client), the batch-mode options, and the
workbook's own settings (which reconciliation it shows, tolerances). Which matches are accepted is the
server's to say: a workbook that still holds the old setting Tieout_AcceptedThrough is not asked for it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ...server.parsing import parse_date as server_parse_date
from ..client import Client
from ..workbook import WorkbookAdapter

# Workbook settings (defined names Tieout_<name>): what the workbook remembers between button presses.
REC_ID = "ReconciliationId"
MATCH_TOLERANCE = "MatchTolerance"
WRITE_OFF_ACCOUNT = "WriteOffAccount"
CASH_ACCOUNT = "CashAccount"
# "row:hash" of the audit row written at Submit: an anchor of the audit chain outside the database (review.py)
SUBMIT_AUDIT_ROW = "SubmitAuditRow"
CHART_RANGE = "ChartOfAccounts"  # where the chart of accounts list is, e.g. Rules!AM2:AM201, right of the rules table


class ActionError(Exception):
    """Something the user can put right: the message says what is wrong, the advice what to do."""

    def __init__(self, message: str, advice: str = ""):
        super().__init__(message)
        self.message, self.advice = message, advice


@dataclass
class Context:
    book: WorkbookAdapter
    client: Client
    args: Mapping[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    # The server's state as last read in this button press, with what it was read for (common.current_state)
    last_state: tuple[object, tuple] | None = field(default=None, repr=False)
    # Listings and the review as last read in this press, by path: (ETag, parsed answer) (state.Held)
    held: dict = field(default_factory=dict, repr=False)

    # options and settings --------------------------------------------------------------------------------
    def arg(self, name: str, default: str | None = None) -> str | None:
        value = self.args.get(name)
        return value if value not in (None, "") else default

    def ids(self, name: str) -> list[str]:
        """A comma-separated option as a list of ids (order kept, duplicates dropped)."""
        raw = self.arg(name) or ""
        return list(dict.fromkeys(i.strip() for i in raw.split(",") if i.strip()))

    def setting(self, name: str) -> str | None:
        value = self.book.get_setting(name)
        return value if value not in (None, "") else None

    def rec_id(self) -> int:
        value = self.setting(REC_ID)
        if value is None:
            raise ActionError("This workbook is not linked to a reconciliation yet.",
                              "Import a bank file or a GL template first (Import group).")
        try:
            return int(value)
        except ValueError:
            raise ActionError(f"The workbook's setting Tieout_{REC_ID} is {value!r}, not a number.",
                              "Delete that name (Formulas > Name Manager) and import again.") from None

    def batch_hint(self, option: str) -> str:
        """" (batch mode: OPTION)" when the handler runs in batch mode; nothing in Excel, where no message names a
        command-line option: there the dialog or the sheet is the way."""
        return "" if getattr(self.book, "interactive", False) else f" (batch mode: {option})"

    # user feedback ---------------------------------------------------------------------------------------
    def progress(self, text: str) -> None:
        self.book.status(text)

    def say(self, text: str) -> None:
        """The outcome the user reads (the status bar in Excel, stdout in batch mode: see dispatch)."""
        self.messages.append(text)


def parse_money(value, what: str) -> Decimal:
    """An amount typed by the user or given as an option (text or an Excel number) as an exact Decimal."""
    if isinstance(value, bool):
        raise ActionError(f"{what}: {value!r} is not an amount.")
    if isinstance(value, float):
        value = repr(value)  # Excel hands numbers over as binary floats: keep their shortest decimal form
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ActionError(f"{what}: {value!r} is not an amount.", "Type a number such as 125.50 or -12.00.") \
            from None
    if not amount.is_finite():
        raise ActionError(f"{what}: {value!r} is not an amount.")
    # More than 4 decimals only comes from float noise (0.1 + 0.2) or a calculated cell: the ledger keeps 4.
    return amount.quantize(Decimal("0.0001")) if amount.as_tuple().exponent < -4 else amount


def parse_date(value, what: str) -> dt.date:
    try:
        return server_parse_date(value, "iso")
    except ValueError:
        raise ActionError(f"{what}: {value!r} is not a date.", "Type the date as yyyy-mm-dd, e.g. 2026-10-31.") \
            from None

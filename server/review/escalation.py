"""Open items that need a decision before sign-off: older than the escalation limit (review.toml, 30 days by
default, counted to the period end) or carried from a prior period. Each says what is required: post a clearing
entry (GL account and note) or escalate with an action plan. Items lacking an owner, a due date or a status
(any age) are listed too: Submit asks for them."""
from __future__ import annotations

import datetime as dt

from .facts import Item
from .records import Escalation

DECISION = ("decide: post a clearing entry (New Transaction with its GL account and a note), or escalate with an "
            "action plan in the notes (who does what by when)")
STATUS_GIVEN = ("investigating", "resolved")  # "open" is the default: a status chosen says someone looked at it


def missing_fields(item: Item) -> tuple[str, ...]:
    return tuple(name for name, given in (("owner", item.owner), ("due date", item.due_date),
                                          ("status", item.status in STATUS_GIVEN)) if not given)


def _record(item: Item, age: int, reasons: tuple[str, ...]) -> Escalation:
    return Escalation(item.side, item.line_id, item.date, item.amount, item.text, age, reasons, item.owner,
                      item.due_date, item.status, item.notes, missing_fields(item), DECISION if reasons else "")


def escalations(outstanding, as_of: dt.date, after_days: int = 30) -> tuple[Escalation, ...]:
    out = []
    for it in outstanding:
        age = max((as_of - it.date).days, 0)
        reasons = tuple(r for r, hit in ((f"open {age} days (over {after_days})", age > after_days),
                                         ("carried from a prior period", it.carried)) if hit)
        if reasons:
            out.append(_record(it, age, reasons))
    return tuple(out)


def unowned(outstanding, as_of: dt.date) -> tuple[Escalation, ...]:
    """Open items without an owner, a due date or a chosen status (Submit lists them and asks)."""
    return tuple(_record(it, max((as_of - it.date).days, 0), ()) for it in outstanding if missing_fields(it))

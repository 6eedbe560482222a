"""Reconciling items as records: from the server's JSON, as the sheet's rows (with their age at the period
end), and back from what the preparer typed on the sheet (every bad cell named at once)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..handlers.context import ActionError, parse_date, parse_money
from ..sheets import text as _text
from .layout import ITEMS_SHEET, SHEETS

STATUSES = ("open", "investigating", "resolved")  # the server's (services/lines.ITEM_STATUSES)


@dataclass(frozen=True)
class Item:
    id: int | None  # None: a row the preparer added that the server has not seen yet
    date: dt.date
    amount: Decimal
    description: str
    owner: str
    due_date: dt.date | None
    status: str
    notes: str


def from_server(d: dict) -> Item:
    return Item(d["id"], dt.date.fromisoformat(d["date"]), Decimal(d["amount"]), d.get("description") or "",
                d.get("owner") or "", dt.date.fromisoformat(d["due_date"]) if d.get("due_date") else None,
                d.get("status") or "open", d.get("notes") or "")


def load(client, rec_id: int) -> tuple[Item, ...]:
    return tuple(from_server(d) for d in client.get(f"/api/reconciliations/{rec_id}/items"))


def age(item: Item, as_of: dt.date) -> int:
    """Days from the item's date to the period end (0 for an item dated after it)."""
    return max((as_of - item.date).days, 0)


def rows(items, as_of: dt.date) -> list[tuple]:
    return [(i.id, i.date, i.amount, i.description, i.owner, i.due_date, age(i, as_of), i.status, i.notes)
            for i in items]


def body(item: Item) -> dict:
    """The item as the server's items route takes it."""
    return {"date": item.date.isoformat(), "amount": str(item.amount), "description": item.description,
            "owner": item.owner, "due_date": item.due_date.isoformat() if item.due_date else None,
            "status": item.status, "notes": item.notes}


def changes(old: Item, new: Item) -> dict:
    """The fields the preparer changed on an item's row."""
    before, after = body(old), body(new)
    return {k: v for k, v in after.items() if before[k] != v}


def from_sheet(table: list[dict]) -> list[Item]:
    """The item rows of the sheet's table (blank rows skipped); every bad cell is named, row and column."""
    out, problems = [], []
    for n, r in enumerate(table, start=2):
        if not any(_text(r.get(k)) for k in ("item_id", "date", "amount", "description")):
            continue
        where = f"{ITEMS_SHEET} row {n}"
        try:
            item_id = int(float(r["item_id"])) if _text(r.get("item_id")) else None
        except ValueError:
            problems.append(f"{where}, field 'item_id': {r.get('item_id')!r} is not an item number (leave it "
                            "blank on a new row)")
            continue
        try:
            date = parse_date(r.get("date"), f"{where}, field 'date'")
            amount = parse_money(r.get("amount"), f"{where}, field 'amount'")
            due = parse_date(r.get("due_date"), f"{where}, field 'due_date'") if _text(r.get("due_date")) else None
        except ActionError as exc:
            problems.append(exc.message)
            continue
        status = _text(r.get("status")).lower() or "open"
        if status not in STATUSES:
            problems.append(f"{where}, field 'status': {status!r} is not one of {', '.join(STATUSES)}")
            continue
        out.append(Item(item_id, date, amount, _text(r.get("description")), _text(r.get("owner")), due, status,
                        _text(r.get("notes"))))
    if problems:
        raise ActionError("; ".join(problems), "Correct those cells and press the button again.")
    return out


def headers() -> tuple[str, ...]:
    return tuple(c.header for c in SHEETS[ITEMS_SHEET][1])

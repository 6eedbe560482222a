"""Turning the facts' records into the lines a check shows."""
from __future__ import annotations

from ..facts import Item
from ..records import CheckLine


def item_line(item: Item, problem: str) -> CheckLine:
    return CheckLine(item.side, item.line_id, item.date, item.amount, item.text, problem)

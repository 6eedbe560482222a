"""Outstanding items aged at a date: buckets 0-30, 31-60, 61-90 and 90+ days by side and kind, the outstanding
checks older than the stale limit (the quarterly review's list) and, for each of them, the unclaimed-property
view: the payee, the dormancy period of the jurisdiction (dormancy.toml) and the date it becomes reportable."""
from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from ..matching.text import ledger_check_key
from .facts import Item
from .records import AgedItem, Aging, Bucket, UnclaimedProperty

BUCKETS = ((30, "0-30"), (60, "31-60"), (90, "61-90"), (None, "90+"))
BUCKET_NAMES = tuple(name for _, name in BUCKETS)


def bucket_of(age_days: int) -> str:
    for limit, name in BUCKETS:
        if limit is None or age_days <= limit:
            return name
    raise AssertionError("unreachable: the last bucket has no limit")


def item_kind(item: Item) -> str:
    """What the item is, for the buckets: a check (a bank check line, or a GL payment whose reference holds a
    check number), else the bank type / GL source / manual item."""
    if is_check(item):
        return "check"
    if item.side == "ledger":
        return item.kind or "ledger"
    return item.kind or "other"


def is_check(item: Item) -> bool:
    if item.side == "bank":
        return item.kind == "check" or bool(item.check_number)
    if item.side == "ledger":
        return item.amount < 0 and (bool(ledger_check_key(item.reference)) or "check" in item.kind.lower())
    return False


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February -> 28 February in a common year)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def aged_items(items, as_of: dt.date, *, stale_days: int = 90, jurisdiction: str = "US",
               dormancy_years: int = 3) -> Aging:
    """Ages `items` (facts.Item, the outstanding ones) at `as_of`. An outstanding check is a GL payment the bank
    has not paid yet (ledger side): those older than `stale_days` are listed with their unclaimed-property date."""
    aged = []
    for it in sorted(items, key=lambda i: (i.date, i.side, i.line_id)):
        age = max((as_of - it.date).days, 0)
        aged.append(AgedItem(it.side, it.line_id, item_kind(it), it.date, it.amount, it.text, age, bucket_of(age),
                             it.owner))
    sums: dict[tuple[str, str, str], list] = defaultdict(lambda: [0, Decimal(0)])
    for a in aged:
        cell = sums[(a.side, a.kind, a.bucket)]
        cell[0] += 1
        cell[1] += a.amount
    order = {name: k for k, name in enumerate(BUCKET_NAMES)}
    buckets = tuple(Bucket(side, kind, b, n, total) for (side, kind, b), (n, total)
                    in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1], order[kv[0][2]])))
    by_id = {(i.side, i.line_id): i for i in items}
    stale = tuple(a for a in aged if a.side == "ledger" and a.kind == "check" and a.age_days > stale_days)
    unclaimed = []
    for a in stale:
        it = by_id[(a.side, a.line_id)]
        unclaimed.append(UnclaimedProperty(a.line_id, ledger_check_key(it.reference), it.counterparty or it.description,
                                           a.date, a.amount, a.age_days, jurisdiction, dormancy_years,
                                           add_years(a.date, dormancy_years)))
    return Aging(as_of, buckets, tuple(aged), stale, tuple(unclaimed))

"""How fresh a reconciliation's data are, in the words a user reads: "data last updated 30 minutes ago, next
update in 1 hour". Written here (a few lines) rather than with a humanizing library: the workspace needs only
these two phrases, in English, rounded to the largest whole unit."""
from __future__ import annotations

import datetime as dt

UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


def span(delta: dt.timedelta) -> str:
    """'1 hour', '3 days', 'less than a minute' (the largest whole unit, rounded down)."""
    seconds = int(abs(delta.total_seconds()))
    for name, size in UNITS:
        if seconds >= size:
            n = seconds // size
            return f"{n} {name}{'s' if n != 1 else ''}"
    return "less than a minute"


def freshness(last: dt.datetime | None, next_run: dt.datetime | None, now: dt.datetime) -> str:
    said = f"data last updated {span(now - last)} ago" if last else "no data yet"
    if next_run is None:
        return said + ", no scheduled update"
    if next_run <= now:
        return said + ", next update due now"
    return said + f", next update in {span(next_run - now)}"

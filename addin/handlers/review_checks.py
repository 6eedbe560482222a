"""The five review checks of the workbook's reconciliation, as the server computes them from its own data
(never from the workbook's cells): `tieout review WORKBOOK.xlsx [--json]` runs this handler. The Review sheet
shows the same on every render (sheets.render); this one only reads."""
from __future__ import annotations

import json

from .common import base
from .context import REC_ID, ActionError, Context
from .registry import Handler

MARKS = {"pass": "PASS", "fail": "FAIL", "attention": "LOOK"}


def text_lines(review: dict) -> list[str]:
    """The checks, their lines, the aging and the escalations as plain text for a terminal."""
    out = []
    for c in review["checks"]:
        tick = c.get("tick") or {}
        mark = " (ticked by " + tick["by"] + ")" if tick.get("ticked") else ""
        out.append(f"[{MARKS[c['status']]}] {c['title']}{mark}")
        out.append(f"       {c['detail']}")
        if tick.get("comment"):
            out.append(f"       reviewer: {tick['comment']}")
        for ln in c["lines"][:20]:
            out.append(f"       - {ln['side']} {ln['ref']} {ln['date'] or ''} {ln['amount'] or ''}: {ln['problem']}")
        if len(c["lines"]) > 20:
            out.append(f"       ... {len(c['lines']) - 20} more (the JSON form lists all)")
    aging = review["aging"]
    counts: dict[str, int] = {}
    for b in aging["buckets"]:
        counts[b["bucket"]] = counts.get(b["bucket"], 0) + b["count"]
    out.append(f"Outstanding at {aging['as_of']}: " + (", ".join(f"{k} days: {v}" for k, v in counts.items())
                                                       or "nothing"))
    for u in aging["unclaimed"]:
        out.append(f"  stale check {u['check_number'] or u['line_id']} to {u['payee']} ({u['amount']}, {u['date']}): "
                   f"reportable in {u['jurisdiction']} on {u['reportable_on']}")
    out.append(f"To escalate: {len(review['escalations'])} item(s); without owner, due date or status: "
               f"{len(review['unowned'])}")
    return out


def review_checks(ctx: Context) -> None:
    """Print the five review checks (with aging and escalations) of the workbook's reconciliation."""
    if ctx.setting(REC_ID) is None:
        name = ctx.book.path.name if ctx.book.path is not None else "This workbook"
        raise ActionError(f"{name} is not a Tieout reconciliation workbook (it has no Tieout_{REC_ID} setting).",
                          "Run it on a workbook made by Import Bank File or Import GL Template.")
    review = ctx.client.get(f"{base(ctx.rec_id())}/review")
    if ctx.arg("json"):
        ctx.say(json.dumps(review, indent=2, ensure_ascii=False))
    else:
        for line in text_lines(review):
            ctx.say(line)


# Not a ribbon button (the Review sheet shows the checks on every render): the CLI runs it through dispatch.run_with.
HANDLER = Handler("review_checks", review_checks, (), False, "Print the five review checks")

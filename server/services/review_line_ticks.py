"""The reviewer's tick and comment on one line of a review check (e.g. one unusual matched pair), stored and
audited beside the tick per check. A line is one the check lists now (its side and ref): a mark on a line the
check does not list is refused, so a mark always says which figure the reviewer looked at. Marks on lines are
the reviewer's working notes: Approve still asks for the check's own comment when it fails."""
from __future__ import annotations

from sqlalchemy import select

from ..review.checks import TITLES
from ..review.tables import ReviewLineTick
from .context import Change, not_found, now, utc_iso
from .review_checks import compute
from .review_marks import reviewer_mark


def set_line_tick(ch: Change, rec_id: int, check_id: str, side: str, ref: str, data: dict) -> dict:
    """PUT .../review/<check>/lines/<side>/<ref> {"ticked": bool, "comment": "..."}."""
    rec, ticked, comment = reviewer_mark(ch, rec_id, check_id, data)
    check = next(c for c in compute(ch.session, rec.id).checks if c.id == check_id)
    if not any(ln.side == side and ln.ref == ref for ln in check.lines):
        raise not_found(f"line {side} {ref!r} of review check {check_id} (the check does not list it now)")
    row = ch.session.scalar(select(ReviewLineTick).where(
        ReviewLineTick.reconciliation_id == rec.id, ReviewLineTick.check_id == check_id,
        ReviewLineTick.side == side, ReviewLineTick.ref == ref))
    before = {"ticked": row.ticked, "comment": row.comment} if row else None
    if row is None:
        row = ReviewLineTick(reconciliation_id=rec.id, check_id=check_id, side=side, ref=ref)
        ch.session.add(row)
    row.ticked, row.comment, row.by_user, row.at = ticked, comment, ch.actor.id, now()
    ch.session.flush()
    ch.audit("review.line_tick", "review_line", f"{check_id}:{side}:{ref}", before,
             {"ticked": ticked, "comment": comment}, rec.id)
    return {"check": check_id, "title": TITLES[check_id], "side": side, "ref": ref, "ticked": ticked,
            "comment": comment, "by": ch.actor.name, "at": utc_iso(row.at)}

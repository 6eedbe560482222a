"""A reviewer's mark (tick and comment) on a review check or on one line of it: the checks every mark needs,
and the marks held on lines. Shared by the tick per check (review_checks.py) and per line
(review_line_ticks.py)."""
from __future__ import annotations

from sqlalchemy import select

from ..controls.workflow import APPROVED, Refusal
from ..review.checks import CHECK_IDS
from ..review.tables import ReviewLineTick
from ..store.models import User
from . import recs, values
from .accounts import roles_on
from .context import Change, bad_input, utc_iso

COMMENT_MAX = 2000


def reviewer_mark(ch: Change, rec_id: int, check_id: str, data: dict):
    """(the reconciliation locked, ticked, comment) once the mark may be made: a known check, a reviewer or
    approver of the account, a reconciliation not Approved, {"ticked": bool, "comment": text}."""
    rec = recs.get(ch.session, rec_id, lock=True)
    if check_id not in CHECK_IDS:
        raise bad_input(f"check {check_id!r} is not a review check (known: {', '.join(CHECK_IDS)})")
    if not {"reviewer", "approver"} & roles_on(ch.session, rec.account_id, ch.actor.id):
        raise Refusal("forbidden", f"{ch.actor.name} is not a reviewer or approver of this account", 403)
    if rec.status == APPROVED:
        raise Refusal("locked", "the reconciliation is Approved: its review marks are final")
    ticked = data.get("ticked", False)
    if not isinstance(ticked, bool):
        raise bad_input("field 'ticked': must be true or false")
    return rec, ticked, values.text(data, "comment", max_len=COMMENT_MAX)


def line_ticks(session, rec_id: int) -> dict[tuple[str, str, str], dict]:
    """{(check, side, ref): {"ticked", "comment", "by", "at"}} of a reconciliation's lines."""
    names = dict(session.execute(select(User.id, User.name)).all())
    return {(t.check_id, t.side, t.ref): {"ticked": t.ticked, "comment": t.comment, "by": names.get(t.by_user),
                                         "at": utc_iso(t.at)}
            for t in session.scalars(select(ReviewLineTick).where(ReviewLineTick.reconciliation_id == rec_id))}

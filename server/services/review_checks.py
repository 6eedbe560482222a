"""The review checks as a service: the reviewer's view of a reconciliation (checks with their ticks, aging,
escalations), the reviewer's tick and comment per check (audited), the chart of accounts an account's new
transactions are checked against, and the two workflow guards the review adds: Submit is refused while an
escalated item has no owner or due date, Approve while a check fails without a reviewer comment."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..controls.workflow import Refusal
from ..review import cache
from ..review.checks import TITLES
from ..review.records import FAIL, Review, Tick, as_dict
from ..store.models import ChartAccount, ReviewTick, User
from . import recs
from .accounts import get_account, roles_on
from .context import Change, bad_input, now, utc_iso
from .review_marks import line_ticks, reviewer_mark
CHART_MAX = 5000


def compute(session, rec_id: int) -> Review:
    """Once per data version (review/cache.py)."""
    return cache.review(session, recs.get(session, rec_id))


def ticks(session, rec_id: int) -> dict[str, Tick]:
    names = dict(session.execute(select(User.id, User.name)).all())
    return {t.check_id: Tick(t.check_id, t.ticked, t.comment, names.get(t.by_user), utc_iso(t.at))
            for t in session.scalars(select(ReviewTick).where(ReviewTick.reconciliation_id == rec_id))}


def describe(session, rec_id: int) -> dict:
    """GET .../review: {"checks": [{"id", "title", "status", "detail", "figures", "lines", "tick"}], "aging",
    "escalations", "unowned", "approvable"}. Kept per data version as the review is (the ticks are data too):
    the answer's plain values cost a second at 20,000 lines, a redraw with nothing changed asks for it again."""
    rec = recs.get(session, rec_id)
    return cache.kept(session, rec, "describe", lambda: _describe(session, rec_id))


def _describe(session, rec_id: int) -> dict:
    result = compute(session, rec_id)
    held, on_lines = ticks(session, rec_id), line_ticks(session, rec_id)
    checks = []
    for c in result.checks:
        t = held.get(c.id)
        checks.append({**as_dict(c), "tick": as_dict(t) if t else None})
        for ln in checks[-1]["lines"]:
            ln["tick"] = on_lines.get((c.id, ln["side"], ln["ref"]))
    blocked = _blocking(result, held)
    return {"reconciliation": rec_id, "checks": checks, "aging": as_dict(result.aging),
            "escalations": [as_dict(e) for e in result.escalations], "unowned": [as_dict(e) for e in result.unowned],
            "approvable": not blocked, "blocking": [c.id for c in blocked]}


def held_ticks(session, rec_id: int) -> dict:
    """GET .../review/ticks: the reviewer's marks alone, without running the checks (seconds at 20,000 lines),
    for a client that only compares what the sheet shows with what the server holds. {"checks": [{"id",
    "tick"}] for every check in order, "lines": [{"check", "side", "ref", "tick"}] for every marked line}."""
    held, on_lines = ticks(session, rec_id), line_ticks(session, rec_id)
    return {"reconciliation": rec_id,
            "checks": [{"id": cid, "tick": as_dict(held[cid]) if cid in held else None} for cid in TITLES],
            "lines": [{"check": c, "side": side, "ref": ref, "tick": t} for (c, side, ref), t in on_lines.items()]}


def _blocking(result: Review, held: dict[str, Tick]):
    return [c for c in result.failing if not (held.get(c.id) and held[c.id].comment.strip())]


def set_tick(ch: Change, rec_id: int, check_id: str, data: dict) -> dict:
    """{"ticked": bool, "comment": "..."}: a reviewer's or approver's mark on one check (not once Approved)."""
    rec, ticked, comment = reviewer_mark(ch, rec_id, check_id, data)
    row = ch.session.scalar(select(ReviewTick).where(ReviewTick.reconciliation_id == rec.id,
                                                     ReviewTick.check_id == check_id))
    before = {"ticked": row.ticked, "comment": row.comment} if row else None
    if row is None:
        row = ReviewTick(reconciliation_id=rec.id, check_id=check_id)
        ch.session.add(row)
    row.ticked, row.comment, row.by_user, row.at = ticked, comment, ch.actor.id, now()
    ch.session.flush()
    ch.audit("review.tick", "review_check", check_id, before, {"ticked": ticked, "comment": comment}, rec.id)
    return {"check": check_id, "title": TITLES[check_id], "ticked": ticked, "comment": comment,
            "by": ch.actor.name, "at": utc_iso(row.at)}


def check_approvable(session, rec) -> None:
    """Approve (review or final approval) is refused while a check fails and no reviewer comment says why it
    may stand."""
    blocked = _blocking(compute(session, rec.id), ticks(session, rec.id))
    if blocked:
        raise Refusal("review_check_failed",
                      f"{len(blocked)} review check{'s fail' if len(blocked) > 1 else ' fails'} without a reviewer "
                      "comment: " + "; ".join(f"{c.title}: {c.detail.rstrip('.')}" for c in blocked)
                      + ". Fix it (reject to the preparer) or say in the check's comment why the reconciliation "
                        "may be approved anyway (Review sheet, or PUT review/<check>), then approve again", 409)


def check_owned(session, rec) -> None:
    """Submit is refused while an escalated item (old, or carried from a prior period) has no owner or due date."""
    result = compute(session, rec.id)
    lacking = [e for e in result.escalations if {"owner", "due date"} & set(e.missing)]
    if lacking:
        shown = "; ".join(f"{e.side} {e.line_id} ({e.date}, {e.amount}): {', '.join(e.reasons)}, no "
                          f"{' or '.join(m for m in e.missing if m != 'status')}" for e in lacking[:10])
        raise Refusal("items_without_owner",
                      f"{len(lacking)} escalated open item{'s have' if len(lacking) > 1 else ' has'} no owner or due "
                      f"date: {shown}{' ...' if len(lacking) > 10 else ''}. Give each an owner, a due date and the "
                      "decision (clearing entry or action plan), then submit again", 409)


def set_chart(ch: Change, account_id: int, data: dict) -> dict:
    """{"accounts": ["6100", ...]}: replaces the account's chart of accounts (the Rules sheet's list)."""
    acc = get_account(ch.session, account_id)
    if not (ch.actor.is_admin or roles_on(ch.session, acc.id, ch.actor.id)):
        raise Refusal("forbidden", f"{ch.actor.name} has no role on account {acc.name}", 403)
    given = data.get("accounts")
    if not isinstance(given, list) or not all(isinstance(a, str) for a in given) or len(given) > CHART_MAX:
        raise bad_input(f"field 'accounts': must be a list of up to {CHART_MAX} GL account texts")
    wanted = sorted({a.strip() for a in given if a.strip()})
    too_long = [a for a in wanted if len(a) > 100]
    if too_long:
        raise bad_input(f"field 'accounts': {too_long[0][:40]!r}... is longer than 100 characters")
    before = sorted(ch.session.scalars(select(ChartAccount.gl_account).where(ChartAccount.account_id == acc.id)))
    if before != wanted:
        ch.session.execute(delete(ChartAccount).where(ChartAccount.account_id == acc.id))
        ch.session.add_all(ChartAccount(account_id=acc.id, gl_account=a) for a in wanted)
        ch.audit("account.chart", "account", acc.id, {"accounts": before}, {"accounts": wanted})
    return {"account": acc.id, "accounts": wanted}


def chart(session, account_id: int) -> dict:
    acc = get_account(session, account_id)
    return {"account": acc.id, "accounts": sorted(session.scalars(
        select(ChartAccount.gl_account).where(ChartAccount.account_id == acc.id)))}

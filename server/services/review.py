"""Workflow actions (start, submit, review, approve, reject, revert) with segregation of duties and the
tamper check: Submit stores the hash of the data; Review, Approve and Reject refuse if it changed. Submit is
refused while proposed (not yet accepted) auto-matches remain, and while a statement finding is not
acknowledged: the preparer's review of the engine's work and of the bank's figures is part of what is
submitted."""
from __future__ import annotations


from decimal import Decimal

from ..controls import tamper, workflow
from ..controls.audit import canonical_json
from ..store.models import Account
from ..store.types import money_str
from ..controls.workflow import Refusal
from . import findings, recs, review_checks
from .accounts import roles_on
from .context import Change, now


def _reconciled_balance(ch: Change, rec, kind: str):
    if kind == "Manual":
        return rec.support_balance
    from .summary import statement_balance

    return statement_balance(ch.session, rec)


def act(ch: Change, rec_id: int, action: str, comment: str = "") -> None:
    rec = recs.get(ch.session, rec_id, lock=True)
    recs.check_prior_approved(ch.session, rec)
    st = recs.state(ch.session, rec)
    t = workflow.check_transition(st, action, ch.actor.name, roles_on(ch.session, rec.account_id, ch.actor.id),
                                  comment)
    before = {"status": rec.status}
    if action == "start":
        recs.start(ch, rec)
        return
    if t.checks_hash:
        changed = tamper.check(ch.session, rec)
        if changed:
            raise Refusal("tampered", "the reconciliation's data changed after it was submitted: "
                                      + "; ".join(changed), 409)
    if action == "submit":
        _check_accepted(ch, rec)
        findings.check_acknowledged(ch.session, rec.id)
        review_checks.check_owned(ch.session, rec)
        _check_explained(ch, rec)
        snap = tamper.snapshot(ch.session, rec)
        rec.submitted_snapshot = canonical_json(snap)
        rec.submitted_hash = tamper.digest_of(rec.submitted_snapshot)
        rec.submitted_at = now()
        rec.prepared_by = ch.actor.id
        rec.reviewed_by = rec.approved_by = rec.approved_at = None
    if action in ("review", "approve"):
        review_checks.check_approvable(ch.session, rec)
    if action == "review":
        rec.reviewed_by = ch.actor.id
    elif action == "approve":
        kind = ch.session.get(Account, rec.account_id).kind
        rec.approved_by, rec.approved_at = ch.actor.id, now()
        rec.reconciled_balance = _reconciled_balance(ch, rec, kind)
    elif action in ("reject", "revert"):
        rec.submitted_hash = rec.submitted_snapshot = None
        rec.reviewed_by = rec.approved_by = rec.approved_at = None
        rec.reconciled_balance = None
    rec.status = t.target
    rec.last_comment = comment.strip()
    rec.updated_at = now()
    ch.audit(f"workflow.{action}", "reconciliation", rec.id, before,
             {"status": rec.status, "comment": rec.last_comment, "hash": rec.submitted_hash}, rec.id)


def _check_accepted(ch: Change, rec) -> None:
    from .matches import proposed_keys

    waiting = proposed_keys(ch.session, rec.id)
    if waiting:
        shown = ", ".join(waiting[:10]) + (" ..." if len(waiting) > 10 else "")
        raise Refusal("unaccepted_matches", f"{len(waiting)} auto-match{'es are' if len(waiting) > 1 else ' is'} "
                                            f"proposed and not accepted yet ({shown}): review them, undo those you "
                                            "disagree with, accept the rest (Accept Matches, or POST "
                                            "matches/accept), then submit again", 409)


def record_tamper(store, actor, rec_id: int, action: str, message: str) -> None:
    """The refused action's own transaction rolled back; the detection itself is kept in the audit trail."""
    from .context import change

    with change(store, actor) as ch:
        ch.audit("tamper.detected", "reconciliation", rec_id, None, {"action": action, "message": message}, rec_id)


def _check_explained(ch: Change, rec) -> None:
    """A Manual reconciliation is submitted only when its items explain the whole gap between the GL balance
    and the support balance (difference = GL balance - support balance - items = 0): with no bank statement to
    tie to, that equation is all a reviewer has."""
    if ch.session.get(Account, rec.account_id).kind != "Manual":
        return
    from .summary import figures

    missing = [name for name, value in (("GL balance", rec.gl_balance), ("support balance", rec.support_balance))
               if value is None]
    if missing:
        raise Refusal("unexplained_difference", f"the {' and the '.join(missing)} not entered yet: the difference "
                                                "cannot be computed; enter it, then submit again", 409)
    fig = figures(ch.session, rec, "Manual")
    if Decimal(fig["difference"]) != 0:
        raise Refusal("unexplained_difference",
                      f"difference {fig['difference']} = GL balance {money_str(rec.gl_balance)} - support balance "
                      f"{money_str(rec.support_balance)} - items {fig['manual_items_total']} "
                      f"({fig['manual_items']} item(s)): add or correct the reconciling items until it is 0.00", 409)

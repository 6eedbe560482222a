"""Review group: the workflow buttons. Each one asks the server (which checks roles, segregation of duties
and, from Review on, the hash of the submitted data), then re-renders the sheets with the new stage's locks:
Submit locks, Reject and Revert unlock, Approve locks for good."""
from __future__ import annotations

from ...server.store.types import money_str
from ...server.controls.workflow import IN_REVIEW, PENDING_APPROVAL
from .. import sheets
from .common import base, current_state, show, sync_inputs
from .context import SUBMIT_AUDIT_ROW, ActionError, Context
from .advice import advice_for
from .registry import handler


def _act(ctx: Context, action: str, comment: str = ""):
    rid = ctx.rec_id()
    ctx.progress(f"Asking the server to {action} the reconciliation")
    ctx.client.post(f"{base(rid)}/workflow/{action}", {"comment": comment})
    return show(ctx)


def _comment(ctx: Context, required: bool, prompt: str) -> str:
    """The review comment: --comment, else Summary's Review comment cell, else a dialog (Excel)."""
    given = ctx.arg("comment")
    if given:
        return given
    if "Summary" in ctx.book.sheet_names():
        cell = sheets.SUMMARY_CELLS["Review comment"]
        typed = sheets.text(ctx.book.read_range("Summary", cell)[0][0])
        if typed:
            return typed
    if required:
        asked = ctx.book.ask_text(prompt, "Tieout")
        if asked and asked.strip():
            return asked.strip()
        cell = sheets.SUMMARY_CELLS["Review comment"]
        raise ActionError("A reason is needed to send the reconciliation back.",
                          f"Type it in the Review comment cell (Summary!{cell}) and press the button again"
                          + ctx.batch_hint('--comment "..."') + ".")
    return ""


def _check_audit_anchor(ctx: Context) -> None:
    """The audit row this workbook recorded at Submit must still be in the server's chain, with its hash: the
    workbook, kept by the reviewer, is an anchor outside the database, so a trail rebuilt or cut short since
    Submit is caught before anything is signed. Workbooks submitted before this was kept carry none."""
    anchor = ctx.book.get_setting(SUBMIT_AUDIT_ROW)
    row, _, row_hash = (anchor or "").partition(":")
    if not row.isdigit() or not row_hash:
        return
    verdict = ctx.client.get("/api/audit/verify", row=int(row), hash=row_hash)
    if not verdict["intact"]:
        raise ActionError(f"The server's audit trail does not hold what this workbook recorded at Submit, so nothing "
                          f"was signed or changed: {verdict['problem']}.",
                          "Do not approve: ask your Tieout administrator to check the server's audit trail and "
                          "restore its database from a backup.")


@handler("submit_for_review", options=("comment",))
def submit_for_review(ctx: Context) -> None:
    """Submit the reconciliation for review: the server stores the hash of its data and the workbook locks."""
    state = current_state(ctx)
    proposed = sorted(state.proposed_keys)
    if proposed:
        raise ActionError(f"{len(proposed)} proposed (green) auto-matches are not accepted yet: "
                          f"{', '.join(proposed[:10])}{' ...' if len(proposed) > 10 else ''}.",
                          "Review them on Unmatched: unmatch those you disagree with, then press Accept Matches.")
    waiting = state.open_findings
    if waiting:
        raise ActionError(f"{len(waiting)} statement finding(s) are not acknowledged: "
                          + "; ".join(f"#{f['id']} {f['code']}: {f['message']}" for f in waiting[:5])
                          + (" ..." if len(waiting) > 5 else "") + ".", advice_for("unacknowledged_findings"))
    unposted = [t for t in state.txns if not state.posted(t)]
    warnings = submit_warnings(state)
    if warnings and ctx.book.ask_yes_no("Before you submit:\n- " + "\n- ".join(warnings) + "\n\nSubmit anyway?",
                                        "Tieout: Submit for Review") is False:
        raise ActionError("Not submitted:\n- " + "\n- ".join(warnings),
                          "Give each open item an owner, a due date and a status on Unmatched (the Review sheet "
                          "lists the items to escalate), then press Submit for Review again.")
    state = _act(ctx, "submit", _comment(ctx, False, ""))
    head = state.rec.get("submit_audit_row")
    if head:
        ctx.book.set_setting(SUBMIT_AUDIT_ROW, f"{head['id']}:{head['hash']}")
    ctx.say(f"Submitted for review: status {state.status}, difference {money_str(state.figure('difference'))}. "
            f"The workbook is locked; the server keeps the hash {state.rec['submitted_hash'][:16]}... of the "
            f"submitted data (the proof: sheet protection is only a guard-rail)."
            + (f" Note: {len(unposted)} new transactions were not posted." if unposted else ""))
    for w in warnings:  # batch mode asks nobody: the warnings are printed with the result
        ctx.say(f"warning: {w}")


def submit_warnings(state) -> list[str]:
    """What a reviewer should not find first: open items without owner, due date or status (the server refuses
    only the escalated ones), and a reconciliation with nothing matched."""
    out = []
    unowned = (state.review or {}).get("unowned", [])
    if unowned:
        shown = ", ".join(f"{e['side']} {e['line_id']} (no {', '.join(e['missing'])})" for e in unowned[:8])
        out.append(f"{len(unowned)} open item(s) have no owner, due date or status: {shown}"
                   + (" ..." if len(unowned) > 8 else ""))
    if not state.rec["figures"].get("matched_groups"):
        out.append("nothing is matched: every line is still open")
    return out


@handler("acknowledge_findings", options=("finding", "comment"))
def acknowledge_findings(ctx: Context) -> None:
    """Acknowledge the statements' findings (given, else every open one) with a comment saying why."""
    state = current_state(ctx)
    wanted = ctx.ids("finding")
    known = {str(f["id"]): f for f in state.findings}
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise ActionError(f"No finding {', '.join(unknown)} in this reconciliation (it has "
                          f"{', '.join(known) or 'none'}).", "Press Refresh and give numbers from Statement findings "
                                                             "on Summary.")
    todo = [known[i] for i in wanted] if wanted else list(state.open_findings)
    if not todo:
        ctx.say("No open findings: nothing to acknowledge.")
        return
    comment = ctx.arg("comment") or (ctx.book.ask_text(
        f"Why does the reconciliation stand despite {len(todo)} finding(s)? (e.g. 'bank confirmed the closing "
        "balance; the missing line is on the next statement')", "Tieout: acknowledge findings") or "").strip()
    if not comment:
        raise ActionError("A comment is needed to acknowledge a finding.",
                          "Say why the reconciliation stands despite it" + ctx.batch_hint('--comment "..."') + ", or type "
                          "it in the finding's acknowledgement comment cell on Summary.")
    done = ctx.client.post(f"{base(state)}/findings/acknowledge", {"ids": [f["id"] for f in todo],
                                                                  "comment": comment})
    show(ctx)
    ctx.say(f"Acknowledged {done['count']} finding(s) as {done['acknowledged_by']}: "
            + ", ".join(f"#{i}" for i in done["acknowledged"]) + ".")


@handler("approve", options=("comment",), sync=False)
def approve(ctx: Context) -> None:
    """Sign off: a reviewer's approval (In Review -> Pending Approval), then the approver's (-> Approved).
    A workbook whose locked cells no longer show the server's data is refused before anything is sent or
    written (inputs are synced only after the check): the signer must see what she signs."""
    state = current_state(ctx)
    status = state.status
    action = {IN_REVIEW: "review", PENDING_APPROVAL: "approve"}.get(status)
    if action is None:
        raise ActionError(f"The reconciliation is {status}: there is nothing to approve.",
                          "Approve works once it is submitted (In Review or Pending Approval).")
    _check_audit_anchor(ctx)
    changed = sheets.disagreements(ctx.book, state)
    if changed:
        raise ActionError("This workbook's locked cells no longer show the submitted reconciliation, so it was "
                          "not approved and nothing was changed:\n- " + "\n- ".join(changed),
                          "Press Refresh to show the server's data again (the server's hash is the record), check "
                          "it, then press Approve.")
    sync_inputs(ctx)
    state = _act(ctx, action, _comment(ctx, False, ""))
    who = state.rec["reviewed_by"] if action == "review" else state.rec["approved_by"]
    ctx.say(f"{'Reviewed' if action == 'review' else 'Approved'} by {who}: status {state.status}.")


@handler("reject", options=("comment",))
def reject(ctx: Context) -> None:
    """Send the reconciliation back to its preparer, with the reason."""
    comment = _comment(ctx, True, "Why is the reconciliation sent back? (the preparer reads this)")
    state = _act(ctx, "reject", comment)
    ctx.say(f"Sent back to the preparer: status {state.status}. The sheets are editable again.")


@handler("revert", options=("comment",), sync=False)
def revert(ctx: Context) -> None:
    """Take a submitted or approved reconciliation back to In Progress; the sheets show the server's data."""
    state = _act(ctx, "revert", _comment(ctx, False, ""))
    ctx.say(f"Reverted: status {state.status}. The sheets show the reconciliation as the server holds it and "
            "are editable again.")

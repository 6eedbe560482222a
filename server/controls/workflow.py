"""The preparer -> reviewer -> approver workflow as data, and the rules that lock a submitted reconciliation.

Pure functions over statuses, roles and who did what: the service layer asks them before any change and
raises their refusal. Nothing here touches the database."""
from __future__ import annotations

from dataclasses import dataclass

NOT_STARTED, IN_PROGRESS, IN_REVIEW = "Not Started", "In Progress", "In Review"
PENDING_APPROVAL, APPROVED = "Pending Approval", "Approved"
STATUSES = (NOT_STARTED, IN_PROGRESS, IN_REVIEW, PENDING_APPROVAL, APPROVED)
COLOURS = {NOT_STARTED: "grey", IN_PROGRESS: "blue", IN_REVIEW: "yellow", PENDING_APPROVAL: "orange",
           APPROVED: "green"}
ROLES = ("preparer", "reviewer", "approver")
# Segregation of duties per account. "standard": the preparer may also review (small teams), but neither the
# preparer nor the reviewer may approve, so every approval is a second person's. "strict": three people.
SEGREGATION = ("standard", "strict")
EDITABLE = (NOT_STARTED, IN_PROGRESS)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    role: str | None  # role the actor must hold on the account; None: decided by `who_may`
    needs_comment: bool = False
    checks_hash: bool = False


TRANSITIONS = {t.action: t for t in (
    Transition("start", (NOT_STARTED,), IN_PROGRESS, "preparer"),
    Transition("submit", (IN_PROGRESS,), IN_REVIEW, "preparer"),
    Transition("review", (IN_REVIEW,), PENDING_APPROVAL, "reviewer", checks_hash=True),
    Transition("approve", (PENDING_APPROVAL,), APPROVED, "approver", checks_hash=True),
    Transition("reject", (IN_REVIEW, PENDING_APPROVAL), IN_PROGRESS, None, needs_comment=True, checks_hash=True),
    Transition("revert", (IN_REVIEW, PENDING_APPROVAL, APPROVED), IN_PROGRESS, None),
)}

# What a change touches -> the kinds of reconciliation for which it is locked once submitted.
LOCKED_AFTER_SUBMIT = {
    "gl_balance": ("Bank", "Manual"),
    "gl_lines": ("Bank", "Manual"),
    "match": ("Bank", "Manual"),
    "upload": ("Bank", "Manual"),
    "transactions": ("Bank", "Manual"),
    "support_balance": ("Manual",),
    "manual_items": ("Manual",),
    "findings": ("Bank", "Manual"),  # acknowledging a statement finding (its comment is part of the submitted hash)
    "balances": ("Bank", "Manual"),  # a statement balance entered by hand
}


class Refusal(Exception):
    """The workflow does not allow this; `code` is stable, the message says why and what to do."""

    def __init__(self, code: str, message: str, status: int = 409, missing: tuple[str, ...] = ()):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status
        self.missing = tuple(missing)  # what the user can give to get past it (importers/missing.py)


@dataclass(frozen=True)
class RecState:
    """What the rules need to know about one reconciliation."""

    status: str
    kind: str
    prepared_by: str | None = None
    reviewed_by: str | None = None
    approved_by: str | None = None
    segregation: str = "standard"


def check_change(state: RecState, what: str) -> None:
    """Refuse a data change that the reconciliation's status locks."""
    if what not in LOCKED_AFTER_SUBMIT:
        raise ValueError(f"unknown change {what!r}")
    if state.status not in EDITABLE and state.kind in LOCKED_AFTER_SUBMIT[what]:
        raise Refusal("locked", f"the reconciliation is {state.status}: {what.replace('_', ' ')} cannot be "
                                "changed after submission (reject or revert it to In Progress first)")


def check_transition(state: RecState, action: str, actor: str, roles: set[str], comment: str = "") -> Transition:
    """The transition `action` by `actor` (holding `roles` on the account), or a Refusal saying why not."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise Refusal("unknown_action", f"unknown workflow action {action!r}; known: {', '.join(TRANSITIONS)}", 404)
    if state.status not in t.sources:
        raise Refusal("bad_transition", f"cannot {action} a reconciliation that is {state.status} "
                                        f"(allowed from: {', '.join(t.sources)})")
    if t.needs_comment and not comment.strip():
        raise Refusal("comment_required", f"{action} needs a comment saying why", 400)
    role = t.role or _role_for(action, state)
    if role == "original_approver":
        if actor != state.approved_by:
            raise Refusal("forbidden", f"only the original approver ({state.approved_by}) can revert an approval",
                          403)
    elif role == "submitter":
        if actor != state.prepared_by:
            raise Refusal("forbidden", f"only the preparer who submitted it ({state.prepared_by}) can recall it",
                          403)
    elif role not in roles:
        raise Refusal("forbidden", f"{actor} is not a {role} of this account", 403)
    _check_segregation(state, action, actor)
    return t


def _check_segregation(state: RecState, action: str, actor: str) -> None:
    """Who did one step may not do the next one that checks it (an auditor's four-eyes rule)."""
    if action == "approve" and actor == state.reviewed_by:
        raise Refusal("segregation_of_duties", f"{actor} reviewed this reconciliation and cannot also approve it: "
                                               "reviewer and approver must be different people", 403)
    if action == "approve" and actor == state.prepared_by:
        raise Refusal("segregation_of_duties", f"{actor} prepared this reconciliation and cannot also approve it: "
                                               "preparer and approver must be different people", 403)
    if action == "review" and state.segregation == "strict" and actor == state.prepared_by:
        raise Refusal("segregation_of_duties", f"{actor} prepared this reconciliation and cannot also review it: "
                                               "the account's segregation is strict (preparer, reviewer and "
                                               "approver must be three different people)", 403)


def _role_for(action: str, state: RecState) -> str:
    if action == "reject":
        return "reviewer" if state.status == IN_REVIEW else "approver"
    if action == "revert":
        return "original_approver" if state.status == APPROVED else "submitter"
    raise ValueError(action)

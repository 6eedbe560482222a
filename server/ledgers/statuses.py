"""The statuses of a transaction reconciliation record and the moves between them, as data.

Draft, Reconciled and Unreconciled are resting statuses; Reconciling and Unreconciling show that a batch is
running (nothing else may start on the record meanwhile); a batch that fails leaves "Error on Save",
"Error on Reconcile" or "Error on Unreconcile", from which only Rerun (or, for a Draft's failed save, Delete)
moves on. Every refusal names the status, the action and what is allowed."""
from __future__ import annotations

from ..controls.workflow import Refusal

DRAFT, RECONCILED, UNRECONCILED = "Draft", "Reconciled", "Unreconciled"
RECONCILING, UNRECONCILING = "Reconciling", "Unreconciling"
ERROR_SAVE, ERROR_RECONCILE, ERROR_UNRECONCILE = "Error on Save", "Error on Reconcile", "Error on Unreconcile"
RESTING = (DRAFT, RECONCILED, UNRECONCILED)
RUNNING = (RECONCILING, UNRECONCILING)
ERRORS = {"save": ERROR_SAVE, "reconcile": ERROR_RECONCILE, "unreconcile": ERROR_UNRECONCILE}
RUNNING_STATUS = {"reconcile": RECONCILING, "unreconcile": UNRECONCILING}  # save has no status of its own

# action -> the statuses it may start from
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "save": RESTING,
    "reconcile": RESTING,
    "unreconcile": (RECONCILED,),
    "auto_match": RESTING,
    "delete": (DRAFT,),
    "rerun": tuple(ERRORS.values()),
}


def check(status: str, action: str, record: str) -> None:
    """Refuses `action` on a record in `status` (409, code bad_transition)."""
    allowed = ALLOWED_FROM[action]
    if status in allowed:
        return
    if status in RUNNING:
        hint = "a batch is running on it; wait until it ends"
    elif status in ERRORS.values():
        hint = "its last batch failed: press Rerun first"
    else:
        hint = f"{action} is allowed only when it is {' or '.join(allowed)}"
    raise Refusal("bad_transition", f"record {record} is {status}: cannot {action.replace('_', '-')} ({hint})")


def after(action: str, active_groups: int, had_groups_before: bool) -> str:
    """The resting status a finished batch leaves: Draft until something was ever reconciled; Reconciled while
    a group stands; Unreconciled once every group was undone."""
    if active_groups:
        return RECONCILED
    return UNRECONCILED if had_groups_before or action == "unreconcile" else DRAFT

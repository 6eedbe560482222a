"""Age buckets of open items, as data: one table for the workspace, the report and their charts."""
from __future__ import annotations

# (label, first day, last day or None for "and older")
BUCKETS: tuple[tuple[str, int, int | None], ...] = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90),
                                                    ("90+", 91, None))
LABELS = tuple(label for label, _, _ in BUCKETS)
# An item older than this, or carried from a prior period, needs a decision: a clearing entry or an escalation.
ESCALATE_AFTER_DAYS = 30


def bucket(age_days: int) -> str:
    """The bucket of an age in days (negative ages, items dated after the period end, count as 0-30)."""
    for label, _, last in BUCKETS:
        if last is None or age_days <= last:
            return label
    raise AssertionError("the last bucket is open-ended")


def escalate(age_days: int, carried: bool) -> bool:
    return carried or age_days > ESCALATE_AFTER_DAYS

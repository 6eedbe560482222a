"""Age buckets of open items for the workspace, the report and their charts: the review's buckets and its
escalation limit (server/review: aging.py, review.toml), so that every view ages an item alike."""
from __future__ import annotations

from ..review.aging import BUCKET_NAMES as LABELS
from ..review.aging import bucket_of as bucket
from ..review.settings import usual

__all__ = ["LABELS", "bucket", "escalate", "escalate_after_days"]


def escalate_after_days() -> int:
    """The review's escalation limit in days (review.toml, editable)."""
    return usual().escalate_after_days


def escalate(age_days: int, carried: bool) -> bool:
    """An item older than the review's escalation limit, or carried from a prior period, needs a decision: a
    clearing entry or an escalation."""
    return carried or age_days > escalate_after_days()

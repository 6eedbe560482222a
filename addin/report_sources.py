"""What the reviewer's report reads from the server besides the reconciliation's state (handlers/state.py):
the five review checks and the account's recent periods. Each is optional: a server without the route
answers 404 and the report says "not available" instead of failing.

`review_checks` is the one place that knows the review route and its JSON shape
({"checks": [{"id", "title", "status": pass|fail|attention, "detail", "lines"}]}, as `tieout review --json`
prints it)."""
from __future__ import annotations

from dataclasses import dataclass

from .client import ServerError

# The review checks' route; the first that answers is used (the API names reconciliations in full; the
# checks' specification wrote it short).
REVIEW_ROUTES = ("/api/reconciliations/{rec_id}/review", "/api/recs/{rec_id}/review")
CHECK_STATUSES = ("pass", "fail", "attention")


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    status: str  # pass | fail | attention
    detail: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ReviewChecks:
    available: bool
    checks: tuple[Check, ...] = ()

    def with_status(self, status: str) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == status)


@dataclass(frozen=True)
class PeriodPoint:
    period: str
    status: str
    open_items: int
    escalations: int


@dataclass(frozen=True)
class ReportExtras:
    checks: ReviewChecks = ReviewChecks(False)
    history: tuple[PeriodPoint, ...] = ()


def _lines(value) -> tuple[str, ...]:
    """A check's lines as text: ids, or objects naming a line (side and line_id)."""
    out = []
    for ln in value or ():
        if isinstance(ln, dict):
            out.append(" ".join(str(ln[k]) for k in ("side", "line_id") if ln.get(k) is not None)
                       or ", ".join(f"{k} {v}" for k, v in ln.items()))
        else:
            out.append(str(ln))
    return tuple(out)


def _check(d: dict) -> Check:
    status = str(d.get("status", "")).lower()
    return Check(str(d.get("id", "")), str(d.get("title", "")),
                 status if status in CHECK_STATUSES else "attention", str(d.get("detail") or ""),
                 _lines(d.get("lines")))


def _get_optional(client, path: str):
    try:
        return client.get(path)
    except ServerError as exc:
        if exc.status == 404:
            return None
        raise


def review_checks(client, rec_id: int) -> ReviewChecks:
    for route in REVIEW_ROUTES:
        data = _get_optional(client, route.format(rec_id=rec_id))
        if data is not None:
            return ReviewChecks(True, tuple(_check(c) for c in data.get("checks", ())))
    return ReviewChecks(False)


def history(client, account_id: int) -> tuple[PeriodPoint, ...]:
    data = _get_optional(client, f"/api/accounts/{account_id}/history") or ()
    return tuple(PeriodPoint(p["period"], p["status"], p["open_items"], p["escalations"]) for p in data)


def load_extras(client, rec_id: int, account_id: int) -> ReportExtras:
    return ReportExtras(review_checks(client, rec_id), history(client, account_id))

"""Check 2: every item outstanding at the end of the prior period has cleared in this period (matched, or a
manual item resolved) or is still listed here and explained (an owner and a note). An item that vanished or
sits unexplained is how a misstatement is carried from month to month."""
from __future__ import annotations

from ..facts import Item, RecFacts
from ..records import FAIL, PASS, CheckLine, CheckResult
from .lines import item_line

ID = "prior_items"
TITLE = "Prior period's outstanding items cleared or still listed and explained"


def carried_id(prior_period: str, item: Item) -> str:
    """The id a prior item carries here (services/recs.start prefixes the period once)."""
    return item.line_id if item.carried else f"{prior_period}:{item.line_id}"


def _here(facts: RecFacts, item: Item) -> Item | None:
    if item.side == "item":  # the item carried from it, else (items carried before 0016) one alike
        return next((i for i in facts.items if i.side == "item" and i.carried_from == item.line_id), None) or \
            next((i for i in facts.items if i.side == "item" and not i.carried_from and (i.date, i.amount, i.text)
                  == (item.date, item.amount, item.text)), None)
    wanted = carried_id(facts.prior.period, item)
    return next((i for i in facts.items if i.side == item.side and i.line_id == wanted), None)


def check(facts: RecFacts, usual) -> CheckResult:
    if facts.prior is None:
        return CheckResult(ID, TITLE, PASS, "No prior period of this account is held: nothing was outstanding.")
    prior = facts.prior.outstanding
    cleared, unexplained, missing = [], [], []
    for old in prior:
        now = _here(facts, old)
        if now is None:
            missing.append(CheckLine(old.side, old.line_id, old.date, old.amount, old.text,
                                     f"outstanding at the end of {facts.prior.period} and not listed in this period"))
        elif now.match is not None or (now.side == "item" and now.status == "resolved"):
            cleared.append(now)
        elif not (now.owner and now.notes):
            lacking = " and ".join(w for w, v in (("an owner", now.owner), ("a note", now.notes)) if not v)
            unexplained.append(item_line(now, f"still outstanding from {facts.prior.period} without {lacking}"))
    figures = (("prior_outstanding", str(len(prior))), ("cleared", str(len(cleared))),
               ("still_listed", str(len(prior) - len(cleared) - len(missing))), ("unexplained", str(len(unexplained))),
               ("not_listed", str(len(missing))))
    if missing:
        return CheckResult(ID, TITLE, FAIL, f"{len(missing)} of {len(prior)} items outstanding at the end of "
                                            f"{facts.prior.period} are not in this period (neither cleared nor "
                                            "listed): start the reconciliation from the approved prior period.",
                           figures, tuple(missing) + tuple(unexplained))
    if unexplained:
        return CheckResult(ID, TITLE, FAIL, f"{len(unexplained)} of {len(prior)} items carried from "
                                            f"{facts.prior.period} are still open without an owner and a note.",
                           figures, tuple(unexplained))
    if not prior:
        return CheckResult(ID, TITLE, PASS, f"Nothing was outstanding at the end of {facts.prior.period}.", figures)
    return CheckResult(ID, TITLE, PASS,
                       f"{len(cleared)} of {len(prior)} items from {facts.prior.period} cleared; "
                       f"{len(prior) - len(cleared)} still listed with owner and note.", figures)

"""Check 3: matched pairs a reviewer should look at, each with why: a manual match, an amount difference
(a tolerance, a deducted fee, a write-off), a day gap beyond the rule's usual range (review.toml), low text
similarity with nothing else to back the pair (no document number agrees, no counterparty named), or a bank text
naming another counterparty or document number than the GL line's. A bank line alone (a fee, a returned item:
its new transaction is check 4's) is not a pair. The list is for ticking, so the
check needs attention while it is not empty; it never fails on its own (a match may be unusual and right)."""
from __future__ import annotations

from ...store.types import money_str
from ..facts import MatchFacts, RecFacts
from ..records import ATTENTION, PASS, CheckLine, CheckResult
from .pair_evidence import pair_evidence

ID = "unusual_matches"
TITLE = "Unusual matched pairs listed for the reviewer"


def reasons(m: MatchFacts, usual, similarity: int | None, contradicted: bool, corroborated: bool = False) -> list[str]:
    """Why a match is unusual (empty: it is not)."""
    out = []
    if m.kind == "manual":
        out.append(f"manual match by {m.created_by}" + (f" ({m.reason})" if m.reason else ""))
    if not (m.bank and m.ledger):
        return out
    diff = m.amount_difference
    if abs(diff) > usual.amount:
        out.append(f"amounts differ by {money_str(diff)} (tolerance or write-off)")
    days, allowed = m.day_difference, usual.days_for(m.rule)
    if days > allowed:
        out.append(f"{days} days apart (usual for {m.rule}: up to {allowed})")
    if similarity is not None and similarity < usual.similarity and not corroborated:
        out.append(f"text similarity {similarity} (below {usual.similarity}), no document number or counterparty "
                   "to back it")
    if contradicted:
        out.append("the bank text names another counterparty or document number than the GL line's")
    return out


def check(facts: RecFacts, usual) -> CheckResult:
    bank = [i for i in facts.items if i.side == "bank"]
    ledger = [i for i in facts.items if i.side == "ledger"]
    evidence = pair_evidence(facts.matches, bank, ledger)
    listed = []
    for m in facts.matches:
        ev = evidence.get(m.key)
        why = reasons(m, usual, *((ev.similarity, ev.contradicted, ev.corroborated) if ev else (None, False)))
        if why:
            first = (m.bank or m.ledger)[0]
            listed.append(CheckLine("match", m.key, first.date, m.amount_difference,
                                    f"{m.rule}: bank {', '.join(b.line_id for b in m.bank) or '-'} / GL "
                                    f"{', '.join(g.line_id for g in m.ledger) or '-'}", "; ".join(why)))
    figures = (("matches", str(len(facts.matches))), ("unusual", str(len(listed))))
    if not facts.matches:
        return CheckResult(ID, TITLE, PASS, "Nothing is matched: no pair to review.", figures)
    if listed:
        return CheckResult(ID, TITLE, ATTENTION, f"{len(listed)} of {len(facts.matches)} matches are unusual: "
                                                 "check each and tick the check when satisfied.", figures,
                           tuple(listed))
    return CheckResult(ID, TITLE, PASS, f"All {len(facts.matches)} matches lie within their rules' usual range.",
                       figures)

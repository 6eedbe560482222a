"""Tamper evidence: a SHA-256 of a canonical form of a reconciliation's data, taken at Submit. A match's
form includes who accepted it (the preparer's review of an auto-match is part of what is signed off).

Review, Approve and Reject recompute it. When it differs they refuse and name what changed (section, line,
field, old -> new) by comparing with the canonical form stored at Submit; the stored form is itself checked
against the stored hash, so editing both the data and the stored form is caught too."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from .audit import canonical_json
from .store.models import (BankLineRow, GLLineRow, ManualItem, Match, MatchItem, NewTransaction, Reconciliation,
                           StatementFinding, StatementRow, User)
from .store.types import money_str

SECTIONS = ("balances", "statements", "findings", "bank_lines", "gl_lines", "matches", "transactions",
            "manual_items")
# Fields added to the hashed form since migration 0006: a statement's balance sources (who entered a balance)
# and the findings with their acknowledgement (who, when, the comment).
SOURCE_FIELDS = ("opening_source", "closing_source", "opening_entered_by", "closing_entered_by")


def _d(v):
    return v.isoformat() if v is not None else None


def snapshot(session, rec: Reconciliation) -> dict:
    """The reconciliation's data as plain JSON values, each section keyed by a stable id."""
    rid = rec.id
    match_keys = {m.id: m.key for m in session.scalars(
        select(Match).where(Match.reconciliation_id == rid, Match.undone_at.is_(None)))}
    bank = {r.line_id: {"date": _d(r.date), "amount": money_str(r.amount), "currency": r.currency,
                        "reference": r.reference, "description": r.description, "type": r.type,
                        "check_number": r.check_number, "value_date": _d(r.value_date), "pending": r.pending,
                        "match": match_keys.get(r.match_id)}
            for r in session.scalars(select(BankLineRow).where(BankLineRow.reconciliation_id == rid))}
    gl = {r.line_id: {"date": _d(r.date), "amount": money_str(r.amount), "currency": r.currency,
                      "reference": r.reference, "description": r.description, "source": r.source,
                      "counterparty": r.counterparty, "match": match_keys.get(r.match_id)}
          for r in session.scalars(select(GLLineRow).where(GLLineRow.reconciliation_id == rid))}
    members: dict[int, dict] = {mid: {"bank": [], "ledger": []} for mid in match_keys}
    bank_ids = {r.id: r.line_id for r in session.execute(
        select(BankLineRow.id, BankLineRow.line_id).where(BankLineRow.reconciliation_id == rid))}
    gl_ids = {r.id: r.line_id for r in session.execute(
        select(GLLineRow.id, GLLineRow.line_id).where(GLLineRow.reconciliation_id == rid))}
    if match_keys:
        for it in session.scalars(select(MatchItem).join(Match).where(
                Match.reconciliation_id == rid, Match.undone_at.is_(None))):
            if it.side == "bank":
                members[it.match_id]["bank"].append(bank_ids.get(it.bank_line_id))
            else:
                members[it.match_id]["ledger"].append(gl_ids.get(it.gl_line_id))
    matches = {}
    users = dict(session.execute(select(User.id, User.name)).all())
    for m in session.scalars(select(Match).where(Match.reconciliation_id == rid, Match.undone_at.is_(None))):
        matches[m.key] = {"rule": m.rule, "kind": m.kind, "bank": sorted(members[m.id]["bank"]),
                          "ledger": sorted(members[m.id]["ledger"]), "accepted_by": users.get(m.accepted_by)}
    statements = {str(s.id): {"fingerprint": s.fingerprint, "opening_balance": money_str(s.opening_balance),
                              "closing_balance": money_str(s.closing_balance), "currency": s.currency,
                              "opening_source": s.opening_source, "closing_source": s.closing_source,
                              "opening_entered_by": users.get(s.opening_entered_by),
                              "closing_entered_by": users.get(s.closing_entered_by)}
                  for s in session.scalars(select(StatementRow).where(StatementRow.reconciliation_id == rid))}
    findings = {str(f.id): {"statement": str(f.statement_id), "code": f.code, "message": f.message,
                            "figures": f.figures, "acknowledged_by": users.get(f.acknowledged_by),
                            "acknowledged_at": _d(f.acknowledged_at), "comment": f.comment}
                for f in session.scalars(select(StatementFinding).where(StatementFinding.reconciliation_id == rid))}
    txns = {str(t.id): {"date": _d(t.date), "amount": money_str(t.amount), "currency": t.currency,
                        "gl_account": t.gl_account, "description": t.description, "kind": t.kind,
                        "bank_line_id": t.bank_line_id}
            for t in session.scalars(select(NewTransaction).where(NewTransaction.reconciliation_id == rid))}
    items = {str(i.id): {"date": _d(i.date), "amount": money_str(i.amount), "description": i.description}
             for i in session.scalars(select(ManualItem).where(ManualItem.reconciliation_id == rid))}
    balances = {"opening_balance": money_str(rec.opening_balance), "gl_balance": money_str(rec.gl_balance),
                "support_balance": money_str(rec.support_balance)}
    return {"balances": {"reconciliation": balances}, "statements": statements, "findings": findings,
            "bank_lines": bank,
            "gl_lines": gl, "matches": matches, "transactions": txns, "manual_items": items}


def digest(snap: dict) -> str:
    return hashlib.sha256(canonical_json(snap).encode("utf-8")).hexdigest()


def differences(old: dict, new: dict, limit: int = 20) -> list[str]:
    """What changed from `old` to `new`, one sentence per line or field, in section order."""
    out: list[str] = []
    for section in SECTIONS:
        a, b = old.get(section, {}), new.get(section, {})
        for key in sorted(set(a) | set(b)):
            if key not in b:
                out.append(f"{section}: {key} was removed")
            elif key not in a:
                out.append(f"{section}: {key} was added")
            elif a[key] != b[key]:
                fields = sorted(f for f in set(a[key]) | set(b[key]) if a[key].get(f) != b[key].get(f))
                changes = ", ".join(f"{f} {a[key].get(f)!r} -> {b[key].get(f)!r}" for f in fields)
                out.append(f"{section}: {key} changed ({changes})")
            if len(out) >= limit:
                return out + ["..."]
    return out


def check(session, rec: Reconciliation) -> list[str]:
    """[] when the data still has the hash stored at Submit, else what changed."""
    current = snapshot(session, rec)
    if rec.submitted_hash in {digest(form) for form in _forms(current)}:
        return []
    stored = json.loads(rec.submitted_snapshot or "{}")
    if digest(stored) != rec.submitted_hash:
        return ["the data differs from what was submitted, and the stored copy of the submitted data was "
                "altered too, so the changed lines cannot be named"]
    return differences(stored, current) or ["the data differs from what was submitted"]


def _forms(snap: dict) -> tuple[dict, ...]:
    """The current form, and the forms hashed before migrations 0006 and 0004 (a reconciliation submitted then
    still verifies; one submitted since always has the later form's keys, so an older form cannot match its
    hash)."""
    before_findings = _without_findings(snap)
    return snap, before_findings, _without_acceptance(before_findings)


def _without_findings(snap: dict) -> dict:
    """The form hashed before statements had findings and balance sources (migration 0006)."""
    statements = {k: {f: v for f, v in st.items() if f not in SOURCE_FIELDS} for k, st in snap["statements"].items()}
    return {**{k: v for k, v in snap.items() if k != "findings"}, "statements": statements}


def _without_acceptance(snap: dict) -> dict:
    """The form hashed before matches recorded who accepted them (migration 0004): a reconciliation submitted
    then still verifies; one submitted since always carries acceptance, so this form cannot match its hash."""
    return {**snap, "matches": {k: {f: v for f, v in m.items() if f != "accepted_by"}
                                for k, m in snap["matches"].items()}}

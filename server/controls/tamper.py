"""Tamper evidence: a keyed hash (HMAC-SHA256, key outside the database: audit_key) of a canonical form of a
reconciliation's data, taken at Submit. The form names the account and period it belongs to (a hash cannot be
moved to another reconciliation), each statement's period and balances, every line, match (rule, reason,
confidence, who made and accepted it, when), acceptance, finding and new transaction. Whoever can write the
database but not read the key cannot recompute it.

Review, Approve and Reject recompute it. When it differs they refuse and name what changed (section, line,
field, old -> new) by comparing with the canonical form stored at Submit; the stored form is itself checked
against the stored hash, so editing both the data and the stored form is caught too."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import BigInteger, String, select, type_coerce

from . import audit_key
from .audit import canonical_json
from ..store.models import (Account, BankLineRow, GLLineRow, ManualItem, Match, MatchItem, NewTransaction, Period,
                           Reconciliation, StatementFinding, StatementRow, User)
from ..store.types import money_str, units_str

SECTIONS = ("balances", "statements", "findings", "bank_lines", "gl_lines", "matches", "transactions",
            "manual_items")


def _d(v):
    return v.isoformat() if v is not None else None


def _iso(value) -> str | None:
    """A date read as its stored text (SQLite's ISO form) or as a date (PostgreSQL's driver): `_d` of it."""
    if value is None or value.__class__ is str:
        return value
    return value.isoformat()


def _lines(session, model, extra: tuple, rid: int):
    """(row id, line_id, date, amount units, currency, reference, description, *extra, match_id) as the cursor's
    tuples: amounts as their integer units (`units_str` gives `money_str`'s text), no Decimal or ORM row per line."""
    return session.connection().execute(select(
        model.id, model.line_id, type_coerce(model.date, String), type_coerce(model.amount, BigInteger),
        model.currency, model.reference, model.description, *extra, model.match_id).where(
        model.reconciliation_id == rid))


def snapshot(session, rec: Reconciliation) -> dict:
    """The reconciliation's data as plain JSON values, each section keyed by a stable id."""
    rid = rec.id
    active = list(session.connection().execute(select(
        Match.id, Match.key, Match.rule, Match.kind, Match.reason, type_coerce(Match.confidence, BigInteger),
        Match.created_by, Match.created_at, Match.accepted_by, Match.accepted_at).where(
        Match.reconciliation_id == rid, Match.undone_at.is_(None))))
    match_keys = {m[0]: m[1] for m in active}
    bank, bank_ids = {}, {}
    for (row_id, line_id, date, amount, currency, reference, description, kind, check, value_date, pending,
         match) in _lines(session, BankLineRow, (BankLineRow.type, BankLineRow.check_number,
                                                 type_coerce(BankLineRow.value_date, String), BankLineRow.pending),
                          rid):
        bank_ids[row_id] = line_id
        bank[line_id] = {"date": _iso(date), "amount": units_str(amount), "currency": currency,
                         "reference": reference, "description": description, "type": kind, "check_number": check,
                         "value_date": _iso(value_date), "pending": pending, "match": match_keys.get(match)}
    gl, gl_ids = {}, {}
    for (row_id, line_id, date, amount, currency, reference, description, source, party,
         match) in _lines(session, GLLineRow, (GLLineRow.source, GLLineRow.counterparty), rid):
        gl_ids[row_id] = line_id
        gl[line_id] = {"date": _iso(date), "amount": units_str(amount), "currency": currency,
                       "reference": reference, "description": description, "source": source,
                       "counterparty": party, "match": match_keys.get(match)}
    members: dict[int, dict] = {mid: {"bank": [], "ledger": []} for mid in match_keys}
    if match_keys:
        for mid, side, b, g in session.connection().execute(
                select(MatchItem.match_id, MatchItem.side, MatchItem.bank_line_id, MatchItem.gl_line_id)
                .join(Match).where(Match.reconciliation_id == rid, Match.undone_at.is_(None))):
            if side == "bank":
                members[mid]["bank"].append(bank_ids.get(b))
            else:
                members[mid]["ledger"].append(gl_ids.get(g))
    matches = {}
    users = dict(session.execute(select(User.id, User.name)).all())
    stamps: dict = {None: None}  # one auto-match or accept stamps thousands of matches alike
    for mid, key, rule, kind, reason, confidence, created_by, created_at, accepted_by, accepted_at in active:
        for stamp in (created_at, accepted_at):
            if stamp not in stamps:
                stamps[stamp] = stamp.isoformat()
        matches[key] = {"rule": rule, "kind": kind, "bank": sorted(members[mid]["bank"]),
                        "ledger": sorted(members[mid]["ledger"]), "reason": reason,
                        "confidence": units_str(confidence), "created_by": users.get(created_by),
                        "created_at": stamps[created_at], "accepted_by": users.get(accepted_by),
                        "accepted_at": stamps[accepted_at]}
    statements = {str(s.id): {"fingerprint": s.fingerprint, "opening_balance": money_str(s.opening_balance),
                              "closing_balance": money_str(s.closing_balance), "currency": s.currency,
                              "opening_source": s.opening_source, "closing_source": s.closing_source,
                              "opening_entered_by": users.get(s.opening_entered_by),
                              "closing_entered_by": users.get(s.closing_entered_by),
                              "period_start": _d(s.period_start), "period_end": _d(s.period_end),
                              "bank_account": s.bank_account, "statement_ref": s.statement_ref,
                              "format": s.format, "source_name": s.source_name}
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
    account, period = session.get(Account, rec.account_id), session.get(Period, rec.period_id)
    balances = {"reconciliation_id": rec.id, "account": account.name, "account_kind": account.kind,
                "gl_account": account.gl_account, "bank_account": account.bank_account,
                "account_currency": account.currency, "period": period.name, "period_start": _d(period.start),
                "period_end": _d(period.end), "opening_balance": money_str(rec.opening_balance),
                "gl_balance": money_str(rec.gl_balance), "support_balance": money_str(rec.support_balance)}
    return {"balances": {"reconciliation": balances}, "statements": statements, "findings": findings,
            "bank_lines": bank,
            "gl_lines": gl, "matches": matches, "transactions": txns, "manual_items": items}


def digest(snap: dict) -> str:
    return digest_of(canonical_json(snap))


def digest_of(text: str) -> str:
    """The hash of a snapshot already in canonical form (Submit stores that text too: one encoding, not two)."""
    return audit_key.require().mac("submit", text)


def _unkeyed(snap: dict) -> str:
    """The plain SHA-256 a version before keyed hashing stored (only to say why such a hash no longer holds)."""
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
    if rec.submitted_hash == digest(current):
        return []
    stored = json.loads(rec.submitted_snapshot or "{}")
    if digest(stored) != rec.submitted_hash:
        if _unkeyed(stored) == rec.submitted_hash:
            return ["the stored hash is a plain SHA-256, not sealed with the key: someone who can write the "
                    "database recomputed it, or a version of Tieout before keyed hashing submitted it; either way "
                    "it proves nothing: revert it to In Progress and submit it again"]
        return ["the data differs from what was submitted, and the stored copy of the submitted data was "
                "altered too, so the changed lines cannot be named"]
    return differences(stored, current) or ["the data differs from what was submitted"]

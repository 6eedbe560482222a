"""Reads one reconciliation from the store into `facts.RecFacts` (a handful of queries, no per-line query)."""
from __future__ import annotations

import json

from sqlalchemy import select

from ..store.models import (Account, AuditRow, BankLineRow, ChartAccount, GLLineRow, ManualItem, Match, MatchItem,
                            NewTransaction, Period, Reconciliation, Role, StatementFinding, StatementRow, User)
from .facts import FindingFacts, Item, MatchFacts, PriorFacts, RecFacts, StatementFacts, TxnFacts


def _manual(r: ManualItem, currency: str) -> Item:
    return Item("item", str(r.id), r.date, r.amount, currency, "", r.description or "", "item", owner=r.owner or "",
                due_date=r.due_date, status=r.item_status or "open", notes=r.notes or "",
                carried=r.carried_from is not None, carried_from=str(r.carried_from or ""))


def _rows(session, model, rec_id: int):
    """A table's rows of one reconciliation as plain rows (columns by name) on the session's connection: reading
    them as ORM objects, or through the ORM's row loading, costs several times more, and the review only reads."""
    return session.connection().execute(select(*model.__table__.c).where(model.reconciliation_id == rec_id)
                                        .order_by(model.id))


def _line_rows(session, model, extra: tuple, rec_id: int):
    """The columns an Item takes, as the cursor's tuples: (row id, line_id, date, amount, currency, reference,
    description, *extra, carried_from, match_id, owner, due_date, item_status, notes)."""
    return session.connection().execute(select(
        model.id, model.line_id, model.date, model.amount, model.currency, model.reference, model.description,
        *extra, model.carried_from, model.match_id, model.owner, model.due_date, model.item_status, model.notes)
        .where(model.reconciliation_id == rec_id).order_by(model.id))


def _items(session, rec_id: int, currency: str) -> tuple[tuple[Item, ...], dict, dict]:
    """Every item, and the bank/GL items by row id (for match members). Bank and GL lines are built from the
    cursor's tuples: 40,000 rows read by column name cost more than the Items."""
    keys = dict(session.connection().execute(select(Match.id, Match.key).where(Match.reconciliation_id == rec_id,
                                                                               Match.undone_at.is_(None))).all())
    b, g = BankLineRow, GLLineRow
    bank = {rid: Item("bank", line_id, date, amount, cur, ref or "", desc or "", kind or "other", "", check or "",
                      carried is not None, keys.get(match), owner or "", due, status or "open", notes or "",
                      bool(pending))
            for (rid, line_id, date, amount, cur, ref, desc, kind, check, pending, carried, match, owner, due,
                 status, notes) in _line_rows(session, b, (b.type, b.check_number, b.pending), rec_id)}
    gl = {rid: Item("ledger", line_id, date, amount, cur, ref or "", desc or "", source or "", party or "", "",
                    carried is not None, keys.get(match), owner or "", due, status or "open", notes or "")
          for (rid, line_id, date, amount, cur, ref, desc, source, party, carried, match, owner, due, status,
               notes) in _line_rows(session, g, (g.source, g.counterparty), rec_id)}
    manual = [_manual(r, currency) for r in _rows(session, ManualItem, rec_id)]
    return (*bank.values(), *gl.values(), *manual), bank, gl


def _matches(session, rec_id: int, bank: dict, gl: dict, names: dict) -> tuple[MatchFacts, ...]:
    conn = session.connection()
    found = list(conn.execute(select(*Match.__table__.c).where(Match.reconciliation_id == rec_id,
                                                               Match.undone_at.is_(None)).order_by(Match.id)))
    members: dict[int, tuple[list, list]] = {m.id: ([], []) for m in found}
    if found:
        for mid, b, g in conn.execute(select(MatchItem.match_id, MatchItem.bank_line_id, MatchItem.gl_line_id)
                                      .join(Match, Match.id == MatchItem.match_id)
                                      .where(Match.reconciliation_id == rec_id, Match.undone_at.is_(None))):
            if b is not None and b in bank:
                members[mid][0].append(bank[b])
            if g is not None and g in gl:
                members[mid][1].append(gl[g])
    return tuple(MatchFacts(m.key, m.kind, m.rule, m.confidence, m.reason or "", names.get(m.created_by, ""),
                            names.get(m.accepted_by), tuple(members[m.id][0]), tuple(members[m.id][1]))
                 for m in found)


def _posters(session, rec_id: int) -> dict[str, str]:
    """Who posted each GL line made from a new transaction (the `transactions.post` audit rows)."""
    out: dict[str, str] = {}
    for actor, after in session.execute(select(AuditRow.actor, AuditRow.after).where(
            AuditRow.reconciliation_id == rec_id, AuditRow.action == "transactions.post").order_by(AuditRow.id)):
        for line in (json.loads(after or "{}") or {}).get("lines", []):
            out[str(line[0])] = actor
    return out


def _balance_notes(session, rec_id: int) -> tuple[str, ...]:
    notes = []
    for (after,) in session.execute(select(AuditRow.after).where(
            AuditRow.reconciliation_id == rec_id, AuditRow.action == "statement.balances").order_by(AuditRow.id)):
        note = (json.loads(after or "{}") or {}).get("note")
        if note:
            notes.append(str(note))
    return tuple(notes)


def _transactions(session, rec: Reconciliation, names: dict) -> tuple[TxnFacts, ...]:
    preparers = set(session.scalars(select(Role.user_id).where(Role.account_id == rec.account_id,
                                                               Role.role == "preparer")))
    posters = _posters(session, rec.id)
    return tuple(TxnFacts(t.id, t.date, t.amount, t.gl_account or "", t.description or "", t.kind,
                          names.get(t.created_by, ""), t.created_by in preparers, t.posted_at,
                          posters.get(t.posted_line_id or ""), t.posted_line_id)
                 for t in session.scalars(select(NewTransaction).where(NewTransaction.reconciliation_id == rec.id)
                                          .order_by(NewTransaction.id)))


def _prior(session, rec: Reconciliation) -> PriorFacts | None:
    from ..services.recs import prior

    before = prior(session, rec)
    if before is None:
        return None
    acc = session.get(Account, before.account_id)
    items, _, _ = _items(session, before.id, acc.currency)
    outstanding = tuple(i for i in items if i.match is None and not i.pending
                        and not (i.side == "item" and i.status == "resolved"))
    return PriorFacts(before.id, session.get(Period, before.period_id).name, before.status,
                      before.reconciled_balance, outstanding)


def facts(session, rec: Reconciliation) -> RecFacts:
    from ..services.summary import figures

    acc = session.get(Account, rec.account_id)
    period = session.get(Period, rec.period_id)
    names = dict(session.execute(select(User.id, User.name)).all())
    items, bank, gl = _items(session, rec.id, acc.currency)
    statements = tuple(StatementFacts(s.id, s.statement_ref or f"#{s.id}", s.opening_balance, s.closing_balance,
                                      s.opening_source or ("file" if s.opening_balance is not None else None),
                                      s.closing_source or ("file" if s.closing_balance is not None else None),
                                      names.get(s.closing_entered_by), s.period_start, s.period_end)
                       for s in session.scalars(select(StatementRow).where(StatementRow.reconciliation_id == rec.id)
                                                .order_by(StatementRow.period_end, StatementRow.id)))
    found = tuple(FindingFacts(f.id, f.code, f.message, names.get(f.acknowledged_by), f.comment or "")
                  for f in session.scalars(select(StatementFinding).where(StatementFinding.reconciliation_id == rec.id)
                                           .order_by(StatementFinding.id)))
    chart_rows = set(session.scalars(select(ChartAccount.gl_account).where(ChartAccount.account_id == acc.id)))
    return RecFacts(rec.id, acc.name, acc.kind, acc.currency, period.name, period.start, period.end, rec.status,
                    rec.opening_balance, figures(session, rec, acc.kind), items,
                    _matches(session, rec.id, bank, gl, names), _transactions(session, rec, names), statements, found,
                    frozenset(chart_rows) if chart_rows else None, _prior(session, rec), _balance_notes(session, rec.id))

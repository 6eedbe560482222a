"""Transaction reconciliation records: create, read, edit, delete (only a Draft), and what they show (lines of
each side in batches, reconciled groups, history). Every change is audited in its own transaction."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from ..services.context import Change, bad_input, not_found, now, utc_iso
from ..store.types import money_str
from ..store.models import Account, User
from . import access, company_lines, statuses
from .records import SIDES, SideFilter, side_filter
from .tables import CompanyLine, LedgerGroup, LedgerGroupItem, LedgerHistory, LedgerRec


def filters(rec: LedgerRec) -> dict[str, SideFilter]:
    return {side: SideFilter(**{k: tuple(v) if isinstance(v, list) else v
                                for k, v in json.loads(getattr(rec, f"{side}_filter")).items()})
            for side in SIDES}


def get(session, rec_id: int, lock: bool = False) -> LedgerRec:
    q = select(LedgerRec).where(LedgerRec.id == rec_id)
    rec = session.scalar(q.with_for_update() if lock else q)
    if rec is None:
        raise not_found(f"transaction reconciliation {rec_id}")
    return rec


def label(rec: LedgerRec) -> str:
    return f"{rec.id} ({rec.name})"


def active_groups(session, rec_id: int) -> int:
    return session.scalar(select(func.count()).select_from(LedgerGroup).where(
        LedgerGroup.rec_id == rec_id, LedgerGroup.undone_at.is_(None))) or 0


def _account_name(session, account_id: int | None) -> str | None:
    return None if account_id is None else session.scalar(select(Account.name).where(Account.id == account_id))


def as_dict(session, rec: LedgerRec) -> dict:
    f = filters(rec)
    return {"id": rec.id, "name": rec.name, "description": rec.description, "status": rec.status,
            "left_account": _account_name(session, rec.left_account_id),
            "right_account": _account_name(session, rec.right_account_id),
            "left": f["left"].as_dict(), "right": f["right"].as_dict(), "selected": json.loads(rec.selected),
            "active_groups": active_groups(session, rec.id), "error": rec.error or None,
            "pending": json.loads(rec.pending)["action"] if rec.pending else None,
            "created_at": utc_iso(rec.created_at), "updated_at": utc_iso(rec.updated_at)}


def _definition(body: dict, partial: bool = False) -> dict:
    out = {}
    if "name" in body or not partial:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise bad_input("name: the record's name (1 to 200 characters) is required")
        out["name"] = name.strip()
    if "description" in body:
        if not isinstance(body["description"], str) or len(body["description"]) > 4000:
            raise bad_input("description: text of at most 4,000 characters")
        out["description"] = body["description"]
    for side in SIDES:
        if side in body or not partial:
            out[f"{side}_filter"] = json.dumps(side_filter(body.get(side), side).as_dict(), sort_keys=True)
    return out


def _name_free(session, name: str, rec_id: int | None) -> None:
    other = session.scalar(select(LedgerRec.id).where(LedgerRec.name == name))
    if other is not None and other != rec_id:
        raise bad_input(f"name: a transaction reconciliation named {name!r} exists already (record {other})")


def create(ch: Change, body: dict) -> dict:
    """POST /api/ledgers/recs {"name", "description"?, "left": filter, "right": filter}: a Draft."""
    fields = _definition(body)
    accounts = access.accounts_from(ch.session, body)
    access.check_create(ch.session, ch.actor, accounts)
    if accounts:
        fields.update({f"{side}_account_id": a for side, a in accounts.items()})
    _name_free(ch.session, fields["name"], None)
    rec = LedgerRec(**fields, status=statuses.DRAFT, resting_status=statuses.DRAFT, created_by=ch.actor.id)
    ch.session.add(rec)
    ch.session.flush()
    ch.audit("ledger.rec.created", "ledger_rec", rec.id, None, fields)
    return as_dict(ch.session, rec)


def edit(ch: Change, rec_id: int, body: dict) -> dict:
    """PUT: name and description any time a batch is not running; the filters only while no group stands
    (a reconciled group must stay within what its record retrieves)."""
    rec = get(ch.session, rec_id, lock=True)
    accounts = access.accounts_from(ch.session, body)
    if accounts is not None:
        access.check_assign(ch.actor, label(rec))
    else:
        access.check_act(ch.session, ch.actor, rec, "edit")
    statuses.check(rec.status, "save", label(rec))
    fields = _definition(body, partial=True)
    if accounts:
        fields.update({f"{side}_account_id": a for side, a in accounts.items()})
    if any(k.endswith("_filter") and fields[k] != getattr(rec, k) for k in fields) and \
            active_groups(ch.session, rec.id):
        raise bad_input(f"record {label(rec)} has reconciled groups: unreconcile them before changing its filters")
    if "name" in fields:
        _name_free(ch.session, fields["name"], rec.id)
    before = {k: getattr(rec, k) for k in fields}
    for k, v in fields.items():
        setattr(rec, k, v)
    rec.updated_at = now()
    ch.audit("ledger.rec.edited", "ledger_rec", rec.id, before, fields)
    return as_dict(ch.session, rec)


def delete(ch: Change, rec_id: int) -> dict:
    """Only a Draft (never reconciled) may be deleted."""
    rec = get(ch.session, rec_id, lock=True)
    access.check_act(ch.session, ch.actor, rec, "delete")
    statuses.check(rec.status, "delete", label(rec))
    ch.audit("ledger.rec.deleted", "ledger_rec", rec.id, {"name": rec.name, "status": rec.status}, None)
    ch.session.delete(rec)
    return {"deleted": rec_id}


def listing(session, actor) -> list[dict]:
    """The records `actor` may read."""
    q, where = select(LedgerRec).order_by(LedgerRec.id), access.visible(actor)
    return [as_dict(session, r) for r in session.scalars(q if where is None else q.where(where))]


def readable(session, actor, rec_id: int) -> LedgerRec:
    """The record, when `actor` may read it (404 when there is none, 403 when it is not theirs)."""
    return access.check_read(session, actor, get(session, rec_id))


def _line_dict(ln) -> dict:
    return {"line_id": ln.line_id, "date": ln.date.isoformat(), "amount": money_str(ln.amount),
            "currency": ln.currency, "document_amount": money_str(ln.document_amount),
            "document_currency": ln.document_currency, "reference": ln.reference, "description": ln.description,
            "source": ln.source, "counterparty": ln.counterparty, "company": ln.company, "period": ln.period,
            "gl_account": ln.gl_account, "account": ln.account, "group": ln.group, "cursor": ln.pk}


def lines(session, rec_id: int, side: str, after: int, limit: int) -> dict:
    """One batch of a side's lines (at most 10,000); `next_after` is the cursor of the next batch, or None."""
    if side not in SIDES:
        raise bad_input(f"side: left or right, not {side[:20]!r}")
    rec = get(session, rec_id)
    batch = company_lines.retrieve(session, filters(rec)[side], after, limit)
    return {"side": side, "lines": [_line_dict(ln) for ln in batch],
            "next_after": batch[-1].pk if len(batch) == limit else None}


def groups(session, rec_id: int, with_undone: bool = False) -> list[dict]:
    get(session, rec_id)
    q = select(LedgerGroup).where(LedgerGroup.rec_id == rec_id).order_by(LedgerGroup.id)
    if not with_undone:
        q = q.where(LedgerGroup.undone_at.is_(None))
    rows = list(session.scalars(q))
    members: dict[int, dict[str, list[str]]] = {g.id: {"left": [], "right": []} for g in rows}
    ids = list(members)
    for chunk in range(0, len(ids), 5000):
        for gid, side, line_id in session.execute(
                select(LedgerGroupItem.group_id, LedgerGroupItem.side, CompanyLine.line_id)
                .join(CompanyLine, CompanyLine.id == LedgerGroupItem.line_pk)
                .where(LedgerGroupItem.group_id.in_(ids[chunk:chunk + 5000])).order_by(LedgerGroupItem.id)):
            members[gid][side].append(line_id)
    names = dict(session.execute(select(User.id, User.name)).all())
    return [{"key": g.key, "basis": g.basis, "kind": g.kind, **members[g.id], "made_by": names.get(g.made_by),
             "made_at": utc_iso(g.made_at), "undone_at": utc_iso(g.undone_at)} for g in rows]


def history(session, rec_id: int) -> list[dict]:
    get(session, rec_id)
    names = dict(session.execute(select(User.id, User.name)).all())
    return [{"group": h.group_key, "action": h.action, "by": names.get(h.by), "at": utc_iso(h.at),
             "reason": h.reason, **json.loads(h.lines),
             "totals": [{"currency": c, "left": a, "right": b} for c, a, b in json.loads(h.totals)]}
            for h in session.scalars(select(LedgerHistory).where(LedgerHistory.rec_id == rec_id)
                                     .order_by(LedgerHistory.id))]

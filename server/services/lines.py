"""GL balance and GL lines, the support balance and reconciling items of Manual accounts, new transactions,
and the notes kept on unmatched items. Each change passes `recs.for_change` (prior period, role, lock)."""
from __future__ import annotations

from sqlalchemy import select

from ..store.bulk_insert import insert_columns
from ..store.models import GL_LINE_ID_LEN, Account, BankLineRow, GLLineRow, ManualItem, NewTransaction, Reconciliation
from ..store.types import money_str
from ..controls.workflow import APPROVED, Refusal
from . import gl_line_columns, limits, line_listing, recs, values
from .accounts import roles_on
from .context import Change, bad_input, not_found, now

ITEM_STATUSES = ("open", "investigating", "resolved")
MAX_PROBLEMS = 50
TEXT_LEN = 2000  # what a Text column (reference, description) takes from a client


def _iso(d):
    return d.isoformat() if d else None


def _annotations(r) -> dict:
    return {"owner": r.owner, "due_date": _iso(r.due_date), "status": r.item_status, "notes": r.notes}


def bank_dict(r: BankLineRow, match_keys: dict | None = None) -> dict:
    return {"line_id": r.line_id, "date": _iso(r.date), "amount": money_str(r.amount), "currency": r.currency,
            "reference": r.reference, "description": r.description, "type": r.type,
            "check_number": r.check_number, "pending": r.pending, "carried_forward": r.carried_from is not None,
            "match": (match_keys or {}).get(r.match_id, r.match_id), **_annotations(r)}


def gl_dict(r: GLLineRow, match_keys: dict | None = None) -> dict:
    return {"line_id": r.line_id, "date": _iso(r.date), "amount": money_str(r.amount), "currency": r.currency,
            "reference": r.reference, "description": r.description, "source": r.source,
            "counterparty": r.counterparty, "carried_forward": r.carried_from is not None,
            "match": (match_keys or {}).get(r.match_id, r.match_id), **_annotations(r)}


def _account(ch_or_session, rec: Reconciliation) -> Account:
    session = getattr(ch_or_session, "session", ch_or_session)
    return session.get(Account, rec.account_id)


def set_gl_balance(ch: Change, rec_id: int, data: dict) -> None:
    rec = recs.for_change(ch, rec_id, "gl_balance")
    before, rec.gl_balance = rec.gl_balance, values.money(data, "balance")
    ch.audit("gl_balance.set", "reconciliation", rec.id, {"gl_balance": before}, {"gl_balance": rec.gl_balance},
             rec.id)


def set_support_balance(ch: Change, rec_id: int, data: dict) -> None:
    rec = recs.for_change(ch, rec_id, "support_balance")
    if _account(ch, rec).kind != "Manual":
        raise bad_input("a support balance belongs to Manual accounts; this is a Bank account")
    before, rec.support_balance = rec.support_balance, values.money(data, "balance")
    ch.audit("support_balance.set", "reconciliation", rec.id, {"support_balance": before},
             {"support_balance": rec.support_balance}, rec.id)


def _gl_values(data: dict, line: int | None, currency: str, partial: bool = False) -> dict:
    if not isinstance(data, dict):
        raise bad_input(f"line {line}: must be an object")
    out = {}
    for name in ("reference", "description", "source", "counterparty"):
        if not partial or name in data:
            out[name] = values.text(data, name, line, max_len=limits.length(GLLineRow, name) or TEXT_LEN)
    if not partial or "date" in data:
        out["date"] = values.date(data, "date", line)
    if not partial or "amount" in data:
        out["amount"] = values.money(data, "amount", line)
    cur = values.text(data, "currency", line, max_len=3, default=currency).upper() or currency
    if cur != currency:
        raise bad_input(f"line {line}, field 'currency': {cur} differs from the account's currency {currency}")
    if not partial:
        out["currency"] = currency
    return out


def add_gl_lines(ch: Change, rec_id: int, data: dict) -> dict:
    """Add GL lines (all or none): every bad line is reported, naming the line number and field."""
    rec = recs.for_change(ch, rec_id, "gl_lines")
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        raise bad_input("field 'lines': a non-empty list of GL lines is required")
    currency = _account(ch, rec).currency
    existing = _existing_ids(ch.session, rec.id, [ln.get("line_id") for ln in lines if isinstance(ln, dict)])
    cols = gl_line_columns.columns(lines, rec.id, currency, _gl_lengths(), existing)
    if cols is None:  # some value needs a closer look: line by line, each problem named
        cols = _checked_columns(lines, rec.id, currency, existing)
    insert_columns(ch.session, GLLineRow.__table__, cols)
    total = sum(cols["amount"])
    ch.audit("gl_lines.add", "reconciliation", rec.id, None,
             {"count": len(lines), "total": total,
              "lines": [list(t) for t in zip(cols["line_id"], cols["date"], cols["amount"])]}, rec.id)
    return {"added": len(lines), "total": money_str(total)}


def _gl_lengths() -> dict[str, int]:
    return {"line_id": GL_LINE_ID_LEN, **{name: limits.length(GLLineRow, name) or TEXT_LEN
                                          for name in gl_line_columns.TEXTS}}


def _checked_columns(lines: list, rec_id: int, currency: str, existing: set[str]) -> dict[str, list]:
    """The lines checked one by one (all or none): every bad line is reported, naming the line and field."""
    rows, problems, seen = [], [], set()
    for i, raw in enumerate(lines, start=1):
        try:
            line_id = values.text(raw if isinstance(raw, dict) else {}, "line_id", i, required=True,
                                  max_len=GL_LINE_ID_LEN)
            if line_id in existing or line_id in seen:
                raise bad_input(f"line {i}, field 'line_id': {line_id!r} already exists in this reconciliation")
            seen.add(line_id)
            rows.append({"reconciliation_id": rec_id, "line_id": line_id, **_gl_values(raw, i, currency)})
        except Refusal as exc:
            problems.append(exc.message)
            if len(problems) >= MAX_PROBLEMS:
                break
    if problems:
        raise bad_input(f"{len(problems)} bad GL line(s), nothing was added: " + "; ".join(problems))
    return {key: [r[key] for r in rows] for key in rows[0]}


def _existing_ids(session, rec_id: int, ids: list) -> set[str]:
    """Which of `ids` the reconciliation already has (asks only about those: cheap for one line)."""
    wanted = sorted({str(i) for i in ids if isinstance(i, (str, int))})
    if len(wanted) > 2000:  # a whole GL import: one pass over the reconciliation's ids beats 40 IN queries
        held = session.connection().execute(select(GLLineRow.line_id).where(GLLineRow.reconciliation_id == rec_id))
        return {line_id for (line_id,) in held}.intersection(wanted)
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        found.update(session.scalars(select(GLLineRow.line_id).where(GLLineRow.reconciliation_id == rec_id,
                                                                     GLLineRow.line_id.in_(wanted[i:i + 500]))))
    return found


def _gl_line(ch: Change, rec_id: int, line_id: str) -> GLLineRow:
    row = ch.session.scalar(select(GLLineRow).where(GLLineRow.reconciliation_id == rec_id,
                                                    GLLineRow.line_id == line_id))
    if row is None:
        raise not_found(f"GL line {line_id!r}")
    return row


def edit_gl_line(ch: Change, rec_id: int, line_id: str, data: dict) -> dict:
    rec = recs.for_change(ch, rec_id, "gl_lines")
    row = _gl_line(ch, rec.id, line_id)
    if row.match_id is not None:
        raise Refusal("matched", f"GL line {line_id!r} is matched: unmatch it before editing it")
    before = gl_dict(row)
    for name, value in _gl_values(data, None, _account(ch, rec).currency, partial=True).items():
        setattr(row, name, value)
    ch.session.flush()
    ch.audit("gl_line.edit", "gl_line", line_id, before, gl_dict(row), rec.id)
    return gl_dict(row)


def delete_gl_line(ch: Change, rec_id: int, line_id: str) -> None:
    rec = recs.for_change(ch, rec_id, "gl_lines")
    row = _gl_line(ch, rec.id, line_id)
    if row.match_id is not None:
        raise Refusal("matched", f"GL line {line_id!r} is matched: unmatch it before deleting it")
    ch.audit("gl_line.delete", "gl_line", line_id, gl_dict(row), None, rec.id)
    ch.session.delete(row)


def _item_values(data: dict, partial: bool) -> dict:
    out = {}
    if not partial or "date" in data:
        out["date"] = values.date(data, "date")
    if not partial or "amount" in data:
        out["amount"] = values.money(data, "amount")
    out.update(_annotation_values(data, partial))
    if not partial or "description" in data:
        out["description"] = values.text(data, "description", max_len=2000)
    return out


def _annotation_values(data: dict, partial: bool) -> dict:
    out = {}
    if not partial or "owner" in data:
        out["owner"] = values.text(data, "owner", max_len=120)
    if not partial or "due_date" in data:
        out["due_date"] = values.date(data, "due_date", required=False)
    if not partial or "status" in data:
        out["item_status"] = values.choice(data, "status", ITEM_STATUSES, "open")
    if not partial or "notes" in data:
        out["notes"] = values.text(data, "notes", max_len=5000)
    return out


def item_dict(i: ManualItem) -> dict:
    return {"id": i.id, "date": _iso(i.date), "amount": money_str(i.amount), "description": i.description,
            **_annotations(i), "carried_forward": i.carried_from is not None}


def _manual_rec(ch: Change, rec_id: int) -> Reconciliation:
    rec = recs.for_change(ch, rec_id, "manual_items")
    if _account(ch, rec).kind != "Manual":
        raise bad_input("reconciling items are entered on Manual accounts; on a Bank account annotate the "
                        "unmatched lines instead")
    return rec


def _item(ch: Change, rec_id: int, item_id: int) -> ManualItem:
    item = ch.session.get(ManualItem, item_id)
    if item is None or item.reconciliation_id != rec_id:
        raise not_found(f"item {item_id}")
    return item


def add_item(ch: Change, rec_id: int, data: dict) -> dict:
    rec = _manual_rec(ch, rec_id)
    item = ManualItem(reconciliation_id=rec.id, **_item_values(data, partial=False))
    ch.session.add(item)
    ch.session.flush()
    ch.audit("item.add", "manual_item", item.id, None, item_dict(item), rec.id)
    return item_dict(item)


def edit_item(ch: Change, rec_id: int, item_id: int, data: dict) -> dict:
    rec = _manual_rec(ch, rec_id)
    item = _item(ch, rec.id, item_id)
    before = item_dict(item)
    for name, value in _item_values(data, partial=True).items():
        setattr(item, name, value)
    ch.session.flush()
    ch.audit("item.edit", "manual_item", item.id, before, item_dict(item), rec.id)
    return item_dict(item)


def delete_item(ch: Change, rec_id: int, item_id: int) -> None:
    rec = _manual_rec(ch, rec_id)
    item = _item(ch, rec.id, item_id)
    ch.audit("item.delete", "manual_item", item.id, item_dict(item), None, rec.id)
    ch.session.delete(item)


def annotate(ch: Change, rec_id: int, side: str, line_id: str, data: dict) -> dict:
    """Owner, due date, status and notes of an unmatched bank or GL line (allowed until Approved)."""
    rec = recs.get(ch.session, rec_id, lock=True)
    recs.check_prior_approved(ch.session, rec)
    if not roles_on(ch.session, rec.account_id, ch.actor.id):
        raise Refusal("forbidden", f"{ch.actor.name} has no role on this account", 403)
    if rec.status == APPROVED:
        raise Refusal("locked", "the reconciliation is Approved: revert it to change its notes")
    model, to_dict = {"bank": (BankLineRow, bank_dict), "ledger": (GLLineRow, gl_dict)}.get(side, (None, None))
    if model is None:
        raise not_found(f"side {side!r} (use bank or ledger)")
    row = ch.session.scalar(select(model).where(model.reconciliation_id == rec.id, model.line_id == line_id))
    if row is None:
        raise not_found(f"{side} line {line_id!r}")
    before = _annotations(row)
    for name, value in _annotation_values(data, partial=True).items():
        setattr(row, name, value)
    rec.updated_at = now()
    ch.session.flush()
    ch.audit("unmatched.annotate", f"{side}_line", line_id, before, _annotations(row), rec.id)
    return to_dict(row)


def txn_dict(t: NewTransaction) -> dict:
    return {"id": t.id, "date": _iso(t.date), "amount": money_str(t.amount), "currency": t.currency,
            "gl_account": t.gl_account, "description": t.description, "kind": t.kind,
            "bank_line_id": t.bank_line_id, "rule": t.rule}


def _txn_values(data: dict, currency: str, partial: bool) -> dict:
    out = {}
    if not partial or "date" in data:
        out["date"] = values.date(data, "date")
    if not partial or "amount" in data:
        out["amount"] = values.money(data, "amount")
    for name in ("gl_account", "description", "bank_line_id"):
        if not partial or name in data:
            out[name] = values.text(data, name, max_len=limits.length(NewTransaction, name) or TEXT_LEN)
    if not partial or "kind" in data:
        out["kind"] = values.choice(data, "kind", ("custom", "liability", "cash entry"), "custom")
    cur = values.text(data, "currency", max_len=3, default=currency).upper() or currency
    if cur != currency:
        raise bad_input(f"field 'currency': {cur} differs from the account's currency {currency}")
    return out


def add_transaction(ch: Change, rec_id: int, data: dict) -> dict:
    rec = recs.for_change(ch, rec_id, "transactions")
    currency = _account(ch, rec).currency
    t = NewTransaction(reconciliation_id=rec.id, currency=currency, created_by=ch.actor.id,
                       rule=values.text(data, "rule", max_len=limits.length(NewTransaction, "rule")),
                       **_txn_values(data, currency, partial=False))
    ch.session.add(t)
    ch.session.flush()
    ch.audit("transaction.add", "transaction", t.id, None, txn_dict(t), rec.id)
    return txn_dict(t)


def _txn(ch: Change, rec_id: int, txn_id: int) -> NewTransaction:
    t = ch.session.get(NewTransaction, txn_id)
    if t is None or t.reconciliation_id != rec_id:
        raise not_found(f"transaction {txn_id}")
    return t


def _unposted(t: NewTransaction, doing: str) -> NewTransaction:
    """A posted transaction is a GL line now: changing it here would leave the two telling different stories."""
    if t.posted_at is not None:
        raise Refusal("posted", f"transaction {t.id} is posted as GL line {t.posted_line_id}: it cannot be "
                                f"{doing}; record a correcting new transaction instead")
    return t


def edit_transaction(ch: Change, rec_id: int, txn_id: int, data: dict) -> dict:
    rec = recs.for_change(ch, rec_id, "transactions")
    t = _unposted(_txn(ch, rec.id, txn_id), "edited")
    before = txn_dict(t)
    for name, value in _txn_values(data, t.currency, partial=True).items():
        setattr(t, name, value)
    ch.session.flush()
    ch.audit("transaction.edit", "transaction", t.id, before, txn_dict(t), rec.id)
    return txn_dict(t)


def delete_transaction(ch: Change, rec_id: int, txn_id: int) -> None:
    rec = recs.for_change(ch, rec_id, "transactions")
    t = _unposted(_txn(ch, rec.id, txn_id), "deleted")
    ch.audit("transaction.delete", "transaction", t.id, txn_dict(t), None, rec.id)
    ch.session.delete(t)


def listing(session, rec_id: int, what: str, only_unmatched: bool = False) -> list[dict]:
    """Bank or GL lines as rows built from the cursor (line_listing.py), items and transactions as records."""
    if what == "bank":
        return line_listing.bank_rows(session, rec_id, only_unmatched)
    if what == "ledger":
        return line_listing.gl_rows(session, rec_id, only_unmatched)
    if what == "items":
        return [item_dict(i) for i in session.scalars(select(ManualItem).where(
            ManualItem.reconciliation_id == rec_id).order_by(ManualItem.id))]
    if what == "transactions":
        return [txn_dict(t) for t in session.scalars(select(NewTransaction).where(
            NewTransaction.reconciliation_id == rec_id).order_by(NewTransaction.id))]
    raise ValueError(what)

"""Post New Transactions as one change: each transaction not yet posted becomes a GL line (NT-<id>, source
Tieout), the GL balance moves by the posted total, the transaction is marked posted and its line is matched
to the bank line it accounts for. One database transaction and one audit row, so a failure anywhere leaves
nothing half done, and posting again posts nothing twice."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ..store.models import BankLineRow, GLLineRow, Match, MatchItem, NewTransaction, Reconciliation
from ..store.types import money_str
from . import recs
from .context import Change, bad_input, not_found, now
from .matches import new_manual_match

POSTED_SOURCE = "Tieout"  # the GL lines a reconciliation creates (the add-in shows them as such)


def posted_line_id(txn_id: int) -> str:
    """One GL line id per transaction: what makes posting idempotent."""
    return f"NT-{txn_id}"


def _wanted(ch: Change, rec_id: int, data: dict) -> list[NewTransaction]:
    ids = data.get("transaction_ids")
    stmt = select(NewTransaction).where(NewTransaction.reconciliation_id == rec_id).order_by(NewTransaction.id)
    if ids is None:
        return list(ch.session.scalars(stmt))
    if (not isinstance(ids, list) or not ids
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)):
        raise bad_input("field 'transaction_ids': a non-empty list of transaction numbers (or leave it out)")
    if len(set(ids)) != len(ids):
        raise bad_input("field 'transaction_ids': a transaction appears twice")
    found = {t.id: t for t in ch.session.scalars(stmt.where(NewTransaction.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise not_found(f"transaction(s) {', '.join(map(str, missing))} of reconciliation {rec_id}")
    return [found[i] for i in sorted(ids)]


def _check(todo: list[NewTransaction]) -> None:
    problems = []
    for t in todo:
        if not t.gl_account:
            problems.append(f"transaction {t.id}, field 'gl_account': is empty")
        if t.amount == 0:
            problems.append(f"transaction {t.id}, field 'amount': is 0.00")
    if problems:
        raise bad_input("nothing was posted: " + "; ".join(problems))


def match_posted(ch: Change, rec: Reconciliation, t: NewTransaction, line: GLLineRow) -> dict | None:
    """Matches a posted line to its bank line: alone when the bank line is open and the amounts agree, or
    into the bank line's match when the posted amount is exactly that match's difference (a deducted fee, a
    write-off). That match keeps its key (the line joins it; match_items records when): a write-off's memo
    and the workbook's Matched sheet name the match it was made for, and still do after posting. None when
    neither applies."""
    if not t.bank_line_id:
        return None
    bank = ch.session.scalar(select(BankLineRow).where(BankLineRow.reconciliation_id == rec.id,
                                                       BankLineRow.line_id == t.bank_line_id))
    if bank is None:
        raise bad_input(f"transaction {t.id}, field 'bank_line_id': bank line {t.bank_line_id!r} is not in this "
                        "reconciliation; nothing was posted")
    why = f"posted new transaction {line.line_id} ({t.kind})"
    if bank.match_id is None:
        if bank.amount != t.amount:
            return None
        return {"key": new_manual_match(ch, rec, [bank], [line], why), "replaces": None}
    old = ch.session.get(Match, bank.match_id)
    b_rows = list(ch.session.scalars(select(BankLineRow).where(BankLineRow.match_id == old.id)))
    g_rows = list(ch.session.scalars(select(GLLineRow).where(GLLineRow.match_id == old.id)))
    diff = sum((b.amount for b in b_rows), Decimal(0)) - sum((g.amount for g in g_rows), Decimal(0))
    if diff != t.amount:
        return None
    old.reason = f"{old.reason}; {why}"
    line.match_id = old.id
    ch.session.add(MatchItem(match_id=old.id, side="ledger", gl_line_id=line.id))
    ch.session.flush()
    return {"key": old.key, "replaces": None}


def post(ch: Change, rec_id: int, data: dict) -> dict:
    """Posts the transactions named (all when none are) that are not posted yet; see the module docstring."""
    rec = recs.for_change(ch, rec_id, "transactions")
    wanted = _wanted(ch, rec.id, data)
    existing = set(ch.session.scalars(select(GLLineRow.line_id).where(
        GLLineRow.reconciliation_id == rec.id, GLLineRow.line_id.like("NT-%"))))
    # A transaction counts as posted once marked, or when its GL line exists (posted before migration 0003)
    todo = [t for t in wanted if t.posted_at is None and posted_line_id(t.id) not in existing]
    already = [t.id for t in wanted if t not in todo]
    _check(todo)
    stamp, posted = now(), []
    total = sum((t.amount for t in todo), Decimal(0))
    for t in todo:
        line = GLLineRow(reconciliation_id=rec.id, line_id=posted_line_id(t.id), date=t.date, amount=t.amount,
                         currency=t.currency, reference=f"Tieout {t.kind} {t.id}", description=t.description,
                         source=POSTED_SOURCE, counterparty=t.gl_account)
        ch.session.add(line)
        t.posted_at, t.posted_line_id = stamp, line.line_id
        posted.append((t, line))
    ch.session.flush()
    before_balance = rec.gl_balance
    if todo and rec.gl_balance is not None:
        rec.gl_balance = rec.gl_balance + total
    out_posted = []
    for t, line in posted:
        made = match_posted(ch, rec, t, line)
        out_posted.append({"id": t.id, "line_id": line.line_id, "date": t.date.isoformat(),
                           "amount": money_str(t.amount), "gl_account": t.gl_account,
                           "bank_line_id": t.bank_line_id, "match": made["key"] if made else None,
                           "replaced_match": made["replaces"] if made else None})
    out = {"posted": out_posted, "count": len(todo), "total": money_str(total),
           "matched": sum(1 for p in out_posted if p["match"]), "already_posted": already,
           "gl_balance": money_str(rec.gl_balance) if rec.gl_balance is not None else None}
    if todo:
        ch.audit("transactions.post", "reconciliation", rec.id, {"gl_balance": before_balance},
                 {"gl_balance": rec.gl_balance, "count": len(todo), "total": total,
                  "lines": [[p["line_id"], p["date"], p["amount"], p["match"], p["replaced_match"]]
                            for p in out_posted]}, rec.id)
    return out


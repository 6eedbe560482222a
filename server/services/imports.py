"""Bank statements into a reconciliation: the file is parsed first (no transaction open), then its
statements and lines are written in one transaction with their audit row: an import is whole or absent.

Checks beyond the importer's own balance check: the statement's currency and bank account must be the
account's, the same statement cannot be imported twice for one account, and line ids must be new."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert, select

from ..audit import canonical_json
from ..errors import InputError
from ..importers.base import ImportOptions
from ..records import ImportResult, Statement
from ..store.models import Account, BankLineRow, StatementRow
from ..store.types import money_str
from ..workflow import Refusal
from . import recs
from .context import Change, bad_input

CHUNK = 5000


def options_for(store, rec_id: int) -> ImportOptions:
    """What the account already tells an importer: its currency and bank account, when the file does not."""
    with store.read() as session:
        acc = session.get(Account, recs.get(session, rec_id).account_id)
        return ImportOptions(currency=acc.currency, account=acc.bank_account or None)


def parse(path: Path, fmt: str = "auto", source: str | None = None,
          options: ImportOptions | None = None) -> ImportResult:
    """The importer registry's result, or a `bad_file` refusal carrying its message (file, line, field),
    naming the file as the user called it (`source`) rather than the server's saved copy."""
    from .. import importers

    try:
        return importers.import_file(path, fmt, options)
    except InputError as exc:
        if source:
            exc.file = source
        raise Refusal("bad_file", exc.message(), 400) from None


def fingerprint(st: Statement) -> str:
    body = [st.account, st.currency, st.opening_balance, st.closing_balance, st.period_start, st.period_end,
            [[ln.line_id, ln.date, ln.amount, ln.pending] for ln in st.lines]]
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _norm(account: str) -> str:
    return "".join(account.split()).upper()


def _check(ch: Change, acc: Account, rec_id: int, result: ImportResult, source: str) -> list[str]:
    """Fingerprints of the statements, after refusing anything that does not belong to this account."""
    problems, prints, seen_ids = [], [], set()
    existing = set(ch.session.scalars(select(BankLineRow.line_id).where(BankLineRow.reconciliation_id == rec_id)))
    for n, st in enumerate(result.statements, start=1):
        where = f"{source}: statement {st.statement_id or n}"
        if st.currency and st.currency.upper() != acc.currency:
            problems.append(f"{where}: currency {st.currency} is not the account's currency {acc.currency}")
        if st.account and acc.bank_account and _norm(st.account) != _norm(acc.bank_account):
            problems.append(f"{where}: bank account {st.account} is not this account's {acc.bank_account}")
        fp = fingerprint(st)
        dup = ch.session.scalar(select(StatementRow).where(StatementRow.account_id == acc.id,
                                                           StatementRow.fingerprint == fp))
        if dup is not None or fp in prints:
            problems.append(f"{where}: this statement was already imported (reconciliation "
                            f"#{dup.reconciliation_id if dup else rec_id})")
        prints.append(fp)
        for ln in st.lines:
            if ln.line_id in existing or ln.line_id in seen_ids:
                problems.append(f"{where}: line id {ln.line_id!r} already exists in this reconciliation")
                break
            seen_ids.add(ln.line_id)
            if ln.currency and ln.currency.upper() != acc.currency:
                problems.append(f"{where}: line {ln.line_id}, field 'currency': {ln.currency} is not "
                                f"{acc.currency}")
                break
    if problems:
        raise Refusal("bad_file", "; ".join(problems[:20]), 400)
    return prints


def store_result(ch: Change, rec_id: int, result: ImportResult, source: str, file_sha256: str,
                 progress: Callable[[int, str], None] | None = None) -> dict:
    rec = recs.for_change(ch, rec_id, "upload")
    acc = ch.session.get(Account, rec.account_id)
    if acc.kind != "Bank":
        raise bad_input("Manual accounts are reconciled against a support balance, not bank files")
    prints = _check(ch, acc, rec.id, result, source)
    summary, total_lines, done = [], sum(len(st.lines) for st in result.statements), 0
    for st, fp in zip(result.statements, prints):
        row = StatementRow(reconciliation_id=rec.id, account_id=acc.id, fingerprint=fp,
                           bank_account=st.account or "", currency=(st.currency or acc.currency).upper(),
                           opening_balance=st.opening_balance, closing_balance=st.closing_balance,
                           period_start=st.period_start or st.first_date, period_end=st.period_end or st.last_date,
                           statement_ref=st.statement_id[:200], format=result.format, source_name=source[:300],
                           imported_by=ch.actor.id)
        ch.session.add(row)
        ch.session.flush()
        lines = [{"reconciliation_id": rec.id, "statement_id": row.id, "line_id": ln.line_id, "date": ln.date,
                  "amount": ln.amount, "currency": (ln.currency or acc.currency).upper(), "reference": ln.reference,
                  "description": ln.description, "type": ln.type, "check_number": ln.check_number,
                  "value_date": ln.value_date, "pending": ln.pending} for ln in st.lines]
        for i in range(0, len(lines), CHUNK):
            ch.session.execute(insert(BankLineRow), lines[i:i + CHUNK])
            done += len(lines[i:i + CHUNK])
            if progress and total_lines:
                progress(40 + 55 * done // total_lines, f"stored {done} of {total_lines} lines")
        summary.append({"statement": row.id, "account": st.account, "currency": row.currency,
                        "opening_balance": money_str(st.opening_balance),
                        "closing_balance": money_str(st.closing_balance), "count": len(st.lines),
                        "total": money_str(st.total)})
    after = {"format": result.format, "source": source, "sha256": file_sha256, "statements": summary}
    ch.audit("statement.import", "reconciliation", rec.id, None, after, rec.id)
    return {"format": result.format, "statements": summary, "warnings": list(result.warnings)}


def statements(session, rec_id: int) -> list[dict]:
    return [{"id": s.id, "bank_account": s.bank_account, "currency": s.currency, "format": s.format,
             "source": s.source_name, "opening_balance": money_str(s.opening_balance),
             "closing_balance": money_str(s.closing_balance),
             "period_start": s.period_start.isoformat() if s.period_start else None,
             "period_end": s.period_end.isoformat() if s.period_end else None}
            for s in session.scalars(select(StatementRow).where(StatementRow.reconciliation_id == rec_id)
                                     .order_by(StatementRow.id))]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

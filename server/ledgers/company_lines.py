"""A company's ledger lines on the server: stored from an import, and retrieved by a side's filter.

Lines arrive as JSON rows (the add-in reads the canonical ledger CSV or the GL template with the server's own
readers and sends them); each is checked here and a bad row is a 400 naming the row and field. A line already
held (same company and line id) is left as it is: a re-import of an overlapping export adds only what is new."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, func, insert, select

from ..currencies import iso_currency
from ..services.context import Change, bad_input
from .access import check_import
from .records import PERIOD, CompanyLineRecord, SideFilter
from .tables import CompanyLine, LedgerGroup

MAX_LINES_PER_IMPORT = 200_000
PAGE = 10_000  # lines of one side in one list; more come in batches (`after`)
TEXT_FIELDS = ("reference", "description", "source", "counterparty", "gl_account", "account")


def is_known_currency(code: str) -> bool:
    return len(code) == 3 and iso_currency(code)[0]


def _row_problem(i: int, field: str, problem: str):
    return bad_input(f"lines[{i}] (row {i + 2} of the file), field '{field}': {problem}")


def _money(raw, i: int, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise _row_problem(i, field, f"not an amount: {str(raw)[:40]!r}") from None
    if not value.is_finite() or value.as_tuple().exponent < -4 or abs(value) >= Decimal(10) ** 14:
        raise _row_problem(i, field, f"not an amount the ledger keeps (at most 14 digits and 4 decimals): "
                                     f"{str(raw)[:40]!r}")
    return value


def _line(ch: Change, company: str, defaults: dict, i: int, row) -> dict:
    """One checked line as the row to insert."""
    if not isinstance(row, dict):
        raise _row_problem(i, "line", "each line is an object")
    line_id = str(row.get("line_id") or "").strip()
    if not line_id or len(line_id) > 120:
        raise _row_problem(i, "line_id", "a line id of 1 to 120 characters is required")
    try:
        date = dt.date.fromisoformat(str(row.get("date") or ""))
    except ValueError:
        raise _row_problem(i, "date", f"not an ISO date (yyyy-mm-dd): {str(row.get('date'))[:40]!r}") from None
    currency = str(row.get("currency") or "").strip().upper()
    if not is_known_currency(currency):
        raise _row_problem(i, "currency", f"not a currency code: {currency[:10]!r}")
    doc_amount, doc_currency = row.get("document_amount"), str(row.get("document_currency") or "").strip().upper()
    if doc_amount not in (None, ""):
        doc_amount = _money(doc_amount, i, "document_amount")
        if not is_known_currency(doc_currency):
            raise _row_problem(i, "document_currency", f"a document amount needs its currency, not "
                                                       f"{doc_currency[:10]!r}")
    else:
        doc_amount, doc_currency = None, ""
    period = str(row.get("period") or date.strftime("%Y-%m"))
    if not PERIOD.fullmatch(period):
        raise _row_problem(i, "period", f"not a period yyyy-mm: {period[:20]!r}")
    texts = {f: str(row.get(f) if row.get(f) not in (None, "") else defaults.get(f, "")) for f in TEXT_FIELDS}
    for f, limit in (("gl_account", 100), ("account", 100), ("source", 120), ("counterparty", 200)):
        if len(texts[f]) > limit:
            raise _row_problem(i, f, f"longer than {limit} characters")
    return dict(company=company, line_id=line_id, date=date, period=period,
                amount=_money(row.get("amount"), i, "amount"), currency=currency, document_amount=doc_amount,
                document_currency=doc_currency, imported_by=ch.actor.id, **texts)


def import_lines(ch: Change, body: dict) -> dict:
    """POST /api/ledgers/lines {"company", "gl_account"?, "account"?, "source"?, "lines": [...]}."""
    company = str(body.get("company") or "").strip()
    if not company or len(company) > 100:
        raise bad_input("company: the company's name (1 to 100 characters) is required")
    check_import(ch.session, ch.actor, company)
    rows = body.get("lines")
    if not isinstance(rows, list) or not rows:
        raise bad_input("lines: a non-empty list of ledger lines is required")
    if len(rows) > MAX_LINES_PER_IMPORT:
        raise bad_input(f"lines: at most {MAX_LINES_PER_IMPORT:,} lines per request; send the rest in another")
    defaults = {f: str(body.get(f) or "") for f in TEXT_FIELDS}
    made = [_line(ch, company, defaults, i, r) for i, r in enumerate(rows)]
    ids = [m["line_id"] for m in made]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(x for x in ids if x in seen or seen.add(x))
        raise bad_input(f"lines: line_id {dup!r} appears twice")
    held = set()
    for chunk in range(0, len(ids), 5000):
        held |= set(ch.session.scalars(select(CompanyLine.line_id).where(
            CompanyLine.company == company, CompanyLine.line_id.in_(ids[chunk:chunk + 5000]))))
    new = [m for m in made if m["line_id"] not in held]
    if new:
        ch.session.execute(insert(CompanyLine), new)  # one bulk insert: no ORM objects for 100,000 lines
    ch.audit("ledger.lines.imported", "company", company, None,
             {"added": len(new), "already_held": len(held), "source": defaults["source"]})
    return {"company": company, "added": len(new), "already_held": len(held)}


def _where(f: SideFilter):
    cond = [CompanyLine.company == f.company]
    if f.periods:
        cond.append(CompanyLine.period.in_(f.periods))
    if f.gl_accounts:
        cond.append(CompanyLine.gl_account.in_(f.gl_accounts))
    if f.accounts:
        cond.append(CompanyLine.account.in_(f.accounts))
    return and_(*cond)


def as_record(row: CompanyLine, group_key: str | None) -> CompanyLineRecord:
    return CompanyLineRecord(row.id, row.company, row.line_id, row.date, row.period, row.gl_account, row.account,
                             row.amount, row.currency, row.document_amount, row.document_currency, row.reference,
                             row.description, row.source, row.counterparty, group_key)


def retrieve(session, f: SideFilter, after: int = 0, limit: int = PAGE, open_only: bool = False
             ) -> list[CompanyLineRecord]:
    """The side's lines in id order after `after` (a batch of at most `limit`), each with its group's key."""
    q = (select(CompanyLine, LedgerGroup.key).outerjoin(LedgerGroup, LedgerGroup.id == CompanyLine.group_id)
         .where(_where(f), CompanyLine.id > after).order_by(CompanyLine.id).limit(limit))
    if open_only:
        q = q.where(CompanyLine.group_id.is_(None))
    return [as_record(row, key) for row, key in session.execute(q)]


def retrieve_all(session, f: SideFilter, open_only: bool = False) -> list[CompanyLineRecord]:
    out: list[CompanyLineRecord] = []
    while True:
        batch = retrieve(session, f, out[-1].pk if out else 0, PAGE, open_only)
        out += batch
        if len(batch) < PAGE:
            return out


def open_in_period(session, f: SideFilter, period: str) -> tuple[int, dt.date | None]:
    """How many of the side's lines of `period` no reconciled group holds, and the oldest one's date."""
    count, oldest = session.execute(select(func.count(), func.min(CompanyLine.date)).where(
        _where(f), CompanyLine.period == period, CompanyLine.group_id.is_(None))).one()
    return count or 0, oldest


def by_line_ids(session, f: SideFilter, line_ids: list[str]) -> dict[str, CompanyLine]:
    """The side's lines with these ids (only those the side's filter retrieves)."""
    out: dict[str, CompanyLine] = {}
    for chunk in range(0, len(line_ids), 5000):
        for row in session.scalars(select(CompanyLine).where(_where(f), CompanyLine.line_id.in_(
                line_ids[chunk:chunk + 5000]))):
            out[row.line_id] = row
    return out

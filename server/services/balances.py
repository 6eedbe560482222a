"""Statement balances a file does not state (most CSV exports), entered by the preparer from the printed
statement, and where every balance came from: "file" (the bank stated it), "entered" (who typed it, when),
or unknown (None). A balance the file states is never replaced: the bank's figure is the evidence. Once both
balances are known, an entry that does not add up with the statement's lines becomes a balance_mismatch
finding like one found at import (the preparer acknowledges it or corrects the entry)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, delete, func, select, type_coerce

from ..statements.statement_checks import figures_finding
from ..store.models import BankLineRow, StatementFinding, StatementRow
from ..store.types import SCALE, money_str
from ..controls.workflow import Refusal
from . import findings, recs, values
from .context import Change, bad_input, not_found, now, utc_iso

KINDS = ("opening", "closing")
FILE, ENTERED = "file", "entered"


def stated(row: StatementRow, kind: str) -> bool:
    """The file stated this balance (a statement stored before migration 0006 with a balance: the file's too,
    as importers had no other source then)."""
    source = getattr(row, f"{kind}_source")
    return source == FILE or (source is None and getattr(row, f"{kind}_balance") is not None)


def describe(row: StatementRow, names: dict[int, str]) -> dict:
    """Each balance's source as the API gives it, with who entered it and when."""
    out = {}
    for kind in KINDS:
        source = getattr(row, f"{kind}_source")
        if source is None and getattr(row, f"{kind}_balance") is not None:
            source = FILE
        out[f"{kind}_source"] = source
        out[f"{kind}_entered_by"] = names.get(getattr(row, f"{kind}_entered_by"))
        out[f"{kind}_entered_at"] = utc_iso(getattr(row, f"{kind}_entered_at"))
    out["lines_total"] = money_str(row.lines_total)
    return out


def _lines_total(ch: Change, row: StatementRow) -> tuple[Decimal | None, int]:
    """The statement's booked total and line count: as stored at import, else (before 0006) from its stored lines
    when none was skipped as already held (else unknown)."""
    if row.lines_total is not None:
        return row.lines_total, row.lines_in_file or 0
    if row.lines_skipped:
        return None, 0
    total, n = ch.session.execute(select(func.coalesce(func.sum(type_coerce(BankLineRow.amount, BigInteger)), 0),
                                         func.count()).where(BankLineRow.statement_id == row.id,
                                                             BankLineRow.pending.is_(False))).one()
    return Decimal(int(total)).scaleb(-SCALE), n


def _shown(value: Decimal | None) -> Decimal | None:
    """An amount read from the store (4 decimals) as people write it (1.0000 -> 1.00), for the finding's text."""
    return None if value is None else Decimal(money_str(value))


def enter(ch: Change, rec_id: int, statement_id: int, data: dict) -> dict:
    """{"opening_balance": "...", "closing_balance": "..."}: either or both; null clears an entered one."""
    rec = recs.for_change(ch, rec_id, "balances")
    row = ch.session.get(StatementRow, statement_id)
    if row is None or row.reconciliation_id != rec.id:
        raise not_found(f"statement {statement_id} of reconciliation {rec_id}")
    given = [k for k in KINDS if f"{k}_balance" in data]
    if not given:
        raise bad_input("send opening_balance, closing_balance or both (decimal text; null clears an entered one)")
    before = {f"{k}_balance": money_str(getattr(row, f"{k}_balance")) for k in KINDS}
    stamp = now()
    for kind in given:
        if stated(row, kind):
            raise Refusal("balance_stated", f"statement #{row.id} ({row.source_name}): the file states the {kind} "
                                            f"balance {money_str(getattr(row, f'{kind}_balance'))}; it is the bank's "
                                            "figure and is not replaced", 409)
        amount = values.money(data, f"{kind}_balance", required=False)
        setattr(row, f"{kind}_balance", amount)
        setattr(row, f"{kind}_source", ENTERED if amount is not None else None)
        setattr(row, f"{kind}_entered_by", ch.actor.id if amount is not None else None)
        setattr(row, f"{kind}_entered_at", stamp if amount is not None else None)
    # the findings of earlier entries are about figures that no longer stand
    ch.session.execute(delete(StatementFinding).where(StatementFinding.statement_id == row.id,
                                                      StatementFinding.origin == "entry"))
    total, n = _lines_total(ch, row)
    found = None
    if total is not None:
        found = figures_finding(f"statement #{row.id} ({row.source_name}) of account {row.bank_account}",
                                row.statement_ref or f"#{row.id}", _shown(row.opening_balance), _shown(total), n,
                                _shown(row.closing_balance))
    made = findings.store(ch, rec.id, row, (found,), origin="entry") if found else []
    after = {f"{k}_balance": money_str(getattr(row, f"{k}_balance")) for k in KINDS}
    note = values.text(data, "note", max_len=2000)  # where an entered balance comes from (review check 5)
    ch.audit("statement.balances", "statement", row.id, before,
             {**after, "entered": given, "findings": [f.message for f in made], **({"note": note} if note else {})},
             rec.id)
    names = findings.user_names(ch.session)
    return {"statement": row.id, **after, **describe(row, names),
            "findings": [findings.as_dict(f, names) for f in made]}

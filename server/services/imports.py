"""Bank statements into a reconciliation: the file is parsed first (no transaction open), then its
statements and lines are written in one transaction with their audit row: an import is whole or absent.

Checks beyond the importer's own balance check: the statement's currency and bank account must be the
account's. Against what the account already holds, from any of its reconciliations (statement_history.py):
a statement imported before is skipped (a file of nothing but such statements is refused, as it always
was), lines an overlapping statement repeats are skipped and listed, and the continuity of balances and
dates with the statements before and after is reported.

Continuity findings never refuse an import; they are returned (new fields, and the existing `warnings`
that every client already shows), stored on the statement and written to the audit trail. Why not refuse:
the file is still the bank's own record and balances on its own (checked by the importer); a break means
something else is missing or wrong (a statement not imported yet, a bank correction), which refusing this
one does not fix; and refusing would make the outcome depend on the order files arrive in (March before
February "breaks" until February comes). So the preparer sees every break, with the figures, at import, and
the reviewer sees it on the statement and in the audit trail."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from operator import attrgetter
from pathlib import Path

from sqlalchemy import and_, or_, select

from ..statements import statement_history as history
from ..errors import InputError
from ..importers.base import ImportOptions
from ..importers.line_ids import MARK
from ..records import BankLine, ImportResult, Statement
from ..statements.period_clip import clip, describe
from ..store.bulk_insert import insert_columns
from ..store.models import BANK_LINE_ID_LEN, Account, BankLineRow, Period, StatementRow, User
from ..store.types import SCALE as MONEY_SCALE
from ..store.types import money_str
from ..controls.workflow import Refusal
from . import balances, findings, limits, recs, values
from .context import Change, bad_input, now

CHUNK = 5000
ID_CHUNK = 500  # bank ids looked up per query
LISTED = 1000  # skipped lines listed in a response or an audit row (the counts are always complete)
_OCCURRENCE = re.compile(re.escape(MARK) + r"\d+\Z")  # line_ids' "~<k>" at the end of an id


def options_for(store, rec_id: int, params: dict | None = None) -> ImportOptions:
    """What the account already tells an importer: its currency and bank account, when the file does not; and
    the balances the user entered from the printed statement (`params` opening/closing), for a file that
    states none."""
    entered = entered_balances(params or {})
    told = reading_hints(params or {})
    with store.read() as session:
        acc = session.get(Account, recs.get(session, rec_id).account_id)
        return ImportOptions(currency=acc.currency, account=acc.bank_account or None, **entered, **told)


DATE_ORDERS = ("day_first", "month_first")


def reading_hints(params: dict) -> dict:
    """How the user told the importer to read a file that does not say: ?date_order= and ?profile= (a layout)."""
    out = {}
    if params.get("date_order"):
        out["date_order"] = values.choice(params, "date_order", DATE_ORDERS)
    if params.get("profile"):
        out["profile"] = values.text(params, "profile", max_len=120)
    return out


def entered_balances(params: dict) -> dict:
    """{"opening": Decimal, "closing": Decimal} of the upload's ?opening=&closing= (each checked as money)."""
    return {k: values.money(params, k, required=False) for k in ("opening", "closing") if params.get(k)}


def parse(path: Path, fmt: str = "auto", source: str | None = None,
          options: ImportOptions | None = None) -> ImportResult:
    """The importer registry's result, or a `bad_file` refusal carrying its message (file, line, field),
    naming the file as the user called it (`source`) rather than the server's saved copy."""
    from .. import sandbox

    try:
        return sandbox.import_file(path, fmt, options)  # in a worker process: a file cannot take the server down
    except InputError as exc:
        if source:
            exc.file = source
        raise Refusal("bad_file", exc.message(), 400, missing=exc.missing()) from None


def fingerprint(st: Statement) -> str:
    return history.statement_fingerprint(st)


def _norm(account: str) -> str:
    return "".join(account.split()).upper()


def _check(acc: Account, result: ImportResult, source: str) -> None:
    """Refuse anything that does not belong to this account, or that its column cannot hold."""
    problems = []
    for n, st in enumerate(result.statements, start=1):
        where = f"{source}: statement {st.statement_id or n}"
        if st.currency and st.currency.upper() != acc.currency:
            problems.append(f"{where}: currency {st.currency} is not the account's currency {acc.currency}")
        if st.account and acc.bank_account and _norm(st.account) != _norm(acc.bank_account):
            problems.append(f"{where}: bank account {st.account} is not this account's {acc.bank_account}")
        too_long = limits.over("account", st.account, limits.length(StatementRow, "bank_account"))
        if too_long:
            problems.append(f"{where}: bank account {limits.shown(st.account)}, {too_long}")
        for ln in st.lines:
            if ln.currency and ln.currency.upper() != acc.currency:
                problems.append(f"{where}: line {ln.line_id}, field 'currency': {ln.currency} is not "
                                f"{acc.currency}")
                break
        problems += _too_long(st.lines, where)
        problems += _too_precise(st, where)
    if problems:
        raise Refusal("bad_file", "; ".join(problems[:20]), 400)


def _too_long(lines, where: str) -> list[str]:
    """Lines with a value longer than it may be (line id, type, check number), each naming line and field."""
    most = _line_limits()
    id_len, type_len, check_len = most["line_id"], most["type"], most["check_number"]
    out = []
    for ln in lines:
        if len(ln.line_id) <= id_len and len(ln.type or "") <= type_len and len(ln.check_number or "") <= check_len:
            continue
        for name, n in most.items():
            problem = limits.over(name, getattr(ln, name), n)
            if problem:
                out.append(f"{where}: line {limits.shown(ln.line_id)}, {problem}")
        if len(out) >= 20:
            break
    return out


MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)


def _too_precise(st, where: str) -> list[str]:
    """Balances and amounts with more decimals than the store keeps: refused naming each, never rounded (a
    money-market sample file states balances to 12 decimals; storing it would have failed mid-transaction)."""
    out = []
    places = [("opening balance", "opening_balance", st.opening_balance),
              ("closing balance", "closing_balance", st.closing_balance)]
    places += [(ln, "amount", ln.amount) for ln in st.lines]  # a line is named only if it is refused
    for what, field, value in places:
        if value is not None and value != value.quantize(MONEY_QUANTUM) and value.is_finite():
            what = what if isinstance(what, str) else f"line {limits.shown(what.line_id)}"
            out.append(f"{where}: {what}, field '{field}': {value} has more than the {MONEY_SCALE} decimals Tieout "
                       "stores for money (it is never rounded)")
            if len(out) >= 20:
                break
    return out


def _line_limits() -> dict[str, int]:
    """A bank line id from a file may be BANK_LINE_ID_LEN long (its column keeps room for the carried-forward
    prefix); the other fields, their columns' lengths."""
    return {"line_id": BANK_LINE_ID_LEN, "type": limits.length(BankLineRow, "type"),
            "check_number": limits.length(BankLineRow, "check_number")}


def _held(session, acc: Account, result: ImportResult) -> list[history.HeldStatement]:
    """The account's statements (every reconciliation), each with its stored lines that could be lines of
    this file: those dated within the file's dates, and those carrying one of the file's line ids."""
    rows = list(session.scalars(select(StatementRow).where(StatementRow.account_id == acc.id)))
    if not rows:
        return []
    names = dict(session.execute(select(User.id, User.name).where(
        User.id.in_({r.imported_by for r in rows}))).all())
    dates = [ln.date for ln in result.lines]
    lines: dict[int, dict[int, BankLine]] = {r.id: {} for r in rows}
    wanted = []
    if dates:
        wanted.append(BankLineRow.date.between(min(dates), max(dates)))
    ids = sorted({bid for st in result.statements for ln in st.lines
                  if (bid := history.bank_id(ln, result.format, st.account, st.statement_id))})
    for i in range(0, len(ids), ID_CHUNK):
        wanted.append(BankLineRow.line_id.in_(ids[i:i + ID_CHUNK]))
    for k in range(0, len(wanted), 20):
        query = (select(BankLineRow).join(StatementRow, StatementRow.id == BankLineRow.statement_id)
                 .where(and_(StatementRow.account_id == acc.id, BankLineRow.carried_from.is_(None),
                             or_(*wanted[k:k + 20])))
                 .execution_options(yield_per=CHUNK))
        for r in session.scalars(query):
            lines[r.statement_id][r.id] = BankLine(r.line_id, r.date, r.amount, r.currency, r.reference,
                                                   r.description, r.type, r.check_number, r.value_date, r.pending)
    return [history.HeldStatement(
        ref=r.id, label=f"statement #{r.id} (reconciliation #{r.reconciliation_id})", account=r.bank_account,
        currency=r.currency, format=r.format, opening_balance=r.opening_balance, closing_balance=r.closing_balance,
        period_start=r.period_start, period_end=r.period_end, fingerprint=r.fingerprint,
        period_stated=bool(r.period_stated), statement_id=r.statement_ref, source=r.source_name,
        imported_at=r.imported_at, imported_by=names.get(r.imported_by, ""),
        lines=tuple(v for _, v in sorted(lines[r.id].items()))) for r in rows]


def _unique_ids(wanted: list[str], taken: set[str]) -> list[str]:
    """Line ids unique in the reconciliation: an id already used there gets "-2", "-3"... (deterministic).

    The id is kept whole; only when id + suffix would be longer than BANK_LINE_ID_LEN is the id shortened,
    and then before its "~<k>" occurrence mark (line_ids.py), which statement_history.bank_id needs to see."""
    out = []
    for line_id in wanted:
        new, n = line_id, 1
        while new in taken:
            n += 1
            new = _suffixed(line_id, f"-{n}", BANK_LINE_ID_LEN)
        taken.add(new)
        out.append(new)
    return out


def _suffixed(line_id: str, suffix: str, most: int) -> str:
    if len(line_id) + len(suffix) <= most:
        return line_id + suffix
    mark = _OCCURRENCE.search(line_id)
    head, tail = (line_id[:mark.start()], mark.group()) if mark else (line_id, "")
    return head[:most - len(tail) - len(suffix)] + tail + suffix


def _finding(f: history.Finding, row_ids: dict[int, int]) -> dict:
    day = lambda d: d.isoformat() if d else None  # noqa: E731
    return {"severity": f.severity, "kind": f.kind, "statement": row_ids.get(f.statement), "message": f.message,
            "other": f.other, "expected": money_str(f.expected), "actual": money_str(f.actual),
            "difference": money_str(f.difference), "first_day": day(f.first_day), "last_day": day(f.last_day)}


def _skipped(s: history.SkippedLine, row_id: int) -> dict:
    return {"statement": row_id, "line_id": s.line.line_id, "date": s.line.date.isoformat(),
            "amount": money_str(s.line.amount), "description": s.line.description, "held_statement": s.held_ref,
            "held_line_id": s.held_line.line_id, "by": s.by, "reason": s.reason}


def _duplicate(sp: history.StatementPlan, source: str) -> dict:
    st = sp.statement
    where = f"{source}: statement {st.statement_id or sp.index + 1}"
    if sp.duplicate_ref is None:
        message = f"{where} repeats {sp.duplicate_of}, so it was imported once"
    else:
        message = f"{where}: this statement was already imported ({sp.duplicate_of}); nothing of it was added"
    return {"statement_ref": st.statement_id, "account": st.account, "currency": st.currency,
            "opening_balance": money_str(st.opening_balance), "closing_balance": money_str(st.closing_balance),
            "count": len(st.lines), "held_statement": sp.duplicate_ref, "duplicate_of": sp.duplicate_of,
            "message": message}


def _refuse_duplicates(plan: history.ImportPlan, source: str) -> None:
    if not plan.stored:
        raise Refusal("bad_file", "; ".join(_duplicate(sp, source)["message"] for sp in plan.statements[:20]), 400)


def store_result(ch: Change, rec_id: int, result: ImportResult, source: str, file_sha256: str,
                 progress: Callable[[int, str], None] | None = None) -> dict:
    rec = recs.for_change(ch, rec_id, "upload")
    acc = ch.session.get(Account, rec.account_id)
    if acc.kind != "Bank":
        raise bad_input("Manual accounts are reconciled against a support balance, not bank files")
    _check(acc, result, source)
    # one import per account at a time (PostgreSQL; SQLite has one writer anyway), so that two imports of
    # overlapping statements into two of its reconciliations cannot both find their lines new
    ch.session.execute(select(Account.id).where(Account.id == acc.id).with_for_update())
    plan = history.plan_import(_held(ch.session, acc, result), result, source)
    _refuse_duplicates(plan, source)
    period = ch.session.get(Period, rec.period_id)
    clips = _clip_to_period(plan, period, source)
    taken = set(ch.session.scalars(select(BankLineRow.line_id).where(BankLineRow.reconciliation_id == rec.id)))
    summary, total_lines, done = [], len(plan.lines_to_add), 0
    row_ids: dict[int, int] = {}
    rows: dict[int, StatementRow] = {}
    renamed, skipped, details = [], [], []
    stored_findings, stamp = [], now()
    for sp in plan.stored:
        st = clips[sp.index].statement  # the period's part; the statement is known by the whole file's
        whole = sp.fingerprint or fingerprint(sp.statement)  # (the history recognises a repeated download by it)
        sp = replace(sp, add=tuple(ln for ln in sp.add if period.start <= ln.date <= period.end))
        row = StatementRow(reconciliation_id=rec.id, account_id=acc.id, fingerprint=whole,
                           bank_account=st.account or "", currency=(st.currency or acc.currency).upper(),
                           opening_balance=st.opening_balance, closing_balance=st.closing_balance,
                           period_start=st.period_start or st.first_date, period_end=st.period_end or st.last_date,
                           statement_ref=st.statement_id[:200], format=result.format, source_name=source[:300],
                           imported_by=ch.actor.id, period_stated=None not in (st.period_start, st.period_end),
                           lines_in_file=len(st.lines), lines_skipped=len(sp.skipped), lines_total=st.total,
                           **_sources(st, ch.actor.id, stamp))
        ch.session.add(row)
        ch.session.flush()
        stored_findings += findings.store(ch, rec.id, row, st.findings)
        row_ids[sp.index], rows[sp.index] = row.id, row
        ids = _unique_ids([ln.line_id for ln in sp.add], taken)
        renamed += [{"statement": row.id, "line_id": ln.line_id, "stored_as": new}
                    for ln, new in zip(sp.add, ids) if new != ln.line_id]
        skipped += [_skipped(s, row.id) for s in sp.skipped]
        for i in range(0, len(ids), CHUNK):
            done += insert_columns(ch.session, BankLineRow.__table__,
                                   _line_columns(rec.id, row.id, acc.currency, sp.add[i:i + CHUNK], ids[i:i + CHUNK]))
            if progress and total_lines:
                progress(40 + 55 * done // total_lines, f"stored {done} of {total_lines} lines")
        summary.append({"statement": row.id, "account": st.account, "currency": row.currency,
                        "opening_balance": money_str(st.opening_balance),
                        "closing_balance": money_str(st.closing_balance), "count": len(st.lines),
                        "total": money_str(st.total)})
        details.append({"statement": row.id, "statement_ref": st.statement_id, "count": len(st.lines),
                        "added": len(sp.add), "skipped": len(sp.skipped),
                        "period_start": row.period_start.isoformat() if row.period_start else None,
                        "period_end": row.period_end.isoformat() if row.period_end else None,
                        "period_stated": row.period_stated})
    continuity = [_finding(f, row_ids) for f in plan.findings]
    for index, row in rows.items():
        row.continuity = json.dumps([f for f, raw in zip(continuity, plan.findings) if raw.statement == index])
    duplicates = [_duplicate(sp, source) for sp in plan.duplicates]
    names = findings.user_names(ch.session)
    extra_findings = [findings.as_dict(f, names) for f in stored_findings]
    warnings = list(result.warnings) + _messages(plan, duplicates, row_ids, renamed)
    warnings += [f"statement #{row_ids[i]}: " + describe(c.left_out, period.name, period.start, period.end)
                 for i, c in clips.items() if c.left_out]
    warnings += [f"finding #{d['id']} ({d['code']}): {d['message']}; acknowledge it with a comment before "
                 "submitting" for d in extra_findings]
    # new fields beside the existing ones (whose shape clients rely on), per stored statement in `details`
    extra = {"details": details, "added": total_lines, "skipped_count": len(skipped), "skipped": skipped[:LISTED],
             "duplicates": duplicates, "continuity": continuity, "renamed": renamed[:LISTED],
             "findings": extra_findings}
    after = {"format": result.format, "source": source, "sha256": file_sha256, "statements": summary, **extra}
    ch.audit("statement.import", "reconciliation", rec.id, None, after, rec.id)
    return {"format": result.format, "statements": summary, "warnings": warnings, **extra}


def _line_columns(rec_id: int, statement_id: int, currency: str, lines, ids: list[str]) -> dict[str, list]:
    """The bank_lines columns of `lines` (stored as `ids`), for one executemany (store/bulk_insert.py)."""
    n = len(lines)
    column = lambda name: list(map(attrgetter(name), lines))  # noqa: E731
    return {"reconciliation_id": [rec_id] * n, "statement_id": [statement_id] * n, "line_id": ids,
            "date": column("date"), "amount": column("amount"),
            "currency": [(c or currency).upper() for c in column("currency")], "reference": column("reference"),
            "description": column("description"), "type": column("type"), "check_number": column("check_number"),
            "value_date": column("value_date"), "pending": column("pending")}


def _clip_to_period(plan: history.ImportPlan, period: Period, source: str) -> dict:
    """Each stored statement cut to the reconciliation's period (period_clip.py); a statement with no line in
    the period is refused, naming its dates and the period (it belongs to another reconciliation)."""
    clips = {sp.index: clip(sp.statement, period.start, period.end) for sp in plan.stored}
    wrong = [(sp, clips[sp.index]) for sp in plan.stored if clips[sp.index].outside_only]
    if wrong:
        raise Refusal("out_of_period", "; ".join(
            f"{source}: statement {sp.statement.statement_id or sp.index + 1}: its lines are dated "
            f"{min(ln.date for ln in c.left_out)} .. {max(ln.date for ln in c.left_out)}, outside this "
            f"reconciliation's period {period.name} ({period.start} .. {period.end}); nothing was imported"
            for sp, c in wrong[:20]), 400)
    return clips


def _messages(plan: history.ImportPlan, duplicates: list[dict], row_ids: dict[int, int],
              renamed: list[dict]) -> list[str]:
    """What a preparer must read, as plain sentences (clients already show `warnings`)."""
    out = [d["message"] for d in duplicates]
    for sp in plan.stored:
        if sp.skipped:
            holders = sorted({s.held_label for s in sp.skipped})
            out.append(f"statement #{row_ids[sp.index]}: {len(sp.skipped)} of its {len(sp.statement.lines)} lines "
                       f"were already held ({', '.join(holders[:5])}{', ...' if len(holders) > 5 else ''}) and "
                       f"were skipped; {len(sp.add)} were added")
    out += [f"{f.severity}: {f.message}" for f in plan.findings if f.severity != history.INFO]
    if renamed:
        n = len(renamed)
        out.append(f"{n} line id{' was' if n == 1 else 's were'} already used in this reconciliation and got a "
                   f"suffix, e.g. {renamed[0]['line_id']} -> {renamed[0]['stored_as']}")
    return out


def _sources(st: Statement, actor_id: int, stamp) -> dict:
    """The statement's balance sources as stored: "file", "entered" (by the importing user, now) or None."""
    out = {}
    for kind in balances.KINDS:
        source = getattr(st, f"{kind}_source") or None
        out[f"{kind}_source"] = source
        if source == balances.ENTERED:
            out[f"{kind}_entered_by"], out[f"{kind}_entered_at"] = actor_id, stamp
    return out


def statements(session, rec_id: int) -> list[dict]:
    names = findings.user_names(session)
    found = findings.by_statement(session, rec_id)
    return [{"id": s.id, "bank_account": s.bank_account, "currency": s.currency, "format": s.format,
             "source": s.source_name, "opening_balance": money_str(s.opening_balance),
             "closing_balance": money_str(s.closing_balance),
             "period_start": s.period_start.isoformat() if s.period_start else None,
             "period_end": s.period_end.isoformat() if s.period_end else None,
             "period_stated": s.period_stated, "lines_in_file": s.lines_in_file, "lines_skipped": s.lines_skipped,
             "continuity": json.loads(s.continuity) if s.continuity else [],
             **balances.describe(s, names), "findings": found.get(s.id, [])}
            for s in session.scalars(select(StatementRow).where(StatementRow.reconciliation_id == rec_id)
                                     .order_by(StatementRow.id))]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

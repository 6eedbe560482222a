"""A newly imported bank file against the statements already held for the same account: which statements
are exact duplicates (nothing added), which lines an overlapping statement repeats (skipped, each with why),
and whether the balances and dates continue from the statement before and into the statement after.

Pure: the caller passes what it holds for the account (from any reconciliation) and the ImportResult; the
answer is an immutable ImportPlan. No database, no clock. The server stores `plan.lines_to_add`; the
findings are for people (severity, message with the figures), never a reason to refuse on their own.

A line is known by its bank's transaction id when its format has a stable one (OFX FITID, camt.053
AcctSvcrRef, ...) and the importer did not have to invent it from the line's position or mark it as one
occurrence of an id the file repeats (importers/line_ids.py); otherwise by its
content: (booked or pending, date, amount, normalised description, reference, check number) plus its
occurrence among identical lines. So a second genuine $500 on the same day is added unless the account
already holds two of them. Lines of one file are never deduplicated against each other (the bank reported
each once); whole statements repeated inside a file are.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..controls.audit import canonical_json
from ..gc_pause import paused_gc
from ..importers.line_ids import NOT_STABLE, occurrence_base
from ..records import BankLine, ImportResult, Statement
from .fingerprint_lines import lines_json

# Line ids an importer made up from a line's position because the file gave no bank id: they differ between
# two downloads of the same transactions, so such lines are known by their content. "<account>" and
# "<statement>" stand for the statement's account and id. A format not listed here (pdf, template, ...)
# has no stable ids: its lines are always known by their content. In every listed format, an id bearing
# line_ids' occurrence mark ("X~2": the file repeats X) is not stable either (added in _synthetic).
SYNTHETIC_IDS: dict[str, tuple[str, ...]] = {
    "ofx": (r"S\d+-P?\d+",),  # no FITID
    "camt053": (r"<statement>-\d+", r"S\d+-\d+"),  # no AcctSvcrRef / NtryRef
    "camt052": (r"<statement>-\d+", r"S\d+-\d+"),  # the same reader as camt053
    "camt054": (r"<statement>-\d+", r"S\d+-\d+"),
    "mt940": (r"<account>-\d{8}-\d+",),  # no bank reference in :61:
    "mt942": (r"<account>-\d{8}-\d+",),  # the same ids as MT940 (one reader)
    "bai2": (r"<account>-\d{8}-\d+",),  # no bank reference in the 16 record
    "csv": (r"L\d+",),  # no transaction-id column: the file's line number
    "xlsx": (r"L\d+",),
    "xls": (r"L\d+",),
}

INFO, WARNING, ERROR = "info", "warning", "error"


@dataclass(frozen=True, slots=True)
class HeldStatement:
    """A statement the account already holds, with the lines stored from it (lines that cannot matter to
    this import, e.g. dated outside its dates and without a bank id in it, may be left out)."""

    ref: Hashable  # the caller's key (e.g. the database id)
    label: str  # how people know it, e.g. "statement #12 (reconciliation #4)"
    account: str
    currency: str
    format: str
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    period_start: dt.date | None  # first day it covers (stated, or its first line's date)
    period_end: dt.date | None
    fingerprint: str
    period_stated: bool = False  # the bank printed the period (else the dates are its lines')
    statement_id: str = ""
    source: str = ""
    imported_at: dt.datetime | None = None
    imported_by: str = ""
    lines: tuple[BankLine, ...] = ()


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line of the file that the account already holds."""

    line: BankLine
    held_ref: Hashable  # the held statement holding it
    held_label: str
    held_line: BankLine  # the line as it is held
    by: str  # "bank id" | "content"
    reason: str


@dataclass(frozen=True, slots=True)
class Finding:
    """Something about the continuity of the account's statements a preparer and a reviewer must see."""

    severity: str  # info | warning | error
    kind: str  # opening_mismatch | overlap_mismatch | gap | overlap | bank_id_conflict | undated
    statement: int  # index of the file's statement it is about
    message: str
    other: str = ""  # the other statement's label
    expected: Decimal | None = None
    actual: Decimal | None = None
    first_day: dt.date | None = None  # the days of the gap or overlap
    last_day: dt.date | None = None

    @property
    def difference(self) -> Decimal | None:
        return None if self.expected is None or self.actual is None else self.actual - self.expected


@dataclass(frozen=True, slots=True)
class StatementPlan:
    """What happens to one statement of the file."""

    index: int
    statement: Statement
    add: tuple[BankLine, ...] = ()
    skipped: tuple[SkippedLine, ...] = ()
    duplicate_of: str = ""  # who already holds this very statement (then nothing is added); "" otherwise
    duplicate_ref: Hashable | None = None  # the held statement's ref (None when it repeats one of this file)
    fingerprint: str = ""  # statement_fingerprint(statement), worked out once (it hashes every line)

    @property
    def is_duplicate(self) -> bool:
        return bool(self.duplicate_of)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    statements: tuple[StatementPlan, ...]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def lines_to_add(self) -> tuple[BankLine, ...]:
        return tuple(ln for sp in self.statements for ln in sp.add)

    @property
    def lines_skipped(self) -> tuple[SkippedLine, ...]:
        return tuple(s for sp in self.statements for s in sp.skipped)

    @property
    def duplicates(self) -> tuple[StatementPlan, ...]:
        return tuple(sp for sp in self.statements if sp.is_duplicate)

    @property
    def stored(self) -> tuple[StatementPlan, ...]:
        """The statements to store (every one that is not an exact duplicate)."""
        return tuple(sp for sp in self.statements if not sp.is_duplicate)


# ---------------------------------------------------------------------------------------------- identity
def statement_fingerprint(st: Statement) -> str:
    """The same statement, whatever file or reconciliation it arrives through, has the same fingerprint
    (a repeated id's occurrence mark depends on the rest of the file, so it is left out; so are balances a user
    entered, which are not the file's: the file imported again without them is the same statement)."""
    opening = None if st.opening_source == "entered" else st.opening_balance
    closing = None if st.closing_source == "entered" else st.closing_balance
    head = [st.account, st.currency, opening, closing, st.period_start, st.period_end]
    lines = lines_json(st.lines)  # the same text as canonical_json's, by column (fingerprint_lines.py)
    if lines is None:
        text = canonical_json(head + [[[occurrence_base(ln.line_id), ln.date, ln.amount, ln.pending]
                                       for ln in st.lines]])
    else:
        text = canonical_json(head)[:-1] + "," + lines + "]"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def account_key(account: str, currency: str) -> tuple[str, str]:
    """Statements are compared only within one bank account and currency ("NL91 ABNA" == "nl91abna")."""
    return "".join((account or "").split()).upper(), (currency or "").upper()


def _m(value: Decimal) -> str:
    """An amount as people read it: 2 decimals, more only when it has them (1169.7500 -> 1169.75)."""
    cents = value.quantize(Decimal("0.01")) if value == value.quantize(Decimal("0.01")) else value.normalize()
    return format(cents, "f")


@lru_cache(maxsize=1 << 16)  # descriptions repeat a lot (card payment, monthly fee...)
def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def content_key(line: BankLine) -> tuple:
    """What identifies a line that has no stable bank id (its occurrence among equal keys aside)."""
    return (line.pending, line.date, line.amount, _norm(line.description), _norm(line.reference),
            (line.check_number or "").strip())


@lru_cache(maxsize=1024)
def _synthetic(fmt: str, account: str, statement_id: str) -> re.Pattern | None:
    patterns = SYNTHETIC_IDS.get(fmt)
    if patterns is None:
        return None
    # an empty account or statement id is what the importer used too (e.g. "-20260131-1")
    # "-<n>": services/imports gives an id already used in the reconciliation a suffix when it stores it (so
    # a stored "L5-2" is still the made-up "L5"); NOT_STABLE allows the same suffix
    alts = [p.replace("<account>", re.escape(account)).replace("<statement>", re.escape(statement_id)) + r"(?:-\d+)?"
            for p in patterns]
    alts.append(NOT_STABLE)
    return re.compile("|".join(f"(?:{a})" for a in alts))


def bank_id(line: BankLine, fmt: str, account: str = "", statement_id: str = "") -> str | None:
    """The line's stable bank transaction id, or None when its format has none or the id was made up."""
    synthetic = _synthetic(fmt, account or "", statement_id or "")
    if synthetic is None or not line.line_id or synthetic.fullmatch(line.line_id):
        return None
    return line.line_id


# ---------------------------------------------------------------------------------------------- the plan
def plan_import(held: Iterable[HeldStatement], result: ImportResult, file_name: str = "") -> ImportPlan:
    """Decide, statement by statement, what of `result` the account does not hold yet, and check continuity.
    `file_name` names the file's statements in messages ("statement 2/1 of feb.sta"; else "of this file")."""
    with paused_gc():  # hundreds of thousands of small objects that all stay alive: nothing to collect
        return _plan(list(held), result, file_name or "this file")


def _plan(held: list[HeldStatement], result: ImportResult, file_name: str) -> ImportPlan:
    by_print = {h.fingerprint: h for h in held}
    pools: dict[tuple[str, str], _Pool] = {}
    seen_prints: dict[str, int] = {}
    plans = []
    for i, st in enumerate(result.statements):
        fp = statement_fingerprint(st)
        dup = by_print.get(fp)
        if dup is not None:
            plans.append(StatementPlan(i, st, duplicate_of=_held_origin(dup), duplicate_ref=dup.ref, fingerprint=fp))
            continue
        if fp in seen_prints:
            plans.append(StatementPlan(i, st, duplicate_of=_new_label(result, seen_prints[fp], file_name),
                                       fingerprint=fp))
            continue
        seen_prints[fp] = i
        key = account_key(st.account, st.currency)
        if key not in pools:
            pools[key] = _Pool([h for h in held if account_key(h.account, h.currency) == key])
        plans.append(pools[key].plan(i, st, result.format, fp))
    findings = [f for sp in plans for f in _id_conflicts(sp)]
    findings += _continuity(held, result, plans, file_name)
    return ImportPlan(tuple(plans), tuple(findings))


class _Entry:
    """One held line in a pool; `taken` once a line of the file has been recognised as it."""

    __slots__ = ("held", "line", "namespace", "taken")

    def __init__(self, held: HeldStatement, line: BankLine, namespace: str | None):
        self.held, self.line, self.namespace, self.taken = held, line, namespace, False


class _Pool:
    """The held lines of one account and currency, by bank id and by content."""

    def __init__(self, held: Sequence[HeldStatement]):
        self.by_id: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        self.by_content: dict[tuple, list[_Entry]] = defaultdict(list)
        for h in sorted(held, key=_held_order):
            for ln in h.lines:
                bid = bank_id(ln, h.format, h.account, h.statement_id)
                entry = _Entry(h, ln, h.format if bid else None)
                if bid:
                    self.by_id[(h.format, bid)].append(entry)
                self.by_content[content_key(ln)].append(entry)

    def plan(self, index: int, st: Statement, fmt: str, fingerprint: str = "") -> StatementPlan:
        if not self.by_content:  # the account holds no line this file could repeat: every line is new
            return StatementPlan(index, st, tuple(st.lines), (), fingerprint=fingerprint)
        ids = [bank_id(ln, fmt, st.account, st.statement_id) for ln in st.lines]
        skipped: dict[int, SkippedLine] = {}
        for n, (ln, bid) in enumerate(zip(st.lines, ids)):
            if bid is None:
                continue
            entry = next((e for e in self.by_id.get((fmt, bid), ()) if not e.taken), None)
            if entry is not None:
                entry.taken = True
                skipped[n] = SkippedLine(ln, entry.held.ref, entry.held.label, entry.line, "bank id",
                                         f"bank id {bid} is already held ({entry.held.label})")
        groups: dict[tuple, list[int]] = defaultdict(list)
        for n, ln in enumerate(st.lines):
            if n not in skipped:
                groups[content_key(ln)].append(n)
        for key, members in groups.items():
            free = [e for e in self.by_content.get(key, ()) if not e.taken]
            if not free:
                continue
            # Two lines that both carry a bank id of this format and differ in it are different transactions,
            # however alike: a held line with such an id can only be recognised by a file line without one.
            same_ids = [e for e in free if e.namespace == fmt]
            either = [e for e in free if e.namespace != fmt]
            for n in [m for m in members if ids[m]] + [m for m in members if not ids[m]]:
                pick = either if ids[n] or not same_ids else same_ids
                if not pick:
                    continue
                entry = pick.pop(0)
                entry.taken = True
                ln = st.lines[n]
                skipped[n] = SkippedLine(ln, entry.held.ref, entry.held.label, entry.line, "content", (
                    f"a line of {ln.date.isoformat()} for {_m(ln.amount)} with the same description is already held "
                    f"({entry.held.label}, line {entry.line.line_id})"))
        add = tuple(ln for n, ln in enumerate(st.lines) if n not in skipped)
        return StatementPlan(index, st, add, tuple(skipped[n] for n in sorted(skipped)), fingerprint=fingerprint)


def _held_order(h: HeldStatement) -> tuple:
    return (h.period_start or dt.date.max, h.period_end or dt.date.max, str(h.ref))


def _held_origin(h: HeldStatement) -> str:
    when = f" on {h.imported_at:%Y-%m-%d %H:%M} UTC" if h.imported_at else ""
    who = f" by {h.imported_by}" if h.imported_by else ""
    src = f" from {h.source}" if h.source else ""
    return f"{h.label}, imported{when}{who}{src}"


def _new_label(result: ImportResult, i: int, file_name: str) -> str:
    st = result.statements[i]
    return f"statement {st.statement_id or '#' + str(i + 1)} of {file_name}"


def _id_conflicts(sp: StatementPlan) -> list[Finding]:
    """A bank id already held for a line whose date or amount differ: skipped, but someone must look."""
    out = []
    for s in sp.skipped:
        old = s.held_line
        if s.by == "bank id" and (old.date, old.amount) != (s.line.date, s.line.amount):
            out.append(Finding(
                WARNING, "bank_id_conflict", sp.index,
                f"line {s.line.line_id} ({s.line.date.isoformat()}, {_m(s.line.amount)}) has the bank id of a line "
                f"already held with other figures ({old.date.isoformat()}, {_m(old.amount)}, {s.held_label}); it was "
                "skipped as the same transaction: check whether the bank corrected it",
                s.held_label, old.amount, s.line.amount))
    return out


# ---------------------------------------------------------------------------------------------- continuity
@dataclass(frozen=True, slots=True)
class _Node:
    """A statement placed in an account's sequence (held, or new from this file)."""

    label: str
    start: dt.date
    end: dt.date
    stated: bool
    opening: Decimal | None
    closing: Decimal | None
    order: tuple
    index: int | None = None  # the file's statement index when new
    booked: tuple[BankLine, ...] = ()
    plan: StatementPlan | None = None

    @property
    def key(self) -> tuple:
        return (self.start, self.end, self.order)

    @property
    def dates(self) -> str:
        return self.start.isoformat() if self.start == self.end else f"{self.start}..{self.end}"


def _coverage(st: Statement) -> tuple[dt.date | None, dt.date | None, bool]:
    stated = st.period_start is not None and st.period_end is not None
    start, end = st.period_start or st.first_date, st.period_end or st.last_date
    if start is not None and end is not None and end < start:
        start, end = end, start
    return start, end, stated


def _continuity(held: Sequence[HeldStatement], result: ImportResult, plans: Sequence[StatementPlan],
                file_name: str) -> list[Finding]:
    """Findings for each boundary between a statement of this file and its neighbours in its account's
    sequence (before and after, so the outcome does not depend on the order files are imported in)."""
    nodes: dict[tuple[str, str], list[_Node]] = defaultdict(list)
    for h in held:
        if h.period_start is None or h.period_end is None:
            continue
        start, end = sorted((h.period_start, h.period_end))
        nodes[account_key(h.account, h.currency)].append(_Node(
            h.label, start, end, h.period_stated, h.opening_balance, h.closing_balance, (0, str(h.ref))))
    findings = []
    for sp in plans:
        if sp.is_duplicate:
            continue
        st = sp.statement
        start, end, stated = _coverage(st)
        label = _new_label(result, sp.index, file_name)
        if start is None:
            findings.append(Finding(WARNING, "undated", sp.index, f"{label} has neither a period nor dated lines: "
                                    "its continuity with other statements was not checked"))
            continue
        nodes[account_key(st.account, st.currency)].append(_Node(
            label, start, end, stated, st.opening_balance, st.closing_balance, (1, sp.index), sp.index, st.booked,
            sp))
    for group in nodes.values():
        if all(n.index is None for n in group):
            continue
        # Each statement's boundary is with the one before it that reaches furthest (a statement lying
        # inside a longer one is compared with that one only): pairs of the account's whole sequence, so
        # whichever of two neighbours is imported second, their boundary is checked then.
        group.sort(key=lambda n: n.key)
        reach = None
        for node in group:
            if reach is not None and (reach.index is not None or node.index is not None):
                findings += _boundary(reach, node)
            if reach is None or (node.end, node.start, node.order) > (reach.end, reach.start, reach.order):
                reach = node
    return findings


def _boundary(early: _Node, late: _Node) -> list[Finding]:
    new = late if late.index is not None else early
    other = early if new is late else late
    if late.start > early.end:
        return _sequential(early, late, new, other)
    return _overlapping(early, late, new, other)


def _sequential(early: _Node, late: _Node, new: _Node, other: _Node) -> list[Finding]:
    out = []
    chained = None
    if early.closing is not None and late.opening is not None:
        chained = early.closing == late.opening
        if not chained:
            out.append(Finding(
                ERROR, "opening_mismatch", new.index,
                f"the opening balance {_m(late.opening)} of {late.label} ({late.dates}) is not the closing balance "
                f"{_m(early.closing)} of {early.label} ({early.dates}), the statement before it: difference "
                f"{_m(late.opening - early.closing)}. A statement may be missing, or one of them is not this "
                "account's",
                other.label, early.closing, late.opening))
    gap_first, gap_last = early.end + dt.timedelta(days=1), late.start - dt.timedelta(days=1)
    if gap_last >= gap_first and early.stated and late.stated:
        days = (gap_last - gap_first).days + 1
        span = gap_first.isoformat() if days == 1 else f"{gap_first}..{gap_last}"
        if chained:
            text = f"the balances chain ({_m(early.closing)}), so nothing moved on those days in total"
        elif chained is None:
            text = "a statement may be missing (the balances are not known, so this cannot be told)"
        else:
            text = "a statement may be missing"
        out.append(Finding(INFO if chained else WARNING, "gap", new.index,
                           f"no statement covers {span} ({days} day{'s' if days > 1 else ''}) between "
                           f"{early.label} ({early.dates}) and {late.label} ({late.dates}): {text}",
                           other.label, first_day=gap_first, last_day=gap_last))
    return out


def _overlapping(early: _Node, late: _Node, new: _Node, other: _Node) -> list[Finding]:
    first, last = late.start, min(early.end, late.end)
    span = first.isoformat() if first == last else f"{first}..{last}"
    inside = [ln for ln in new.booked if first <= ln.date <= last]
    held_ids = {id(s.line) for s in new.plan.skipped} if new.plan else set()
    added = [ln for ln in inside if id(ln) not in held_ids]
    same_file = early.index is not None and late.index is not None
    expected = actual = None
    explained = False
    if new is early:
        # the balance at the start of `late` by the new statement: its closing less its lines from that day on
        if early.closing is not None and late.opening is not None:
            moved = sum((ln.amount for ln in early.booked if ln.date >= late.start), Decimal(0))
            expected, actual = early.closing - moved, late.opening
            where = (f"{early.label} closes at {_m(early.closing)} and its lines from {late.start} on total "
                     f"{_m(moved)}, so it puts the balance at {_m(expected)} before {late.start}; {late.label} "
                     f"opens at {_m(actual)}")
    elif late.end >= early.end and early.closing is not None and late.opening is not None:
        # the balance at the end of `early` by the new statement: its opening plus its lines up to that day
        moved = sum((ln.amount for ln in late.booked if ln.date <= early.end), Decimal(0))
        expected, actual = early.closing, late.opening + moved
        where = (f"{late.label} opens at {_m(late.opening)} and its lines up to {early.end} total {_m(moved)}, so it "
                 f"puts the balance at {_m(actual)} after {early.end}; {early.label} closes at {_m(expected)}")
        # a statement produced during its last day lacks that day's later lines: the new ones explain it
        explained = (not same_file and actual != expected
                     and actual - sum((ln.amount for ln in added), Decimal(0)) == expected)
    out = []
    mismatch = expected is not None and expected != actual
    if mismatch and not explained:
        out.append(Finding(ERROR, "overlap_mismatch", new.index,
                           f"the balances do not agree over the overlap {span}: {where} (difference "
                           f"{_m(actual - expected)})", other.label, expected, actual, first, last))
    if not inside and not mismatch:
        return out  # e.g. an MT940 opening balance dated the day before: nothing of it is repeated
    if same_file:
        text = "both are in the same file, so every line of both was kept"
    else:
        one = len(added) == 1
        text = (f"{len(inside) - len(added)} of its {len(inside)} booked lines on those days were already held "
                "and were skipped" + (f"; {len(added)} {'was' if one else 'were'} not held and "
                                      f"{'was' if one else 'were'} added" if added else ""))
        if explained:
            text += (f", and {'it is' if one else 'they are'} exactly the difference between the balances "
                     f"({where}): {early.label} was likely produced before {'it was' if one else 'they were'} "
                     "booked")
    nested = " lies within" if (late.end <= early.end and new is late) else " overlaps"
    severity = WARNING if (added and not same_file) or mismatch else INFO
    out.append(Finding(severity, "overlap", new.index,
                       f"{new.label} ({new.dates}){nested} {other.label} ({other.dates}) on {span}: {text}",
                       other.label, expected if explained else None, actual if explained else None, first, last))
    return out

"""SWIFT MT940 customer statements -> one Statement per :20: block, with the balances the bank states.

Why a parser of our own: the popular `mt-940` package signs RC (reversal of a credit) as money in unless every
option is switched on, accepts a truncated file (a statement without its closing balance) without a word, and
needs per-bank tag overrides for common files (e.g. ASN Bank's wrapped :61:). The field grammar is small and
fixed, so it lives here; character sets and :86: narratives are in mt940_text.py.

Signs, from the account holder's view: C +, D -, RC (reversal of a credit: money out) -, RD (reversal of a
debit: money in) +. Dates: a line's date is its :61: value date; the optional entry (booking) date carries no
year and takes the year that puts it nearest the value date (a December value date booked on 2 January).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from ..errors import BankFileError, Problem
from ..records import BankLine, ImportResult, Statement
from . import line_ids, mt940_text
from .base import ImportOptions

# Transaction type identification codes (the 3 characters after N/F) -> canonical type. S + a SWIFT message
# type (S103, S202...) is a wire. Dutch banks' own codes are listed after the SWIFT ones.
TYPE_CODES = {
    "CHK": "check", "TCK": "check", "ECK": "check",
    "CHG": "fee", "COM": "fee", "BRF": "fee",
    "INT": "interest",
    "DDT": "direct_debit",
    "TRF": "transfer", "STO": "transfer",
    "RTI": "return",
    "OVB": "transfer", "IOB": "transfer", "BEA": "card", "GEA": "cash", "INC": "direct_debit",
}
SIGNS = {"C": 1, "D": -1, "RC": -1, "RD": 1}
MAX_PROBLEMS = 200

_TAG = re.compile(r":(\d\d[A-Z]?|NS):")
_BALANCE = re.compile(r"([CD])(\d{6})([A-Z]{3})(\d[\d,]*)$")
_LINE61 = re.compile(r"(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d[\d,]*)([NFS][A-Z0-9]{3})(.*)$")
_MULTILINE = {"61", "86"}
_HEAD_20 = re.compile(rb"(?:\A|[\r\n])[\s\x01]*:20:")
_HEAD_25 = re.compile(rb"[\r\n]\s*:25[A-Z]?:")
_HEAD_60 = re.compile(rb"[\r\n]\s*:60[FM]:")


class Mt940Entry(NamedTuple):
    """One :61: statement line with its :86: narrative, as the file states it (immutable)."""

    line: int
    value_date: dt.date
    entry_date: dt.date | None
    mark: str  # C, D, RC or RD
    funds_code: str
    amount: Decimal  # signed from the account holder's view
    type_code: str  # e.g. NTRF
    customer_ref: str
    bank_ref: str
    supplementary: str
    narrative: mt940_text.Narrative | None

    @property
    def reversal(self) -> bool:
        return self.mark in ("RC", "RD")


class Mt940Statement(NamedTuple):
    """One :20: block: account, balances and entries (immutable)."""

    line: int
    reference: str
    account: str
    number: str
    currency: str
    opening: Decimal
    opening_date: dt.date
    opening_kind: str  # F (first) or M (intermediate)
    closing: Decimal
    closing_date: dt.date
    closing_kind: str
    entries: tuple[Mt940Entry, ...]


class _Open:
    """A statement being read (mutable scratch; becomes an Mt940Statement when complete)."""

    __slots__ = ("line", "reference", "account", "number", "opening", "closing", "entries", "last61")

    def __init__(self, line: int, reference: str):
        self.line, self.reference = line, reference
        self.account: str | None = None
        self.number = ""
        self.opening: tuple | None = None  # (amount, date, currency, kind)
        self.closing: tuple | None = None
        self.entries: list[list] = []  # [line, lines of :61:, lines of :86: or None]
        self.last61: list | None = None


class Mt940Parser:
    """Reads one MT940 file's text into Mt940Statements; problems are collected and raised as BankFileError."""

    def __init__(self, path: Path | str = "<text>"):
        self.path = path
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.statements: list[Mt940Statement] = []
        self._dates: dict[str, dt.date] = {}
        self._entry_dates: dict[tuple[dt.date, str], dt.date] = {}

    def problem(self, text: str, line: int | None, field: str | None = None, record: str | None = None):
        self.problems.append(Problem(text, line=line, field=field, record=record))
        if len(self.problems) >= MAX_PROBLEMS:
            raise BankFileError(self.path, self.problems)

    def fatal(self, text: str, line: int | None, field: str | None = None, record: str | None = None):
        self.problems.append(Problem(text, line=line, field=field, record=record))
        raise BankFileError(self.path, self.problems)

    # ---- lines -> fields ----------------------------------------------------------------------------------
    def fields(self, text: str):
        """Yield (tag, lines, line number) for every field, and (None, [], line) at each end of a message."""
        tag = None
        lines: list[str] = []
        start = 0
        if "\r" in text:  # Windows (CR LF) and old Mac (CR alone) line ends
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        match_tag = _TAG.match
        controls = "\x00\x01\x02\x03\x1a"  # SWIFT transmission bytes around a message
        strip_controls = any(c in text for c in controls)  # most files have none: no strip per line then
        for lineno, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip(controls) if strip_controls else raw
            first = line[:1]
            if first == "{" or first == "}":
                # SWIFT envelope: {1:..}{2:..}{4: opens block 4, "-}" or "}" closes it.
                if tag is not None:
                    yield tag, lines, start
                    tag = None
                yield None, [], lineno
                at = line.find("{4:")
                if at < 0:
                    continue
                line = line[at + 3:]
                if not line.strip():
                    continue
                first = line[:1]
            elif first != ":" and "-" not in line and tag in _MULTILINE:
                # A continuation of :61:/:86: (most lines after the tag lines): without a "-" it cannot end the
                # message, so it is kept as it is without the strip and tests below.
                lines.append(line)
                continue
            if first == ":":
                if line[3:4] == ":" and line[1:3].isdecimal():  # :NN: (isdecimal is the regex's \d), sans regex
                    found, body = line[1:3], line[4:]
                else:
                    m = match_tag(line)
                    found, body = (m.group(1), line[m.end():]) if m else (None, "")
                if found is not None:
                    if tag is not None:
                        yield tag, lines, start
                    tag, lines, start = found, [body], lineno
                    continue
            stripped = line.strip()
            if stripped == "-" or stripped.startswith("-}"):
                if tag is not None:
                    yield tag, lines, start
                    tag = None
                yield None, [], lineno
            elif tag is not None and (tag in _MULTILINE or stripped):
                lines.append(line)
        if tag is not None:
            yield tag, lines, start

    # ---- fields -> statements -----------------------------------------------------------------------------
    def parse(self, text: str) -> list[Mt940Statement]:
        st: _Open | None = None
        done = False  # the open statement has its closing balance
        for tag, lines, lineno in self.fields(text):
            # :61: and :86: come first: they are nearly all of a file's fields.
            if tag == "61":
                if st is None:
                    continue
                if st.opening is None:
                    self.problem("a statement line before the opening balance :60F:/:60M:", lineno, ":61:")
                elif done:
                    self.problem("a statement line after the closing balance", lineno, ":61:")
                st.last61 = [lineno, lines, None]
                st.entries.append(st.last61)
                continue
            if tag == "86":
                if st is not None and st.last61 is not None and not done:
                    last86 = st.last61[2]
                    if last86 is None:
                        st.last61[2] = lines  # a fresh list per field: safe to keep and extend
                    else:
                        last86.extend(lines)
                # :86: before the first :61: or after the closing balance is about the statement, not a line.
                continue
            if tag is None:  # end of a SWIFT message: its statement must be complete
                if st is not None:
                    self._close(st)
                    st = None
                continue
            if tag == "20":
                if st is not None:
                    self._close(st)
                st, done = _Open(lineno, lines[0].strip()), False
                self._extra_lines(tag, lines, lineno)
                continue
            if st is None:
                continue  # bank headers before the first :20: (e.g. ":940:" or a BIC line) are not statement data
            if tag in ("25", "25P"):
                if st.account is not None:
                    self.problem("a second account identification in one statement", lineno, f":{tag}:")
                st.account = lines[0].strip()
                if not st.account:
                    self.problem("the account identification is empty", lineno, f":{tag}:")
                self._extra_lines(tag, lines, lineno)
            elif tag == "28C" or tag == "28":
                st.number = lines[0].strip()
            elif tag in ("60F", "60M"):
                if st.opening is not None:
                    self.problem("a second opening balance in one statement", lineno, f":{tag}:")
                st.opening = self._balance(lines, lineno, tag)
            elif tag in ("62F", "62M"):
                if done:
                    self.problem("a second closing balance in one statement", lineno, f":{tag}:")
                st.closing = self._balance(lines, lineno, tag)
                done = True
                st.last61 = None
            # :21:, :64:, :65:, :13D:, :34F:, :NS: and others carry nothing a reconciliation needs.
        if st is not None:
            self._close(st)
        if not self.statements and not self.problems:
            self.fatal("no MT940 statement found (a statement starts with :20:)", None, ":20:")
        if self.problems:
            raise BankFileError(self.path, self.problems)
        return self.statements

    def _extra_lines(self, tag: str, lines: list[str], lineno: int) -> None:
        extra = [ln.strip() for ln in lines[1:] if ln.strip()]
        if extra:
            self.warnings.append(f"line {lineno}: text after :{tag}: ignored: {' '.join(extra)[:60]!r}")

    def _close(self, st: _Open) -> None:
        where = f"statement :20:{st.reference} of line {st.line}"
        ok = True
        if st.account is None:
            self.problem("the statement has no account identification :25:", st.line, ":25:", where)
            ok = False
        if st.opening is None:
            self.problem("the statement has no opening balance :60F:/:60M:", st.line, ":60F:", where)
            ok = False
        if st.closing is None:
            self.problem("the statement ends without a closing balance :62F:/:62M: (the file looks truncated)",
                         st.line, ":62F:", where)
            ok = False
        if not ok or st.opening[0] is None or st.closing[0] is None:
            return
        currency = st.opening[2]
        if st.closing[2] != currency:
            self.problem(f"the closing balance is in {st.closing[2]} but the opening balance in {currency}",
                         st.line, ":62F:", where)
        entries = []
        for lineno, lines61, lines86 in st.entries:
            entry = self._entry(lineno, lines61, lines86)
            if entry is not None:
                entries.append(entry)
        self.statements.append(Mt940Statement(
            line=st.line, reference=st.reference, account=st.account, number=st.number, currency=currency,
            opening=st.opening[0], opening_date=st.opening[1], opening_kind=st.opening[3],
            closing=st.closing[0], closing_date=st.closing[1], closing_kind=st.closing[3],
            entries=tuple(entries)))

    # ---- values -------------------------------------------------------------------------------------------
    def _date(self, s: str, lineno: int, field: str) -> dt.date | None:
        cached = self._dates.get(s)
        if cached is not None:
            return cached
        try:
            yy, mm, dd = int(s[:2]), int(s[2:4]), int(s[4:6])
            value = dt.date(2000 + yy if yy < 70 else 1900 + yy, mm, dd)
        except ValueError:
            self.problem(f"not a date (YYMMDD): {s!r}", lineno, field)
            return None
        self._dates[s] = value
        return value

    def _amount(self, s: str, lineno: int, field: str) -> Decimal | None:
        if s.count(",") > 1:
            self.problem(f"not an amount (one decimal comma expected): {s!r}", lineno, field)
            return None
        return Decimal(s.replace(",", ".")) if "," in s else Decimal(s)

    def _balance(self, lines: list[str], lineno: int, tag: str) -> tuple:
        field = f":{tag}:"
        self._extra_lines(tag, lines, lineno)
        text = lines[0].strip()
        m = _BALANCE.match(text)
        if not m or not text.isascii():
            self.problem(f"not a balance (D/C mark, YYMMDD date, currency, amount such as C200131EUR1234,56): "
                         f"{text[:40]!r}", lineno, field)
            return (None, None, None, tag[-1])
        mark, date, currency, amount = m.groups()
        day = self._date(date, lineno, field)
        value = self._amount(amount, lineno, field)
        if value is None or day is None:
            return (None, None, None, tag[-1])
        return (-value if mark == "D" else value, day, currency, tag[-1])

    def _entry(self, lineno: int, lines61: list[str], lines86: list[str] | None) -> Mt940Entry | None:
        """One :61: (+ :86:) -> Mt940Entry. Called once per transaction, so the usual case is kept lean: dates
        come from caches, and the amount helper (which reports problems) is called only for a bad amount."""
        first = lines61[0].strip()
        m = _LINE61.match(first)
        if not m or not first.isascii():
            self.problem("not a statement line (value date YYMMDD, optional entry date MMDD, mark C/D/RC/RD, "
                         f"amount, type such as NTRF, reference): {first[:40]!r}", lineno, ":61:")
            return None
        vdate, edate, mark, funds, amount, type_code, refs = m.groups()
        value_date = self._dates.get(vdate) or self._date(vdate, lineno, ":61: value date")
        if amount.count(",") < 2:
            value = Decimal(amount.replace(",", "."))
            # The sign without a multiplication: copy_negate is SIGNS[mark] * value (-0.00 included) as long as
            # the product is exact, i.e. the amount has no more digits than the context's precision (28).
            if len(amount) > 28:
                value = SIGNS[mark] * value
            elif mark == "D" or mark == "RC":
                value = value.copy_negate()
        else:  # more than one decimal comma: _amount reports it and gives None
            value = self._amount(amount, lineno, ":61: amount")
        if value_date is None or value is None:
            return None
        entry_date = None
        if edate:
            key = (value_date, edate)
            entry_date = self._entry_dates.get(key)
            if entry_date is None:
                entry_date = _nearest_year(value_date, int(edate[:2]), int(edate[2:]))
                if entry_date is None:
                    self.problem(f"not an entry date (MMDD): {edate!r}", lineno, ":61: entry date")
                    return None
                self._entry_dates[key] = entry_date
        customer_ref, _, bank_ref = refs.partition("//")
        if len(lines61) == 1:
            supplementary = ""
        elif len(lines61) == 2:  # the usual single line of supplementary details
            supplementary = lines61[1].strip()
            if not supplementary.isprintable():
                supplementary = _printable(supplementary)
        else:
            supplementary = _printable(" ".join([piece for piece in map(str.strip, lines61[1:]) if piece]))
        # tuple.__new__ makes the same Mt940Entry as Mt940Entry(...) without the Python frame of its __new__.
        return _new_tuple(Mt940Entry, (lineno, value_date, entry_date, mark, funds or "", value,
                                       type_code, customer_ref.strip(), bank_ref.strip(), supplementary,
                                       _narrative(lines86) if lines86 else None))


def _nearest_year(near: dt.date, month: int, day: int) -> dt.date | None:
    """The date with this month and day nearest to `near` (year before, same year or year after)."""
    try:
        same = dt.date(near.year, month, day)
        if abs((same - near).days) <= 182:
            return same
    except ValueError:
        pass
    best = None
    for year in (near.year, near.year - 1, near.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - near).days) < abs((best - near).days):
            best = candidate
    return best


_narrative = mt940_text.narrative
_new_tuple = tuple.__new__
_printable = mt940_text.printable


def canonical_type(entry: Mt940Entry) -> str:
    if entry.reversal:
        return "reversal"
    if entry.type_code[0] == "S":
        return "wire"
    return TYPE_CODES.get(entry.type_code[1:], "other")


_NO_REFS = frozenset(("NONREF", "NOTPROVIDED", ""))


def _real_ref(ref: str) -> str:
    return "" if ref.upper() in _NO_REFS else ref


def to_statements(parsed: list[Mt940Statement], warnings: list[str] | None = None) -> list[Statement]:
    """Canonical statements; line ids are the bank's reference or, without one, account-date-sequence; an id
    the file repeats is marked on every line that has it (line_ids.assign), with a warning into `warnings`."""
    # The loops below run once per transaction: entries are unpacked rather than read field by field, and
    # _real_ref is written out in them.
    sequence: dict[tuple[str, dt.date], int] = {}
    candidates = []
    for ps in parsed:
        account = ps.account
        for e in ps.entries:
            value_date, bank_ref = e.value_date, e.bank_ref
            key = (account, value_date)
            seq = sequence[key] = sequence.get(key, 0) + 1
            if bank_ref.upper() in _NO_REFS:
                candidates.append(f"{account}-{value_date:%Y%m%d}-{seq}")
            else:
                candidates.append(bank_ref)
    assigned = line_ids.assign(candidates)
    if assigned.repeated and warnings is not None:
        warnings.append(assigned.warning("bank reference (:61: after //, else account-date-sequence)"))
    ids = iter(assigned.ids)
    kinds: dict[tuple[str, str], str] = {}  # (mark, type code) -> canonical type: a file uses only a few
    out = []
    for ps in parsed:
        lines = []
        currency = ps.currency
        for e in ps.entries:
            _, value_date, _, mark, _, amount, type_code, customer_ref, _, supplementary, narrative = e
            kind = kinds.get((mark, type_code))
            if kind is None:
                kind = kinds[mark, type_code] = canonical_type(e)
            if customer_ref.upper() in _NO_REFS:
                customer_ref = ""
            if narrative is None:
                reference = customer_ref
                description = supplementary or type_code
            else:
                reference = customer_ref or narrative.reference
                description = narrative.description or supplementary or type_code
            if not description.isprintable():
                description = _printable(description)
            lines.append(BankLine(next(ids), value_date, amount, currency, reference, description, kind,
                                  customer_ref if kind == "check" else "", value_date))
        out.append(Statement(
            account=ps.account, currency=ps.currency, opening_balance=ps.opening, closing_balance=ps.closing,
            lines=tuple(lines), period_start=ps.opening_date, period_end=ps.closing_date,
            statement_id=ps.number or ps.reference))
    return out


def parse(text: str, path: Path | str = "<text>") -> Mt940Parser:
    parser = Mt940Parser(path)
    parser.parse(text)
    return parser


class Mt940Importer:
    name = "mt940"
    priority = 21

    def identify(self, path: Path, head: bytes) -> bool:
        return bool(_HEAD_20.search(head) and _HEAD_25.search(head) and _HEAD_60.search(head))

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BankFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
        text, encoding = mt940_text.decode(data)
        statements, warnings = _read(text, encoding, path)
        return ImportResult(format=self.name, source=str(path), statements=statements, warnings=tuple(warnings))


def _read(text: str, encoding: str, path: Path) -> tuple[tuple[Statement, ...], list[str]]:
    """Canonical statements and warnings of a decoded file. A function of its own so that the parser's
    intermediate records are freed when it returns, before the cycle collector runs again."""
    parser = parse(text, path)
    warnings = list(parser.warnings)
    if encoding not in ("utf-8", "ascii"):
        warnings.insert(0, f"the file is not UTF-8; read it as {encoding}")
    return tuple(to_statements(parser.statements, warnings)), warnings


IMPORTER = Mt940Importer()

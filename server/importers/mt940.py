"""SWIFT MT940 customer statements -> one Statement per :20: block, with the balances the bank states.

Why a parser of our own: the popular `mt-940` package signs RC (reversal of a credit) as money in unless every
option is switched on, accepts a truncated file (a statement without its closing balance) without a word, drops
:61: lines without a type code, and needs per-bank tag overrides for common files (e.g. ASN Bank's wrapped
:61:). The field grammar is small and fixed, so it lives here; character sets and :86:/:NS: narratives are in
mt940_text.py, the findings about a file's own figures in mt940_findings.py. The MT942 interim report
(mt942.py) has the same fields and is read by the same parser (`interim=True`).

What the file states is imported as it is: a statement without an opening or closing balance imports with
that balance unknown (None) and a finding; a field that cannot be read at all (a :61: without amount, an
impossible date) refuses the file, naming line and field.

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
from .missing import CURRENCY
from ..records import BankLine, Finding, ImportResult, Statement
from . import line_ids, mt940_findings, mt940_text
from .amount_bounds import short_enough
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
# :61: value date, entry date (MMDD), mark, funds code, amount, type code, references. The type code (N/F/S + 3)
# is mandatory in SWIFT but missing in some banks' files (Zenith: "CN220000,00//ref"), preceded by a space
# (Commerzbank) or padded with spaces (ING: "NOV NONREF"); any letter starts it (Tryton's sample: "IDXX"), and
# "NONREF" right after the amount is a reference, not a type code "NONR" (Penta). Without a type code only the
# references ("//bank ref", "NONREF") or nothing may follow: "C1.000,00NTRF" is no amount of 1 with text after it.
_LINE61 = re.compile(r"(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d[\d,]*+) ?(?:((?!NONREF)[A-Z][A-Z0-9 ]{3})|(?=//|NONREF|$))"
                     r"(.*)$")
_MULTILINE = {"61", "86"}
_CONTROLS = "\x00\x01\x02\x03\x1a"  # SWIFT transmission bytes around a message, DOS end of file
_NO_CONTROLS = str.maketrans("", "", _CONTROLS)
# A line start: a line end, or "@@", which some FinTS exports write instead of line ends.
HEAD_20 = re.compile(rb"(?:\A|[\r\n]|@@)[\s\x01\x1a]*:20:")
_HEAD_25 = re.compile(rb"(?:[\r\n]|@@)\s*:25[A-Z]?:")
_HEAD_60 = re.compile(rb"(?:[\r\n]|@@)\s*:60[FM]:")
_FLOOR = re.compile(r"([A-Z]{3}) ?([CD])? ?(\d[\d,]*|,\d+)$")  # :34F: currency, optional mark, amount
_TOTAL = re.compile(r"(\d*)([A-Z]{3}) ?(\d[\d,]*|,\d+)$")  # :90D:/:90C: count (may be missing), currency, sum


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


class Total(NamedTuple):
    """An MT942 :90D:/:90C: field: the number and sum of the debit (D) or credit (C) entries the bank counted."""

    line: int
    side: str  # D or C
    count: int | None  # some banks leave the number out (":90C:EUR,00")
    currency: str
    amount: Decimal


class Mt940Statement(NamedTuple):
    """One :20: block: account, balances (None where the file states none) and entries (immutable)."""

    line: int
    reference: str
    account: str
    number: str
    currency: str
    opening: Decimal | None
    opening_date: dt.date | None
    opening_kind: str  # F (first), M (intermediate) or "" (none stated)
    closing: Decimal | None
    closing_date: dt.date | None
    closing_kind: str
    entries: tuple[Mt940Entry, ...]
    findings: tuple[Finding, ...] = ()
    report_date: dt.date | None = None  # MT942 :13D: (date and time the report was made)
    totals: tuple[Total, ...] = ()  # MT942 :90D:/:90C:

    @property
    def name(self) -> str:
        return self.number or self.reference


class _Open:
    """A statement being read (mutable scratch; becomes an Mt940Statement when complete)."""

    __slots__ = ("line", "reference", "account", "number", "opening", "closing", "entries", "last61", "floor",
                 "report_date", "totals")

    def __init__(self, line: int, reference: str):
        self.line, self.reference = line, reference
        self.account: str | None = None
        self.number = ""
        self.opening: tuple | None = None  # (amount, date, currency, kind)
        self.closing: tuple | None = None
        self.entries: list[list] = []  # [line, lines of :61:, lines of :86: or None, lines of :NS: or None]
        self.last61: list | None = None
        self.floor: str | None = None  # the currency of the :34F: floor limit (MT942)
        self.report_date: dt.date | None = None
        self.totals: list[Total] = []


class Mt940Parser:
    """Reads one MT940 (or, with `interim`, MT942) file's text into Mt940Statements; problems are collected and
    raised as BankFileError. `currency` and `account` are the user's, for a file that states none."""

    def __init__(self, path: Path | str = "<text>", *, interim: bool = False, currency: str | None = None,
                 account: str | None = None):
        self.path = path
        self.interim = interim
        self.currency = currency
        self.account = account
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.statements: list[Mt940Statement] = []
        self._dates: dict[str, dt.date] = {}
        self._entry_dates: dict[tuple[dt.date, str], dt.date] = {}

    def problem(self, text: str, line: int | None, field: str | None = None, record: str | None = None,
                wanted: str | None = None):
        self.problems.append(Problem(text, line=line, field=field, record=record, missing=wanted))
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
        if "@@:" in text:  # FinTS exports that write "@@" for a line end (the whole file on one line)
            text = text.replace("@@", "\n")
        if any(c in text for c in _CONTROLS):  # most files have none: no pass over the text then
            # Transmission bytes carry nothing and may sit anywhere, e.g. 0x1A straight before a :20:.
            text = text.translate(_NO_CONTROLS)
        match_tag = _TAG.match
        for lineno, line in enumerate(text.split("\n"), start=1):
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
                if done:
                    self.problem("a statement line after the closing balance", lineno, ":61:")
                st.last61 = [lineno, lines, None, None]
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
                elif st.entries:
                    self.problem("the opening balance comes after statement lines", lineno, f":{tag}:")
                st.opening = self._balance(lines, lineno, tag)
            elif tag in ("62F", "62M"):
                if done:
                    self.problem("a second closing balance in one statement", lineno, f":{tag}:")
                st.closing = self._balance(lines, lineno, tag)
                done = True
                st.last61 = None
            elif tag == "NS":
                # A non-SWIFT field: after a :61: it is that line's narrative (German and Hungarian banks), before
                # the first one it names the account holder and account (:NS:22, :NS:23): not a line's.
                if st.last61 is not None and st.last61[3] is None:
                    st.last61[3] = lines
            else:
                self._statement_field(st, tag, lines, lineno)
            # :21: and other fields carry nothing a reconciliation needs.
        if st is not None:
            self._close(st)
        if not self.statements and not self.problems:
            kind = "MT942 report" if self.interim else "MT940 statement"
            self.fatal(f"no {kind} found (a {kind.split()[1]} starts with :20:)", None, ":20:")
        if self.problems:
            raise BankFileError(self.path, self.problems)
        return self.statements

    def _statement_field(self, st: _Open, tag: str, lines: list[str], lineno: int) -> None:
        """The rarer fields about the whole statement: available balances (:64:, :65:) and the MT942 fields
        (:34F: floor limit, :13D: report time, :90D:/:90C: totals). None of them is needed to import the lines,
        so one that cannot be read is a warning, not a refusal."""
        text = lines[0].strip()
        if tag[:2] in ("64", "65"):
            if not _BALANCE.match(text):
                self.warnings.append(f"line {lineno}: :{tag}: (available balance) is not a balance, ignored: "
                                     f"{text[:40]!r}")
        elif tag == "34F":
            m = _FLOOR.match(text)
            if m is None:
                self.warnings.append(f"line {lineno}: :34F: (floor limit) is not a currency and amount, ignored: "
                                     f"{text[:40]!r}")
            elif st.floor is None:
                st.floor = m.group(1)
        elif tag in ("13D", "13"):  # YYMMDDhhmm, +hhmm from UTC in :13D:
            try:
                day = _yymmdd(text[:6]) if text[:6].isdigit() else None
            except ValueError:
                day = None
            if day is None:
                self.warnings.append(f"line {lineno}: :{tag}: (report date and time) is not a date, ignored: "
                                     f"{text[:40]!r}")
            st.report_date = day
        elif tag in ("90D", "90C"):
            m = _TOTAL.match(text)
            if m is None or m.group(3).count(",") > 1 or not short_enough(m.group(1) + m.group(3)):
                self.warnings.append(f"line {lineno}: :{tag}: (number and sum of entries) is not a count, currency "
                                     f"and amount; the entries were not checked against it: {text[:40]!r}")
                return
            count, currency, amount = m.groups()
            st.totals.append(Total(lineno, tag[-1], int(count) if count else None, currency,
                                   Decimal("0" + amount.replace(",", "."))))

    def _extra_lines(self, tag: str, lines: list[str], lineno: int) -> None:
        extra = [ln.strip() for ln in lines[1:] if ln.strip()]
        if extra:
            self.warnings.append(f"line {lineno}: text after :{tag}: ignored: {' '.join(extra)[:60]!r}")

    def _close(self, st: _Open) -> None:
        where = f"statement :20:{st.reference} of line {st.line}"
        account = st.account if st.account is not None else self.account
        if account is None:
            self.problem("the statement has no account identification :25:", st.line, ":25:", where)
            return
        opening, closing = st.opening, st.closing
        if (opening is not None and opening[0] is None) or (closing is not None and closing[0] is None):
            return  # an unreadable balance is a problem already
        currency = next((c for c in (opening and opening[2], closing and closing[2], st.floor,
                                     *(t.currency for t in st.totals), self.currency) if c), None)
        if currency is None:
            self.problem("the statement states no currency (no balance, :34F: or :90D:/:90C:)", st.line, ":60F:",
                         where, wanted=CURRENCY)
            return
        entries = []
        for lineno, lines61, lines86, lines_ns in st.entries:
            entry = self._entry(lineno, lines61, lines86, lines_ns)
            if entry is not None:
                entries.append(entry)
        name = st.number or st.reference
        findings = []
        if closing is not None and closing[2] != currency:
            findings.append(mt940_findings.balance_currency(name, account, currency, closing))
            closing = None  # a balance in another currency cannot be checked against the lines: unknown
        if not self.interim:  # an MT942 interim report has no balances: their absence is no news
            if opening is None:
                findings.append(mt940_findings.missing_balance(name, account, "opening", entries))
            if closing is None and st.closing is None:
                findings.append(mt940_findings.missing_balance(name, account, "closing", entries))
        if st.totals:
            findings += mt940_findings.totals(name, account, currency, entries, st.totals)
        opening, closing = opening or _NO_BALANCE, closing or _NO_BALANCE
        self.statements.append(Mt940Statement(
            line=st.line, reference=st.reference, account=account, number=st.number, currency=currency,
            opening=opening[0], opening_date=opening[1], opening_kind=opening[3],
            closing=closing[0], closing_date=closing[1], closing_kind=closing[3],
            entries=tuple(entries), findings=tuple(findings), report_date=st.report_date, totals=tuple(st.totals)))

    # ---- values -------------------------------------------------------------------------------------------
    def _date(self, s: str, lineno: int, field: str) -> dt.date | None:
        cached = self._dates.get(s)
        if cached is not None:
            return cached
        try:
            value = _yymmdd(s)
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

    def _entry(self, lineno: int, lines61: list[str], lines86: list[str] | None,
               lines_ns: list[str] | None) -> Mt940Entry | None:
        """One :61: (+ :86:) -> Mt940Entry. Called once per transaction, so the usual case is kept lean: dates
        come from caches, and the amount helper (which reports problems) is called only for a bad amount."""
        first = lines61[0].strip()
        m = _LINE61.match(first)
        if not m or not first.isascii():
            self.problem("not a statement line (value date YYMMDD, optional entry date MMDD, mark C/D/RC/RD, "
                         f"amount, type such as NTRF, reference): {first[:40]!r}", lineno, ":61:")
            return None
        vdate, edate, mark, funds, amount, type_code, refs = m.groups()
        if type_code is None:
            type_code = ""
        elif type_code[3] == " ":  # padded with spaces ("NOV ")
            type_code = type_code.rstrip()
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
        if lines86:
            narrative = _narrative(lines86)
        else:
            narrative = mt940_text.ns_narrative(lines_ns) if lines_ns else None
        # tuple.__new__ makes the same Mt940Entry as Mt940Entry(...) without the Python frame of its __new__.
        return _new_tuple(Mt940Entry, (lineno, value_date, entry_date, mark, funds or "", value,
                                       type_code, customer_ref.strip(), bank_ref.strip(), supplementary,
                                       narrative))


def _yymmdd(s: str) -> dt.date:
    """A SWIFT YYMMDD date (years 70-99 are 19xx); ValueError when it is none."""
    yy, mm, dd = int(s[:2]), int(s[2:4]), int(s[4:6])
    return dt.date(2000 + yy if yy < 70 else 1900 + yy, mm, dd)


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


_NO_BALANCE = (None, None, None, "")
_narrative = mt940_text.narrative
_new_tuple = tuple.__new__
_printable = mt940_text.printable


def canonical_type(entry: Mt940Entry) -> str:
    if entry.reversal:
        return "reversal"
    if entry.type_code[:1] == "S":
        return "wire"
    return TYPE_CODES.get(entry.type_code[1:], "other")


_NO_REFS = frozenset(("NONREF", "NOTPROVIDED", ""))


def to_statements(parsed: list[Mt940Statement], warnings: list[str] | None = None) -> list[Statement]:
    """Canonical statements; line ids are the bank's reference or, without one, account-date-sequence; an id
    the file repeats is marked on every line that has it (line_ids.assign), with a warning into `warnings`."""
    # The loops below run once per transaction: entries are unpacked rather than read field by field, and the
    # test for a missing reference (_NO_REFS) is written out in them.
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
    repeated = mt940_findings.repeated_statements(parsed)
    out = []
    for i, ps in enumerate(parsed):
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
            lines=tuple(lines), period_start=ps.opening_date, period_end=ps.closing_date or ps.report_date,
            statement_id=ps.name, findings=ps.findings + repeated.get(i, ())))
    return out


def parse(text: str, path: Path | str = "<text>", **options) -> Mt940Parser:
    """The parser after reading `text`; `options` are Mt940Parser's (interim, currency, account)."""
    parser = Mt940Parser(path, **options)
    parser.parse(text)
    return parser


class Mt940Importer:
    name = "mt940"
    priority = 21
    interim = False  # MT942 (mt942.py) reads the same fields without balances

    def identify(self, path: Path, head: bytes) -> bool:
        return bool(HEAD_20.search(head) and _HEAD_25.search(head) and _HEAD_60.search(head))

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BankFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
        text, encoding = mt940_text.decode(data)
        statements, warnings = _read(text, encoding, path, interim=self.interim, currency=options.currency,
                                     account=options.account)
        return ImportResult(format=self.name, source=str(path), statements=statements, warnings=tuple(warnings))


def _read(text: str, encoding: str, path: Path, **options) -> tuple[tuple[Statement, ...], list[str]]:
    """Canonical statements and warnings of a decoded file. A function of its own so that the parser's
    intermediate records are freed when it returns, before the cycle collector runs again."""
    parser = parse(text, path, **options)
    warnings = list(parser.warnings)
    if encoding not in ("utf-8", "ascii"):
        warnings.insert(0, f"the file is not UTF-8; read it as {encoding}")
    return tuple(to_statements(parser.statements, warnings)), warnings


IMPORTER = Mt940Importer()

"""BAI2 (Cash Management Balance Reporting Specifications, version 2) bank files -> one Statement per account
block (03 .. 49) of each group (02 .. 98).

Why a parser of our own: the `bai2` package on PyPI cannot read the specification's own sample (a 16 record
whose free text is not slash-terminated, a detail's fields split over 88 continuation records) and checks no
control totals; no other maintained Python package fits. The format itself is small: records of
comma-separated fields ending in "/", except the free text that closes a 16 record, which runs to the end of
its physical line. Type codes and funds types are data in bai2_codes.py.

Trailer control totals and record counts (49, 98, 99) that disagree with the records they cover are the file's
own figures disagreeing: the file imports with a finding (bai2_controls.py). A blank one is unknown, not zero.
What cannot be read (a bad record code, amount or date, a truncated file) is refused, naming line and field.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from ..currencies import iso_currency
from ..errors import BankFileError, Problem
from ..records import BankLine, Finding, ImportResult, Statement
from . import bai2_codes as codes
from . import bai2_controls as controls
from . import line_ids
from .amount_bounds import MAX_TEXT_DIGITS, short_enough
from .base import ImportOptions

# "01," then sender and receiver ids and a YYMMDD creation date: nothing else starts that way.
_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*01,[^,\r\n/]*,[^,\r\n/]*,\d{6},")
# Inside a 16's free text, "/" directly followed by a record that may follow a detail ends the text (several
# records on one physical line). Text containing "/16," or "/88," or "/49," is the price of that leniency.
_TEXT_END = re.compile(r"/\s*(?=(?:16|49|88),)")
_RECORD_START = re.compile(r"\d\d,")
_KNOWN_START = re.compile(r"(?:01|02|03|16|49|88|98|99),")
# A physical line this long was wrapped by the sender's record length: its continuation joins without a space.
DEFAULT_RECORD_LENGTH = 80
MAX_PROBLEMS = 200


def _digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _text_before_slash(piece: str) -> str:
    """The free text before the "/" that ends a record: "TEXT,/" has an empty field before the "/", not a comma."""
    piece = piece.rstrip()
    return piece[:-1] if piece.endswith(",") else piece


class _Rec:
    """A logical record being assembled from its physical record and 88 continuations."""

    __slots__ = ("code", "line", "fields", "text", "last_len", "physical", "open")

    def __init__(self, code: str, line: int):
        self.code = code
        self.line = line
        self.fields: list[str] = []
        self.text: list[str] | None = None  # pieces of a 16's free text, once it has started
        self.last_len = 0  # length of the last physical line that carried text
        self.physical = 1  # physical records (this one + its 88s), for the trailers' record counts
        self.open = False  # its last physical line ended without "/": the next line may go on with it


class _Account:
    __slots__ = ("number", "currency", "exponent", "opening", "closing", "lines", "total", "records", "line",
                 "index")

    def __init__(self, number, currency, exponent, line, index):
        self.number, self.currency, self.exponent, self.line, self.index = number, currency, exponent, line, index
        self.opening = self.closing = None
        self.lines: list[BankLine] = []
        self.total = 0  # algebraic sum of every amount field in minor units (what the 49 control total states)
        self.records = 0


class _Group:
    __slots__ = ("as_of", "currency", "accounts", "total", "records", "line", "index", "exponents")

    def __init__(self, as_of, currency, line, index):
        self.as_of, self.currency, self.line, self.index = as_of, currency, line, index
        self.accounts = 0
        self.exponents: set[int] = set()  # of its accounts' currencies: the unit its control total is told in
        self.total = 0
        self.records = 0


class Bai2Reader:
    """Reads one BAI2 file's text; `statements` and `warnings` hold the result once `read` returns."""

    def __init__(self, path: Path | str, default_currency: str | None = None):
        self.path = path
        self.default_currency = default_currency or "USD"
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.statements: list[Statement] = []
        self.record_length = DEFAULT_RECORD_LENGTH
        self.header_seen = False
        self.closed_at: int | None = None  # line of the 99 record
        self.group: _Group | None = None
        self.account: _Account | None = None
        self.groups = 0
        self.file_total = 0
        self.file_records = 0
        self.sequence: dict[tuple[str, dt.date], int] = {}
        self.findings: list[tuple[int, Finding]] = []  # (index of the statement it is attached to, finding)
        self.net_totals: list[int] = []  # lines of 49 trailers that state the details' net
        self.exponents: set[int] = set()
        self._dates: dict[str, dt.date] = {}
        self._exponents: dict[str, int] = {}

    # ---- errors -------------------------------------------------------------------------------------------
    def problem(self, text: str, line: int | None, record: str | None = None, field: str | None = None):
        self.problems.append(Problem(text, line=line, field=field, record=record))
        if len(self.problems) >= MAX_PROBLEMS:
            self.fatal()

    def fatal(self, text: str | None = None, line: int | None = None, record: str | None = None,
              field: str | None = None):
        if text is not None:
            self.problems.append(Problem(text, line=line, field=field, record=record))
        raise BankFileError(self.path, self.problems)

    # ---- physical lines -> logical records ----------------------------------------------------------------
    def read(self, text: str) -> None:
        rec: _Rec | None = None
        for lineno, raw in enumerate(self._physical_lines(text), start=1):
            s = raw.strip().strip("\x1a\x00")  # DOS end-of-file marks and NUL padding are not content
            if not s:
                continue
            n = len(s)
            pos = 0
            if rec is not None and rec.open:
                # A record wrapped over physical lines: no "/" ended it and this line starts no record (in free
                # text any "NN," starts one; elsewhere only a known record code does).
                starts = _RECORD_START if rec.text is not None else _KNOWN_START
                if not starts.match(s):
                    pos = self._read_fields(rec, s, 0, n, merge=True)
            while pos < n:
                if not _RECORD_START.match(s, pos):
                    where = "a record" if pos == 0 else "the next record after '/'"
                    self.fatal(f"expected {where} (a two-digit record code and a comma), found {s[pos:pos + 20]!r}",
                               lineno)
                code = s[pos:pos + 2]
                if code == "88":
                    if rec is None:
                        self.fatal("continuation record 88 with no record before it to continue", lineno, "88")
                    rec.physical += 1
                else:
                    if rec is not None:
                        self._finish(rec)
                    rec = _Rec(code, lineno)
                pos = self._read_fields(rec, s, pos + 3, n)
                while pos < n and s[pos] in " \t":
                    pos += 1
        if rec is not None:
            self._finish(rec)
        self._end_of_file()

    def _physical_lines(self, text: str) -> list[str]:
        if "\r" in text:  # Windows (CR LF) and old Mac (CR alone) line ends
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if len(lines) == 1:
            # A blocked file without line breaks: records padded to the physical record length of the 01 record.
            m = re.match(r"\s*01,(?:[^,/]*,){5}(\d+),", text)
            size = int(m.group(1)) if m else 0
            if 0 < size < len(text):
                lines = [text[i:i + size] for i in range(0, len(text), size)]
        return lines

    def _read_fields(self, rec: _Rec, s: str, pos: int, n: int, merge: bool = False) -> int:
        """Append the fields found from `pos` to the record; returns where the next record may start.

        merge: the line goes on with a wrapped record, so its first field goes on with the record's last one."""
        if rec.text is not None:
            return self._add_text(rec, s, pos, n)
        fields = rec.fields
        if rec.code != "16":
            end = s.find("/", pos)
            parts = (s[pos:] if end < 0 else s[pos:end]).split(",")
            if merge and fields:
                fields[-1] += parts.pop(0)
            fields.extend(parts)
            rec.open = end < 0
            return n if end < 0 else end + 1
        needed = None  # fields before the text, known once the funds type (and a D's count) is read
        while True:
            if not merge:
                if needed is None and len(fields) >= 3:
                    needed = self._detail_prefix(fields, rec.line)
                if needed is not None and len(fields) >= needed:
                    rec.text = []
                    return self._add_text(rec, s, pos, n)
            comma = s.find(",", pos)
            slash = s.find("/", pos)
            if comma < 0 and slash < 0:
                end, nxt, rec.open = n, n, True
            elif slash >= 0 and (comma < 0 or slash < comma):
                end, nxt, rec.open = slash, slash + 1, False
            else:
                end, nxt = comma, None
            if merge and fields:
                fields[-1] += s[pos:end]
            else:
                fields.append(s[pos:end])
            merge = False
            if nxt is not None:
                return nxt
            pos = comma + 1

    def _add_text(self, rec: _Rec, s: str, pos: int, n: int) -> int:
        m = _TEXT_END.search(s, pos)
        if m:
            piece, nxt = _text_before_slash(s[pos:m.start()]), m.end()
            rec.open = False
        else:
            piece, nxt = s[pos:], n
            rec.open = not piece.endswith("/")
            if not rec.open:
                piece = _text_before_slash(piece[:-1])
        gap = piece[:1].isspace()
        piece = piece.strip()
        if piece:
            # A previous line exactly as long as the record length was cut by it: go on without a space, unless
            # this piece starts with one. A longer or shorter line ended where its writer ended it.
            if rec.text and (gap or rec.last_len != self.record_length):
                rec.text.append(" ")
            rec.text.append(piece)
        rec.last_len = n
        return nxt

    def _detail_prefix(self, fields: list[str], line: int) -> int | None:
        """How many fields come before a 16 record's text, or None while the funds type is not known yet."""
        if len(fields) < 3:
            return None
        extra = self._funds_extra(fields, 2, line, "16")
        return None if extra is None else 5 + extra

    def _funds_extra(self, fields: list[str], at: int, line: int, record: str) -> int | None:
        funds = fields[at].strip().upper()
        extra = codes.FUNDS_EXTRA_FIELDS.get(funds)
        if extra is not None:
            return extra
        if funds == codes.DISTRIBUTED:
            if len(fields) <= at + 1:
                return None
            count = fields[at + 1].strip()
            if not _digits(count) or int(count) > 99:
                self.fatal(f"funds type D needs the number of distributions, found {count!r}", line, record,
                           "number of distributions")
            return 1 + 2 * int(count)
        self.fatal(f"unknown funds type {funds!r} (expected 0, 1, 2, V, S, D or Z)", line, record, "funds type")
        return None  # pragma: no cover - fatal raises

    # ---- values -------------------------------------------------------------------------------------------
    def _amount(self, text: str, line: int, record: str, field: str, signed: bool = True) -> int | None:
        s = text.strip()
        if not s:
            return None
        sign = 1
        if s[0] in "+-":
            if s[0] == "-":
                if not signed:
                    self.problem(f"amount {s!r} has a sign; detail amounts are unsigned (the type code gives the "
                                 "direction)", line, record, field)
                    return None
                sign = -1
            s = s[1:]
        if not s.isdigit() or not s.isascii():
            self.problem(f"not an amount in minor units: {text.strip()[:40]!r}", line, record, field)
            return None
        if not short_enough(s):
            self.problem(f"amount of {len(s):,} digits; at most {MAX_TEXT_DIGITS} are read", line, record, field)
            return None
        return sign * int(s)

    def _date(self, text: str, line: int, record: str, field: str) -> dt.date | None:
        s = text.strip()
        cached = self._dates.get(s)
        if cached is not None:
            return cached
        if len(s) == 6 and s.isdigit() and s.isascii():
            yy, mm, dd = int(s[:2]), int(s[2:4]), int(s[4:])
            try:
                value = dt.date(2000 + yy if yy < 70 else 1900 + yy, mm, dd)
            except ValueError:
                value = None
            if value is not None:
                self._dates[s] = value
                return value
        self.problem(f"not a date (YYMMDD): {s!r}", line, record, field)
        return None

    def _currency(self, text: str, line: int, record: str) -> tuple[str, int] | None:
        code = text.strip().upper()
        exponent = self._exponents.get(code)
        if exponent is None:
            exponent = iso_currency(code)[1]
            if exponent is None:
                self.fatal(f"unknown currency code {code!r} (expected an ISO 4217 code such as USD)", line, record,
                           "currency code")
            self._exponents[code] = exponent
        return code, exponent

    @staticmethod
    def _money(minor: int, exponent: int) -> Decimal:
        return Decimal(minor).scaleb(-exponent) if exponent else Decimal(minor)

    @staticmethod
    def _field(fields: list[str], i: int) -> str:
        return fields[i] if i < len(fields) else ""

    # ---- logical records -> statements --------------------------------------------------------------------
    def _finish(self, rec: _Rec) -> None:
        code = rec.code
        if self.closed_at is not None:
            self.fatal(f"record {code} after the file trailer 99 of line {self.closed_at}", rec.line, code)
        if not self.header_seen and code != "01":
            self.fatal(f"the file must start with a file header 01, found record {code}", rec.line, code)
        handler = self._HANDLERS.get(code)
        if handler is None:
            self.fatal(f"unknown record code {code!r} (expected 01, 02, 03, 16, 49, 88, 98 or 99)", rec.line, code)
        handler(self, rec)

    def _file_header(self, rec: _Rec) -> None:
        if self.header_seen:
            self.fatal("a second file header 01 (one file per import)", rec.line, "01")
        self.header_seen = True
        f = rec.fields
        version = self._field(f, 7).strip()
        if version != "2":
            self.fatal(f"BAI version {version!r} is not supported (expected 2)", rec.line, "01", "version number")
        length = self._field(f, 5).strip()
        if length.isdigit() and length.isascii() and short_enough(length) and int(length) > 0:
            self.record_length = int(length)
        self.file_records += rec.physical

    def _group_header(self, rec: _Rec) -> None:
        if self.group is not None:
            self.fatal(f"group header 02 before the group of line {self.group.line} was closed by a 98 trailer",
                       rec.line, "02")
        f = rec.fields
        as_of = self._date(self._field(f, 3), rec.line, "02", "as-of date")
        cur = self._field(f, 5).strip()
        status = self._field(f, 2).strip()
        if status and status != "1":
            meaning = {"2": "deletion", "3": "correction", "4": "test only"}.get(status, "unknown")
            self.warnings.append(f"line {rec.line}: group status {status} ({meaning}); imported as reported")
        self.groups += 1
        self.group = _Group(as_of, self._currency(cur, rec.line, "02")[0] if cur else None, rec.line, self.groups)
        self.group.records += rec.physical
        self.file_records += rec.physical

    def _account_header(self, rec: _Rec) -> None:
        group = self.group
        if group is None:
            self.fatal("account identifier 03 outside a group (no open 02 group header)", rec.line, "03")
        if self.account is not None:
            self.fatal(f"account identifier 03 before the account of line {self.account.line} was closed by a 49 "
                       "trailer", rec.line, "03")
        f = rec.fields
        number = self._field(f, 0).strip()
        if not number:
            self.problem("the account number is empty", rec.line, "03", "customer account number")
        cur = self._field(f, 1).strip() or group.currency or self.default_currency
        currency, exponent = self._currency(cur, rec.line, "03")
        group.accounts += 1
        group.exponents.add(exponent)
        self.exponents.add(exponent)
        acct = _Account(number, currency, exponent, rec.line, group.accounts)
        i = 2
        while i < len(f):
            type_code = f[i].strip()
            amount = self._amount(self._field(f, i + 1), rec.line, "03", f"amount of type {type_code or '?'}")
            if len(f) > i + 3:
                extra = self._funds_extra(f, i + 3, rec.line, "03")
                if extra is None:  # "D" with its count missing at the end of the record
                    self.problem("funds type D without its number of distributions", rec.line, "03", "funds type")
                    extra = 0
            else:
                extra = 0
            if type_code:
                if not (len(type_code) == 3 and type_code.isdigit() and type_code.isascii()):
                    self.problem(f"not a type code: {type_code!r}", rec.line, "03", "type code")
                elif amount is not None:
                    acct.total += amount
                    if type_code == codes.OPENING_LEDGER:
                        acct.opening = self._money(amount, exponent)
                    elif type_code == codes.CLOSING_LEDGER:
                        acct.closing = self._money(amount, exponent)
            elif amount is not None:
                self.problem("an amount without a type code", rec.line, "03", "type code")
            i += 4 + extra
        acct.records += rec.physical
        group.records += rec.physical
        self.file_records += rec.physical
        self.account = acct

    def _detail(self, rec: _Rec) -> None:
        acct = self.account
        if acct is None:
            self.fatal("transaction detail 16 outside an account (no open 03 account identifier)", rec.line, "16")
        acct.records += rec.physical
        self.group.records += rec.physical
        self.file_records += rec.physical
        f = rec.fields
        line = rec.line
        type_text = f[0].strip() if f else ""
        if not (len(type_text) == 3 and type_text.isdigit() and type_text.isascii()):
            self.problem(f"not a type code: {type_text!r}", line, "16", "type code")
            return
        type_code = int(type_text)
        minor = self._amount(self._field(f, 1), line, "16", "amount", signed=False)
        if minor is not None:
            acct.total += minor
        text = "".join(rec.text) if rec.text else ""
        sign = codes.direction(type_code)
        if type_code in codes.NON_MONETARY or (minor is None and sign == 0 and not self._field(f, 1).strip()):
            note = f": {text}" if text else ""
            self.warnings.append(f"line {line}: non-monetary detail {type_text} skipped{note}")
            return
        if sign == 0:
            self.problem(f"type code {type_text} is not a credit (100-399) or debit (400-699) detail code, so the "
                         "direction of its money is unknown", line, "16", "type code")
            return
        if minor is None:
            if not self._field(f, 1).strip():
                self.problem("the amount is missing", line, "16", "amount")
            return
        funds = f[2].strip().upper() if len(f) > 2 else ""
        needed = self._detail_prefix(f, line) or 5
        value_date = None
        if funds == "V":
            value_date = self._date(self._field(f, 3), line, "16", "value date")
        bank_ref = self._field(f, needed - 2).strip()
        customer_ref = self._field(f, needed - 1).strip()
        kind = codes.canonical_type(type_code)
        as_of = self.group.as_of
        if as_of is None:
            return  # the group's date was already reported as a problem
        key = (acct.number, as_of)
        seq = self.sequence.get(key, 0) + 1
        self.sequence[key] = seq
        # a candidate: _assign_ids marks ids the file repeats once every line is read
        line_id = bank_ref if bank_ref and bank_ref.upper() != "NONREF" else f"{acct.number}-{as_of:%Y%m%d}-{seq}"
        acct.lines.append(BankLine(
            line_id=line_id,
            date=as_of,
            amount=self._money(sign * minor, acct.exponent),
            currency=acct.currency,
            reference=customer_ref or bank_ref,
            description=text or f"{kind} (BAI2 type {type_text})",
            type=kind,
            check_number=customer_ref if kind == "check" else "",
            value_date=value_date,
        ))

    def _account_trailer(self, rec: _Rec) -> None:
        acct = self.account
        if acct is None:
            self.fatal("account trailer 49 without an open account (no 03 before it)", rec.line, "49")
        acct.records += rec.physical
        self.group.records += rec.physical
        self.file_records += rec.physical
        f = rec.fields
        statement_id = f"{self.group.index}.{acct.index} (03 record of line {acct.line})"
        scope = f"account {acct.number} (03 on line {acct.line})"
        here = (rec.line, "49", scope)
        stated = self._stated(f, 0, here, "account control total")
        if stated is not None and stated != acct.total and stated == self._net(acct):
            self.net_totals.append(rec.line)
            self.group.total += stated
        else:
            # The group total sums the account totals as stated, so that one wrong 49 is reported once, not thrice.
            self.group.total += self._check_total(stated, acct.total, here, acct.exponent)
        self._check_count(self._field(f, 1), acct.records, here, "number of records")
        self.statements.append(Statement(
            account=acct.number,
            currency=acct.currency,
            opening_balance=acct.opening,
            closing_balance=acct.closing,
            lines=tuple(acct.lines),
            period_start=self.group.as_of,
            period_end=self.group.as_of,
            statement_id=statement_id,
        ))
        self.account = None

    def _group_trailer(self, rec: _Rec) -> None:
        group = self.group
        if group is None:
            self.fatal("group trailer 98 without an open group (no 02 before it)", rec.line, "98")
        if self.account is not None:
            self.fatal(f"group trailer 98 while the account of line {self.account.line} has no 49 trailer",
                       rec.line, "98")
        group.records += rec.physical
        self.file_records += rec.physical
        f = rec.fields
        here = (rec.line, "98", f"group {group.index} (02 on line {group.line})")
        stated = self._stated(f, 0, here, "group control total")
        self.file_total += self._check_total(stated, group.total, here, self._unit(group.exponents))
        self._check_count(self._field(f, 1), group.accounts, here, "number of accounts")
        self._check_count(self._field(f, 2), group.records, here, "number of records")
        self.group = None

    def _file_trailer(self, rec: _Rec) -> None:
        if self.group is not None:
            self.fatal(f"file trailer 99 while the group of line {self.group.line} has no 98 trailer", rec.line, "99")
        self.file_records += rec.physical
        f = rec.fields
        here = (rec.line, "99", "the file")
        self._check_total(self._stated(f, 0, here, "file control total"), self.file_total, here,
                          self._unit(self.exponents))
        self._check_count(self._field(f, 1), self.groups, here, "number of groups")
        self._check_count(self._field(f, 2), self.file_records, here, "number of records")
        self.closed_at = rec.line

    _HANDLERS = {"01": _file_header, "02": _group_header, "03": _account_header, "16": _detail,
                 "49": _account_trailer, "98": _group_trailer, "99": _file_trailer}

    @staticmethod
    def _net(acct: _Account) -> int:
        """Credits minus debits of the account's details in minor units: what some banks state in the 49 instead
        of the BAI2 sum (worked out only when the 49 is not that sum)."""
        return sum(int(ln.amount.scaleb(acct.exponent)) for ln in acct.lines)

    @staticmethod
    def _unit(exponents: set[int]) -> int | None:
        """The decimals a group or file total is told in: its accounts' currencies', unless they differ."""
        return next(iter(exponents)) if len(exponents) == 1 else None

    def _stated(self, fields: list[str], i: int, here: tuple[int, str, str], field: str) -> int | None:
        """A trailer's control total; None when it is blank (unknown, said in a warning) or unreadable (a problem)."""
        text = self._field(fields, i)
        if not text.strip():
            line, record, scope = here
            self.warnings.append(f"line {line}: the {field} of the {record} trailer of {scope} is blank, so the "
                                 "amounts it covers could not be checked")
            return None
        return self._amount(text, here[0], here[1], field)

    def _finding(self, record: str, finding: Finding) -> None:
        """Attach to the statement being closed (49) or the last one closed (98, 99); see _attach_findings."""
        at = len(self.statements) - (0 if record == "49" else 1)
        self.findings.append((max(at, 0), finding))

    def _check_total(self, stated: int | None, computed: int, here: tuple[int, str, str],
                     exponent: int | None) -> int:
        """A finding when the control total differs from the amounts it covers; returns the total as stated (the
        computed one when the trailer leaves it blank or unreadable: unknown, not zero)."""
        if stated is None:
            return computed
        line, record, scope = here
        if stated != computed:
            self._finding(record, controls.total_finding(record, line, scope, stated, computed, exponent))
        return stated

    def _check_count(self, text: str, computed: int, here: tuple[int, str, str], what: str) -> None:
        line, record, scope = here
        s = text.strip()
        if not s:
            self.warnings.append(f"line {line}: the {what} of the {record} trailer of {scope} is blank; not checked")
        elif not (s.isdigit() and s.isascii() and short_enough(s)):
            self.problem(f"not a count: {s[:40]!r}", line, record, what)
        elif int(s) != computed:
            self._finding(record, controls.count_finding(record, line, scope, what, int(s), computed))

    def _end_of_file(self) -> None:
        if not self.header_seen:
            self.fatal("no BAI2 records found (a file starts with a 01 file header)", 1, "01")
        if self.closed_at is None:
            where = ("an account (03) without its 49 trailer" if self.account is not None
                     else "a group (02) without its 98 trailer" if self.group is not None
                     else "no 99 file trailer")
            self.fatal(f"the file ends with {where}: it looks truncated", None, "99")
        if self.problems:
            raise BankFileError(self.path, self.problems)
        if self.net_totals:
            self.warnings.append(controls.net_total_warning(self.net_totals))
        self._attach_findings()
        self._assign_ids()

    def _attach_findings(self) -> None:
        if not self.statements:
            return  # extract refuses a file without accounts
        by_statement: dict[int, list[Finding]] = {}
        for at, finding in self.findings:
            by_statement.setdefault(min(at, len(self.statements) - 1), []).append(finding)
        for at, found in by_statement.items():
            st = self.statements[at]
            self.statements[at] = replace(st, findings=st.findings + tuple(
                replace(f, statement=st.statement_id) for f in found))

    def _assign_ids(self) -> None:
        """One scheme for repeated ids in every format (line_ids.assign): every line of a repeated one is marked."""
        assigned = line_ids.assign([ln.line_id for st in self.statements for ln in st.lines])
        if not assigned.repeated:
            return
        self.warnings.append(assigned.warning("bank reference (16 record, else account-date-sequence)"))
        ids = iter(assigned.ids)
        statements = []
        for st in self.statements:
            lines = [(ln, next(ids)) for ln in st.lines]
            statements.append(replace(st, lines=tuple(ln if ln.line_id == new else replace(ln, line_id=new)
                                                      for ln, new in lines)))
        self.statements = statements


def decode(data: bytes) -> str:
    """BAI2 is ASCII; tolerate UTF-8 (and its BOM) and fall back to Latin-1 for stray bytes in free text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse(text: str, path: Path | str = "<text>", default_currency: str | None = None) -> Bai2Reader:
    reader = Bai2Reader(path, default_currency)
    reader.read(text)
    return reader


class Bai2Importer:
    name = "bai2"
    priority = 20

    def identify(self, path: Path, head: bytes) -> bool:
        return bool(_HEAD.match(head))

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BankFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
        reader = parse(decode(data), path, options.currency)
        if not reader.statements:
            raise BankFileError(path, "the file holds no account (no 03 record)")
        return ImportResult(format=self.name, source=str(path), statements=tuple(reader.statements),
                            warnings=tuple(reader.warnings))


IMPORTER = Bai2Importer()

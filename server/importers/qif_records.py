"""QIF text -> the transaction records of its bank, cash and credit-card sections, with their line numbers.

A QIF file is `!` header lines opening sections, and records of one-letter fields, one a line, each record
ended by `^` (the last one may lack it). Only the account sections Tieout reconciles are kept; the rest is
passed over and told: lists (`!Type:Cat`, `!Type:Class`, `!Type:Memorized`, `!Type:Security`, ...), options
(`!Option:AutoSwitch`, `!Clear:AutoSwitch`), and accounts that are not bank accounts (investment, other asset
or liability) with a warning saying how many records were skipped. `!Account` records name the account of the
section that follows them (inside `!Option:AutoSwitch` they are a list of accounts, and name nothing).

Values are kept as text, unstripped: the date order and the decimal mark are decided from the whole file later.
Speed: sections and records are cut with str/regex splits, and a record of distinct plain fields (the usual
case) becomes its dict in one comprehension; only records with splits, repeated codes or blank lines are read
line by line. The lines of fields are found again only when a message needs them (Content.line_of).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import Problem

BANK_TYPES = {"bank": "bank", "cash": "cash", "ccard": "credit card"}
OTHER_ACCOUNTS = {"invst": "investment", "oth a": "other asset", "oth l": "other liability",
                  "oth s": "other asset"}
LISTS = {"cat", "class", "memorized", "security", "prices", "payee", "template", "budget"}
SPLIT_CODES = frozenset("SE$%")
# Field letters of a bank record that are not split fields: any printable code but the end, header and split ones.
PLAIN_CODES = frozenset(chr(c) for c in range(33, 127)) - SPLIT_CODES - {"^", "!"}
_HEADER_LINE = re.compile(r"^[ \t]*!.*$", re.MULTILINE)
_END_LINE = re.compile(r"\n[ \t]*\^[^\n]*")  # a `^` line (anything after the `^` is ignored), up to its newline


class Record(NamedTuple):
    """One transaction as written: its fields (first of each code, value unstripped) and its splits."""

    line: int  # the line of its first field
    fields: dict[str, str]
    splits: list[tuple[str, str, int]] | None = None  # (code, value, line) of S/E/$/% fields, in order


_new_tuple = tuple.__new__  # Record(...) without the Python frame of its __new__: one per transaction


@dataclass(slots=True)
class Section:
    """The records of one `!Type:Bank|Cash|CCard` header, and the `!Account` record before it."""

    kind: str  # bank | cash | credit card
    line: int
    account: str = ""
    records: list[Record] = field(default_factory=list)


@dataclass(slots=True)
class Content:
    """What the reader found: the account sections, warnings about what it skipped, and unreadable parts."""

    sections: list[Section]
    warnings: list[str]
    problems: list[Problem]
    text: str
    _lines: list[str] | None = None

    def line_of(self, record: Record, code: str) -> int:
        """The line of a record's field (found again when a message needs it: most imports never ask)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        for n in range(record.line - 1, len(self._lines)):
            text = self._lines[n].strip()
            if text[:1] == code:
                return n + 1
            if text[:1] in ("^", "!") or (text[:1] == "S" and code == "D"):
                break
        return record.line


def decode(data: bytes) -> tuple[str, str | None]:
    """The file's text and a warning when bytes could not be decoded. UTF-8 with or without a byte order mark,
    else windows-1252 (not latin-1: there 0x80 is a control character, in windows-1252 the euro sign)."""
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\ufffd" in text:
        return text, "the file is neither UTF-8 nor windows-1252: bytes windows-1252 leaves undefined became '\ufffd'"
    return text, None


class _Reader:
    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.warnings: list[str] = []
        self.problems: list[Problem] = []
        self.skipped: dict[str, list[int]] = {}  # section label -> [records, header line]
        self.account = ""  # named by the last !Account record
        self.autoswitch = False
        self.open = ""  # the kind of bank section the last header opened, "" after any other header

    def read(self, text: str) -> Content:
        headers = list(_HEADER_LINE.finditer(text))
        self._preamble(text[:headers[0].start()] if headers else text)
        line, pos = 1, 0
        for i, h in enumerate(headers):
            line += text.count("\n", pos, h.start())
            pos = h.start()
            body = text[h.end():headers[i + 1].start() if i + 1 < len(headers) else len(text)]
            mode, label = self._header(h.group().strip(), line)
            if mode == "bank":
                self._bank(self.sections[-1], body, line)
            elif mode == "count":
                self.skipped[label][0] += sum(1 for chunk in _END_LINE.split(body) if chunk.strip())
            elif mode == "account" and not self.autoswitch:
                for name in re.findall(r"^[ \t]*N(.*)$", body, re.MULTILINE):
                    self.account = name.strip()  # the last record's name, for the section that follows
        for label, (records, line) in self.skipped.items():
            self.warnings.append(f"{records} {label} from line {line} were skipped: only bank, cash and "
                                 "credit-card accounts are imported")
        return Content(self.sections, self.warnings, self.problems, text)

    def _preamble(self, text: str) -> None:
        for n, line in enumerate(text.split("\n"), start=1):
            line = line.strip()
            if line and not line.startswith("#"):
                self.problems.append(Problem(f"text before the first QIF header (!Type:...): {line[:60]!r}",
                                             line=n, field="!"))
                return

    def _header(self, text: str, line: int) -> tuple[str, str]:
        """Open the section a `!` line names: its mode ("bank", "count", "account", "skip") and label."""
        name = text[1:].strip()
        low = name.lower()
        if low.startswith("type:"):
            kind = low[5:].strip()
            account, self.account = self.account, ""  # an !Account record names the one section after it
            if kind in BANK_TYPES:
                if not (account == "" and self.open == BANK_TYPES[kind]):  # a header repeated: same statement
                    self.sections.append(Section(BANK_TYPES[kind], line, account))
                self.open = BANK_TYPES[kind]
                return "bank", ""
            self.open = ""
            if kind in LISTS:
                return "skip", ""
            what = OTHER_ACCOUNTS.get(kind)
            label = f"{what} account records (!{name})" if what else f"records of an unknown section !{name}"
            self.skipped.setdefault(label, [0, line])
            return "count", label
        self.open = ""
        if low == "account":
            return "account", ""
        if low.startswith("option:"):
            self.autoswitch = self.autoswitch or low[7:].strip() == "autoswitch"
        elif low.startswith("clear:"):
            self.autoswitch = self.autoswitch and low[6:].strip() != "autoswitch"
        else:
            self.problems.append(Problem(f"not a QIF header: {text[:60]!r}", line=line, field="!"))
        return "skip", ""

    def _bank(self, section: Section, body: str, line: int) -> None:
        """The records of a section's body, which starts at the end of its header line `line`. Each piece cut at
        the `^` lines starts with the rest of the line before it (the header's or the `^` line's: empty)."""
        records = section.records
        plain = PLAIN_CODES
        for chunk in _END_LINE.split(body):
            parts = chunk.split("\n")
            first = line + 1
            line += len(parts)
            del parts[0]
            fields = {p[:1]: p[1:] for p in parts}
            if len(fields) == len(parts) and fields.keys() <= plain:
                if fields:
                    records.append(_new_tuple(Record, (first, fields, None)))
            else:
                self._record(records, parts, first)

    def _record(self, records: list[Record], parts: list[str], first: int) -> None:
        """A record read line by line: blank lines, repeated codes (addresses), splits, a missing `^`."""
        fields: dict[str, str] = {}
        splits = None
        start = 0
        for n, raw in enumerate(parts, start=first):
            text = raw.strip()
            if not text:
                continue
            code = text[0]
            if not start:
                start = n
            if code in SPLIT_CODES:
                if splits is None:
                    splits = []
                splits.append((code, text[1:].strip(), n))
            elif code not in fields:
                fields[code] = text[1:]
            elif code in "TU" or (code == "D" and splits is None):  # after `S`, a `D` is the split's own
                self.problems.append(Problem(
                    f"a second {code} field in one record (the record began at line {start}): its '^' end line is "
                    "probably missing", line=n, field=code))
        if fields or splits:
            records.append(Record(start, fields, splits))


def read(text: str) -> Content:
    """The bank, cash and credit-card sections of a QIF text, what was skipped, and what could not be read."""
    if "\r" in text:  # lines end with LF, CRLF or CR (str.splitlines would also cut at a form feed in a memo)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Reader().read(text)

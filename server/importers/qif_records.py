"""QIF text -> the transaction records of its bank, cash and credit-card sections, with their line numbers.

A QIF file is `!` header lines opening sections, and records of one-letter fields, one a line, each record
ended by `^` (the last one may lack it). Only the account sections Tieout reconciles are kept; the rest is
passed over and told: lists (`!Type:Cat`, `!Type:Class`, `!Type:Memorized`, `!Type:Security`, ...), options
(`!Option:AutoSwitch`, `!Clear:AutoSwitch`), and accounts that are not bank accounts (investment, other asset
or liability) with a warning saying how many records were skipped. `!Account` records name the account of the
section that follows them (inside `!Option:AutoSwitch` they are a list of accounts, and name nothing).

Values are kept as text here: the date order and the decimal mark are decided from the whole file later.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem

BANK_TYPES = {"bank": "bank", "cash": "cash", "ccard": "credit card"}
OTHER_ACCOUNTS = {"invst": "investment", "oth a": "other asset", "oth l": "other liability",
                  "oth s": "other asset"}
LISTS = {"cat", "class", "memorized", "security", "prices", "payee", "template", "budget"}
SPLIT_CODES = frozenset("SE$%")


@dataclass(slots=True)
class Record:
    """One transaction as written: its fields (first of each code), the line of each, and its splits."""

    line: int  # the line of its first field
    fields: dict[str, str]
    lines: dict[str, int]
    splits: list[tuple[str, str, int]] | None = None  # (code, value, line) of S/E/$/% fields, in order


@dataclass(slots=True)
class Section:
    """The records of one `!Type:Bank|Cash|CCard` header, and the `!Account` record before it."""

    kind: str  # bank | cash | credit card
    line: int
    account: str = ""
    records: list[Record] = field(default_factory=list)


@dataclass(slots=True)
class Content:
    sections: list[Section]
    warnings: list[str]
    problems: list[Problem]


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


def split_lines(text: str) -> list[str]:
    """Lines ended by LF, CRLF or CR only (str.splitlines would also cut at form feeds and U+2028 in a memo)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


class _Reader:
    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.warnings: list[str] = []
        self.problems: list[Problem] = []
        self.skipped: dict[str, list[int]] = {}  # section name -> [records, first line]
        self.account = ""  # named by the last !Account record
        self.autoswitch = False
        self.current_skip = ""

    def header(self, text: str, line: int) -> str:
        """Open the section a `!` line names; returns the mode for the lines that follow."""
        name = text[1:].strip()
        low = name.lower()
        if low.startswith("type:"):
            kind = low[5:].strip()
            account, self.account = self.account, ""  # an !Account record names the one section after it
            if kind in BANK_TYPES:
                self.sections.append(Section(BANK_TYPES[kind], line, account))
                return "bank"
            if kind in LISTS:
                return "skip"
            what = OTHER_ACCOUNTS.get(kind)
            label = (f"{what} account records (!{name})" if what else f"records of an unknown section !{name}")
            self.skipped.setdefault(label, [0, line])
            self.current_skip = label
            return "count"
        if low == "account":
            return "account"
        if low.startswith("option:"):
            self.autoswitch = self.autoswitch or low[7:].strip() == "autoswitch"
            return "skip"
        if low.startswith("clear:"):
            self.autoswitch = self.autoswitch and low[6:].strip() != "autoswitch"
            return "skip"
        self.problems.append(Problem(f"not a QIF header: {text[:60]!r}", line=line, field="!"))
        return "skip"

    def read(self, lines: list[str]) -> Content:
        mode = None  # None until the first header
        section: Section | None = None
        fields: dict[str, str] = {}
        where: dict[str, int] = {}
        splits = None
        start = 0
        count_open = False
        for n, raw in enumerate(lines, start=1):
            text = raw.strip()
            if not text:
                continue
            code = text[0]
            if code == "!":
                if (fields or splits) and section is not None:
                    section.records.append(Record(start, fields, where, splits))
                fields, where, splits, count_open = {}, {}, None, False
                mode = self.header(text, n)
                section = self.sections[-1] if mode == "bank" else None
                continue
            if mode == "bank":
                if code == "^":
                    if fields or splits:
                        section.records.append(Record(start, fields, where, splits))
                    fields, where, splits = {}, {}, None
                    continue
                if not fields and splits is None:
                    start = n
                if code in SPLIT_CODES:
                    if splits is None:
                        splits = []
                    splits.append((code, text[1:].strip(), n))
                elif code not in fields:
                    fields[code] = text[1:].strip()
                    where[code] = n
                elif code in "TU" or (code == "D" and splits is None):  # after `S`, a `D` is the split's own
                    self.problems.append(Problem(
                        f"a second {code} field in one record (the record began at line {start}): its '^' end line "
                        "is probably missing", line=n, field=code))
            elif mode == "account":
                if code == "^":
                    fields = {}
                elif code == "N" and not self.autoswitch:
                    self.account = text[1:].strip()
            elif mode == "count":
                if code == "^":
                    count_open = False
                elif not count_open:
                    self.skipped[self.current_skip][0] += 1
                    count_open = True
            elif mode is None and code != "#":
                self.problems.append(Problem(f"text before the first QIF header (!Type:...): {text[:60]!r}",
                                             line=n, field="!"))
                mode = "skip"
        if (fields or splits) and section is not None:
            section.records.append(Record(start, fields, where, splits))  # the last record may lack its '^'
        for label, (records, line) in self.skipped.items():
            self.warnings.append(f"{records} {label} from line {line} were skipped: only bank, cash and "
                                 "credit-card accounts are imported")
        return Content(self.sections, self.warnings, self.problems)


def read(text: str) -> Content:
    """The bank, cash and credit-card sections of a QIF text, what was skipped, and what could not be read."""
    return _Reader().read(split_lines(text))

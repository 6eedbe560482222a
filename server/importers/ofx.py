"""OFX and QFX bank and credit-card statements (OFX 1.x SGML and OFX 2.x XML; QFX is OFX with Intuit tags).

Why our own parser (ofx_markup.py) rather than a library, measured on this project's needs:
- ofxtools (1.1) is strict where banks are sloppy: it rejects real files (a BANKID longer than 9 characters,
  as in the corpus) and silently returned 0 of 10,000 transactions when the tags were lowercase; it reads
  about 11,000 transactions/s.
- ofxparse (0.21) is lenient but reads about 1,500 transactions/s (BeautifulSoup), far from 50,000/s.
Neither checks that every <STMTTRN> in the file became a transaction, which this importer guarantees.

Choices:
- Amounts keep the file's sign (OFX signs TRNAMT from the account holder's view; card charges are negative).
  A DEBIT with a positive amount (or a CREDIT with a negative one) is kept as signed and reported in a warning.
- Balances: LEDGERBAL is the closing balance. OFX states no opening balance, and the opening is left empty:
  computing it as closing - sum(lines) would make the balance check pass by construction and hide a missing
  line; DTASOF often differs from DTEND, and the transaction list may not cover the whole period.
- Dates: the local date as written (first 8 digits of DTPOSTED), whatever the time and zone after it.
- Line ids: FITID; every line of a FITID repeated in the file gets an occurrence suffix (see line_ids) and a
  warning.
- Pending transactions (BANKTRANLISTP/STMTTRNP, OFX 2.1) are imported with pending=True.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from decimal import ROUND_HALF_EVEN, Decimal
from operator import itemgetter
from pathlib import Path

from ..errors import BankFileError, Problem
from ..parsing import AmountError, parse_amount
from ..records import BankLine, ImportResult, Statement
from .base import ImportOptions
from .descriptions import name_and_memo
from .line_ids import assign
from .ofx_markup import MarkupError, Node, parse, prepare, tag_offsets

# OFX TRNTYPE -> canonical type (records.BANK_TYPES). Generic CREDIT/DEBIT say only the direction.
TRNTYPES = {
    "CREDIT": "other", "DEBIT": "other", "INT": "interest", "DIV": "interest", "FEE": "fee", "SRVCHG": "fee",
    "DEP": "deposit", "ATM": "cash", "POS": "card", "XFER": "transfer", "CHECK": "check", "PAYMENT": "ach",
    "CASH": "cash", "DIRECTDEP": "ach", "DIRECTDEBIT": "direct_debit", "REPEATPMT": "transfer",
    "HOLD": "other", "OTHER": "other",
}
STATEMENTS = {"STMTRS": ("BANKACCTFROM", "bank"), "CCSTMTRS": ("CCACCTFROM", "credit card")}
_OTHER_STATEMENTS = frozenset(STATEMENTS)  # a statement's search never enters another (broken markup nests them)
# SGML header CHARSET / XML encoding -> Python codec; anything else is tried as a codec name.
CHARSETS = {"1252": "cp1252", "WINDOWS-1252": "cp1252", "ISO-8859-1": "latin-1", "8859-1": "latin-1",
            "LATIN1": "latin-1", "LATIN-1": "latin-1", "UTF-8": "utf-8", "UTF8": "utf-8", "USASCII": "ascii",
            "US-ASCII": "ascii", "NONE": ""}
MAX_PROBLEMS = 100

_HEAD = re.compile(rb"OFXHEADER|<\s*OFX\s*>", re.IGNORECASE)
_OFX_START = re.compile(rb"<\s*OFX\s*>", re.IGNORECASE)
_STMTTRN_TAG = re.compile(r"<\s*STMTTRN(?:\s[^<>]*)?(?<!/)>", re.IGNORECASE)  # as ofx_markup reads tags
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""", re.IGNORECASE)
_SGML_FIELD = re.compile(rb"^\s*([A-Za-z]+)\s*:\s*(\S*)\s*$", re.MULTILINE)
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_PLAIN_AMOUNT = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _plain_date(text: str) -> dt.date | None:
    """The date part of an OFX date (yyyymmdd, the local date as written), None when it is not one."""
    m = _DATE.match(text)
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


class OfxImporter:
    """OFX/QFX files, detected by their OFXHEADER or <OFX> tag."""

    name = "ofx"
    priority = 11

    def identify(self, path: Path, head: bytes) -> bool:
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        return _HEAD.search(head[:8192]) is not None

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        return _Reader(Path(path), options).read()


def decode(data: bytes) -> tuple[str, int, list[str]]:
    """The markup from <OFX> on as text, how many lines precede it, and warnings about its encoding."""
    warnings: list[str] = []
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    m = _OFX_START.search(data)
    if m is None:
        return "", 0, warnings
    header, body = data[:m.start()], data[m.start():]
    declared = ""
    xml = _XML_ENCODING.search(header)
    if xml:
        declared = xml.group(1).decode("ascii").upper()
    else:
        fields = {k.decode("ascii").upper(): v.decode("ascii", "replace").upper()
                  for k, v in _SGML_FIELD.findall(header)}
        if fields.get("ENCODING") in ("UTF-8", "UTF8"):
            declared = "UTF-8"
        else:
            declared = fields.get("CHARSET", "")
    codec = CHARSETS.get(declared, declared.lower())
    lines = header.count(b"\n")
    # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the header says (cp1252 text practically never is valid
    # UTF-8, while banks often label UTF-8 files "CHARSET:1252").
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if codec not in ("utf-8", "") and not body.isascii():
            warnings.append(f"the file declares {declared} but its text is UTF-8; it was read as UTF-8")
        return text, lines, warnings
    for candidate in dict.fromkeys(c for c in (codec, "cp1252", "latin-1") if c and c != "utf-8"):
        try:
            text = body.decode(candidate)
        except Exception:  # noqa: BLE001, S112 - the codec is named by the file: any failure means "try the next"
            continue
        if candidate != codec:
            warnings.append(f"the file declares {declared or 'no encoding'} but is not valid "
                            f"{codec or 'UTF-8'}; it was read as {candidate}")
        return text, lines, warnings
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


class _Reader:
    """One file's import: decode, build the tree, turn each statement aggregate into a Statement."""

    def __init__(self, path: Path, options: ImportOptions):
        self.path = path
        self.options = options
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.dates: dict[str, dt.date] = {}
        self._newlines: list[int] | None = None
        self.counted: dict[str, tuple[int, int]] = {}

    def problem(self, text: str, node: Node | None = None, field: str | None = None, record=None):
        """Note one problem; `record` is its name or a function that makes it (they are built only if needed)."""
        self.problems.append(Problem(text, line=self.line_of(node) if node is not None else None, field=field,
                                     record=record() if callable(record) else record))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(Problem(f"stopped after {MAX_PROBLEMS} problems"))
            raise BankFileError(self.path, self.problems)

    def line_of(self, node: Node) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
            self._tags = tag_offsets(self.text)
        offset = self._tags[node.offset] if 0 <= node.offset < len(self._tags) else 0
        return self.header_lines + bisect_left(self._newlines, offset) + 1

    def read(self) -> ImportResult:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise BankFileError(self.path, f"cannot read the file: {exc.strerror or exc}") from None
        text, self.header_lines, self.warnings = decode(data)
        if not text:
            raise BankFileError(self.path, Problem("not an OFX file: no <OFX> element", field="OFX"))
        self.text = prepare(text)
        try:
            root = parse(self.text)
        except MarkupError as exc:
            self.problem(str(exc), Node("", exc.offset), "OFX")
            raise BankFileError(self.path, self.problems) from None
        found = []
        for tag, (account_tag, kind) in STATEMENTS.items():
            found += [(node.offset, node, account_tag, kind) for node in root.find_all(tag)]
        found.sort(key=lambda item: item[0])
        if not found:
            raise BankFileError(self.path, Problem(self._why_no_statement(root), field="STMTRS"))
        raw = [self._statement(node, account_tag, kind, i) for i, (_, node, account_tag, kind) in
               enumerate(found, start=1)]
        self._check_count(raw)
        if self.problems:
            raise BankFileError(self.path, self.problems)
        return ImportResult(format="ofx", source=str(self.path), statements=tuple(self._assemble(raw)),
                            warnings=tuple(self.warnings))

    def _why_no_statement(self, root: Node) -> str:
        for status in root.find_all("STATUS"):
            code = status.fields.get("CODE", "0")
            if code != "0":
                message = status.fields.get("MESSAGE", "")
                return (f"no bank or credit-card statement (STMTRS/CCSTMTRS): the bank answered with status "
                        f"{code} {status.fields.get('SEVERITY', '')} {message}".rstrip())
        if root.find("INVSTMTRS") is not None:
            return "an investment statement (INVSTMTRS); only bank and credit-card statements can be imported"
        return "no bank or credit-card statement (STMTRS/CCSTMTRS) in the file"

    def _check_count(self, raw: list[dict]) -> None:
        """Strict about losing data: every <STMTTRN> tag in the file must have become a transaction."""
        tags = len(_STMTTRN_TAG.findall(self.text))
        imported = sum(len(st["transactions"]) for st in raw)  # STMTTRNP (pending) are not <STMTTRN>
        if tags > imported:
            self.problem(f"the file has {tags} <STMTTRN> transactions but {imported} were found inside bank or "
                         f"credit-card statements; {tags - imported} would be lost (a transaction outside "
                         "STMTRS/CCSTMTRS, or broken markup)", field="STMTTRN")
        elif tags < imported:  # pragma: no cover - the tree holds one node per tag; kept as a guard
            self.problem(f"the file has {tags} <STMTTRN> transactions but {imported} were read", field="STMTTRN")

    # -- one statement -------------------------------------------------------------------------------------
    def _statement(self, node: Node, account_tag: str, kind: str, number: int) -> dict:
        record = f"{kind} statement #{number}"
        account_node = node.find(account_tag, _OTHER_STATEMENTS)
        account = (account_node.fields.get("ACCTID", "") if account_node is not None else "") or \
            self.options.account or ""
        if not account:
            self.warnings.append(f"{record}: no account number ({account_tag}/ACCTID)")
        currency = node.fields.get("CURDEF", "").upper() or self.options.currency or ""
        if not currency:
            self.warnings.append(f"{record}: no currency (CURDEF): the lines carry none until the account's currency "
                                 "is given")
        tranlist = node.find("BANKTRANLIST", _OTHER_STATEMENTS)
        start = end = None
        if tranlist is not None:
            start = self._date(tranlist.fields.get("DTSTART", ""), tranlist, "BANKTRANLIST/DTSTART", record, False)
            end = self._date(tranlist.fields.get("DTEND", ""), tranlist, "BANKTRANLIST/DTEND", record, False)
        closing = as_of = None
        ledger = node.find("LEDGERBAL", _OTHER_STATEMENTS)
        if ledger is not None and ledger.fields.get("BALAMT", ""):
            closing = self._amount(ledger.fields["BALAMT"], ledger, "LEDGERBAL/BALAMT", record)
            as_of = _plain_date(ledger.fields.get("DTASOF", ""))
        transactions = [self._transaction(t, currency, i, record, False)
                        for i, t in enumerate(node.find_all("STMTTRN", _OTHER_STATEMENTS), start=1)]
        self._check_as_of(record, closing, as_of, transactions)
        pending = [self._transaction(t, currency, i, record, True)
                   for i, t in enumerate(node.find_all("STMTTRNP", _OTHER_STATEMENTS), start=1)]
        return {"record": record, "account": account, "currency": currency, "closing": closing, "start": start,
                "end": end, "transactions": transactions, "pending": pending, "number": number}

    def _check_as_of(self, record: str, closing: Decimal | None, as_of: dt.date | None, transactions: list) -> None:
        """LEDGERBAL is the balance as of DTASOF: when that is before booked transactions, it is not this
        statement's closing balance and reconciling to it would show a false difference. Kept as the file says
        (there is no other), with a warning naming the dates. A day's grace: dates are compared as written, and
        their time zones may differ."""
        if closing is None or as_of is None or self.problems:  # (a date that is None was a problem)
            return
        after = as_of + dt.timedelta(days=1)
        if max(map(itemgetter(1), transactions), default=after) > after:  # the common case without a Python loop
            later = [t[1] for t in transactions if t[1] > after]
            self.warnings.append(f"{record}: the ledger balance {closing} is as of {as_of} (LEDGERBAL/DTASOF), "
                                 f"before {len(later)} of its transactions (the last on {max(later)}): it may not "
                                 "be the balance after them")

    def _transaction(self, t: Node, currency: str, number: int, statement: str, pending: bool) -> tuple:
        """(FITID, date, amount, reference, description, type, check number, value date, pending)."""
        f = t.fields
        fitid = f.get("FITID", "")

        def record() -> str:  # built only when a problem needs it
            return f"{statement}, transaction " + (f"FITID {fitid}" if fitid else f"#{number}")
        if t.duplicates:
            for name in sorted(set(t.duplicates) & {"TRNAMT", "DTPOSTED", "FITID", "DTTRAN"}):
                self.problem(f"{name} appears twice with different values in one transaction: a <STMTTRN> tag "
                             "is probably missing", t, name, record())
        trntype = f.get("TRNTYPE", "").upper()
        amount = self._amount(f.get("TRNAMT", ""), t, "TRNAMT", record)
        date_field = "DTTRAN" if pending else "DTPOSTED"
        date = self._date(f.get(date_field, ""), t, date_field, record, True)
        if amount is not None:
            if not amount:
                amount = abs(amount)  # "-0.00" is 0
            if t.children:
                amount = self._foreign(t, amount, currency, record)
            if (trntype == "DEBIT" and amount > 0) or (trntype == "CREDIT" and amount < 0):
                self._count_warning("sign", "transactions whose TRNTYPE contradicts the sign of TRNAMT were "
                                            "kept as signed in the file")
        kind = TRNTYPES.get(trntype, "other")
        check = f.get("CHECKNUM", "")
        if check and check.strip("0 ") == "":
            check = ""  # "0" or "000" is how some banks say "no cheque"
        if check and kind == "other":
            kind = "check"
        name = f.get("NAME", "")
        if not name and t.children:
            payee = t.find("PAYEE")
            name = payee.fields.get("NAME", "") if payee is not None else ""
        description = name_and_memo(name, f.get("MEMO", ""))
        if "  " in description:
            description = " ".join(description.split())
        available = f.get("DTAVAIL")
        value_date = self._date(available, t, "DTAVAIL", record, False) if available else None
        return (fitid, date, amount, f.get("REFNUM", "") or check, description, kind, check, value_date, pending)

    def _foreign(self, t: Node, amount: Decimal, currency: str, record: str) -> Decimal:
        """An amount in another currency (CURRENCY aggregate) converted at the file's rate; ORIGCURRENCY
        amounts are already in the statement currency."""
        cur = t.find("CURRENCY")
        if cur is None:
            return amount
        symbol = cur.fields.get("CURSYM", "").upper()
        if not symbol or symbol == currency:
            return amount
        rate = self._amount(cur.fields.get("CURRATE", ""), cur, "CURRENCY/CURRATE", record)
        if rate is None:
            return amount
        exponent = min(amount.as_tuple().exponent, -2)
        converted = (amount * rate).quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN)
        self._count_warning("currency", "transactions in another currency (CURRENCY/CURSYM) were converted at "
                                        "their CURRATE")
        return converted

    def _count_warning(self, key: str, text: str) -> None:
        """One warning per kind of leniency, saying how many transactions it touched."""
        count, at = self.counted.get(key, (0, len(self.warnings)))
        if count == 0:
            self.warnings.append(text)
        self.counted[key] = (count + 1, at)
        self.warnings[at] = f"{count + 1} {text}"

    # -- values --------------------------------------------------------------------------------------------
    def _amount(self, text: str, node: Node, field: str, record: str) -> Decimal | None:
        if _PLAIN_AMOUNT.fullmatch(text):
            return Decimal(text)
        if not text:
            self.problem("missing amount", node, field, record)
            return None
        try:
            # OFX allows "," as the decimal mark and no thousands separators; both marks: the last is decimal
            if "," in text and "." not in text and text.count(",") == 1:
                return parse_amount(text, decimal=",")
            return parse_amount(text)
        except AmountError:
            self.problem(f"not an amount: {text[:40]!r}", node, field, record)
            return None

    def _date(self, text: str, node: Node, field: str, record: str, required: bool) -> dt.date | None:
        found = self.dates.get(text)
        if found is not None:
            return found
        if not text:
            if required:
                self.problem("missing date", node, field, record)
            return None
        found = _plain_date(text)
        if found is None:
            self.problem(f"not a date (yyyymmdd[hhmmss[.xxx]][[zone]]): {text[:40]!r}", node, field, record)
            return None
        self.dates[text] = found
        return found

    # -- assembly ------------------------------------------------------------------------------------------
    def _assemble(self, raw: list[dict]) -> list[Statement]:
        bases, n = [], 0
        for st in raw:
            for t in st["transactions"] + st["pending"]:
                n += 1
                bases.append(t[0] or f"S{st['number']}-{'P' if t[8] else ''}{n}")
        assigned = assign(bases)
        if assigned.repeated:
            self.warnings.append(assigned.warning("FITID"))
        ids = assigned.ids
        if any(not t[0] for st in raw for t in st["transactions"] + st["pending"]):
            self.warnings.append("transactions without a FITID got line ids from their position in the file")
        out, k = [], 0
        for st in raw:
            currency, lines = st["currency"], []
            for t in st["transactions"] + st["pending"]:
                lines.append(BankLine(ids[k], t[1], t[2], currency, t[3], t[4], t[5], t[6], t[7], t[8]))
                k += 1
            out.append(Statement(st["account"], currency, None, st["closing"], tuple(lines), st["start"], st["end"],
                                 f"{st['account']} #{st['number']}"))
        return out


IMPORTER = OfxImporter()

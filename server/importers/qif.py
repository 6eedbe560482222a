"""Quicken QIF bank, cash and credit-card accounts (`!Type:Bank`, `!Type:Cash`, `!Type:CCard`).

Our own reader (qif_records, qif_dates, qif_amounts) rather than a QIF package: quiffen takes the date order
from the caller (`day_first`) and Rust's qif_parser a fixed date format, while this importer must decide the
order from the whole file and name the line and field of anything it cannot read; QIF is a line format as
simple as MT940's, and the reading is short.

Choices:
- Amounts keep the file's sign: QIF writes them from the holder's view (a card charge is negative), as the
  corpus's expected values confirm. `T` is the amount; `U` (the same amount, written by later Quicken
  versions) is used only when `T` is missing. Splits (`S`/`E`/`$`) only describe `T`: splits that do not add
  up to it, or a split amount that cannot be read, are a finding on the statement, not a refusal.
- An "Opening Balance" record (payee `Opening Balance`, category `[account]`) is the statement's opening
  balance, not a transaction; its category names the account when no `!Account` record does. QIF states no
  closing balance (an `!Account` record's `$` is the last reconciled statement's balance, not the balance
  after the file's transactions), so the closing balance is unknown.
- Currency: QIF never states one. `--currency` gives it; without it the lines carry none and a warning says
  so (as OFX does without CURDEF), so that a file can still be looked at.
- Line ids: `L<line of the record's first field>`; QIF has no transaction ids, so statement_history knows
  these lines by their content.
- `N` is the reference; a numeric `N` is also the cheque number. The type comes from `N` (a cheque number,
  ATM, DEP, EFT, XFER...) or, for a category `[account]`, is a transfer. The cleared status `C` is the user's
  reconciliation mark in Quicken, not the bank's pending state: every record is booked.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..errors import BankFileError, Problem
from ..parsing import AmountError
from ..records import BankLine, Finding, ImportResult, Statement
from . import qif_records
from .base import ImportOptions, read_bytes
from .descriptions import name_and_memo
from .qif_amounts import amount, read_amounts
from .qif_dates import DAY_FIRST, MONTH_FIRST, decide_order, spelling, to_date

_HEADER = re.compile(r"!\s*(type\s*:|account|option\s*:|clear\s*:)", re.IGNORECASE)
# `N` words -> canonical type (records.BANK_TYPES); a numeric `N` is a cheque.
N_TYPES = {"ATM": "cash", "CASH": "cash", "DEP": "deposit", "DEPOSIT": "deposit", "EFT": "ach", "ACH": "ach",
           "XFER": "transfer", "TXFR": "transfer", "TRANSFER": "transfer", "INT": "interest", "FEE": "fee",
           "SRVCHG": "fee", "POS": "card", "DEBIT CARD": "card", "DD": "direct_debit", "DIRECTDEBIT": "direct_debit"}
OPENING = "opening balance"
MAX_PROBLEMS = 100


class QifImporter:
    """QIF files, detected by their first `!Type:`, `!Account` or `!Option:` header line."""

    name = "qif"
    priority = 12

    def identify(self, path: Path, head: bytes) -> bool:
        if head[:3] == b"\xef\xbb\xbf":
            head = head[3:]
        for line in head[:8192].decode("latin-1").splitlines()[:50]:
            text = line.strip()
            if text and not text.startswith("#"):
                return _HEADER.match(text) is not None
        return False

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        text, warning = qif_records.decode(read_bytes(path))
        content = qif_records.read(text)
        warnings = content.warnings + ([warning] if warning else [])
        problems = list(content.problems)
        if not content.sections:
            problems.append(Problem("no bank, cash or credit-card account (!Type:Bank, !Type:Cash, !Type:CCard) "
                                    "in the file" + (": " + "; ".join(content.warnings) if content.warnings else ""),
                                    field="!Type"))
        sections = [sec for sec in content.sections if sec.records] or content.sections[:1]  # headers only: 0 lines
        records = [r for sec in sections for r in sec.records]
        dates = self._dates(content, records, problems, warnings, options.date_order)
        amounts, mark = self._amounts(content, records, problems)
        if problems:
            raise BankFileError(path, problems[:MAX_PROBLEMS])
        currency = (options.currency or "").upper()
        if not currency:
            warnings.append("QIF states no currency: the lines carry none until the account's currency is given")
        statements = _statements(sections, dates, amounts, mark, currency, options.account)
        return ImportResult(format="qif", source=str(path), statements=tuple(statements), warnings=tuple(warnings))

    @staticmethod
    def _dates(content: qif_records.Content, records, problems: list[Problem], warnings: list[str],
               date_order: str | None = None) -> dict:
        """Each distinct `D` text -> its date, in the one order the file's dates allow."""
        texts = [r.fields.get("D") for r in records]

        def line_of(text: str) -> int:  # for messages only: a search through the records
            return content.line_of(records[texts.index(text)], "D")
        spelled = {}
        for text in dict.fromkeys(texts):
            if text is None:
                problems += [Problem("missing date (D)", line=r.line, field="D")
                             for r, t in zip(records, texts) if t is None][:MAX_PROBLEMS]
            elif (s := spelling(text)) is not None:
                spelled[text] = s
            elif len(problems) < MAX_PROBLEMS:
                problems.append(Problem(f"not a date: {text.strip()[:40]!r}", line=line_of(text), field="D"))
        preferred = {"day_first": DAY_FIRST, "month_first": MONTH_FIRST}.get(date_order or "")
        order, conflict = decide_order(spelled.items(), line_of, preferred)
        problems.extend(conflict)
        if order is None:
            return {}
        if order.warning:
            warnings.append(order.warning)
        out = {}
        for text, s in spelled.items():
            try:
                out[text] = to_date(s, order.order)
            except ValueError:
                if len(problems) < MAX_PROBLEMS:
                    problems.append(Problem(f"not a calendar date read {order.order}: {text.strip()[:40]!r}",
                                            line=line_of(text), field="D"))
        return out

    @staticmethod
    def _amounts(content: qif_records.Content, records, problems: list[Problem]) -> tuple[list, str]:
        """Each record's amount (`T`, else `U`) in the file's decimal mark."""
        texts = [r.fields.get("T") for r in records]
        if None in texts:
            for i, r in enumerate(records):
                if texts[i] is None:
                    texts[i] = r.fields.get("U")
                    if texts[i] is None:
                        problems.append(Problem("missing amount (T)", line=r.line, field="T"))
                        texts[i] = ""
        values, mark, bad = read_amounts(
            texts, (t for r in records if r.splits for c, t, _ in r.splits if c == "$"))
        for i, message in bad[:MAX_PROBLEMS]:
            r = records[i]
            code = "T" if "T" in r.fields else "U"
            if r.fields.get(code) is not None:
                problems.append(Problem(message, line=content.line_of(r, code), field=code))
        return values, mark


def _bracketed(category: str) -> bool:
    category = category.strip()
    return category.startswith("[") and category.endswith("]")


def _statements(sections: list[qif_records.Section], dates: dict, amounts: list[Decimal], mark: str,
                currency: str, default_account: str | None) -> list[Statement]:
    """One statement a section: its lines, its opening balance and its split findings. The loop is inline (no
    call per record): it is half of the import's time."""
    out = []
    values = iter(amounts)
    for number, sec in enumerate(sections, start=1):
        opening = None
        account = sec.account
        lines, split_checks = [], []
        append = lines.append
        for rec, value in zip(sec.records, values):
            if not value:
                value = abs(value)  # "-0.00" is 0
            get = rec.fields.get
            payee, category = get("P", "").strip(), get("L")
            if category is None:
                kind = "other"
            elif opening is None and payee.lower() == OPENING and _bracketed(category):
                opening = value
                account = account or category.strip()[1:-1].strip()
                continue
            else:
                kind = "transfer" if category.lstrip().startswith("[") else "other"
            check = ""
            reference = get("N")
            if reference is None:
                reference = ""
            else:
                reference = reference.strip()
                if reference.isdigit() and reference.strip("0"):
                    kind, check = "check", reference
                elif reference:
                    kind = N_TYPES.get(reference.upper(), kind)
            memo = get("M")
            append(BankLine(f"L{rec.line}", dates[rec.fields["D"]], value, currency, reference,
                            payee if memo is None else name_and_memo(payee, memo.strip()), kind, check))
            if rec.splits:
                split_checks.append((rec, value))
        account = account or default_account or ""
        name = f"{account} #{number}" if account else f"#{number}"
        findings = tuple(f for rec, value in split_checks if (f := _split_finding(rec, value, name, mark)) is not None)
        out.append(Statement(account, currency, opening, None, tuple(lines), statement_id=name, findings=findings))
    return out


def _split_finding(rec: qif_records.Record, value: Decimal, statement: str, mark: str) -> Finding | None:
    """Splits (`$` amounts) that do not add up to the record's amount `T`, or one that cannot be read."""
    total = Decimal(0)
    for code, text, line in rec.splits:
        if code == "$":
            try:
                total += amount(text, mark)
            except AmountError:
                return Finding("split_amount", f"statement {statement}: the split amount {text[:40]!r} on line "
                                               f"{line} (record of line {rec.line}, amount {value}) cannot be "
                                               "read; the record's amount T is imported, its splits are not checked",
                               statement, (("line", str(line)), ("split_amount", text[:40]),
                                           ("transaction_amount", str(value))))
    amounts = sum(1 for code, _, _ in rec.splits if code == "$")
    if not amounts or total == value:
        return None
    return Finding("split_total", f"statement {statement}: the {amounts} split amounts of the record of line "
                                  f"{rec.line} add up to {total}, but its amount T is {value} (difference "
                                  f"{value - total}); the amount T is imported",
                   statement, (("line", str(rec.line)), ("transaction_amount", str(value)),
                               ("splits_total", str(total)), ("difference", str(value - total))))


IMPORTER = QifImporter()

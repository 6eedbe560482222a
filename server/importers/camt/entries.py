"""The facts of one entry (Ntry) of any camt message: amount signed by CdtDbtInd, status, dates, type, texts, id;
and the checks of its values, each problem noted with line, record and field (the file is refused after reading,
with all of them).

Why a base class of camt.reader.Reader: the checks share the reader's problem list, warnings and date cache, one
set per file, and sit on the per-entry hot path, where a plain method call is the cheapest.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ...errors import BankFileError, Problem
from .codes import canonical_type
from .texts import batch_texts, single_texts

MAX_PROBLEMS = 100
BOOKED, PENDING = "BOOK", ("PDNG", "INFO", "FUTR")
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False, "": False}
_SIGNS = {"CRDT": 1, "DBIT": -1}
_AMOUNT = re.compile(r"\d{1,18}(?:\.\d{0,5})?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=$|[T+\-Z])")


class EntryFacts:
    """Entry reading and value checks; the subclass sets path, problems, warnings, warned, dates and read_entry."""

    # -- plumbing ------------------------------------------------------------------------------------------
    def problem(self, text: str, line: int | None = None, field: str | None = None,
                record: str | tuple[str, int, int] | None = None):
        self.problems.append(Problem(text, line=line, field=field, record=_record_name(record)))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(Problem(f"stopped after {MAX_PROBLEMS} problems"))
            raise BankFileError(self.path, self.problems)

    # -- one entry -----------------------------------------------------------------------------------------
    def _entry(self, el, stmt_no: int, entry_no: int) -> dict:
        """The entry's facts (amount signed by CdtDbtInd, dates, texts); problems are noted, not raised."""
        fields, details = self.read_entry(el)
        return self._entry_facts(fields, details, el.sourceline, (self.word, stmt_no, entry_no))

    def _date(self, text: str, line, field, record, required: bool = True) -> dt.date | None:
        if not text:
            if required:
                self.problem("missing date", line=line, field=field, record=record)
            return None
        d = self.dates.get(text)
        if d is None:
            m = _DATE.match(text)
            try:
                if not m:
                    raise ValueError
                d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                self.problem(f"not a date (yyyy-mm-dd or yyyy-mm-ddThh:mm:ss): {text[:40]!r}", line=line,
                             field=field, record=record)
                return None
            self.dates[text] = d
        return d

    def _amount(self, text: str, line, field, record) -> Decimal | None:
        if not _AMOUNT.fullmatch(text):
            what = "missing amount" if not text else f"not an amount (digits with '.' decimals): {text[:40]!r}"
            if text.startswith("-"):
                what += "; amounts are unsigned, the sign is CdtDbtInd"
            self.problem(what, line=line, field=field, record=record)
            return None
        return Decimal(text)

    def _direction(self, text: str, line, field, record) -> int | None:
        if text == "CRDT":
            return 1
        if text == "DBIT":
            return -1
        self.problem(f"must be CRDT or DBIT, found {text[:20]!r}", line=line, field=field, record=record)
        return None

    def _entry_facts(self, f: dict, details: list[dict], line, record) -> dict:
        text = f["amount"]
        whole, _, fraction = text.partition(".")  # the test of _AMOUNT (\d is isdecimal()), without a regex
        if 0 < len(whole) <= 18 and whole.isdecimal() and (fraction.isdecimal() and len(fraction) <= 5
                                                            or not fraction):
            amount = Decimal(text)
        else:
            amount = self._amount(text, line, "Ntry/Amt", record)
        sign = _SIGNS.get(f["direction"]) or self._direction(f["direction"], line, "Ntry/CdtDbtInd", record)
        text = f["reversal"]
        reversal = _BOOLEAN.get(text.lower()) if text else False
        if reversal is None:
            self.problem(f"must be true or false, found {f['reversal'][:20]!r}", line=line, field="Ntry/RvslInd",
                         record=record)
            reversal = False
        status = f["status"]
        pending = status in PENDING
        if not pending and status != BOOKED:
            if status:
                self.problem(f"unknown entry status {status[:20]!r} (expected BOOK, PDNG, INFO or FUTR)",
                             line=line, field="Ntry/Sts", record=record)
            else:
                self._warn_once("missing_status", "entries without a status (Sts) were taken as booked")
        dates = self.dates
        text = f["value_date"]
        value_date = dates.get(text) or self._date(text, line, "Ntry/ValDt", record, required=False)
        text = f["booking_date"]
        booking_date = dates.get(text) or self._date(text, line, "Ntry/BookgDt", record, required=False)
        if not text:
            if value_date is None:
                self.problem("missing date: neither BookgDt nor ValDt", line=line, field="Ntry/BookgDt",
                             record=record)
            elif not pending:
                self._warn_once("value_date_used", "booked entries without a booking date (BookgDt) were "
                                                   "dated by their value date (ValDt)")
            booking_date = value_date
        one = len(details) == 1
        single = details[0] if one else self.read_entry.empty_detail  # every field of both dicts is set
        kind = canonical_type(f["domain"], f["family"], f["subfamily"], f["proprietary"])
        if kind == "other" and one:
            kind = canonical_type(single["detail_domain"], single["detail_family"], single["detail_subfamily"],
                                  single["detail_proprietary"])
        check_number = single["check_number"]
        if check_number and kind == "other":
            kind = "check"
        if reversal and kind != "return":
            kind = "reversal"
        batch_count = f["batch_count"]
        count = len(details) or (int(batch_count) if batch_count.isascii() and batch_count.isdigit() else 0)
        if count > 1:
            reference, description = batch_texts(f, details, count)
            if len(details) > 1 and amount is not None:
                self._check_batch_sum(f, details, amount, record)
        else:
            reference, description = single_texts(f, single, money_in=(sign == 1) != reversal)
        return {
            "line": line, "record": record, "currency": f["currency"],
            "amount": signed(amount, sign),
            "date": booking_date, "value_date": value_date, "pending": pending, "reversal": reversal,
            "type": kind, "reference": reference, "description": description, "check_number": check_number,
            "id": f["servicer_ref"] or f["entry_ref"],
        }

    def _check_batch_sum(self, f: dict, details: list[dict], amount: Decimal, record: str) -> None:
        """Warn when the details state amounts that do not add up to the booked entry."""
        total = Decimal(0)
        direction = f.get("direction")
        for d in details:
            text, ccy = d.get("detail_amount", ""), d.get("detail_currency", "")
            if not _AMOUNT.fullmatch(text) or (ccy and ccy != f.get("currency", ccy)):
                return  # not every detail states an amount in the account currency: nothing to compare
            same = (d.get("detail_direction") or direction) == direction
            total += Decimal(text) if same else -Decimal(text)
        if total != amount:
            self.warnings.append(f"{_record_name(record)}: its {len(details)} transaction details add up to "
                                 f"{total}, but the bank booked {amount}; the booked amount was imported")

    def _warn_once(self, key: str, text: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.warnings.append(text)


def _record_name(record: str | tuple[str, int, int] | None) -> str | None:
    """An entry is named (block word, block number, entry number) until a message needs the words."""
    if record.__class__ is tuple:
        return f"{record[0]} #{record[1]} entry #{record[2]}"
    return record


def signed(amount: Decimal | None, sign: int | None) -> Decimal | None:
    """The amount with the sign of its CdtDbtInd (a zero stays 0, never -0)."""
    if amount is None or sign is None:
        return None
    return -amount if sign < 0 and amount else amount

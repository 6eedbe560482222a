"""What a column's values are, read from a sample of its cells: dates (and in which order of day and month,
decided by the whole column), amounts (decimal mark, signs, currency marks), currency codes, debit/credit
flags, pending marks, or text. Written here rather than taken from a date-guessing library because the
decision must be per column (01/02 is read the same way on every row) and exact (no float, no fuzzy guess).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from typing import Sequence

from ....parsing import AmountError
from ..layout_profiles import norm
from ..values import amount_parser, cell_text, is_blank
from .vocabulary import Vocabulary

# strptime codes a date cell may be written in (the time of day, if any, is cut off first). Day-first and
# month-first spellings are both here: the column as a whole decides between them.
DATE_CODES = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d", "%Y.%m.%d.", "%Y:%m:%d",
              "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y",
              "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m-%d-%y",
              "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %b %y", "%b %d, %Y", "%b %d %Y", "%d%b%Y", "%d.%b.%Y")
_TIME = re.compile(r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:[:.,]\d+)?\s*(?:[AP]M)?(?:Z|[+-]\d{2}:?\d{2})?)\Z",
                   re.I)
_DATE_SHAPE = re.compile(r"\d{1,4}[-./: ]\s?(?:\d{1,2}|[A-Za-z]{3,9})[-./: ,]\s?\d{2,4}\.?|\d{8}|[A-Za-z]{3} \d{1,2},? \d{4}")
_MONEY_SHAPE = re.compile(r"[-+(]?\s*(?:[^\d\s]{0,3}\s?)?[-+]?\s*\d[\d.,' \u00a0]*(?:\s?[A-Za-z]{2,3})?\)?-?\s*\|?\Z")
_DECIMALS = re.compile(r"[.,]\d{1,2}\)?-?(?:\s?[A-Za-z]{2,3})?\Z|[.,]\d{3}\)?-?\s?[A-Za-z]{2,3}\Z")
_CURRENCY_IN_CELL = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "zł": "PLN", "kr": "SEK", "Ft": "HUF"}
_DECIMAL_END = re.compile(r"([.,])(\d{1,2})\)?-?(?:\s?[A-Za-z]{2,3})?\Z")
_GROUPED = re.compile(r"\d\.\d{3},\d|\d,\d{3}\.\d")
_LETTER = re.compile(r"[^\W\d_]")
# Inference reads the same sampled cells several times (roles, decimal mark, row order, date format): the
# pure readers below keep their answers for texts already seen (a statement repeats its dates).
MEMO = 65536


def date_text(cell: object) -> str | None:
    """The date part of a text cell ('2019-07-06 00:00:00' -> '2019-07-06'), None when it has no date shape."""
    if not isinstance(cell, str):
        return None
    return _date_part(cell)


@lru_cache(maxsize=MEMO)
def _date_part(cell: str) -> str | None:
    s = _TIME.sub("", cell.strip())
    return s if s and len(s) <= 20 and _DATE_SHAPE.fullmatch(s) else None


@lru_cache(maxsize=MEMO)
def parse_code(text: str, code: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, code).date()
    except ValueError:
        return None


@dataclass
class ColumnFacts:
    """Counts over the sampled, non-blank cells of one column."""

    index: int
    filled: int = 0
    typed_dates: int = 0  # spreadsheet date cells
    date_codes: dict = field(default_factory=dict)  # strptime code -> cells it reads
    amounts: int = 0
    with_decimals: int = 0
    negatives: int = 0
    explicit_plus: int = 0
    integers_only: int = 0
    long_digits: int = 0  # 9+ digit integers: ids and account numbers, not money
    codes: Counter = field(default_factory=Counter)  # currency codes as whole cells
    money_codes: Counter = field(default_factory=Counter)  # currency marks inside amount cells
    values: Counter = field(default_factory=Counter)  # case-folded cell texts (capped)
    pending: int = 0
    text_length: int = 0

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0

    @property
    def date_share(self) -> float:
        best = max(self.date_codes.values(), default=0)
        return self.share(max(best, self.typed_dates) + self.pending) if (best or self.typed_dates) else 0.0

    @property
    def amount_share(self) -> float:
        return self.share(self.amounts)

    @property
    def mean_length(self) -> float:
        return self.text_length / self.filled if self.filled else 0.0


def decimal_mark(rows: Sequence[Sequence], columns: Sequence[int]) -> str:
    """',' or '.', from the cells of the columns that may hold money: the mark that ends cells as ',dd'/'.dd'."""
    dots = commas = 0
    for row in rows:
        for i in columns:
            if i >= len(row) or not isinstance(row[i], str):
                continue
            v = row[i].strip().rstrip("|")
            if len(v) > 30 or date_text(v):
                continue
            m = _DECIMAL_END.search(v)
            if m:
                if m.group(1) == ",":
                    commas += v.rfind(",") > v.rfind(".")
                else:
                    dots += v.rfind(".") > v.rfind(",")
            elif _GROUPED.search(v):
                dots += v.rfind(".") > v.rfind(",")
                commas += v.rfind(",") > v.rfind(".")
    return "," if commas > dots else "."


def sniff(rows: Sequence[Sequence], width: int, decimal: str, vocab: Vocabulary) -> list[ColumnFacts]:
    """Facts about each of `width` columns over `rows` (the sampled data rows)."""
    parse = amount_parser(decimal)
    facts = [ColumnFacts(i) for i in range(width)]
    # a text without a letter cannot be a pending mark when every mark has one: norm() is spared for amounts
    worded = all(_LETTER.search(p) for p in vocab.pending)
    for row in rows:
        for i in range(min(width, len(row))):
            cell = row[i]
            if is_blank(cell):
                continue
            f = facts[i]
            f.filled += 1
            if isinstance(cell, (dt.date, dt.datetime)):
                f.typed_dates += 1
                continue
            text = cell.strip() if cell.__class__ is str else cell_text(cell)
            f.text_length += len(text)
            if len(f.values) < 200 or text.casefold() in f.values:
                f.values[text.casefold()] += 1
            if (not worded or _LETTER.search(text)) and norm(text) in vocab.pending:
                f.pending += 1
                continue
            if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                f.amounts += 1
                f.with_decimals += not float(cell).is_integer()
                f.negatives += cell < 0
                f.integers_only += float(cell).is_integer()
                continue
            _sniff_text(f, text, parse, vocab)
    return facts


_CODES_OF: dict[str, tuple[str, ...]] = {}  # date text -> the codes that read it (statements repeat dates)


def codes_reading(d: str) -> tuple[str, ...]:
    hit = _CODES_OF.get(d)
    if hit is None:
        hit = tuple(code for code in DATE_CODES if parse_code(d, code) is not None)
        if len(_CODES_OF) < 100_000:
            _CODES_OF[d] = hit
    return hit


def _sniff_text(f: ColumnFacts, text: str, parse, vocab: Vocabulary) -> None:
    d = date_text(text)
    if d is not None:
        for code in codes_reading(d):
            f.date_codes[code] = f.date_codes.get(code, 0) + 1
        if len(d) != 8 or not d.isdigit():  # 20240131 may also be an amount or an id
            return
    code = vocab.currency(text) if len(text) <= 3 else None  # upper() never shortens: longer is no code
    if code:
        f.codes[code] += 1
        return
    if not _MONEY_SHAPE.match(text):
        return
    try:
        value = parse(text.rstrip("|").strip())
    except AmountError:
        return
    if value is None:
        return
    f.amounts += 1
    digits = sum(map(str.isdigit, text))
    if _DECIMALS.search(text.rstrip("|").strip()):
        f.with_decimals += 1
    else:
        f.integers_only += 1
        f.long_digits += digits >= 9
    f.negatives += value < 0
    f.explicit_plus += text.lstrip().startswith("+")
    m = _CURRENCY_IN_CELL.search(text)
    if m and vocab.currency(m.group(1)):
        f.money_codes[vocab.currency(m.group(1))] += 1
    else:
        for sym, code in _SYMBOLS.items():
            if sym in text:
                f.money_codes[code] += 1
                break


def date_reading(f: ColumnFacts) -> tuple[str | None, list[str]]:
    """The strptime code that reads the most of the column's dates, and any other code that reads as many
    (day-first vs month-first when no day is above 12)."""
    if not f.date_codes:
        return None, []
    best = max(f.date_codes.values())
    tied = [c for c in DATE_CODES if f.date_codes.get(c) == best]
    return tied[0], tied[1:]


def as_decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))

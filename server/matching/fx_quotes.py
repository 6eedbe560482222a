"""Original amounts quoted in a line's text: 'USD 12,345.67', '12.345,67 GBP', 'ORIG AMT CHF 980.00'.

Why: a receipt invoiced in another currency is credited by the bank at its own rate, so the amounts differ by
up to a fraction of a percent; the original amount and currency the bank quotes (and the ledger's invoice
text often repeats) say it is an FX difference and not another payment. Currency codes are ISO 4217 (the
iso4217 package); amounts are read with either decimal mark (parsing.parse_amount).
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import iso4217

from ..parsing import AmountError, parse_amount

CODES = frozenset(c.code for c in iso4217.Currency)
_NUMBER = r"\d{1,3}(?:[.,' ]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_QUOTE = re.compile(rf"\b([A-Z]{{3}})\s?({_NUMBER})(?!\d)|(?<![\d.,])({_NUMBER})\s?([A-Z]{{3}})\b")


@lru_cache(maxsize=1 << 16)
def quoted(text: str, own: str = "") -> frozenset[tuple[str, Decimal]]:
    """(currency, amount) pairs quoted in the text in a currency other than `own` (the line's own)."""
    out = set()
    for m in _QUOTE.finditer(text.upper() if text else ""):
        code, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if code not in CODES or code == own:
            continue
        try:
            value = parse_amount(number.replace(" ", "").replace("'", ""))
        except AmountError:
            continue
        if value > 0:
            out.add((code, value))
    return frozenset(out)

"""The lines part of a statement's fingerprint text, `[[id, date, amount, pending], ...]`, written by column.

Why: the fingerprint is the SHA-256 of `canonical_json` (controls/audit.py), whose `default` hook is a Python
call for every date and amount, plus a list per line: at 100,000 lines that is most of the import's planning
time. Fingerprints are stored and compared with those of earlier imports, so the text must stay exactly the
one `canonical_json` writes. Here each column is turned into its JSON spellings in C-level passes with the
same pieces json.dumps uses (its string encoder, `date.isoformat`, `money_str`'s text, true/false); any column
these passes cannot vouch for returns None and the caller writes the text with canonical_json as before."""
from __future__ import annotations

import datetime as dt
import json.encoder
from decimal import Decimal
from itertools import repeat
from operator import attrgetter, eq
from typing import Sequence

from ..importers.line_ids import MARK, occurrence_base
from ..records import BankLine

# json.dumps(..., ensure_ascii=False) encodes every str with this function (the C one where available)
_ENCODE = json.encoder.encode_basestring
_CENT = Decimal("0.01")
_LINE = '[{},"{}","{}",{}]'.format
_BOOL = {True: "true", False: "false"}.__getitem__


def lines_json(lines: Sequence[BankLine]) -> str | None:
    """`canonical_json([[occurrence_base(id), date, amount, pending] for each line])`, or None when a column
    holds a value the fast passes do not cover (the caller then asks canonical_json)."""
    if not lines:
        return "[]"
    ids = list(map(attrgetter("line_id"), lines))
    dates = list(map(attrgetter("date"), lines))
    amounts = list(map(attrgetter("amount"), lines))
    pending = list(map(attrgetter("pending"), lines))
    if set(map(type, ids)) != {str} or set(map(type, dates)) != {dt.date} or \
            set(map(type, amounts)) != {Decimal} or set(map(type, pending)) - {bool}:
        return None
    try:
        cents = list(map(Decimal.quantize, amounts, repeat(_CENT)))  # as money_str, in the same context
    except ArithmeticError:
        return None
    if not all(map(eq, amounts, cents)):
        return None  # finer than a cent: money_str normalises those, the general path writes them
    amount_texts = list(map(str, cents))  # two places: str() is format(..., "f"), as money_str writes it
    if any(MARK in i for i in ids):
        ids = list(map(occurrence_base, ids))
    return "[" + ",".join(map(_LINE, map(_ENCODE, ids), map(dt.date.isoformat, dates), amount_texts,
                              map(_BOOL, pending))) + "]"

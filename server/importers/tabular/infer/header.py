"""Where a table's header row is (after any preamble of titles, account details and balances), or that it
has none: the row whose cells name the most column roles in any language of synonyms.toml, with data below.
Without such a row, the data start at the first row that holds both a date and an amount."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..layout_profiles import header_key
from ..values import is_blank
from .sniff import date_text
from .vocabulary import Vocabulary

SCAN_ROWS = 60
_DATE_ROLES = {"date", "value_date"}
_MONEY_ROLES = {"amount", "debit", "credit", "balance", "balance_before"}


@dataclass(frozen=True)
class HeaderRow:
    index: int  # row index of the header; -1: the table has no header row
    names: tuple[str, ...]  # normalised header per column ("" without a header)
    cells: tuple[str, ...]  # header cells as written
    currencies: tuple[str | None, ...]  # currency code named in a header cell, "Amount (EUR)"


def _score(row: Sequence, vocab: Vocabulary) -> tuple[int, set[str]]:
    roles: set[str] = set()
    named = 0
    for cell in row:
        if is_blank(cell) or not isinstance(cell, str) or date_text(cell):
            continue
        found = vocab.roles_of(header_key(cell)[0])
        if found:
            named += 1
            roles.update(found)
    return named, roles


def _looks_like_data(row: Sequence) -> bool:
    has_date = any(date_text(c) or hasattr(c, "year") for c in row if not is_blank(c))
    has_number = any(isinstance(c, (int, float)) and not isinstance(c, bool) or
                     (isinstance(c, str) and any(ch.isdigit() for ch in c) and not date_text(c))
                     for c in row if not is_blank(c))
    return has_date and has_number


def find_header(rows: Sequence[Sequence], vocab: Vocabulary) -> HeaderRow:
    scan = min(len(rows), SCAN_ROWS)
    best, best_score = -1, (1, 0)
    for i in range(scan):
        named, roles = _score(rows[i], vocab)
        if named < 2 or not roles & _DATE_ROLES or not roles & _MONEY_ROLES:
            continue
        below = [r for r in rows[i + 1:i + 6] if any(not is_blank(c) for c in r)]
        if not below or not any(_looks_like_data(r) for r in below):
            continue
        score = (named, -i)
        if score > best_score:
            best, best_score = i, score
    if best < 0:
        return HeaderRow(-1, (), (), ())
    keys = [header_key(c) if isinstance(c, str) else ("", None) for c in rows[best]]
    return HeaderRow(best, tuple(k[0] for k in keys),
                     tuple("" if is_blank(c) else " ".join(str(c).split()) for c in rows[best]),
                     tuple(k[1] for k in keys))


def first_data_row(rows: Sequence[Sequence]) -> int | None:
    """Headerless tables: the first row with a date and a number, if the next rows look alike."""
    scan = min(len(rows), SCAN_ROWS)
    for i in range(scan):
        if _looks_like_data(rows[i]):
            return i
    return None

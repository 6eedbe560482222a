"""The text fields of a table's data rows, column by column: description, type, check number, reference,
account, currency and pending status of every row, as the layout and its profile say to read them.

Computed for all data rows at once (a list per field, same index as the rows) so that the row reader only
assembles lines: a per-row pass over a dozen fields is what made a 100,000-line statement slow. Rows that turn
out to be no transaction (summaries, notes) simply leave their entries unused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from operator import and_, eq, methodcaller, not_
from typing import Sequence

from .classify import line_kinds
from .data_columns import DataColumns
from .layout_profiles import Layout, norm
from .values import text_column

CURRENCY = re.compile(r"[A-Z]{3}")
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_IBAN_SPACED = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b")
_NO_HASH = methodcaller("lstrip", "#")  # "#1234" check numbers
_ACCOUNT_TOKEN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}|[\d*#Xx][\d*#Xx \-/.]*\d")


@lru_cache(maxsize=4096)
def account_number(text: str) -> str:
    """The account number in a label's value ('FRANK Account 666-666666-666' -> '666-666666-666',
    'Konto DE89 3704 0044 0532 0130 00' -> 'DE89370400440532013000')."""
    iban = _IBAN_SPACED.search(text)
    if iban:
        return re.sub(r"\s", "", iban.group(0))
    tokens = [t.strip() for t in _ACCOUNT_TOKEN.findall(text) if sum(ch.isdigit() for ch in t) >= 4]
    return max(tokens, key=len) if tokens else text.strip()[:64]


@dataclass(frozen=True, slots=True)
class Fields:
    """One list per field, index k for data row k."""

    descriptions: list[str]
    kinds: list[str]
    checks: list[str]
    references: list[str]
    accounts: list[str]
    currencies: list[str]
    bad_currency: frozenset[int]  # rows whose currency cell is no ISO 4217 code
    pending: list[bool]  # the status column says pending
    bank_ids: list[str] | None  # the bank's transaction ids, when the layout has them


def read_fields(layout: Layout, data: DataColumns, file_account: str, file_currency: str,
                amounts: list | None = None) -> Fields:
    """Every text field of the data rows; `amounts` (the rows' signed amounts) let the type rules weigh a line's
    sign (classify.line_kinds)."""
    prof, cols = layout.profile, layout.columns
    get = cols.get
    n = len(data)

    def texts(i: int | None) -> list[str]:
        if i is None:
            return [""] * n
        return text_column(data.column(i))

    desc_idx = [cols[k] for k in prof.description_from if k in cols]
    if len(desc_idx) == 1:
        descriptions = _collapsed(texts(desc_idx[0]))
    elif desc_idx:
        descriptions = list(map(_description, zip(*map(texts, desc_idx))))
    else:
        descriptions = [""] * n
    kinds = line_kinds(prof, [data.column(cols[k]) for k in prof.type_from if k in cols], descriptions, amounts)
    chk_i = get("check_number")
    checks = list(map(str.strip, map(_NO_HASH, texts(chk_i)))) if chk_i is not None else [""] * n
    _check_numbers(kinds, checks, descriptions, prof.check_pattern)
    acc_i, cur_i = get("account"), get("currency")
    if acc_i is None:
        accounts = [file_account] * n
    else:
        accounts = [account_number(t) if t else file_account for t in texts(acc_i)]
    bad: set[int] = set()
    if cur_i is not None:
        currencies = list(map(str.upper, texts(cur_i)))
        odd = {code for code in set(currencies) if not code or not CURRENCY.fullmatch(code)}
        for k, code in enumerate(currencies) if odd else ():  # each distinct code is judged once
            if not code:
                currencies[k] = _fallback_currency(file_currency, accounts[k], prof.iban_currency)
            elif code in odd:
                bad.add(k)
    elif file_currency or acc_i is None and not IBAN.fullmatch(file_account):
        currencies = [file_currency] * n
    else:
        currencies = [_fallback_currency(file_currency, a, prof.iban_currency) for a in accounts]
    st_i, pending_values = get("status"), prof.pending_values
    pending = [norm(v) in pending_values for v in data.column(st_i)] if st_i is not None else \
        list(repeat(False, n))
    id_i = get("id")
    return Fields(descriptions, kinds, checks, texts(get("reference")), accounts, currencies, frozenset(bad),
                  pending, texts(id_i) if id_i is not None else None)


def _check_numbers(kinds: list[str], checks: list[str], descriptions: list[str], pattern) -> None:
    """A check without a number takes it from its description; a line of no other type that has a number is a
    check. The rows concerned are picked out by C-level passes over the columns, so only they cost Python work."""
    is_check = list(map(eq, kinds, repeat("check")))
    for k in list(compress(range(len(kinds)), map(and_, is_check, map(not_, checks)))) if any(is_check) else ():
        m = pattern.search(descriptions[k])
        checks[k] = m.group(1) if m else ""
    if "other" in kinds and any(checks):
        for k in list(compress(range(len(kinds)), map(and_, map(eq, kinds, repeat("other")), map(bool, checks)))):
            kinds[k] = "check"


def _collapsed(texts: list[str]) -> list[str]:
    """Runs of spaces, tabs and line breaks within each text made one space; the column is searched once for
    them, since most have none."""
    joined = "\x1f".join(texts)
    if "  " not in joined and "\n" not in joined and "\t" not in joined:
        return texts
    return [" ".join(d.split()) if "  " in d or "\n" in d or "\t" in d else d for d in texts]


def _fallback_currency(file_currency: str, account: str, iban_currency) -> str:
    """The file's currency; without one, the currency of the account's IBAN country, if the profile knows it."""
    if file_currency or not IBAN.fullmatch(account):
        return file_currency
    return iban_currency.get(account[:2], "")


def _description(parts: Sequence[str]) -> str:
    """The description columns joined, runs of spaces collapsed (banks pad fixed-width text with them)."""
    text = parts[0] if len(parts) == 1 else " / ".join(_distinct(parts))
    return " ".join(text.split()) if "  " in text or "\n" in text or "\t" in text else text


def _distinct(parts) -> list[str]:
    """Non-empty parts, leaving out one that another part already contains ('CLOUDFLARE' in 'CLOUDFLARE 650...')."""
    parts = [p for p in parts if p]
    out = []
    for i, p in enumerate(parts):
        low = p.casefold()
        if any(low in q.casefold() and (low != q.casefold() or j < i) for j, q in enumerate(parts) if j != i):
            continue
        out.append(p)
    return out

"""Canonical bank and ledger lines as arrays: integer minor units, day numbers, codes, lazy text keys.

Why arrays: a full Excel sheet a side is a million lines; the engine sorts and searches whole columns with
numpy and keeps Python loops for the few lines left in doubt. Why a canonical order: lines are sorted by
(date, line_id) before anything else, so the result never depends on the order of the input rows.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..records import BANK_COLUMNS, LEDGER_COLUMNS, BankLine, LedgerLine
from . import bank_types, references
from . import text as tx
from .text_memo import TextMemo

MAX_DECIMALS = 6
_INT64_LIMIT = 2 ** 62


class Side:
    """One side's lines in canonical order. Text keys are computed on first use, only for the rows asked."""

    def __init__(self, kind: str, ids: np.ndarray, day: np.ndarray, amount: np.ndarray, cur: np.ndarray,
                 columns: dict[str, np.ndarray]):
        self.kind = kind
        self.ids = ids
        self.day = day
        self.amount = amount
        self.cur = cur
        self.columns = columns
        self.n = len(ids)
        self.input_row: np.ndarray | None = None  # canonical position -> row of the input frame
        self.type_names: list[str] = []  # bank: type of each type_code
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._bdays: dict[tuple, np.ndarray] = {}

    def col(self, name: str, pos: np.ndarray | None = None) -> np.ndarray:
        values = self.columns[name]
        return values if pos is None else values[pos]

    def distinct(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(code per line, distinct values) of a column, so a test on its text runs once per distinct value."""
        key = "distinct:" + name
        if key not in self._cache:
            codes, uniques = pd.factorize(self.columns[name])
            self._cache[key] = (codes, np.asarray(uniques, dtype=object))
        return self._cache[key]

    def memo(self, name: str, pos: np.ndarray, make) -> np.ndarray:
        """A per-line value that several rules of one run ask for (link tokens, reference keys), made once:
        `make(rows)` gives the values of the rows (ascending positions) not made yet."""
        if name not in self._cache:
            self._cache[name] = (np.zeros(self.n, dtype=bool), np.empty(self.n, dtype=object))
        done, values = self._cache[name]
        todo = np.unique(pos[~done[pos]])
        if len(todo):
            made = np.empty(len(todo), dtype=object)
            made[:] = make(todo)
            values[todo] = made
            done[todo] = True
        return values[pos]

    # ---- derived text keys, cached per row
    _DERIVED = {
        "ref_sq": ("reference", tx.squash),
        "text_sq": ("text", tx.squash),
        "padded": ("text", tx.padded),
        "words": ("padded", lambda p: frozenset(p.split())),
        "names_someone": ("padded", tx.names_someone),
        "cp_words": ("counterparty", tx.counterparty_words),
        "ref_links": ("reference", tx.reference_links),
        "check_key": ("check_number", tx.bank_check_key),
        "ledger_check_key": ("reference", tx.ledger_check_key),
        "numbers": ("number_text", lambda t: tx.doc_numbers(references.as_numbers(t))),
        "text_upper": ("text", str.upper),
        "ibans": ("text", tx.ibans),  # euro12: the payer's account as counterparty evidence
        "text": ("text", str),
    }

    def derived(self, name: str, pos: np.ndarray) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = (np.zeros(self.n, dtype=bool), np.empty(self.n, dtype=object))
        done, values = self._cache[name]
        todo = pos[~done[pos]]
        if len(todo):
            if len(todo) > 1:  # each row once (pair lists repeat rows)
                mark = np.zeros(self.n, dtype=bool)
                mark[todo] = True
                todo = np.flatnonzero(mark)
            source, fn = self._DERIVED[name]
            if source == "text":
                raw = self.texts(todo)
            elif source == "number_text":
                raw = self.number_texts(todo)
            elif source in self._DERIVED:  # built on another derived key
                raw = self.derived(source, todo)
            else:
                raw = self.columns[source][todo]
            values[todo] = _BATCH[name](raw) if name in _BATCH else _map(fn, raw)
            done[todo] = True
        return values[pos]

    def sizes(self, name: str, pos: np.ndarray) -> np.ndarray:
        """len() of a derived key per position, as integers kept per row: the pairs whose key is empty (or too
        short to tie anything) are left out with one comparison of arrays, before any test of their texts."""
        key = "size:" + name
        if key not in self._cache:
            self._cache[key] = (np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=np.int64))
        done, values = self._cache[key]
        todo = pos[~done[pos]]
        if len(todo):
            mark = np.zeros(self.n, dtype=bool)
            mark[todo] = True
            todo = np.flatnonzero(mark)
            values[todo] = np.fromiter((len(v) for v in self.derived(name, todo)), dtype=np.int64, count=len(todo))
            done[todo] = True
        return values[pos]

    def texts(self, pos: np.ndarray) -> np.ndarray:
        """Reference and description together: what a person reads on the line (joined once per line: five
        text keys and the document numbers start from it)."""
        return self.memo("texts", pos, self._joined)

    def _joined(self, pos: np.ndarray) -> np.ndarray:
        ref, desc = self.columns["reference"][pos], self.columns["description"][pos]
        out = np.empty(len(pos), dtype=object)
        out[:] = [f"{r} {d}" if r else d for r, d in zip(ref, desc)]
        return out

    def number_texts(self, pos: np.ndarray) -> np.ndarray:
        """Where document numbers are read: reference and description, and the bank's check number."""
        texts = self.texts(pos)
        if "check_number" not in self.columns:
            return texts
        out = np.empty(len(pos), dtype=object)
        out[:] = [f"{t} {c}" if c else t for t, c in zip(texts, self.columns["check_number"][pos])]
        return out

    def business_days(self, weekmask: str, holidays: tuple[dt.date, ...]) -> np.ndarray:
        """Business-day ordinal of each line's date; a weekend or holiday date counts as the next business day."""
        key = (weekmask, holidays)
        if key not in self._bdays:
            cal = np.busdaycalendar(weekmask=weekmask, holidays=list(holidays))
            dates = self.day.astype("datetime64[D]")
            rolled = np.busday_offset(dates, 0, roll="forward", busdaycal=cal)
            self._bdays[key] = np.busday_count(np.datetime64("1970-01-01"), rolled, busdaycal=cal).astype(np.int64)
        return self._bdays[key]


def _numbers(texts: np.ndarray) -> np.ndarray:
    """The "numbers" key of many lines at once: as_numbers only where a structured reference may occur
    (elsewhere it returns the text unchanged), doc_numbers once per distinct text."""
    out = np.empty(len(texts), dtype=object)
    if not len(texts):
        return out
    hit = references.may_hold_reference(texts)
    rest = np.flatnonzero(~hit)
    out[rest] = _map(tx.doc_numbers, texts[rest], memo=_PLAIN_NUMBERS)
    some = np.flatnonzero(hit)
    out[some] = _map(_reference_numbers, texts[some], memo=_REFERENCE_NUMBERS)
    return out


def _reference_numbers(text: str) -> frozenset[str]:
    return tx.doc_numbers(references.as_numbers(text))


# Document numbers kept per text across runs (text_memo.py): the review's pair evidence reads the same texts
# right after the auto-match job. 250,000 texts a kind: a month of 100,000 lines a side.
_PLAIN_NUMBERS = TextMemo(tx.doc_numbers, 250_000)
_REFERENCE_NUMBERS = TextMemo(_reference_numbers, 250_000)
_BATCH = {"numbers": _numbers}  # derived keys computed for many lines at once (same values as _DERIVED's)


def _map(fn, raw, memo: TextMemo | None = None) -> np.ndarray:
    """fn of each value, computed once per distinct value (names, types and texts repeat from line to line;
    a hash pass in C costs far less than the normalisation it saves). `memo`: fn's values kept across runs
    for a costly fn, whose new texts it computes on a second core where that pays (two_cores.py)."""
    out = np.empty(len(raw), dtype=object)
    if len(raw) < 64:
        out[:] = memo.many(list(raw)) if memo is not None else [fn(v) for v in raw]
        return out
    codes, uniques = pd.factorize(raw)
    done = np.empty(len(uniques), dtype=object)
    done[:] = memo.many(list(uniques)) if memo is not None else [fn(v) for v in uniques]
    out[:] = done[codes]
    return out


# ------------------------------------------------------------------------------------------- building
def records_to_frame(lines: Sequence[BankLine] | Sequence[LedgerLine], kind: str) -> pd.DataFrame:
    cols = BANK_COLUMNS if kind == "bank" else LEDGER_COLUMNS
    return pd.DataFrame({c: [getattr(ln, c) for ln in lines] for c in cols}, columns=list(cols))


def detect_decimals(*amount_columns: Sequence[Decimal]) -> int:
    """Decimal places needed to hold every amount exactly as an integer (at least 2)."""
    places = 2
    for col in amount_columns:
        for a in col:
            if isinstance(a, Decimal):
                exp = a.as_tuple().exponent
                if isinstance(exp, int) and -exp > places:
                    places = -exp
    return places


def prepare(frame: pd.DataFrame, kind: str, decimals: int, currencies: dict[str, int]) -> Side:
    """Validate one side and turn it into arrays in canonical order. Bad rows raise InputError (all at once)."""
    label = f"{kind} lines"
    columns = BANK_COLUMNS if kind == "bank" else LEDGER_COLUMNS
    need = [c for c in columns if c not in ("amount",)]
    missing = [c for c in need if c not in frame.columns]
    if "amount" not in frame.columns and "amount_minor" not in frame.columns:
        missing.append("amount")
    if missing:
        raise InputError(label, Problem(f"missing column(s) {', '.join(missing)}", line=1))
    n = len(frame)
    problems: list[Problem] = []
    ids = _texts(frame["line_id"])
    empty = np.flatnonzero(ids == "")
    problems += [Problem("line_id is empty", line=int(i) + 2, field="line_id") for i in empty[:50]]
    # One sort by line id serves both the duplicate check (equal ids end up side by side) and the
    # canonical order below.
    uids = ids.astype(str)
    by_id = np.argsort(uids, kind="stable")
    sorted_ids = uids[by_id]
    dup = by_id[np.flatnonzero((sorted_ids[1:] == sorted_ids[:-1]) & (sorted_ids[1:] != "")) + 1]
    problems += [Problem(f"line_id {ids[i]!r} appears twice", line=int(i) + 2, field="line_id")
                 for i in np.sort(dup)[:50]]
    day = _days(frame["date"], problems)
    if "amount_minor" in frame.columns:
        amount = np.asarray(frame["amount_minor"], dtype=np.int64)
    else:
        amount = _minor_units(frame["amount"], decimals, problems)
    if problems:
        raise InputError(label, problems)
    cur_codes, cur_uniques = pd.factorize(_texts(frame["currency"]))
    local = np.array([currencies.setdefault(str(c).strip().upper(), len(currencies)) for c in cur_uniques] or [0],
                     dtype=np.int64)
    cur = local[cur_codes] if n else np.zeros(0, dtype=np.int64)
    names = ("reference", "description") + (("type", "check_number") if kind == "bank" else ("source", "counterparty"))
    cols = {c: _texts(frame[c]) for c in names}
    if kind == "bank":  # types as small integer codes: filters compare integers, not a million strings
        codes, uniques = pd.factorize(cols["type"])
        lowered = [bank_types.canonical(t) for t in uniques]
        names = list(dict.fromkeys(lowered))
        remap = np.array([names.index(t) for t in lowered] or [0], dtype=np.int64)
        cols["type_code"] = remap[codes] if n else np.zeros(0, dtype=np.int64)
        cols["type"] = np.array(names or ["other"], dtype=object)[cols["type_code"]] if n else np.zeros(0, dtype=object)
    order = by_id[np.argsort(day[by_id], kind="stable")]  # by date, then line id
    side = Side(kind, ids[order], day[order], amount[order], cur[order], {k: v[order] for k, v in cols.items()})
    side.input_row = order  # canonical position -> input row
    if kind == "bank":
        side.type_names = names if n else []
    return side


def _texts(series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=object, na_value="")
    if pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty"):
        return values  # already all str (the usual case): no per-cell work
    out = np.empty(len(values), dtype=object)
    out[:] = ["" if v is None or (isinstance(v, float) and v != v) else (v if isinstance(v, str) else _text(v))
              for v in values]
    return out


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _days(series: pd.Series, problems: list[Problem]) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.to_numpy()
        bad = np.isnat(values)
        day = values.astype("datetime64[D]").astype(np.int64)
    else:
        values = series.to_numpy(dtype=object)
        day = np.zeros(len(values), dtype=np.int64)
        bad = np.zeros(len(values), dtype=bool)
        epoch = dt.date(1970, 1, 1)
        for i, v in enumerate(values):
            if isinstance(v, dt.datetime):
                v = v.date()
            elif isinstance(v, str):
                try:
                    v = dt.date.fromisoformat(v.strip())
                except ValueError:
                    v = None
            if isinstance(v, dt.date):
                day[i] = (v - epoch).days
            else:
                bad[i] = True
    for i in np.flatnonzero(bad)[:50]:
        problems.append(Problem(f"not a date: {series.iloc[int(i)]!r}", line=int(i) + 2, field="date"))
    return day


def _minor_units(series: pd.Series, decimals: int, problems: list[Problem]) -> np.ndarray:
    out = np.zeros(len(series), dtype=np.int64)
    values = series.to_numpy(dtype=object)
    for i, v in enumerate(values):
        try:
            d = v if isinstance(v, Decimal) else Decimal(repr(v) if isinstance(v, float) else str(v).strip())
            scaled = d.scaleb(decimals)
            if not d.is_finite() or scaled != scaled.to_integral_value() or abs(scaled) >= _INT64_LIMIT:
                raise InvalidOperation
            out[i] = int(scaled)
        except (InvalidOperation, ValueError, TypeError):
            if len(problems) < 50:
                problems.append(Problem(f"not an amount with at most {decimals} decimals: {v!r}",
                                        line=i + 2, field="amount"))
    return out


def to_minor(value: Decimal, decimals: int, rounding: str = "exact") -> int | None:
    """A rule's money value in minor units: 'exact' gives None when it cannot be held exactly,
    'floor'/'ceil' round toward a narrower condition (a tolerance of 0.005 at cents allows nothing)."""
    scaled = value.scaleb(decimals)
    whole = scaled.to_integral_value(rounding="ROUND_FLOOR" if rounding == "floor" else "ROUND_CEILING")
    if rounding == "exact" and whole != scaled:
        return None
    return int(whole)


def to_decimal(minor: int, decimals: int) -> Decimal:
    return Decimal(int(minor)).scaleb(-decimals)


def day_to_date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))

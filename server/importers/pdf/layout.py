"""PDF statement layouts as data: each TOML file in layouts/ (or a user's profile folder, with kind = "pdf")
says how to recognise one bank's statement, where its transaction table and balances are, and how it writes
dates and amounts. This module loads and validates them; it knows no bank.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from ...errors import InputError, Problem
from ...records import BANK_TYPES

BUILTIN_DIR = Path(__file__).with_name("layouts")

ROLES = ("date", "description", "debit", "credit", "amount", "balance", "reference", "check_number", "ignore")
MARKS = ("plain", "minus", "parentheses", "cr", "dr", "d", "od")
DEFAULT_SIGNS = {"debit": {"plain": -1}, "credit": {"plain": 1}, "amount": {"plain": 1, "minus": -1},
                 "balance": {"plain": 1, "minus": -1}}
FIELDS = ("account", "currency_code", "period", "opening_balance", "closing_balance", "total_credits", "total_debits",
          "statement_id")
# `{amount}` in a layout's patterns: a printed figure with its marks, e.g. "$1,234.56", "(12.00)", "7.10 CR".
AMOUNT = r"\(?[-+]?[$£€¥]?[-+]?(?:\d[\d,.]*)?\d\)?(?:\s?(?:CR|DR|OD|D)\b\.?)?-?"
# `{money}`: a printed figure with two decimals ("$1,234.56", "- $29.99", "1.234,56 CR"); unlike {amount} it never
# takes a day or year ("February 16, 2025"), so a label may be followed by other text before its figure.
MONEY = (r"(?<![\w.,])\(?[-+]?\s?[$£€¥]?\s?[-+]?\d{1,3}(?:[.,\u2019']?\d{3})*[.,]\d\d\)?"
         r"(?:\s?(?:CR|DR|OD|D)\b\.?)?-?(?![\d])")


@dataclass(frozen=True)
class Column:
    label: str  # the header text as printed, e.g. "Paid out"
    role: str  # one of ROLES
    align: str  # "left" or "right": which edge of the header the column's text lines up with

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.label.lower().split())


@dataclass(frozen=True)
class Layout:
    name: str
    source: Path
    description: str
    markers_all: tuple[str, ...]  # lower-case text that must all occur on page 1
    markers_any: tuple[str, ...]  # at least one must occur (when given)
    currency: str | None
    decimal: str
    patterns: Mapping[str, re.Pattern]  # FIELDS -> compiled pattern, matched against each text line
    period_formats: tuple[str, ...]
    columns: tuple[Column, ...]
    date_formats: tuple[str, ...]
    amount_line: str  # "first" or "last" line of a wrapped transaction carries the amount
    date_carry: bool  # a transaction without a date has the date of the one before (dates printed once a day)
    max_row_gap: float  # baseline-to-baseline gap (points) that ends the table on a page
    end: tuple[re.Pattern, ...]  # a line matching one ends the table on its page
    ignore: tuple[re.Pattern, ...]  # lines inside the table that are no part of it (footers, "continued")
    balance_rows: tuple[re.Pattern, ...]  # descriptions of rows that print a balance, not a transaction
    signs: Mapping[str, Mapping[str, int]]  # role -> mark -> +1 money in / -1 money out
    types: tuple[tuple[re.Pattern, str], ...]

    def column(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)

    @property
    def has_balance(self) -> bool:
        return self.column("balance") is not None

    @property
    def yearless(self) -> bool:
        return any("%y" not in f.lower() for f in self.date_formats)


class _Reader:
    """Typed access to one TOML table that names the file and key in every complaint."""

    def __init__(self, path: Path, data: dict, prefix: str = ""):
        self.path, self.data, self.prefix = path, data, prefix

    def fail(self, key: str, problem: str) -> InputError:
        return InputError(self.path, Problem(f"PDF layout: {problem}", field=self.prefix + key))

    def get(self, key: str, kind: type | tuple, default=None, required: bool = False):
        if key not in self.data:
            if required:
                raise self.fail(key, "is missing")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.fail(key, f"must be {' or '.join(k.__name__ for k in kinds)}, not {type(value).__name__}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str) for v in values):
            raise self.fail(key, "must be a list of strings")
        return tuple(values)

    def regex(self, key: str, text: str) -> re.Pattern:
        try:
            return re.compile(text.replace("{amount}", AMOUNT).replace("{money}", MONEY), re.IGNORECASE)
        except re.error as exc:
            raise self.fail(key, f"is not a valid regular expression: {exc}") from None

    def table(self, key: str) -> _Reader:
        return _Reader(self.path, self.get(key, dict, {}), f"{self.prefix}{key}.")


def _columns(r: _Reader) -> tuple[Column, ...]:
    raw = r.get("columns", list, required=True)
    cols = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise r.fail(f"columns[{i}]", "must be a table like {label = \"Date\", role = \"date\"}")
        c = _Reader(r.path, item, f"{r.prefix}columns[{i}].")
        label = c.get("label", str, required=True).strip()
        role = c.get("role", str, required=True)
        align = c.get("align", str, "left")
        if not label:
            raise c.fail("label", "is empty")
        if role not in ROLES:
            raise c.fail("role", f"{role!r} is not one of {', '.join(ROLES)}")
        if align not in ("left", "right"):
            raise c.fail("align", "must be 'left' or 'right'")
        cols.append(Column(label, role, align))
    roles = [c.role for c in cols if c.role != "ignore"]
    for role in set(roles):
        if roles.count(role) > 1:
            raise r.fail("columns", f"role {role!r} is given to more than one column")
    if "date" not in roles or "description" not in roles:
        raise r.fail("columns", "needs a 'date' and a 'description' column")
    if ("amount" in roles) == ("debit" in roles or "credit" in roles):
        raise r.fail("columns", "needs either one 'amount' column or 'debit' and 'credit' columns")
    if ("debit" in roles) != ("credit" in roles):
        raise r.fail("columns", "a 'debit' column needs a 'credit' column and the other way round")
    return tuple(cols)


def _signs(r: _Reader) -> Mapping[str, Mapping[str, int]]:
    out = {}
    for role, default in DEFAULT_SIGNS.items():
        given = r.get(role, dict, None)
        if given is None:
            out[role] = MappingProxyType(dict(default))
            continue
        for mark, sign in given.items():
            if mark not in MARKS:
                raise r.fail(f"{role}.{mark}", f"unknown mark; marks are {', '.join(MARKS)}")
            if sign not in (1, -1) or isinstance(sign, bool):
                raise r.fail(f"{role}.{mark}", "must be 1 (money in) or -1 (money out)")
        out[role] = MappingProxyType(dict(given))
    return MappingProxyType(out)


def parse_layout(path: Path, data: dict) -> Layout:
    r = _Reader(path, data)
    ident, st, tb = r.table("identify"), r.table("statement"), r.table("table")
    markers_all = tuple(m.lower() for m in ident.strings("all"))
    markers_any = tuple(m.lower() for m in ident.strings("any"))
    if not markers_all and not markers_any:
        raise ident.fail("all", "a layout needs text markers to be recognised by")
    patterns = {key: st.regex(key, st.get(key, str)) for key in FIELDS if key in st.data}
    if "period" in patterns and not {"start", "end"} <= set(patterns["period"].groupindex):
        raise st.fail("period", "needs the named groups (?P<start>...) and (?P<end>...)")
    for key, pattern in patterns.items():
        if key != "period" and "value" not in pattern.groupindex:
            raise st.fail(key, "needs a named group (?P<value>...)")
    decimal = st.get("decimal", str, ".")
    if decimal not in (".", ","):
        raise st.fail("decimal", "must be '.' or ','")
    amount_line = tb.get("amount_line", str, "first")
    if amount_line not in ("first", "last"):
        raise tb.fail("amount_line", "must be 'first' or 'last'")
    date_formats = tb.strings("date_formats")
    if not date_formats:
        raise tb.fail("date_formats", "is missing")
    if any("%y" not in f.lower() for f in date_formats) and "period" not in patterns:
        raise st.fail("period", "is needed: the table's dates have no year, which comes from the period")
    types = []
    for i, item in enumerate(r.get("types", list, [])):
        t = _Reader(path, item if isinstance(item, dict) else {}, f"types[{i}].")
        type_name = t.get("type", str, required=True)
        if type_name not in BANK_TYPES:
            raise t.fail("type", f"{type_name!r} is not one of {', '.join(BANK_TYPES)}")
        types.append((t.regex("pattern", t.get("pattern", str, required=True)), type_name))
    return Layout(
        name=r.get("name", str, required=True), source=path, description=r.get("description", str, ""),
        markers_all=markers_all, markers_any=markers_any,
        currency=st.get("currency", str), decimal=decimal, patterns=MappingProxyType(patterns),
        period_formats=st.strings("period_formats"), columns=_columns(tb), date_formats=date_formats,
        amount_line=amount_line, date_carry=tb.get("date_carry", bool, False),
        max_row_gap=float(tb.get("max_row_gap", (int, float), 30)),
        end=tuple(tb.regex("end", p) for p in tb.strings("end")),
        ignore=tuple(tb.regex("ignore", p) for p in tb.strings("ignore")),
        balance_rows=tuple(tb.regex("balance_rows", p) for p in tb.strings("balance_rows")),
        signs=_signs(r.table("signs")), types=tuple(types))


def _load_file(path: Path, require_kind: bool) -> Layout | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(path, Problem(f"PDF layout cannot be read: {exc}")) from None
    if data.get("kind", "pdf" if not require_kind else None) != "pdf":
        return None  # another importer's profile sharing the folder
    return parse_layout(path, data)


@lru_cache(maxsize=1)
def builtin_layouts() -> tuple[Layout, ...]:
    return tuple(lay for p in sorted(BUILTIN_DIR.glob("*.toml")) if (lay := _load_file(p, False)))


def load_layouts(extra_dirs: Iterable[Path] = ()) -> tuple[Layout, ...]:
    """The user's layouts (from profile folders and $TIEOUT_HOME/profiles, files with kind = "pdf") first, then
    the built-in ones."""
    from ..tabular.layout_profiles import tieout_home

    dirs = (*extra_dirs, tieout_home() / "profiles")
    user = [lay for d in dirs for p in sorted(Path(d).glob("*.toml")) if (lay := _load_file(p, True))]
    return tuple(user) + builtin_layouts()

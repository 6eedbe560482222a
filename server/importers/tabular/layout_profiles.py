"""Layout profiles of tabular bank files (CSV, Excel): what each bank's columns are called and how it writes
amounts and dates, kept as TOML data so that a new bank or a changed export is a new file, not new code.

Profiles come from server/importers/tabular/profiles/*.toml (shipped), $TIEOUT_HOME/profiles and the folders the user
names (ImportOptions.profile_dirs); a later source replaces a profile of the same name. This module loads and
checks them and picks the one whose header row a file carries (`choose_layout`).
"""
from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Sequence

from ..missing import PROFILE
from ...errors import BankFileError, InputError, Problem
from ...parsing import DATE_FORMATS
from ...records import BANK_TYPES

SHIPPED_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULTS_FILE = SHIPPED_DIR / "_defaults.toml"
HEADER_SCAN_ROWS = 50  # the header must be within this many rows of the top of the file or sheet

CONVENTIONS = ("signed", "debit_credit", "indicator", "auto")
MONEY_KEYS = {"signed": ("amount",), "debit_credit": ("debit", "credit"), "indicator": ("amount", "indicator")}
LABEL_KINDS = ("opening_balance", "closing_balance", "total_debits", "total_credits", "total", "ignore")
FIELD_KINDS = ("account", "currency")
# Neutral: where profiles live and how to force one is each surface's to say (importers/missing.py, PROFILE).
TEMPLATE_HINT = ("add or update a layout profile for this bank, or type the statement into the bank statement import "
                 "template and import that instead")

_SCALARS = {"name": str, "title": str, "convention": str, "decimal": str, "currency": str, "sign": str,
            "balance_sign": str,
            "debit_values": str, "continuation_rows": bool, "check_pattern": str, "delimiter": str,
            "fallback": bool}
_LISTS = ("signature", "date_format", "description_from", "type_from", "pending_values", "optional")
_TABLES = ("columns", "types", "labels", "fields", "indicator", "type_rules", "headerless", "iban_currency")


class ProfileError(InputError):
    """A layout profile file that cannot be used as written."""


_NON_WORD = re.compile(r"[^\w#%]+")
_HEADER_CURRENCY = re.compile(r"[(\[]\s*([A-Z]{3})\s*[)\]]")


def norm(text: object) -> str:
    """Compare labels and headers loosely: case, punctuation and spacing never decide a match."""
    return _NON_WORD.sub(" ", str(text).casefold()).strip()


def header_key(cell: object) -> tuple[str, str | None]:
    """A header cell's comparable name and the currency code it names, e.g. 'Bedrag (EUR)' -> ('bedrag', 'EUR')."""
    text = "" if cell is None else str(cell)
    m = _HEADER_CURRENCY.search(text)
    if not m:
        return norm(text), None
    return norm(text[:m.start()] + " " + text[m.end():]), m.group(1)


DIRECTIONS = ("any", "in", "out")  # a type rule's money direction, as the matching rules' `direction`
TOKEN = re.compile(r"[^\W_]+")  # words of a description: letters and digits, "_" and punctuation split


def words_of(text: str) -> list[str]:
    return TOKEN.findall(text.casefold())


@dataclass(frozen=True)
class TypeRule:
    """Text -> a canonical line type when one of its words, phrases, substrings or its pattern occurs."""

    type: str
    words: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()  # several words, matched as " a b " within the text's words
    contains: tuple[str, ...] = ()
    pattern: re.Pattern | None = None
    direction: str = "any"  # in | out: the rule types only lines of that sign (a fee is money out)

    def admits(self, direction: str) -> bool:
        """Whether a line whose money goes `direction` (in, out; any when unknown) may take this rule's type."""
        return self.direction == "any" or direction == "any" or self.direction == direction


@dataclass(frozen=True)
class Profile:
    """One bank's tabular layout (see server/importers/tabular/profiles/_defaults.toml for every setting)."""

    name: str
    title: str
    source: Path
    columns: Mapping[str, tuple[str, ...]]  # field -> normalised header aliases, in the bank's column order
    column_titles: Mapping[str, str]  # field -> the header as the bank writes it (for messages)
    optional: frozenset[str]
    signature: tuple[str, ...]
    convention: str
    date_formats: tuple[str, ...]
    decimal: str | None  # None: decide per file
    currency: str | None
    sign: int
    debit_values: str
    description_from: tuple[str, ...]
    type_from: tuple[str, ...]
    type_map: Mapping[str, str]
    type_rules: tuple[TypeRule, ...]
    check_pattern: re.Pattern
    indicator_debit: frozenset[str]
    indicator_credit: frozenset[str]
    pending_values: frozenset[str]
    continuation_rows: bool
    labels: tuple[tuple[str, str], ...]  # (phrase, kind), longest phrase first, the profile's own before defaults
    fields: Mapping[str, tuple[str, ...]]
    iban_currency: Mapping[str, str]
    delimiter: str | None = None
    fallback: bool = False
    headerless: tuple[str, ...] = ()  # field per position, for files without a header row
    row_patterns: Mapping[str, re.Pattern] = field(default_factory=lambda: MappingProxyType({}))
    balance_sign: int = 0  # -1/+1: how the running balance is written; 0: as `sign` says

    @property
    def balance_factor(self) -> int:
        return self.balance_sign or self.sign

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(k for k in self.columns if k not in self.optional)


# ---------------------------------------------------------------------------------------------- loading

def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path, f"cannot read the layout profile: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, f"not valid TOML: {exc}") from None


@lru_cache(maxsize=1)
def _defaults() -> dict:
    return _read_toml(DEFAULTS_FILE)


def _str_list(path: Path, key: str, value) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(path, Problem("must be a list of strings", field=key))
    return tuple(value)


def _regex(path: Path, key: str, pattern: str, anchored: bool = False, flags: int = 0) -> re.Pattern:
    try:
        return re.compile(f"(?:{pattern})\\Z" if anchored else pattern, flags)
    except re.error as exc:
        raise ProfileError(path, Problem(f"not a valid regular expression: {exc}", field=key)) from None


def _merged_lists(path: Path, own: dict, base: dict, table: str, kinds: Sequence[str]) -> dict[str, tuple]:
    mine, theirs = own.get(table, {}), base.get(table, {})
    if not isinstance(mine, dict):
        raise ProfileError(path, Problem("must be a table", field=table))
    unknown = set(mine) - set(kinds)
    if unknown:
        raise ProfileError(path, Problem(f"unknown kind(s) {', '.join(sorted(unknown))}; known: {', '.join(kinds)}",
                                         field=table))
    return {k: tuple(norm(v) for v in _str_list(path, f"{table}.{k}", mine.get(k, [])) +
                     _str_list(path, f"{table}.{k}", theirs.get(k, [])))
            for k in kinds}


def parse_profile(path: Path, data: dict) -> Profile:
    """Check one profile's TOML and combine it with the shipped defaults."""
    base = _defaults()
    unknown = set(data) - set(_SCALARS) - set(_LISTS) - set(_TABLES)
    if unknown:
        raise ProfileError(path, Problem(f"unknown setting(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0]))
    for key, kind in _SCALARS.items():
        if key in data and not isinstance(data[key], kind):
            raise ProfileError(path, Problem(f"must be a {kind.__name__}", field=key))
    get = lambda key: data.get(key, base.get(key))  # noqa: E731 - a profile's setting, else the default
    name = data.get("name") or path.stem
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ProfileError(path, Problem("use letters, digits, '_', '-' and '.' only", field="name"))
    convention = get("convention")
    if convention not in CONVENTIONS:
        raise ProfileError(path, Problem(f"must be one of {', '.join(CONVENTIONS)}", field="convention"))

    columns_raw = data.get("columns", {})
    headerless_raw = data.get("headerless")
    if not isinstance(columns_raw, dict):
        raise ProfileError(path, Problem("must be a table of field = [header names]", field="columns"))
    columns, titles = {}, {}
    for key, aliases in columns_raw.items():
        names = _str_list(path, f"columns.{key}", aliases)
        if not names:
            raise ProfileError(path, Problem("needs at least one header name", field=f"columns.{key}"))
        columns[key] = tuple(dict.fromkeys(header_key(a)[0] for a in names))
        titles[key] = names[0]
    headerless, row_patterns = (), {}
    if headerless_raw is not None:
        if not isinstance(headerless_raw, dict) or "columns" not in headerless_raw:
            raise ProfileError(path, Problem("needs columns = [field per position]", field="headerless"))
        headerless = _str_list(path, "headerless.columns", headerless_raw["columns"])
        patterns = headerless_raw.get("patterns", {})
        if not isinstance(patterns, dict) or set(patterns) - set(headerless):
            raise ProfileError(path, Problem("patterns must name fields of headerless.columns",
                                             field="headerless.patterns"))
        row_patterns = {k: _regex(path, f"headerless.patterns.{k}", v, anchored=True) for k, v in patterns.items()}
        titles = {k: f"column {i + 1} ({k})" for i, k in enumerate(headerless)}
    if headerless and convention == "auto":
        raise ProfileError(path, Problem("a layout without a header row must name its convention",
                                         field="convention"))
    fields_present = set(headerless) or set(columns)
    if "date" not in fields_present:
        raise ProfileError(path, Problem("a layout needs a 'date' column", field="columns"))
    if convention != "auto":
        missing = [k for k in MONEY_KEYS[convention] if k not in fields_present]
        if missing:
            raise ProfileError(path, Problem(f"convention '{convention}' needs column(s) {', '.join(missing)}",
                                             field="columns"))

    date_formats = _str_list(path, "date_format", get("date_format"))
    for f in date_formats:
        if f not in DATE_FORMATS and "%" not in f:
            raise ProfileError(path, Problem(f"unknown date format {f!r}; use {', '.join(DATE_FORMATS)} or "
                                             "strptime codes such as '%d/%m/%Y'", field="date_format"))
    decimal = get("decimal")
    if decimal not in (".", ",", "auto"):
        raise ProfileError(path, Problem("must be '.', ',' or 'auto'", field="decimal"))
    sign = get("sign")
    if sign not in ("as_is", "inverted"):
        raise ProfileError(path, Problem("must be 'as_is' or 'inverted'", field="sign"))
    balance_sign = data.get("balance_sign", sign)
    if balance_sign not in ("as_is", "inverted"):
        raise ProfileError(path, Problem("must be 'as_is' or 'inverted'", field="balance_sign"))
    debit_values = get("debit_values")
    if debit_values not in ("positive", "negative", "auto"):
        raise ProfileError(path, Problem("must be 'positive', 'negative' or 'auto'", field="debit_values"))
    currency = data.get("currency")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise ProfileError(path, Problem("must be an ISO 4217 code such as 'USD'", field="currency"))
    delimiter = data.get("delimiter")
    if delimiter is not None and (len(delimiter) != 1 or delimiter in "\"\r\n"):
        raise ProfileError(path, Problem("must be one character such as ',', ';' or '\\t'", field="delimiter"))

    types = data.get("types", {})
    if not isinstance(types, dict):
        raise ProfileError(path, Problem("must be a table of value = type", field="types"))
    for value, kind in types.items():
        if kind not in BANK_TYPES:
            raise ProfileError(path, Problem(f"{kind!r} is not a bank line type ({', '.join(BANK_TYPES)})",
                                             field=f"types.{value}"))
    rules = tuple(_type_rule(path, f"type_rules[{i}]", rule) for i, rule in enumerate(
        list(data.get("type_rules", [])) + list(base.get("type_rules", []))))
    _merged_lists(path, data, base, "indicator", ("debit", "credit"))  # checks the table's shape
    iban = dict(base.get("iban_currency", {}))
    iban.update(data.get("iban_currency", {}))
    optional = frozenset(_str_list(path, "optional", data.get("optional", [])))
    bad = optional - fields_present
    if bad:
        raise ProfileError(path, Problem(f"names no column: {', '.join(sorted(bad))}", field="optional"))

    return Profile(
        name=name, title=data.get("title", name), source=path,
        columns=MappingProxyType(columns), column_titles=MappingProxyType(titles), optional=optional,
        signature=tuple(header_key(s)[0] for s in _str_list(path, "signature", data.get("signature", []))),
        convention=convention, date_formats=date_formats, decimal=None if decimal == "auto" else decimal,
        currency=currency, sign=-1 if sign == "inverted" else 1, debit_values=debit_values,
        description_from=_str_list(path, "description_from", get("description_from")),
        type_from=_str_list(path, "type_from", get("type_from")),
        type_map=MappingProxyType({str(k).strip().casefold(): v for k, v in types.items()}),
        type_rules=rules,
        check_pattern=_regex(path, "check_pattern", get("check_pattern"), flags=re.I),
        indicator_debit=frozenset(v.casefold() for v in _raw_indicator(data, base, "debit")),
        indicator_credit=frozenset(v.casefold() for v in _raw_indicator(data, base, "credit")),
        pending_values=frozenset(norm(v) for v in _str_list(path, "pending_values", get("pending_values"))),
        continuation_rows=bool(get("continuation_rows")),
        labels=_label_phrases(path, data, base),
        fields=MappingProxyType(_merged_lists(path, data, base, "fields", FIELD_KINDS)),
        iban_currency=MappingProxyType(iban), delimiter=delimiter, fallback=bool(data.get("fallback", False)),
        headerless=headerless, row_patterns=MappingProxyType(row_patterns),
        balance_sign=-1 if balance_sign == "inverted" else 1,
    )


def _label_phrases(path: Path, data: dict, base: dict) -> tuple[tuple[str, str], ...]:
    """Summary labels in the order they are tried: the longest phrase that a label starts with decides
    ('total number of transactions' is no total, 'balance brought forward' no mere 'balance'); at equal
    length the profile's own phrase beats a default, then the kinds' order decides."""
    own = _merged_lists(path, data, {}, "labels", LABEL_KINDS)
    merged = _merged_lists(path, data, base, "labels", LABEL_KINDS)
    entries = {}
    for rank, kind in enumerate(LABEL_KINDS):
        for phrase in merged[kind]:
            key = (-len(phrase), phrase not in own[kind], rank)
            if phrase and (phrase not in entries or key < entries[phrase][0]):
                entries[phrase] = (key, kind)
    return tuple((phrase, kind) for phrase, (key, kind) in sorted(entries.items(), key=lambda e: e[1][0]))


def _raw_indicator(data: dict, base: dict, kind: str) -> list[str]:
    """Indicator words keep their punctuation ('-', '+'), so they are not normalised like labels."""
    return [str(v).strip() for v in list(data.get("indicator", {}).get(kind, [])) +
            list(base.get("indicator", {}).get(kind, []))]


def _type_rule(path: Path, where: str, rule) -> TypeRule:
    if not isinstance(rule, dict) or rule.get("type") not in BANK_TYPES or set(rule) - {
            "type", "words", "contains", "pattern", "direction"} or not set(rule) & {"words", "contains", "pattern"}:
        raise ProfileError(path, Problem(f"needs type = one of {', '.join(BANK_TYPES)}, and words, contains or "
                                         "pattern (and optionally direction)", field=where))
    if rule.get("direction", "any") not in DIRECTIONS:
        raise ProfileError(path, Problem(f"{str(rule['direction'])[:40]!r} is not a direction (in, out or any)",
                                         field=f"{where}.direction"))
    entries = [" ".join(words_of(w)) for w in _str_list(path, f"{where}.words", rule.get("words", []))]
    return TypeRule(
        type=rule["type"],
        words=frozenset(e for e in entries if e and " " not in e),
        phrases=tuple(e for e in entries if " " in e),
        contains=tuple(c.casefold() for c in _str_list(path, f"{where}.contains", rule.get("contains", []))),
        pattern=_regex(path, f"{where}.pattern", rule["pattern"], flags=re.I) if "pattern" in rule else None,
        direction=rule.get("direction", "any"),
    )


def load_profile_file(path: Path) -> Profile:
    return parse_profile(path, _read_toml(path))


@lru_cache(maxsize=1)
def _shipped() -> tuple[Profile, ...]:
    return tuple(load_profile_file(p) for p in sorted(SHIPPED_DIR.glob("*.toml")) if not p.name.startswith("_"))


def shipped_profiles() -> tuple[Profile, ...]:
    """The profiles Tieout ships (profiles/*.toml), without the user's."""
    return _shipped()


def tieout_home() -> Path:
    return Path(os.environ.get("TIEOUT_HOME") or Path.home() / ".tieout")


def _folder(path: Path, must_exist: bool) -> tuple[Profile, ...]:
    if not path.is_dir():
        if must_exist:
            raise ProfileError(path, "layout profile folder not found")
        return ()
    out = []
    for p in sorted(path.glob("*.toml")):
        if p.name.startswith("_"):
            continue
        data = _read_toml(p)
        if data.get("kind", "tabular") != "tabular":
            continue  # another importer's layout sharing the folder (kind = "pdf")
        out.append(parse_profile(p, data))
    return tuple(out)


def load_profiles(extra_dirs: Sequence[Path] = ()) -> tuple[Profile, ...]:
    """Every usable profile, the user's first: a user profile replaces a shipped one of the same name."""
    sources = [_folder(Path(d), must_exist=True) for d in reversed(tuple(extra_dirs))]
    sources.append(_folder(tieout_home() / "profiles", must_exist=False))
    sources.append(_shipped())
    seen, out = set(), []
    for group in sources:
        for prof in group:
            if prof.name not in seen:
                seen.add(prof.name)
                out.append(prof)
    return tuple(out)


def get_profile(name: str, profiles: Sequence[Profile], source=None) -> Profile:
    for prof in profiles:
        if prof.name == name:
            return prof
    raise BankFileError(source, Problem(f"unknown layout profile {name!r}; known: "
                                      f"{', '.join(sorted(p.name for p in profiles))}", field="profile"))


# ---------------------------------------------------------------------------------------------- choosing

@dataclass(frozen=True)
class Layout:
    """A profile bound to one file: where its header is and which column holds which field."""

    profile: Profile
    header_row: int  # index into the grid's rows; -1 when the layout has no header row
    columns: Mapping[str, int]  # field -> column index
    titles: Mapping[str, str]  # field -> header text as found in the file (for messages)
    header_currency: str | None = None  # currency named in a money column's header, e.g. "Amount (SGD)"
    convention: str = "signed"


@dataclass(frozen=True)
class _RowMatch:
    profile: Profile
    row: int
    found: dict  # field -> column index
    keys: tuple  # header_key of every cell
    cells: tuple = ()  # the cells as written

    @property
    def convention(self) -> str | None:
        conv = self.profile.convention
        if conv == "auto":
            for candidate in ("indicator", "signed", "debit_credit"):
                if all(k in self.found for k in MONEY_KEYS[candidate]):
                    return candidate
            return None
        return conv if all(k in self.found for k in MONEY_KEYS[conv]) else None

    @property
    def complete(self) -> bool:
        return self.convention is not None and all(k in self.found for k in self.profile.required)


def _match_row(profile: Profile, row_index: int, keys: tuple, cells: Sequence = ()) -> _RowMatch:
    names = [k[0] for k in keys]
    used: set[int] = set()
    found = {}
    for field_name, aliases in profile.columns.items():
        for alias in aliases:
            idx = next((i for i, n in enumerate(names) if n == alias and i not in used), None)
            if idx is not None:
                found[field_name] = idx
                used.add(idx)
                break
    return _RowMatch(profile, row_index, found, keys, tuple(cells))


def _row_keys(row: Sequence) -> tuple:
    return tuple(header_key(c) for c in row)


def _headerless_fits(profile: Profile, rows: Sequence[Sequence], start: int, sample: int = 3) -> bool:
    width = len(profile.headerless)
    checked = 0
    for row in rows[start:start + 20]:
        cells = [("" if c is None else str(c)).strip() for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) != width:
            return False
        for i, key in enumerate(profile.headerless):
            pattern = profile.row_patterns.get(key)
            if pattern is not None and not pattern.match(cells[i]):
                return False
        checked += 1
        if checked >= sample:
            break
    return checked > 0


def _layout(m: _RowMatch) -> Layout:
    titles = {k: " ".join(str(m.cells[i]).split()) for k, i in m.found.items()}
    currency = None
    for key in ("amount", "debit", "credit", "balance"):
        if key in m.found and m.keys[m.found[key]][1]:
            currency = m.keys[m.found[key]][1]
            break
    return Layout(m.profile, m.row, MappingProxyType(dict(m.found)), MappingProxyType(titles), currency,
                  m.convention)


def choose_layout(source, rows: Sequence[Sequence], lines: Sequence[int], profiles: Sequence[Profile],
                  forced: str | None = None) -> Layout:
    """The layout of a table: a complete header match of a bank's profile, else a headerless profile whose
    pattern the rows fit, else the generic fallback. A bank's profile whose header matches only in part
    (the bank changed its export) stops the import with what changed, rather than guessing."""
    candidates = [get_profile(forced, profiles, source)] if forced else list(profiles)
    scan = min(len(rows), HEADER_SCAN_ROWS)
    keyed = [_row_keys(rows[i]) for i in range(scan)]
    # each row's header names as a set: a row that holds none of a profile's names matches nothing of it, and
    # is passed over without building its (empty) match; most of the rows scanned are data rows
    names = [frozenset(n for n, _ in keys) for keys in keyed]
    complete: list[_RowMatch] = []
    partial: list[_RowMatch] = []
    for prof in candidates:
        if prof.headerless:
            continue
        aliases = frozenset(a for group in prof.columns.values() for a in group)
        best = None
        for i in range(scan):
            if not any(n for n, _ in keyed[i]) or aliases.isdisjoint(names[i]):
                continue
            m = _match_row(prof, i, keyed[i], rows[i])
            if m.complete:
                complete.append(m)
                best = None
                break
            if best is None or len(m.found) > len(best.found):
                best = m
        if best is not None and best.found:
            partial.append(best)
    rank = {p.name: i for i, p in enumerate(candidates)}
    specific = [m for m in complete if not m.profile.fallback]
    if specific:
        return _layout(min(specific, key=lambda m: (m.row, -len(m.found), rank[m.profile.name])))
    drifted = [m for m in partial if not m.profile.fallback and (forced or _resembles(m))]
    if drifted and not forced:
        raise _drift_error(source, max(drifted, key=lambda m: len(m.found) / len(m.profile.columns)), lines)
    for prof in candidates:
        if prof.headerless:
            start = next((i for i in range(scan) if any(str(c).strip() for c in rows[i] if c is not None)), None)
            if start is not None and _headerless_fits(prof, rows, start):
                cols = {k: i for i, k in enumerate(prof.headerless)}
                return Layout(prof, start - 1, MappingProxyType(cols), prof.column_titles, None, prof.convention)
    if complete:
        return _layout(min(complete, key=lambda m: (m.row, -len(m.found), rank[m.profile.name])))
    if forced:
        prof = candidates[0]
        if drifted:
            raise _drift_error(source, drifted[0], lines)
        what = ("its rows do not fit the pattern of " + ", ".join(prof.column_titles.values())
                if prof.headerless else "no header row with " + ", ".join(
                    repr(prof.column_titles[k]) for k in prof.required))
        raise BankFileError(source, Problem(f"layout profile '{prof.name}' ({prof.title}) does not fit this file: "
                                            f"{what} in the first {scan} rows. Choose another profile or "
                                            f"{TEMPLATE_HINT}. Nothing was imported.", field="header",
                                            missing=PROFILE))
    raise BankFileError(source, Problem(
        f"no layout profile recognises this file: none of the first {scan} rows is a header naming a date and "
        f"an amount (or debit and credit) column that a profile knows. Known profiles: "
        f"{', '.join(sorted(p.name for p in candidates))}; or {TEMPLATE_HINT}. "
        "Nothing was imported.", field="header", missing=PROFILE))


def _resembles(m: _RowMatch) -> bool:
    """A bank's header that lost or renamed a column: its signature is there and most of its columns are."""
    names = {n for n, _ in m.keys}
    if not m.profile.signature or not names.intersection(m.profile.signature):
        return False
    required = m.profile.required
    have = sum(1 for k in required if k in m.found)
    return have >= max(2, math.ceil(len(required) / 2))


def _moved(m: _RowMatch) -> list[str]:
    """Fields found out of the profile's column order (not on the longest in-order run)."""
    order = [k for k in m.profile.columns if k in m.found]
    pos = [m.found[k] for k in order]
    n = len(pos)
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if pos[j] < pos[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    keep: set[int] = set()
    i = max(range(n), key=lambda k: best[k]) if n else -1
    while i >= 0:
        keep.add(i)
        i = prev[i]
    return [order[i] for i in range(n) if i not in keep]


def _drift_error(source, m: _RowMatch, lines: Sequence[int]) -> BankFileError:
    prof = m.profile
    line = lines[m.row] if m.row < len(lines) else None
    missing = [k for k in prof.required if k not in m.found]
    if m.convention is None and prof.convention != "auto":
        missing += [k for k in MONEY_KEYS[prof.convention] if k not in m.found and k not in missing]
    moved = _moved(m)
    used = set(m.found.values())
    unknown = [" ".join(str(m.cells[i]).split()) for i in range(len(m.keys)) if i not in used and m.keys[i][0]]
    parts = []
    if missing:
        parts.append("missing column(s) " + ", ".join(repr(prof.column_titles[k]) for k in missing))
    if moved:
        parts.append("moved column(s) " + ", ".join(
            f"{prof.column_titles[k]!r} (now column {m.found[k] + 1})" for k in moved))
    if unknown:
        parts.append("columns it does not know: " + ", ".join(repr(u) for u in unknown))
    problem = (f"this looks like layout profile '{prof.name}' ({prof.title}) but its header no longer matches: "
               f"{'; '.join(parts)}. The bank may have changed its export: {TEMPLATE_HINT}. Nothing was imported.")
    return BankFileError(source, Problem(problem, line=line,
                                         field=", ".join(prof.column_titles[k] for k in missing) or "header",
                                         missing=PROFILE))

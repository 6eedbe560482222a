"""The words inference reads headers and cells with, loaded from synonyms.toml and words.toml (data, so that
a new language or a bank's wording is a line of TOML, not code)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ....currencies import iso_currency
from ..layout_profiles import norm

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Vocabulary:
    """Header name -> roles it may mean (in the file's order of preference), and the cell words."""

    roles: tuple[str, ...]  # every role, in priority order
    headers: Mapping[str, tuple[str, ...]]  # normalised header -> roles
    indicator_pairs: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (debit words, credit words)
    pending: frozenset[str]  # normalised cell texts that mark a pending line
    card: frozenset[str]  # header/preamble words that say the file is a card account
    currency_aliases: Mapping[str, str]  # old or local codes -> ISO 4217 (RUR -> RUB)
    historic: frozenset[str] = frozenset()  # withdrawn ISO 4217 codes old statements still carry (LTL, DEM)
    date_prefer: tuple[str, ...] = ()  # booking-date names that win over other date columns, best first
    month_first: frozenset[str] = frozenset()  # currencies whose banks write month-first dates
    preamble_closing: tuple[str, ...] = ()  # preamble labels that state the closing balance (no balance column)

    def currency(self, text: str) -> str | None:
        """An ISO 4217 code (or a known alias of one) as written in a cell, else None."""
        code = text.strip().upper()
        if len(code) != 3 or not code.isalpha():
            return None
        code = self.currency_aliases.get(code, code)
        return code if code in self.historic or iso_currency(code)[0] else None

    def names_of(self, role: str) -> list[str]:
        """Every header name of a role (for labels above the header: 'Valuta: SEK', 'IBAN: ...')."""
        return sorted(name for name, roles in self.headers.items() if role in roles)

    def roles_of(self, header: str) -> tuple[str, ...]:
        """Roles a header names: an exact synonym, else the synonyms it starts with ('saldo nach buchung')."""
        exact = self.headers.get(header)
        if exact:
            return exact
        words = header.split()
        for n in range(len(words) - 1, 0, -1):
            hit = self.headers.get(" ".join(words[:n]))
            if hit:
                return hit
        return ()


def _load(name: str) -> dict:
    return tomllib.loads((HERE / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    synonyms = _load("synonyms.toml")
    words = _load("words.toml")
    headers: dict[str, list[str]] = {}
    for role, languages in synonyms.items():
        for names in languages.values():
            for name in names:
                key = norm(name)
                if key and role not in headers.setdefault(key, []):
                    headers[key].append(role)
    pairs = tuple((frozenset(p["debit"]), frozenset(p["credit"])) for p in words["indicator"])
    return Vocabulary(
        roles=tuple(synonyms),
        headers=MappingProxyType({k: tuple(v) for k, v in headers.items()}),
        indicator_pairs=pairs,
        pending=frozenset(norm(w) for w in words["pending"]["values"]),
        card=frozenset(norm(w) for w in words["card"]["words"]),
        currency_aliases=MappingProxyType(dict(words["currency"]["aliases"])),
        historic=frozenset(words["currency"]["historic"]),
        date_prefer=tuple(norm(w) for w in words["date"]["prefer"]),
        preamble_closing=tuple(words["preamble"]["closing"]),
        month_first=frozenset(words["date_order"]["month_first_currencies"]),
    )

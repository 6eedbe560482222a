"""The bank's type codes read as the engine's bank types, through the synonyms of type_synonyms.toml.

Why: importers pass the bank's own code through ("R01", "NSF", "RETURNED ITEM", BAI2 "555", camt "RRTN");
a rule for returned items names the type `return` once and must see them all. A code the table does not
know reads as `other` (rules without a type filter still see it); a rule naming a type that is neither a
bank type nor a synonym is refused by the rules parser, never skipped.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from ..records import BANK_TYPES

_SQUEEZE = re.compile(r"[\s_\-/]+")


def _key(code: str) -> str:
    return _SQUEEZE.sub(" ", str(code).strip().upper()).strip()


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], tuple[tuple[re.Pattern, str], ...]]:
    doc = tomllib.loads(resources.files(__package__).joinpath("type_synonyms.toml").read_text(encoding="utf-8"))
    exact = {_key(t): t for t in BANK_TYPES}
    for kind, codes in doc.get("synonyms", {}).items():
        if kind not in BANK_TYPES:
            raise ValueError(f"type_synonyms.toml: {kind!r} is not a bank type ({', '.join(BANK_TYPES)})")
        exact.update({_key(c): kind for c in codes})
    patterns = tuple((re.compile(p, re.IGNORECASE), kind) for kind, ps in doc.get("patterns", {}).items() for p in ps)
    return exact, patterns


def known(code: str) -> str | None:
    """The bank type a code means, or None when neither a type nor a synonym names it."""
    exact, patterns = _table()
    k = _key(code)
    if k in exact:
        return exact[k]
    return next((kind for rx, kind in patterns if rx.fullmatch(k)), None)


def canonical(code: str) -> str:
    """The bank type of a line's code; 'other' for an empty or unknown code."""
    return known(code) or "other" if str(code).strip() else "other"

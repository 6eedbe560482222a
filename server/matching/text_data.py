"""The word lists of text_data.toml (legal forms, banks' posting words, document-number labels), read once.

Why data: a country's legal forms or a bank's posting words are facts about the world, not logic; adding
Polish legal forms must not mean editing the matcher.
"""
from __future__ import annotations

import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

_PATH = Path(__file__).with_name("text_data.toml")
# Letters NFKD does not decompose (they are letters of their own, not a base letter with a mark).
_OWN_LETTERS = str.maketrans({"ß": "SS", "ẞ": "SS", "Ø": "O", "ø": "O", "Æ": "AE", "æ": "AE", "Œ": "OE", "œ": "OE",
                              "Ł": "L", "ł": "L", "Đ": "D", "đ": "D", "Ð": "D", "ð": "D", "Þ": "TH", "þ": "TH",
                              "ı": "I", "°": " "})


def to_ascii(text: str) -> str:
    """Latin letters without their accents ('Müller' -> 'Muller', 'Łódź' -> 'Lodz'), by Unicode decomposition
    (unicodedata, no extra dependency); other characters are kept for the caller's punctuation rules."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_OWN_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_word(word: str) -> str:
    """German spelling without umlauts ('MUELLER') and the stripped one ('MULLER') agree: AE/OE/UE -> A/O/U.
    Applied to both sides' words alike, so it never makes two different spellings of one side disagree."""
    if "E" not in word:
        return word
    return word.replace("AE", "A").replace("OE", "O").replace("UE", "U")


def _words(entry: str) -> list[str]:
    """Words of an entry as spaced() leaves them: letters and digits, upper case, single letters left out."""
    cleaned = "".join(c if c.isalnum() else " " for c in to_ascii(entry).upper())
    return [w for w in cleaned.split() if len(w) >= 2]


@lru_cache(maxsize=1)
def _data() -> dict:
    with _PATH.open("rb") as fh:
        return tomllib.load(fh)


def _word_set(table: str) -> frozenset[str]:
    return frozenset(fold_word(w) for entries in _data()[table].values() if isinstance(entries, list)
                     for e in entries for w in _words(e))


def legal_words() -> frozenset[str]:
    return _word_set("legal_suffixes")


def bank_words() -> frozenset[str]:
    return _word_set("bank_words")


def number_labels() -> tuple[str, ...]:
    return tuple(to_ascii(w).upper() for w in _data()["number_labels"]["words"])


def list_joins() -> tuple[str, ...]:
    return tuple(_data()["number_labels"]["list_joins"])

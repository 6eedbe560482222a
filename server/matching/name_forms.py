"""How banks shorten the names a ledger spells in full: abbreviations and acronyms, as evidence (no word list).

Why: US bank texts print a payer's name as the ACH originator keyed it, cut to 16 characters and abbreviated
("EAGLE MFG CO" for "Eagle Manufacturing Company", "INTL", "SVCS", "HLDGS"), or as an acronym of the whole name
("AMEX" for American Express, "CDTFA" for California Department of Tax and Fee Administration). A table of such
forms never ends; the shapes do not change: an abbreviation keeps the word's first letter and some of its letters
in order, an acronym is made of the starts of consecutive words.
"""
from __future__ import annotations

from functools import lru_cache

MIN_ABBREVIATION = 3  # "MFG", "SVC"; two letters ("CO", "MD") match too much by chance


@lru_cache(maxsize=1 << 16)
def abbreviates(short: str, word: str) -> bool:
    """`short` can be a bank's abbreviation of `word`: shorter, same first letter, its letters in order within
    the word (MFG of MANUFACTURING, INTL of INTERNATIONAL, SVCS of SERVICES)."""
    if len(short) < MIN_ABBREVIATION or len(short) >= len(word) or short[0] != word[0] or not short.isalpha():
        return False
    pos = 0
    for ch in short[1:]:
        pos = word.find(ch, pos + 1)
        if pos < 0:
            return False
    return True


@lru_cache(maxsize=1 << 16)
def acronym_covers(short: str, words: tuple[str, ...]) -> frozenset[str]:
    """The words of the name `short` spells as the starts of two or more consecutive words (AM+EX of AMERICAN
    EXPRESS, C+D+T+F+A of CALIFORNIA DEPARTMENT TAX FEE ADMINISTRATION); empty when it spells none."""
    if len(short) < MIN_ABBREVIATION or not short.isalpha():
        return frozenset()
    for start in range(len(words)):
        end = _spell(short, words, start)
        if end is not None and end - start >= 2:
            return frozenset(words[start:end])
    return frozenset()


def _spell(rest: str, words: tuple[str, ...], i: int) -> int | None:
    """The index after the last word used when `rest` is made of non-empty starts of words[i], words[i+1], ..."""
    if not rest:
        return i
    if i >= len(words):
        return None
    w = words[i]
    for k in range(min(len(w), len(rest)), 0, -1):
        if rest[:k] == w[:k]:
            end = _spell(rest[k:], words, i + 1)
            if end is not None:
                return end
    return None


def covered_words(name_words: tuple[str, ...], bank_words: frozenset[str]) -> frozenset[str]:
    """The words of a name the bank text spells in an abbreviated form (abbreviation or acronym)."""
    out: set[str] = set()
    for b in bank_words:
        if len(b) < MIN_ABBREVIATION or not b.isalpha():
            continue
        out.update(w for w in name_words if abbreviates(b, w))
        out.update(acronym_covers(b, name_words))
    return frozenset(out)


class NameIndex:
    """The ledger's names by their distinctive words, to ask whether a bank text spells *another* name in full.

    Why in full: a word a bank text shares with some other name ("TAX" of a tax agency, "EAGLE" of Eagle Foods)
    does not name that company; a text holding every distinctive word of another name does."""

    def __init__(self, names_words):
        self.by_word: dict[str, list[tuple[str, ...]]] = {}
        for words in set(names_words):
            for w in words:
                self.by_word.setdefault(w, []).append(words)

    def other_named_in_full(self, bank_words: frozenset[str], own: tuple[str, ...], word_in) -> bool:
        own_set = set(own)
        for b in bank_words:
            for words in self.by_word.get(b, ()):
                if not set(words) <= own_set and all(word_in(w, bank_words) for w in words):
                    return True
        return False

"""How banks shorten the names a ledger spells in full: abbreviations and acronyms, as evidence (no word list).

Why: US bank texts print a payer's name as the ACH originator keyed it, cut to 16 characters and abbreviated
("EAGLE MFG CO" for "Eagle Manufacturing Company", "INTL", "SVCS", "HLDGS"), or as an acronym of the whole name
("AMEX" for American Express, "CDTFA" for California Department of Tax and Fee Administration). A table of such
forms never ends; the shapes do not change: an abbreviation keeps the word's first letter and some of its letters
in order, an acronym is made of the starts of consecutive words.
"""
from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

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

    def other_named_in_full(self, bank_words: frozenset[str], own: tuple[str, ...], word_in,
                            own_spelled: str = "") -> bool:
        """`own_spelled`: the own name's words as the ledger line spells them; a name they misspell is not other."""
        own_set = set(own)
        for b in bank_words:
            for words in self.by_word.get(b, ()):
                if not set(words) <= own_set and all(word_in(w, bank_words) for w in words) \
                        and not (own_spelled and _same_start(own_spelled, " ".join(words))):
                    return True
        return False


MIN_CUT = 4  # a second word cut shorter than this ("BU") could start too many words


def spells_start(bank_words: frozenset[str], name_words: tuple[str, ...]) -> bool:
    """The text holds the name's first word whole and its second whole, cut short or abbreviated: a name cut to a
    bank's 16 characters keeps its start ("CRESCENT BUILDIN" of Crescent Building Products, "HARBOR MFG")."""
    if len(name_words) < 2 or name_words[0] not in bank_words:
        return False
    second = name_words[1]
    return any(b != name_words[0] and (b == second or len(b) >= MIN_CUT and second.startswith(b)
                                       or abbreviates(b, second)) for b in bank_words)


class NameStarts:
    """The ledger's names by their first word, to ask whether a bank text starts *another* name.

    Why: where every word of a name is common (a world of "Crescent Building Products", "Crescent Logistics",
    "Alpine Building Products"), no single word tells a name, but its start does; a bank text that starts one
    known name and not the ledger line's names someone else. Names whose starts differ by a typo (SAME_START) are
    one name, so a bookkeeper's misspelling is not read as another company."""

    SAME_START = 85  # rapidfuzz ratio of two names' first two words above which they are one name mistyped

    def __init__(self, names_words):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in set(names_words):
            if len(words) >= 2:
                self.by_first.setdefault(words[0], []).append(words)

    def other_started(self, bank_words: frozenset[str], own: tuple[str, ...]) -> bool:
        if spells_start(bank_words, own):
            return False
        own_start = start_key(own)
        for b in bank_words:
            for words in self.by_first.get(b, ()):
                if spells_start(bank_words, words) and not _same_start(own_start, start_key(words)):
                    return True
        return False

    def starts_any(self, bank_words: frozenset[str]) -> bool:
        return any(spells_start(bank_words, words) for b in bank_words for words in self.by_first.get(b, ()))

    def started(self, bank_words: frozenset[str]) -> set[str]:
        """The starts (first two words) of the known names the text starts: link keys for names of common words."""
        return {start_key(words) for b in bank_words for words in self.by_first.get(b, ())
                if spells_start(bank_words, words)}


def start_key(name_words: tuple[str, ...]) -> str:
    """A name's first two words, the key its start is looked up by."""
    return " ".join(name_words[:2])


def _same_start(a: str, b: str) -> bool:
    return a == b or fuzz.ratio(a, b) >= NameStarts.SAME_START

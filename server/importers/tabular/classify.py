"""A line's canonical type ("check", "fee", "ach"...) from its type columns and description, through the
profile's type map and ordered rules (rules as data: profiles/_defaults.toml and each bank's profile).

A word alone does not decide a type whose meaning has a sign: "Entgelt" is a bank's fee on a debit but a salary
("Arbeitsentgelt", "Lohn/Gehalt ... Entgelt") on a credit, as "commission", "frais" and "provisie" are income
when paid in. A rule with a `direction` types only lines of that sign (`line_kinds`); the other lines go on to
the next rule. What the bank's own type column says (the profile's map) is taken as it is."""
from __future__ import annotations

import re
from decimal import Decimal
from itertools import repeat
from operator import gt, lt, sub

from .layout_profiles import TOKEN, Profile
from .values import text_column

_DIGITS = re.compile(r"\d+")
# Every ASCII digit made 0 in one C pass over a whole column (a regular expression substituting each run of
# digits costs thirty times as much); `rule` then folds the runs of zeros as it folds any digits.
_ZEROS = str.maketrans("123456789", "000000000")
_ZERO = Decimal(0)
_DIRECTIONS = ("any", "in", "out")  # indexed by a sign: 0, 1, -1


class Classifier:
    """Type column value -> canonical type through the profile's map, else its ordered rules.

    Rules are looked up by word (one dict probe per word of the text) rather than run as regexes one by one:
    a dozen keyword regexes cost tens of microseconds per line, which a 100,000-line import cannot afford."""

    def __init__(self, profile: Profile, direction: str = "any"):
        self.map = profile.type_map
        rules = [r for r in profile.type_rules if r.admits(direction)]
        self.types = [r.type for r in rules]
        self.word_index: dict[str, int] = {}
        for i, rule in enumerate(rules):
            for w in rule.words:
                self.word_index.setdefault(w, i)
        self.word_keys = frozenset(self.word_index)
        self.phrases: dict[str, list[tuple[str, int]]] = {}  # first word -> (" a b ", rule index)
        for i, rule in enumerate(rules):
            for phrase in rule.phrases:
                self.phrases.setdefault(phrase.split()[0], []).append((f" {phrase} ", i))
        self.phrase_keys = frozenset(self.phrases)
        self.contains = [(c, i) for i, r in enumerate(rules) for c in r.contains]
        self.patterns = [(r.pattern, i) for i, r in enumerate(rules) if r.pattern is not None]
        self.digit_free = not self.patterns and not any(
            ch.isdigit() for r in rules for text in (*r.words, *r.phrases, *r.contains) for ch in text)
        self.cache: dict[str, str] = {}

    def rule(self, text: str) -> str | None:
        if not text:
            return None
        hit = self.cache.get(text)
        if hit is None and self.digit_free:
            # No rule word holds a digit, so lines differing only in numbers (references, dates) share a result.
            text = _DIGITS.sub("0", text)
            hit = self.cache.get(text)
        if hit is None:
            low = text.casefold()
            words = TOKEN.findall(low)
            best = len(self.types)
            found = self.word_keys.intersection(words)
            if found:
                best = min(self.word_index[w] for w in found)
            firsts = self.phrase_keys.intersection(words)
            if firsts:
                joined = " " + " ".join(words) + " "
                for first in firsts:
                    for phrase, i in self.phrases[first]:
                        if i < best and phrase in joined:
                            best = i
            for sub, i in self.contains:
                if i < best and sub in low:
                    best = i
            for pattern, i in self.patterns:
                if i < best and pattern.search(text):
                    best = i
            hit = self.types[best] if best < len(self.types) else ""
            if len(self.cache) < 50_000:
                self.cache[text] = hit
        return hit or None

    def by_type(self, values: tuple[str, ...]) -> str | None:
        """The type a row's type column texts give: the first one the map knows, else the first a rule reads."""
        for v in values:
            if v:
                mapped = self.map.get(v.casefold())
                if mapped:
                    return mapped
        for v in values:
            if v:
                hit = self.rule(v)
                if hit:
                    return hit
        return None

    def kinds(self, type_columns: list[list], descriptions: list[str]) -> list[str]:
        """The type of every row: its type columns through the map, then the rules on them and the description.
        Type column texts repeat, so each distinct combination is looked up once."""
        return _kinds(lambda _: self, None, type_columns, descriptions)

    def rules(self, descriptions: list[str]) -> list[str | None]:
        """`rule` for a whole column of descriptions (see `_rules`)."""
        return _rules(lambda _: self, None, descriptions)


def _kinds(pick, directions: list[str] | None, type_columns: list[list], descriptions: list[str]) -> list[str]:
    """`Classifier.kinds` with each row read by the classifier `pick(direction)` of its direction (None: one
    classifier for every row). Each distinct (type cells, direction) is looked up once; the keys are zipped
    from the columns twice rather than kept (zip reuses its tuple when the lookup drops it at once)."""
    if not type_columns:
        return [hit or "other" for hit in _rules(pick, directions, descriptions)]
    if all(set(map(type, column)) == {str} for column in type_columns):
        strip = (lambda cells: tuple(map(str.strip, cells)))  # text keyed as written, stripped once per key
    else:
        type_columns, strip = [text_column(column) for column in type_columns], tuple
    if directions is None:
        known = {key: pick(None).by_type(strip(key)) for key in set(zip(*type_columns))}
        out = list(map(known.__getitem__, zip(*type_columns)))
    else:
        known = {key: pick(key[-1]).by_type(strip(key[:-1])) for key in set(zip(*type_columns, directions))}
        out = list(map(known.__getitem__, zip(*type_columns, directions)))
    rest = [i for i, hit in enumerate(out) if hit is None] if None in known.values() else []
    if rest:
        rest_directions = None if directions is None else [directions[i] for i in rest]
        for i, hit in zip(rest, _rules(pick, rest_directions, [descriptions[i] for i in rest])):
            out[i] = hit or "other"
    return out


def _rules(pick, directions: list[str] | None, descriptions: list[str]) -> list[str | None]:
    """`Classifier.rule` for a whole column of descriptions, each by the classifier of its row's direction. For
    a classifier whose rule words hold no digit, every digit in the column becomes 0 in one pass over the joined
    text, so the rules run once per distinct text rather than once per line (a 100,000-line statement has a few
    hundred); `rule` reads a text with its digits made 0 alike, so the result is the same."""
    joined = "\n".join(descriptions)
    zeroed = joined.translate(_ZEROS).split("\n") if joined.count("\n") == len(descriptions) - 1 else None
    if directions is None:
        texts = zeroed if zeroed is not None and pick(None).digit_free else descriptions
        known = {text: pick(None).rule(text) for text in set(texts)}
        return list(map(known.__getitem__, texts))
    free = {d: zeroed is not None and pick(d).digit_free for d in set(directions)}
    if all(free.values()) or not any(free.values()):
        texts = zeroed if all(free.values()) else descriptions
        known = {key: pick(key[1]).rule(key[0]) for key in set(zip(texts, directions))}
        return list(map(known.__getitem__, zip(texts, directions)))  # zip reuses its tuple: no key list kept
    # rare: classifiers of the two directions differ in whether a rule word holds a digit
    keys = [(zeroed[k] if free[d] else text, d) for k, (text, d) in enumerate(zip(descriptions, directions))]
    known = {key: pick(key[1]).rule(key[0]) for key in set(keys)}
    return list(map(known.__getitem__, keys))


def _direction(amount) -> str:
    """in / out from a signed amount; any for zero or an amount not read (an error, a blank)."""
    if amount.__class__ is not Decimal or not amount:
        return "any"
    return "in" if amount > 0 else "out"


def line_kinds(profile: Profile, type_columns: list[list], descriptions: list[str],
               amounts: list | None = None) -> list[str]:
    """`Classifier.kinds` for every row, each row read by the rules its amount's sign admits: one classifier
    per direction, and each distinct (text, direction) looked up once, so rows are never regrouped by sign."""
    if amounts is None or all(r.direction == "any" for r in profile.type_rules):
        return Classifier(profile).kinds(type_columns, descriptions)
    if set(map(type, amounts)) <= {Decimal}:
        # every amount read: (a > 0) - (a < 0) is 1, 0 or -1, which indexes the names, in C-level passes
        directions = list(map(_DIRECTIONS.__getitem__, map(sub, map(gt, amounts, repeat(_ZERO)),
                                                           map(lt, amounts, repeat(_ZERO)))))
    else:
        directions = list(map(_direction, amounts))
    classifiers: dict[str, Classifier] = {}

    def pick(direction: str) -> Classifier:
        found = classifiers.get(direction)
        if found is None:
            found = classifiers[direction] = Classifier(profile, direction)
        return found
    return _kinds(pick, directions, type_columns, descriptions)

"""Characters -> words, grouped as pdfplumber's extract_words(x_tolerance=2, y_tolerance=2) groups them.

Written here rather than calling pdfplumber's WordExtractor: that one is generic (any direction, extra attributes,
dict objects) and took as long as PDFium needs to read the characters; this loop does the one case the layouts use
on plain tuples. The rules are pdfplumber's, so the words are the same (tests/test_pdf_text.py compares the two):
lines are clusters of characters whose tops lie within Y_TOLERANCE of the next one; within a line, characters
sorted by x0 form a word until a blank, a step back, a gap wider than X_TOLERANCE or a top further than Y_TOLERANCE.
Rotated characters make no words: a table is upright.
"""
from __future__ import annotations

import unicodedata
from itertools import groupby
from operator import itemgetter

from .chars import Char

X_TOLERANCE = 2.0
Y_TOLERANCE = 2.0
# Typographic ligatures (U+FB00..U+FB06) spelled out, as a search or a bank's own export would have them.
LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}

_X0 = itemgetter(1)


def _line_of(tops: set[float]) -> dict[float, int]:
    """top -> its line's index: sorted tops chained while each is within Y_TOLERANCE of the one before."""
    index, line, last = {}, -1, None
    for top in sorted(tops):
        if last is None or top > last + Y_TOLERANCE:
            line += 1
        index[top] = line
        last = top
    return index


def _word(chars: list[Char]) -> tuple[str, float, float, float, float]:
    text = "".join(LIGATURES.get(c.text, c.text) for c in chars)
    return (text, min(c.x0 for c in chars), max(c.x1 for c in chars), min(c.top for c in chars),
            max(c.bottom for c in chars))


def _line_words(line: list[Char]):
    word: list[Char] = []
    for c in sorted(line, key=_X0):
        if c.text.isspace():
            if word:
                yield _word(word)
            word = []
            continue
        if word:
            prev = word[-1]
            if c.x0 < prev.x0 or c.x0 > prev.x1 + X_TOLERANCE or abs(c.top - prev.top) > Y_TOLERANCE:
                yield _word(word)
                word = []
        word.append(c)
    if word:
        yield _word(word)


def page_words(chars: list[Char]) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, x1, top, bottom) of each upright word, line by line (top to bottom), left to right."""
    out = []
    for upright, run in groupby(chars, key=lambda c: c.upright):  # runs in drawing order, as pdfplumber groups
        if not upright:
            continue
        run = list(run)
        line_of = _line_of({c.top for c in run})
        lines: dict[int, list[Char]] = {}
        for c in run:
            lines.setdefault(line_of[c.top], []).append(c)
        for key in sorted(lines):
            out.extend(_line_words(lines[key]))
    return out

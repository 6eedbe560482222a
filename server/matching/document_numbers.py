"""Document numbers in a text, compared as numbers, in the spellings European invoices and payers use.

'RE-2024-0145', 'RE 2024/145', 'Rechnung Nr. 145', 'Rg.-Nr. 145/2024', 'Facture n° F24/0145', 'Factuur 2024.145',
'Fattura 145/2024', the ledger's '2024000145' and a payer's list 'RE 145, 146 U. 151' all name invoice 145 (of
2024): the number is what the two sides share, the year is context. Read here:
- a year and a number joined by - / . (either order; a letter prefix with a two-digit year, 'F24/0145'): the
  number, without the year (a bare year agrees with every invoice of that year);
- a number after a label (Nr., n°, RE, Facture...; text_data.toml), however short;
- the numbers of a list following either (joined by , ; / & + U. UND ET EN...);
- a long digit run that is a year and a zero-padded number ('2024000145'): the run and the number;
- any other digit run of at least MIN_DIGITS digits, as before (leading zeros dropped), but a bare year (an id cut
  to 'LS-2024' by a 60-character export) only after a label: unlabelled it agrees with every text of that year;
- an IBAN is taken out first: it names an account (counterparty evidence, ibans()), not a document.
Why our own reader: no maintained library reads invoice-number spellings out of free remittance text; the
patterns are few and each is a line below. Dates (2024-03-12, 12.03.2024) are not year-number pairs.
"""
from __future__ import annotations

import re
from functools import lru_cache

from stdnum import iban as stdnum_iban

from .text_data import list_joins, number_labels, to_ascii

MIN_DIGITS = 4  # an unlabelled digit run shorter than this (a day, cents, a branch) is no document number
_YEAR = r"(?:19|20)\d\d"
_NOT_DATE_AFTER = r"(?!\d|[-/.]\d)"
_YEAR_FIRST = re.compile(rf"(?<!\d)(?<!\d[-/.])({_YEAR})\s?[-/.]\s?(\d{{1,7}}){_NOT_DATE_AFTER}")
_YEAR_LAST = re.compile(rf"(?<!\d)(?<!\d[-/.])(\d{{2,7}})\s?[-/.]\s?({_YEAR}){_NOT_DATE_AFTER}")
_LETTER_YY = re.compile(rf"(?<![A-Z])[A-Z]{{1,3}}(\d\d)[-/](\d{{2,7}}){_NOT_DATE_AFTER}")
_IS_YEAR = re.compile(_YEAR)
_MARK = "\x01"  # a number already read, kept in the text so that a label or a list can still lead to it
_MARKED = re.compile(_MARK + r"(\d+)")
_IBAN = re.compile(r"(?<![A-Z0-9])[A-Z]{2}\d\d(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?(?![A-Z0-9])")
_DIGITS = re.compile(r"\d+")
# a whole date (12.03.2024, 12/03/24, 2024-03-12): its digit runs are no document number (the year in it would
# agree with every line of that year: a payout 'of 09.04.2024' against 'card sales 03.04.2024')
_DATE = re.compile(r"(?<![\d.])(?:\d{1,2}[./]\d{1,2}[./](?:19|20)?\d\d|(?:19|20)\d\d-\d\d-\d\d)(?![\d])")
_CUT = re.compile(r" {1,2}(\d{1,6})(?![\d%])(?![.,]\d)")
_PADDED_YEAR_RUN = re.compile(rf"^{_YEAR}(0+\d+)$")
# What every pattern of the date and year-number pass needs: a digit, a separator and a digit. A text without it
# (most: 'INV-704235 Receipt ...') skips the four searches; with no match none of them would change the text.
_SEPARATED_DIGITS = re.compile(r"\d\s?[-/.]\s?\d")


def _label_pattern() -> re.Pattern:
    labels = "|".join(sorted((re.escape(w) for w in number_labels()), key=len, reverse=True))
    # label, then optionally a second label word ('RECHNUNG NR.', 'FACTURE N°', 'RG.-NR.'), then the number
    return re.compile(rf"(?<![A-Z0-9])(?:{labels})\b\.?(?:[\s.:#-]*(?:NR|NO|N)\b\.?)?[\s:#-]*({_MARK}?\d+)(?![\d%])"
                      r"(?![.,]\d)")


def _join_pattern() -> re.Pattern:
    words = [re.escape(j) for j in list_joins() if j.isalpha()]
    signs = [re.escape(j) for j in list_joins() if not j.isalpha() and j != ","]
    return re.compile(rf"(?:\s*(?:{'|'.join(signs)})\s*|\s+(?:{'|'.join(words)})\b\.?\s*|,\s+|,(?=\d{{3}}))"
                      rf"({_MARK}?\d+)(?![\d%])(?![.,]\d)")


_LABEL = _label_pattern()
_JOIN = _join_pattern()


def ibans(text: str) -> frozenset[str]:
    """Valid IBANs in a text (spaces removed), checked by their mod-97 digits (python-stdnum)."""
    if not text:
        return frozenset()
    return _ibans(text.upper())


@lru_cache(maxsize=1 << 16)
def _ibans(up: str) -> frozenset[str]:
    out = set()
    for m in _IBAN.finditer(up):
        compact = m.group(0).replace(" ", "")
        if stdnum_iban.is_valid(compact):
            out.add(compact)
    return frozenset(out)


def _strip(num: str) -> str:
    return num.lstrip("0") or "0"


def read(text: str) -> frozenset[str]:
    """The document numbers of a text, each without leading zeros."""
    if not text:
        return frozenset()
    if text.isascii():  # the usual case: one search in C instead of a test per character
        if _DIGITS.search(text) is None:
            return frozenset()
    elif not any(c.isdigit() for c in text):
        return frozenset()
    up = text.upper()
    if not up.isascii():
        up = to_ascii(up)
    found: set[str] = set()
    if "IBAN" in up or _IBAN.search(up):
        for m in reversed(list(_IBAN.finditer(up))):
            if stdnum_iban.is_valid(m.group(0).replace(" ", "")):
                up = up[:m.start()] + " " + up[m.end():]

    def mark(m: re.Match, year_group: int) -> str:
        num = m.group(3 - year_group) if year_group else m.group(2)
        if year_group == 2 and len(num) == 2 and int(num) <= 12:
            return " "  # '01.2024': a month of a year (a period), not a document
        if year_group == 1 and _IS_YEAR.fullmatch(num) and "/" in m.group(0):
            # '1907/2024' or 'RE2024/1907': either may be the year; the earlier one is taken for it (a number
            # above the year written this way, '2031/2024', is misread: rare, and then only missed). With - or .
            # the year comes first ('2024-2031', '2024.2031'), as in ISO dates.
            num = min(num, m.group(1))
        return f" {_MARK}{_strip(num)} "

    if ("-" in up or "/" in up or "." in up) and _SEPARATED_DIGITS.search(up) is not None:
        up = _DATE.sub(" ", up)
        up = _LETTER_YY.sub(lambda m: mark(m, 0), up)  # first: in 'F24/1907' 24 is the year
        up = _YEAR_FIRST.sub(lambda m: mark(m, 1), up)
        up = _YEAR_LAST.sub(lambda m: mark(m, 2), up)
    marked = _MARK in up  # most texts hold no year-number pair: no marks to look for
    seeds = [m for m in _LABEL.finditer(up)] + ([m for m in _MARKED.finditer(up)] if marked else [])
    for seed in seeds:
        first = seed.group(1).lstrip(_MARK)
        found.add(_strip(first))
        at = seed.end()
        cut = _CUT.match(up, at)
        if cut is not None:  # '3 931': an export broke the line inside the number; the joined digits count too
            found.add(_strip(first + cut.group(1)))
        while (j := _JOIN.match(up, at)) is not None:
            found.add(_strip(j.group(1).lstrip(_MARK)))
            at = j.end()
    for run in _DIGITS.findall(_MARKED.sub(" ", up) if marked else up):
        num = _strip(run)
        if len(num) >= MIN_DIGITS and not _IS_YEAR.fullmatch(run):  # a bare year ('LS-2024' cut) is context
            found.add(num)
            padded = _PADDED_YEAR_RUN.match(run) if 8 <= len(run) <= 12 else None
            if padded:
                found.add(_strip(padded.group(1)))
    return frozenset(found)

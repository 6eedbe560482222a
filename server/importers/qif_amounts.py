"""QIF amounts (`T`, `U`, split `$`, the opening balance): one decimal mark for the whole file.

Quicken writes `-1,000.00`; day-first programs and European banks write `-1.000,00` or `-10,00`. A single
amount can be ambiguous (`1,000`: a thousand, or one with a decimal comma?), so the mark is decided from every
amount of the file, as the date order is: an amount with both marks, or a lone mark followed by one or two
digits, proves its mark. A file proving both is refused, naming a line of each; a file proving neither is read
with a decimal point (the specification's). The parsing itself is server.parsing's, shared by every format.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from ..parsing import AmountError, parse_amount

# The usual spellings (-1,000.00 and -10.00): they prove the decimal point and are read without the general parser.
_POINT = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d\d")
_DIGITS = re.compile(r"[\d.,]*")


def evidence(text: str) -> str | None:
    """The decimal mark this amount proves, or None when it proves none (`12`, `1,000`, `1.000`)."""
    digits = "".join(_DIGITS.findall(text))
    dot, comma = digits.rfind("."), digits.rfind(",")
    if dot >= 0 and comma >= 0:
        return "." if dot > comma else ","
    last = max(dot, comma)
    if last < 0:
        return None
    mark = digits[last]
    if digits.count(mark) > 1:  # 1,000,000: repeated marks are thousands separators
        return "," if mark == "." else "."
    return mark if 1 <= len(digits) - last - 1 <= 2 else None


def read_amounts(texts: list[str], described: Iterable[str] = ()) -> tuple[list[Decimal | None], str,
                                                                         list[tuple[int, str]]]:
    """Every text's amount in the file's one decimal mark, that mark, and the problems as (index, message).

    One pass reads the usual spellings; only the others wait for the mark the whole file proves. `described`
    (split amounts) decide the mark only when the amounts themselves prove none."""
    values: list[Decimal | None] = []
    others: list[int] = []
    point = None  # the index of an amount proving the decimal point
    fast = _POINT.fullmatch
    for i, text in enumerate(texts):
        if fast(text):
            values.append(Decimal(text.replace(",", "") if "," in text else text))
            if point is None:
                point = i
        else:
            values.append(None)
            others.append(i)
    if not others:
        return values, ".", []
    comma = next((i for i in others if evidence(texts[i]) == ","), None)
    if point is None:
        point = next((i for i in others if evidence(texts[i]) == "."), None)
    if comma is not None and point is not None:
        return values, ".", [(max(comma, point), f"the amounts use both decimal marks: {texts[comma].strip()!r} "
                                                 f"has a decimal comma, {texts[point].strip()!r} a decimal point")]
    if comma is None and point is None:
        comma = next((True for text in described if evidence(text) == ","), None)
    mark = "," if comma is not None else "."
    problems = []
    for i in others:
        try:
            values[i] = amount(texts[i], mark)
        except AmountError:
            problems.append((i, f"not an amount: {texts[i].strip()[:40]!r}"))
    return values, mark, problems


def amount(text: str, mark: str) -> Decimal:
    """One amount in the file's mark; AmountError when it is none."""
    if mark == "." and _POINT.fullmatch(text):
        return Decimal(text.replace(",", ""))
    return parse_amount(text, decimal=mark)

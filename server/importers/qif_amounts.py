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

from ..errors import Problem
from ..parsing import AmountError, parse_amount

_POINT = re.compile(r"[-+]?\d+\.\d\d")  # the usual spelling: proves the point and is read as it is
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


def decide_mark(amounts: Iterable[tuple[str, int]]) -> tuple[str, list[Problem]]:
    """The file's decimal mark from (text, line) pairs; problems when it proves both."""
    seen: dict[str, int] = {}
    for text, line in amounts:
        mark = "." if _POINT.fullmatch(text) else evidence(text)
        if mark is not None and mark not in seen:
            seen[mark] = line
            if len(seen) == 2:
                return ".", [Problem(f"the amounts use both decimal marks: this line's amount has a decimal "
                                     f"{'comma' if mark == ',' else 'point'}, line {seen['.' if mark == ',' else ',']}"
                                     f"'s a decimal {'point' if mark == ',' else 'comma'}", line=line, field="T")]
    return ("," if "," in seen else "."), []


def amount(text: str, mark: str) -> Decimal:
    """One amount in the file's mark; AmountError when it is none."""
    if mark == "." and _POINT.fullmatch(text):
        return Decimal(text)
    return parse_amount(text, decimal=mark)

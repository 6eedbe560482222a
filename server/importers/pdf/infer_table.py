"""The transaction table of a statement of unknown layout, read line by line under its header: which lines are
rows, which continue a row's description, which are subtotals or same-day transactions (figures on undated lines),
balance rows, and lines to skip (footers, section headings); and the date formats every row's date reads in.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from .infer_scan import Geometry, Header, generalise, leading_dates, money_cells
from .table import TextLine


def _parses(text: str, code: str) -> bool:
    try:
        if "%y" in code.lower():
            dt.datetime.strptime(text, code)
        else:
            dt.datetime.strptime(f"{text} 2000", f"{code} %Y")  # a leap year: 02/29 is a date
        return True
    except ValueError:
        return False


def date_readings(texts: list[str], codes: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The date formats every row's date reads in, grouped by reading: "03/04" is March 4 or 3 April, and when
    both read every row, the one that keeps the rows in date order is kept; both when both do."""
    texts = list(dict.fromkeys(texts))  # a month of rows has ~30 distinct dates
    ok = [c for c in codes if all(_parses(t, c) for t in texts)]
    families: dict[str, list[str]] = {}
    for c in ok:
        families.setdefault(re.sub(r"[^dmbBY]", "", c.replace("%y", "%Y")).replace("B", "b")[:2], []).append(c)
    readings = [tuple(v) for v in families.values()]
    if len(readings) > 1:
        def ordered(codes_: tuple[str, ...]) -> bool:
            parsed = [dt.datetime.strptime(f"{t} 2000", f"{codes_[0]} %Y") if "%y" not in codes_[0].lower()
                      else dt.datetime.strptime(t, codes_[0]) for t in texts]
            return all(a <= b for a, b in zip(parsed, parsed[1:])) or all(a >= b for a, b in zip(parsed, parsed[1:]))
        kept = [r for r in readings if ordered(r)]
        readings = kept or readings
    return readings


@dataclass
class TableLines:
    """Lines inside the table that are no transaction, as patterns; and the table's line pitch."""

    ignore: list[str]
    end: list[str]  # dated lines that are no row of this table: a table after it begins
    carry: list[str]  # figures on undated lines below a complete row: subtotals, or same-day transactions
    balance_rows: list[str]
    max_row_gap: float


def _is_header(line: TextLine, header: Header) -> bool:
    text, pos = line.text.lower(), 0
    for label in header.dates + header.texts + header.money:
        pos = text.find(label.text.lower(), pos)
        if pos < 0:
            return False
        pos += len(label.text)
    return True


def _pitch(pages, geo: Geometry) -> float:
    """The table's line spacing: the median gap between the lines from a page's first row to its last."""
    gaps = []
    for page in sorted({d.line.page for d in geo.rows}):
        numbers = [d.line.number for d in geo.rows if d.line.page == page]
        lines = pages[page - 1][min(numbers) - 1:max(numbers)]
        gaps += [b.baseline - a.baseline for a, b in zip(lines, lines[1:])]
    return sorted(gaps)[len(gaps) // 2] if gaps else 12.0


def table_lines(pages, geo: Geometry, header: Header) -> TableLines:
    rows = {id(d.line): d for d in geo.rows}
    pitch = _pitch(pages, geo)
    max_gap = round(max(1.7 * pitch, pitch + 4), 1)
    desc_x = Counter(round(d.line.words[len(d.dates)].x0) for d in geo.rows
                     if len(d.line.words) > len(d.dates)).most_common(1)
    desc_x = desc_x[0][0] if desc_x else header.texts[0].x0
    money_left = header.money[0].x0
    out = TableLines([], [], [], [], max_gap)
    for lines in pages:
        in_table, previous, open_row = False, 0.0, None
        for line in lines:
            if _is_header(line, header):
                in_table, previous, open_row = True, line.baseline, None
                continue
            if not in_table:
                continue
            if line.baseline - previous > max_gap:
                in_table = False
                continue
            previous = line.baseline
            cells = money_cells(line)
            dates = leading_dates(line)
            if cells and re.search(r"\bbalance\b", line.text, re.IGNORECASE) and len(cells) == 1:
                words = [w.text for w in line.words if w.x1 <= cells[0].x0]
                text = " ".join(words[sum(len(d[0].split()) for d in dates):])
                out.balance_rows.append("^" + re.escape(text).replace("\\ ", " ") + r"\b")
                open_row = True
            elif id(line) in rows:
                open_row = bool(rows[id(line)].money)
            elif dates:
                out.end.append(generalise(line.text))
                in_table = False
            elif cells and open_row is False:
                open_row = True  # the amount of a row whose dated line has none
            elif cells:
                out.carry.append(generalise(line.text))
            elif not (line.words[0].x0 >= desc_x - 4 and line.words[-1].x1 < money_left):
                out.ignore.append(generalise(line.text))
    out.ignore = list(dict.fromkeys(out.ignore))
    out.carry = list(dict.fromkeys(out.carry))
    out.balance_rows = list(dict.fromkeys(out.balance_rows))
    return out

"""What the pages of a statement of unknown layout show, by geometry alone: the lines that start with a date (the
rows), the figures on them grouped into columns by their right edge (money is printed right-aligned), the header
line above the rows that names the columns, and the lines inside the table that are no transaction (subtotals,
footers, "continued"). infer turns this into candidate layouts and lets the statement's own figures choose.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from .table import TextLine

# Date shapes a row may start with: (regex over the first 1-3 words, strptime codes it may be written in).
DATE_SHAPES = (
    (3, re.compile(r"\d{1,2} [A-Za-z]{3,9}\.? \d{2,4}"), ("%d %b %Y", "%d %B %Y", "%d %b %y")),
    (3, re.compile(r"[A-Za-z]{3,9}\.? \d{1,2},? \d{4}"), ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y")),
    (2, re.compile(r"\d{1,2} [A-Za-z]{3,9}\.?"), ("%d %b", "%d %B")),
    (2, re.compile(r"[A-Za-z]{3,9}\.? \d{1,2}"), ("%b %d", "%B %d")),
    (1, re.compile(r"\d{4}-\d{2}-\d{2}"), ("%Y-%m-%d",)),
    (1, re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}"), ("%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y")),
    (1, re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}"), ("%d.%m.%Y", "%d.%m.%y")),
    (1, re.compile(r"\d{1,2}-[A-Za-z]{3}-\d{2,4}"), ("%d-%b-%y", "%d-%b-%Y")),
    (1, re.compile(r"\d{1,2}/\d{1,2}"), ("%m/%d", "%d/%m")),
    (1, re.compile(r"\d{1,2}\.\d{1,2}\."), ("%d.%m.",)),
    (1, re.compile(r"\d{1,2}-[A-Za-z]{3}"), ("%d-%b",)),
)
MONEY_WORD = re.compile(r"\(?[-+]?[$£€¥]?[-+]?\d{1,3}(?:[.,'\u2019]?\d{3})*[.,]\d\d\)?-?")
MARK_WORD = re.compile(r"(?:CR|DR|OD|D)\.?", re.IGNORECASE)
EDGE_TOLERANCE = 6.0  # points: figures of one column end within this of each other
LABEL_GAP = 6.0  # points: header words closer than this belong to one label ("Paid out")
MONEY_LABEL_REACH = 70.0  # points: a money column's label ends at most this far left of its figures' edge


@dataclass(frozen=True)
class Cell:
    """A figure on a line: its text (with a CR/DR mark word when printed) and its right edge."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class DatedLine:
    line: TextLine
    dates: tuple[tuple[str, float, tuple[str, ...]], ...]  # (text, x0, codes) of the one or two leading dates
    money: tuple[Cell, ...]


def leading_dates(line: TextLine) -> tuple[tuple[str, float, tuple[str, ...]], ...]:
    """The date (or two: post and transaction date) the line starts with."""
    words = [w.text for w in line.words]
    if not words or not (words[0][0].isdigit() or words[0][:3].lower() in _MONTHS):
        return ()  # most lines: a quick look at the first word spares the shapes
    found, i = [], 0
    while i < len(words) and len(found) < 2:
        for n, shape, codes in DATE_SHAPES:
            text = " ".join(words[i:i + n])
            if i + n <= len(words) and shape.fullmatch(text) and _month_ok(text):
                found.append((text, line.words[i].x0, codes))
                i += n
                break
        else:
            break
    return tuple(found)


_MONTHS = {m.lower() for m in ("jan feb mar apr may jun jul aug sep sept oct nov dec january february march april "
                               "june july august september october november december").split()}


def _month_ok(text: str) -> bool:
    """A word in a date shape is a month name ("14 Mar"), not any word ("12 Items")."""
    return all(w.lower().rstrip(".,") in _MONTHS for w in text.split() if w[0].isalpha())


def money_cells(line: TextLine, after: float = 0.0) -> tuple[Cell, ...]:
    """The figures on the line right of x=after, each with the mark word that follows it."""
    out, words = [], line.words
    for i, w in enumerate(words):
        if w.x0 < after or not MONEY_WORD.fullmatch(w.text):
            continue
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is not None and MARK_WORD.fullmatch(nxt.text) and nxt.x0 - w.x1 < 8:
            out.append(Cell(f"{w.text} {nxt.text}", w.x0, nxt.x1))
        else:
            out.append(Cell(w.text, w.x0, w.x1))
    return tuple(out)


def dated_lines(pages: list[tuple[TextLine, ...]]) -> list[DatedLine]:
    out = []
    for lines in pages:
        for line in lines:
            dates = leading_dates(line)
            if dates:
                out.append(DatedLine(line, dates, money_cells(line, line.words[0].x0 + 1)))
    return out


def _runs(items, near) -> list[list]:
    """The items in runs, in their order: an item joins the run before it when `near(last item of the run,
    item)`. Figures' edges become columns this way, and header words labels."""
    runs: list[list] = []
    for item in items:
        if runs and near(runs[-1][-1], item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _clusters(values: list[float], tolerance: float) -> list[tuple[float, int]]:
    """(centre, count) of groups of nearby values, left to right."""
    groups = _runs(sorted(values), lambda last, v: v - last <= tolerance)
    return [(g[len(g) // 2], len(g)) for g in groups]


@dataclass(frozen=True)
class Geometry:
    """The transaction table's columns: the x of its date column(s) and the right edges of its money columns."""

    date_x: tuple[float, ...]
    money_right: tuple[float, ...]
    rows: tuple[DatedLine, ...]  # the dated lines that line up with these columns


def table_geometry(dated: list[DatedLine]) -> Geometry | None:
    """The columns most dated lines agree on; None when no lines start with a date and carry a figure."""
    with_money = [d for d in dated if d.money]
    if not with_money:
        return None
    starts = Counter(round(d.dates[0][1]) // 4 for d in with_money)
    anchor = starts.most_common(1)[0][0]
    rows = [d for d in dated if abs(round(d.dates[0][1]) // 4 - anchor) <= 1]
    shape = Counter(len(d.dates) for d in rows if d.money).most_common(1)[0][0]
    rows = [d for d in rows if len(d.dates) == shape]
    date_x = tuple(min(d.dates[k][1] for d in rows) for k in range(shape))
    edges = _clusters([c.x1 for d in rows for c in d.money], EDGE_TOLERANCE)
    counted = len([d for d in rows if d.money])
    least = 1 if counted < 4 else max(2, counted // 20)  # a lone figure elsewhere is no column, unless all are few
    money_right = tuple(x for x, n in edges if n >= least)
    if not money_right:
        return None
    # A column may hold a single figure (the one credit of the month): a figure off the columns on a dated line
    # is one when more rows follow it, or when all its figures lie in the money columns' part of the line; other
    # such lines belong to another table (a daily balance grid after the transactions).
    last = max(((d.line.page, d.line.number) for d in rows if d.money and _aligned(d, money_right)), default=(0, 0))
    inside = [d for d in rows if not _aligned(d, money_right) and (
        (d.line.page, d.line.number) < last or all(c.x1 > min(money_right) - MONEY_LABEL_REACH for c in d.money))]
    if inside:
        money_right = tuple(x for x, _ in _clusters(list(money_right) + [c.x1 for d in inside for c in d.money],
                                                    EDGE_TOLERANCE))
    rows = [d for d in rows if _aligned(d, money_right)]
    return Geometry(date_x, money_right, tuple(rows))


def _aligned(d: DatedLine, money_right: tuple[float, ...]) -> bool:
    return all(any(abs(c.x1 - x) <= EDGE_TOLERANCE for x in money_right) for c in d.money)


@dataclass(frozen=True)
class Label:
    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class Header:
    """The header line's labels: one per date column, the text columns between, one per money column."""

    line: TextLine
    dates: tuple[Label, ...]
    texts: tuple[Label, ...]
    money: tuple[Label, ...]
    above: tuple[str, ...] = ()  # the word printed above each date label on a two-line header ("Post", "Trans")


def _groups(words) -> list[Label]:
    """Header words closer than LABEL_GAP as one label each ("Paid", "out" -> "Paid out")."""
    out = _runs(words, lambda last, w: w.x0 - last.x1 < LABEL_GAP)
    return [Label(" ".join(w.text for w in g), g[0].x0, g[-1].x1) for g in out]


def read_header(line: TextLine, geo: Geometry) -> Header | None:
    """The line as the table's header: a label over every date and money column, or None."""
    if money_cells(line):
        return None
    money: list[Label] = []
    taken: set[int] = set()
    left_bound = geo.date_x[-1] + 8
    for k, right in enumerate(geo.money_right):
        low = max(geo.money_right[k - 1] + 8 if k else left_bound, right - MONEY_LABEL_REACH)
        idx = [i for i, w in enumerate(line.words) if low < w.x1 <= right + EDGE_TOLERANCE + 2 and i not in taken]
        if not idx:
            return None
        own = _groups([line.words[i] for i in idx])[-1]  # the group nearest the figures' edge is the label
        taken.update(i for i in idx if line.words[i].x0 >= own.x0)
        money.append(own)
    rest = [w for i, w in enumerate(line.words) if i not in taken and w.x1 < money[0].x0]
    labels = _groups(rest)
    dates: list[Label] = []
    for x in geo.date_x:
        near = [lb for lb in labels if abs(lb.x0 - x) <= 8 and lb not in dates]
        if not near:
            return None
        dates.append(near[0])
    texts = tuple(lb for lb in labels if lb not in dates and lb.x0 > dates[-1].x0)
    if not texts:
        return None
    return Header(line, tuple(dates), texts, tuple(money))


def find_header(pages: list[tuple[TextLine, ...]], geo: Geometry, reach: int = 6) -> Header | None:
    """The header nearest above the first row: up to `reach` lines up, a line labelling every column."""
    first = geo.rows[0].line
    lines = pages[first.page - 1]
    k = next(i for i, ln in enumerate(lines) if ln is first)
    for j in range(k - 1, max(-1, k - reach - 1), -1):
        header = read_header(lines[j], geo)
        if header is not None:
            prev = lines[j - 1] if j and lines[j].baseline - lines[j - 1].baseline < 16 else None
            above = tuple(next((w.text for w in (prev.words if prev else ()) if abs(w.x0 - lb.x0) <= 6), "")
                          for lb in header.dates)
            return replace(header, above=above)
    return None


# ---------------------------------------------------------------------------------------------- text fields

def generalise(text: str) -> str:
    """A line's text as a pattern that also matches next month's: figures -> {money}, numbers -> \\d+."""
    out, pos = [], 0
    for m in re.finditer(r"\(?[-+]?\s?[$£€¥]?\s?[-+]?\d{1,3}(?:[.,'\u2019]?\d{3})*[.,]\d\d\)?(?:\s?(?:CR|DR)\b)?"
                         r"|\d+", text):
        start = m.start() + len(m.group()) - len(m.group().lstrip())  # the space before a figure is text
        out.append(re.escape(text[pos:start]).replace("\\ ", " "))
        out.append(r"\d+" if m.group().isdigit() else "{money}")
        pos = m.end()
    out.append(re.escape(text[pos:]).replace("\\ ", " "))
    return "^" + "".join(out) + "$"

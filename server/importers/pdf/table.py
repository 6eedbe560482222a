"""Page geometry: words -> text lines -> the table's columns, found from the header words on each page.

Columns are placed by the header labels: a left-aligned column starts where its label starts, a right-aligned
(money) column ends where its label ends and reaches left at least AMOUNT_WIDTH points, since figures are often
wider than their label. Each word then goes to the column its centre falls in; no per-character work.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .layout import Column, Layout
from .text import PdfPage, Word

LINE_TOLERANCE = 2.5  # points: words whose baselines differ by less are on one line (mixed font sizes)
EDGE_SLACK = 2.0  # points: a word may start this far left of its column's label
AMOUNT_WIDTH = 40.0  # points: the least room a right-aligned money column takes left of its label's end


@dataclass(frozen=True, slots=True)
class TextLine:
    page: int
    number: int  # 1-based, counted from the top of the page
    baseline: float  # points from the top of the page
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def text_lines(page: PdfPage) -> tuple[TextLine, ...]:
    """The page's words grouped into lines, each line read left to right. A word joins the line above when its
    baseline is within LINE_TOLERANCE of the line's first word, or when its middle lies above the lowest baseline
    of the line: generated PDFs (Canva, Word) print an amount a few points higher than the text of its row."""
    groups: list[list[Word]] = []
    base = low = None
    for w in sorted(page.words, key=lambda w: (w.bottom, w.x0)):
        if base is None or (w.bottom - base > LINE_TOLERANCE and (w.top + w.bottom) / 2 > low):
            groups.append([])
            base = low = w.bottom
        groups[-1].append(w)
        low = max(low, w.bottom)
    return tuple(TextLine(page.number, i, g[0].bottom, tuple(sorted(g, key=lambda w: w.x0)))
                 for i, g in enumerate(groups, start=1))


@dataclass(frozen=True)
class Grid:
    """One page's table columns: `edges[i]` separates columns i and i+1."""

    columns: tuple[Column, ...]
    edges: tuple[float, ...]

    def cells(self, line: TextLine) -> dict[str, str]:
        """role -> the text of the line's words in that column."""
        parts: dict[str, list[str]] = {}
        for w in line.words:
            col = self.columns[bisect_right(self.edges, (w.x0 + w.x1) / 2)]
            parts.setdefault(col.role, []).append(w.text)
        parts.pop("ignore", None)
        return {role: " ".join(texts) for role, texts in parts.items()}


def _norm(text: str) -> str:
    return text.lower().strip(":.*")


def _spans(line: TextLine, columns: tuple[Column, ...]) -> list[tuple[float, float]] | None:
    """(x0, x1) of each column label on the line, in order, or None when the line is not the header."""
    words = [_norm(w.text) for w in line.words]
    spans, pos = [], 0
    for col in columns:
        toks = col.tokens
        for i in range(pos, len(words) - len(toks) + 1):
            if tuple(words[i:i + len(toks)]) == toks:
                spans.append((line.words[i].x0, line.words[i + len(toks) - 1].x1))
                pos = i + len(toks)
                break
        else:
            return None
    return spans


def grid_of(line: TextLine, layout: Layout) -> Grid | None:
    """The columns a table header line places, or None when the line is not the layout's header."""
    spans = _spans(line, layout.columns)
    if spans is None:
        return None
    edges: list[float] = []
    for (a, b), (sa, sb) in zip(zip(layout.columns, layout.columns[1:]), zip(spans, spans[1:])):
        if a.align == "right":
            edge = sa[1] + EDGE_SLACK
        elif b.align == "right":
            edge = min(sb[0], sb[1] - AMOUNT_WIDTH) - EDGE_SLACK
        else:
            edge = sb[0] - EDGE_SLACK
        edges.append(max(edge, sa[0] + EDGE_SLACK, *edges[-1:]))  # a column holds its label; edges stay in order
    return Grid(layout.columns, tuple(edges))

"""What a character reader gives the word grouping: each page's characters with their boxes, and the reason a PDF
cannot be read, worded for the user. Two readers implement it: PDFium (pdfium_chars, the default) and pdfminer
(pdfminer_chars, the fallback for a PDF PDFium cannot open).

Coordinates are pdfplumber's, in points: x from the page's left, `top`/`bottom` from the page's top, a character's
box reaching from its font's descent below the baseline up by the font size. The layouts' tolerances (table.py,
layout TOML files) were measured in them.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol


NO_UNICODE = "\ufffd"  # a glyph without a Unicode mapping (pdfminer writes "(cid:N)"); counted by the no-text check


class Char(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    upright: bool  # False for rotated text (watermarks, margin notes): no part of a table


class PageChars(NamedTuple):
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]


class Unreadable(Exception):
    """A reason to stop reading, worded for the user (the PDF's path is added by the caller)."""


class Damaged(Unreadable):
    """The reader could not parse the file at all: another reader may still open it."""


def describe_failure(exc: BaseException) -> str:
    """A failure no reader worded (memory, recursion, a reader's bug on odd content), worded for the user."""
    if isinstance(exc, MemoryError):
        return "the PDF needs more memory to read than allowed (TIEOUT_PDF_MEMORY_MB)"
    if isinstance(exc, RecursionError):
        return "the PDF is damaged: its objects refer to each other without end"
    detail = str(exc).strip() or type(exc).__name__
    return f"the PDF is damaged and cannot be read ({type(exc).__name__}: {detail[:200]})"


class CharDocument(Protocol):
    """An open PDF: its page count and its pages' characters, read one page at a time."""

    page_count: int

    def page(self, index: int) -> PageChars: ...  # index 0-based

    def close(self) -> None: ...


def iter_pages(doc: CharDocument, claim) -> Iterator[PageChars]:
    """The pages `claim()` hands out (0-based indexes, shared between workers) until none is left."""
    while (i := claim()) < doc.page_count:
        yield doc.page(i)

"""A PDF's text layer as positioned words, page by page, read in worker processes within limits (pages)."""
from .pages import NO_TEXT, PdfPage, ReadLimits, Word, _page_words, read_pages

__all__ = ["NO_TEXT", "PdfPage", "ReadLimits", "Word", "_page_words", "read_pages"]

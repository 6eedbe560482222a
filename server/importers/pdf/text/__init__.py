"""A PDF's text layer as positioned words, page by page: characters read by PDFium (pdfminer as the fallback),
grouped into words, in worker processes within limits (pages)."""
from .pages import NO_TEXT, PdfPage, ReadLimits, Word, read_pages

__all__ = ["NO_TEXT", "PdfPage", "ReadLimits", "Word", "read_pages"]

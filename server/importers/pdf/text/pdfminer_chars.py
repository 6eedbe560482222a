"""Characters and their boxes read with pdfminer (through pdfplumber): the fallback for a PDF that PDFium refuses
as damaged (pdfminer finds a %PDF header after more than 1 KB of junk, and repairs files its own way) and for
pages turned by /Rotate (pdfminer places their characters as the page is viewed). Pure Python, 3-5 times slower.
"""
from __future__ import annotations

from .chars import Char, PageChars, Unreadable, describe_failure


def describe(exc: BaseException) -> str:
    """pdfminer's exception, worded for an accountant."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect):
        return ("the PDF is encrypted with an open password; save an unprotected copy (print to PDF) "
                "or ask the bank for a CSV export")
    if isinstance(inner, PDFEncryptionError):
        return f"the PDF is encrypted in a way that cannot be read ({inner}); save an unprotected copy"
    return describe_failure(inner)


def _chars(page) -> list[Char]:
    """The page's characters from pdfminer's layout objects, including text inside Form XObjects.

    pdfplumber's own conversion (Page.chars) resolves every pdfminer attribute of every character (colours,
    matrices, fonts...) and is ~40% of the time to read a page; this loop does the same geometry (pdfplumber's
    process_object: top-left origin, MediaBox offsets) and nothing else.
    """
    from pdfminer.layout import LTChar, LTContainer

    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    out = []
    stack = [iter(page.layout)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTChar):
                out.append(Char(obj.get_text(), obj.x0 + mb_x0, obj.x1 + mb_x0, height - obj.y1 + mb_top,
                                height - obj.y0 + mb_top, bool(obj.upright)))
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj))
                break
        else:
            stack.pop()
    return out


class PdfminerDocument:
    """An open PDF read with pdfminer; every failure is Unreadable, worded by `describe`."""

    def __init__(self, path: str):
        import pdfplumber

        try:
            self._pdf = pdfplumber.open(path)
            self._pages = self._pdf.pages
        except Exception as exc:  # noqa: BLE001 - any pdfminer failure on bad content is the file's problem
            raise Unreadable(describe(exc)) from None
        self.page_count = len(self._pages)

    def page(self, index: int) -> PageChars:
        page = self._pages[index]
        try:
            return PageChars(page.page_number, float(page.width), float(page.height), _chars(page))
        except Exception as exc:  # noqa: BLE001 - as above
            raise Unreadable(describe(exc)) from None
        finally:
            page.close()

    def close(self) -> None:
        self._pdf.close()

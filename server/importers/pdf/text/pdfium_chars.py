"""Characters and their boxes read with PDFium (pypdfium2): the default reader, 3-5 times faster than pdfminer.

PDFium's text page gives each character's advance box (FPDFText_GetLooseCharBox: x0, x1 as pdfminer has them),
its baseline origin, its matrix and font size. The vertical box is made as pdfminer makes it (the layouts were
measured with it): from the font's descent below the baseline, one font size high. The descent is the font
descriptor's, which PDFium reads as pdfminer does; for the 14 standard fonts pdfminer uses the Adobe metrics it
ships (PDFium substitutes other fonts' metrics), so those are taken from the same table.
Text that is not upright, diagonal watermarks ("COPY") included, makes no words: pdfminer calls a 45-degree
character upright and its letters then land in table rows one by one.
Spaces PDFium generates between words (it drops some real space glyphs for them) break words, as the real ones
would; the line breaks it generates are dropped.
"""
from __future__ import annotations

import ctypes
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pdfminer.fontmetrics import FONT_METRICS

from .chars import NO_UNICODE, Char, Damaged, PageChars, Unreadable
from .words import X_TOLERANCE, Y_TOLERANCE

_SOFT_HYPHEN = "\x02"  # PDFium's mark for a hyphen that ends a line
_ERRORS = {
    raw.FPDF_ERR_PASSWORD: ("the PDF is encrypted with an open password; save an unprotected copy (print to PDF) "
                            "or ask the bank for a CSV export"),
    raw.FPDF_ERR_SECURITY: ("the PDF is encrypted in a way that cannot be read (unsupported security handler); "
                            "save an unprotected copy"),
}
# The two calls made for every character, with plain-address prototypes: the binding's own convert their
# arguments and return a pointer object that costs a cast per character (a third of the reading time).
_VOID = ctypes.c_void_p
_text_object = ctypes.CFUNCTYPE(_VOID, _VOID, ctypes.c_int)(  # -> the character's text object, as an address
    ctypes.cast(raw.FPDFText_GetTextObject, _VOID).value)
_loose_box = ctypes.CFUNCTYPE(ctypes.c_int, _VOID, ctypes.c_int, _VOID)(  # (textpage, index, FS_RECTF address)
    ctypes.cast(raw.FPDFText_GetLooseCharBox, _VOID).value)


def _font_descent(obj: int) -> float:
    """The font's descent per point of size, negative (pdfminer forces the sign too)."""
    font = raw.FPDFTextObj_GetFont(ctypes.cast(obj, raw.FPDF_PAGEOBJECT))
    name = ctypes.create_string_buffer(128)
    raw.FPDFFont_GetBaseFontName(font, name, len(name))
    standard = FONT_METRICS.get(name.value.decode("latin-1"))
    if standard is not None:
        return -abs(float(standard[0]["Descent"])) / 1000
    descent = ctypes.c_float()
    if not raw.FPDFFont_GetDescent(font, ctypes.c_float(1000), ctypes.byref(descent)):
        return 0.0
    return -abs(descent.value) / 1000


def _text(textpage, count: int) -> str:
    """The page's characters, one per index (UTF-16 in one call; surrogate pairs taken one index at a time)."""
    buf = ctypes.create_string_buffer(2 * (count + 1))
    raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[:2 * count].decode("utf-16-le", errors="replace")
    if len(text) != count:
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    return text.replace("\x00", NO_UNICODE).replace("\ufffe", NO_UNICODE).replace(_SOFT_HYPHEN, "-")


class _Style(NamedTuple):
    """What the characters of one text object share: their box's height (the font size on the page), where its
    bottom lies below PDFium's loose box bottom (pdfminer's descent against PDFium's), and uprightness."""

    size: float
    below: float  # pdfminer's box bottom minus PDFium's loose box bottom, in points (y up)
    upright: bool


def _style(tp, index: int, obj: int, loose_bottom: float) -> _Style:
    """One text object's style, from its first character: PDFium gives every character of an object the object's
    matrix, font and size (a form drawn twice at two scales on one page would get its first drawing's boxes)."""
    matrix, ox, oy = raw.FS_MATRIX(), ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetMatrix(tp, index, ctypes.byref(matrix))
    raw.FPDFText_GetCharOrigin(tp, index, ctypes.byref(ox), ctypes.byref(oy))
    size = raw.FPDFText_GetFontSize(tp, index) * matrix.d
    upright = matrix.a * matrix.d > 0 and abs(matrix.b) + abs(matrix.c) < 1e-6 * abs(matrix.d)  # see the docstring
    return _Style(size, oy.value + _font_descent(obj) * size - loose_bottom, upright)


def _space_objects(page, textpage, height: float) -> list[tuple[float, float, float, float]]:
    """(x0, x1, top, bottom) of the page's text objects that draw only blanks: PDFium leaves them out of the text
    page, their text there is empty (tools that place every glyph on its own, such as Canva, draw each space so).
    Only the page's own objects are looked at, not those inside Form XObjects (letterheads, not table text)."""
    found = []
    buf = ctypes.create_string_buffer(64)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for k in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, k)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT:
            continue
        size = raw.FPDFTextObj_GetText(obj, textpage.raw, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), 64)
        if size > 64 or buf.raw[:max(size - 2, 0)].decode("utf-16-le", errors="replace").strip():
            continue
        raw.FPDFPageObj_GetBounds(obj, *map(ctypes.byref, (left, bottom, right, top)))
        found.append((left.value, right.value, height - top.value, height - bottom.value))
    return found


def _drop_guessed_spaces(chars: list[Char], generated: list[int], page, textpage, height: float) -> list[Char]:
    """PDFium also generates a space where glyphs stand apart more than their font's spacing (letter-spaced text,
    MICR lines), which pdfminer joins into one word when the gap is under the word grouping's tolerance. A
    generated space between two such glyphs is kept only where a blank text object stands between them."""
    spaces, drop = None, set()
    for k in generated:
        if k == 0 or k + 1 >= len(chars):
            continue
        prev, nxt = chars[k - 1], chars[k + 1]
        if not (prev.x0 <= nxt.x0 <= prev.x1 + X_TOLERANCE and abs(nxt.top - prev.top) <= Y_TOLERANCE):
            continue  # the words part there anyway
        if spaces is None:
            spaces = _space_objects(page, textpage, height)
        if not any(prev.x1 - 1 <= x0 and x1 <= nxt.x0 + 1 and prev.top - 1 <= top and bottom <= prev.bottom + 1
                   for x0, x1, top, bottom in spaces):
            drop.add(k)
    return [c for k, c in enumerate(chars) if k not in drop] if drop else chars


def _page_chars(page, height: float) -> list[Char]:
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        count = raw.FPDFText_CountChars(tp)
        box = raw.FS_RECTF()
        tp_address, box_address, loose = ctypes.cast(tp, _VOID).value, ctypes.addressof(box), _loose_box
        styles: dict[int, _Style] = {}
        out: list[Char] = []
        generated: list[int] = []
        for i, ch in enumerate(_text(tp, count)):
            obj = _text_object(tp_address, i)
            if obj is None:  # generated by PDFium: a space between words (see _drop_guessed_spaces); line breaks go
                if ch == " " and out:
                    prev = out[-1]
                    generated.append(len(out))
                    out.append(Char(" ", prev.x1, prev.x1, prev.top, prev.bottom, prev.upright))
                continue
            loose(tp_address, i, box_address)
            style = styles.get(obj)
            if style is None:
                style = styles[obj] = _style(tp, i, obj, box.bottom)
            bottom = height - box.bottom - style.below
            out.append(Char(ch, box.left, box.right, bottom - style.size, bottom, style.upright))
        return _drop_guessed_spaces(out, generated, page, textpage, height)
    finally:
        textpage.close()


class PdfiumDocument:
    """An open PDF read with PDFium. A page turned by its /Rotate entry (a landscape statement saved as portrait
    pages) is read by pdfminer, which places its characters as the page is viewed; PDFium gives them unturned."""

    def __init__(self, path: str):
        try:
            self._pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code in _ERRORS:
                raise Unreadable(_ERRORS[code]) from None
            raise Damaged(f"the PDF is damaged and cannot be read ({exc})") from None
        self._path = path
        self._turned = None  # the pdfminer reading of turned pages, opened at the first one
        self.page_count = len(self._pdf)

    def page(self, index: int) -> PageChars:
        page = self._pdf[index]
        try:
            if page.get_rotation():
                if self._turned is None:
                    from .pdfminer_chars import PdfminerDocument

                    self._turned = PdfminerDocument(self._path)
                return self._turned.page(index)
            left, bottom, right, top = page.get_mediabox()
            height = top - bottom  # pdfplumber's: `top` counts from the MediaBox's height above y = 0
            return PageChars(index + 1, right - left, height, _page_chars(page, height))
        finally:
            page.close()

    def close(self) -> None:
        if self._turned is not None:
            self._turned.close()
        self._pdf.close()

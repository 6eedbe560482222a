"""The PDF text layer: PDFium (the default reader) and pdfminer (the fallback) each give every generated layout's
and every real statement's lines, amounts, dates and balances, compared with what was drawn or EXPECTED.json;
PDFium's characters make the words pdfplumber makes, on text drawn every way a statement producer draws it."""
from __future__ import annotations

from pathlib import Path

import pytest

import pdf_fixtures as fx
from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.pdf.text import ReadLimits, read_pages
from tieout.server.importers.pdf.statement import PdfStatementImporter
from tieout.server.importers.pdf.text.chars import Damaged
from tieout.server.importers.pdf.text.pages import open_document
from tieout.server.importers.pdf.text.pdfium_chars import PdfiumDocument
from tieout.server.importers.pdf.text.words import page_words
from wild_corpus import differences, names

READERS = ["pdfium", "pdfminer"]
BUILTIN = {  # small statements of the three built-in layouts (two credit styles of the business one)
    "us_retail": lambda: fx.us_retail_pdf(seed=31, n=60),
    "uk_bank": lambda: fx.uk_bank_pdf(seed=32, n=60),
    "business_cr": lambda: fx.business_pdf(seed=33, n=50, credit_style="cr"),
    "business_parentheses": lambda: fx.business_pdf(seed=34, n=50, credit_style="parentheses"),
}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[str, tuple[fx.Drawn, Path]]:
    folder = tmp_path_factory.mktemp("pdf_text")
    made = {name: make() for name, make in BUILTIN.items()}
    made.update({name: fx.styled_pdf(style, seed=40 + k, n=50) for k, (name, style) in enumerate(sorted(fx.STYLES.items()))})
    out = {}
    for name, d in made.items():
        path = folder / f"{name}.pdf"
        path.write_bytes(d.pdf)
        out[name] = (d, path)
    return out


@pytest.fixture(params=READERS)
def reader(request, monkeypatch) -> str:
    """Imports in this test read with one reader, in-process (the worker processes are tested in test_import_pdf)."""
    monkeypatch.setenv("TIEOUT_PDF_READER", request.param)
    monkeypatch.setenv("TIEOUT_PDF_ISOLATE", "0")
    return request.param


@pytest.mark.parametrize("name", [*BUILTIN, *sorted(fx.STYLES)])
def test_each_reader_gives_the_drawn_lines_and_balances(name, reader, drawn):
    d, path = drawn[name]
    (st,) = import_file(path, options=ImportOptions(currency=d.currency)).statements
    assert st.findings == ()
    assert [(ln.date, ln.amount, ln.description, ln.reference) for ln in st.lines] == [
        (t.date, t.amount, t.description, t.reference) for t in d.txns]
    assert (st.period_start, st.period_end) == (d.period_start, d.period_end)
    if name in fx.STYLES:  # a style prints the balances its summary or its balance column holds
        style = fx.STYLES[name]
        printed = {kind for _, kind in style.summary} | ({"opening", "closing"} if "balance" in style.columns else set())
    else:
        printed = {"opening", "closing"}
    assert st.opening_balance == (d.opening if "opening" in printed else None)
    assert st.closing_balance == (d.closing if "closing" in printed else None)


@pytest.mark.parametrize("name", names("pdf"))
def test_each_reader_gives_the_real_statements_expected_values(name, reader, wild):
    assert differences(wild, name) == []


def _plumber_words(chars) -> list[tuple]:
    from pdfplumber.utils import extract_words

    dicts = [{"text": c.text, "x0": c.x0, "x1": c.x1, "top": c.top, "bottom": c.bottom, "doctop": c.top,
              "upright": c.upright} for c in chars]
    return [(w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
            for w in extract_words(dicts, x_tolerance=2, y_tolerance=2) if w["upright"]]


def test_word_grouping_is_pdfplumbers(drawn, wild):
    """Tieout's own word grouping (faster) gives pdfplumber's extract_words words from the same characters."""
    paths = [drawn["uk_bank"][1], drawn["card"][1], *(wild / n for n in names("pdf"))]
    for path in paths:
        for reader_name in READERS:
            doc = open_document(str(path), reader_name)
            try:
                for i in range(doc.page_count):
                    chars = doc.page(i).chars
                    assert page_words(chars) == _plumber_words(chars), (path.name, reader_name, i + 1)
            finally:
                doc.close()


def test_pdfminer_reader_words_equal_pdfplumbers_page_words(drawn):
    """The fallback reader's lean characters make the words pdfplumber's own Page.extract_words makes, so that a
    pdfplumber upgrade changing either shows here."""
    import pdfplumber

    path = drawn["us_retail"][1]
    pages = read_pages(path, ReadLimits(isolate=False, reader="pdfminer"))
    with pdfplumber.open(path) as pdf:
        for page, ours in zip(pdf.pages, pages, strict=True):
            want = [(w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
                    for w in page.extract_words(x_tolerance=2, y_tolerance=2) if w["upright"]]
            assert len(want) > 100 and [tuple(w) for w in ours.words] == want


def _producers_page() -> bytes:
    """One page of text drawn the ways statement producers draw it: a scaled text matrix, a scaled CTM (Canva's
    0.75), a form XObject, a rotated watermark, one text object per glyph with the spaces as objects of their own,
    and letter-spaced glyphs with no space between them (a MICR line)."""
    sheet = fx.Sheet(fx.LETTER)
    c = sheet.c
    t = c.beginText()
    t.setTextTransform(10, 0, 0, 10, 50, 700)
    t.setFont("Helvetica", 1)
    t.textOut("SCALED 12.34")
    c.drawText(t)
    c.saveState()
    c.scale(0.75, 0.75)
    c.setFont("Times-Roman", 12)
    c.drawString(400, 900, "CTM 56.78")
    c.restoreState()
    c.beginForm("letterhead")
    c.setFont("Courier", 9)
    c.drawString(50, 650, "FORM TEXT")
    c.endForm()
    c.doForm("letterhead")
    c.saveState()
    c.translate(300, 400)
    c.rotate(45)
    c.setFont("Helvetica", 40)
    c.drawString(0, 0, "COPY")
    c.restoreState()
    c.setFont("Helvetica", 10)
    x = 50.0
    for ch in "Page 6 of 6":
        c.drawString(x, 600, ch)
        x += c.stringWidth(ch, "Helvetica", 10) + 0.3
    x = 50.0
    for ch in "IIII":
        c.drawString(x, 580, ch)
        x += c.stringWidth(ch, "Helvetica", 10) + 1.4
    c.setFont("Helvetica", 8.5)
    c.drawString(50, 560, "03/05/2025 CARD PAYMENT 1,234.56")
    return sheet.finish()


def test_text_drawn_every_way_gives_the_same_words_with_both_readers(tmp_path):
    path = tmp_path / "producers.pdf"
    path.write_bytes(_producers_page())
    (pdfium,) = read_pages(path, ReadLimits(isolate=False, reader="pdfium"))
    (pdfminer,) = read_pages(path, ReadLimits(isolate=False, reader="pdfminer"))
    lines = {}
    for w in pdfium.words:
        lines.setdefault(round(w.bottom), []).append(w.text)
    assert sorted(lines.values()) == sorted([["SCALED", "12.34"], ["CTM", "56.78"], ["FORM", "TEXT"],
                                            ["Page", "6", "of", "6"], ["IIII"],
                                            ["03/05/2025", "CARD", "PAYMENT", "1,234.56"]])  # no watermark
    scaled = next(w for w in pdfium.words if w.text == "SCALED")
    ctm = next(w for w in pdfium.words if w.text == "CTM")
    assert scaled.x0 == pytest.approx(50) and scaled.bottom - scaled.top == pytest.approx(10)
    assert ctm.x0 == pytest.approx(300) and ctm.bottom - ctm.top == pytest.approx(9)
    # pdfminer takes the 45-degree watermark's letters for upright words; the rest is the same
    table = [w for w in pdfminer.words if w.text not in ("C", "O", "P", "Y")]
    assert [w.text for w in pdfium.words] == [w.text for w in table]
    for a, b in zip(pdfium.words, table):
        assert a[1:] == pytest.approx(b[1:], abs=0.05)


def test_a_turned_page_reads_as_it_is_viewed(tmp_path):
    """A landscape statement saved as a portrait page with /Rotate 90: the words come in viewing order."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "turned.pdf"
    c = canvas.Canvas(str(path), pagesize=fx.LETTER, invariant=1)
    c.setPageRotation(90)
    c.translate(612, 0)
    c.rotate(90)  # a landscape page (792 x 612) that reads upright once the viewer turns it
    c.setFont("Helvetica", 10)
    c.drawString(50, 550, "Date Description Amount")
    c.drawString(50, 530, "03/05/2025 CARD PAYMENT 1,234.56")
    c.save()
    (page,) = read_pages(path, ReadLimits(isolate=False))
    assert [w.text for w in page.words] == "Date Description Amount 03/05/2025 CARD PAYMENT 1,234.56".split()
    assert page.words[0].x0 == pytest.approx(50) and page.words[3].top - page.words[0].top == pytest.approx(20)


def test_mediabox_offset_gives_pdfplumbers_coordinates(tmp_path, drawn):
    """A MediaBox that does not start at y = 0 (Mercury's): both readers place words alike."""
    data = drawn["card"][0].pdf
    assert data.count(b"/MediaBox [ 0 0 612 792 ]") >= 2
    path = tmp_path / "offset.pdf"
    path.write_bytes(data.replace(b"/MediaBox [ 0 0 612 792 ]", b"/MediaBox [ 0 9 612 801 ]"))
    a = read_pages(path, ReadLimits(isolate=False, reader="pdfium"))
    b = read_pages(path, ReadLimits(isolate=False, reader="pdfminer"))
    assert [p.height for p in a] == [p.height for p in b] == [792.0] * len(a)
    for pa, pb in zip(a, b, strict=True):
        assert [w.text for w in pa.words] == [w.text for w in pb.words]
        for wa, wb in zip(pa.words, pb.words):
            assert wa[1:] == pytest.approx(wb[1:], abs=0.01)


def test_a_file_pdfium_refuses_is_read_by_pdfminer(tmp_path, drawn):
    """More than 1 KB before the %PDF header (a banner some mail gateways prepend): PDFium refuses the file as
    damaged, pdfminer finds the header further on; the import falls back and reads the drawn statement."""
    d, _ = drawn["us_retail"]
    path = tmp_path / "banner.pdf"
    path.write_bytes(b"X-Scanned-By: gateway\n" * 60 + d.pdf)
    with pytest.raises(Damaged):
        PdfiumDocument(str(path))
    (st,) = PdfStatementImporter().extract(path, ImportOptions()).statements
    assert [(ln.date, ln.amount) for ln in st.lines] == [(t.date, t.amount) for t in d.txns]
    assert (st.opening_balance, st.closing_balance) == (d.opening, d.closing)


def test_a_file_neither_reader_opens_is_refused_naming_it(tmp_path, drawn):
    data = drawn["us_retail"][0].pdf
    path = tmp_path / "noroot.pdf"
    path.write_bytes(data.replace(b"/Root", b"/Rooo"))
    with pytest.raises(BankFileError) as info:
        import_file(path)
    assert str(info.value).startswith(str(path) + ": ") and "damaged" in str(info.value)


def test_reader_from_the_environment(monkeypatch):
    monkeypatch.setenv("TIEOUT_PDF_READER", "pdfminer")
    assert ReadLimits.from_env().reader == "pdfminer"
    monkeypatch.setenv("TIEOUT_PDF_READER", "anything else")
    assert ReadLimits.from_env().reader == "pdfium"

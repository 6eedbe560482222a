"""PDF bank statements (format "pdf"): text read with PDFium (text/), interpreted by a layout template (TOML data in
layouts/ or the user's profile folders) or, for a statement no template knows, by a layout inferred from the
page geometry (infer); checked against the statement's own running balances and totals.

A PDF statement is a picture of a table, so a wrong reading is silent unless checked: every printed figure the
lines do not add up to is a finding naming the page, line and figures.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import BankFileError
from ...records import ImportResult
from ...records import Layout as RecordLayout
from ..base import ImportOptions, LayoutProposal
from .infer import infer_reading
from .layout import BUILTIN_DIR, Layout, load_layouts
from .reading import read_statement, warnings
from .table import TextLine, text_lines
from .text import ReadLimits, read_pages

TAIL_BYTES = 1024  # a complete PDF ends with %%EOF within its last 1024 bytes (as Acrobat requires)


def _check_complete(path: Path) -> None:
    """A statement cut short in download or e-mail still opens (pdfminer scans for objects) but has lost pages."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - TAIL_BYTES))
            tail = fh.read()
    except OSError as exc:
        raise BankFileError(path, f"cannot be read: {exc.strerror or exc}") from None
    if b"%%EOF" not in tail:
        raise BankFileError(path, "the PDF is incomplete (it has no %%EOF end marker): the download or e-mail "
                                  "attachment was cut short; download the statement again")


def _source(layout: Layout) -> str:
    return "builtin" if layout.source.parent == BUILTIN_DIR else "user"


def choose_layout(pages: list[tuple[TextLine, ...]], options: ImportOptions,
                  path: Path) -> tuple[Layout | None, str]:
    """(layout, "builtin" | "user"): the forced layout (--profile), else the one whose markers best match the text
    of the first two pages (page 1 may be a cover letter); (None, "inferred") when none matches."""
    layouts = load_layouts(options.profile_dirs)
    if options.profile:
        for layout in layouts:
            if layout.name == options.profile:
                return layout, _source(layout)
        raise BankFileError(path, f"no PDF layout named {options.profile!r}; PDF layouts: "
                                  + ", ".join(sorted(lay.name for lay in layouts)))
    first = "\n".join(line.text for lines in pages[:2] for line in lines).lower()
    scored = []
    for layout in layouts:
        if all(m in first for m in layout.markers_all) and (
                not layout.markers_any or any(m in first for m in layout.markers_any)):
            scored.append((len(layout.markers_all) + sum(m in first for m in layout.markers_any), layout))
    if not scored:
        return None, "inferred"
    best = max(scored, key=lambda s: s[0])[1]  # max() keeps the first of equals: user layouts win ties
    return best, _source(best)


@dataclass(frozen=True)
class PdfStatementImporter:
    name: str = "pdf"
    priority: int = 30
    limits: ReadLimits | None = None  # None: ReadLimits.from_env() at each import

    def identify(self, path: Path, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]  # readers accept junk before the header within the first 1 KB

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        path = Path(path)
        _check_complete(path)
        pages = [text_lines(p) for p in read_pages(path, self.limits)]
        layout, source = choose_layout(pages, options, path)
        unread = 0
        if layout is None:
            reading, proof = infer_reading(pages, path, options)
            confidence, unread = proof.confidence, proof.unread
        else:
            reading, confidence = read_statement(pages, layout, path, options), 1.0
        if reading.statement is None:
            raise BankFileError(path, list(reading.problems))
        notes = warnings(reading.layout, reading.statement)
        if unread:
            notes.append(f"{unread} line(s) start with a date and carry figures but were read as no transaction "
                         "(a page without the table's header?): check the lines against the PDF")
        if (source == "inferred" and not options.currency and "currency_code" not in reading.layout.patterns
                and reading.statement.currency):
            notes.append(f"the currency {reading.statement.currency} was taken from the currency sign the statement "
                         "prints; if the account is held in another currency, give that currency")
        return ImportResult("pdf", str(path), (reading.statement,), tuple(notes),
                            RecordLayout(reading.layout.name, source, confidence))

    def layout_proposal(self, path: Path, options: ImportOptions, name: str) -> LayoutProposal:
        """The inferred layout for the user to confirm once (see base.LayoutProposal); saved, it is a user layout."""
        import tomllib

        from .infer import infer_pdf_layout

        text, proof = infer_pdf_layout(path)
        text = re.sub(r'(?m)^name = ".*"$', f"name = {json.dumps(name)}", text, count=1)
        columns = tuple((c.get("label", ""), c.get("role", ""))
                        for c in tomllib.loads(text).get("table", {}).get("columns", ()))
        return LayoutProposal(name=name, columns=columns, sample=(), proof=str(proof), notes=(),
                              confidence=proof.confidence, profile_text=text)


IMPORTER = PdfStatementImporter()

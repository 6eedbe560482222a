"""PDF bank statements (format "pdf"): text read with pdfplumber, interpreted by a layout template (TOML data in
pdf_layouts/ or the user's profile folders), checked against the statement's own running balances and totals.

A PDF statement is a picture of a table, so a wrong reading is silent unless checked: an import that does not
add up to the balances and totals the bank printed is refused with the page, line and figures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BankFileError, Problem
from ..records import BankLine, ImportResult, Statement
from .base import ImportOptions
from .pdf_checks import check_balances, check_totals
from .pdf_fields import read_fields
from .pdf_layout import Layout, load_layouts
from .pdf_rows import read_rows
from .pdf_table import TextLine, text_lines
from .pdf_text import ReadLimits, read_pages
from .pdf_values import DateReader

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


def choose_layout(pages: list[tuple[TextLine, ...]], options: ImportOptions, path: Path) -> Layout:
    """The forced layout (--profile), else the one whose markers best match the text of the first two pages
    (page 1 may be a cover letter)."""
    layouts = load_layouts(options.profile_dirs)
    if options.profile:
        for layout in layouts:
            if layout.name == options.profile:
                return layout
        raise BankFileError(path, f"no PDF layout named {options.profile!r}; PDF layouts: "
                                  + ", ".join(sorted(lay.name for lay in layouts)))
    first = "\n".join(line.text for lines in pages[:2] for line in lines).lower()
    scored = []
    for layout in layouts:
        if all(m in first for m in layout.markers_all) and (
                not layout.markers_any or any(m in first for m in layout.markers_any)):
            scored.append((len(layout.markers_all) + sum(m in first for m in layout.markers_any), layout))
    if not scored:
        raise BankFileError(path, "this PDF statement's layout is not one Tieout knows (known layouts: "
                                  + ", ".join(sorted(lay.name for lay in layouts)) + "); add a PDF layout "
                                  "template (TOML, kind = \"pdf\") to a profile folder, or import a CSV export")
    return max(scored, key=lambda s: s[0])[1]  # max() keeps the first of equals: user layouts win ties


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-")


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
        layout = choose_layout(pages, options, path)
        fields = read_fields(pages, layout, path)
        if layout.yearless and fields.period is None:
            raise BankFileError(path, Problem(f"the statement period was not found (layout {layout.name}), and "
                                              "its dates print no year", field="period"))
        table = read_rows(pages, layout, DateReader(layout.date_formats, fields.period))
        if table.problems:
            raise BankFileError(path, list(table.problems))
        if not table.pages_with_table and not (fields.opening and fields.closing
                                               and fields.opening.value == fields.closing.value):
            labels = ", ".join(c.label for c in layout.columns)
            raise BankFileError(path, f"no transaction table found on any of the {len(pages)} pages (layout "
                                      f"{layout.name} looks for a header line with {labels})")
        balances = check_balances(table.rows, fields)
        problems = list(balances.problems) + list(check_totals(table.rows, fields))
        if problems:
            raise BankFileError(path, problems)
        return ImportResult("pdf", str(path), (self._statement(path, layout, fields, table, balances, options),),
                            tuple(self._warnings(layout, fields, balances)))

    @staticmethod
    def _statement(path, layout, fields, table, balances, options) -> Statement:
        account = fields.account or options.account or ""
        currency = fields.currency or options.currency or layout.currency or ""
        period = fields.period
        txns = [r for r in table.rows if r.kind == "txn"]
        end = period[1] if period else (txns[-1].date if txns else None)  # names the statement only
        statement_id = fields.statement_id or "-".join(
            x for x in (_slug(account) or _slug(path.stem), end.strftime("%Y%m%d") if end else "") if x)
        lines = tuple(
            BankLine(f"{statement_id}-{i:04d}", r.date, r.amount, currency, r.reference, r.description, r.type,
                     r.check_number)
            for i, r in enumerate(txns, start=1))
        return Statement(account, currency, balances.opening, balances.closing, lines,
                         period[0] if period else None, period[1] if period else None, statement_id)

    @staticmethod
    def _warnings(layout, fields, balances) -> list[str]:
        out = []
        missing = [name for name, value in (("opening", balances.opening), ("closing", balances.closing))
                   if value is None]
        if missing:
            out.append(f"the statement prints no {' or '.join(missing)} balance that Tieout could find: "
                       "its lines were not checked against it")
        if not layout.has_balance and not (fields.total_credits or fields.total_debits):
            out.append("the statement has no running balance or totals: only its opening and closing balances "
                       "check the lines")
        return out


IMPORTER = PdfStatementImporter()

"""The reviewer's report as PDF (reportlab's platypus): what a reviewer signs off on paper. Header with the
status in its workflow colour, the balances, the sign-offs from the audit trail, the open items, the matches by
rule and the new transactions, the statements' balances with their sources and their findings with the
acknowledgements; long tables flow over pages with their header row repeated; every page carries
"Page n of N" and the footer naming the workbook, the reconciliation and the submitted data's hash.

Text from bank files and users goes into Paragraphs escaped, so '<b>&' prints as written, never as markup.

The report is set in the font report_fonts chooses (wide coverage, embedded as a subset); a character it still
lacks prints as a visible '?', and the footer says so, naming the variable to set."""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..server.currencies import decimals
from ..server.workspace import aging
from . import report_charts as charts
from . import report_content as content
from .report_fonts import FONT_ENV, ReportFont, report_font
from . import sheets
from .handlers.state import State
from .report_sources import ReportExtras, ReviewChecks

CENT = Decimal("0.01")
MARGIN = 14 * mm
# Countries that print on Letter; everyone else on A4. The account's currency is the only locale hint we have.
LETTER_CURRENCIES = frozenset({"USD", "CAD", "MXN", "PHP", "CLP", "COP", "VEF", "GTQ", "CRC"})
# reportlab measures the remaining rows of a table again at each page break (time ~ rows squared: 10,000 open
# items took 23 s in one table, 9.6 s in tables of 300): long lists go in tables of this many rows, one after
# the other, each with its header row (so a header also shows where one ends mid-page).
CHUNK_ROWS = 300
MAX_CELL_CHARS = 500  # a cell taller than a page cannot be laid out; longer texts are cut with a marker
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CELL_SIZE, CELL_LEADING = 7.5, 9  # points, in Helvetica (the widths of the columns below were set for it)

# What the fixed-width columns hold, to measure a font against Helvetica, the font their widths were set for.
WIDTH_SAMPLE = "2026-11-22 03:40:00 UTC (1,234,567.89) Pending Approval prepared and submitted investigating"


def _scale(font: ReportFont) -> float:
    """How much wider than Helvetica the font sets the report's figures and codes (DejaVu Sans: about 12%)."""
    return max(1.0, stringWidth(WIDTH_SAMPLE, font.regular, 10) / stringWidth(WIDTH_SAMPLE, "Helvetica", 10))


@functools.lru_cache(maxsize=8)
def _styles(font: ReportFont) -> dict[str, ParagraphStyle]:
    """The report's paragraph styles in a font. The table cells of a wider font are set smaller by its scale, so
    a date or an amount still fits its fixed column (else it prints into the next cell) and the tables keep
    their layout and page count (the leading is kept); a wide font's larger x-height keeps them legible."""
    base = getSampleStyleSheet()
    scale = _scale(font)
    cell = ParagraphStyle("cell", parent=base["Normal"], fontName=font.regular, fontSize=CELL_SIZE / scale,
                          leading=CELL_LEADING)
    head = ParagraphStyle("head", parent=cell, fontName=font.bold)
    return {"title": ParagraphStyle("title", parent=base["Title"], fontName=font.bold, fontSize=15, leading=18,
                                    spaceAfter=4, alignment=0),
            "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=font.bold, fontSize=11, leading=14,
                                 spaceBefore=8, spaceAfter=4, keepWithNext=1),
            "cell": cell, "head": head, "head_right": ParagraphStyle("headr", parent=head, alignment=TA_RIGHT),
            "note": ParagraphStyle("note", parent=cell, fontSize=8.5 / scale, leading=11)}


class Pen:
    """Writes one report's text in its font: what the font cannot draw becomes '?', counted for the footer."""

    def __init__(self, font: ReportFont | None = None, places: int = 2):
        self.font = font or report_font()
        self.places = places  # the currency's decimals: money prints with them
        self.styles = _styles(self.font)
        self.missing = 0  # characters replaced with '?'
        self._ascii = all(chr(c) in self.font.glyphs for c in range(32, 127))

    def text(self, value) -> str:
        text = CONTROL.sub(" ", plain(value, self.places))
        if self._ascii and text.isascii():  # the common case, checked in C
            return text
        out = []
        for ch in text:
            if ch in self.font.glyphs:
                out.append(ch)
            elif ch.isspace():
                out.append(" ")
            else:
                out.append("?")
                self.missing += 1
        return "".join(out)

    def para(self, value, style: str = "cell") -> Paragraph:
        """Text drawn as text: control characters dropped, reportlab's markup characters escaped."""
        text = plain(value, self.places)
        if len(text) > MAX_CELL_CHARS:
            text = text[:MAX_CELL_CHARS] + " [...]"
        return Paragraph(escape(self.text(text)), self.styles[style])


@dataclass(frozen=True)
class Col:
    """A report column: fixed width in mm for figures, dates and codes; text columns share what is left."""

    header: str
    kind: str = "text"  # text: wraps (a Paragraph); fixed: one short line; money, int: right-aligned lines
    mm: float | None = None
    flex: int = 1


# The tables as data.
OPEN_ITEM_COLUMNS = (Col("side", "fixed", 9), Col("line", mm=17), Col("date", "fixed", 16),
                     Col("amount", "money", 21), Col("description", flex=3), Col("age", "int", 9),
                     Col("owner", mm=16), Col("due date", "fixed", 16), Col("status", "fixed", 18),
                     Col("notes", flex=2))
SIGNOFF_COLUMNS = (Col("when", "fixed", 34), Col("who", mm=20), Col("action", "fixed", 32),
                   Col("status after", "fixed", 25), Col("comment"))
RULE_COLUMNS = (Col("rule"), Col("kind", "fixed", 14), Col("matches", "int", 15), Col("bank lines", "int", 16),
                Col("GL lines", "int", 15), Col("value", "money", 26))
TXN_COLUMNS = (Col("date", "fixed", 16), Col("amount", "money", 21), Col("GL account", mm=26), Col("description"),
               Col("kind", "fixed", 17), Col("bank line", mm=18), Col("status", "fixed", 15))
SIGNOFF_BLOCK_COLUMNS = (Col("role", "fixed", 24), Col("name", mm=26), Col("date", "fixed", 34), Col("comment"),
                         Col("signature", mm=40))
CHECK_COLUMNS = (Col("check", mm=46), Col("status", "fixed", 18), Col("detail", flex=3), Col("lines", flex=2))
AGED_COLUMNS = (Col("age (days)"), Col("bank items", "int", 22), Col("bank amount", "money", 30),
                Col("GL items", "int", 22), Col("GL amount", "money", 30))
CHECK_COLOURS = {"pass": "C6EFCE", "fail": "FFC7CE", "attention": "FFEB9C"}
FIGURE_COLUMNS = (Col("figure", mm=62), Col("amount", "money", 26), Col("note"))
STATEMENT_COLUMNS = (Col("statement", "int", 16), Col("file"), Col("period", "fixed", 36),
                     Col("opening", "money", 22), Col("opening from"), Col("closing", "money", 22),
                     Col("closing from"))
FINDING_COLUMNS = (Col("finding", "int", 13), Col("statement", mm=20), Col("code", "fixed", 24),
                   Col("message", flex=3), Col("acknowledged by", mm=20), Col("at", "fixed", 30),
                   Col("comment", flex=2))

RIGHT = ("money", "int")
GRID = colors.HexColor("#BFBFBF")
HEAD_FILL, TOTAL_FILL = colors.HexColor("#D9E1F2"), colors.HexColor("#F2F2F2")
GOOD, BAD = colors.HexColor("#C6EFCE"), colors.HexColor("#FFC7CE")


def money(value, places: int = 2) -> str:
    """The currency's decimals (2 unless told), thousands separators, negatives in parentheses (accountants'
    convention, used throughout)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        return str(value)
    q = value.quantize(CENT.scaleb(2 - places), rounding=ROUND_HALF_UP)
    text = f"{abs(q):,.{places}f}"
    return f"({text})" if q < 0 else text


def plain(value, places: int = 2) -> str:
    """Any cell value as the text to print (dates ISO, Decimals as money)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money(value, places)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def page_size(state: State):
    return letter if str(state.account.get("currency", "")).upper() in LETTER_CURRENCIES else A4


def table(columns, rows, width: float, extra_style=(), pen: Pen | None = None) -> Table:
    """A grid with its header row repeated on every page it flows onto."""
    pen = pen or Pen()
    rest = width - sum(c.mm * mm for c in columns if c.mm is not None)
    flex = sum(c.flex for c in columns if c.mm is None) or 1
    widths = [c.mm * mm if c.mm is not None else rest * c.flex / flex for c in columns]
    body = [[pen.para(c.header, "head_right" if c.kind in RIGHT else "head") for c in columns]]
    # Only text columns get a Paragraph (parsed, wrapped): dates, amounts and codes are plain strings, drawn
    # as they are and several times faster on a long list.
    wraps = [c.kind == "text" for c in columns]
    for row in rows:
        body.append([pen.para(v) if wrap else pen.text(v) for wrap, v in zip(wraps, row)])
    right = [i for i, c in enumerate(columns) if c.kind in RIGHT]
    t = Table(body, colWidths=widths, repeatRows=1)
    cell = pen.styles["cell"]
    t.setStyle(TableStyle([("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
                           *[("ALIGN", (i, 1), (i, -1), "RIGHT") for i in right],
                           ("GRID", (0, 0), (-1, -1), 0.25, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 2), *extra_style]))
    return t


def _header(state: State, width: float, pen: Pen, standing: content.Standing) -> Table:
    """The head facts; the status says what still stands against the reconciliation, in the colour that
    follows the workflow and the checks (content.Standing)."""
    facts = [(label, standing.text if label == "Status" else text) for label, text in content.header_facts(state)]
    cells = sheets.summary_cells(state)
    facts += [("Lines matched", str(cells[sheets.SUMMARY_CELLS["Lines matched"]])),
              ("Match rate", str(cells[sheets.SUMMARY_CELLS["Match rate"]]))]
    t = Table([[pen.para(label, "head"), pen.para(text)] for label, text in facts],
              colWidths=[width * 0.22, width * 0.78])
    status_row = [label for label, _ in facts].index("Status")
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, GRID),
                           ("BACKGROUND", (1, status_row), (1, status_row), colors.HexColor("#" + standing.colour))]))
    return t


def _balances(state: State, width: float, pen: Pen, standing: content.Standing) -> Table:
    rows = sheets.summary_rows(state)
    last = len(rows)  # the difference (row 0 is the header)
    diff = rows[-1][1]
    # green only for a zero difference nothing else stands against (never for "0.00" with nothing matched)
    if not isinstance(diff, Decimal) or diff != 0:
        fill = BAD
    else:
        fill = colors.HexColor("#" + content.WARNING) if standing.severe else GOOD
    totals = [i + 1 for i, r in enumerate(rows) if r[0].startswith(("Adjusted", "Difference"))]
    style = [("BACKGROUND", (0, last), (-1, last), fill)]
    style += [("LINEABOVE", (0, i), (-1, i), 0.8, colors.black) for i in totals]
    return table(FIGURE_COLUMNS, rows, width, style, pen)


def _open_item_rows(state: State) -> list[tuple]:
    out = []
    for side, line_id, date, amount, desc, age, status, cand, owner, due, notes in sheets.unmatched_rows(state):
        notes = "; ".join(t for t in (notes, cand) if t)
        out.append(("bank" if side == "bank" else "GL", line_id, date, amount, desc, age, owner, due, status, notes))
    return out


def _rule_rows(state: State) -> list[tuple]:
    rows = content.rule_rows(state)
    if rows:
        rows.append(("Total", "", sum(r[2] for r in rows), sum(r[3] for r in rows), sum(r[4] for r in rows),
                     sum((r[5] for r in rows), Decimal(0))))
    return rows


def _txn_rows(state: State) -> list[tuple]:
    return [(r[0], r[1], r[3], r[4], r[5], r[6], r[8]) for r in sheets.txn_rows(state)]


def _section(story: list, title: str, columns, rows, width: float, empty: str, style=(),
             pen: Pen | None = None) -> None:
    pen = pen or Pen()
    story.append(pen.para(title, "h2"))
    if not rows:
        story.append(pen.para(empty, "note"))
    elif style or len(rows) <= CHUNK_ROWS:
        story.append(table(columns, rows, width, style, pen))
    else:
        story.extend(table(columns, rows[i:i + CHUNK_ROWS], width, (), pen) for i in range(0, len(rows), CHUNK_ROWS))


def _signoff(state: State, width: float, pen: Pen) -> list:
    """Who prepared, reviewed and approved (the current round; a rejection voids the earlier ones), with the
    date and comment, room to sign, and the data hash the sign-offs are about."""
    rows = [(role, who or "(not yet)", when, comment, "") for role, who, when, comment in content.signoff_block(state)]
    out = [pen.para("Sign-off", "h2"), table(SIGNOFF_BLOCK_COLUMNS, rows, width,
                                             [("ROWHEIGHT", (0, 1), (-1, -1), 9 * mm)], pen)]
    digest = state.rec.get("submitted_hash")
    out.append(pen.para(f"Data hash: {digest}" if digest else "Data hash: not submitted yet (Submit for Review "
                                                              "stores it)", "note"))
    return out


def _checks(story: list, checks: ReviewChecks, width: float, pen: Pen) -> None:
    if not checks.available:
        story += [pen.para("Review checks", "h2"),
                  pen.para("Review checks not available: this server does not compute them (its review route "
                           "answered 404). The figures below are the reconciliation's own.", "note")]
        return
    rows = [(c.title or c.id, c.status.upper(), c.detail, ", ".join(c.lines[:12]) +
             (f" and {len(c.lines) - 12} more" if len(c.lines) > 12 else "")) for c in checks.checks]
    style = [("BACKGROUND", (1, i), (1, i), colors.HexColor("#" + CHECK_COLOURS[c.status]))
             for i, c in enumerate(checks.checks, start=1)]
    failing = len(checks.with_status("fail"))
    _section(story, f"Review checks ({len(rows)}; {failing} failing)", CHECK_COLUMNS, rows, width,
             "The server returned no checks.", style, pen)


def _aged(story: list, state: State, width: float, pen: Pen) -> None:
    rows = content.aged_rows(state)
    total = ("Total", sum(r[1] for r in rows), sum((r[2] for r in rows), Decimal(0)), sum(r[3] for r in rows),
             sum((r[4] for r in rows), Decimal(0)))
    n = len(rows) + 1
    style = [("BACKGROUND", (0, n), (-1, n), TOTAL_FILL), ("LINEABOVE", (0, n), (-1, n), 0.8, colors.black)]
    _section(story, f"Open items by age at {state.period_end}", AGED_COLUMNS, [*rows, total], width, "", style, pen)
    escalate = content.escalations(state)
    story.append(pen.para(f"{len(escalate)} to escalate (older than {aging.escalate_after_days()} days, or carried "
                          "from a prior period): each needs a clearing entry or an action plan." if escalate else
                          f"None to escalate (none older than {aging.escalate_after_days()} days or carried from a "
                          "prior period).", "note"))


def _charts(story: list, state: State, extras: ReportExtras, width: float, pen: Pen) -> None:
    regular, bold = pen.font.regular, pen.font.bold
    half = width / 2 - 2 * mm
    pair = [charts.aging_chart(content.aged_rows(state), half, 55 * mm, regular, bold)]
    rates = content.rule_rates(state)
    if rates:
        pair.append(charts.rule_chart(rates, half, 55 * mm, regular, bold))
    grid = Table([pair], colWidths=[width / 2] * len(pair))
    grid.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 3 * mm), grid]
    if extras.history:
        story += [Spacer(1, 2 * mm), charts.history_chart(extras.history, width, 40 * mm, regular, bold)]


def build_story(state: State, width: float, pen: Pen | None = None, extras: ReportExtras | None = None) -> list:
    pen = pen or Pen()
    extras = extras or ReportExtras()
    standing = content.standing(state, extras.checks)
    period = state.rec["period"]["name"]
    story: list = [pen.para(f"{sheets.summary_cells(state)['A1']} report: {state.account['name']}, {period}", "title"),
                   _header(state, width, pen, standing), *_signoff(state, width, pen),
                   pen.para("Balances", "h2"), _balances(state, width, pen, standing)]
    _checks(story, extras.checks, width, pen)
    _aged(story, state, width, pen)
    _charts(story, state, extras, width, pen)
    _section(story, "Statement balances", STATEMENT_COLUMNS, content.statement_balance_rows(state), width,
             "No statement imported.", pen=pen)
    open_n = len(state.open_findings)
    _section(story, f"Statement findings ({len(state.findings)}; {open_n} not acknowledged)", FINDING_COLUMNS,
             content.finding_rows(state), width, "None: every statement's own figures add up.", pen=pen)
    signoffs = [(when, who, content.SIGNOFF_LABELS.get(step, step), status, comment)
                for when, who, step, status, comment in content.signoff_rows(state)]
    _section(story, "Workflow history", SIGNOFF_COLUMNS, signoffs, width, "No sign-offs yet.", pen=pen)
    items = _open_item_rows(state)
    _section(story, f"Open items ({len(items)}; age in days at {state.period_end})", OPEN_ITEM_COLUMNS, items,
             width, "No open items.", pen=pen)
    rules = _rule_rows(state)
    total_style = [("BACKGROUND", (0, len(rules)), (-1, len(rules)), TOTAL_FILL),
                   ("LINEABOVE", (0, len(rules)), (-1, len(rules)), 0.8, colors.black)] if rules else []
    _section(story, "Matches by rule", RULE_COLUMNS, rules, width, "No matches.", total_style, pen)
    txns = _txn_rows(state)
    _section(story, f"New transactions ({len(txns)})", TXN_COLUMNS, txns, width, "No new transactions.", pen=pen)
    story.append(Spacer(1, 4 * mm))
    return story


def _numbered_canvas(footer: str, pen: Pen):
    """A canvas that holds its pages until the end, so each can say 'Page n of N' (N known only then) and, when
    the font lacked characters (known only once the whole story is written), the note saying so."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # reportlab calls it at each page end
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            note = pen.text(content.unprintable_note(pen.missing, pen.font.source, FONT_ENV)) if pen.missing else ""
            for page in self._pages:
                self.__dict__.update(page)
                self._decorate(total, note)
                super().showPage()
            super().save()

        def _line(self, text: str, y: float, room: float) -> None:
            size = 7.0
            while size > 4.5 and stringWidth(text, pen.font.regular, size) > room:
                size -= 0.25
            self.setFont(pen.font.regular, size)
            self.drawString(MARGIN, y, text)

        def _decorate(self, total: int, note: str) -> None:
            w, _ = self._pagesize
            self.setFillColor(colors.HexColor("#404040"))
            self._line(footer, 8 * mm, w - 2 * MARGIN)
            number = f"Page {self._pageNumber} of {total}"
            self.setFont(pen.font.regular, 8)
            self.drawRightString(w - MARGIN, 12 * mm, number)
            if note:  # left of the page number, above the footer
                self._line(note, 12 * mm, w - 2 * MARGIN - stringWidth(number, pen.font.regular, 8) - 4 * mm)

    return NumberedCanvas


def write_pdf_report(state: State, path: Path, workbook_name: str, generated: dt.datetime | None = None,
                     extras: ReportExtras | None = None) -> Path:
    generated = generated or dt.datetime.now().astimezone()
    size = page_size(state)
    pen = Pen(places=decimals(state.account["currency"]))
    footer = content.footer_text(state, workbook_name, generated)
    buffer = io.BytesIO()  # built in memory: a failure leaves no half-written file (nor spoils an old one)
    doc = SimpleDocTemplate(buffer, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 6 * mm, title=f"Reconciliation #{state.id} report",
                            author="Tieout", subject=footer)  # metadata is Unicode: the footer as it is
    doc.build(build_story(state, doc.width, pen, extras), canvasmaker=_numbered_canvas(pen.text(footer), pen))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path

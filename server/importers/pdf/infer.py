"""A layout for a PDF statement no template knows, inferred from the page geometry and chosen by the statement's
own figures.

infer_scan finds the rows (lines starting with a date), the money columns (figures lined up on their right
edge) and the header that labels them. Which money column is the debit, the credit, the amount or the running
balance, and which sign a plain figure has, cannot be read off the page: every plausible reading is written as an
ordinary PDF layout (the TOML a user could have written) and read like any layout; the reading whose lines agree
with the most printed figures (running balances, opening and closing balance, printed totals) wins, the header
labels breaking ties. Two readings that fit equally well and disagree about the lines are refused, naming both:
a guess would make a wrong reconciliation look right. The winning layout can be saved and edited
(`infer_pdf_layout`), and imports the statement as the inference did.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ...errors import BankFileError, Problem
from ..base import ImportOptions
from .infer_candidates import NAME, Candidate, candidates, scan_pages
from .layout import parse_layout
from .reading import Reading, read_statement


@dataclass(frozen=True)
class Proof:
    """Why the inferred layout was chosen: the checks its lines passed and how its rivals fared."""

    layout: str  # the roles, e.g. "Withdrawals=debit, Deposits=credit, Balance=balance"
    lines: int
    held: int
    checks: int
    confidence: float
    rivals: tuple[tuple[str, str], ...]  # (reading, how it fared)
    unread: int = 0  # dated lines with figures the reading took for no transaction (a page without a header?)

    def __str__(self) -> str:
        out = [f"reading: {self.layout}", f"lines: {self.lines}",
               f"printed figures the lines agree with: {self.held} of {self.checks}",
               f"confidence: {self.confidence}"]
        out += [f"rival: {name}: {fate}" for name, fate in self.rivals]
        if self.unread:
            out.append(f"dated lines with figures not read as transactions: {self.unread}")
        return "\n".join(out)


def _key(reading: Reading, cand: Candidate, card: bool) -> tuple:
    net = 2 * reading.held - reading.checks
    prior = 0
    if card and reading.statement is not None and reading.statement.lines:
        out = sum(1 for ln in reading.statement.lines if ln.amount < 0)
        prior = 1 if out * 2 > len(reading.statement.lines) else 0  # card statements: charges are money out
    return (net, -_outside(reading), cand.labels, prior, cand.shape)


def _outside(reading: Reading) -> int:
    """Days by which the lines lie outside the statement period: a day-month reading of month-day dates puts
    them there (posting dates a day or two off the period are common and cost little)."""
    st = reading.statement
    if st is None or st.period_start is None or st.period_end is None:
        return 0
    return sum(max((st.period_start - ln.date).days, (ln.date - st.period_end).days, 0) for ln in st.lines)


def _fate(reading: Reading) -> str:
    if reading.statement is None:
        return "unreadable: " + "; ".join(p.describe() if hasattr(p, "describe") else str(p)
                                          for p in reading.problems[:2])
    return f"agrees with {reading.held} of {reading.checks} printed figures"


def _choose(pages, path: Path, options: ImportOptions) -> tuple[Reading, Proof, str]:
    scan = scan_pages(pages)
    if scan.geo is not None and scan.header is None:
        first = scan.geo.rows[0].line
        raise BankFileError(path, Problem("lines start with dates and carry figures, but no header line above them "
                                          "names the columns, so the table's layout cannot be inferred; add a PDF "
                                          "layout template (TOML, kind = \"pdf\") to a profile folder",
                                          record=f"page {first.page} line {first.number}"))
    if scan.geo is not None and "period" not in scan.statement and not any(
            "%y" in code.lower() for code in scan.geo.rows[0].dates[0][2]):
        raise BankFileError(path, Problem("the rows' dates print no year and no statement period (two dates, "
                                          "e.g. 'March 1, 2025 - March 31, 2025') was found to take it from",
                                          field="period"))
    tried = []
    for cand in candidates(scan, pages):
        layout = parse_layout(Path(f"<{NAME}>"), tomllib.loads(cand.toml))
        tried.append((read_statement(pages, layout, path, options), cand))
    usable = sorted(((r, c) for r, c in tried if r.statement is not None), key=lambda rc: _key(*rc, scan.card),
                    reverse=True)
    if not usable:
        if scan.geo is None:
            raise BankFileError(path, "no lines of this PDF start with a date and carry an amount, and it prints no "
                                      "balance: no transaction table was found; this PDF statement's layout is not "
                                      "one Tieout knows or can infer. Add a PDF layout template (TOML, kind = \"pdf\") "
                                      "to a profile folder, or import a CSV export")
        reading, cand = min(tried, key=lambda rc: len(rc[0].problems))
        raise BankFileError(path, [Problem(f"the layout inferred for this PDF ({cand.name}) cannot read it: "
                                           + reading.problems[0].problem, record=reading.problems[0].record,
                                           field=reading.problems[0].field), *reading.problems[1:10]])
    best, cand = usable[0]
    for other, ocand in usable[1:]:
        if _key(other, ocand, scan.card) != _key(best, cand, scan.card):
            break
        if [(ln.date, ln.amount) for ln in other.statement.lines] != [(ln.date, ln.amount)
                                                                      for ln in best.statement.lines]:
            raise BankFileError(path, Problem(
                f"the layout of this PDF statement cannot be inferred for sure: two readings fit it equally well, "
                f"'{cand.name}' ({_fate(best)}) and '{ocand.name}' ({_fate(other)}), and they give different "
                "lines; add a PDF layout template (tieout profile infer, then edit the roles) or import a CSV"))
    confidence = round(best.held / best.checks, 2) if best.checks else 0.5
    unread = _unread(scan, best)
    rivals = tuple((c.name, _fate(r)) for r, c in tried if c is not cand)
    proof = Proof(cand.name, len(best.statement.lines), best.held, best.checks,
                  round(confidence / 2, 2) if unread else confidence, rivals, unread)
    return best, proof, cand.toml


def _unread(scan, reading: Reading) -> int:
    """How many dated lines with figures (balance rows aside) the reading has no transaction for: the engine
    reads a table only under its header, so a page that prints none would lose its rows without this count."""
    if scan.geo is None:
        return 0
    rows = [d for d in scan.geo.rows if d.money and not (
        len(d.money) == 1 and re.search(r"\bbalance\b", d.line.text, re.IGNORECASE))]
    return max(0, len(rows) - len(reading.statement.lines))


def infer_reading(pages, path: Path, options: ImportOptions) -> tuple[Reading, Proof]:
    """The statement as the best inferred layout reads it, with the proof (checks, confidence 0..1, rivals)."""
    reading, proof, _ = _choose(pages, path, options)
    return reading, proof


def infer_pdf_layout(path: str | Path) -> tuple[str, Proof]:
    """(the inferred layout as PDF layout TOML, the proof it was chosen by) for `tieout profile infer FILE.pdf`.
    BankFileError when the PDF cannot be read or its layout cannot be inferred for sure."""
    from .table import text_lines
    from .text import read_pages

    path = Path(path)
    pages = [text_lines(p) for p in read_pages(path)]
    _, proof, toml = _choose(pages, path, ImportOptions())
    slug = re.sub(r"[^0-9a-z]+", "_", path.stem.lower()).strip("_") or "my_bank"
    return toml.replace(f'name = "{NAME}"', f'name = "{slug}"', 1), proof

"""A company's ledger file as the rows `POST /api/ledgers/lines` takes.

Two forms: the canonical ledger lines CSV (DESIGN.md's columns, plus the optional columns `gl_account`,
`account`, `period`, `document_amount`, `document_currency`), or the filled GL import template (.xlsx; its
account becomes the lines' GL account). Both are read by the readers that already check them row by row
(canonical.read_ledger_lines, templates.gl_import), so a bad row is an InputError naming the file, line and
field; the template is read in the sandbox, as every workbook a user picks."""
from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..canonical import read_ledger_lines
from ..errors import InputError, Problem
from ..records import LedgerLine
from .records import PERIOD

EXTRA_COLUMNS = ("gl_account", "account", "period", "document_amount", "document_currency")


def _row(ln: LedgerLine, extra: dict | None = None) -> dict:
    return {"line_id": ln.line_id, "date": ln.date.isoformat(), "amount": str(ln.amount), "currency": ln.currency,
            "reference": ln.reference, "description": ln.description, "source": ln.source,
            "counterparty": ln.counterparty, **(extra or {})}


def _extras(path: Path) -> list[dict]:
    """The optional columns of every row, checked (InputError lists each bad line)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        present = [c for c in EXTRA_COLUMNS if c in (reader.fieldnames or [])]
        out, problems = [], []
        for line, row in enumerate(reader, start=2):
            extra = {c: (row.get(c) or "").strip() for c in present if (row.get(c) or "").strip()}
            if "period" in extra and not PERIOD.fullmatch(extra["period"]):
                problems.append(Problem(f"not a period yyyy-mm: {extra['period']!r}", line=line, field="period"))
            if "document_amount" in extra:
                try:
                    Decimal(extra["document_amount"])
                except InvalidOperation:
                    problems.append(Problem(f"not an amount: {extra['document_amount']!r}", line=line,
                                            field="document_amount"))
                if len(extra.get("document_currency", "")) != 3:
                    problems.append(Problem("a document amount needs its 3-letter currency", line=line,
                                            field="document_currency"))
            out.append(extra)
    if problems:
        raise InputError(path, problems)
    return out


def read_company_file(path: str | Path) -> tuple[list[dict], str]:
    """(rows, GL account named by the file or ""): a canonical ledger CSV or a filled GL template."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .. import sandbox
        from ..errors import TemplateError
        from ..templates.gl_import import read_gl_template

        data = sandbox.run(read_gl_template, path, source=path, error=TemplateError)
        return [_row(ln) for ln in data.lines], data.balance.account
    lines = read_ledger_lines(path)
    return [_row(ln, extra) for ln, extra in zip(lines, _extras(path))], ""

"""Intercompany matching between two canonical ledger files (`tieout intercompany`).

Each file is a canonical ledger CSV (DESIGN.md's columns), optionally with `document_amount` and
`document_currency` columns for matching on the document value. Every row is checked first, with the file
and line named, so the engine only ever sees clean data; the matches file uses DESIGN.md's columns with
`side` = left | right (the two ledgers)."""
from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from ..canonical import read_ledger_lines, write_match_groups
from ..errors import InputError, Problem
from .frames import records_to_frame
from .intercompany import check_keys, match_ledgers
from .result import MatchResult

DOCUMENT_COLUMNS = ("document_amount", "document_currency")
SIDES = ("left", "right")
_CURRENCY = re.compile(r"[A-Z]{3}")


def _document_values(path: Path) -> list[tuple[str, str]]:
    """The document amount and currency of every row, checked; InputError names each bad line."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in DOCUMENT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, Problem(f"matching on the document value needs column(s) {', '.join(missing)}",
                                           line=1, field=missing[0]))
        out, problems = [], []
        for line, row in enumerate(reader, start=2):
            amount, currency = (row["document_amount"] or "").strip(), (row["document_currency"] or "").strip()
            try:
                Decimal(amount)
            except InvalidOperation:
                problems.append(Problem(f"not an amount: {amount!r}", line=line, field="document_amount"))
            if not _CURRENCY.fullmatch(currency):
                problems.append(Problem(f"not a currency code: {currency!r}", line=line, field="document_currency"))
            out.append((amount, currency))
    if problems:
        raise InputError(path, problems)
    return out


def load_ledger(path: str | Path, document: bool) -> pd.DataFrame:
    """One ledger file as the frame match_ledgers takes (document columns added when asked for)."""
    path = Path(path)
    frame = records_to_frame(read_ledger_lines(path), "ledger")
    if document:
        values = _document_values(path)
        frame["document_amount"] = [v[0] for v in values]
        frame["document_currency"] = [v[1] for v in values]
    return frame


def match_files(left: str | Path, right: str | Path, keys: list[str], out: str | Path,
                tolerance: Decimal = Decimal(0), suggestions: str | Path | None = None) -> MatchResult:
    """Match the two files, write the matches (and suggestions) files; returns the result."""
    keys = list(check_keys(keys))  # bad keys: refused before any file is read
    document = "document_amount" in keys
    result = match_ledgers(load_ledger(left, document), load_ledger(right, document), keys, tolerance=tolerance)
    write_match_groups(out, result.matched, sides=SIDES)
    if suggestions is not None:
        write_match_groups(suggestions, result.suggested, sides=SIDES)
    return result

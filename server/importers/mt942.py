"""SWIFT MT942 interim transaction reports -> Statements without balances (unless the bank adds some).

An MT942 has the fields of an MT940 statement (mt940.py reads both: :20:, :25:, :28C:, :61:, :86:) but instead of
opening and closing balances a :34F: floor limit, a :13D: date and time and the :90D:/:90C: number and sum of
the debit and credit entries, which are checked against the entries (a mismatch is a finding, mt940_findings).

Why its entries are counted as transactions, not as pending lines: an MT942 reports what the bank has booked
on the account since the last statement, only before the day is closed; SWIFT gives no per-entry status, and
FinTS banks that deliver not-yet-booked entries as MT942 do not mark them either. The corpus follows the same
rule (corpus-wild's myflow_pending.sta counts its entry as a transaction). So the lines are ordinary bank lines,
the report says it is interim (a warning), and the day's MT940 repeats them: importing it with `--append`
adds only the lines not held yet (the line ids are the MT940 importer's, so the same entry gets the same id).
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from ..records import ImportResult
from .base import ImportOptions
from .mt940 import HEAD_20, Mt940Importer

# :34F: is mandatory in MT942 and absent from MT940; a line starts after a line end or FinTS's "@@".
_HEAD_34F = re.compile(rb"(?:[\r\n]|@@)\s*:34F:")


class Mt942Importer(Mt940Importer):
    name = "mt942"
    priority = 19  # before MT940 (21) and BAI2 (20), and far before the lenient CSV reader
    interim = True

    def identify(self, path: Path, head: bytes) -> bool:
        return bool(HEAD_20.search(head) and _HEAD_34F.search(head))

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        result = super().extract(path, options)
        count = len(result.lines)
        lines = f"its {count} lines are" if count != 1 else "its 1 line is"
        note = (f"an MT942 interim report: {lines} the bank's entries "
                "before the day's statement, with no balances to check them against; the MT940 statement will "
                "list them again (importing it then adds only the lines not held yet)")
        return dataclasses.replace(result, warnings=(note, *result.warnings))


IMPORTER = Mt942Importer()

"""The fingerprint's lines text written by column (statements/fingerprint_lines.py) is the text canonical_json
writes for the same lines, character for character: stored fingerprints of earlier imports must still match."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tieout.server.controls.audit import canonical_json
from tieout.server.importers.line_ids import occurrence_base
from tieout.server.records import BankLine
from tieout.server.statements.fingerprint_lines import lines_json


def _line(line_id="L2", date=dt.date(2026, 3, 1), amount=Decimal("-12.50"), pending=False) -> BankLine:
    return BankLine(line_id, date, amount, "EUR", "", "text", "other", "", None, pending)


def _general(lines) -> str:
    return canonical_json([[occurrence_base(ln.line_id), ln.date, ln.amount, ln.pending] for ln in lines])


@pytest.mark.parametrize("lines", [
    [],
    [_line()],
    [_line(amount=Decimal("1500")), _line("L3", amount=Decimal("-0.00")), _line("L4", amount=Decimal("7.1"))],
    [_line('X~2'), _line('X~12'), _line('a"b\\c\u00e9\u2028\n'), _line("\x01")],
    [_line(pending=True), _line("T~1", amount=Decimal("99999999999999.99"))],
], ids=["none", "one", "scales", "ids", "pending"])
def test_same_text_as_canonical_json(lines):
    assert lines_json(lines) == _general(lines)


@pytest.mark.parametrize("odd", [
    _line(amount=Decimal("1.005")),  # finer than a cent: money_str normalises it
    _line(amount=Decimal("1E+30")),  # past the 28 digits a cent quantize keeps
    _line(date=dt.datetime(2026, 3, 1, 12, 0)),
    _line(pending=1),
])
def test_values_the_column_passes_do_not_cover_go_the_general_way(odd):
    assert lines_json([_line(), odd]) is None

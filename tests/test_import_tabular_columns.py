"""The column readers of the tabular importer (tabular/columns.py) give, cell for cell, what the per-cell
parsers give: the same Decimal (value and exponent), None for an empty cell, and the same error message for a
cell that is no amount or date; in blocks that are all plain text and in blocks mixed with odd cells."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tieout.server.importers.tabular.columns import BLOCK, amount_column, date_column
from tieout.server.importers.tabular.values import amount_parser, date_parser
from tieout.server.parsing import AmountError, DateError

PIECES = ["1", "12", "123", "1234", "0", ",", ".", "-", ",123", ".123", ",12", ".05", " ", "(", ")", "$", "CR",
          "\n", "e5", "_", "\u0663"]
plain_cells = st.builds(lambda neg, whole, frac: f"{'-' if neg else ''}{whole}{frac}", st.booleans(),
                        st.integers(0, 10 ** 16).map(str), st.sampled_from(["", ".5", ".25", ".001"]))
# digits, marks and signs only: cells the joined check must judge exactly as the cell parser ("1,23", "1.2.3")
near_plain = st.lists(st.sampled_from(PIECES[:12]), min_size=1, max_size=5).map("".join)
odd_cells = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
cells = st.one_of(plain_cells, near_plain, odd_cells, st.just(""), st.floats(allow_nan=True), st.none(),
                  st.integers(-10 ** 20, 10 ** 20))


def _per_cell(parse, cells, error):
    out = []
    for cell in cells:
        try:
            out.append(parse(cell))
        except error as exc:
            out.append(f"error: {exc}")
    return out


def _shown(values, error):
    return [f"error: {v}" if isinstance(v, error) else v for v in values]


def _same(a, b) -> bool:
    """Equal values with the same exponent (the text a line is written with), errors by message."""
    return len(a) == len(b) and all(
        x == y and (not isinstance(x, Decimal) or x.as_tuple() == y.as_tuple()) for x, y in zip(a, b))


@settings(max_examples=120, deadline=None)
@given(st.lists(cells, max_size=40), st.sampled_from([".", ","]), st.integers(0, 2))
def test_amount_column_reads_every_cell_as_the_cell_parser_does(column, mark, blocks):
    column = column * (1 + blocks * BLOCK // max(1, len(column)))  # also columns longer than one block
    parse = amount_parser(mark)
    expected = _per_cell(parse, column, AmountError)
    assert _same(_shown(amount_column(parse, mark)(column), AmountError), expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(plain_cells | st.just(""), min_size=1, max_size=30), st.sampled_from([".", ","]))
def test_plain_blocks_take_the_joined_path_and_keep_the_bound(column, mark):
    if mark == ",":
        column = [c.replace(".", ",") for c in column]
    parse = amount_parser(mark)
    got = _shown(amount_column(parse, mark)(column), AmountError)
    assert _same(got, _per_cell(parse, column, AmountError))
    # 10^16 has more than 14 digits before the mark: refused with the bound's message, not read
    assert all(str(g).startswith("error: amount with more than 14 digits") for c, g in zip(column, got)
               if len(c.lstrip("-").split(mark)[0]) > 14)


@settings(max_examples=200, deadline=None)
@given(st.lists(near_plain | plain_cells, min_size=1, max_size=30), st.sampled_from([".", ","]))
def test_blocks_of_digits_and_marks_are_read_as_the_cell_parser_does(column, mark):
    parse = amount_parser(mark)
    assert _same(_shown(amount_column(parse, mark)(column), AmountError), _per_cell(parse, column, AmountError))


def test_a_cell_with_a_line_break_is_never_split_into_two_amounts():
    parse = amount_parser(".")
    column = ["1.00", "2\n3", "4.00"]
    got = _shown(amount_column(parse, ".")(column), AmountError)
    assert got[0] == Decimal("1.00") and got[2] == Decimal("4.00")
    assert got[1] == _per_cell(parse, ["2\n3"], AmountError)[0]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.dates(dt.date(1890, 1, 1), dt.date(2210, 1, 1)).map(lambda d: d.strftime("%d.%m.%Y")),
                          st.sampled_from(["", "31.02.2024", "Saldo", "1.1.2024", True, 1.0, 45000.0, None]),
                          st.datetimes().map(lambda d: d)), max_size=40), st.booleans())
def test_date_column_reads_every_cell_as_the_cell_parser_does(column, typed):
    parse = date_parser("%d.%m.%Y", typed)
    expected = _per_cell(date_parser("%d.%m.%Y", typed), column, DateError)
    assert _shown(date_column(parse)(column), DateError) == expected

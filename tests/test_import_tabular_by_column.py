"""The column-wise shortcuts of the CSV import give what the row-wise readings give: a plain CSV's data cut into
columns (read.SplitRows.columns) holds csv.reader's cells; a debit/credit file's two columns read as one
(columns.one_side_each) give each row the amount its filled side holds, or step aside; and the amount bound
proved for a whole column (amount_bounds._all_within) never passes an amount that `bounded` refuses."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tieout.server.importers.amount_bounds import _all_within, bounded
from tieout.server.importers.tabular.columns import one_side_each
from tieout.server.importers.tabular.data_columns import DataColumns
from tieout.server.importers.tabular.read import unquoted_rows
from tieout.server.importers.tabular.values import amount_parser
from tieout.server.parsing import AmountError

CELL = st.text(alphabet="ab1 -.,;\t|é", max_size=6)


def _reader_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, strict=False))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=12), st.sampled_from([",", ";", "\t"]),
       st.sampled_from(["\n", "\r\n"]), st.integers(0, 3), st.integers(1, 7))
def test_columns_cut_from_the_lines_hold_csv_readers_cells(rows, delimiter, newline, start, width):
    text = newline.join(delimiter.join(cells) for cells in rows) + newline
    split = unquoted_rows(text, delimiter)
    expected = _reader_rows(text, delimiter)
    data = DataColumns(split, start, width)
    reference = DataColumns(expected, start, width)  # a list of rows: padded and taken cell by cell
    assert len(data) == len(reference) == max(0, len(expected) - start)
    for k in range(len(data)):
        assert data.row(k)[:width] == reference.row(k)[:width]
    for i in range(width):
        assert data.column(i) == reference.column(i)


def test_ragged_lines_are_left_to_the_rows():
    split = unquoted_rows("a;b;c\n1;2\n\n4;5;6\n", ";")
    assert split.columns(0, 3) is None
    assert DataColumns(split, 0, 3).column(2) == ["c", "", "", "6"]
    assert split.columns(3, 3) == [["4"], ["5"], ["6"]]


AMOUNT = st.builds(lambda neg, whole, frac: f"{'-' if neg else ''}{whole}{frac}", st.booleans(),
                   st.sampled_from(["0", "7", "12", "1234", "1.234", "12345678901234", "123456789012345"]),
                   st.sampled_from(["", ",5", ",05", ",00", ",1234567890123", ".5"]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(AMOUNT | st.just(""), AMOUNT | st.just("")), min_size=1, max_size=30),
       st.sampled_from([",", "."]))
def test_two_sides_read_as_one_give_each_rows_filled_side(rows, mark):
    debits, credits = [d for d, _ in rows], [c for _, c in rows]
    found = one_side_each(debits, credits, mark)
    parse = amount_parser(mark)

    def cell(text):
        try:
            return parse(text)
        except AmountError:
            return AmountError
    if found is None:
        return  # the two columns are then read apart (rows.py), as before
    values, has_debit = found
    assert not any(d and c for d, c in rows)
    assert has_debit == [bool(d) for d in debits]
    for value, debit, credit in zip(values, debits, credits):
        expected = cell(debit or credit) if (debit or credit) else None
        assert expected is not AmountError
        assert value == expected and (value is None or value.as_tuple() == expected.as_tuple())
        if debit:
            assert value != 0  # a zero debit is judged row by row


def test_a_row_with_both_sides_or_a_zero_debit_is_judged_row_by_row():
    assert one_side_each(["1,00", ""], ["", "2,00"], ",")[1] == [True, False]
    assert one_side_each(["1,00", "3,00"], ["", "2,00"], ",") is None
    assert one_side_each(["0,00", ""], ["", "2,00"], ",") is None
    assert one_side_each(["1,00", " "], ["", "2,00"], ",") is None  # a blank that is not empty
    assert one_side_each(["1,00", None], ["", "2,00"], ",") is None  # a spreadsheet cell


DECIMALS = st.decimals(allow_nan=True, allow_infinity=True) | st.builds(
    lambda digits, exponent, negative: Decimal((negative, tuple(int(d) for d in digits), exponent)),
    st.text(alphabet="0123456789", min_size=1, max_size=32), st.integers(-30, 16), st.integers(0, 1))


def _within(value: Decimal) -> bool:
    try:
        bounded(value)
    except AmountError:
        return False
    return True


@settings(max_examples=150, deadline=None)
@given(st.lists(DECIMALS, min_size=1, max_size=20))
def test_a_column_proved_within_the_bound_holds_no_amount_beyond_it(amounts):
    if _all_within(amounts):
        assert all(map(_within, amounts))


def test_usual_amounts_are_proved_without_a_look_at_each():
    assert _all_within([Decimal("-1234.56"), Decimal("0.00"), Decimal("99999999999999.99"), Decimal("1E+5")])
    assert not _all_within([Decimal("1.00"), Decimal("1E+14")])
    assert not _all_within([Decimal("1.00"), Decimal("NaN")])
    assert not _all_within([Decimal("0." + "1" * 30)])
    assert not _all_within([1, 2])  # not Decimals: each line is judged on its own

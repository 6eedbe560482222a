"""The unquoted fast path of CSV reading (read.unquoted_rows) gives exactly the rows csv.reader gives, so a
bank file reads the same whichever path takes it; texts it must not read are left to csv.reader."""
from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from tieout.server.importers.tabular.read import csv_grid, unquoted_rows

# delimiters, every line break csv.reader and str.splitlines disagree on, spaces, letters and a stray apostrophe
PIECES = st.sampled_from(["a", "b", "1", " ", ",", ";", "\t", "|", "\n", "\r", "\r\n", "é", "\x0b", "\x0c",
                          "\x1c", "\x85", "\u2028", "'", "-"])


def _reader_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, strict=False))


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join), st.sampled_from([",", ";", "\t", "|"]))
def test_rows_are_csv_readers_rows(text, delimiter):
    assert unquoted_rows(text, delimiter) == _reader_rows(text, delimiter)


def test_a_quoted_text_is_left_to_csv_reader():
    text = 'Date,Description,Amount\n2024-01-02,"Rent, March",-100.00\n'
    assert unquoted_rows(text, ",") is None
    assert csv_grid("f.csv", text, ",").rows[1] == ["2024-01-02", "Rent, March", "-100.00"]


def test_a_line_past_the_field_limit_is_left_to_csv_reader():
    text = "a,b\n" + "x" * (csv.field_size_limit() + 1) + "\n"
    assert unquoted_rows(text, ",") is None


def test_grid_lines_count_from_one_with_empty_rows_kept():
    grid = csv_grid("f.csv", "Date;Amount\r\n\r\n2024-01-02;-1,00\r\n", ";")
    assert grid.rows == [["Date", "Amount"], [], ["2024-01-02", "-1,00"]]
    assert list(grid.lines) == [1, 2, 3]

"""The live-Excel adapter reads only the sheet it writes, and that sheet's table once: a re-render at 100,000
lines must not fetch other sheets or the same values twice through COM. The stand-in xlwings objects are those
of test_addin_excel_writes, with a second sheet and every read of values logged."""
from __future__ import annotations

from test_addin_excel_writes import COLS, Adapter, Rng, Sheet, rows


class Sheets:
    def __init__(self, *sheets):
        self.by_name = {s.name: s for s in sheets}
        self.active = sheets[0]

    def __getitem__(self, key):
        return self.by_name[key] if isinstance(key, str) else list(self.by_name.values())[key]

    def __iter__(self):
        return iter(self.by_name.values())


def _logged(monkeypatch) -> list:
    reads = []
    read = Rng._read

    def logged(self, ndim):
        reads.append((self.sheet.name, self.a, self.b))
        return read(self, ndim)

    monkeypatch.setattr(Rng, "_read", logged)
    return reads


def _two_sheets() -> Adapter:
    book = Adapter()
    gl = Sheet("GL Lines")
    book.book.sheets = Sheets(book.ws, gl)
    book.sheet_names = lambda: ["Bank Statement", "GL Lines"]
    book.write_table("GL Lines", "tblGL", COLS, rows(["Unmatched"] * 5))
    return book


def test_a_re_render_reads_the_written_table_once_and_no_other_sheet(monkeypatch):
    book = _two_sheets()
    reads = _logged(monkeypatch)
    book.write_table("Bank Statement", "tblBank", COLS, rows(["Proposed"] * 6))
    assert reads == []  # a new table: nothing to compare with, nothing read
    book.write_table("Bank Statement", "tblBank", COLS, rows(["Matched"] * 6))
    assert reads == [("Bank Statement", (1, 1), (1, 4)), ("Bank Statement", (2, 1), (7, 4))]  # header, body
    assert book.ws.grid.writes[-1] == (2, 4, 7, 4)  # the one changed column, one block


def test_a_table_of_another_size_is_written_without_reading_its_values(monkeypatch):
    book = _two_sheets()
    book.write_table("Bank Statement", "tblBank", COLS, rows(["Proposed"] * 6))
    reads = _logged(monkeypatch)
    book.write_table("Bank Statement", "tblBank", COLS, rows(["Proposed"] * 9))
    assert reads == []
    book.read_table("GL Lines")
    assert {name for name, *_ in reads} == {"GL Lines"}

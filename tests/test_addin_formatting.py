"""The same workbook on Windows and Mac: the formatting the handlers ask the adapter for (number formats, frozen
header rows, status colours, drop-downs) is recorded from a real handler run (Refresh, through the saved-workbook
adapter), then given to the live-Excel adapter as on Windows and as on a Mac; both apply every piece of it.

Excel is not on Linux: a stand-in for the xlwings objects the adapter touches records what reaches them (COM
names on Windows, AppleScript names on a Mac for the window's frozen panes)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from test_addin_kit import live, month, prepared  # noqa: F401 (fixtures)
from tieout.addin import excel_workbook
from tieout.addin.client import Client
from tieout.addin.dispatch import run_handler
from tieout.addin.excel_workbook import ExcelWorkbook
from tieout.addin.xlsx_workbook import XlsxWorkbook


class Recording(XlsxWorkbook):
    """The saved workbook, noting every formatting request a handler makes."""

    def __init__(self, path):
        super().__init__(path, echo=lambda text: None)
        self.asked: list[tuple] = []

    def write_table(self, sheet, table_name, columns, rows, first_row=1):
        rows = list(rows)
        self.asked.append(("write_table", sheet, table_name, tuple(columns), tuple(map(tuple, rows)), first_row))
        return super().write_table(sheet, table_name, columns, rows, first_row)

    def colour_rules(self, sheet, rules):
        self.asked.append(("colour_rules", sheet, tuple(rules)))
        super().colour_rules(sheet, rules)

    def set_choices(self, sheet, choices):
        self.asked.append(("set_choices", sheet, tuple(choices)))
        super().set_choices(sheet, choices)


# ------------------------------------------------------------------ a stand-in for the xlwings objects
class Log(list):
    pass


class Formats:
    def __init__(self, log, ref):
        self.log, self.ref = log, ref

    def clear(self):
        self.log.append(("clear colours", self.ref))

    def add_cell_value(self, operator, formula1, formula2=None, *, fill_color=None, **_):
        self.log.append(("colour", self.ref, operator, formula1, fill_color))

    def add_custom(self, formula, *, fill_color=None, **_):
        self.log.append(("colour", self.ref, "formula", formula, fill_color))


class Validation:
    def __init__(self, log, ref):
        self.log, self.ref = log, ref

    def delete(self):
        self.log.append(("clear choices", self.ref))

    def set_list(self, source, in_cell_dropdown=True):
        self.log.append(("choices", self.ref, source if isinstance(source, str) else tuple(source)))


class Prompt:
    def __init__(self, log, ref):
        self.log, self.ref = log, ref

    def set(self, text):  # AppleScript: validation.input_message.set(...)
        self.log.append(("prompt", self.ref, text))

    def __setattr__(self, name, value):  # COM: Validation.InputMessage = ...
        if name == "InputMessage":
            self.log.append(("prompt", self.ref, value))
        else:
            object.__setattr__(self, name, value)


class Rng:
    def __init__(self, log, ref):
        self.log, self.ref = log, ref
        self.conditional_formats, self.data_validation = Formats(log, ref), Validation(log, ref)
        prompt = Prompt(log, ref)
        self.api = SimpleNamespace(Validation=prompt, validation=SimpleNamespace(input_message=prompt))

    def __getitem__(self, i):
        return self

    def select(self):
        pass


class Window:
    """Both platforms' names for the frozen panes: COM attributes, AppleScript properties with .set()."""

    def __init__(self, log):
        object.__setattr__(self, "log", log)
        for name in ("freeze_panes", "split_column", "split_row"):
            object.__setattr__(self, name, SimpleNamespace(set=lambda v, n=name: self._set(n, v)))

    def _set(self, name, value):
        self.log.append(("window", name, value))

    def __setattr__(self, name, value):
        names = {"FreezePanes": "freeze_panes", "SplitColumn": "split_column", "SplitRow": "split_row"}
        self._set(names[name], value)


class Sheet:
    def __init__(self, log, name):
        self.log, self.name = log, name
        self.cells = Rng(log, "*")

    def range(self, ref):
        return Rng(self.log, ref)

    def activate(self):
        pass


class Sheets(dict):
    """book.sheets: a sheet by name (made on first use) and the active one."""

    def __init__(self, log):
        super().__init__()
        self.log = log
        self.active = Sheet(log, "Summary")

    def __missing__(self, name):
        return self.setdefault(name, Sheet(self.log, name))


def excel(platform: str, monkeypatch) -> tuple[ExcelWorkbook, Log]:
    monkeypatch.setattr(excel_workbook, "_MAC", platform == "mac")
    log = Log()
    window = Window(log)
    adapter = ExcelWorkbook.__new__(ExcelWorkbook)  # the live adapter, on the stand-in instead of xw.Book.caller()
    adapter.book = SimpleNamespace(
        sheets=Sheets(log), names={}, api=SimpleNamespace(windows={1: window}),
        app=SimpleNamespace(api=SimpleNamespace(ActiveWindow=window)))
    return adapter, log


def replay(adapter: ExcelWorkbook, asked: list[tuple]) -> None:
    for call in asked:
        if call[0] == "colour_rules":
            adapter.colour_rules(call[1], call[2])
        elif call[0] == "set_choices":
            adapter.book.names.update({c.named: f"<name {c.named}>" for c in call[2] if c.named})
            adapter.set_choices(call[1], call[2])
        elif call[0] == "write_table":
            adapter._freeze(adapter.book.sheets[call[1]], call[5])


def test_handlers_formatting_reaches_excel_alike_on_windows_and_mac(live, month, tmp_path, monkeypatch):
    path = tmp_path / "Rec.xlsx"
    prepared(live, month, path)
    book = Recording(path)
    outcome = run_handler("refresh", book, {}, Client(live.base, token=live.tokens["alice"], autostart=False))
    assert outcome.ok, outcome.error
    asked = book.asked
    assert {c[0] for c in asked} == {"write_table", "colour_rules", "set_choices"}

    applied = {}
    for platform in ("windows", "mac"):
        adapter, log = excel(platform, monkeypatch)
        replay(adapter, asked)
        applied[platform] = list(log)
    assert applied["windows"] == applied["mac"]
    log = applied["windows"]
    # every colour rule and drop-down asked for is applied, and every table's header row is frozen
    wanted_colours = [(r.ref, r.value) for c in asked if c[0] == "colour_rules" for r in c[2]]
    assert [(e[1], e[3].removeprefix("=")) for e in log if e[0] == "colour"] == wanted_colours
    assert any(e[3] == '="Approved"' and e[4] == "#A9D08E" for e in log if e[0] == "colour")
    wanted_choices = [c.ref for call in asked if call[0] == "set_choices" for c in call[2]]
    assert [e[1] for e in log if e[0] == "choices"] == wanted_choices
    assert any(e[0] == "choices" and e[2] == ("open", "investigating", "resolved") for e in log)  # Unmatched status
    frozen = [e for e in log if e[:2] == ("window", "split_row")]
    assert len(frozen) == sum(1 for c in asked if c[0] == "write_table") and all(e[2] >= 1 for e in frozen)

    # number formats: the columns' kinds are what both adapters format (money, date, percent)
    kinds = {col.kind for c in asked if c[0] == "write_table" for col in c[3]}
    assert {"money", "date"} <= kinds


@pytest.mark.parametrize("platform", ["windows", "mac"])
def test_no_formatting_is_skipped_on_either_platform(platform, monkeypatch):
    from tieout.addin.workbook import Choice, ColourRule

    adapter, log = excel(platform, monkeypatch)
    adapter.colour_rules("Summary", [ColourRule("B5", "equal", '"Approved"', "A9D08E"),
                                     ColourRule("A2:A9", "formula", "$B2<>0", "FFC7CE")])
    adapter.set_choices("Unmatched", [Choice("G2:G9", ("open", "resolved"), prompt="the item's status")])
    adapter._freeze(adapter.book.sheets["Unmatched"], 1)
    assert log == [("clear colours", "*"), ("colour", "B5", "equal_to", '="Approved"', "#A9D08E"),
                   ("colour", "A2:A9", "formula", "=$B2<>0", "#FFC7CE"),
                   ("clear choices", "*"), ("choices", "G2:G9", ("open", "resolved")),
                   ("prompt", "G2:G9", "the item's status"),
                   ("window", "freeze_panes", False), ("window", "split_column", 0), ("window", "split_row", 1),
                   ("window", "freeze_panes", True)]

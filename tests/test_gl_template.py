"""The GL import template: generated as specified, reproducible, and read back exactly (or refused, with reasons)."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from tieout.excel_templates import gl_template as tpl
from tieout.server.templates import gl_import, template_read_openpyxl
from tieout.server.errors import InputError, TemplateError
from tieout.server.templates.gl_import import GLTemplateData, fill_gl_template, read_gl_template
from tieout.server.records import GLBalance, LedgerLine

BALANCE = GLBalance(account="1010", period_end=dt.date(2024, 3, 31), balance=Decimal("15234.56"), currency="USD")
HEADERS = ["Date", "Reference", "Description", "Amount", "Debit", "Credit", "Source", "Counterparty"]
COL = {h: chr(ord("A") + i) for i, h in enumerate(HEADERS)}


def _lines() -> list[LedgerLine]:
    rows = [
        ("2024-03-01", "1500.00", "DEP-1", "Customer receipt", "AR", "Northwind Ltd"),
        ("2024-03-04", "-250.75", "1001", "Check to supplier", "AP", "Contoso Supplies"),
        ("2024-03-15", "-4210.33", "PR-03", "Payroll March", "Payroll", "Staff"),
        ("2024-03-28", "0.01", "JE-77", "Rounding adjustment", "JE", ""),
        ("2024-03-31", "-1234567.89", "", "", "", ""),
    ]
    return [LedgerLine(f"in-{i}", dt.date.fromisoformat(d), Decimal(a), "USD", ref, desc, src, cp)
            for i, (d, a, ref, desc, src, cp) in enumerate(rows)]


@pytest.fixture(scope="module")
def template():
    return load_workbook(tpl.TEMPLATE_PATH)


def _blank(tmp_path, name="gl.xlsx"):
    """A template with the balance block filled and no lines."""
    return fill_gl_template(None, tmp_path / name, BALANCE, [])


def _edit(path, cells: dict[str, object], sheet: str = tpl.LINES_SHEET, epoch=None):
    """Type values into a filled template as a user would (openpyxl stores "=..." as a formula, like Excel)."""
    wb = load_workbook(path)
    if epoch is not None:
        wb.epoch = epoch
    for coord, value in cells.items():
        wb[sheet][coord] = value
    wb.save(path)
    return path


def _problems(path) -> list[tuple[int | None, str | None]]:
    with pytest.raises(TemplateError) as info:
        read_gl_template(path)
    return [(p.line, p.field) for p in info.value.problems]


# ---- the template as generated ----

def test_template_has_the_three_sheets_and_an_excel_table(template):
    assert template.sheetnames == ["Instructions", "GL Balance", "GL Lines"]
    ws = template["GL Lines"]
    table = ws.tables["GLLines"]
    assert table.ref == f"A1:H{tpl.INPUT_ROWS + 1}" and tpl.INPUT_ROWS >= 500
    assert [c.name for c in table.tableColumns] == HEADERS
    assert [ws.cell(1, i).value for i in range(1, 9)] == HEADERS
    assert ws.freeze_panes == "A2"
    labels = [template["GL Balance"].cell(r, 1).value for r in range(2, 7)]
    assert labels == ["GL account", "Account name", "Currency", "Period end date", "GL balance at period end"]
    assert template.security.lockStructure


def test_template_protection_locks_labels_and_unlocks_inputs(template):
    for ws in template.worksheets:
        assert ws.protection.sheet, ws.title
        assert ws.protection.password is None  # a guard-rail, not a secret (DESIGN.md)
    lines = template["GL Lines"]
    assert all(lines.cell(1, c).protection.locked for c in range(1, 9))
    for letter in "ABCDEFGH":
        assert lines.column_dimensions[letter].protection.locked is False, letter
    assert lines.column_dimensions["I"].protection.locked  # outside the table stays locked
    assert not lines.protection.autoFilter and not lines.protection.sort  # users may filter and sort
    bal = template["GL Balance"]
    assert all(bal.cell(r, 2).protection.locked is False for r in range(2, 7))
    assert all(bal.cell(r, c).protection.locked for r in range(1, 7) for c in (1, 3))
    ins = template["Instructions"]
    assert all(c.protection.locked for row in ins.iter_rows() for c in row)


def test_template_validations_formats_and_widths(template):
    lines = template["GL Lines"]
    by_col = {str(dv.sqref).split(":")[0][0]: dv for dv in lines.data_validations.dataValidation}
    assert set(by_col) == set("ABCDEFGH")
    assert by_col["A"].type == "date" and by_col["A"].formula1 == "DATE(1970,1,1)"
    assert by_col["D"].type == "decimal" and by_col["D"].formula1.startswith("-")
    assert by_col["E"].type == by_col["F"].type == "decimal" and by_col["E"].formula1 == "0"
    assert by_col["G"].type == "list" and "Payroll" in by_col["G"].formula1
    for letter, dv in by_col.items():
        assert dv.showInputMessage and dv.prompt and dv.allow_blank, letter
        assert str(dv.sqref) == f"{letter}2:{letter}1048576"
    for letter in "ADEF":
        assert by_col[letter].showErrorMessage and by_col[letter].error
    formats = {k: lines.column_dimensions[k].number_format for k in "ABCDEFGH"}
    assert formats["A"] == "yyyy-mm-dd"
    assert formats["D"] == formats["E"] == formats["F"] == tpl.AMOUNT_FORMAT
    assert formats["B"] == formats["C"] == "@"
    assert lines.column_dimensions["C"].width > lines.column_dimensions["A"].width >= 10
    bal = template["GL Balance"]
    kinds = {str(dv.sqref): dv.type for dv in bal.data_validations.dataValidation}
    assert kinds["B4"] == "textLength" and kinds["B5"] == "date" and kinds["B6"] == "decimal"
    assert bal["B5"].number_format == "yyyy-mm-dd" and bal["B6"].number_format == tpl.AMOUNT_FORMAT


def test_instructions_tell_where_what_and_what_happens(template):
    text = "\n".join(str(c.value) for row in template["Instructions"].iter_rows() for c in row if c.value)
    for phrase in ("+ for money into the bank account", "- for money out", "Debit = money in",
                   "Credit = money out", "2024-03-15", "nothing is imported", "after the period end",
                   "row number", "GL balance at period end", "Currency"):
        assert phrase in text, phrase


def test_regenerating_gives_the_checked_in_bytes(tmp_path):
    out = tpl.generate(tmp_path / "again.xlsx")
    assert out.read_bytes() == tpl.TEMPLATE_PATH.read_bytes(), (
        "the checked-in template is stale: run python -m tieout.excel_templates.gl_template")


def test_command_line_regeneration_is_byte_identical_in_a_fresh_process(tmp_path):
    out = tmp_path / "cli.xlsx"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-m", "tieout.excel_templates.gl_template", str(out)],
                          env=env, capture_output=True, text=True, check=True)
    assert str(out) in done.stdout
    assert out.read_bytes() == tpl.TEMPLATE_PATH.read_bytes()
    with zipfile.ZipFile(out) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "2024-01-01T00:00:00Z" in z.read("docProps/core.xml").decode()


# ---- fill and import back ----

def test_filled_template_imports_back_exactly(tmp_path):
    path = fill_gl_template(tpl.TEMPLATE_PATH, tmp_path / "f.xlsx", BALANCE, _lines(), account_name="Operating")
    data = read_gl_template(path)
    assert isinstance(data, GLTemplateData)
    assert data.balance == BALANCE and data.account_name == "Operating"
    assert len(data.lines) == 5
    assert [ln.line_id for ln in data.lines] == ["GL-2", "GL-3", "GL-4", "GL-5", "GL-6"]
    assert [ln.amount for ln in data.lines] == [Decimal(x) for x in
                                                ("1500.00", "-250.75", "-4210.33", "0.01", "-1234567.89")]
    assert all(ln.amount.as_tuple().exponent == -2 for ln in data.lines)  # at cents: 1500.00, not 1500
    assert sum(ln.amount for ln in data.lines) == Decimal("-1237528.96")
    assert [ln.date.day for ln in data.lines] == [1, 4, 15, 28, 31]
    assert {ln.currency for ln in data.lines} == {"USD"}
    first = data.lines[1]
    assert (first.reference, first.description, first.source, first.counterparty) == \
        ("1001", "Check to supplier", "AP", "Contoso Supplies")
    assert data.warnings == ()


def test_debit_credit_variant_gives_the_same_signed_amounts(tmp_path):
    path = fill_gl_template(None, tmp_path / "dc.xlsx", BALANCE, _lines(), debit_credit=True)
    ws = load_workbook(path)["GL Lines"]
    assert ws["D2"].value is None and ws["E2"].value == 1500 and ws["F2"].value is None
    assert ws["F3"].value == 250.75 and ws["D3"].value is None  # money out, as a positive Credit
    data = read_gl_template(path)
    assert [ln.amount for ln in data.lines] == [ln.amount for ln in _lines()]
    assert sum(ln.amount > 0 for ln in data.lines) == 2


def test_more_lines_than_the_table_holds_extend_the_table(tmp_path):
    many = [LedgerLine(str(i), dt.date(2024, 3, 1 + i % 28), Decimal(i) / 100, "USD")
            for i in range(1, tpl.INPUT_ROWS + 51)]
    path = fill_gl_template(None, tmp_path / "many.xlsx", BALANCE, many)
    assert load_workbook(path)["GL Lines"].tables["GLLines"].ref == f"A1:H{tpl.INPUT_ROWS + 51}"
    data = read_gl_template(path)
    assert len(data.lines) == tpl.INPUT_ROWS + 50
    assert sum(ln.amount for ln in data.lines) == sum(ln.amount for ln in many)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn", "Zl", "Zp")), max_size=30)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=BALANCE.period_end),
    st.integers(min_value=-(10 ** 14), max_value=10 ** 14).filter(bool),
    _text, st.sampled_from(["=1+1", "+44 20", "-x", "@SUM(A1)", "plain"]), _text, st.booleans(),
), min_size=1, max_size=15))
def test_any_lines_round_trip(tmp_path, rows):
    lines = [LedgerLine(f"x{i}", d, Decimal(cents).scaleb(-2), "USD", ref.strip(), desc, src.strip(), "cp")
             for i, (d, cents, ref, desc, src, _) in enumerate(rows)]
    debit_credit = rows[0][5]
    path = fill_gl_template(None, tmp_path / "h.xlsx", BALANCE, lines, debit_credit=debit_credit)
    data = read_gl_template(path)
    assert [(ln.date, ln.amount, ln.reference, ln.description, ln.source) for ln in data.lines] == \
        [(ln.date, ln.amount, ln.reference, ln.description.strip(), ln.source) for ln in lines]


def test_formula_like_text_is_stored_as_text_and_read_back_as_text(tmp_path):
    texts = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(A1:A9)", "-2+3", "@cmd", "=1+1"]
    lines = [LedgerLine(str(i), dt.date(2024, 3, 5), Decimal("10.00"), "USD", reference=t, description=t,
                        source=t, counterparty=t) for i, t in enumerate(texts)]
    path = fill_gl_template(None, tmp_path / "inj.xlsx", BALANCE, lines)
    ws = load_workbook(path)["GL Lines"]  # formulas kept as formulas when reading: none may be there
    for row, t in enumerate(texts, start=2):
        for col in "BCGH":
            assert ws[f"{col}{row}"].data_type == "s" and ws[f"{col}{row}"].value == t
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet3.xml").decode()
    data = read_gl_template(path)
    assert [ln.description for ln in data.lines] == texts
    assert [ln.counterparty for ln in data.lines] == texts


def test_a_filled_copy_keeps_protection_validations_and_formats(tmp_path):
    wb = load_workbook(fill_gl_template(None, tmp_path / "p.xlsx", BALANCE, _lines()))
    ws = wb["GL Lines"]
    assert all(w.protection.sheet for w in wb.worksheets) and wb.security.lockStructure
    assert len(ws.data_validations.dataValidation) == 8 and "GLLines" in ws.tables
    assert ws["A1"].protection.locked and not ws["A2"].protection.locked and not ws["D6"].protection.locked
    assert ws["A2"].number_format == "yyyy-mm-dd" and ws["D2"].number_format == tpl.AMOUNT_FORMAT
    assert ws["B3"].value == "1001" and ws["B3"].data_type == "s"  # a check number stays text
    assert wb["GL Balance"]["B6"].value == 15234.56 and not wb["GL Balance"]["B6"].protection.locked


# ---- what users type or paste ----

def test_cells_typed_as_numbers_dates_or_text_are_all_read(tmp_path):
    path = _edit(_blank(tmp_path), {
        "A2": dt.datetime(2024, 3, 2, 0, 0), "D2": "1,234.50",
        "A3": "2024-03-03", "D3": "(1,234.50)",
        "A4": "03/15/2024", "D4": "$1,234.50",                  # month first: 15 is no month
        "A5": "03/04/2024", "D5": "150.00 CR",                  # settled by row 4: March 4
        "A6": 45371, "D6": 0.1 + 0.2,                           # an Excel date number; a float sum
        "A7": 20240321, "E7": 0, "F7": 50,                      # yyyymmdd number; zero Debit is padding
        "A9": "22.03.2024", "D9": -7, "B9": 1234.0,             # row 8 left empty on purpose
        "A12": "25 Mar 2024", "D12": "USD 12.00", "B12": "00123",
    })
    data = read_gl_template(path)
    got = [(ln.line_id, ln.date.isoformat(), str(ln.amount), ln.reference) for ln in data.lines]
    assert got == [
        ("GL-2", "2024-03-02", "1234.50", ""), ("GL-3", "2024-03-03", "-1234.50", ""),
        ("GL-4", "2024-03-15", "1234.50", ""), ("GL-5", "2024-03-04", "-150.00", ""),
        ("GL-6", "2024-03-20", "0.30", ""), ("GL-7", "2024-03-21", "-50.00", ""),
        ("GL-9", "2024-03-22", "-7.00", "1234"), ("GL-12", "2024-03-25", "12.00", "00123"),
    ]
    assert any("month first" in w for w in data.warnings)


def test_balance_period_end_after_april_line_is_fine_but_line_after_period_end_is_refused(tmp_path):
    path = _edit(_blank(tmp_path), {"A2": "2024-03-31", "D2": 5, "A3": "2024-04-01", "D3": 6})
    assert _problems(path) == [(3, "Date")]
    with pytest.raises(TemplateError, match="after the period end 2024-03-31"):
        read_gl_template(path)


def test_1904_date_system_workbooks_read_the_right_dates(tmp_path):
    path = _edit(_blank(tmp_path), {"A2": dt.date(2024, 3, 5), "D2": 1, "A3": 43918, "D3": 2},
                 epoch=CALENDAR_MAC_1904)
    data = read_gl_template(path)
    assert data.lines[0].date == dt.date(2024, 3, 5)
    assert data.lines[1].date == dt.date(2024, 3, 29)  # 43918 days after 1904-01-01 (1900 system: 2020)


def test_calculated_formulas_use_the_value_excel_stored(tmp_path):
    path = _edit(_blank(tmp_path), {"A2": "2024-03-10", "D2": 1, "A3": "2024-03-11", "D3": 1})
    part = "xl/worksheets/sheet3.xml"
    with zipfile.ZipFile(path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    xml = entries[part].decode()
    # As Excel saves a formula: the formula and its last calculated value, at full binary precision.
    for coord, formula, cached in (("D2", "50.25*2", "100.5"), ("D3", "0.1+0.2", "0.30000000000000004")):
        start = xml.index(f'<c r="{coord}"')
        end = xml.index("</c>", start)
        cell = re.sub(r"<v>.*?</v>", f"<f>{formula}</f><v>{cached}</v>", xml[start:end])
        assert "<f>" in cell
        xml = xml[:start] + cell + xml[end:]
    entries[part] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    assert [ln.amount for ln in read_gl_template(path).lines] == [Decimal("100.50"), Decimal("0.30")]


# ---- bad input: every problem at once, nothing imported ----

def test_all_bad_rows_are_reported_at_once_with_row_and_column(tmp_path):
    path = _edit(_blank(tmp_path), {
        "A2": "2024-03-01", "D2": 10,                          # good
        "A3": "31/31/2024", "D3": 10,                          # bad date
        "A4": "2024-03-02", "D4": "12,3a",                     # amount not a number
        "A5": "2024-03-03", "E5": 5, "F5": 6,                  # both debit and credit
        "A6": "2024-03-04", "C6": "no amount here",            # neither
        "A7": "2024-03-05", "D7": 3, "E7": 3,                  # amount and debit
        "A8": "2024-05-01", "D8": 1,                           # after the period end
        "A9": "2024-03-06", "E9": -4,                          # negative debit
        "A10": "2024-03-07", "D10": "=1+1",                    # formula never calculated
        "A11": "04/03/2024", "D11": 1,                         # reads two ways, nothing settles it
        "C12": "date missing", "D12": 9,                       # missing date
        "A13": "2024-03-08", "D13": "12.345",                  # more than cents
        "A14": "2024-03-09", "D14": "EUR 12.00",               # another currency
        "A15": "2024-03-10", "D15": 0,                         # zero
        "A16": "2024-03-11", "D16": True,                      # a boolean
        "A17": "2024-03-12", "D17": "#N/A",                    # an error value (openpyxl stores it as one)
    })
    problems = _problems(path)
    assert problems == [(3, "Date"), (4, "Amount"), (5, "Debit/Credit"), (6, "Amount"), (7, "Amount"),
                        (8, "Date"), (9, "Debit"), (10, "Amount"), (11, "Date"), (12, "Date"), (13, "Amount"),
                        (14, "Amount"), (15, "Amount"), (16, "Amount"), (17, "Amount")]
    with pytest.raises(TemplateError) as info:
        read_gl_template(path)
    message = str(info.value)
    assert message.startswith(f"{path}: 15 problems")
    assert "line 3, field 'Date': not a date: '31/31/2024'" in message and "'GL Lines'!A3" in message
    assert "line 4, field 'Amount': not a number: '12,3a'" in message
    assert "line 5, field 'Debit/Credit': Debit and Credit are both filled" in message
    assert "line 6, field 'Amount': no amount" in message
    assert "line 9, field 'Debit': negative" in message
    assert "line 10, field 'Amount': formula without a calculated value" in message
    assert "line 11, field 'Date': '04/03/2024' reads as 2024-04-03 (month first) or 2024-03-04" in message
    assert "line 12, field 'Date': missing" in message
    assert "line 13, field 'Amount': 12.345 has more than 2 decimal places" in message
    assert "line 14, field 'Amount': 'EUR 12.00' is in EUR" in message
    assert "line 16, field 'Amount': TRUE is not an amount" in message
    assert "line 17, field 'Amount': the cell shows the error #N/A" in message
    assert isinstance(info.value, InputError)  # the CLI's exit code 2


def test_text_dates_in_both_orders_leave_a_two_way_date_unsettled(tmp_path):
    path = _edit(_blank(tmp_path), {"A2": "03/15/2024", "D2": 1, "A3": "15/03/2024", "D3": 2,
                                    "A4": "03/04/2024", "D4": 3})
    with pytest.raises(TemplateError) as info:
        read_gl_template(path)
    assert [(p.line, p.field) for p in info.value.problems] == [(4, "Date")]
    assert "text dates use both orders" in str(info.value)


def test_balance_block_problems_are_reported_with_the_row_problems(tmp_path):
    path = _edit(_blank(tmp_path), {"B2": None, "B4": "dollars", "B5": None, "B6": "n/a"}, sheet=tpl.BALANCE_SHEET)
    _edit(path, {"A2": "2024-03-01", "D2": "x"})
    assert _problems(path) == [(2, "GL account"), (2, "Amount"), (4, "Currency"), (5, "Period end date"),
                               (6, "GL balance at period end")]


def test_the_empty_template_is_refused_naming_each_required_field():
    with pytest.raises(TemplateError) as info:
        read_gl_template(tpl.TEMPLATE_PATH)
    assert [(p.line, p.field, p.problem.split(" (")[0]) for p in info.value.problems] == [
        (2, "GL account", "missing"), (4, "Currency", "missing"), (5, "Period end date", "missing"),
        (6, "GL balance at period end", "missing")]


def test_currency_minor_units_decide_the_decimals(tmp_path):
    yen = GLBalance("1010", dt.date(2024, 3, 31), Decimal("5000"), "JPY")
    path = fill_gl_template(None, tmp_path / "jpy.xlsx", yen, [])
    _edit(path, {"A2": "2024-03-01", "D2": "1,234", "A3": "2024-03-02", "D3": "12.5"})
    assert _problems(path) == [(3, "Amount")]
    _edit(path, {"D3": "-12"})
    data = read_gl_template(path)
    assert [str(ln.amount) for ln in data.lines] == ["1234", "-12"] and data.balance.balance == 5000


def test_currency_must_be_an_iso_code_and_sets_the_decimals(tmp_path):
    dinar = GLBalance("1010", dt.date(2024, 3, 31), Decimal("-0.125"), "KWD")
    path = fill_gl_template(None, tmp_path / "kwd.xlsx", dinar, [])
    _edit(path, {"A2": "2024-03-01", "D2": "1.005"})
    data = read_gl_template(path)
    assert (data.balance.balance, data.lines[0].amount) == (Decimal("-0.125"), Decimal("1.005"))
    _edit(path, {"B4": "usx"}, sheet=tpl.BALANCE_SHEET)
    with pytest.raises(TemplateError, match="USX is not an ISO 4217 currency code"):
        read_gl_template(path)


@pytest.mark.parametrize("content", [b"", b"not a workbook at all", b"PK\x03\x04broken zip"])
def test_a_file_that_is_no_workbook_is_a_template_error(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(TemplateError, match="cannot be read as an Excel workbook"):
        read_gl_template(path)


def test_a_workbook_without_the_sheets_names_the_missing_sheet(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(TemplateError, match="sheet 'GL Balance' not found"):
        read_gl_template(tmp_path / "other.xlsx")
    with pytest.raises(TemplateError, match="file not found"):
        read_gl_template(tmp_path / "missing.xlsx")


def test_lines_in_another_currency_cannot_be_filled(tmp_path):
    line = LedgerLine("1", dt.date(2024, 3, 1), Decimal(1), "EUR")
    with pytest.raises(ValueError, match="currency USD"):
        fill_gl_template(None, tmp_path / "x.xlsx", BALANCE, [line])


def test_an_unprotected_copy_with_moved_columns_and_notes_is_read_by_headings(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    bal = wb.active
    bal.title = "GL Balance"
    for row, (label, value) in enumerate([("Tieout", None), ("GL account", 1010), (None, None),
                                          ("currency", "eur"), ("Period end date", dt.date(2024, 2, 29)),
                                          ("GL balance at period end", "(1.234,50)")], start=1):
        bal.cell(row, 1, label), bal.cell(row, 2, value)
    ws = wb.create_sheet("GL Lines")
    ws["A1"] = "February GL, exported from our old system"
    for col, head in enumerate(["Description", "date", "Credit", "Debit", "Counterparty"], start=1):
        ws.cell(3, col, head)
    ws.append(["Rent", "2024-02-01", "1.200,00", None, "Landlord"])
    ws.append([None, None, None, None, None, None, None, None, None, "a note beside the table"])
    ws.append(["Sale", "2024-02-29", None, 99.9, "Customer"])
    wb.save(tmp_path / "moved.xlsx")
    data = read_gl_template(tmp_path / "moved.xlsx")
    assert data.balance == GLBalance("1010", dt.date(2024, 2, 29), Decimal("-1234.50"), "EUR")
    assert [(ln.line_id, ln.date.day, ln.amount, ln.description, ln.counterparty) for ln in data.lines] == [
        ("GL-4", 1, Decimal("-1200.00"), "Rent", "Landlord"), ("GL-6", 29, Decimal("99.90"), "Sale", "Customer")]


def test_words_are_not_currencies_and_infinite_dates_are_refused(tmp_path):
    path = _edit(_blank(tmp_path), {
        "A2": "2024-03-01", "D2": "abc",       # a word, not a currency code
        "A3": 45000, "D3": 1,                  # becomes 1E999 below: a crafted, infinite date number
        "A4": "2024-03-02", "D4": "12 USD",    # the template's own currency is fine
    })
    _replace_in_zip(path, "xl/worksheets/sheet3.xml", b"<v>45000</v>", b"<v>1E999</v>")
    with pytest.raises(TemplateError) as info:
        read_gl_template(path)
    message = str(info.value)
    assert "line 2, field 'Amount': not a number: 'abc'" in message
    assert "line 3, field 'Date': not a date: inf" in message
    assert "line 4" not in message


def _replace_in_zip(path, member, old, new):
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i.filename) for i in z.infolist()}
    with zipfile.ZipFile(path, "w") as z:
        for info, data in parts.items():
            if info.filename == member:
                assert old in data, f"{old!r} not in {member}"
                data = data.replace(old, new)
            z.writestr(info, data)


# ---- the fast reader (python-calamine) answers as the former reader (openpyxl, two passes) did ----

def _answer(path):
    try:
        return read_gl_template(path)
    except TemplateError as exc:
        return str(exc)


def _both(path):
    """(answer of read_gl_template, answer with the former openpyxl reader): GLTemplateData or the error text."""
    new = _answer(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gl_import, "read_template", template_read_openpyxl.read_template_openpyxl)
        old = _answer(path)
    return new, old


def _put_xml_cells(path, cells: dict[str, str], part: str = "xl/worksheets/sheet3.xml"):
    """Replace whole <c> elements of the lines sheet by raw XML, as Excel writes formulas and their values."""
    with zipfile.ZipFile(path) as z:
        entries = {i: z.read(i.filename) for i in z.infolist()}
    for info, data in entries.items():
        if info.filename == part:
            xml = data.decode()
            for coord, raw in cells.items():
                xml, n = re.subn(rf'<c r="{coord}"[^>]*?(?:/>|>.*?</c>)', raw, xml, count=1)
                assert n == 1, coord
            entries[info] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries.items():
            z.writestr(info, data)
    return path


def test_fast_reader_reads_typed_pasted_and_blank_cells_as_the_former_reader(tmp_path):
    path = _edit(_blank(tmp_path), {
        "A2": dt.datetime(2024, 3, 2, 13, 5), "D2": 0.1 + 0.2, "B2": 1234.0, "C2": "  padded  ",
        "A3": dt.date(2024, 3, 3), "D3": 1234.5, "G3": "AR", "H3": 7,
        "A4": 45371, "D4": -0.01,                                   # an Excel date number, unformatted
        "A5": "03/15/2024", "D5": "1,234.50", "B5": "00123",        # numbers stored as text
        "A6": "03/04/2024", "E6": 0, "F6": 50.25,                   # debit/credit beside an amount column
        "A7": 20240321, "D7": "(5.00)",
        "A9": "22.03.2024", "D9": "USD 12.00",                      # row 8 blank in the middle
        "A10": "2024-03-23", "D10": "150.00 CR", "C10": 45371.25,
        "C12": "   ", "D14": None, "B15": "",                       # trailing rows: blank, spaces, empty text
    })
    new, old = _both(path)
    assert new == old
    assert [ln.line_id for ln in new.lines] == ["GL-2", "GL-3", "GL-4", "GL-5", "GL-6", "GL-7", "GL-9", "GL-10"]
    assert [str(ln.amount) for ln in new.lines] == ["0.30", "1234.50", "-0.01", "1234.50", "-50.25", "-5.00",
                                                    "12.00", "-150.00"]
    assert sum(ln.amount for ln in new.lines) == Decimal("2276.04")
    assert [ln.date.day for ln in new.lines] == [2, 3, 20, 15, 4, 21, 22, 23]
    assert (new.lines[0].reference, new.lines[0].description, new.lines[1].counterparty) == ("1234", "padded", "7")
    assert new.lines[3].reference == "00123" and new.lines[7].description == "45371.25"


def test_fast_reader_refuses_bad_cells_with_the_former_readers_messages(tmp_path):
    path = _edit(_blank(tmp_path), {
        "A2": "31/31/2024", "D2": 10,                           # bad text date
        "A3": "2024-03-02", "D3": "12,3a",                      # text in a number cell
        "A4": 0, "D4": 1,                                       # 0 is no date (printed as 0, not 0.0)
        "A5": 20241399, "D5": 1,                                # yyyymmdd that is no date
        "A6": 3000000, "D6": 1,                                 # beyond Excel's last date number
        "A7": "2024-03-03", "D7": 10 ** 15,                     # too large (printed in full)
        "A8": "2024-03-04", "D8": -12.345,
        "A9": "2024-03-05", "E9": -4.0,                         # a negative Debit, printed as -4
        "A10": "2024-03-06", "D10": True, "B10": False,
        "A11": dt.time(10, 30), "D11": dt.date(2024, 3, 1),     # a time as the date, a date as the amount
        "A12": "2024-03-07", "D12": "#DIV/0!", "C12": "#N/A",   # error values (openpyxl stores them as such)
        "A13": "2024-03-08", "D13": "=SUM(D2:D3)",              # a formula never calculated
        "A14": "2024-04-01", "D14": 1,                          # after the period end
    })
    new, old = _both(path)
    assert new == old
    assert new.startswith(f"{path}: 15 problems")
    for expected in ("line 4, field 'Date': not a date: 0 is no Excel date number",
                     "line 5, field 'Date': not a date: 20241399 (cell",
                     "line 6, field 'Date': not a date: 3000000 is no Excel date number",
                     "line 7, field 'Amount': 1000000000000000 is larger than 9999999999999.99",
                     "line 9, field 'Debit': negative (-4)",
                     "line 11, field 'Date': a time (10:30:00), not a date",
                     "line 11, field 'Amount': a date or time (2024-03-01), not an amount",
                     "line 12, field 'Description': the cell shows the error #N/A",
                     "line 12, field 'Amount': the cell shows the error #DIV/0!",
                     "line 13, field 'Amount': formula without a calculated value"):
        assert expected in new, expected


def test_fast_reader_uses_cached_formula_values_and_flags_uncalculated_ones(tmp_path):
    path = _edit(_blank(tmp_path), {f"{c}{r}": 1 for r in range(2, 10) for c in "AD"})
    _put_xml_cells(path, {
        "A2": '<c r="A2"><f>DATE(2024,3,4)</f><v>45355</v></c>',
        "D2": '<c r="D2"><f>50.25*2</f><v>100.5</v></c>',
        "A3": '<c r="A3"><v>45356</v></c>',
        "D3": '<c r="D3"><f>0.1+0.2</f><v>0.30000000000000004</v></c>',
        "A4": '<c r="A4" t="str"><f>"2024-03-06"</f><v>2024-03-06</v></c>',          # a formula giving text
        "D4": '<c r="D4"><f t="shared" ref="D4:D5" si="0">D2-1</f><v>99.5</v></c>',
        "A5": '<c r="A5"><v>45358</v></c>',
        "D5": '<c r="D5"><f t="shared" si="0"/><v>-0.01</v></c>',                    # shared formula, calculated
        "A6": '<c r="A6"><v>45359</v></c>',
        "D6": '<c r="D6"><f t="shared" si="0"/></c>',                                # shared formula, no value
        "A7": '<c r="A7" t="str"><f>"x"</f><v></v></c>',                             # text formula, no value
        "D7": '<c r="D7"><v>1</v></c>',
        "A8": '<c r="A8"><v>45361</v></c>',
        "D8": '<c r="D8" t="e"><f>1/0</f><v>#DIV/0!</v></c>',                        # calculated to an error
        "A9": '<c r="A9"><v>45362</v></c>',
        "D9": '<c r="D9" t="n"><f>0</f><v>0</v></c>',                                # calculated to zero
    })
    new, old = _both(path)
    assert new == old
    assert [line.split(": ", 1)[0].strip() for line in new.splitlines()[1:]] == [
        "line 6, field 'Amount'", "line 7, field 'Date'", "line 8, field 'Amount'", "line 9, field 'Amount'"]
    assert "line 6, field 'Amount': formula without a calculated value" in new
    assert "line 7, field 'Date': formula without a calculated value" in new
    assert "line 8, field 'Amount': the cell shows the error #DIV/0!" in new
    assert "line 9, field 'Amount': amount is zero" in new
    _put_xml_cells(path, {f"{c}{r}": f'<c r="{c}{r}"/>' for r in range(6, 10) for c in "AD"})
    new, old = _both(path)
    assert new == old
    assert [(ln.line_id, ln.date.day, str(ln.amount)) for ln in new.lines] == [
        ("GL-2", 4, "100.50"), ("GL-3", 5, "0.30"), ("GL-4", 6, "99.50"), ("GL-5", 7, "-0.01")]


def test_fast_reader_counts_cells_written_without_references(tmp_path):
    """Some writers leave out r="A2": rows and cells are then counted, by calamine and by the formula search."""
    path = _blank(tmp_path)
    rows = ('<row r="1">' + "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADERS) + "</row>"
            '<row><c><v>45371</v></c><c/><c/><c><v>12.5</v></c></row>'
            '<row><c><v>45372</v></c><c/><c/><c><f>1+1</f><v></v></c></row>'
            '<row r="5"><c><v>45373</v></c><c/><c/><c t="e"><v>#N/A</v></c></row>')
    with zipfile.ZipFile(path) as z:
        entries = {i: z.read(i.filename) for i in z.infolist()}
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries.items():
            if info.filename == "xl/worksheets/sheet3.xml":
                data = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData>" + rows.encode() + b"</sheetData>",
                              data, flags=re.DOTALL)
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:H5"/>', data)
            z.writestr(info, data)
    new, old = _both(path)
    assert new == old
    assert [line.split(": ", 1)[0].strip() for line in new.splitlines()[1:]] == [
        "line 3, field 'Amount'", "line 5, field 'Amount'"]
    assert "line 3, field 'Amount': formula without a calculated value" in new and "#N/A (cell 'GL Lines'!D5)" in new


def test_fast_reader_reads_1904_and_debit_credit_workbooks_as_the_former_reader(tmp_path):
    path = _edit(fill_gl_template(None, tmp_path / "dc.xlsx", BALANCE, _lines(), debit_credit=True),
                 {"A7": 43918, "E7": 2, "A8": dt.date(2024, 3, 5), "F8": "3"}, epoch=CALENDAR_MAC_1904)
    new, old = _both(path)
    assert new == old
    assert len(new.lines) == 7 and new.lines[5].date == dt.date(2024, 3, 29) and new.lines[6].date.day == 5
    assert sum(ln.amount for ln in new.lines) == Decimal("-1237529.96")


@pytest.mark.parametrize("name, content", [("gl.xls", None), ("gl.csv", None), ("gl.xlsx", b""),
                                           ("gl.xlsx", b"PK\x03\x04broken zip"), ("gl.xlsx", b"not a workbook")])
def test_fast_reader_refuses_files_that_are_no_workbook_in_the_same_words(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        fill_gl_template(None, path, BALANCE, _lines())  # a good workbook under a name it cannot have
    else:
        path.write_bytes(content)
    new, old = _both(path)
    assert new == old
    assert new.startswith(f"{path}: cannot be read as an Excel workbook (.xlsx): ")


_grid_value = st.one_of(
    st.none(), _text, st.booleans(), st.integers(min_value=-(10 ** 16), max_value=10 ** 16),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e17, max_value=1e17),
    st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2199, 12, 31)),
    st.sampled_from(["2024-03-05", "03/04/2024", "03/15/2024", "15.03.2024", "1,234.56", "(5.00)", "12.00 CR",
                     "USD 7", "EUR 7", "=1+1", "#N/A", "#REF!", "  ", "-0", "1e5", "JE", "45371"]),
)


# B5 is formatted as a date: a number there outside Excel's dates is worded differently (see the test below).
_block_cell = st.one_of(st.tuples(st.sampled_from(["B2", "B4", "B6"]), _grid_value),
                        st.tuples(st.just("B5"), st.one_of(_grid_value.filter(lambda v: not isinstance(v, (int, float))
                                                                             or isinstance(v, bool)),
                                                           st.integers(0, 2958465), st.floats(0, 2958465))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.tuples(st.integers(2, 12), st.sampled_from("ABCDEFGH")), _grid_value, max_size=30),
       st.lists(_block_cell, max_size=1).map(dict))
def test_fast_reader_gives_the_former_readers_answer_on_any_cells(tmp_path, cells, block):
    path = _edit(_blank(tmp_path, "grid.xlsx"), block, sheet=tpl.BALANCE_SHEET)
    _edit(path, {f"{col}{row}": value for (row, col), value in cells.items()})
    new, old = _both(path)
    assert new == old


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")
def test_numbers_outside_excels_dates_in_a_date_cell_are_refused_by_both_readers_in_other_words(tmp_path):
    """A known difference: Excel shows ##### for these. openpyxl made 3000000 an error cell (#VALUE!) and -1 the
    date 1899-12-29; calamine gives the number, and a time of day for a negative one. Same row, same field."""
    for value, new_words, old_words in ((3000000, "not a date: 3000000 is no Excel date number",
                                         "the cell shows the error #VALUE!"),
                                        (-1, "a time (00:00:00), not a date", "date 1899-12-29 is outside")):
        path = _edit(_blank(tmp_path), {"B5": value}, sheet=tpl.BALANCE_SHEET)
        new, old = _both(path)
        assert [ln.split(": ")[0] for ln in new.splitlines()] == [ln.split(": ")[0] for ln in old.splitlines()]
        assert "line 5, field 'Period end date': " + new_words in new
        assert "line 5, field 'Period end date': " + old_words in old


def test_rows_past_a_stale_sheet_dimension_are_read_and_xlsm_names_are_accepted(tmp_path):
    """A known difference, on purpose: openpyxl's read-only mode stopped at the row the sheet's <dimension> names
    (a stale one drops lines silently); the fast reader reads every row the sheet holds."""
    path = fill_gl_template(None, tmp_path / "gl.xlsm", BALANCE, _lines())
    new, old = _both(path)
    assert new == old and len(new.lines) == 5
    _replace_in_zip(path, "xl/worksheets/sheet3.xml", b'<dimension ref="A1:H6"/>', b'<dimension ref="A1:H3"/>')
    new, old = _both(path)
    assert [ln.line_id for ln in new.lines] == ["GL-2", "GL-3", "GL-4", "GL-5", "GL-6"]
    assert sum(ln.amount for ln in new.lines) == Decimal("-1237528.96")
    assert [ln.line_id for ln in old.lines] == ["GL-2", "GL-3"]


def test_fast_reader_finds_a_table_that_starts_below_and_right_of_a1(tmp_path):
    """calamine holds a sheet's used range only (here from C4): rows and columns keep Excel's numbers, and a
    formula without a value past the last value is still found."""
    from openpyxl import Workbook
    wb = Workbook()
    bal = wb.active
    bal.title = "GL Balance"
    for row, (label, value) in enumerate([("GL account", "1010"), ("Currency", "USD"),
                                          ("Period end date", "2024-03-31"), ("GL balance at period end", 5)],
                                         start=3):
        bal.cell(row, 1, label), bal.cell(row, 2, value)
    ws = wb.create_sheet("GL Lines")
    for col, head in enumerate(["Date", "Amount", "Description"], start=3):
        ws.cell(4, col, head)
    ws["C5"], ws["D5"], ws["E5"] = "2024-03-01", 12.5, "first"
    ws["C7"], ws["D7"] = 45372, "(3.25)"
    ws["C8"], ws["D9"] = "2024-03-03", "=D5*2"  # row 8 has no amount; D9 is a formula never calculated
    wb.save(tmp_path / "offset.xlsx")
    new, old = _both(tmp_path / "offset.xlsx")
    assert new == old
    assert [line.split(": ", 1)[0].strip() for line in new.splitlines()[1:]] == [
        "line 8, field 'Amount'", "line 9, field 'Date'", "line 9, field 'Amount'"]
    assert "line 9, field 'Amount': formula without a calculated value" in new and "'GL Lines'!D9" in new
    ws["D8"], ws["D9"] = 1, None
    wb.save(tmp_path / "offset.xlsx")
    new, old = _both(tmp_path / "offset.xlsx")
    assert new == old
    assert [(ln.line_id, ln.date.day, str(ln.amount), ln.description) for ln in new.lines] == [
        ("GL-5", 1, "12.50", "first"), ("GL-7", 21, "-3.25", ""), ("GL-8", 3, "1.00", "")]


def test_text_escapes_are_decoded_as_excel_writes_them(tmp_path):
    """A known difference, on purpose: Excel writes a carriage return as _x000D_ and a typed "_x" as _x005F_x;
    calamine decodes them (ECMA-376), the former openpyxl reader kept the escapes as text."""
    path = _edit(_blank(tmp_path), {"A2": "2024-03-01", "D2": 1, "B2": 1, "C2": 1})
    _put_xml_cells(path, {"B2": '<c r="B2" t="inlineStr"><is><t>_x005F_x0041_</t></is></c>',
                          "C2": '<c r="C2" t="inlineStr"><is><t>Rent_x000D_</t></is></c>'})
    new, old = _both(path)
    assert [(ln.reference, ln.description) for ln in new.lines] == [("_x0041_", "Rent")]
    assert [(ln.reference, ln.description) for ln in old.lines] == [("_x005F_x0041_", "Rent_x000D_")]

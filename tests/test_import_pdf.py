"""PDF statement importer: three generated layouts read by their templates and eight more (and the real PDFs of
../shared/corpus-wild) read by an inferred layout, imported exactly; figures that disagree are findings naming the
page, line and figures, and every way a PDF cannot be read is refused with a BankFileError."""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pdf_fixtures as fx
from tieout.server.cli import main as cli_main
from tieout.server.errors import BankFileError, InputError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.pdf.infer import infer_pdf_layout, infer_reading
from tieout.server.importers.pdf.layout import builtin_layouts, load_layouts
from tieout.server.importers.pdf.statement import IMPORTER, PdfStatementImporter
from tieout.server.importers.pdf.rows import read_rows
from tieout.server.importers.pdf.table import text_lines
from tieout.server.importers.pdf.text import PdfPage, ReadLimits, Word, read_pages
from tieout.server.importers.pdf.values import DateReader, read_marked, read_period, signed
from tieout.server.parsing import AmountError, DateError
from wild_corpus import differences, expected, names


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pdf")


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="session")
def statements(pdf_dir) -> dict[str, tuple[fx.Drawn, Path]]:
    """The well-formed statements, generated once per session."""
    drawn = {
        "us_retail": fx.us_retail_pdf(seed=1, n=90),
        "uk_bank": fx.uk_bank_pdf(seed=2, n=80),
        "business_cr": fx.business_pdf(seed=3, n=70, credit_style="cr"),
        "business_parentheses": fx.business_pdf(seed=4, n=60, credit_style="parentheses"),
    }
    return {name: (d, _write(pdf_dir, name, d.pdf)) for name, d in drawn.items()}


@pytest.fixture(scope="session")
def imported(statements) -> dict:
    return {name: import_file(path) for name, (_, path) in statements.items()}


def _error(path: Path, importer=None, **options) -> BankFileError:
    with pytest.raises(BankFileError) as info:
        if importer is None:
            import_file(path, options=ImportOptions(**options))
        else:
            importer.extract(path, ImportOptions(**options))
    return info.value


# ------------------------------------------------------------------------------------------ good statements

@pytest.mark.parametrize("name", ["us_retail", "uk_bank", "business_cr", "business_parentheses"])
def test_imports_every_line_exactly(name, statements, imported):
    drawn, _ = statements[name]
    result = imported[name]
    assert result.format == "pdf"
    assert drawn.pages >= 3, "the fixture must span several pages"
    (st_,) = result.statements
    assert st_.account == drawn.account
    assert st_.currency == drawn.currency
    assert (st_.period_start, st_.period_end) == (drawn.period_start, drawn.period_end)
    assert st_.opening_balance == drawn.opening
    assert st_.closing_balance == drawn.closing
    assert len(st_.lines) == len(drawn.txns)
    assert [ln.date for ln in st_.lines] == [t.date for t in drawn.txns]
    assert [ln.amount for ln in st_.lines] == [t.amount for t in drawn.txns]
    assert [ln.description for ln in st_.lines] == [t.description for t in drawn.txns]
    assert [ln.reference for ln in st_.lines] == [t.reference for t in drawn.txns]
    assert st_.total == drawn.total == drawn.closing - drawn.opening
    assert sum(1 for ln in st_.lines if ln.amount > 0) == sum(1 for t in drawn.txns if t.amount > 0)
    assert all(isinstance(ln.amount, Decimal) for ln in st_.lines)
    assert len({ln.line_id for ln in st_.lines}) == len(st_.lines)
    assert result.warnings == ()


def test_us_retail_reads_checks_types_and_skips_the_daily_balance_table(statements, imported):
    drawn, _ = statements["us_retail"]
    lines = imported["us_retail"].lines
    checks = [ln for ln in lines if ln.type == "check"]
    assert checks and all(ln.amount < 0 and ln.description == f"CHECK {ln.check_number}" for ln in checks)
    payroll = [ln for ln in lines if ln.description.startswith("DIRECT DEPOSIT")]
    assert payroll and all(ln.amount > 0 and ln.type == "deposit" for ln in payroll)
    wrapped = [t for t in drawn.txns if len(t.lines) > 1]
    assert len(wrapped) > 10  # many descriptions continue on a second line
    # Year-less mm/dd dates take the period's year.
    assert {ln.date.year for ln in lines} == {2025}


def test_uk_bank_dates_once_a_day_overdrawn_balances_and_payment_types(statements, imported):
    drawn, _ = statements["uk_bank"]
    running, lowest = drawn.opening, drawn.opening
    for t in drawn.txns:
        running += t.amount
        lowest = min(lowest, running)
    assert lowest < 0, "the fixture must go overdrawn ('D' balances) for this test to mean anything"
    lines = imported["uk_bank"].lines
    same_day = sum(1 for a, b in zip(lines, lines[1:]) if a.date == b.date)
    assert same_day > 10  # dates printed once per day were carried to the lines below
    by_type = {ln.type for ln in lines}
    assert {"direct_debit", "card", "check"} <= by_type
    assert all(ln.amount < 0 for ln in lines if ln.type in ("direct_debit", "card", "check", "cash"))
    cheques = [ln for ln in lines if ln.type == "check"]
    assert all(ln.description == f"CHQ {ln.check_number}" for ln in cheques)


def test_business_dates_cross_the_year_boundary(imported):
    for name in ("business_cr", "business_parentheses"):
        lines = imported[name].lines
        years = [ln.date.year for ln in lines]
        assert years == sorted(years) and set(years) == {2024, 2025}
        assert all(dt.date(2024, 12, 15) <= ln.date <= dt.date(2025, 1, 14) for ln in lines)
        assert all(ln.reference.startswith("FT") for ln in lines)


def test_credit_marks_give_the_same_signs(statements, imported):
    for name in ("business_cr", "business_parentheses"):
        drawn, _ = statements[name]
        got = [ln.amount > 0 for ln in imported[name].lines]
        assert got == [t.amount > 0 for t in drawn.txns]
        assert 0 < sum(got) < len(got)


def test_in_process_reading_gives_the_same_result(statements, imported):
    _, path = statements["uk_bank"]
    inline = PdfStatementImporter(limits=ReadLimits(isolate=False)).extract(path, ImportOptions())
    (a,), (b,) = inline.statements, imported["uk_bank"].statements
    assert (a.lines, a.opening_balance, a.closing_balance) == (b.lines, b.opening_balance, b.closing_balance)


def test_single_worker_reads_the_same_words(statements):
    _, path = statements["us_retail"]
    one = read_pages(path, ReadLimits(workers=1))
    two = read_pages(path, ReadLimits(workers=2))
    assert [p.number for p in one] == [1, 2, 3] and one == two


def test_cli_import_writes_canonical_lines_and_json(statements, tmp_path, capsys):
    drawn, path = statements["business_cr"]
    out = tmp_path / "lines.csv"
    assert cli_main(["import", str(path), "--format", "pdf", "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["format"] == "pdf"
    (s,) = summary["statements"]
    assert (s["count"], Decimal(s["total"])) == (len(drawn.txns), drawn.total)
    assert (Decimal(s["opening_balance"]), Decimal(s["closing_balance"])) == (drawn.opening, drawn.closing)
    assert (s["first_date"], s["last_date"]) == (drawn.txns[0].date.isoformat(), drawn.txns[-1].date.isoformat())
    assert len(out.read_text().splitlines()) == len(drawn.txns) + 1


def test_cli_reports_a_bad_pdf_with_exit_code_2(pdf_dir, tmp_path, capsys):
    path = _write(pdf_dir, "cli_bad", fx.invoice_pdf())
    assert cli_main(["import", str(path), "--out", str(tmp_path / "x.csv")]) == 2
    assert "layout is not one Tieout knows" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ bad statements

def _findings(path: Path, code: str | None = None) -> list:
    """The findings the import attaches (the file is imported: a misprint is the preparer's to see)."""
    (st_,) = import_file(path).statements
    return [f for f in st_.findings if code is None or f.code == code]


def test_tampered_amount_is_a_finding_naming_the_page_line_and_figures(pdf_dir):
    drawn = fx.us_retail_pdf(seed=1, n=90, tamper=17)
    assert drawn.txns[17].amount < 0
    path = _write(pdf_dir, "us_tamper", drawn.pdf)
    at = drawn.mismatch_at
    (running,) = _findings(path, "running_balance")
    figures = dict(running.figures)
    assert figures["where"] == f"page {at.page} line {at.line}" and figures["difference"] == "10.00"
    assert f"{drawn.txns[17].amount - Decimal(10):,.2f}" in running.message  # the amount as misprinted
    (total,) = _findings(path, "printed_total")
    assert dict(total.figures)["difference"] == "-10.00" and "total debits" in total.message
    err = _error(path, strict=True)  # --strict still refuses, naming the place
    assert f"page {at.page} line {at.line}" in str(err) and {p.field for p in err.problems} == {
        "running_balance", "printed_total", "balance_mismatch"}  # opening + lines != closing as well


def test_tampered_amount_on_a_day_balance_line(pdf_dir):
    drawn = fx.uk_bank_pdf(seed=2, n=80, tamper=30)
    path = _write(pdf_dir, "uk_tamper", drawn.pdf)
    at = drawn.mismatch_at
    (finding,) = _findings(path, "running_balance")
    expected = "-10.00" if drawn.txns[30].amount > 0 else "10.00"  # a credit printed 10.00 larger, or a debit
    assert dict(finding.figures)["where"] == f"page {at.page} line {at.line}"
    assert dict(finding.figures)["difference"] == expected and f"(difference {expected})" in finding.message


def test_tampered_amount_without_balance_column_breaks_totals_and_closing(pdf_dir):
    drawn = fx.business_pdf(seed=3, n=70, tamper=5)
    path = _write(pdf_dir, "biz_tamper", drawn.pdf)
    found = _findings(path)
    assert {f.code for f in found} == {"balance_mismatch", "printed_total"}
    noun = "credits" if drawn.txns[5].amount > 0 else "debits"
    assert all("10.00" in f.message for f in found) and any(f"total {noun}" in f.message for f in found)
    assert len(_error(path, strict=True).problems) == 2


@pytest.mark.parametrize("make,field", [
    (lambda: fx.us_retail_pdf(seed=1, n=90, wrong_total=True), "total credits"),
    (lambda: fx.uk_bank_pdf(seed=2, n=80, wrong_total=True), "total credits"),
    (lambda: fx.business_pdf(seed=3, n=70, wrong_total=True), "total debits"),
])
def test_wrong_printed_total(make, field, pdf_dir):
    drawn = make()
    path = _write(pdf_dir, f"total_{drawn.layout}", drawn.pdf)
    (finding,) = _findings(path)
    assert finding.code == "printed_total" and f"prints {field} of" in finding.message
    assert dict(finding.figures)["where"].startswith("page 1 line ")  # the summary box
    expected = drawn.credits if field == "total credits" else drawn.debits
    assert f"add up to {expected:,.2f} (difference 1.00)" in finding.message
    assert dict(finding.figures)["difference"] == "1.00"
    assert "difference 1.00" in str(_error(path, strict=True))


def test_unknown_layout(pdf_dir):
    err = _error(_write(pdf_dir, "invoice", fx.invoice_pdf()))
    assert "layout is not one Tieout knows or can infer" in str(err)
    assert "no lines of this PDF start with a date and carry an amount" in str(err)


def test_scanned_pdf_needs_ocr(pdf_dir):
    err = _error(_write(pdf_dir, "scanned", fx.scanned_pdf()))
    assert "no text layer" in str(err) and "OCR" in str(err) and "CSV" in str(err)


def test_encrypted_pdf(pdf_dir):
    err = _error(_write(pdf_dir, "encrypted", fx.encrypted_pdf()))
    assert "encrypted" in str(err) and "password" in str(err)


def test_truncated_pdf(statements, pdf_dir):
    data = statements["us_retail"][0].pdf
    err = _error(_write(pdf_dir, "truncated", data[: len(data) // 2]))
    assert "incomplete" in str(err) and "cut short" in str(err)
    # Cut short and patched with an end marker: the PDF is damaged, still a clear error.
    err = _error(_write(pdf_dir, "truncated_eof", data[: len(data) // 2] + b"\n%%EOF\n"))
    assert str(err).startswith(str(pdf_dir / "truncated_eof.pdf") + ": ")


def test_pdf_header_with_garbage_body(pdf_dir):
    err = _error(_write(pdf_dir, "garbage", b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"))
    assert "damaged" in str(err)


def test_page_limit(statements):
    _, path = statements["us_retail"]
    err = _error(path, PdfStatementImporter(limits=ReadLimits(max_pages=2)))
    assert "3 pages, over the limit of 2" in str(err)


@pytest.mark.parametrize("isolate", [True, False])
def test_time_budget_spent(statements, isolate):
    _, path = statements["uk_bank"]
    err = _error(path, PdfStatementImporter(limits=ReadLimits(seconds=0, isolate=isolate)))
    assert "time budget of 0 s" in str(err)


def _forkserver_children() -> list[str]:
    """Live processes forked by multiprocessing's forkserver (where the PDF workers run), as "pid state"."""
    from multiprocessing import forkserver

    server = forkserver._forkserver._forkserver_pid
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server and fields[0] != "Z":
            found.append(f"{stat.parent.name} {fields[0]}")
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists() or
                    "forkserver" not in multiprocessing.get_all_start_methods(), reason="needs Linux /proc")
def test_time_budget_kills_a_slow_reader(pdf_dir):
    path = _write(pdf_dir, "heavy", fx.heavy_pdf(lines=4000))  # 400k characters: seconds of pdfminer work
    err = _error(path, PdfStatementImporter(limits=ReadLimits(seconds=0.5)))
    assert "time budget of 0.5 s" in str(err)
    assert _forkserver_children() == []  # the worker was killed, not left running


def test_forced_layout_that_does_not_fit(statements, tmp_path):
    _, path = statements["us_retail"]
    err = _error(path, profile="uk_bank")
    assert "statement period was not found (layout uk_bank), and its dates print no year" in str(err)
    err = _error(path, profile="no_such_layout")
    assert "no PDF layout named 'no_such_layout'" in str(err)
    text = (builtin_layouts()[0].source.parent / "us_retail.toml").read_text()
    (tmp_path / "debits.toml").write_text(text.replace('name = "us_retail"', 'name = "debits"')
                                          .replace('label = "Withdrawals"', 'label = "Debits"'))
    err = _error(path, profile="debits", profile_dirs=(tmp_path,))
    assert "no transaction table found on any of the 3 pages" in str(err)
    assert "Date, Description, Debits, Deposits, Balance" in str(err)


def test_identify_by_magic_bytes():
    assert IMPORTER.identify(Path("x.pdf"), b"%PDF-1.4\n...")
    assert IMPORTER.identify(Path("x.bin"), b"\x00" * 100 + b"%PDF-1.7")
    assert not IMPORTER.identify(Path("x.pdf"), b"Date,Amount\n2025-01-01,1.00\n")
    assert not IMPORTER.identify(Path("x.pdf"), b"\x00" * 1100 + b"%PDF-1.7")


@pytest.fixture(scope="module")
def fuzz_base() -> bytes:
    """A small uncompressed statement: mutations land in readable text, numbers and structure alike."""
    return fx.us_retail_pdf(seed=5, n=30, compress=False).pdf


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_pdf_bytes_give_bank_file_error_or_an_import_with_its_findings(fuzz_base, data):
    raw = bytearray(fuzz_base)
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        pos = data.draw(st.integers(0, len(raw) - 1), label="pos")
        op = data.draw(st.sampled_from(["set", "insert", "delete", "digit"]), label="op")
        if op == "set":
            raw[pos] = data.draw(st.integers(0, 255), label="byte")
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=16), label="bytes")
        elif op == "delete":
            del raw[pos:pos + data.draw(st.integers(1, 64), label="length")]
        elif chr(raw[pos]).isdigit():
            raw[pos] = ord(str(data.draw(st.integers(0, 9), label="digit")))
    if data.draw(st.booleans(), label="truncate"):
        del raw[data.draw(st.integers(1, len(raw)), label="cut"):]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.pdf"
        path.write_bytes(bytes(raw))
        try:
            result = import_file(path, fmt="pdf", options=ImportOptions())
        except BankFileError:
            return
        (st_,) = result.statements
        if st_.opening_balance is not None and st_.closing_balance is not None:  # adds up, or says it does not
            assert (st_.opening_balance + st_.total == st_.closing_balance) != any(
                f.code == "balance_mismatch" for f in st_.findings)


# ------------------------------------------------------------------------------------ layouts as data

def test_builtin_layouts_load():
    names = {lay.name for lay in builtin_layouts()}
    assert names == {"us_retail", "uk_bank", "business_amount"}


def test_user_layout_from_a_profile_folder_is_used(statements, tmp_path):
    drawn, path = statements["us_retail"]
    text = (builtin_layouts()[0].source.parent / "us_retail.toml").read_text()
    (tmp_path / "mybank.toml").write_text(text.replace('name = "us_retail"', 'name = "my_bank"'))
    (tmp_path / "other.toml").write_text('name = "csv thing"\nkind = "csv"\n')  # another importer's profile
    (tmp_path / "nokind.toml").write_text('name = "no kind"\n')
    assert [lay.name for lay in load_layouts([tmp_path])][:1] == ["my_bank"]
    result = import_file(path, options=ImportOptions(profile="my_bank", profile_dirs=(tmp_path,)))
    assert len(result.lines) == len(drawn.txns)


@pytest.mark.parametrize("edit,field,words", [
    (lambda t: t.replace('role = "debit"', 'role = "withdrawal"'), "table.columns[2].role", "not one of"),
    (lambda t: t.replace("'^Daily ending balance'", "'^Daily ending (balance'"), "table.end", "regular expression"),
    (lambda t: t.replace("(?P<value>[\\d-]{6,})", "([\\d-]{6,})"), "statement.account", "(?P<value>"),
    (lambda t: t.replace('amount_line = "first"', 'amount_line = "middle"'), "table.amount_line", "'first'"),
    (lambda t: t.replace('{ label = "Deposits", role = "credit", align = "right" },', ""), "table.columns",
     "'debit' column needs a 'credit'"),
    (lambda t: t.replace("debit = { plain = -1 }", "debit = { plain = 2 }"), "signs.debit.plain", "must be 1"),
    (lambda t: t.replace("max_row_gap = 24", 'max_row_gap = "wide"'), "table.max_row_gap", "must be int or float"),
    (lambda t: t.replace('type = "cash"', 'type = "cash_withdrawal"'), "types[4].type", "not one of"),
])
def test_bad_layout_files_name_the_file_and_key(edit, field, words, tmp_path):
    text = (builtin_layouts()[0].source.parent / "us_retail.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(edit(text))
    with pytest.raises(InputError) as info:
        load_layouts([tmp_path])
    assert info.value.file == str(bad)
    (problem,) = info.value.problems
    assert problem.field == field and words in problem.problem


def test_unreadable_layout_toml(tmp_path):
    (tmp_path / "broken.toml").write_text("name = \n")
    with pytest.raises(InputError, match="PDF layout cannot be read"):
        load_layouts([tmp_path])


# ------------------------------------------------------------------------------------ figures and dates

@pytest.mark.parametrize("text,value,mark", [
    ("1,234.56", "1234.56", "plain"), ("1,234.56 CR", "1234.56", "cr"), ("1,234.56CR", "1234.56", "cr"),
    ("(1,234.56)", "1234.56", "parentheses"), ("-12.00", "12.00", "minus"), ("12.00-", "12.00", "minus"),
    ("£123.45 D", "123.45", "d"), ("7.10 dr", "7.10", "dr"), ("$4,210.55", "4210.55", "plain"),
    ("0.01 OD", "0.01", "od"),
])
def test_read_marked(text, value, mark):
    assert read_marked(text, ".") == (Decimal(value), mark)


@pytest.mark.parametrize("text", ["(12.00) CR", "-5.00 DR", "CR", "", "12.3.4", "abc"])
def test_read_marked_rejects(text):
    with pytest.raises(AmountError):
        read_marked(text, ".")


def test_signed_applies_the_layouts_marks():
    signs = {"plain": -1, "cr": 1, "parentheses": 1}
    assert signed("7.10 CR", ".", signs) == Decimal("7.10")
    assert signed("(7.10)", ".", signs) == Decimal("7.10")
    assert signed("7.10", ".", signs) == Decimal("-7.10")
    with pytest.raises(AmountError, match="marked 'dr'"):
        signed("7.10 DR", ".", signs)
    assert signed("1.234,50", ",", {"plain": 1}) == Decimal("1234.50")


def test_yearless_dates_across_december_january():
    read = DateReader(("%d %b",), (dt.date(2024, 12, 15), dt.date(2025, 1, 14)))
    assert read("28 DEC") == dt.date(2024, 12, 28)
    assert read("03 Jan") == dt.date(2025, 1, 3)
    assert read("14 dec") == dt.date(2024, 12, 14)  # posted a day before the period: still this December
    with pytest.raises(DateError, match="not within the statement period"):
        read("15 Jun")
    with pytest.raises(DateError, match="not a date"):
        read("Dec")


def test_yearless_february_29_in_a_leap_year():
    read = DateReader(("%m/%d",), (dt.date(2024, 2, 16), dt.date(2024, 3, 15)))
    assert read("02/29") == dt.date(2024, 2, 29)


def test_yearless_dates_need_a_period():
    with pytest.raises(DateError, match="no year"):
        DateReader(("%m/%d",), None)("03/14")
    assert DateReader(("%d/%m/%Y",), None)("14/03/2025") == dt.date(2025, 3, 14)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2098, 12, 31)), st.integers(1, 62),
       st.sampled_from(["%m/%d", "%d %b", "%b %d", "%d.%m."]))
def test_yearless_dates_round_trip_inside_any_period(start, days, code):
    end = start + dt.timedelta(days=days)
    for offset in (0, days // 2, days):
        d = start + dt.timedelta(days=offset)
        assert DateReader((code,), (start, end))(d.strftime(code)) == d


def test_period_with_a_yearless_start():
    assert read_period("1 March", "31 March 2025", ("%d %B %Y", "%d %B")) == (dt.date(2025, 3, 1),
                                                                                dt.date(2025, 3, 31))
    assert read_period("15 Dec", "14 Jan 2025", ("%d %b %Y", "%d %b")) == (dt.date(2024, 12, 15),
                                                                            dt.date(2025, 1, 14))
    with pytest.raises(DateError):
        read_period("31 March 2025", "1 March 2025", ("%d %B %Y",))


# ------------------------------------------------------------------------- rows from positioned words

def _page(number: int, lines: list[list[tuple[float, str, str]]]) -> PdfPage:
    """A page from lines of (x, text, align) cells; right-aligned cells end at x. 5 points per character."""
    words = []
    for k, cells in enumerate(lines):
        bottom = 100.0 + 12 * k
        for x, text, align in cells:
            x0 = x - 5 * len(text) if align == "r" else x
            for piece in text.split():
                words.append(Word(piece, x0, x0 + 5 * len(piece), bottom - 8, bottom))
                x0 += 5 * (len(piece) + 1)
    return PdfPage(number, 612, 792, tuple(words))


US_HEADER = [(50, "Date", "l"), (92, "Description", "l"), (430, "Withdrawals", "r"), (500, "Deposits", "r"),
             (562, "Balance", "r")]


def _layout(name: str):
    return next(lay for lay in builtin_layouts() if lay.name == name)


def _rows(name: str, *pages: PdfPage):
    march = DateReader(_layout(name).date_formats, (dt.date(2025, 3, 1), dt.date(2025, 3, 31)))
    return read_rows([text_lines(p) for p in pages], _layout(name), march)


def test_rows_amount_on_a_continuation_line_and_a_repeated_header():
    table = _rows("us_retail", _page(1, [
        [(50, "Statement of account", "l")],
        US_HEADER,
        [(50, "03/02", "l"), (92, "PAYMENT TO", "l")],
        [(92, "ACME CORP", "l"), (430, "12.00", "r"), (562, "988.00", "r")],
        US_HEADER,  # the header printed again further down the page
        [(50, "03/03", "l"), (92, "MOBILE DEPOSIT", "l"), (500, "1,000.50", "r"), (562, "1,988.50", "r")],
        [(92, "REF 4471", "l")],
    ]))
    assert table.problems == ()
    assert table.pages_with_table == (1,)
    assert [(r.date, r.amount, r.balance, r.description) for r in table.rows] == [
        (dt.date(2025, 3, 2), Decimal("-12.00"), Decimal("988.00"), "PAYMENT TO ACME CORP"),
        (dt.date(2025, 3, 3), Decimal("1000.50"), Decimal("1988.50"), "MOBILE DEPOSIT REF 4471"),
    ]
    assert [(r.line, r.balance_line) for r in table.rows] == [(3, 4), (6, 6)]


def test_rows_problems_name_page_line_and_column():
    table = _rows("us_retail", _page(2, [
        US_HEADER,
        [(92, "NO DATE YET", "l"), (430, "5.00", "r")],
        [(50, "13/45", "l"), (92, "BAD DATE", "l"), (430, "5.00", "r")],
        [(50, "03/04", "l"), (92, "BOTH SIDES", "l"), (430, "5.00", "r"), (500, "6.00", "r")],
        [(50, "03/05", "l"), (92, "ODD MARK", "l"), (500, "6.00 DR", "r")],
        [(50, "03/06", "l"), (92, "NO AMOUNT", "l")],
    ]))
    got = [(p.record, p.field, p.problem.split(":")[0]) for p in table.problems]
    assert got == [
        ("page 2 line 2", "Date", "an amount on a line without a date"),
        ("page 2 line 3", "Date", "not a date in the layout's formats (%m/%d)"),
        ("page 2 line 4", None, "both Withdrawals and Deposits hold a figure on one line"),
        ("page 2 line 5", "Deposits", "'6.00 DR' is marked 'dr', which this layout does not use here (marks"),
        ("page 2 line 6", None, "this transaction has no amount ('NO AMOUNT')"),
    ]


UK_HEADER = [(45, "Date", "l"), (95, "Payment type and details", "l"), (400, "Paid out", "r"),
             (470, "Paid in", "r"), (550, "Balance", "r")]


def test_rows_amount_on_the_last_line_with_dates_once_a_day():
    table = _rows("uk_bank", _page(1, [
        UK_HEADER,
        [(45, "01 Mar", "l"), (95, "BALANCE BROUGHT FORWARD", "l"), (550, "10.00", "r")],
        [(45, "02 Mar", "l"), (95, "DD BRITISH GAS", "l")],
        [(95, "REF 991", "l"), (400, "25.00", "r")],
        [(95, "VIS TESCO", "l"), (400, "5.50", "r"), (550, "20.50 D", "r")],
        [(95, "BALANCE CARRIED FORWARD", "l"), (550, "20.50 D", "r")],
    ]), _page(2, [
        UK_HEADER,
        [(95, "BALANCE BROUGHT FORWARD", "l"), (550, "20.50 D", "r")],
        [(95, "CR ACME LTD", "l"), (470, "100.00", "r"), (550, "79.50", "r")],
        [(45, "04 Mar", "l"), (95, "SO RENT", "l")],
    ]))
    txns = [r for r in table.rows if r.kind == "txn"]
    assert [(r.date, r.amount, r.balance, r.description, r.type) for r in txns] == [
        (dt.date(2025, 3, 2), Decimal("-25.00"), None, "DD BRITISH GAS REF 991", "direct_debit"),
        (dt.date(2025, 3, 2), Decimal("-5.50"), Decimal("-20.50"), "VIS TESCO", "card"),
        (dt.date(2025, 3, 2), Decimal("100.00"), Decimal("79.50"), "CR ACME LTD", "deposit"),
    ]
    assert [r.balance for r in table.rows if r.kind == "balance"] == [Decimal("10.00"), Decimal("-20.50"),
                                                                      Decimal("-20.50")]
    (problem,) = table.problems
    assert (problem.record, problem.problem) == ("page 2 line 4", "these lines at the end of the table have no amount")


def test_statement_without_transactions(pdf_dir):
    drawn = fx.us_retail_pdf(seed=9, n=0)
    result = import_file(_write(pdf_dir, "no_activity", drawn.pdf))
    (st_,) = result.statements
    assert st_.lines == () and st_.opening_balance == st_.closing_balance == drawn.opening


def test_text_inside_form_xobjects_is_read(tmp_path):
    sheet = fx.Sheet((612, 792))
    sheet.c.beginForm("letterhead")
    sheet.c.setFont("Helvetica", 9)
    sheet.c.drawString(50, 700, "text drawn inside a form xobject")
    sheet.c.endForm()
    sheet.c.doForm("letterhead")
    sheet.text(50, 650, "text drawn on the page")
    path = _write(tmp_path, "form", sheet.finish())
    (page,) = read_pages(path, ReadLimits(isolate=False))
    assert [w.text for w in page.words] == "text drawn inside a form xobject text drawn on the page".split()


# ------------------------------------------------------------------------ layouts no template knows (inferred)

@pytest.fixture(scope="session")
def styled(pdf_dir) -> dict[str, tuple[fx.Drawn, Path]]:
    out = {}
    for k, (name, style) in enumerate(sorted(fx.STYLES.items())):
        drawn = fx.styled_pdf(style, seed=20 + k, n=70)
        out[name] = (drawn, _write(pdf_dir, f"styled_{name}", drawn.pdf))
    return out


@pytest.fixture(scope="session")
def styled_imported(styled) -> dict:
    """Imported as an accountant would: the account's currency given for statements that print none."""
    return {name: import_file(path, options=ImportOptions(currency=drawn.currency))
            for name, (drawn, path) in styled.items()}


@pytest.mark.parametrize("name", sorted(fx.STYLES))
def test_inferred_layout_reads_every_line_exactly(name, styled, styled_imported):
    drawn, _ = styled[name]
    style = fx.STYLES[name]
    result = styled_imported[name]
    assert result.layout.as_dict() == {"name": "inferred", "source": "inferred", "confidence": 1.0}
    assert drawn.pages >= 2, "the fixture must span several pages"
    (st_,) = result.statements
    assert st_.findings == ()
    assert (st_.account, st_.currency) == (drawn.account, drawn.currency)
    assert (st_.period_start, st_.period_end) == (drawn.period_start, drawn.period_end)
    assert [ln.date for ln in st_.lines] == [t.date for t in drawn.txns]
    assert [ln.amount for ln in st_.lines] == [t.amount for t in drawn.txns]
    assert [ln.description for ln in st_.lines] == [t.description for t in drawn.txns]  # wrapped lines joined
    assert [ln.reference for ln in st_.lines] == [t.reference for t in drawn.txns]
    printed = {kind for _, kind in style.summary}
    running = "balance" in style.columns
    assert st_.opening_balance == (drawn.opening if "opening" in printed or running else None)
    assert st_.closing_balance == (drawn.closing if "closing" in printed or running else None)


def test_the_eight_inferred_layouts_differ(styled):
    """Distinct conventions, not one layout eight times: columns, date formats and figure styles all vary."""
    styles = [fx.STYLES[name] for name in styled]
    assert len(styles) >= 8
    assert len({(s.columns, s.date_format, s.money, s.decimal, s.once_a_day, s.balance_marks) for s in styles}) \
        == len(styles)
    assert {"minus", "parentheses", "card", "plain"} <= {s.money for s in styles}
    assert any("balance" not in s.columns for s in styles) and any("debit" in s.columns for s in styles)
    assert any("%Y" not in s.date_format and "%y" not in s.date_format for s in styles)  # year-less dates


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(fx.STYLES)), seed=st.integers(0, 10**6), n=st.integers(1, 45))
@example(name="cr_dr_balance", seed=5, n=6)  # the month's one credit: a column holding a single figure
@example(name="multi_page", seed=937156, n=4)  # ... and that figure on the last row
@example(name="card", seed=473, n=3)  # "03/05" reads as 5 March or 3 May: the period decides
def test_any_statement_of_a_style_imports_its_truth_or_is_refused_as_ambiguous(name, seed, n):
    """Random months of every style: the inferred reading is the drawn truth, or the importer says it cannot be
    sure; never a different set of lines."""
    drawn = fx.styled_pdf(fx.STYLES[name], seed=seed, n=n)
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), name, drawn.pdf)
        try:
            result = import_file(path, options=ImportOptions(currency=drawn.currency))
        except BankFileError as exc:
            assert "cannot be inferred for sure" in str(exc)
            return
    (st_,) = result.statements
    assert [(ln.date, ln.amount) for ln in st_.lines] == [(t.date, t.amount) for t in drawn.txns]


@pytest.mark.parametrize("name", ["us_retail", "uk_bank", "business_cr", "business_parentheses"])
def test_statements_of_the_builtin_layouts_are_read_alike_by_inference_alone(name, statements, imported):
    """Without their templates: balance rows, a daily-balance grid after the table, dates once a day with the
    amount on a transaction's last line, CR marks and parenthesised credits are all found from the page."""
    _, path = statements[name]
    pages = [text_lines(p) for p in read_pages(path, ReadLimits(isolate=False))]
    reading, proof = infer_reading(pages, path, ImportOptions())
    want = imported[name].statements[0]
    assert (proof.confidence, proof.unread, reading.statement.findings) == (1.0, 0, ())
    assert [(ln.date, ln.amount, ln.description, ln.reference) for ln in reading.statement.lines] == [
        (ln.date, ln.amount, ln.description, ln.reference) for ln in want.lines]
    assert (reading.statement.opening_balance, reading.statement.closing_balance) == (want.opening_balance,
                                                                                      want.closing_balance)


def test_rows_on_a_page_without_the_header_are_not_lost_silently(tmp_path):
    """The second page prints its rows without repeating the header: the inferred layout cannot place them, and
    the import says so (and lowers its confidence) instead of passing the shorter statement as read."""
    header = [(50, "Date", "l"), (92, "Description", "l"), (430, "Debit", "r"), (500, "Credit", "r")]
    first = _page(1, [[(50, "Statement period: 01/03/2025 - 31/03/2025", "l")], header,
                      [(50, "03/03/2025", "l"), (92, "RENT", "l"), (430, "500.00", "r")],
                      [(50, "04/03/2025", "l"), (92, "SALARY", "l"), (500, "2,000.00", "r")]])
    second = _page(2, [[(50, "05/03/2025", "l"), (92, "GROCER", "l"), (430, "45.10", "r")],
                       [(50, "06/03/2025", "l"), (92, "REFUND", "l"), (500, "12.00", "r")]])
    reading, proof = infer_reading([text_lines(first), text_lines(second)], tmp_path / "x.pdf", ImportOptions())
    assert len(reading.statement.lines) == 2 and proof.unread == 2
    assert proof.confidence < 0.5 and "not read as transactions: 2" in str(proof)


def test_year_less_dates_without_a_period_are_refused(pdf_dir):
    import dataclasses

    style = dataclasses.replace(fx.STYLES["parenthesised_credits"], period="Checking account summary")
    err = _error(_write(pdf_dir, "no_period", fx.styled_pdf(style, seed=3, n=20).pdf))
    assert "dates print no year and no statement period" in str(err)


def test_statement_without_a_table_imports_its_balance_only(pdf_dir):
    """A one-page notice with a balance and no transactions (as beangulp's ACME example): nothing is invented."""
    sheet = fx.Sheet(fx.LETTER)
    sheet.text(50, 740, "ACME SAVINGS BANK", 14, bold=True)
    sheet.text(300, 700, "Date: September 30, 2025", 9)
    sheet.text(300, 600, "Balance: $1,438.20", 9)
    (st_,) = import_file(_write(pdf_dir, "no_table", sheet.finish()), options=ImportOptions(currency="USD")).statements
    assert (st_.lines, st_.opening_balance, st_.closing_balance) == ((), None, Decimal("1438.20"))


def test_card_statement_charges_are_money_out(styled, styled_imported):
    drawn, _ = styled["card"]
    (st_,) = styled_imported["card"].statements
    payments = [ln for ln in st_.lines if ln.description.startswith("PAYMENT")]
    assert payments and all(ln.amount > 0 for ln in payments)
    assert all(ln.amount < 0 for ln in st_.lines if not ln.description.startswith("PAYMENT"))
    assert st_.opening_balance < 0 and st_.closing_balance < 0  # owed to the card issuer
    assert [ln.date for ln in st_.lines] == [t.date for t in drawn.txns]  # the transaction date, not the posting


def test_inferred_layout_with_a_misprinted_amount_is_a_finding(pdf_dir):
    drawn = fx.styled_pdf(fx.STYLES["euro_giro"], seed=31, n=70, tamper=12)
    path = _write(pdf_dir, "styled_tamper", drawn.pdf)
    result = import_file(path)
    assert result.layout.source == "inferred" and result.layout.confidence < 1.0
    (st_,) = result.statements
    (finding,) = [f for f in st_.findings if f.code == "running_balance"]
    at = drawn.mismatch_at
    assert dict(finding.figures)["where"] == f"page {at.page} line {at.line}"
    amounts = [ln.amount for ln in st_.lines]
    assert amounts[:12] + amounts[13:] == [t.amount for t in drawn.txns][:12] + [t.amount for t in drawn.txns][13:]
    assert f"page {at.page} line {at.line}" in str(_error(path, strict=True))


def test_two_readings_that_fit_equally_are_refused_naming_both(pdf_dir):
    drawn = fx.styled_pdf(fx.AMBIGUOUS, seed=5, n=40)
    err = _error(_write(pdf_dir, "ambiguous", drawn.pdf))
    assert "cannot be inferred for sure: two readings fit it equally well" in str(err)
    assert "'EUR=debit, EUR=credit'" in str(err) and "'EUR=credit, EUR=debit'" in str(err)


@pytest.mark.parametrize("name", ["once_a_day", "card", "totals_only"])
def test_inferred_layout_saved_as_toml_imports_the_same(name, styled, styled_imported, tmp_path):
    drawn, path = styled[name]
    toml, proof = infer_pdf_layout(path)
    assert proof.lines == len(drawn.txns) and proof.confidence == 1.0
    assert 0 < proof.held == proof.checks and "reading: " in str(proof)
    (tmp_path / "mine.toml").write_text(toml)
    result = import_file(path, options=ImportOptions(currency=drawn.currency, profile_dirs=(tmp_path,)))
    assert result.layout.as_dict() == {"name": f"styled_{name}", "source": "user", "confidence": 1.0}
    assert result.statements[0].lines == styled_imported[name].statements[0].lines


def test_inferred_layout_json_summary(styled, tmp_path, capsys):
    drawn, path = styled["signed_amount"]
    assert cli_main(["import", str(path), "--out", str(tmp_path / "l.csv"), "--json"]) == 0
    printed = capsys.readouterr()
    summary = json.loads(printed.out)
    assert summary["layout"] == {"name": "inferred", "source": "inferred", "confidence": 1.0}
    assert "currency GBP was taken from the currency sign" in printed.err  # from "£": said, not silently
    (s,) = summary["statements"]
    assert (s["count"], Decimal(s["total"]), s["findings"]) == (len(drawn.txns), drawn.total, [])


def test_builtin_layouts_say_so(imported):
    assert imported["us_retail"].layout.as_dict() == {"name": "us_retail", "source": "builtin", "confidence": 1.0}


@pytest.mark.parametrize("name", names("pdf"))
def test_wild_pdf_statements(wild, name):
    assert differences(wild, name) == []


def test_wild_card_statement_reads_payments_and_purchases(wild):
    """Mercury's card statement (6 pages, Canva): amounts printed 3 points above their rows, subtotal lines in the
    table, two date columns; the payment and the credit are money in, the 57 purchases money out."""
    name = "pdf/reds_mercury_statement_20241105.pdf"
    result = import_file(wild / name)
    (st_,) = result.statements
    assert result.layout.source == "inferred" and result.layout.confidence == 1.0
    assert [ln.amount for ln in st_.lines if ln.amount > 0] == [Decimal("2422.24"), Decimal("29.99")]
    assert sum(1 for ln in st_.lines if ln.amount < 0) == expected()[name]["per_section"]["purchases"]["count"]
    assert st_.findings == ()

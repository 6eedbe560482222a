"""Malformed tabular bank files: each gives a BankFileError naming the file, the line and the field, and
nothing is imported (import_file raises, the CLI writes no output file and exits 2). A file whose own figures
disagree (running balance, stated balances, totals) is imported with a finding naming the line and the
figures; ImportOptions(strict=True) still refuses it."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tieout.server.cli import main
from tieout.server.errors import BankFileError
from tieout.server.importers import import_file, missing
from tieout.server.importers.base import ImportOptions

CHASE_HEADER = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #"
CHASE_ROWS = ("DEBIT,03/31/2026,FEE,-25.00,FEE_TRANSACTION,975.00,\n"
              "CREDIT,03/02/2026,DEPOSIT,1000.00,DEPOSIT,1000.00,\n")
USD = ImportOptions(currency="USD")


def write(tmp_path: Path, text: str | bytes, name: str = "bank.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def failure(path: Path, options: ImportOptions = USD, fmt: str = "auto") -> BankFileError:
    with pytest.raises(BankFileError) as err:
        import_file(path, fmt, options)
    assert str(path) in str(err.value)
    return err.value


def test_bad_date_names_line_and_field(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n2026-01-02,a,1.00\n2026-13-45,b,2.00\n"))
    assert len(err.problems) == 1
    p = err.problems[0]
    assert (p.line, p.field) == (3, "Date")
    assert "2026-13-45" in p.problem


def test_bad_amount_names_line_and_field(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n2026-01-02,a,1.00\n2026-01-03,b,12.3.4\n"))
    p = err.problems[0]
    assert (p.line, p.field) == (3, "Amount")
    assert "12.3.4" in p.problem


def test_every_bad_line_is_reported_in_one_pass(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n2026-01-02,a,x\n2026-01-03,b,1\nsoon,c,2\n"))
    assert [(p.line, p.field) for p in err.problems] == [(2, "Amount"), (4, "Date")]
    assert "2 problems" in str(err)


def test_dated_row_without_amount(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n2026-01-02,a,\n"))
    assert (err.problems[0].line, err.problems[0].field) == (2, "Amount")
    assert "no amount" in err.problems[0].problem


def test_missing_amount_column_names_the_header_problem(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Memo\n2026-01-02,a,b\n"))
    assert err.problems[0].field == "header"
    assert "no layout profile recognises this file" in str(err)
    # what the user can give is structured: the CLI words it with its options and the template's path
    assert err.missing() == ("profile",)
    assert "excel_templates/" in missing.remedies(err.missing(), missing.CLI)


def findings(path: Path, code: str, options: ImportOptions = USD):
    """The findings of one code on the imported file; strict mode must refuse the same file."""
    result = import_file(path, "auto", options)
    found = [f for f in result.findings if f.code == code]
    assert found, [f.code for f in result.findings]
    with pytest.raises(BankFileError):
        import_file(path, "auto", ImportOptions(currency=options.currency, strict=True))
    return result, found


def test_renamed_column_of_a_known_layout_falls_back_to_inference_with_a_finding(tmp_path):
    header = CHASE_HEADER.replace("Posting Date", "Post Date")
    result, found = findings(write(tmp_path, header + "\n" + CHASE_ROWS), "layout_changed")
    message = found[0].message
    assert "chase_checking" in message
    assert "missing column(s) 'Posting Date'" in message
    assert "'Post Date'" in message  # what the file has instead
    assert "inferred layout" in message
    assert result.layout.source == "inferred"
    assert [ln.amount for ln in result.lines] == [Decimal("-25.00"), Decimal("1000.00")]


def test_removed_and_moved_columns_of_a_known_layout(tmp_path):
    header = "Details,Posting Date,Description,Type,Balance,Amount"
    err = failure(write(tmp_path, header + "\nx\n"))
    message = str(err)
    assert "chase_checking" in message
    assert "missing column(s) 'Check or Slip #'" in message
    assert "moved column(s) 'Amount' (now column 6)" in message


def test_forced_profile_that_does_not_fit(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n2026-01-02,a,1.00\n"),
                  ImportOptions(profile="sparkasse_de"))
    assert "sparkasse_de" in str(err) and err.missing() == ("profile",)
    assert "excel_templates/" in missing.remedies(err.missing(), missing.CLI)


def test_unknown_forced_profile_lists_the_known_ones(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n2026-01-02,a,1.00\n"), ImportOptions(profile="nope"))
    assert "unknown layout profile 'nope'" in str(err) and "chase_checking" in str(err)


def test_bytes_neither_utf8_nor_windows_1252(tmp_path):
    err = failure(write(tmp_path, b"Date,Description,Amount\n2026-01-02,ok,1.00\n2026-01-03,bad \x81 byte,2.00\n"))
    assert err.problems[0].line == 3
    assert "0x81" in err.problems[0].problem


def test_mixed_encodings(tmp_path):
    data = "Date,Description,Amount\n2026-01-02,Café,1.00\n".encode() + b"2026-01-03,Caf\xe9,2.00\n"
    err = failure(write(tmp_path, data))
    assert err.problems[0].line == 3
    assert "mixes encodings" in err.problems[0].problem


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n  "])
def test_empty_file(tmp_path, content):
    err = failure(write(tmp_path, content), fmt="csv")
    assert "empty" in str(err)


def test_header_only(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n"))
    assert "no transaction lines below the header" in str(err)


def test_totals_only(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Debit,Credit\nTotal,,0.00,0.00\nClosing balance,,,5.00\n"))
    assert "no transaction lines below the header (only summary rows)" in str(err)


def test_dropped_line_breaks_the_running_balance_at_its_line(tmp_path):
    text = ("Date,Description,Amount,Balance\n"
            "2026-01-01,a,100.00,100.00\n"
            "2026-01-02,b,-30.00,70.00\n"
            "2026-01-04,d,-5.00,55.00\n")  # a -10.00 line of 01-03 was dropped
    result, found = findings(write(tmp_path, text), "running_balance_break")
    f = found[0]
    assert f.message.startswith("line 4: 'Balance' 55.00 does not follow from the balance 70.00 at line 3")
    assert dict(f.figures)["difference"] == "-10.00"
    assert len(result.lines) == 3  # imported all the same


def test_mis_signed_line_breaks_the_running_balance(tmp_path):
    text = "Date,Description,Amount,Balance\n2026-01-01,a,100.00,100.00\n2026-01-02,b,30.00,70.00\n"
    result, found = findings(write(tmp_path, text), "running_balance_break")
    assert found[0].message.startswith("line 3:")
    assert dict(found[0].figures)["difference"] == "-60.00"
    assert [ln.amount for ln in result.lines] == [Decimal("100.00"), Decimal("30.00")]  # as written, not flipped


def test_balance_printed_above_header_must_agree_with_lines(tmp_path):
    text = ("Description,,Summary Amt.\n"
            'Beginning balance as of 01/01/2026,,"1,000.00"\n'
            'Ending balance as of 01/31/2026,,"1,500.00"\n'
            "\n"
            "Date,Description,Amount,Running Bal.\n"
            '01/02/2026,"A","400.00","1,400.00"\n')
    result, found = findings(write(tmp_path, text), "closing_balance_differs")
    assert found[0].message.startswith("line 3: 'Ending balance as of 01/31/2026' says 1500.00")
    assert dict(found[0].figures) == {"stated": "1500.00", "implied": "1400.00", "difference": "100.00"}
    assert result.statements[0].closing_balance == Decimal("1500.00")  # the stated figure, never invented


def test_totals_that_do_not_add_up(tmp_path):
    text = ("Date,Description,Debit,Credit\n2026-06-02,Groceries,40.00,\n2026-06-03,Fuel,20.00,\n"
            "Total,,70.00,\n")
    result, found = findings(write(tmp_path, text), "trailer_total")
    assert found[0].message.startswith("line 4: 'Total' states 70.00")
    assert dict(found[0].figures)["computed"] == "-60.00"
    assert "add up to -60.00" in found[0].message


def test_debit_and_credit_both_filled(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Debit,Credit\n2026-01-02,a,5.00,7.00\n"))
    p = err.problems[0]
    assert (p.line, p.field) == (2, "Credit")
    assert "both 'Debit' (5.00) and 'Credit' (7.00)" in p.problem


def test_unknown_indicator_value(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount,Dr/Cr\n2026-01-02,a,5.00,XX\n"))
    p = err.problems[0]
    assert (p.line, p.field) == (2, "Dr/Cr")
    assert "'XX'" in p.problem


def test_currency_not_stated_anywhere(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n2026-01-02,a,5.00\n"), ImportOptions())
    assert err.problems[0].field == "currency" and err.missing() == ("currency",)
    assert "--currency" not in err.problems[0].problem  # the surface names its own remedy (the CLI: --currency)
    assert "--currency CODE" in missing.remedies(err.missing(), missing.CLI)


def test_absurd_amount(tmp_path):
    err = failure(write(tmp_path, "Date,Description,Amount\n2026-01-02,a,99999999999999999999.00\n"))
    assert (err.problems[0].line, err.problems[0].field) == (2, "Amount")


def test_cli_exit_code_2_and_no_output_file(tmp_path, capsys):
    path = write(tmp_path, "Date,Description,Amount\n2026-01-02,a,1.00\n2026-01-03,b,oops\n")
    out = tmp_path / "lines.csv"
    code = main(["import", str(path), "--out", str(out), "--currency", "USD"])
    captured = capsys.readouterr()
    assert code == 2
    assert not out.exists()
    assert "line 3, field 'Amount'" in captured.err

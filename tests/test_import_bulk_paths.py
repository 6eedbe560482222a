"""The bulk (column-wise) paths of a large import give exactly what the line-by-line paths give: BankLine records
built from columns, a running balance proved by column, the amount bound judged by column, a statement's total."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import FrozenInstanceError, replace
from decimal import Decimal

import pytest

from tieout.server.importers.amount_bounds import _suspects, check_result
from tieout.server.importers.line_batch import bank_lines
from tieout.server.importers.tabular.balance_chain import unbroken_chain
from tieout.server.importers.tabular.statements import running_balance
from tieout.server.errors import BankFileError
from tieout.server.records import BankLine, ImportResult, Statement


def _columns(n: int, seed: int = 7):
    rng = random.Random(seed)
    return ([f"L{i}" for i in range(n)], [dt.date(2024, 1, 1) + dt.timedelta(days=i // 10) for i in range(n)],
            [Decimal(rng.randint(-99_999, 99_999)).scaleb(-2) for _ in range(n)], ["EUR"] * n,
            [f"R{i}" if i % 3 else "" for i in range(n)], [f"text {i}" for i in range(n)], ["other"] * n,
            [""] * n, [None if i % 2 else dt.date(2024, 2, 1) for i in range(n)], [i % 7 == 0 for i in range(n)])


def test_bank_lines_equal_records_built_one_by_one_and_stay_frozen():
    cols = _columns(50)
    bulk = bank_lines(*cols)
    assert bulk == [BankLine(*row) for row in zip(*cols)]
    assert hash(bulk[3]) == hash(BankLine(*[c[3] for c in cols]))
    with pytest.raises(FrozenInstanceError):
        bulk[0].amount = Decimal(1)
    assert replace(bulk[1], description="x").description == "x"


def test_bank_lines_refuses_columns_of_different_lengths():
    cols = list(_columns(5))
    cols[4] = cols[4][:3]
    with pytest.raises(ValueError):
        bank_lines(*cols)
    with pytest.raises(TypeError):
        bank_lines(*cols[:9])


def _chain(amounts, opening=Decimal("100.00")):
    balances, b = [], opening
    for a in amounts:
        b += a
        balances.append(b)
    return balances


def _slow(amounts, balances, dates=None):
    dates = dates or [dt.date(2024, 1, 1)] * len(amounts)
    findings = []
    result = running_balance([(i + 1, d, a, b) for i, (d, a, b) in enumerate(zip(dates, amounts, balances))],
                             "Balance", findings)
    return result, findings


@pytest.mark.parametrize("newest_first", [False, True])
def test_chain_proved_by_column_gives_the_line_by_line_opening_and_closing(newest_first):
    amounts = _columns(500)[2]
    balances = _chain(amounts)
    if newest_first:
        amounts, balances = amounts[::-1], balances[::-1]
    fast = unbroken_chain(amounts, balances)
    (opening, closing), findings = _slow(amounts, balances)
    assert findings == []
    assert fast == (opening, closing) == (Decimal("100.00"), _chain(_columns(500)[2])[-1])


def test_chain_with_a_break_a_missing_balance_or_both_orders_is_left_to_the_line_by_line_check():
    amounts = _columns(300)[2]
    broken = _chain(amounts)
    broken[150] += Decimal("0.01")
    assert unbroken_chain(amounts, broken) is None
    assert _slow(amounts, broken)[1][0].code == "running_balance_break"
    missing = _chain(amounts)
    missing[10] = None
    assert unbroken_chain(amounts, missing) is None
    # +5, -5, +5...: each balance follows from its neighbour in both orders; only the dates can tell
    alternating = [Decimal(5) if i % 2 == 0 else Decimal(-5) for i in range(20)]
    assert unbroken_chain(alternating, _chain(alternating)) is None
    assert unbroken_chain([Decimal(1)], [Decimal(1)]) is None


def _statement(amounts, pending=None, currencies=None):
    n = len(amounts)
    cols = list(_columns(n))
    cols[2] = amounts
    cols[3] = currencies or ["EUR"] * n
    cols[9] = pending or [False] * n
    return Statement("acct", "EUR", None, None, tuple(bank_lines(*cols)))


def test_total_and_booked_skip_pending_lines_and_lines_in_another_currency():
    amounts = [Decimal("1.10"), Decimal("2.20"), Decimal("3.30"), Decimal("-4.00")]
    assert _statement(amounts).total == Decimal("2.60")
    assert len(_statement(amounts).booked) == 4
    st = _statement(amounts, pending=[False, True, False, False])
    assert st.total == Decimal("0.40") and len(st.booked) == 3
    assert _statement(amounts, currencies=["EUR", "USD", "", "EUR"]).total == Decimal("0.40")


def test_amount_bound_judged_by_column_still_names_every_line_beyond_it():
    fine = list(_columns(100)[2])
    assert _suspects(_statement(fine).lines) == []
    for odd in (Decimal("1e15"), Decimal("-1e15"), Decimal("NaN"), Decimal("Infinity"), Decimal("0." + "1" * 30)):
        amounts = fine[:]
        amounts[42] = odd
        suspects = _suspects(_statement(amounts).lines)
        assert [ln.line_id for ln in suspects] == ["L42"], odd
    amounts = fine[:]
    amounts[7] = Decimal("123456789012345.00")
    result = ImportResult("csv", "f.csv", (_statement(amounts),))
    with pytest.raises(BankFileError, match="L7"):
        check_result(result, "f.csv")


@pytest.mark.parametrize("fmt", ["us", "eu", "iso", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y"])
def test_all_digit_dates_read_without_strptime_give_strptimes_answer_or_its_error(fmt):
    from tieout.server.importers.tabular.values import MAX_DATE, MIN_DATE, date_parser
    from tieout.server.parsing import DateError, parse_date

    rng = random.Random(fmt)
    texts = []
    for _ in range(1500):
        d, m, y, sep = rng.randint(0, 35), rng.randint(0, 14), rng.choice([1899, 1999, 2024, 24, 2199, 2200]), \
            rng.choice("/.-")
        texts += [f"{d}{sep}{m}{sep}{y}", f"{d:02d}{sep}{m:02d}{sep}{y}", f"{y}{sep}{m:02d}{sep}{d:02d}",
                  f"{y}{m:02d}{d:02d}", f"{y}{m}{d}"]
    read = date_parser(fmt, typed=False)
    for text in texts:
        try:
            want = parse_date(text, (fmt,))
            want = want if MIN_DATE <= want <= MAX_DATE else None
        except DateError:
            want = None
        try:
            got = read(text)
        except DateError:
            got = None
        assert got == want, text


_SOLL_HABEN = "Buchungsdatum;Verwendungszweck;Soll;Haben;Saldo\n"


def test_debit_credit_columns_read_in_bulk_keep_the_row_by_row_answers(tmp_path):
    """Debit and credit columns are combined without a call per row when each row holds one side; a zero debit
    (a reversal printed as 0,00) still reads as the row-by-row rule reads it, and a row holding both sides is
    still refused with its line and field."""
    from tieout.server.importers import import_file
    from tieout.server.importers.base import ImportOptions

    rows = ["02.01.2024;Miete;1.200,00;;8.800,00", "03.01.2024;Gehalt;;3.000,50;11.800,50",
            "04.01.2024;Storno;0,00;;11.800,50", "05.01.2024;Gebühr;12,00;;11.788,50"]
    path = tmp_path / "umsaetze.csv"
    path.write_text(_SOLL_HABEN + "\n".join(rows) + "\n", encoding="utf-8")
    st = import_file(path, "auto", ImportOptions(currency="EUR")).statements[0]
    assert [(ln.line_id, str(ln.amount)) for ln in st.lines] == [
        ("L2", "-1200.00"), ("L3", "3000.50"), ("L4", "0"), ("L5", "-12.00")]
    assert (st.opening_balance, st.closing_balance) == (Decimal("10000.00"), Decimal("11788.50"))
    rows[1] = "03.01.2024;Gehalt;5,00;3.000,50;11.800,50"
    path.write_text(_SOLL_HABEN + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(BankFileError) as err:
        import_file(path, "auto", ImportOptions(currency="EUR"))
    assert "line 3, field 'Haben': both 'Soll' (5.00) and 'Haben' (3000.50) hold an amount" in str(err.value)

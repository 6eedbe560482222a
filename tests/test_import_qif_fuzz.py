"""QIF property tests: generated QIF files (every date and amount spelling, several accounts, any text) import to
exactly the lines written; random and mutated input never fails with anything but BankFileError."""
from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Field text: anything printable on one line (QIF has no escaping), kept without blanks at either end.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r\n"), max_size=25).map(
    str.strip)
DATE_STYLES = {
    "mdy": lambda d: f"{d.month}/{d.day:2d}/{d.year}",
    "mdy_quicken": lambda d: (f"{d.month}/{d.day:2d}'{d.year % 100:2d}" if d.year >= 2000 else
                              f"{d.month}/{d.day}/{d.year % 100:02d}"),
    "dmy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "dmy_dots": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "ymd": lambda d: d.isoformat(),
}
DAY_FIRST = {"dmy", "dmy_dots"}


def amount_text(value: Decimal, style: str) -> str:
    text = f"{value:,.2f}" if style in ("thousands", "comma") else f"{value:.2f}"
    if style == "comma":  # 1,234.56 -> 1.234,56
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


TRANSACTION = st.fixed_dictionaries({
    "date": st.dates(dt.date(1971, 1, 1), dt.date(2060, 12, 31)),
    "cents": st.integers(-10**11, 10**11),
    "payee": TEXT,
    "memo": TEXT,
    "number": st.none() | st.integers(1, 99999).map(str),
    "splits": st.integers(0, 3),
})


def description(payee: str, memo: str) -> str:
    if not memo:
        return payee
    return memo if not payee or memo.startswith(payee) else f"{payee} / {memo}"


def record(t: dict, date_style: str, amount_style: str) -> list[str]:
    value = Decimal(t["cents"]).scaleb(-2)
    out = [f"D{DATE_STYLES[date_style](t['date'])}", f"T{amount_text(value, amount_style)}"]
    out += [f"P{t['payee']}"] * bool(t["payee"]) + [f"M{t['memo']}"] * bool(t["memo"])
    out += [f"N{t['number']}"] * (t["number"] is not None)
    if t["splits"]:  # parts that add up to the amount: splits describe it, they are never lines of their own
        parts = [t["cents"] // t["splits"]] * (t["splits"] - 1)
        parts.append(t["cents"] - sum(parts))
        for i, cents in enumerate(parts):
            out += [f"SCategory {i}", f"Epart {i}", f"${amount_text(Decimal(cents).scaleb(-2), amount_style)}"]
    return out + ["^"]


@SETTINGS
@given(st.lists(st.tuples(TEXT, st.sampled_from(["Bank", "CCard", "Cash"]), st.lists(TRANSACTION, max_size=6)),
                min_size=1, max_size=3),
       st.sampled_from(sorted(DATE_STYLES)), st.sampled_from(["plain", "thousands", "comma"]))
def test_generated_files_round_trip(accounts, date_style, amount_style):
    # One record whose day is above 12 proves the date order, as it would in any real month of transactions.
    prover = {"date": dt.date(2024, 3, 25), "cents": 100, "payee": "prover", "memo": "", "number": None,
              "splits": 0}
    accounts = [(name, kind, [prover] + txs) for name, kind, txs in accounts]
    text = ["!Type:Cat", "NGroceries", "^"]
    for i, (name, kind, txs) in enumerate(accounts):
        text += ["!Account", f"NAcct {i} {name}", f"T{kind}", "^", f"!Type:{kind}"]
        for t in txs:
            text += record(t, date_style, amount_style)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.qif"
        path.write_text("\n".join(text) + "\n", encoding="utf-8")
        result = import_file(path, options=ImportOptions(currency="EUR"))
    assert result.findings == ()
    assert [st_.account for st_ in result.statements] == [f"Acct {i} {name}".strip() for i, (name, _, _) in
                                                          enumerate(accounts)]
    for statement, (_, _, txs) in zip(result.statements, accounts):
        got = [(ln.date, ln.amount, ln.description, ln.check_number, ln.currency) for ln in statement.lines]
        want = [(t["date"], Decimal(t["cents"]).scaleb(-2), description(t["payee"], t["memo"]), t["number"] or "",
                 "EUR") for t in txs]
        assert got == want


BASE = ("!Account\nNChecking\nTBank\n^\n!Type:Bank\nD1/ 2'2024\nT-1,234.56\nN101\nPShop\nMNote\nLFood\n^\n"
        "D1/25/2024\nT80.00\nSA\n$50.00\nSB\n$30.00\n^\nD2/ 3'2024\nT0.00\nPNotice\n")


def outcome(data: bytes) -> None:
    """Importing `data` either gives statements or raises BankFileError; anything else fails the test."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.qif"
        path.write_bytes(data)
        try:
            result = import_file(path, "qif")
        except BankFileError:
            return
        assert result.format == "qif"


def test_the_mutation_base_imports():
    result = import_file_text(BASE)
    assert [str(ln.amount) for ln in result.lines] == ["-1234.56", "80.00", "0.00"]


def import_file_text(text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.qif"
        path.write_text(text, encoding="utf-8")
        return import_file(path)


@SETTINGS
@given(st.data())
def test_mutated_files_fail_only_with_bank_file_error(data):
    text = BASE
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 5))
        insert = data.draw(st.text(st.sampled_from("^!\n\r DTSNPM$E0123456789/.,'-:[]é€\x81\xa0"), max_size=6))
        text = text[:at] + insert + text[at + cut:]
    outcome(text.encode("utf-8"))


@SETTINGS
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: ("!Type:Bank\n" + t).encode("utf-8")))
def test_random_input_fails_only_with_bank_file_error(data):
    outcome(data)

"""Property-based tests of layout inference: one statement written in many layouts no profile describes
(columns shuffled, headers renamed with synonyms of other languages or left out, dates day-first, month-first
or ISO, decimal comma or point with thousands marks, signed amounts, debit/credit columns or an amount with a
flag, newest or oldest first, with or without a running balance) must give the same lines back."""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DATE = ["Date", "Buchungstag", "Datum", "Data operazione", "Fecha", "Data operacji", "Дата операции",
        "Kirjauspäivä", "Bokföringsdag", "Könyvelés dátuma", "Boekdatum"]
TEXT = ["Description", "Verwendungszweck", "Omschrijving", "Libellé", "Descrizione", "Concepto", "Opis",
        "Popis", "Selite", "Közlemény", "Описание", "Paaiškinimai"]
AMOUNT = ["Amount", "Betrag", "Bedrag", "Montant", "Importo", "Importe", "Kwota", "Částka", "Belopp", "Összeg",
          "Сумма", "Suma"]
BALANCE = ["Balance", "Saldo", "Kontostand", "Solde", "Zůstatek", "Egyenleg", "Остаток", "Likutis"]
DEBIT_CREDIT = [("Debit", "Credit"), ("Soll", "Haben"), ("Addebiti", "Accrediti"), ("Cargo", "Abono"),
                ("Расход", "Приход"), ("Uttag", "Insättning")]
FLAGS = [("D", "C"), ("DR", "CR"), ("S", "H"), ("Af", "Bij"), ("-", "+")]
WORDS = ["Rent", "Salary ACME", "Card payment SHOP 12", "Transfer to savings", "Bank fee", "Interest",
         "Direct debit POWER CO", "Refund", "ATM withdrawal"]
DATE_STYLES = {"dmy.": "%d.%m.%Y", "dmy/": "%d/%m/%Y", "mdy/": "%m/%d/%Y", "iso": "%Y-%m-%d", "dmy-": "%d-%m-%Y"}


def _money(value: Decimal, mark: str, thousands: bool) -> str:
    text = f"{abs(value):,.2f}" if thousands else f"{abs(value):.2f}"
    if mark == ",":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if value < 0 else "") + text


@st.composite
def statements(draw):
    n = draw(st.integers(3, 14))
    cents = draw(st.lists(st.integers(-250_000, 250_000).filter(bool), min_size=n, max_size=n))
    start = dt.date(2025, draw(st.integers(1, 12)), 1)
    days = sorted(draw(st.lists(st.integers(0, 27), min_size=n - 1, max_size=n - 1)) + [19])  # a day past 12
    texts = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n))
    lines = [(start + dt.timedelta(days=d), Decimal(c) / 100, t) for d, c, t in zip(days, cents, texts)]
    return lines, Decimal(draw(st.integers(0, 10_000_000))) / 100


@st.composite
def layouts(draw):
    return {
        "money": draw(st.sampled_from(["signed", "debit_credit", "indicator"])),
        "balance": draw(st.booleans()),
        "header": draw(st.booleans()),
        "names": (draw(st.sampled_from(DATE)), draw(st.sampled_from(TEXT)), draw(st.sampled_from(AMOUNT)),
                  draw(st.sampled_from(BALANCE)), draw(st.sampled_from(DEBIT_CREDIT)), draw(st.sampled_from(FLAGS))),
        "dates": draw(st.sampled_from(sorted(DATE_STYLES))),
        "mark": draw(st.sampled_from([".", ","])),
        "thousands": draw(st.booleans()),
        "newest_first": draw(st.booleans()),
        "order": draw(st.permutations(range(5))),
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
    }


def _write(lines, opening: Decimal, lay: dict) -> str:
    date_h, text_h, amount_h, balance_h, (debit_h, credit_h), (d_flag, c_flag) = lay["names"]
    money = lambda v: _money(v, lay["mark"], lay["thousands"])  # noqa: E731
    cols = [(date_h, lambda r: r[0].strftime(DATE_STYLES[lay["dates"]])), (text_h, lambda r: r[2])]
    if lay["money"] == "signed":
        cols.append((amount_h, lambda r: money(r[1])))
    elif lay["money"] == "debit_credit":
        cols += [(debit_h, lambda r: money(-r[1]) if r[1] < 0 else ""),
                 (credit_h, lambda r: money(r[1]) if r[1] > 0 else "")]
    else:
        cols += [(amount_h, lambda r: money(abs(r[1]))), ("D/C", lambda r: d_flag if r[1] < 0 else c_flag)]
    if lay["balance"]:
        cols.append((balance_h, lambda r: money(r[3])))
    order = [i for i in lay["order"] if i < len(cols)] + list(range(5, len(cols)))
    cols = [cols[i] for i in order]
    balance, rows = opening, []
    for d, amount, text in lines:
        balance += amount
        rows.append((d, amount, text, balance))
    if lay["newest_first"]:
        rows.reverse()
    out = io.StringIO()
    w = csv.writer(out, delimiter=lay["delimiter"], lineterminator="\n")
    if lay["header"] or lay["money"] != "signed" or not lay["balance"]:  # headerless: signed + balance only
        w.writerow([h for h, _ in cols])
    for r in rows:
        w.writerow([f(r) for _, f in cols])
    return out.getvalue()


@SETTINGS
@given(statements(), layouts())
def test_every_layout_of_one_statement_reads_back_the_same_lines(statement, lay):
    lines, opening = statement
    text = _write(lines, opening, lay)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statement.csv"
        path.write_text(text, encoding="utf-8")
        result = import_file(path, "auto", ImportOptions(currency="EUR"))
    got = sorted((ln.date, ln.amount) for ln in result.lines)
    assert got == sorted((d, a) for d, a, _ in lines), text
    st_ = result.statements[0]
    if lay["balance"]:
        assert st_.closing_balance == opening + sum(a for _, a, _ in lines), text
        assert not st_.findings, text

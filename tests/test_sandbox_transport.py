"""A reader's result crosses the sandbox's process boundary as columns (server/sandbox/transport.py) and comes
back equal in every field: amounts with their exact digits and exponent, dates, pending lines, findings, layout;
through a real worker too, for an import and for the add-in's one reading of a bank file (preview)."""
from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal

from tieout.server import sandbox
from tieout.server.errors import BankFileError
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.preview import Preview, read_statement
from tieout.server.records import BankLine, Finding, ImportResult, Layout, Statement
from tieout.server.sandbox import transport

AMOUNTS = ["12.50", "-0.00", "1E+3", "-1234567890123.4567", "0", "7.1000"]


def _result() -> ImportResult:
    lines = tuple(BankLine(f"L{i}", dt.date(2026, 1, 1) + dt.timedelta(days=i), Decimal(a), "EUR", f"R{i}",
                           f"line {i}", "fee" if i % 2 else "other", "12" if i == 3 else "",
                           dt.date(2026, 2, 1) if i == 2 else None, pending=i == 4)
                  for i, a in enumerate(AMOUNTS))
    st = Statement("DE89370400440532013000", "EUR", Decimal("100.00"), None, lines, dt.date(2026, 1, 1),
                   dt.date(2026, 1, 31), "S1", (Finding("running_balance_break", "line 3: ...", "S1",
                                                         (("difference", "0.01"),)),), "file", "")
    return ImportResult("csv", "x.csv", (st, Statement("B", "USD", None, None)), ("a warning",),
                        Layout("inferred", "inferred", 0.9))


def _exact(a: ImportResult, b: ImportResult) -> bool:
    return a == b and [ln.amount.as_tuple() for ln in a.lines] == [ln.amount.as_tuple() for ln in b.lines]


def test_a_result_comes_back_equal_with_every_amount_exact():
    result = _result()
    sent = pickle.loads(pickle.dumps(transport.pack(result)))
    assert not isinstance(sent.statements[0].lines, tuple)  # it did travel as columns
    assert _exact(transport.unpack(sent), result)


def test_a_result_inside_another_record_and_odd_values_come_back_as_they_were():
    result = _result()
    st = result.statements[0]
    odd = st.lines[0].__class__("X", dt.datetime(2026, 1, 1, 9, 30), 5, "EUR")  # a datetime, an int: sent raw
    result = ImportResult("csv", "x.csv", (Statement("A", "EUR", None, None, st.lines + (odd,)),))
    preview = Preview(result, None)
    back = transport.unpack(pickle.loads(pickle.dumps(transport.pack(preview))))
    assert back == preview and back.result.statements[0].lines[-1].date.__class__ is dt.datetime
    assert transport.pack("not a result") == "not a result"


def test_through_a_worker_an_import_and_the_add_in_reading_are_whole(tmp_path):
    path = tmp_path / "umsaetze.csv"
    rows = [f"2026-01-{d:02d};Miete {d};{-d * 10.25:.2f};EUR".replace(".", ",") for d in range(1, 29)]
    path.write_text("Buchungstag;Verwendungszweck;Betrag;Waehrung\n" + "\n".join(rows) + "\n", encoding="utf-8")
    options = ImportOptions()
    here = read_statement(path, "auto", options, "umsaetze")
    there = sandbox.run(read_statement, path, "auto", options, "umsaetze", source=path, error=BankFileError)
    assert _exact(there.result, here.result) and there.proposal == here.proposal
    assert there.result.layout.source == "inferred" and there.proposal is not None  # nothing bank-specific knew it
    assert len(there.result.lines) == 28
